//! Request guards: who is asking ([`CurrentUser`] and the role guards
//! [`Clerk`], [`Admin`] and [`Staff`], over server-side sessions), CSRF
//! checks, the database connections a handler gets ([`ReadConn`],
//! [`WriteConn`], and a page's statements sent with the session look-up),
//! ids from the path, list parameters, the client's address and device, and
//! form bodies read with a size limit and a deadline, and CSV uploads
//! (multipart, their own limit and a minimum transfer rate).

mod client;
pub mod connections;
pub mod csrf;
pub mod device;
pub mod form_body;
pub mod params;
mod path_id;
pub mod read_order;
pub(crate) mod session;
mod staff;
pub mod upload;
mod user;
pub mod with_session;

pub use client::ClientInfo;
pub use connections::{ReadConn, WriteConn, WritesOpen};
pub use csrf::{CsrfForm, TokenOnly};
pub use path_id::PathId;
pub use staff::Staff;
pub use user::{Admin, Clerk, CurrentUser, Refusal, ShopAdmin};
