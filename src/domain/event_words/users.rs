//! Staff accounts: created, role changed, password changed, deactivated,
//! signed out everywhere. Only the creation states the username; the later
//! events name the account by it, and a role change says the role before.

use super::fields::Fields;
use super::words::Words;

/// The account as the history last stated it.
#[derive(Debug, Default)]
pub(super) struct Known {
    username: Option<String>,
    role: Option<String>,
}

impl Known {
    /// "the account bo", or "the account".
    fn account(&self) -> String {
        match &self.username {
            Some(u) => format!("the account {u}"),
            None => "the account".to_owned(),
        }
    }
}

/// "; 2 sessions ended" (nothing when none did or the payload does not say).
fn sessions(mut w: Words, p: Fields<'_>) -> Words {
    match p.int("sessions_ended") {
        Some(1) => w.say("; 1 session ended"),
        Some(n) if n > 1 => w.say(format!("; {n} sessions ended")),
        _ => &mut w,
    };
    w
}

/// "Ann created the account bo as clerk".
pub(super) fn created(mut w: Words, p: Fields<'_>, known: &mut Known) -> Words {
    known.username = p.text("username");
    known.role = p.text("role");
    w.say(" created ").say(known.account());
    if let Some(role) = &known.role {
        w.say(" as ").say(role);
    }
    w
}

/// "Ann changed the role of the account bo from clerk to admin".
pub(super) fn role_changed(mut w: Words, p: Fields<'_>, known: &mut Known) -> Words {
    w.say(" changed the role of ").say(known.account());
    let new = p.text("role");
    if let Some(old) = &known.role
        && new.is_some()
    {
        w.say(" from ").say(old);
    }
    if let Some(role) = &new {
        w.say(" to ").say(role);
        known.role = new;
    }
    w
}

/// "Ann changed the password of the account bo; 2 sessions ended".
pub(super) fn password_changed(mut w: Words, p: Fields<'_>, known: &Known) -> Words {
    w.say(" changed the password of ").say(known.account());
    sessions(w, p)
}

/// "Ann deactivated the account bo; 1 session ended".
pub(super) fn deactivated(mut w: Words, p: Fields<'_>, known: &Known) -> Words {
    w.say(" deactivated ").say(known.account());
    sessions(w, p)
}

/// "Ann signed the account bo out everywhere; 3 sessions ended".
pub(super) fn sessions_ended(mut w: Words, p: Fields<'_>, known: &Known) -> Words {
    w.say(" signed ")
        .say(known.account())
        .say(" out everywhere");
    sessions(w, p)
}
