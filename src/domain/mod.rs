//! Typed domain values. Raw input is parsed into these once, at the edge, so
//! commands only ever see values that are already valid ("parse, don't validate").
//! The enums stored in text columns (order status, role, stock movement kind,
//! event and aggregate type) map to them through Diesel (`sql_text`), so code
//! compares enums, never strings.

mod actor;
mod address_role;
mod country_list;
mod currency;
mod event;
pub mod event_payload;
pub mod event_words;
mod field_errors;
mod fulfilment_status;
mod ids;
pub mod import;
mod invoice;
mod money;
mod note;
mod payment;
mod postal_address;
mod quantity;
pub mod shop_day;
pub(crate) mod sql_text;
mod staff;
mod stock_movement;
mod text;

pub use actor::Actor;
pub use address_role::AddressRole;
pub use currency::Currency;
pub use event::{Aggregate, EventType};
pub use field_errors::FieldErrors;
pub use fulfilment_status::FulfilmentStatus;
pub use ids::{AddressId, CustomerId, OrderId, ProductId, TaxRateId};
pub use import::{ImportKind, ImportState, RowOutcome};
pub use invoice::{DocumentKind, Issuer};
pub use money::format_cents;
pub use money::{Money, Percent, totals};
pub use note::{MAX_NOTE_CHARS, NoteBody, NoteSubject};
pub use payment::{PaymentKind, PaymentMethod, PaymentStatus, balance_due};
pub use postal_address::{AddressFields, AddressLabel, Country, PostalAddress};
pub use quantity::{
    DEFAULT_LOW_STOCK_THRESHOLD, MAX_QUANTITY, MAX_STOCK_LEVEL, Quantity, StockDelta, StockLevel,
};
pub use staff::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, Password, Permission, Role, Username};
pub use stock_movement::StockMovementKind;
pub use text::{
    Email, IdempotencyKey, Name, Note, PaymentReference, Phone, Reason, Sku, TaxId, TaxRateName,
    parse_description,
};
