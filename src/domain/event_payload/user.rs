//! The staff accounts' payloads, typed from their version 1: `user_created`
//! (the username and role; the later events name the account by it),
//! `user_role_changed` (the new role), `user_password_changed` and
//! `user_deactivated` (the version and how many sessions ended), and
//! `user_sessions_ended` (how many ended). No payload holds a password or
//! its hash. Events written before versions existed have these shapes
//! without `schema_version`.

use serde::{Deserialize, Serialize};

/// `user_created`, version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCreated {
    pub username: String,
    /// `admin`, `clerk` or `viewer`.
    pub role: String,
}

/// `user_role_changed`, version 1: the new role only (the history finds
/// the old one in the earlier events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRoleChanged {
    pub role: String,
    /// The account's version after the change.
    pub version: i32,
}

/// `user_password_changed` or `user_deactivated`, version 1: both end the
/// account's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSessionsClosed {
    /// The account's version after the change.
    pub version: i32,
    pub sessions_ended: usize,
}

/// `user_sessions_ended`, version 1: signed out everywhere (the account
/// itself does not change, so no version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSessionsEnded {
    pub sessions_ended: usize,
}

version_1_payload!(
    UserCreated,
    UserRoleChanged,
    UserSessionsClosed,
    UserSessionsEnded
);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::event_payload::{PayloadError, schema_version};

    #[test]
    fn user_events_stored_without_a_version_read_as_version_1() {
        let created = json!({"username": "bo", "role": "clerk"});
        assert_eq!(schema_version(&created).unwrap(), 1);
        assert_eq!(UserCreated::read(&created).unwrap().username, "bo");
        let changed = json!({"role": "admin", "version": 2});
        assert_eq!(UserRoleChanged::read(&changed).unwrap().role, "admin");
        let closed = json!({"version": 3, "sessions_ended": 2});
        assert_eq!(
            UserSessionsClosed::read(&closed).unwrap(),
            UserSessionsClosed {
                version: 3,
                sessions_ended: 2
            }
        );
        let ended = json!({"sessions_ended": 1});
        assert_eq!(UserSessionsEnded::read(&ended).unwrap().sessions_ended, 1);
    }

    #[test]
    fn user_payloads_keep_the_keys_the_history_reads() {
        let created = UserCreated {
            username: "bo".into(),
            role: "clerk".into(),
        };
        assert_eq!(
            created.to_payload(),
            json!({"username": "bo", "role": "clerk", "schema_version": 1})
        );
        let changed = UserRoleChanged {
            role: "admin".into(),
            version: 2,
        };
        assert_eq!(
            changed.to_payload(),
            json!({"role": "admin", "version": 2, "schema_version": 1})
        );
        let closed = UserSessionsClosed {
            version: 4,
            sessions_ended: 0,
        };
        assert_eq!(
            closed.to_payload(),
            json!({"version": 4, "sessions_ended": 0, "schema_version": 1})
        );
        let ended = UserSessionsEnded { sessions_ended: 3 };
        assert_eq!(UserSessionsEnded::read(&ended.to_payload()).unwrap(), ended);
    }

    #[test]
    fn user_events_of_an_unknown_version_are_refused() {
        let future = json!({"schema_version": 2, "username": "bo", "role": "clerk"});
        assert!(matches!(
            UserCreated::read(&future),
            Err(PayloadError::UnknownVersion(2))
        ));
        assert!(UserSessionsClosed::read(&json!({"schema_version": 2})).is_err());
    }
}
