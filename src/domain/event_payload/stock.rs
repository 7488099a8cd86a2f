//! The stock events' payloads, typed from their version 1, each on the
//! product's record: `stock_received` (the units, the delivery note, the
//! stock on hand after) and `stock_adjusted` (the signed change, its reason,
//! the stock on hand after; a count is an adjustment too). Events written
//! before versions existed have these shapes without `schema_version`.

use serde::{Deserialize, Serialize};

/// `stock_received`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockReceived {
    /// Units received (positive).
    pub quantity: i32,
    /// The delivery note or purchase-order number; empty when none was given.
    pub note: String,
    pub on_hand: i32,
}

/// `stock_adjusted`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockAdjusted {
    /// The change, signed.
    pub quantity: i32,
    pub reason: String,
    pub on_hand: i32,
}

version_1_payload!(StockReceived, StockAdjusted);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::event_payload::{PayloadError, schema_version};

    #[test]
    fn stock_events_stored_without_a_version_read_as_version_1() {
        let received = json!({"quantity": 40, "note": "PO 17", "on_hand": 40});
        assert_eq!(schema_version(&received).unwrap(), 1);
        assert_eq!(
            StockReceived::read(&received).unwrap(),
            StockReceived {
                quantity: 40,
                note: "PO 17".into(),
                on_hand: 40
            }
        );
        let adjusted = json!({"quantity": -3, "reason": "damaged", "on_hand": 37});
        let read = StockAdjusted::read(&adjusted).unwrap();
        assert_eq!((read.quantity, read.on_hand), (-3, 37));
    }

    #[test]
    fn stock_payloads_keep_the_keys_the_history_reads() {
        let received = StockReceived {
            quantity: 5,
            note: String::new(),
            on_hand: 12,
        };
        assert_eq!(
            received.to_payload(),
            json!({"quantity": 5, "note": "", "on_hand": 12, "schema_version": 1})
        );
        let adjusted = StockAdjusted {
            quantity: -2,
            reason: "count".into(),
            on_hand: 10,
        };
        let payload = adjusted.to_payload();
        assert_eq!(
            payload,
            json!({"quantity": -2, "reason": "count", "on_hand": 10, "schema_version": 1})
        );
        assert_eq!(StockAdjusted::read(&payload).unwrap(), adjusted);
    }

    #[test]
    fn stock_events_of_an_unknown_version_are_refused() {
        let future = json!({"schema_version": 2, "quantity": 1, "note": "", "on_hand": 1});
        assert!(matches!(
            StockReceived::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
        assert!(StockAdjusted::read(&json!({"schema_version": 2})).is_err());
    }
}
