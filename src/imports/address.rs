//! One address of the customer's book per customers row: its cells parsed
//! through [`PostalAddress`] (every bad part refused with its column), kept
//! flat in the row's fields (`address_line1`, …, the columns' own names), and
//! matched with the customer's book at preview: identical → unchanged; the
//! same label → that address edited (version-checked at apply); an empty book
//! → added, becoming both defaults; otherwise added beside the others.

use serde_json::{Map, Value, json};

use super::rows::Refusal;
use crate::commands::MAX_ADDRESSES;
use crate::domain::{AddressFields, AddressLabel, FieldErrors, PostalAddress};

/// The address columns, each with the part of [`AddressFields`] it holds
/// (`label` is the book entry's label).
pub const COLUMNS: [(&str, &str); 10] = [
    ("address_label", "label"),
    ("address_name", "name"),
    ("address_company", "company"),
    ("address_line1", "line1"),
    ("address_line2", "line2"),
    ("address_city", "city"),
    ("address_region", "region"),
    ("address_postal_code", "postal_code"),
    ("address_country", "country"),
    ("address_phone", "phone"),
];

/// Where the preview's plan for the address is kept in the row's fields.
pub const PLAN: &str = "address_plan";
/// Whether the row changes the customer's own details (name, phone): the
/// apply updates the customer only then.
pub const DETAILS_CHANGED: &str = "details_changed";

/// A book entry's label with its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labelled {
    pub label: String,
    pub fields: AddressFields,
}

impl Labelled {
    /// `(column, value)` in column order, as a CSV row or the preview shows it.
    pub fn cells(&self) -> [(&'static str, &str); 10] {
        let f = &self.fields;
        [
            (COLUMNS[0].0, self.label.as_str()),
            (COLUMNS[1].0, f.name.as_str()),
            (COLUMNS[2].0, f.company.as_str()),
            (COLUMNS[3].0, f.line1.as_str()),
            (COLUMNS[4].0, f.line2.as_str()),
            (COLUMNS[5].0, f.city.as_str()),
            (COLUMNS[6].0, f.region.as_str()),
            (COLUMNS[7].0, f.postal_code.as_str()),
            (COLUMNS[8].0, f.country.as_str()),
            (COLUMNS[9].0, f.phone.as_str()),
        ]
    }

    /// Writes the parts into a row's fields under their column names.
    fn insert_into(&self, fields: &mut Map<String, Value>) {
        for (column, value) in self.cells() {
            fields.insert(column.to_owned(), json!(value));
        }
    }

    /// The address a row's fields hold; `None` when the row has none.
    pub fn from_fields(fields: &Map<String, Value>) -> Option<Self> {
        let text = |column: &str| -> Option<String> {
            fields
                .get(column)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        // A parsed address always has its first line.
        text("address_line1")?;
        let part = |column: &str| text(column).unwrap_or_default();
        Some(Self {
            label: part("address_label"),
            fields: AddressFields {
                name: part("address_name"),
                company: part("address_company"),
                line1: part("address_line1"),
                line2: part("address_line2"),
                city: part("address_city"),
                region: part("address_region"),
                postal_code: part("address_postal_code"),
                country: part("address_country"),
                phone: part("address_phone"),
            },
        })
    }

    /// Parses the parts again into the commands' types (they parsed once
    /// at upload, so an error here is a corrupt row).
    pub fn parse(&self) -> Result<(AddressLabel, PostalAddress), String> {
        let mut errors = FieldErrors::new();
        let label = errors.check("address_label", AddressLabel::parse(&self.label));
        let address = PostalAddress::parse(&self.fields, "address_", &mut errors);
        match (label, address) {
            (Some(label), Some(address)) => Ok((label, address)),
            _ => Err(errors.to_string()),
        }
    }
}

/// Parses a row's address cells (`cell(column)`: `None` when the file has
/// no such column) into its fields; blank cells everywhere mean no address.
/// Every bad part is refused with its column.
pub fn parse_cells<'a>(
    cell: impl Fn(&str) -> Option<&'a str>,
    fields: &mut Map<String, Value>,
    refusals: &mut Vec<Refusal>,
) {
    let raw: Vec<&str> = COLUMNS
        .iter()
        .map(|(column, _)| cell(column).unwrap_or_default())
        .collect();
    if raw.iter().all(|c| c.trim().is_empty()) {
        return;
    }
    let typed = Labelled {
        label: raw[0].to_owned(),
        fields: AddressFields {
            name: raw[1].to_owned(),
            company: raw[2].to_owned(),
            line1: raw[3].to_owned(),
            line2: raw[4].to_owned(),
            city: raw[5].to_owned(),
            region: raw[6].to_owned(),
            postal_code: raw[7].to_owned(),
            country: raw[8].to_owned(),
            phone: raw[9].to_owned(),
        },
    };
    let mut errors = FieldErrors::new();
    let label = errors.check("address_label", AddressLabel::parse(&typed.label));
    let address = PostalAddress::parse(&typed.fields, "address_", &mut errors);
    for (column, reason) in errors.iter() {
        refusals.push(Refusal::new(column, reason));
    }
    if let (Some(label), Some(address)) = (label, address) {
        Labelled {
            label: label.as_str().to_owned(),
            fields: address.fields().clone(),
        }
        .insert_into(fields);
    }
}

/// An address of a customer's book, as the preview compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookEntry {
    pub id: i64,
    pub version: i32,
    pub address: Labelled,
}

