//! The write side: each command against the database (typed inputs, the
//! events they record, the refusals that write nothing).

mod addresses;
mod concurrency;
mod customers;
mod edit_order;
mod events;
mod imports;
mod imports_addresses;
mod imports_alongside;
mod imports_apply;
mod imports_products;
mod invoices;
mod money;
mod notes;
mod orders;
pub(crate) mod payments;
mod prepared;
mod products;
mod stock;
mod tax;
