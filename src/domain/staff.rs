//! Staff accounts: usernames, passwords as typed (never stored) and roles with
//! what each may do.

use std::fmt;

use super::sql_text::text_enum;

/// A staff login name: 3 to 50 of `a–z 0–9 . _ -`, stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("username is required".into());
        }
        let ok = (3..=50).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
        if ok {
            Ok(Self(s))
        } else {
            Err("username must be 3–50 letters, digits, dots, dashes or underscores".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shortest password accepted (OWASP ASVS 2.1.1 asks for at least 12).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (long enough for passphrases and managers).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A new password as typed: 12 to 128 characters, not the username. Its
/// `Debug` never shows the secret, so it cannot leak through a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks a new password for `username`. Spaces are kept: they are part of
    /// a passphrase, and no composition rules are imposed (ASVS 2.1.9).
    pub fn parse(raw: &str, username: &Username) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!(
                "password must be at least {MIN_PASSWORD_CHARS} characters"
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!(
                "password must be at most {MAX_PASSWORD_CHARS} characters"
            ));
        }
        if raw.trim().eq_ignore_ascii_case(username.as_str()) {
            return Err("password must not be the username".into());
        }
        Ok(Self(raw.to_owned()))
    }

    /// The secret itself, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(********)")
    }
}

text_enum! {
    /// What a staff member may do, by role; declared most powerful first (the
    /// order forms list them in).
    pub enum Role (error = "role must be admin, clerk or viewer") {
        /// Everything, including staff accounts and read-model refreshes.
        Admin => "admin",
        /// Day-to-day work: orders, customers, products and stock.
        Clerk => "clerk",
        /// Read-only: sees every page, changes nothing.
        Viewer => "viewer",
    }
}

/// An action a role may or may not take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the back office's pages.
    ViewPages,
    /// Enter and move orders; edit customers, products and stock.
    EditBusinessData,
    /// Create staff accounts, change roles, deactivate accounts.
    ManageUsers,
    /// Trigger a refresh of the read models.
    RefreshReadModels,
    /// Keep the shop's tax rates and settings.
    ManageShop,
}

impl Role {
    /// Whether this role may take `permission`: the one table of who may do what.
    pub fn can(self, permission: Permission) -> bool {
        match permission {
            Permission::ViewPages => true,
            Permission::EditBusinessData => matches!(self, Role::Admin | Role::Clerk),
            Permission::ManageUsers | Permission::RefreshReadModels | Permission::ManageShop => {
                self == Role::Admin
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_restricted() {
        assert_eq!(Username::parse(" Ann.B ").unwrap().as_str(), "ann.b");
        for bad in ["", "ab", "a b c", "ann@x", &"a".repeat(51), "änn"] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_are_bounded_and_differ_from_the_username() {
        let ann = Username::parse("ann-the-clerk").unwrap();
        assert!(Password::parse("correct horse battery", &ann).is_ok());
        assert!(Password::parse("short", &ann).is_err());
        assert!(Password::parse(&"x".repeat(129), &ann).is_err());
        assert!(Password::parse("ANN-THE-CLERK", &ann).is_err());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let ann = Username::parse("ann").unwrap();
        let p = Password::parse("correct horse battery", &ann).unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn each_role_may_do_only_its_share() {
        use Permission::*;
        assert!(Role::Admin.can(ManageUsers) && Role::Admin.can(RefreshReadModels));
        assert!(Role::Clerk.can(EditBusinessData) && !Role::Clerk.can(ManageUsers));
        assert!(Role::Viewer.can(ViewPages) && !Role::Viewer.can(EditBusinessData));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("root").is_err());
    }
}