/// What importing a row's address does, as the preview decided it (kept in
/// the row's fields under [`PLAN`] for the apply).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Plan {
    /// The book holds it already.
    Unchanged,
    /// A new entry; `seen` is the highest address id the book had (0: none),
    /// so the apply can tell whether the book grew since.
    Add { seen: i64 },
    /// The entry with the same label, at the version the preview compared.
    Edit { id: i64, version: i32 },
}

/// What the preview shows and the apply does for one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Plan {
        plan: Plan,
        /// `(field, old, new)` for the preview.
        changes: Vec<(String, String, String)>,
    },
    /// The book is full.
    Refused(Refusal),
}

/// Compares `new` with the customer's book (`default_shipping` chooses among
/// entries with the same label; otherwise the oldest).
pub fn decide(new: &Labelled, book: &[BookEntry], default_shipping: Option<i64>) -> Decision {
    let same_label = |e: &&BookEntry| e.address.label.eq_ignore_ascii_case(&new.label);
    let identical = book
        .iter()
        .any(|e| e.address.fields == new.fields && (new.label.is_empty() || same_label(&e)));
    if identical {
        return Decision::Plan {
            plan: Plan::Unchanged,
            changes: Vec::new(),
        };
    }
    let mut labelled: Vec<&BookEntry> = book.iter().filter(same_label).collect();
    labelled.sort_by_key(|e| (Some(e.id) != default_shipping, e.id));
    if let Some(entry) = labelled.first() {
        let changes = entry
            .address
            .cells()
            .iter()
            .zip(new.cells())
            .filter(|((_, old), (_, new))| old != new)
            .map(|((column, old), (_, new))| {
                ((*column).to_owned(), (*old).to_owned(), new.to_owned())
            })
            .collect();
        return Decision::Plan {
            plan: Plan::Edit {
                id: entry.id,
                version: entry.version,
            },
            changes,
        };
    }
    if i64::try_from(book.len()).unwrap_or(i64::MAX) >= MAX_ADDRESSES {
        return Decision::Refused(Refusal::new(
            "address_label",
            format!(
                "the customer's book holds {MAX_ADDRESSES} addresses, none labelled \"{}\"; \
                 remove one on the customer's page or give an existing label",
                new.label
            ),
        ));
    }
    let what = if book.is_empty() {
        "added to the book, default for shipping and billing"
    } else {
        "added to the book"
    };
    let mut changes = vec![("address".to_owned(), String::new(), what.to_owned())];
    changes.extend(
        new.cells()
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(column, value)| ((*column).to_owned(), String::new(), (*value).to_owned())),
    );
    Decision::Plan {
        plan: Plan::Add {
            seen: book.iter().map(|e| e.id).max().unwrap_or(0),
        },
        changes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(city: &str) -> Labelled {
        Labelled {
            label: "Home".into(),
            fields: AddressFields {
                name: "Ada".into(),
                line1: "1 Main St".into(),
                city: city.into(),
                country: "GB".into(),
                ..AddressFields::default()
            },
        }
    }

    fn entry(id: i64, address: Labelled) -> BookEntry {
        BookEntry {
            id,
            version: 3,
            address,
        }
    }

    fn parse(cells: &[(&str, &str)]) -> (Map<String, Value>, Vec<Refusal>) {
        let (mut fields, mut refusals) = (Map::new(), Vec::new());
        let cell = |c: &str| cells.iter().find(|(k, _)| *k == c).map(|(_, v)| *v);
        parse_cells(cell, &mut fields, &mut refusals);
        (fields, refusals)
    }

    #[test]
    fn blank_cells_are_no_address_and_bad_parts_are_refused_by_column() {
        assert_eq!(
            parse(&[("address_line1", " "), ("address_city", "")]).0,
            Map::new()
        );
        let (fields, refusals) = parse(&[
            ("address_name", "Ada"),
            ("address_line1", "1 Main St"),
            ("address_city", "London"),
            ("address_country", "gb"),
        ]);
        assert!(refusals.is_empty());
        assert_eq!(fields["address_country"], "GB");
        assert_eq!(
            Labelled::from_fields(&fields).unwrap().fields.city,
            "London"
        );
        let (_, refusals) = parse(&[("address_name", "Ada"), ("address_country", "Atlantis")]);
        let columns: Vec<&str> = refusals.iter().map(|r| r.column.as_str()).collect();
        assert_eq!(
            columns,
            ["address_line1", "address_city", "address_country"]
        );
    }

    #[test]
    fn identical_is_unchanged_the_same_label_is_edited_and_otherwise_added() {
        let book = [entry(4, home("London"))];
        let unchanged = decide(&home("London"), &book, Some(4));
        assert!(matches!(
            unchanged,
            Decision::Plan {
                plan: Plan::Unchanged,
                ..
            }
        ));
        let Decision::Plan { plan, changes } = decide(&home("Leeds"), &book, Some(4)) else {
            panic!("refused");
        };
        assert_eq!(plan, Plan::Edit { id: 4, version: 3 });
        assert_eq!(
            changes,
            [("address_city".into(), "London".into(), "Leeds".into())]
        );
        let mut work = home("Leeds");
        work.label = "Work".into();
        let Decision::Plan { plan, changes } = decide(&work, &book, Some(4)) else {
            panic!("refused");
        };
        assert_eq!(plan, Plan::Add { seen: 4 });
        assert_eq!(changes[0].2, "added to the book");
        let Decision::Plan { changes, .. } = decide(&work, &[], None) else {
            panic!("refused");
        };
        assert!(changes[0].2.contains("default for shipping and billing"));
    }

    #[test]
    fn among_equal_labels_the_default_is_edited_and_a_full_book_refuses_more() {
        let book = [entry(2, home("Bath")), entry(5, home("York"))];
        let Decision::Plan { plan, .. } = decide(&home("Leeds"), &book, Some(5)) else {
            panic!("refused");
        };
        assert_eq!(plan, Plan::Edit { id: 5, version: 3 });
        let full: Vec<BookEntry> = (1..=MAX_ADDRESSES)
            .map(|i| entry(i, home("Bath")))
            .collect();
        let mut work = home("Leeds");
        work.label = "Work".into();
        assert!(matches!(decide(&work, &full, None), Decision::Refused(_)));
    }
}
