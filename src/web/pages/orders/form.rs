//! The order forms: placing an order (the order-entry page posts a larger
//! form, `EntryForm`, whose order part this is) and cancelling one.

use std::collections::BTreeMap;

use rocket::form::FromForm;

use crate::commands::cancel_order::CancelOrder;
use crate::commands::place_order::{MAX_LINES, PlaceOrder};
use crate::domain::{
    Address, CustomerId, FieldErrors, IdempotencyKey, OrderId, Quantity, Reason, Sku,
};
use crate::web::shell::command_form::CommandForm;

/// An order as submitted. Lines whose SKU and quantity are both blank are
/// ignored (forms offer spare rows).
#[derive(Debug, Clone, Default, FromForm)]
pub struct OrderForm {
    pub customer_id: String,
    pub shipping_address: String,
    pub idempotency_key: String,
    pub lines: Vec<LineForm>,
}

/// One order line as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct LineForm {
    pub sku: String,
    pub quantity: String,
}

impl CommandForm for OrderForm {
    type Input = PlaceOrder;
    type Context = ();

    /// Lines are keyed by SKU: a SKU entered twice is one line, its quantities added.
    fn parse(&self, (): ()) -> Result<PlaceOrder, FieldErrors> {
        let mut errors = FieldErrors::new();
        let customer_id = errors.check(
            "customer_id",
            self.customer_id
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| "choose a customer".to_string()),
        );
        let address = errors.check("shipping_address", Address::parse(&self.shipping_address));
        let key = errors.check(
            "idempotency_key",
            IdempotencyKey::parse(&self.idempotency_key),
        );
        let lines = lines(&self.lines, &mut errors);
        match (customer_id, address, key) {
            (Some(customer_id), Some(shipping_address), Some(idempotency_key))
                if errors.is_empty() =>
            {
                Ok(PlaceOrder {
                    customer_id: CustomerId(customer_id),
                    shipping_address,
                    idempotency_key,
                    lines,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The filled lines by SKU, recording each line's errors as `lines[i].sku`
/// or `lines[i].quantity`, and `lines` for the order as a whole.
fn lines(submitted: &[LineForm], errors: &mut FieldErrors) -> BTreeMap<Sku, Quantity> {
    let mut lines: BTreeMap<Sku, Quantity> = BTreeMap::new();
    for (i, line) in submitted.iter().enumerate() {
        if line.sku.trim().is_empty() && line.quantity.trim().is_empty() {
            continue;
        }
        let sku = errors.check(&format!("lines[{i}].sku"), Sku::parse(&line.sku));
        let qty = errors.check(
            &format!("lines[{i}].quantity"),
            Quantity::parse(&line.quantity),
        );
        if let (Some(sku), Some(qty)) = (sku, qty) {
            let merged = match lines.get(&sku) {
                Some(prev) => Quantity::new(i64::from(prev.get()) + i64::from(qty.get())),
                None => Ok(qty),
            };
            if let Some(q) = errors.check(&format!("lines[{i}].quantity"), merged) {
                lines.insert(sku, q);
            }
        }
    }
    if lines.is_empty() && errors.is_empty() {
        errors.add("lines", "add at least one line");
    }
    if lines.len() > MAX_LINES {
        errors.add(
            "lines",
            format!("an order may have at most {MAX_LINES} lines"),
        );
    }
    lines
}

/// A cancellation as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct CancelForm {
    pub reason: String,
}

impl CommandForm for CancelForm {
    type Input = CancelOrder;
    /// The order's id.
    type Context = i64;

    fn parse(&self, order_id: i64) -> Result<CancelOrder, FieldErrors> {
        Reason::parse(&self.reason)
            .map(|reason| CancelOrder {
                order_id: OrderId(order_id),
                reason,
            })
            .map_err(|e| FieldErrors::single("reason", e))
    }
}
