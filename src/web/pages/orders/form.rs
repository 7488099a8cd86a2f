//! The order forms: placing an order (the order-entry page posts a larger
//! form, `EntryForm`, whose order part this is) and cancelling one.

use std::collections::BTreeMap;

use rocket::form::FromForm;

use crate::commands::cancel_order::CancelOrder;
use crate::commands::place_order::{AddressChoice, MAX_LINES, PlaceOrder};
use crate::domain::{
    AddressId, AddressLabel, CustomerId, FieldErrors, IdempotencyKey, OrderId, PostalAddress,
    Quantity, Reason, Sku,
};
use crate::web::pages::customers::AddressForm;
use crate::web::shell::command_form::CommandForm;

/// `ship_to`'s value for "a new address" (the fields under `shipping.`).
pub const NEW_ADDRESS: &str = "new";

/// An order as submitted. Lines whose SKU and quantity are both blank are
/// ignored (forms offer spare rows).
#[derive(Debug, Clone, Default, FromForm)]
pub struct OrderForm {
    pub customer_id: String,
    /// An address id of the customer's book, or `new` (or nothing): the
    /// address typed in `shipping`.
    #[field(default = String::new())]
    pub ship_to: String,
    pub shipping: AddressForm,
    /// Save the new address to the customer's book with the order.
    #[field(default = false)]
    pub save_address: bool,
    pub idempotency_key: String,
    pub lines: Vec<LineForm>,
}

impl OrderForm {
    /// Where the order goes: a book address, or the new one parsed (errors
    /// as `shipping.<part>`, or `ship_to`).
    fn shipping(&self, errors: &mut FieldErrors) -> Option<AddressChoice> {
        let choice = self.ship_to.trim();
        if choice.is_empty() || choice == NEW_ADDRESS {
            let address = PostalAddress::parse(&self.shipping.fields(), "shipping.", errors)?;
            return Some(AddressChoice::New {
                address,
                save_to_book: self.save_address,
                label: AddressLabel::default(),
            });
        }
        errors.check(
            "ship_to",
            choice
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(|id| AddressChoice::Book(AddressId(id)))
                .ok_or_else(|| "choose one of the customer's addresses or a new one".to_owned()),
        )
    }
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
        let shipping = self.shipping(&mut errors);
        let key = errors.check(
            "idempotency_key",
            IdempotencyKey::parse(&self.idempotency_key),
        );
        let lines = lines(&self.lines, &mut errors);
        match (customer_id, shipping, key) {
            (Some(customer_id), Some(shipping), Some(idempotency_key)) if errors.is_empty() => {
                Ok(PlaceOrder {
                    customer_id: CustomerId(customer_id),
                    shipping,
                    billing: None,
                    idempotency_key,
                    lines,
                    line_discounts: BTreeMap::new(),
                    order_discount: None,
                    shipping_charge: None,
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
