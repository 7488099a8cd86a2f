//! `order_placed`'s payloads: version 1 (lines at catalogue price, a total;
//! its oldest events state the address as free text) and version 2 (issue
//! 24: each line's rate, discount and amounts, and the order's money as
//! [`crate::domain::totals::Basket::totals`] computed it). Reading either
//! gives [`OrderPlaced`], the latest shape.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{PayloadError, schema_version, with_version};
use crate::domain::AddressFields;
use crate::domain::totals::{Discount, LineAmounts, TaxAmount};

/// An address as an order's event states it: the structured parts, or
/// (version 1 events written before structured addresses) free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventAddress {
    Structured(AddressFields),
    Text(String),
}

/// A discount as entered: `kind` is `amount` (value in minor units) or
/// `percent` (value in ppm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountPayload {
    pub kind: DiscountKind,
    pub value: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscountKind {
    Amount,
    Percent,
}

impl From<&Discount> for DiscountPayload {
    fn from(d: &Discount) -> Self {
        match d {
            Discount::Amount(a) => Self {
                kind: DiscountKind::Amount,
                value: a.minor(),
            },
            Discount::Percent(p) => Self {
                kind: DiscountKind::Percent,
                value: i64::from(p.ppm()),
            },
        }
    }
}

/// A line's stored amounts (minor units; the rate in ppm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAmountsPayload {
    pub tax_rate: u32,
    pub subtotal: i64,
    pub line_discount: i64,
    pub order_discount: i64,
    pub net: i64,
    pub tax: i64,
    pub total: i64,
}

impl From<&LineAmounts> for LineAmountsPayload {
    fn from(a: &LineAmounts) -> Self {
        Self {
            tax_rate: a.tax_rate.ppm(),
            subtotal: a.subtotal,
            line_discount: a.line_discount,
            order_discount: a.order_discount,
            net: a.net,
            tax: a.tax,
            total: a.total,
        }
    }
}

/// The shipping charge's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingPayload {
    pub tax_rate_id: Option<i64>,
    pub tax_rate_ppm: u32,
    pub charged_cents: i64,
    pub waived: bool,
    pub net_cents: i64,
    pub tax_cents: i64,
    pub total_cents: i64,
}

/// One rate's tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxPayload {
    pub rate_ppm: u32,
    pub net_cents: i64,
    pub tax_cents: i64,
    pub gross_cents: i64,
}

impl From<&TaxAmount> for TaxPayload {
    fn from(x: &TaxAmount) -> Self {
        Self {
            rate_ppm: x.rate.ppm(),
            net_cents: x.net,
            tax_cents: x.tax,
            gross_cents: x.gross,
        }
    }
}

/// The order's money (version 2's `money`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderMoneyPayload {
    /// `tax_exclusive` or `tax_inclusive`.
    pub pricing: String,
    pub subtotal_cents: i64,
    pub line_discounts_cents: i64,
    pub order_discount: Option<DiscountPayload>,
    pub order_discount_cents: i64,
    pub shipping: Option<ShippingPayload>,
    pub taxes: Vec<TaxPayload>,
    pub net_total_cents: i64,
    pub tax_total_cents: i64,
    pub grand_total_cents: i64,
}

/// A line as the latest shape has it. The money fields are `None` only when
/// upcast from version 1 (written before orders were priced; migration
/// 000070 stored those orders at rate 0 without discounts, which the event
/// never said).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderPlacedLine {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub tax_rate_id: Option<i64>,
    pub discount: Option<DiscountPayload>,
    pub amounts: Option<LineAmountsPayload>,
}

/// `order_placed` as the code uses it: version 2 (the latest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderPlaced {
    pub customer_id: i64,
    pub shipping_address: EventAddress,
    pub billing_address: Option<EventAddress>,
    /// The book address the new shipping address was saved as.
    pub saved_to_book: Option<i64>,
    pub lines: Vec<OrderPlacedLine>,
    /// What the customer pays: the grand total (version 1: the lines' sum).
    pub total_cents: i64,
    /// `None` only when upcast from version 1.
    pub money: Option<OrderMoneyPayload>,
}

/// A version 2 line as stored: rate and amounts required.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderPlacedLineV2 {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub tax_rate_id: i64,
    pub discount: Option<DiscountPayload>,
    pub amounts: LineAmountsPayload,
}

/// `order_placed`, version 2 as stored: the money required.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderPlacedV2 {
    pub customer_id: i64,
    pub shipping_address: AddressFields,
    pub billing_address: Option<AddressFields>,
    pub saved_to_book: Option<i64>,
    pub lines: Vec<OrderPlacedLineV2>,
    pub total_cents: i64,
    pub money: OrderMoneyPayload,
}

impl From<OrderPlacedV2> for OrderPlaced {
    fn from(v2: OrderPlacedV2) -> Self {
        Self {
            customer_id: v2.customer_id,
            shipping_address: EventAddress::Structured(v2.shipping_address),
            billing_address: v2.billing_address.map(EventAddress::Structured),
            saved_to_book: v2.saved_to_book,
            lines: v2
                .lines
                .into_iter()
                .map(|l| OrderPlacedLine {
                    product_id: l.product_id,
                    sku: l.sku,
                    name: l.name,
                    quantity: l.quantity,
                    unit_price_cents: l.unit_price_cents,
                    tax_rate_id: Some(l.tax_rate_id),
                    discount: l.discount,
                    amounts: Some(l.amounts),
                })
                .collect(),
            total_cents: v2.total_cents,
            money: Some(v2.money),
        }
    }
}

