//! The fulfilment moves' payload, typed from its version 1: `order_shipped`,
//! `order_delivered` and `order_cancelled` share one shape (so did
//! `order_paid`, no longer appended since migration 000140): the state the
//! order moved to, the reason given (cancelling only) and the version the
//! move made. Events written before versions existed have this shape without
//! `schema_version`.

use serde::{Deserialize, Serialize};

/// `order_shipped`, `order_delivered` or `order_cancelled`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderMoved {
    /// The state moved to, as stored (`shipped`; `paid` in old `order_paid`
    /// events, a state that no longer exists, hence text).
    pub status: String,
    /// Why it was cancelled; stored as `null` when none was given.
    pub reason: Option<String>,
    /// The order's version after the move.
    pub version: i32,
}

version_1_payload!(OrderMoved);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::event_payload::{PayloadError, SCHEMA_VERSION, schema_version};

    #[test]
    fn an_order_moved_stored_without_a_version_reads_as_version_1() {
        // As order_lifecycle wrote it before versions (and MarkPaid before 000140).
        let cancelled = json!({"status": "cancelled", "reason": "too late", "version": 4});
        assert_eq!(schema_version(&cancelled).unwrap(), 1);
        let read = OrderMoved::read(&cancelled).unwrap();
        assert_eq!(read.status, "cancelled");
        assert_eq!(read.reason.as_deref(), Some("too late"));
        assert_eq!(read.version, 4);
        let paid = json!({"status": "paid", "reason": null, "version": 2});
        assert_eq!(OrderMoved::read(&paid).unwrap().reason, None);
    }

    #[test]
    fn an_order_moved_payload_keeps_the_keys_the_history_reads() {
        let shipped = OrderMoved {
            status: "shipped".into(),
            reason: None,
            version: 3,
        };
        let payload = shipped.to_payload();
        assert_eq!(
            payload,
            json!({"status": "shipped", "reason": null, "version": 3, "schema_version": 1})
        );
        assert_eq!(payload[SCHEMA_VERSION], 1);
        assert_eq!(OrderMoved::read(&payload).unwrap(), shipped);
    }

    #[test]
    fn an_order_moved_of_an_unknown_version_is_refused() {
        let future = json!({"schema_version": 2, "status": "shipped", "version": 3});
        assert!(matches!(
            OrderMoved::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
    }
}
