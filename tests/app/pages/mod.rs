//! The pages over HTTP: lists, forms, detail pages, printables, caching.

mod addresses;
mod billing;
mod bulk;
mod currency;
mod customers;
mod forms;
mod history;
mod http_caching;
mod imports;
mod invoices;
mod notes;
mod order_edit;
mod order_entry;
mod order_entry_money;
mod orders;
mod payments;
mod printables;
mod processing;
mod products;
mod revenue_definition;
mod round_trips;
mod settings;
mod stock;
mod stock_ledger;
mod web;