/// A version 1 line: at catalogue price, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderPlacedLineV1 {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

/// `order_placed`, version 1: before orders were priced. The oldest state
/// the address as free text and have no billing address or book entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderPlacedV1 {
    pub customer_id: i64,
    pub shipping_address: EventAddress,
    #[serde(default)]
    pub billing_address: Option<EventAddress>,
    #[serde(default)]
    pub saved_to_book: Option<i64>,
    pub lines: Vec<OrderPlacedLineV1>,
    pub total_cents: i64,
}

impl From<OrderPlacedV1> for OrderPlaced {
    fn from(v1: OrderPlacedV1) -> Self {
        Self {
            customer_id: v1.customer_id,
            shipping_address: v1.shipping_address,
            billing_address: v1.billing_address,
            saved_to_book: v1.saved_to_book,
            lines: v1
                .lines
                .into_iter()
                .map(|l| OrderPlacedLine {
                    product_id: l.product_id,
                    sku: l.sku,
                    name: l.name,
                    quantity: l.quantity,
                    unit_price_cents: l.unit_price_cents,
                    tax_rate_id: None,
                    discount: None,
                    amounts: None,
                })
                .collect(),
            total_cents: v1.total_cents,
            money: None,
        }
    }
}

impl OrderPlaced {
    pub const VERSION: u64 = 2;

    /// The payload to store.
    pub fn to_payload(&self) -> Value {
        with_version(self, Self::VERSION)
    }

    /// A stored payload of any version, as the latest shape.
    pub fn read(payload: &Value) -> Result<Self, PayloadError> {
        match schema_version(payload)? {
            1 => Ok(OrderPlacedV1::deserialize(payload)?.into()),
            2 => Ok(OrderPlacedV2::deserialize(payload)?.into()),
            v => Err(PayloadError::UnknownVersion(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_version_1_order_placed_with_a_free_text_address_reads_without_money() {
        // As place_order wrote it before structured addresses.
        let stored = json!({
            "customer_id": 7, "shipping_address": "1 High St\nTown",
            "lines": [{ "product_id": 3, "sku": "MUG", "name": "Mug",
                        "quantity": 2, "unit_price_cents": 750 }],
            "total_cents": 1500
        });
        let read = OrderPlaced::read(&stored).unwrap();
        assert_eq!(
            read.shipping_address,
            EventAddress::Text("1 High St\nTown".into())
        );
        assert_eq!((read.total_cents, read.money.as_ref()), (1500, None));
        assert_eq!(read.lines[0].quantity, 2);
        assert_eq!(read.lines[0].amounts, None);
        assert_eq!(read.billing_address, None);
    }

    #[test]
    fn a_version_1_order_placed_with_a_structured_address_reads_as_the_latest() {
        let stored = json!({
            "customer_id": 7,
            "shipping_address": {
                "name": "Ada", "line1": "1 High St", "city": "Town", "country": "GB"
            },
            "billing_address": null, "saved_to_book": 12,
            "lines": [], "total_cents": 0
        });
        let read = OrderPlaced::read(&stored).unwrap();
        let EventAddress::Structured(a) = &read.shipping_address else {
            panic!("read as text: {read:?}");
        };
        assert_eq!((a.city.as_str(), read.saved_to_book), ("Town", Some(12)));
    }

    #[test]
    fn the_latest_version_reads_back_as_written_and_a_v2_without_money_is_refused() {
        let placed = OrderPlaced {
            customer_id: 1,
            shipping_address: EventAddress::Structured(AddressFields {
                name: "Ada".into(),
                ..AddressFields::default()
            }),
            billing_address: None,
            saved_to_book: None,
            lines: vec![OrderPlacedLine {
                product_id: 2,
                sku: "TEA".into(),
                name: "Tea".into(),
                quantity: 1,
                unit_price_cents: 1000,
                tax_rate_id: Some(3),
                discount: Some(DiscountPayload {
                    kind: DiscountKind::Percent,
                    value: 100_000,
                }),
                amounts: Some(LineAmountsPayload {
                    tax_rate: 200_000,
                    subtotal: 1000,
                    line_discount: 100,
                    order_discount: 0,
                    net: 900,
                    tax: 180,
                    total: 1080,
                }),
            }],
            total_cents: 1080,
            money: Some(OrderMoneyPayload {
                pricing: "tax_exclusive".into(),
                subtotal_cents: 1000,
                line_discounts_cents: 100,
                order_discount: None,
                order_discount_cents: 0,
                shipping: None,
                taxes: vec![TaxPayload {
                    rate_ppm: 200_000,
                    net_cents: 900,
                    tax_cents: 180,
                    gross_cents: 1080,
                }],
                net_total_cents: 900,
                tax_total_cents: 180,
                grand_total_cents: 1080,
            }),
        };
        let payload = placed.to_payload();
        assert_eq!(payload["schema_version"], 2);
        assert_eq!(payload["lines"][0]["discount"]["kind"], "percent");
        assert_eq!(OrderPlaced::read(&payload).unwrap(), placed);
        let mut short = payload;
        short.as_object_mut().unwrap().remove("money");
        assert!(OrderPlaced::read(&short).is_err());
    }
}
