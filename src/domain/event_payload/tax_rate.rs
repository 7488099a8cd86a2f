//! The tax rates' payloads, typed from their version 1: `tax_rate_created`
//! (the name and exact rate), `tax_rate_updated` (the new and the old name
//! and rate, and the version the edit made) and `tax_rate_archived` (the
//! version). Rates are in parts per million, as `tax_rates.rate_ppm` holds
//! them. Events written before versions existed have these shapes without
//! `schema_version`.

use serde::{Deserialize, Serialize};

/// `tax_rate_created`, version 1: a new rate (version 1 of the rate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRateCreated {
    pub name: String,
    pub rate_ppm: i32,
}

/// `tax_rate_updated`, version 1: the rate's details after and before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRateUpdated {
    pub name: String,
    pub rate_ppm: i32,
    pub old_name: String,
    pub old_rate_ppm: i32,
    /// The rate's version after the edit.
    pub version: i32,
}

/// `tax_rate_archived`, version 1: no longer offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRateArchived {
    /// The rate's version after archiving.
    pub version: i32,
}

version_1_payload!(TaxRateCreated, TaxRateUpdated, TaxRateArchived);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::event_payload::{PayloadError, schema_version};

    #[test]
    fn tax_rate_events_stored_without_a_version_read_as_version_1() {
        // As the tax-rate commands (and the seeder's SQL) wrote them.
        let created = json!({"name": "Reduced", "rate_ppm": 50000});
        assert_eq!(schema_version(&created).unwrap(), 1);
        assert_eq!(
            TaxRateCreated::read(&created).unwrap(),
            TaxRateCreated {
                name: "Reduced".into(),
                rate_ppm: 50_000
            }
        );
        let updated = json!({"name": "Reduced", "rate_ppm": 55000, "old_name": "Reduced",
                             "old_rate_ppm": 50000, "version": 2});
        let read = TaxRateUpdated::read(&updated).unwrap();
        assert_eq!(
            (read.rate_ppm, read.old_rate_ppm, read.version),
            (55_000, 50_000, 2)
        );
        let archived = json!({"version": 3});
        assert_eq!(TaxRateArchived::read(&archived).unwrap().version, 3);
    }

    #[test]
    fn tax_rate_payloads_keep_the_keys_the_history_reads() {
        let created = TaxRateCreated {
            name: "Standard".into(),
            rate_ppm: 200_000,
        };
        assert_eq!(
            created.to_payload(),
            json!({"name": "Standard", "rate_ppm": 200_000, "schema_version": 1})
        );
        let updated = TaxRateUpdated {
            name: "Standard VAT".into(),
            rate_ppm: 210_000,
            old_name: "Standard".into(),
            old_rate_ppm: 200_000,
            version: 2,
        };
        let payload = updated.to_payload();
        assert_eq!(
            payload,
            json!({"name": "Standard VAT", "rate_ppm": 210_000, "old_name": "Standard",
                   "old_rate_ppm": 200_000, "version": 2, "schema_version": 1})
        );
        assert_eq!(TaxRateUpdated::read(&payload).unwrap(), updated);
        let archived = TaxRateArchived { version: 3 };
        assert_eq!(
            archived.to_payload(),
            json!({"version": 3, "schema_version": 1})
        );
    }

    #[test]
    fn tax_rate_events_of_an_unknown_version_are_refused() {
        let future = json!({"schema_version": 2, "name": "Zero", "rate_ppm": 0});
        assert!(matches!(
            TaxRateCreated::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
        assert!(TaxRateUpdated::read(&json!({"schema_version": 3})).is_err());
        assert!(TaxRateArchived::read(&json!({"schema_version": 2, "version": 1})).is_err());
    }
}
