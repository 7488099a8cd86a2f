//! The command line's staff-account chores (`orderdesk user …`,
//! `orderdesk ensure-admin`), kept in the library so they can be tested.

mod users;

pub use users::{add_user, ensure_admin, list_users, read_password, set_password};
