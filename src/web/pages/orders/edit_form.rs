//! The edit form is the order form ([`EntryForm`]): drawn pre-filled from
//! the order as the read side has it (its lines, discounts, shipping charge
//! and its own copy of the address; the customer fixed), with the order's
//! version and a fresh idempotency key, and parsed into an [`EditOrder`].
//! Quantity 0 removes a line.

use std::collections::BTreeMap;

use super::form::{BILL_AS_IS, NEW_ADDRESS, line_discounts};
use super::new_form::EntryForm;
use crate::commands::edit_order::EditOrder;
use crate::domain::totals::Pricing;
use crate::domain::{
    AddressFields, Currency, FieldErrors, IdempotencyKey, OrderId, Percent, Quantity, Sku,
};
use crate::queries::order_detail::OrderDetail;
use crate::queries::pricing::Kept;
use crate::queries::shop::TaxRateRow;
use crate::web::forms::{AddressForm, LineForm};

/// What the order's lines were priced with, for the preview.
pub fn kept(o: &OrderDetail) -> Kept {
    Kept {
        lines: o
            .lines
            .iter()
            .map(|l| (l.sku.clone(), l.unit_price_cents, l.tax_rate_ppm))
            .collect(),
        pricing: if o.money.inclusive() {
            Pricing::TaxInclusive
        } else {
            Pricing::TaxExclusive
        },
        shipping_rate_ppm: o.money.shipping_tax_rate_ppm,
    }
}

/// A discount as stored, as it is typed: `2.50` or `10%`.
fn discount_text(currency: Currency, kind: Option<&str>, value: Option<i64>) -> String {
    match (kind, value) {
        (Some("amount"), Some(v)) => currency.plain(v),
        (Some("percent"), Some(v)) => u32::try_from(v)
            .ok()
            .and_then(Percent::from_ppm)
            .map_or_else(String::new, |p| p.to_string()),
        _ => String::new(),
    }
}

/// The form as the order stands: its lines, discounts and shipping charge
/// (its rate: the active rate of the same percentage, else the archived
/// rate it was priced with), its shipping
/// address as the order's own copy, its version and a new key.
pub fn prefilled(o: &OrderDetail, currency: Currency, rates: &[TaxRateRow]) -> EntryForm {
    let m = &o.money;
    let shipping_tax_rate = m
        .shipping_tax_rate_ppm
        .and_then(|ppm| rates.iter().find(|r| r.rate_ppm == ppm))
        .map_or_else(String::new, |r| r.id.to_string());
    let address = o
        .shipping
        .as_ref()
        .and_then(|v| serde_json::from_value::<AddressFields>(v.clone()).ok())
        .unwrap_or_else(|| AddressFields {
            // A free-text address from before structured ones: its text as
            // the first line, to be put in shape before saving.
            line1: o.shipping_address.clone().unwrap_or_default(),
            ..AddressFields::default()
        });
    let mut form = EntryForm {
        customer_id: o.customer_id.to_string(),
        order_id: o.id.to_string(),
        expected_version: o.version.to_string(),
        idempotency_key: IdempotencyKey::generate().to_string(),
        ship_to: NEW_ADDRESS.to_owned(),
        shipping: AddressForm::of(&address),
        bill_to: BILL_AS_IS.to_owned(),
        lines: o
            .lines
            .iter()
            .map(|l| LineForm {
                sku: l.sku.clone(),
                quantity: l.quantity.to_string(),
                discount: discount_text(currency, l.discount_kind.as_deref(), l.discount_value),
            })
            .collect(),
        order_discount: discount_text(currency, m.discount_kind.as_deref(), m.discount_value),
        shipping_charge: if m.shipping_tax_rate_ppm.is_some() {
            currency.plain(m.shipping_cents)
        } else {
            String::new()
        },
        shipping_tax_rate,
        ..EntryForm::default()
    };
    form.pad_lines(0);
    form
}

impl EntryForm {
    /// The edit of order `order_id`, every error beside its field. Lines
    /// are keyed by SKU (a SKU typed twice is one line, its quantities added);
    /// quantity 0 removes the line.
    pub fn edit(&self, order_id: i64, currency: Currency) -> Result<EditOrder, FieldErrors> {
        let mut errors = FieldErrors::new();
        let order = self.order();
        let expected_version = errors.check(
            "form",
            self.expected_version
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|v| *v > 0)
                .ok_or_else(|| "reload the order to edit it (the form has no version)".to_owned()),
        );
        let key = errors.check(
            "idempotency_key",
            IdempotencyKey::parse(&self.idempotency_key),
        );
        let lines = edit_lines(&self.lines, &mut errors);
        let line_discounts = line_discounts(&self.lines, currency, &mut errors);
        let (order_discount, shipping_charge) = order.money(currency, &mut errors);
        let shipping = order.shipping(&mut errors);
        let billing = order.billing(&mut errors);
        match (expected_version, key, shipping) {
            (Some(expected_version), Some(idempotency_key), Some(shipping))
                if errors.is_empty() =>
            {
                Ok(EditOrder {
                    order_id: OrderId(order_id),
                    expected_version,
                    lines,
                    line_discounts,
                    order_discount,
                    shipping_charge,
                    shipping,
                    billing,
                    idempotency_key,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The filled lines by SKU, quantity 0 as `None` (remove); errors as
/// `lines[i].sku` or `lines[i].quantity`.
fn edit_lines(submitted: &[LineForm], errors: &mut FieldErrors) -> BTreeMap<Sku, Option<Quantity>> {
    let mut lines: BTreeMap<Sku, Option<Quantity>> = BTreeMap::new();
    for (i, line) in submitted.iter().enumerate() {
        if line.sku.trim().is_empty() && line.quantity.trim().is_empty() {
            continue;
        }
        let sku = errors.check(&format!("lines[{i}].sku"), Sku::parse(&line.sku));
        let field = format!("lines[{i}].quantity");
        let qty = match line.quantity.trim() {
            "0" => Some(None),
            "" => {
                errors.add(&field, "enter a quantity (0 removes the line)");
                None
            }
            raw => errors.check(&field, Quantity::parse(raw)).map(Some),
        };
        if let (Some(sku), Some(qty)) = (sku, qty) {
            let before = lines.get(&sku).copied().flatten().map_or(0, Quantity::get);
            let merged = match qty {
                None if before == 0 => Ok(None),
                None => Ok(Quantity::new(i64::from(before)).ok()),
                Some(q) => Quantity::new(i64::from(before) + i64::from(q.get())).map(Some),
            };
            if let Some(q) = errors.check(&field, merged) {
                lines.insert(sku, q);
            }
        }
    }
    lines
}
