//! Text values with rules: names, emails, SKUs, reasons, keys.

use std::fmt;

/// Trims, rejects control characters (but allows newlines where `multiline`),
/// and bounds the length in characters.
fn bounded(raw: &str, what: &str, max: usize, multiline: bool) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(format!("{what} is required"));
    }
    if s.chars().count() > max {
        return Err(format!("{what} must be at most {max} characters"));
    }
    if s.chars()
        .any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
    {
        return Err(format!("{what} contains a control character"));
    }
    Ok(s.to_owned())
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(
    /// A person's or product's name: 1 to 200 characters on one line.
    Name
);
impl Name {
    pub fn parse(raw: &str) -> Result<Self, String> {
        bounded(raw, "name", 200, false).map(Self)
    }
}

text_value!(
    /// An email address, stored lower-cased so uniqueness ignores case.
    Email
);
impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("email is required".into());
        }
        if s.len() > 254 {
            return Err("email must be at most 254 characters".into());
        }
        let valid = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && s.chars().all(|c| c.is_ascii_graphic() || !c.is_ascii())
                    && !s.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if valid {
            Ok(Self(s))
        } else {
            Err("enter an email address like name@example.com".into())
        }
    }
}

text_value!(
    /// A phone number as staff type it: digits, spaces, `+ - ( ) .`.
    Phone
);
impl Phone {
    /// An empty field means "no phone".
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if s.len() > 40 {
            return Err("phone must be at most 40 characters".into());
        }
        if digits < 3
            || !s
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            return Err("enter a phone number using digits, spaces and + - ( )".into());
        }
        Ok(Some(Self(s.to_owned())))
    }
}

text_value!(
    /// A stock-keeping unit: 2 to 32 of `A–Z 0–9 -`, upper-cased, not starting with `-`.
    Sku
);
impl Sku {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_uppercase();
        if s.is_empty() {
            return Err("SKU is required".into());
        }
        let ok = (2..=32).contains(&s.len())
            && !s.starts_with('-')
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(s))
        } else {
            Err("SKU must be 2–32 letters, digits or dashes, e.g. TEE-BLK-M".into())
        }
    }
}

text_value!(
    /// Why stock was adjusted or an order cancelled: 1 to 500 characters.
    Reason
);
impl Reason {
    pub fn parse(raw: &str) -> Result<Self, String> {
        bounded(raw, "reason", 500, false).map(Self)
    }
}

text_value!(
    /// An optional note on a stock receipt (a delivery note or purchase-order
    /// number): one line of at most 500 characters, possibly empty.
    Note
);
impl Note {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.chars().count() > 500 || s.chars().any(char::is_control) {
            return Err("note must be one line of at most 500 characters".into());
        }
        Ok(Self(s.to_owned()))
    }
}

text_value!(
    /// The key a form carries so that resubmitting it never creates a second record.
    IdempotencyKey
);
impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let ok = (8..=100).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err("the form's idempotency key is missing or malformed; reload the form".into())
        }
    }

    /// A fresh random key for a newly rendered form.
    pub fn generate() -> Self {
        use rand::Rng;
        let bytes: [u8; 16] = rand::rng().random();
        Self(hex::encode(bytes))
    }
}

/// A description: optional, up to 4000 characters, lines allowed.
pub fn parse_description(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    bounded(raw, "description", 4000, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "ann@x..com",
            "a@b@c.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sku_is_uppercased_and_restricted() {
        assert_eq!(Sku::parse(" tee-blk-m ").unwrap().as_str(), "TEE-BLK-M");
        for bad in ["", "A", "-AB", "AB CD", "AB_CD", &"X".repeat(33)] {
            assert!(Sku::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_are_required_bounded_and_single_line() {
        assert_eq!(Name::parse("  Ada  ").unwrap().as_str(), "Ada");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"x".repeat(201)).is_err());
        assert!(Name::parse("a\u{0}b").is_err());
        assert!(Name::parse("a\nb").is_err());
    }

    #[test]
    fn phone_is_optional_but_checked_when_given() {
        assert_eq!(Phone::parse_optional("  ").unwrap(), None);
        assert!(
            Phone::parse_optional("+44 (0) 20 7946-0000")
                .unwrap()
                .is_some()
        );
        assert!(Phone::parse_optional("call me").is_err());
        assert!(Phone::parse_optional("12").is_err());
    }

    #[test]
    fn idempotency_keys_are_generated_valid() {
        let key = IdempotencyKey::generate();
        assert_eq!(IdempotencyKey::parse(key.as_str()), Ok(key));
        assert!(IdempotencyKey::parse("short").is_err());
        assert!(IdempotencyKey::parse("has spaces in it").is_err());
    }
}

text_value!(
    /// A tax rate's name ("Standard", "Reduced"): 1 to 100 characters on one
    /// line; unique whatever its case.
    TaxRateName
);
impl TaxRateName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        bounded(raw, "name", 100, false).map(Self)
    }
}

text_value!(
    /// A payment's reference (a card slip, a transfer's reference, a
    /// cheque number): 1 to 200 characters on one line.
    PaymentReference
);
impl PaymentReference {
    /// Blank is no reference.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        bounded(raw, "reference", 200, false).map(|s| Some(Self(s)))
    }
}

text_value!(
    /// The shop's tax identification number (a VAT number, an EIN), as the
    /// tax office wrote it: 1 to 50 characters on one line.
    TaxId
);
impl TaxId {
    /// Blank is no tax id.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        bounded(raw, "tax id", 50, false).map(|s| Some(Self(s)))
    }
}
