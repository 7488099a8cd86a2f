//! Addresses as the read models hold them: an order's own copy (structured
//! JSON, or the free text of an order placed before structured addresses)
//! and a customer's address book. Printing goes through
//! [`AddressFields::lines`], the one formatter.

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::Jsonb;
use serde::Deserialize;

use crate::domain::AddressFields;

/// An order's address as pages, printables and CSVs print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderAddress {
    Structured(AddressFields),
    /// Typed as one text before addresses were structured; printed as it was.
    FreeText(String),
}

impl OrderAddress {
    /// From the read model's pair of columns: the structured JSON, else the
    /// free text; `None` when the order has neither (no billing address).
    pub fn from_columns(text: Option<&str>, json: Option<&serde_json::Value>) -> Option<Self> {
        if let Some(fields) = json.and_then(|j| AddressFields::deserialize(j).ok()) {
            return Some(Self::Structured(fields));
        }
        text.map(|t| Self::FreeText(t.to_owned()))
    }

    /// One entry per printed line (a free text's own lines).
    pub fn lines(&self) -> Vec<String> {
        match self {
            Self::Structured(f) => f.lines(),
            Self::FreeText(t) => t.lines().map(str::to_owned).collect(),
        }
    }

    /// The structured address's lines joined by ", "; a free text as typed.
    pub fn one_line(&self) -> String {
        match self {
            Self::Structured(f) => f.one_line(),
            Self::FreeText(t) => t.clone(),
        }
    }

    pub fn phone(&self) -> Option<&str> {
        match self {
            Self::Structured(f) => f.phone(),
            Self::FreeText(_) => None,
        }
    }

    /// The text of an address from before structured ones.
    pub fn free_text(&self) -> Option<&str> {
        match self {
            Self::Structured(_) => None,
            Self::FreeText(t) => Some(t),
        }
    }

    /// The recipient's name, when the address names one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::Structured(f) => Some(f.name.as_str()),
            Self::FreeText(_) => None,
        }
    }
}

/// One address of a customer's book, as `read.customer_stats.addresses` holds it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct BookAddress {
    pub id: i64,
    #[serde(default)]
    pub label: String,
    pub version: i32,
    #[serde(default)]
    pub default_shipping: bool,
    #[serde(default)]
    pub default_billing: bool,
    #[serde(flatten)]
    pub fields: AddressFields,
}

impl BookAddress {
    /// The book's JSON array, decoded; a malformed entry is a read error.
    pub fn list(json: &serde_json::Value) -> Result<Vec<Self>, serde_json::Error> {
        Vec::<Self>::deserialize(json)
    }

    /// "Home (default for shipping)"-style summary, one line.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        if !self.label.is_empty() {
            s.push_str(&self.label);
            s.push_str(": ");
        }
        s.push_str(&self.fields.one_line());
        s
    }
}

/// The book's JSON column, decoded as the row is read (public only because
/// derived `Queryable`s name it).
#[derive(FromSqlRow)]
pub struct Book(Vec<BookAddress>);

impl FromSql<Jsonb, Pg> for Book {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let json = <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(value)?;
        Ok(Self(BookAddress::list(&json)?))
    }
}

impl From<Book> for Vec<BookAddress> {
    fn from(book: Book) -> Self {
        book.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_prints_as_typed_and_json_wins_when_present() {
        let free = OrderAddress::from_columns(Some("1 High Street\nTown"), None).unwrap();
        assert_eq!(free.lines(), ["1 High Street", "Town"]);
        assert_eq!(free.one_line(), "1 High Street\nTown");
        let json = serde_json::json!({"name": "Ada", "line1": "1 Road", "city": "Leeds",
                                      "country": "GB", "postal_code": "LS1 1AA"});
        let structured = OrderAddress::from_columns(None, Some(&json)).unwrap();
        assert_eq!(
            structured.lines(),
            ["Ada", "1 Road", "Leeds", "LS1 1AA", "United Kingdom"]
        );
        assert_eq!(OrderAddress::from_columns(None, None), None);
    }

    #[test]
    fn a_book_entry_reads_its_flags_and_fields() {
        let json = serde_json::json!([{"id": 3, "label": "Home", "version": 2,
            "default_shipping": true, "default_billing": false, "name": "Ada",
            "company": "", "line1": "1 Road", "line2": "", "city": "Leeds", "region": "",
            "postal_code": "", "country": "GB", "phone": ""}]);
        let book = BookAddress::list(&json).unwrap();
        assert_eq!(book[0].id, 3);
        assert!(book[0].default_shipping && !book[0].default_billing);
        assert_eq!(
            book[0].summary(),
            "Home: Ada, 1 Road, Leeds, United Kingdom"
        );
    }
}
