//! The customer's own payloads, typed from their version 1:
//! `customer_registered` (the details) and `customer_updated` (the new
//! details and the version the edit made). Only the new values: the history
//! finds the old ones in the earlier events. The read side compares `name`
//! and `email` with the previous event's to decide whether the customer's
//! orders show a change. Events written before versions existed have these
//! shapes without `schema_version`.

use serde::{Deserialize, Serialize};

/// A customer's details as their events state them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetailsPayload {
    pub email: String,
    pub name: String,
    /// Stored as `null` when the customer has none.
    pub phone: Option<String>,
}

/// `customer_registered`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRegistered {
    #[serde(flatten)]
    pub details: CustomerDetailsPayload,
}

/// `customer_updated`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerUpdated {
    #[serde(flatten)]
    pub details: CustomerDetailsPayload,
    /// The customer's version after the edit.
    pub version: i32,
}

version_1_payload!(CustomerRegistered, CustomerUpdated);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::event_payload::{PayloadError, schema_version};

    fn ada() -> CustomerDetailsPayload {
        CustomerDetailsPayload {
            email: "ada@example.com".into(),
            name: "Ada".into(),
            phone: None,
        }
    }

    #[test]
    fn customer_events_stored_without_a_version_read_as_version_1() {
        // As register_customer, update_customer and the customer import wrote them.
        let registered = json!({"email": "ada@example.com", "name": "Ada", "phone": null});
        assert_eq!(schema_version(&registered).unwrap(), 1);
        assert_eq!(
            CustomerRegistered::read(&registered).unwrap().details,
            ada()
        );
        let updated = json!({"email": "ada@example.com", "name": "Ada L.",
                             "phone": "+44 20 7946 0000", "version": 3});
        let read = CustomerUpdated::read(&updated).unwrap();
        assert_eq!(read.details.phone.as_deref(), Some("+44 20 7946 0000"));
        assert_eq!(read.version, 3);
    }

    #[test]
    fn customer_payloads_keep_the_keys_the_read_side_reads() {
        let registered = CustomerRegistered { details: ada() };
        assert_eq!(
            registered.to_payload(),
            json!({"email": "ada@example.com", "name": "Ada", "phone": null,
                   "schema_version": 1})
        );
        let updated = CustomerUpdated {
            details: ada(),
            version: 2,
        };
        let payload = updated.to_payload();
        assert_eq!(
            payload,
            json!({"email": "ada@example.com", "name": "Ada", "phone": null, "version": 2,
                   "schema_version": 1})
        );
        assert_eq!(CustomerUpdated::read(&payload).unwrap(), updated);
    }

    #[test]
    fn customer_events_of_an_unknown_version_are_refused() {
        let future = json!({"schema_version": 2, "email": "a@b.c", "name": "A", "phone": null});
        assert!(matches!(
            CustomerRegistered::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
        assert!(CustomerUpdated::read(&json!({"schema_version": 2, "version": 1})).is_err());
    }
}
