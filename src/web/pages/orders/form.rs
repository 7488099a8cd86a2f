//! The order forms: placing an order (the order-entry page posts a larger
//! form, `EntryForm`, whose order part this is) and cancelling one.

use std::collections::BTreeMap;

use rocket::form::FromForm;

use crate::commands::cancel_order::{CancelOrder, RefundOnCancel};
use crate::commands::order_money::ShippingCharge;
use crate::commands::place_order::{AddressChoice, MAX_LINES, PlaceOrder};
use crate::domain::totals::{Amount, Discount};
use crate::domain::{
    AddressId, AddressLabel, Currency, CustomerId, FieldErrors, IdempotencyKey, Money, OrderId,
    PaymentMethod, PostalAddress, Quantity, Reason, Sku, TaxRateId,
};
use crate::web::pages::customers::AddressForm;
use crate::web::shell::command_form::CommandForm;

/// `ship_to`'s value for "a new address" (the fields under `shipping.`).
pub const NEW_ADDRESS: &str = "new";

/// `bill_to`'s value for "no billing address of its own": order entry's
/// "the shipping address" (invoices then bill to it), the edit form's "as
/// the order has it" (the order's billing address stays).
pub const BILL_AS_IS: &str = "same";

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
    /// An address id of the customer's book to bill to, or [`BILL_AS_IS`]
    /// (or nothing).
    #[field(default = String::new())]
    pub bill_to: String,
    pub idempotency_key: String,
    pub lines: Vec<LineForm>,
    /// A discount on the whole order: an amount (`5.00`) or a percentage (`10%`).
    #[field(default = String::new())]
    pub order_discount: String,
    /// The shipping charge, as an amount; blank for none.
    #[field(default = String::new())]
    pub shipping_charge: String,
    /// The id of the rate the shipping charge is taxed at.
    #[field(default = String::new())]
    pub shipping_tax_rate: String,
}

impl OrderForm {
    /// The money as typed, each error beside its field (`order_discount`,
    /// `shipping_charge`, `shipping_tax_rate`).
    pub fn money(
        &self,
        currency: Currency,
        errors: &mut FieldErrors,
    ) -> (Option<Discount>, Option<ShippingCharge>) {
        let exponent = currency.exponent();
        let order_discount = errors
            .check(
                "order_discount",
                Discount::parse(&self.order_discount, exponent),
            )
            .flatten();
        if self.shipping_charge.trim().is_empty() {
            return (order_discount, None);
        }
        let amount = errors.check(
            "shipping_charge",
            Money::parse_in(&self.shipping_charge, exponent)
                .and_then(|m| Amount::new(m.cents()).ok_or_else(|| "enter an amount".into())),
        );
        let rate = errors.check(
            "shipping_tax_rate",
            self.shipping_tax_rate
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(TaxRateId)
                .ok_or_else(|| "choose the tax rate of the shipping charge".to_owned()),
        );
        let shipping = amount
            .zip(rate)
            .map(|(amount, tax_rate_id)| ShippingCharge {
                amount,
                tax_rate_id,
            });
        (order_discount, shipping)
    }

    /// Where the order goes: a book address, or the new one parsed (errors
    /// as `shipping.<part>`, or `ship_to`).
    pub(super) fn shipping(&self, errors: &mut FieldErrors) -> Option<AddressChoice> {
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

    /// Where the invoice goes: a book address, or `None` for no billing
    /// address of its own ([`BILL_AS_IS`] or nothing; also when the choice
    /// is refused, its error beside `bill_to`).
    pub(super) fn billing(&self, errors: &mut FieldErrors) -> Option<AddressChoice> {
        let choice = self.bill_to.trim();
        if choice.is_empty() || choice == BILL_AS_IS {
            return None;
        }
        errors.check(
            "bill_to",
            choice
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(|id| AddressChoice::Book(AddressId(id)))
                .ok_or_else(|| {
                    "choose one of the customer's addresses or the shipping address".to_owned()
                }),
        )
    }
}

/// One order line as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct LineForm {
    pub sku: String,
    pub quantity: String,
    /// The line's discount: an amount (`2.50`) or a percentage (`10%`).
    #[field(default = String::new())]
    pub discount: String,
}

