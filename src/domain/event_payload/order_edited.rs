//! `order_edited`'s payload, typed from its version 1 (issue 25): what an
//! edit of an unshipped order changed, enough for the history to say it in
//! words ("changed the quantity of MUG-00003 from 2 to 3 and added TEE-00075
//! × 1; total $45.00 → $63.00") without reading any other table: each
//! changed line before and after, the order's grand total before and after,
//! the discount and shipping charge when they changed, whether an address
//! changed (and the new one), and the order's money as the edit left it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::order_placed::{DiscountPayload, OrderMoneyPayload};
use super::{PayloadError, schema_version, with_version};
use crate::domain::AddressFields;

/// What happened to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineChangeKind {
    /// A product the order did not have.
    Added,
    /// The line is gone (quantity 0, or left out).
    Removed,
    /// Its quantity, its discount or both changed.
    Changed,
}

/// One changed line: its product as the order names it, and the quantity
/// and discount before and after (0 and `None` for a line that was not there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChange {
    pub change: LineChangeKind,
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub old_quantity: i32,
    pub new_quantity: i32,
    pub old_discount: Option<DiscountPayload>,
    pub new_discount: Option<DiscountPayload>,
    /// The line's total (after discounts, with tax as the order is priced)
    /// before and after; 0 where there was or is no line.
    pub old_total_cents: i64,
    pub new_total_cents: i64,
}

/// The shipping charge as entered (before any waiver), with its rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingChargePayload {
    pub charged_cents: i64,
    pub tax_rate_id: Option<i64>,
}

/// `order_edited` as the code uses it: version 1 (the latest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "a stored payload: each flag says whether one part changed"
)]
pub struct OrderEdited {
    /// The order's version the edit made (the one it expected + 1).
    pub version: i32,
    /// The changed lines, in product id order; unchanged lines are not listed.
    pub lines: Vec<LineChange>,
    pub old_total_cents: i64,
    pub new_total_cents: i64,
    /// Set when the order discount changed: before and after.
    pub order_discount_changed: bool,
    pub old_order_discount: Option<DiscountPayload>,
    pub new_order_discount: Option<DiscountPayload>,
    /// Set when the shipping charge or its rate changed: before and after.
    pub shipping_charge_changed: bool,
    pub old_shipping_charge: Option<ShippingChargePayload>,
    pub new_shipping_charge: Option<ShippingChargePayload>,
    /// The order's own copy of its shipping address was replaced by this one.
    pub shipping_address_changed: bool,
    pub shipping_address: Option<AddressFields>,
    pub billing_address_changed: bool,
    pub billing_address: Option<AddressFields>,
    /// The paid amount, net of refunds, when the edit was made; with the new
    /// total it says whether a balance is due or an amount is to refund.
    pub net_paid_cents: i64,
    /// The order's money after the edit, as `order_placed` states it.
    pub money: OrderMoneyPayload,
}

impl OrderEdited {
    pub const VERSION: u64 = 1;

    /// The payload to store.
    pub fn to_payload(&self) -> Value {
        with_version(self, Self::VERSION)
    }

    /// A stored payload of any version, as the latest shape.
    pub fn read(payload: &Value) -> Result<Self, PayloadError> {
        match schema_version(payload)? {
            1 => Ok(Self::deserialize(payload)?),
            v => Err(PayloadError::UnknownVersion(v)),
        }
    }

    /// What the edit leaves to settle: positive, a balance due; negative, an
    /// amount to refund; 0 when the order is settled or unpaid.
    pub fn balance_cents(&self) -> i64 {
        if self.net_paid_cents == 0 {
            return 0;
        }
        self.new_total_cents.saturating_sub(self.net_paid_cents)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn example() -> OrderEdited {
        OrderEdited {
            version: 3,
            lines: vec![
                LineChange {
                    change: LineChangeKind::Changed,
                    product_id: 3,
                    sku: "MUG-00003".into(),
                    name: "Minimal Mug".into(),
                    old_quantity: 2,
                    new_quantity: 3,
                    old_discount: None,
                    new_discount: None,
                    old_total_cents: 3000,
                    new_total_cents: 4500,
                },
                LineChange {
                    change: LineChangeKind::Added,
                    product_id: 75,
                    sku: "TEE-00075".into(),
                    name: "Tee".into(),
                    old_quantity: 0,
                    new_quantity: 1,
                    old_discount: None,
                    new_discount: None,
                    old_total_cents: 0,
                    new_total_cents: 1800,
                },
            ],
            old_total_cents: 4500,
            new_total_cents: 6300,
            order_discount_changed: false,
            old_order_discount: None,
            new_order_discount: None,
            shipping_charge_changed: false,
            old_shipping_charge: None,
            new_shipping_charge: None,
            shipping_address_changed: false,
            shipping_address: None,
            billing_address_changed: false,
            billing_address: None,
            net_paid_cents: 4500,
            money: OrderMoneyPayload {
                pricing: "tax_exclusive".into(),
                subtotal_cents: 6300,
                line_discounts_cents: 0,
                order_discount: None,
                order_discount_cents: 0,
                shipping: None,
                taxes: Vec::new(),
                net_total_cents: 6300,
                tax_total_cents: 0,
                grand_total_cents: 6300,
            },
        }
    }

    #[test]
    fn version_1_reads_back_as_written() {
        let edited = example();
        let payload = edited.to_payload();
        assert_eq!(payload["schema_version"], 1);
        assert_eq!(payload["lines"][1]["change"], "added");
        assert_eq!(OrderEdited::read(&payload).unwrap(), edited);
        assert_eq!(edited.balance_cents(), 1800);
    }

    #[test]
    fn an_unknown_version_or_a_short_payload_is_an_error() {
        let future = json!({ "schema_version": 2 });
        assert!(matches!(
            OrderEdited::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
        let mut short = example().to_payload();
        short.as_object_mut().unwrap().remove("money");
        assert!(OrderEdited::read(&short).is_err());
    }
}
