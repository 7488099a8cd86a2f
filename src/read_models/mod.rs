//! The read models: the one list of materialized views ([`catalog`]), the one
//! refresh mechanism every path uses ([`refresh`]), and the paths into it: the
//! NOTIFY listener ([`listener`]), the in-process schedule ([`schedule`]) and
//! `orderdesk refresh`. [`verify`] checks each view against the write tables.

pub mod catalog;
pub mod listener;
pub mod refresh;
pub mod schedule;
pub mod verify;

pub use catalog::{READ_MODELS, ReadModel};
pub use refresh::{RefreshOutcome, Trigger, refresh};
