//! The orders list's bulk form: the checked orders (or every order on the
//! page when "all on this page" is checked) and the button pressed.

use rocket::form::{FromForm, FromFormField};

use crate::commands::bulk_orders::{BulkAdvanceOrders, BulkStep, MAX_BULK_ORDERS};
use crate::domain::{FieldErrors, IdempotencyKey, PaymentMethod};
use crate::web::shell::command_form::{Button, CommandForm};

/// The bulk form's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromFormField)]
pub enum BulkAction {
    /// "Mark paid".
    Pay,
    /// "Ship".
    Ship,
    /// "Print packing slips".
    Slips,
}

/// The bulk form as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct BulkForm {
    pub action: Button<BulkAction>,
    #[field(default = String::new())]
    pub idempotency_key: String,
    pub ids: Vec<String>,
    #[field(default = false)]
    pub all_on_page: bool,
    pub page_ids: Vec<String>,
    /// "Mark paid": the payment method of the balances (card when absent).
    #[field(default = String::from("card"))]
    pub method: String,
}

impl BulkForm {
    /// The ids the submission is about, as submitted.
    pub fn selected(&self) -> &[String] {
        if self.all_on_page {
            &self.page_ids
        } else {
            &self.ids
        }
    }
}

impl CommandForm for BulkForm {
    type Input = BulkAdvanceOrders;
    /// The step the pressed button asks for.
    type Context = BulkStep;

    /// A valid key and 1–200 distinct order ids (each a positive integer), ascending.
    fn parse(&self, step: BulkStep) -> Result<BulkAdvanceOrders, FieldErrors> {
        let mut errors = FieldErrors::new();
        let key = errors.check(
            "idempotency_key",
            IdempotencyKey::parse(&self.idempotency_key),
        );
        let method = match self.method.trim() {
            "" => Some(PaymentMethod::Card),
            raw => errors.check("method", PaymentMethod::parse(raw)),
        };
        let ids = self.selected();
        let mut order_ids = Vec::with_capacity(ids.len());
        for raw in ids {
            match raw.trim().parse::<i64>() {
                Ok(id) if id > 0 => order_ids.push(id),
                _ => errors.add("ids", format!("{raw:?} is not an order number")),
            }
        }
        order_ids.sort_unstable();
        order_ids.dedup();
        if order_ids.is_empty() && errors.get("ids").is_none() {
            errors.add("ids", "select at least one order");
        } else if order_ids.len() > MAX_BULK_ORDERS {
            errors.add(
                "ids",
                format!("select at most {MAX_BULK_ORDERS} orders at once"),
            );
        }
        match (key, method) {
            (Some(key), Some(method)) if errors.is_empty() => Ok(BulkAdvanceOrders {
                key,
                step,
                order_ids,
                method,
            }),
            _ => Err(errors),
        }
    }
}
