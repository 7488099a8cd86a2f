//! The read models, in one catalog ([`catalog`]): live models kept by the
//! [`maintainer`] from the events, batch by batch, rebuilt ([`rebuild`]) and
//! checked ([`verify`]) against the same definitions; and report views
//! refreshed whole ([`refresh`]) by cron and the nightly [`schedule`].

pub mod catalog;
pub mod maintainer;
mod name;
pub mod rebuild;
pub mod refresh;
pub mod schedule;
pub mod time_zone;
pub mod verify;

pub use catalog::{Kind, READ_MODELS, ReadModel, ReadModelName};
pub use refresh::{RefreshOutcome, Trigger, refresh};
