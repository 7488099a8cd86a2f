//! The read side: the maintainer and the live models, the report views, the
//! queries and the type-ahead that read them.

mod fan_out;
mod fulfilment;
pub mod lookup;
mod maintainer;
mod net_sales;
mod order_edits;
mod queries;
mod read_models;
mod reports;
mod reports_fill;
mod search_shared;
mod time_zone;
