//! Structured postal addresses: the parts as typed ([`AddressFields`], also
//! the shape the read side stores as JSON), the parsed address every part of
//! which holds its rule ([`PostalAddress`]), the country ([`Country`], ISO
//! 3166-1 alpha-2) and an address book entry's label ([`AddressLabel`]).
//! [`AddressFields::lines`] is the one formatter: every page, printable and
//! CSV prints an address through it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::FieldErrors;
use super::country_list::COUNTRIES;

/// The most characters of each part (the database's CHECKs say the same).
pub const MAX_NAME: usize = 200;
pub const MAX_LINE: usize = 200;
pub const MAX_CITY: usize = 100;
pub const MAX_REGION: usize = 100;
pub const MAX_POSTAL_CODE: usize = 20;
pub const MAX_LABEL: usize = 50;

/// A country by its ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country(&'static str, &'static str);

impl Country {
    /// A code (`gb`, `GB`) or an English name (`United Kingdom`), any case.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("country is required".into());
        }
        COUNTRIES
            .iter()
            .find(|(code, name)| code.eq_ignore_ascii_case(s) || name.eq_ignore_ascii_case(s))
            .map(|(code, name)| Self(code, name))
            .ok_or_else(|| {
                "enter a country's two-letter code (e.g. GB, US, DE) or its name".to_owned()
            })
    }

    pub fn code(self) -> &'static str {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.1
    }

    /// The English name of `code`, if it is one.
    pub fn name_of(code: &str) -> Option<&'static str> {
        COUNTRIES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
    }

    /// Every country, `(code, name)`, by code (for a form's list).
    pub fn all() -> &'static [(&'static str, &'static str)] {
        COUNTRIES
    }
}

/// An address's parts as text: what a form submits, what the read models
/// store (JSON) and what [`Self::lines`] prints. Absent parts are empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressFields {
    pub name: String,
    pub company: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 once parsed; as typed in a form.
    pub country: String,
    pub phone: String,
}

/// Countries that write the postal code before the town ("75001 Paris").
const POSTAL_CODE_FIRST: &[&str] = &[
    "AT", "BE", "BG", "CH", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IS", "IT",
    "LI", "LT", "LU", "LV", "MC", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
];
/// Countries that write town, county and postcode on lines of their own.
const POSTAL_CODE_LAST_LINE: &[&str] = &["GB", "IE", "GG", "JE", "IM"];

impl AddressFields {
    /// The address as printed on a label, one entry per line (the phone is
    /// not part of it: [`Self::phone`]). The town line follows the country's
    /// custom: "75001 Paris", "London / SW1A 1AA", "Springfield, IL 62704";
    /// the country's English name ends it.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |s: &str| {
            let s = s.trim();
            if !s.is_empty() {
                out.push(s.to_owned());
            }
        };
        push(&self.name);
        push(&self.company);
        push(&self.line1);
        push(&self.line2);
        let (city, region, postal) = (
            self.city.trim(),
            self.region.trim(),
            self.postal_code.trim(),
        );
        let country = self.country.trim();
        if POSTAL_CODE_FIRST.contains(&country) {
            push(&join(&[postal, city, region], " "));
        } else if POSTAL_CODE_LAST_LINE.contains(&country) {
            push(city);
            push(region);
            push(postal);
        } else {
            let region_postal = join(&[region, postal], " ");
            push(&join(&[city, &region_postal], ", "));
        }
        push(Country::name_of(country).unwrap_or(country));
        out
    }

    /// The address on one line, its lines joined by ", " (CSV cells, lists).
    pub fn one_line(&self) -> String {
        self.lines().join(", ")
    }

    /// The phone number to print beside the address, if any.
    pub fn phone(&self) -> Option<&str> {
        Some(self.phone.trim()).filter(|p| !p.is_empty())
    }
}

fn join(parts: &[&str], sep: &str) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(sep)
}

/// One line of text: trimmed, no control characters, at most `max`
/// characters; `required` refuses an empty one.
fn part(raw: &str, what: &str, max: usize, required: bool) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() && required {
        return Err(format!("{what} is required"));
    }
    if s.chars().count() > max {
        return Err(format!("{what} must be at most {max} characters"));
    }
    if s.chars().any(char::is_control) {
        return Err(format!(
            "{what} must be one line without control characters"
        ));
    }
    Ok(s.to_owned())
}

/// A postal address whose every part holds its rule: name, first line,
/// town and country required; the country a known ISO 3166-1 code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress {
    fields: AddressFields,
    country: Country,
}

