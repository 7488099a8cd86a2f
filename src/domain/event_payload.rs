//! Event payloads as typed structs, one per version of each event type's
//! shape. Events are stored forever and their shapes change, so a payload
//! carries its shape's version in the field `schema_version` (absent means 1:
//! every event written before versions existed), and reading one gives the
//! latest shape: an older version is upcast by a function of its own,
//! tested with a stored example of that version. A new version never
//! rewrites stored events.
//!
//! So far the product events are typed: `product_created` and
//! `product_updated` gained the product's tax rate in their version 2; and
//! `order_placed` ([`order_placed`]) gained the order's money in its version 2.
//! The payment events (`payment_recorded`, `payment_refunded`,
//! `payment_voided`), the documents' (`invoice_issued`, `credit_note_issued`)
//! and `order_edited` ([`order_edited`]) are typed from their first version;
//! so are the fulfilment moves ([`order_moved`]), the tax rates' events
//! ([`tax_rate`]), `shop_settings_changed` ([`shop_settings`]), the
//! customer's ([`customer`]), its address book's ([`address`]), the notes'
//! ([`note`]), the stock's ([`stock`]) and the staff accounts' ([`user`]),
//! whose version 1 is the shape they had before versions existed.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A shape typed from its version 1, with no other version yet: stored with
/// its version, read back only at version 1. Declared before the child
/// modules so that they use it too.
macro_rules! version_1_payload {
    ($($name:ident),+) => {$(
        impl $name {
            pub const VERSION: u64 = 1;

            /// The payload to store.
            pub fn to_payload(&self) -> serde_json::Value {
                $crate::domain::event_payload::with_version(self, Self::VERSION)
            }

            /// A stored payload, as this shape.
            pub fn read(
                payload: &serde_json::Value,
            ) -> Result<Self, $crate::domain::event_payload::PayloadError> {
                match $crate::domain::event_payload::schema_version(payload)? {
                    1 => Ok(<Self as serde::Deserialize>::deserialize(payload)?),
                    v => Err($crate::domain::event_payload::PayloadError::UnknownVersion(v)),
                }
            }
        }
    )+};
}

pub mod address;
pub mod customer;
pub mod note;
pub mod order_edited;
pub mod order_moved;
pub mod order_placed;
pub mod shop_settings;
pub mod stock;
pub mod tax_rate;
pub mod user;

pub use address::{
    AddressEntryPayload, CustomerAddressAdded, CustomerAddressEdited, CustomerAddressRemoved,
    CustomerDefaultAddressSet,
};
pub use customer::{CustomerDetailsPayload, CustomerRegistered, CustomerUpdated};
pub use note::{NoteAdded, NoteRemoved};
pub use order_edited::OrderEdited;
pub use order_moved::OrderMoved;
pub use order_placed::OrderPlaced;
pub use shop_settings::{SettingChange, SettingChanges, ShopSettingsChanged};
pub use stock::{StockAdjusted, StockReceived};
pub use tax_rate::{TaxRateArchived, TaxRateCreated, TaxRateUpdated};
pub use user::{UserCreated, UserRoleChanged, UserSessionsClosed, UserSessionsEnded};

/// The payload field that holds its shape's version.
pub const SCHEMA_VERSION: &str = "schema_version";

/// Why a stored payload could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PayloadError {
    #[error("schema_version {0} is not a version this build knows")]
    UnknownVersion(u64),
    #[error("schema_version is not a positive whole number")]
    BadVersion,
    #[error("payload does not match its version: {0}")]
    Shape(#[from] serde_json::Error),
}

/// The version a stored payload says it has (absent: 1).
pub fn schema_version(payload: &Value) -> Result<u64, PayloadError> {
    match payload.get(SCHEMA_VERSION) {
        None => Ok(1),
        Some(v) => v
            .as_u64()
            .filter(|v| *v >= 1)
            .ok_or(PayloadError::BadVersion),
    }
}