impl CommandForm for OrderForm {
    type Input = PlaceOrder;
    /// The shop's currency (its decimals).
    type Context = Currency;

    /// Lines are keyed by SKU: a SKU entered twice is one line, its quantities added.
    fn parse(&self, currency: Currency) -> Result<PlaceOrder, FieldErrors> {
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
        let billing = self.billing(&mut errors);
        let key = errors.check(
            "idempotency_key",
            IdempotencyKey::parse(&self.idempotency_key),
        );
        let lines = lines(&self.lines, &mut errors);
        let line_discounts = line_discounts(&self.lines, currency, &mut errors);
        let (order_discount, shipping_charge) = self.money(currency, &mut errors);
        match (customer_id, shipping, key) {
            (Some(customer_id), Some(shipping), Some(idempotency_key)) if errors.is_empty() => {
                Ok(PlaceOrder {
                    customer_id: CustomerId(customer_id),
                    shipping,
                    billing,
                    idempotency_key,
                    lines,
                    line_discounts,
                    order_discount,
                    shipping_charge,
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

/// Each filled line's discount by SKU (errors as `lines[i].discount`); a
/// SKU typed twice with two discounts is refused on the second.
pub fn line_discounts(
    submitted: &[LineForm],
    currency: Currency,
    errors: &mut FieldErrors,
) -> BTreeMap<Sku, Discount> {
    let mut out: BTreeMap<Sku, Discount> = BTreeMap::new();
    for (i, line) in submitted.iter().enumerate() {
        if line.discount.trim().is_empty() {
            continue;
        }
        let field = format!("lines[{i}].discount");
        let discount = errors
            .check(&field, Discount::parse(&line.discount, currency.exponent()))
            .flatten();
        let Some(discount) = discount else { continue };
        let Ok(sku) = Sku::parse(&line.sku) else {
            errors.add(&field, "a discount needs the line's product");
            continue;
        };
        if out.insert(sku, discount).is_some() {
            errors.add(&field, "this product's line already has a discount");
        }
    }
    out
}

/// A cancellation as submitted: the reason and, when the order was paid,
/// whether to refund what it was paid and by which method.
#[derive(Debug, Clone, Default, FromForm)]
pub struct CancelForm {
    pub reason: String,
    /// Absent (unchecked, or no refund offered): no refund.
    pub refund: bool,
    #[field(default = String::new())]
    pub refund_method: String,
    /// The amount the form offered to refund, in minor units (hidden).
    #[field(default = String::new())]
    pub refund_cents: String,
    #[field(default = String::new())]
    pub idempotency_key: String,
}

impl CommandForm for CancelForm {
    type Input = CancelOrder;
    /// The order's id.
    type Context = i64;

    fn parse(&self, order_id: i64) -> Result<CancelOrder, FieldErrors> {
        let mut errors = FieldErrors::default();
        let reason = Reason::parse(&self.reason).map_err(|e| errors.add("reason", e));
        let refund = if self.refund {
            let method = PaymentMethod::parse(&self.refund_method)
                .map_err(|e| errors.add("refund_method", e));
            let key = IdempotencyKey::parse(&self.idempotency_key)
                .map_err(|e| errors.add("idempotency_key", e));
            let shown_cents = self.refund_cents.trim().parse::<i64>().map_err(|_| {
                errors.add(
                    "refund",
                    "the form did not say what to refund; reload the order",
                );
            });
            match (method, key, shown_cents) {
                (Ok(method), Ok(key), Ok(shown_cents)) => Some(RefundOnCancel {
                    method,
                    shown_cents,
                    key,
                }),
                _ => None,
            }
        } else {
            None
        };
        match reason {
            Ok(reason) if errors.is_empty() => Ok(CancelOrder {
                order_id: OrderId(order_id),
                reason,
                refund,
            }),
            _ => Err(errors),
        }
    }
}
