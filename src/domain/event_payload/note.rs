//! The notes' payloads, typed from their version 1, the same for an order's
//! and a customer's notes: `order_note_added` / `customer_note_added` (the
//! note's id and text) and `order_note_removed` / `customer_note_removed`
//! (the id only: the history finds the text in the note's added event).
//! AddNote finds a replayed note's event by `note_id`. Events written before
//! versions existed have these shapes without `schema_version`.

use serde::{Deserialize, Serialize};

/// `order_note_added` or `customer_note_added`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAdded {
    pub note_id: i64,
    pub body: String,
}

/// `order_note_removed` or `customer_note_removed`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRemoved {
    pub note_id: i64,
}

version_1_payload!(NoteAdded, NoteRemoved);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::event_payload::{PayloadError, schema_version};

    #[test]
    fn note_events_stored_without_a_version_read_as_version_1() {
        let added = json!({"note_id": 77, "body": "back door"});
        assert_eq!(schema_version(&added).unwrap(), 1);
        assert_eq!(
            NoteAdded::read(&added).unwrap(),
            NoteAdded {
                note_id: 77,
                body: "back door".into()
            }
        );
        assert_eq!(
            NoteRemoved::read(&json!({"note_id": 77})).unwrap().note_id,
            77
        );
    }

    #[test]
    fn note_payloads_keep_the_keys_the_history_and_add_note_read() {
        let added = NoteAdded {
            note_id: 5,
            body: "Leave at the back door".into(),
        };
        let payload = added.to_payload();
        assert_eq!(
            payload,
            json!({"note_id": 5, "body": "Leave at the back door", "schema_version": 1})
        );
        assert_eq!(NoteAdded::read(&payload).unwrap(), added);
        assert_eq!(
            NoteRemoved { note_id: 5 }.to_payload(),
            json!({"note_id": 5, "schema_version": 1})
        );
    }

    #[test]
    fn note_events_of_an_unknown_version_are_refused() {
        let future = json!({"schema_version": 2, "note_id": 5, "body": "x"});
        assert!(matches!(
            NoteAdded::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
        assert!(NoteRemoved::read(&json!({"schema_version": 2, "note_id": 5})).is_err());
    }
}