/// The payload as stored: the struct's fields and its version.
fn with_version<T: Serialize>(value: &T, version: u64) -> Value {
    let mut payload = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut payload {
        map.insert(SCHEMA_VERSION.into(), Value::from(version));
    }
    payload
}

/// `product_created` as the code uses it: version 2 (the latest), the
/// product with its tax rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductCreated {
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub active: bool,
    pub low_stock_threshold: i32,
    /// The product's rate. `None` only for an event upcast from version 1,
    /// written before tax rates existed (migration 000060 gave those
    /// products the shop's default rate, which the event never said).
    pub tax_rate_id: Option<i64>,
}

/// `product_created`, version 2 as stored: the rate is required.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProductCreatedV2 {
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub active: bool,
    pub low_stock_threshold: i32,
    pub tax_rate_id: i64,
}

impl From<ProductCreatedV2> for ProductCreated {
    fn from(v2: ProductCreatedV2) -> Self {
        Self {
            sku: v2.sku,
            name: v2.name,
            price_cents: v2.price_cents,
            active: v2.active,
            low_stock_threshold: v2.low_stock_threshold,
            tax_rate_id: Some(v2.tax_rate_id),
        }
    }
}

/// `product_created`, version 1: before tax rates.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProductCreatedV1 {
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub active: bool,
    pub low_stock_threshold: i32,
}

impl From<ProductCreatedV1> for ProductCreated {
    fn from(v1: ProductCreatedV1) -> Self {
        Self {
            sku: v1.sku,
            name: v1.name,
            price_cents: v1.price_cents,
            active: v1.active,
            low_stock_threshold: v1.low_stock_threshold,
            tax_rate_id: None,
        }
    }
}

impl ProductCreated {
    pub const VERSION: u64 = 2;

    /// The payload to store.
    pub fn to_payload(&self) -> Value {
        with_version(self, Self::VERSION)
    }

    /// A stored payload of any version, as the latest shape.
    pub fn read(payload: &Value) -> Result<Self, PayloadError> {
        match schema_version(payload)? {
            1 => Ok(ProductCreatedV1::deserialize(payload)?.into()),
            2 => Ok(ProductCreatedV2::deserialize(payload)?.into()),
            v => Err(PayloadError::UnknownVersion(v)),
        }
    }
}

/// `product_updated` as the code uses it: version 2 (the latest), the
/// product's new details with its tax rate, and the version the edit made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductUpdated {
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub active: bool,
    pub low_stock_threshold: i32,
    /// `None` only when upcast from version 1 (see [`ProductCreated`]).
    pub tax_rate_id: Option<i64>,
    /// The product's version after the edit.
    pub version: i32,
}

/// `product_updated`, version 2 as stored: the rate is required.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProductUpdatedV2 {
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub active: bool,
    pub low_stock_threshold: i32,
    pub tax_rate_id: i64,
    pub version: i32,
}

impl From<ProductUpdatedV2> for ProductUpdated {
    fn from(v2: ProductUpdatedV2) -> Self {
        Self {
            name: v2.name,
            description: v2.description,
            price_cents: v2.price_cents,
            active: v2.active,
            low_stock_threshold: v2.low_stock_threshold,
            tax_rate_id: Some(v2.tax_rate_id),
            version: v2.version,
        }
    }
}

/// `product_updated`, version 1: before tax rates.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProductUpdatedV1 {
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    pub active: bool,
    pub low_stock_threshold: i32,
    pub version: i32,
}

impl From<ProductUpdatedV1> for ProductUpdated {
    fn from(v1: ProductUpdatedV1) -> Self {
        Self {
            name: v1.name,
            description: v1.description,
            price_cents: v1.price_cents,
            active: v1.active,
            low_stock_threshold: v1.low_stock_threshold,
            tax_rate_id: None,
            version: v1.version,
        }
    }
}

impl ProductUpdated {
    pub const VERSION: u64 = 2;

    /// The payload to store.
    pub fn to_payload(&self) -> Value {
        with_version(self, Self::VERSION)
    }

