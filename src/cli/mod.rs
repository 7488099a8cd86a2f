//! The command line's chores, kept in the library so they can be tested:
//! staff accounts (`orderdesk user …`, `orderdesk ensure-admin`) and the read
//! models (`orderdesk refresh`, `orderdesk verify`) and CSV imports
//! (`orderdesk import resume|prune`).

mod error;
mod imports;
mod read_models;
mod users;

pub use error::CliError;
pub use imports::{prune_imports, resume_imports};
pub use read_models::{
    RefreshRequest, apply_time_zone, check_time_zone, rebuild_all, refresh, verify,
};
pub use users::{add_user, ensure_admin, list_users, read_password, set_password};
