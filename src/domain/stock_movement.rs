//! The kinds of entry in the stock ledger (`stock_movements.kind`).

use super::sql_text::text_enum;

text_enum! {
    /// What a stock movement records. Its quantity is the signed change of the
    /// figure the kind names: receipts, adjustments and shipments change
    /// `on_hand`; reservations and releases change `reserved`.
    pub enum StockMovementKind (what = "stock movement kind") {
        Receipt => "receipt",
        Adjustment => "adjustment",
        Reservation => "reservation",
        Release => "release",
        Shipment => "shipment",
    }
}
