//! The stock forms on a product's page: a receipt and an adjustment.

use rocket::form::FromForm;

use crate::commands::adjust_stock::AdjustStock;
use crate::commands::receive_stock::ReceiveStock;
use crate::domain::{FieldErrors, Note, ProductId, Quantity, Reason, StockDelta};
use crate::web::shell::command_form::CommandForm;

/// A stock receipt as submitted.
#[derive(Debug, Clone, Default, FromForm)]
pub struct ReceiptForm {
    pub quantity: String,
    /// Optional: a delivery note or purchase-order number.
    pub note: String,
}

impl CommandForm for ReceiptForm {
    type Input = ReceiveStock;
    /// The product's id.
    type Context = i64;

    fn parse(&self, product_id: i64) -> Result<ReceiveStock, FieldErrors> {
        let mut errors = FieldErrors::new();
        let quantity = errors.check("quantity", Quantity::parse(&self.quantity));
        let note = errors.check("note", Note::parse(&self.note));
        match (quantity, note) {
            (Some(quantity), Some(note)) => Ok(ReceiveStock {
                product_id: ProductId(product_id),
                quantity,
                note,
            }),
            _ => Err(errors),
        }
    }
}

/// A stock adjustment as submitted; `quantity` is signed.
#[derive(Debug, Clone, Default, FromForm)]
pub struct AdjustmentForm {
    pub quantity: String,
    pub reason: String,
}

impl CommandForm for AdjustmentForm {
    type Input = AdjustStock;
    /// The product's id.
    type Context = i64;

    fn parse(&self, product_id: i64) -> Result<AdjustStock, FieldErrors> {
        let mut errors = FieldErrors::new();
        let delta = errors.check("quantity", StockDelta::parse(&self.quantity));
        let reason = errors.check("reason", Reason::parse(&self.reason));
        match (delta, reason) {
            (Some(delta), Some(reason)) => Ok(AdjustStock {
                product_id: ProductId(product_id),
                delta,
                reason,
            }),
            _ => Err(errors),
        }
    }
}
