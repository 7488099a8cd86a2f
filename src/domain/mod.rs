//! Typed domain values. Raw input is parsed into these once, at the edge, so
//! commands only ever see values that are already valid ("parse, don't validate").
//! The enums stored in text columns (order status, role, stock movement kind,
//! event and aggregate type) map to them through Diesel (`sql_text`), so code
//! compares enums, never strings.

mod actor;
mod currency;
mod event;
mod field_errors;
mod ids;
mod money;
mod order_status;
mod quantity;
pub mod shop_day;
pub(crate) mod sql_text;
mod staff;
mod stock_movement;
mod text;

pub use actor::Actor;
pub use currency::Currency;
pub use event::{Aggregate, EventType};
pub use field_errors::FieldErrors;
pub use ids::{CustomerId, OrderId, ProductId};
pub use money::format_cents;
pub use money::{Money, Percent, totals};
pub use order_status::OrderStatus;
pub use quantity::{MAX_QUANTITY, Quantity, StockDelta};
pub use staff::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Password, Permission, Role, Username};
pub use stock_movement::StockMovementKind;
pub use text::{Address, Email, IdempotencyKey, Name, Note, Phone, Reason, Sku, parse_description};
