//! The operator's side: the command-line tools, seeding, metrics and request ids.

mod cli;
mod observability;
mod seed;
