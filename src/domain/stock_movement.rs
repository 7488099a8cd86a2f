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

impl StockMovementKind {
    /// Whether its quantity changes `on_hand`: receipts, adjustments and shipments.
    pub fn changes_on_hand(self) -> bool {
        matches!(self, Self::Receipt | Self::Adjustment | Self::Shipment)
    }

    /// Whether its quantity changes `reserved`: reservations, releases, and
    /// shipments (a shipment ends the reservation of what it takes).
    pub fn changes_reserved(self) -> bool {
        matches!(self, Self::Reservation | Self::Release | Self::Shipment)
    }
}

#[cfg(test)]
mod tests {
    use super::StockMovementKind;

    #[test]
    fn every_kind_changes_on_hand_or_reserved_and_only_a_shipment_both() {
        for kind in StockMovementKind::ALL {
            let both = kind.changes_on_hand() && kind.changes_reserved();
            assert!(kind.changes_on_hand() || kind.changes_reserved(), "{kind}");
            assert_eq!(both, kind == StockMovementKind::Shipment, "{kind}");
        }
    }
}
