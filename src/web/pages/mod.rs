//! The pages, one folder per resource and one file per action, each form
//! (and its parsing into a command's typed input) beside the route that
//! takes it. A page that renders has its template at the same place under
//! `templates/` (`pages/orders/show.rs` → `templates/orders/show.html`).

pub mod auth;
pub mod customers;
pub mod dashboard;
pub mod health;
pub mod imports;
pub mod metrics;
pub mod notes;
pub mod orders;
pub mod paused;
pub mod products;
pub mod reports;
pub mod settings;
pub mod status;
pub mod users;
