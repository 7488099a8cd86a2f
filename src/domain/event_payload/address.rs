//! The address book's payloads, typed from their version 1: an address
//! added (its label and parts, flat, and whether it became a default),
//! edited (the same, with the address's version), removed (the id, the
//! version it had and the defaults it stopped being) and made a default (the
//! id and the role). Removal and defaults state only the id: the history
//! finds the label and lines in the earlier events. Events written before
//! versions existed have these shapes without `schema_version`.

use serde::{Deserialize, Serialize};

use crate::domain::AddressFields;

/// A book entry as its events state it: the label beside the address's
/// parts, all at the payload's top level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressEntryPayload {
    pub label: String,
    #[serde(flatten)]
    pub address: AddressFields,
}

/// `customer_address_added`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddressAdded {
    pub address_id: i64,
    #[serde(flatten)]
    pub entry: AddressEntryPayload,
    /// It became the customer's default for shipping, for billing.
    pub default_shipping: bool,
    pub default_billing: bool,
}

/// `customer_address_edited`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddressEdited {
    pub address_id: i64,
    #[serde(flatten)]
    pub entry: AddressEntryPayload,
    /// The address's version after the edit.
    pub version: i32,
}

/// `customer_address_removed`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddressRemoved {
    pub address_id: i64,
    /// The version the address had when removed.
    pub version: i32,
    /// The roles it was the default for (`shipping`, `billing`), now none.
    pub cleared_defaults: Vec<String>,
}

/// `customer_default_address_set`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDefaultAddressSet {
    pub address_id: i64,
    /// `shipping` or `billing`.
    pub role: String,
}

version_1_payload!(
    CustomerAddressAdded,
    CustomerAddressEdited,
    CustomerAddressRemoved,
    CustomerDefaultAddressSet
);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::event_payload::{PayloadError, schema_version};

    fn home() -> AddressEntryPayload {
        AddressEntryPayload {
            label: "Home".into(),
            address: AddressFields {
                name: "Jo Bloggs".into(),
                line1: "1 Main St".into(),
                city: "Springfield".into(),
                region: "IL".into(),
                postal_code: "62704".into(),
                country: "US".into(),
                ..AddressFields::default()
            },
        }
    }

    #[test]
    fn address_events_stored_without_a_version_read_as_version_1() {
        // As add_address, edit_address and the customer import wrote them.
        let added = json!({"label": "Home", "name": "Jo Bloggs", "company": "",
            "line1": "1 Main St", "line2": "", "city": "Springfield", "region": "IL",
            "postal_code": "62704", "country": "US", "phone": "",
            "address_id": 12, "default_shipping": true, "default_billing": false});
        assert_eq!(schema_version(&added).unwrap(), 1);
        let read = CustomerAddressAdded::read(&added).unwrap();
        assert_eq!(read.entry, home());
        assert_eq!((read.address_id, read.default_shipping), (12, true));
        let mut edited = added.clone();
        let map = edited.as_object_mut().unwrap();
        map.remove("default_shipping");
        map.remove("default_billing");
        map.insert("version".into(), json!(2));
        assert_eq!(CustomerAddressEdited::read(&edited).unwrap().version, 2);
        let removed = json!({"address_id": 12, "version": 2,
                             "cleared_defaults": ["shipping", "billing"]});
        assert_eq!(
            CustomerAddressRemoved::read(&removed)
                .unwrap()
                .cleared_defaults,
            ["shipping", "billing"]
        );
        let set = json!({"address_id": 12, "role": "billing"});
        assert_eq!(
            CustomerDefaultAddressSet::read(&set).unwrap().role,
            "billing"
        );
    }

    #[test]
    fn address_payloads_keep_the_keys_the_history_reads() {
        let added = CustomerAddressAdded {
            address_id: 12,
            entry: home(),
            default_shipping: false,
            default_billing: true,
        };
        let payload = added.to_payload();
        assert_eq!(
            payload,
            json!({"label": "Home", "name": "Jo Bloggs", "company": "",
                "line1": "1 Main St", "line2": "", "city": "Springfield", "region": "IL",
                "postal_code": "62704", "country": "US", "phone": "",
                "address_id": 12, "default_shipping": false, "default_billing": true,
                "schema_version": 1})
        );
        assert_eq!(CustomerAddressAdded::read(&payload).unwrap(), added);
        let edited = CustomerAddressEdited {
            address_id: 12,
            entry: home(),
            version: 3,
        };
        assert_eq!(
            CustomerAddressEdited::read(&edited.to_payload()).unwrap(),
            edited
        );
        let removed = CustomerAddressRemoved {
            address_id: 12,
            version: 3,
            cleared_defaults: vec!["billing".into()],
        };
        assert_eq!(
            removed.to_payload(),
            json!({"address_id": 12, "version": 3, "cleared_defaults": ["billing"],
                   "schema_version": 1})
        );
        let set = CustomerDefaultAddressSet {
            address_id: 12,
            role: "shipping".into(),
        };
        assert_eq!(
            set.to_payload(),
            json!({"address_id": 12, "role": "shipping", "schema_version": 1})
        );
    }

    #[test]
    fn address_events_of_an_unknown_version_are_refused() {
        let future = json!({"schema_version": 2, "address_id": 12, "role": "shipping"});
        assert!(matches!(
            CustomerDefaultAddressSet::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
        assert!(CustomerAddressAdded::read(&json!({"schema_version": 3})).is_err());
        assert!(CustomerAddressRemoved::read(&json!({"schema_version": 2})).is_err());
    }
}
