//! Who performs a command: recorded on every event and stock movement.

use std::fmt;

/// The acting party of a command: a staff user, or a named system actor
/// (the CLI, the seeder) for work no person started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The staff user's id, when a person acts.
    pub user_id: Option<i64>,
    /// What the audit trail shows: a username, or `system:<name>`.
    pub name: String,
}

impl Actor {
    pub fn system(name: &str) -> Self {
        Self {
            user_id: None,
            name: format!("system:{name}"),
        }
    }

    pub fn user(user_id: i64, username: &str) -> Self {
        Self {
            user_id: Some(user_id),
            name: username.to_owned(),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}
