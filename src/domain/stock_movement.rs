//! The kinds of entry in the stock ledger (`stock_movements.kind`).

use std::fmt;

use diesel::{AsExpression, FromSqlRow};

use super::sql_text::{parse_stored, text_enum};

/// What a stock movement records. Its quantity is the signed change of the
/// figure the kind names: receipts, adjustments and shipments change
/// `on_hand`; reservations and releases change `reserved`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum StockMovementKind {
    Receipt,
    Adjustment,
    Reservation,
    Release,
    Shipment,
}

impl StockMovementKind {
    pub const ALL: [Self; 5] = [
        Self::Receipt,
        Self::Adjustment,
        Self::Reservation,
        Self::Release,
        Self::Shipment,
    ];

    /// The value stored in `stock_movements.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::Adjustment => "adjustment",
            Self::Reservation => "reservation",
            Self::Release => "release",
            Self::Shipment => "shipment",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        parse_stored(&Self::ALL, Self::as_str, raw, "stock movement kind")
    }
}

impl fmt::Display for StockMovementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

text_enum!(StockMovementKind);