    /// A stored payload of any version, as the latest shape.
    pub fn read(payload: &Value) -> Result<Self, PayloadError> {
        match schema_version(payload)? {
            1 => Ok(ProductUpdatedV1::deserialize(payload)?.into()),
            2 => Ok(ProductUpdatedV2::deserialize(payload)?.into()),
            v => Err(PayloadError::UnknownVersion(v)),
        }
    }
}

/// What an order's money stands at after a payment entry: its running sums
/// and the derived state (every payment event carries it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentTotals {
    pub paid_cents: i64,
    pub refunded_cents: i64,
    pub payment_status: String,
}

/// `payment_recorded`, version 1: money received on the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecorded {
    pub payment_id: i64,
    pub amount_cents: i64,
    pub method: String,
    pub reference: Option<String>,
    /// The date staff entered (`YYYY-MM-DD`, the shop's day).
    pub received_on: chrono::NaiveDate,
    /// Staff confirmed taking more than the balance due.
    pub overpayment_confirmed: bool,
    #[serde(flatten)]
    pub totals: PaymentTotals,
}

/// `payment_refunded`, version 1: money given back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRefunded {
    pub payment_id: i64,
    pub amount_cents: i64,
    pub method: String,
    pub reference: Option<String>,
    pub received_on: chrono::NaiveDate,
    #[serde(flatten)]
    pub totals: PaymentTotals,
}

/// `payment_voided`, version 1: a payment or refund reversed by a void entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentVoided {
    /// The void entry.
    pub payment_id: i64,
    /// The entry it reverses, and that entry's kind and amount.
    pub voids_payment_id: i64,
    pub voided_kind: String,
    pub amount_cents: i64,
    pub reason: Option<String>,
    #[serde(flatten)]
    pub totals: PaymentTotals,
}

/// A document's amounts as its events state them (positive; a credit
/// note's are what it credits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentTotals {
    pub currency: String,
    pub net_cents: i64,
    pub tax_cents: i64,
    pub shipping_cents: i64,
    pub grand_total_cents: i64,
}

/// `invoice_issued`, version 1: an invoice numbered and frozen on the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceIssued {
    pub invoice_id: i64,
    pub number: String,
    /// The shop's day it was issued on (its year is the series').
    pub issued_on: chrono::NaiveDate,
    #[serde(flatten)]
    pub totals: DocumentTotals,
}

/// `credit_note_issued`, version 1: a credit note for the order's standing
/// invoice, in the credit notes' own series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteIssued {
    pub credit_note_id: i64,
    pub number: String,
    pub issued_on: chrono::NaiveDate,
    /// The invoice it credits.
    pub credits_invoice_id: i64,
    pub credits_number: String,
    #[serde(flatten)]
    pub totals: DocumentTotals,
}

