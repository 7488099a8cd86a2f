//! `shop_settings_changed`'s payload, typed from its version 1: each setting
//! that changed under its own key, old → new (`{"tax_id": {"old": null,
//! "new": "GB123"}, "version": 4}`); a setting that did not change is absent,
//! not `null`. Events written before versions existed have this shape without
//! `schema_version`.

use serde::{Deserialize, Serialize};

/// One setting's value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange<T> {
    pub old: T,
    pub new: T,
}

impl<T: PartialEq> SettingChange<T> {
    /// The change from `old` to `new`; none when they are equal.
    pub fn between(old: T, new: T) -> Option<Self> {
        (old != new).then_some(Self { old, new })
    }
}

/// The settings that changed; `None` for each that did not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prices_include_tax: Option<SettingChange<bool>>,
    /// The shop's tax ID (`null` for none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<SettingChange<Option<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_on_account: Option<SettingChange<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_on_payment: Option<SettingChange<bool>>,
    /// The default rate's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_tax_rate: Option<SettingChange<i64>>,
}

impl SettingChanges {
    /// No setting changed.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `shop_settings_changed`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSettingsChanged {
    #[serde(flatten)]
    pub changes: SettingChanges,
    /// The settings' version after the change.
    pub version: i32,
}

version_1_payload!(ShopSettingsChanged);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::event_payload::{PayloadError, schema_version};

    #[test]
    fn settings_changed_stored_without_a_version_reads_as_version_1() {
        // As change_shop_settings (and the seeder's SQL) wrote it.
        let stored = json!({"default_tax_rate": {"old": 1, "new": 2},
                            "tax_id": {"old": null, "new": "GB123"}, "version": 2});
        assert_eq!(schema_version(&stored).unwrap(), 1);
        let read = ShopSettingsChanged::read(&stored).unwrap();
        assert_eq!(read.version, 2);
        assert_eq!(
            read.changes,
            SettingChanges {
                default_tax_rate: Some(SettingChange { old: 1, new: 2 }),
                tax_id: Some(SettingChange {
                    old: None,
                    new: Some("GB123".into())
                }),
                ..SettingChanges::default()
            }
        );
    }

    #[test]
    fn settings_changed_names_only_the_settings_that_changed() {
        let changed = ShopSettingsChanged {
            changes: SettingChanges {
                prices_include_tax: SettingChange::between(false, true),
                tax_id: SettingChange::between(Some("GB1".into()), None),
                ship_on_account: SettingChange::between(true, true),
                ..SettingChanges::default()
            },
            version: 5,
        };
        let payload = changed.to_payload();
        assert_eq!(
            payload,
            json!({"prices_include_tax": {"old": false, "new": true},
                   "tax_id": {"old": "GB1", "new": null},
                   "version": 5, "schema_version": 1})
        );
        assert_eq!(ShopSettingsChanged::read(&payload).unwrap(), changed);
        assert!(SettingChanges::default().is_empty());
        assert!(!changed.changes.is_empty());
    }

    #[test]
    fn settings_changed_of_an_unknown_version_is_refused() {
        let future = json!({"schema_version": 2, "version": 3});
        assert!(matches!(
            ShopSettingsChanged::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
    }
}