impl PostalAddress {
    /// Parses `raw`, recording each part's error as `{prefix}{part}` (e.g.
    /// `shipping.line1`); `None` when any part failed.
    pub fn parse(raw: &AddressFields, prefix: &str, errors: &mut FieldErrors) -> Option<Self> {
        let mut check = |field: &str, result: Result<String, String>| {
            errors.check(&format!("{prefix}{field}"), result)
        };
        let name = check("name", part(&raw.name, "name", MAX_NAME, true));
        let company = check("company", part(&raw.company, "company", MAX_NAME, false));
        let line1 = check("line1", part(&raw.line1, "address line 1", MAX_LINE, true));
        let line2 = check("line2", part(&raw.line2, "address line 2", MAX_LINE, false));
        let city = check("city", part(&raw.city, "town or city", MAX_CITY, true));
        let region = check("region", part(&raw.region, "region", MAX_REGION, false));
        let postal_code = check(
            "postal_code",
            part(&raw.postal_code, "postal code", MAX_POSTAL_CODE, false),
        );
        let country = errors.check(&format!("{prefix}country"), Country::parse(&raw.country));
        let phone = errors.check(
            &format!("{prefix}phone"),
            super::Phone::parse_optional(&raw.phone),
        );
        let country = country?;
        Some(Self {
            fields: AddressFields {
                name: name?,
                company: company?,
                line1: line1?,
                line2: line2?,
                city: city?,
                region: region?,
                postal_code: postal_code?,
                country: country.code().to_owned(),
                phone: phone?.map(|p| p.to_string()).unwrap_or_default(),
            },
            country,
        })
    }

    /// The parts, trimmed, the country as its code.
    pub fn fields(&self) -> &AddressFields {
        &self.fields
    }

    pub fn country(&self) -> Country {
        self.country
    }
}

impl fmt::Display for PostalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fields.one_line())
    }
}

/// An address book entry's label ("Home", "Warehouse"): optional, one line,
/// at most 50 characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressLabel(String);

impl AddressLabel {
    pub fn parse(raw: &str) -> Result<Self, String> {
        part(raw, "label", MAX_LABEL, false).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> AddressFields {
        AddressFields {
            name: " Ada Lovelace ".into(),
            line1: "12 St James's Square".into(),
            city: "London".into(),
            postal_code: "SW1Y 4JH".into(),
            country: "gb".into(),
            ..AddressFields::default()
        }
    }

    #[test]
    fn an_address_is_trimmed_and_its_country_becomes_a_code() {
        let mut errors = FieldErrors::new();
        let a = PostalAddress::parse(&raw(), "", &mut errors).unwrap();
        assert!(errors.is_empty());
        assert_eq!(a.fields().name, "Ada Lovelace");
        assert_eq!(a.fields().country, "GB");
        assert_eq!(a.country().name(), "United Kingdom");
        assert_eq!(Country::parse("united states").map(Country::code), Ok("US"));
    }

    #[test]
    fn every_bad_part_is_named_with_the_prefix() {
        let bad = AddressFields {
            name: " ".into(),
            company: "x".repeat(201),
            line1: String::new(),
            line2: "a\nb".into(),
            city: String::new(),
            region: "r".repeat(101),
            postal_code: "p".repeat(21),
            country: "Atlantis".into(),
            phone: "call me".into(),
        };
        let mut errors = FieldErrors::new();
        assert!(PostalAddress::parse(&bad, "shipping.", &mut errors).is_none());
        let fields: Vec<_> = errors.fields().collect();
        assert_eq!(
            fields,
            [
                "shipping.name",
                "shipping.company",
                "shipping.line1",
                "shipping.line2",
                "shipping.city",
                "shipping.region",
                "shipping.postal_code",
                "shipping.country",
                "shipping.phone"
            ]
        );
    }

    #[test]
    fn the_town_line_follows_the_country() {
        let mut uk = raw();
        uk.country = "GB".into();
        assert_eq!(
            uk.lines(),
            [
                "Ada Lovelace",
                "12 St James's Square",
                "London",
                "SW1Y 4JH",
                "United Kingdom"
            ]
        );
        let fr = AddressFields {
            name: "Marie".into(),
            line1: "1 rue de Rivoli".into(),
            city: "Paris".into(),
            postal_code: "75001".into(),
            country: "FR".into(),
            ..AddressFields::default()
        };
        assert_eq!(fr.lines()[2], "75001 Paris");
        let us = AddressFields {
            name: "Abe".into(),
            company: "Acme".into(),
            line1: "1 Main St".into(),
            line2: "Suite 2".into(),
            city: "Springfield".into(),
            region: "IL".into(),
            postal_code: "62704".into(),
            country: "US".into(),
            phone: "+1 555 0100".into(),
        };
        assert_eq!(
            us.one_line(),
            "Abe, Acme, 1 Main St, Suite 2, Springfield, IL 62704, United States"
        );
        assert_eq!(us.phone(), Some("+1 555 0100"));
    }

    #[test]
    fn a_label_is_optional_and_short() {
        assert_eq!(AddressLabel::parse("  ").unwrap().as_str(), "");
        assert_eq!(AddressLabel::parse(" Home ").unwrap().as_str(), "Home");
        assert!(AddressLabel::parse(&"x".repeat(51)).is_err());
    }
}