version_1_payload!(
    PaymentRecorded,
    PaymentRefunded,
    PaymentVoided,
    InvoiceIssued,
    CreditNoteIssued
);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_version_1_product_created_reads_as_the_latest_without_a_rate() {
        // As create_product wrote it before tax rates (no schema_version).
        let stored = json!({
            "sku": "MUG-BLUE", "name": "Blue mug", "price_cents": 750,
            "active": true, "low_stock_threshold": 10
        });
        assert_eq!(schema_version(&stored).unwrap(), 1);
        let read = ProductCreated::read(&stored).unwrap();
        assert_eq!(read.sku, "MUG-BLUE");
        assert_eq!(read.price_cents, 750);
        assert_eq!(read.tax_rate_id, None);
    }

    #[test]
    fn a_version_1_product_updated_reads_as_the_latest_keeping_its_version() {
        let stored = json!({
            "name": "Blue mug", "description": "", "price_cents": 800,
            "active": false, "low_stock_threshold": 3, "version": 4
        });
        let read = ProductUpdated::read(&stored).unwrap();
        assert_eq!(
            (read.price_cents, read.active, read.version),
            (800, false, 4)
        );
        assert_eq!(read.tax_rate_id, None);
    }

    #[test]
    fn the_latest_version_reads_back_as_written() {
        let created = ProductCreated {
            sku: "TEA-1".into(),
            name: "Tea".into(),
            price_cents: 399,
            active: true,
            low_stock_threshold: 10,
            tax_rate_id: Some(2),
        };
        let payload = created.to_payload();
        assert_eq!(payload[SCHEMA_VERSION], 2);
        assert_eq!(ProductCreated::read(&payload).unwrap(), created);
        let updated = ProductUpdated {
            name: "Tea".into(),
            description: "Green".into(),
            price_cents: 450,
            active: true,
            low_stock_threshold: 5,
            tax_rate_id: Some(3),
            version: 2,
        };
        assert_eq!(
            ProductUpdated::read(&updated.to_payload()).unwrap(),
            updated
        );
    }

    #[test]
    fn an_unknown_or_broken_version_is_an_error_not_a_guess() {
        let future = json!({ "schema_version": 9, "sku": "X" });
        assert!(matches!(
            ProductCreated::read(&future),
            Err(PayloadError::UnknownVersion(9))
        ));
        let broken = json!({ "schema_version": "two" });
        assert!(matches!(
            ProductUpdated::read(&broken),
            Err(PayloadError::BadVersion)
        ));
        // A version 2 payload missing its rate field is not read as version 1.
        let short = json!({
            "schema_version": 2, "sku": "X", "name": "X", "price_cents": 1,
            "active": true, "low_stock_threshold": 1
        });
        assert!(ProductCreated::read(&short).is_err());
    }

    #[test]
    fn the_payment_events_read_back_as_written_at_version_1() {
        let totals = PaymentTotals {
            paid_cents: 1500,
            refunded_cents: 0,
            payment_status: "partly_paid".into(),
        };
        let recorded = PaymentRecorded {
            payment_id: 7,
            amount_cents: 1500,
            method: "card".into(),
            reference: Some("slip 42".into()),
            received_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            overpayment_confirmed: false,
            totals: totals.clone(),
        };
        let payload = recorded.to_payload();
        assert_eq!(payload[SCHEMA_VERSION], 1);
        assert_eq!(payload["received_on"], "2026-12-06");
        assert_eq!(payload["paid_cents"], 1500);
        assert_eq!(PaymentRecorded::read(&payload).unwrap(), recorded);
        let voided = PaymentVoided {
            payment_id: 8,
            voids_payment_id: 7,
            voided_kind: "payment".into(),
            amount_cents: 1500,
            reason: None,
            totals,
        };
        assert_eq!(PaymentVoided::read(&voided.to_payload()).unwrap(), voided);
        let future = json!({ "schema_version": 2 });
        assert!(matches!(
            PaymentRefunded::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
    }

    #[test]
    fn document_events_are_stored_at_version_1_with_their_totals_flat() {
        let totals = DocumentTotals {
            currency: "USD".into(),
            net_cents: 2000,
            tax_cents: 400,
            shipping_cents: 0,
            grand_total_cents: 2400,
        };
        let issued = InvoiceIssued {
            invoice_id: 3,
            number: "2026-000003".into(),
            issued_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            totals: totals.clone(),
        };
        let payload = issued.to_payload();
        assert_eq!(payload[SCHEMA_VERSION], 1);
        assert_eq!(payload["grand_total_cents"], 2400);
        assert_eq!(payload["issued_on"], "2026-12-06");
        assert_eq!(InvoiceIssued::read(&payload).unwrap(), issued);
        let credit = CreditNoteIssued {
            credit_note_id: 4,
            number: "CN-2026-000001".into(),
            issued_on: issued.issued_on,
            credits_invoice_id: 3,
            credits_number: "2026-000003".into(),
            totals,
        };
        assert_eq!(
            CreditNoteIssued::read(&credit.to_payload()).unwrap(),
            credit
        );
        let future = serde_json::json!({"schema_version": 2});
        assert!(InvoiceIssued::read(&future).is_err());
    }
}
