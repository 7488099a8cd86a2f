//! One CSV record as an import row: each cell parsed into the domain value
//! its column names (the same parsing as the forms), every problem recorded
//! with its column. A parsed row keeps its values as JSON (`import_rows.fields`),
//! normalised (SKU upper-cased, email lower-cased, prices in minor units).

use serde_json::{Map, Value, json};

use super::address;
use crate::domain::import::restore;
use crate::domain::{
    Currency, Email, ImportKind, Money, Name, Phone, Sku, StockLevel, TaxRateName,
    parse_description,
};

/// Why one row cannot be imported: the column (empty for the whole row) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    pub column: String,
    pub reason: String,
}

impl Refusal {
    pub fn new(column: &str, reason: impl Into<String>) -> Self {
        Self {
            column: column.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A row as staged: its place in the file, the record it names and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct StagedRow {
    pub seq: i32,
    pub line: i32,
    /// The SKU or email, normalised; `None` when it could not be read.
    pub key: Option<String>,
    pub fields: Value,
    pub refusals: Vec<Refusal>,
}

/// Where each of a kind's columns is in the file.
#[derive(Debug, Clone)]
pub struct Columns {
    kind: ImportKind,
    /// Per column of `kind.columns()`, its index in the file's records.
    at: Vec<Option<usize>>,
    width: usize,
}

impl Columns {
    /// Matches the header line with the kind's columns (trimmed, any case):
    /// every required column present, none unknown, none twice.
    pub fn from_header(kind: ImportKind, names: &[String]) -> Result<Self, String> {
        let known: Vec<&str> = kind.columns().iter().map(|(name, _)| *name).collect();
        let list = known.join(", ");
        let mut at = vec![None; known.len()];
        for (i, raw) in names.iter().enumerate() {
            let name = raw.trim().to_ascii_lowercase();
            let Some(k) = known.iter().position(|c| *c == name) else {
                return Err(format!(
                    "unknown column \"{}\" in the header line; a {} file has the columns {list}",
                    raw.trim(),
                    kind.label()
                ));
            };
            if at[k].replace(i).is_some() {
                return Err(format!(
                    "the column \"{name}\" appears twice in the header line"
                ));
            }
        }
        let missing: Vec<&str> = kind
            .columns()
            .iter()
            .zip(&at)
            .filter(|((_, required), found)| *required && found.is_none())
            .map(|((name, _), _)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the header line lacks the column{} {}; a {} file has the columns {list}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                kind.label()
            ));
        }
        Ok(Self {
            kind,
            at,
            width: names.len(),
        })
    }

    /// The cell of column `name`, restored (a neutralised formula loses its quote).
    fn cell<'a>(&self, cells: &'a [String], name: &str) -> Option<&'a str> {
        let k = self.kind.columns().iter().position(|(c, _)| *c == name)?;
        self.at[k].and_then(|i| cells.get(i)).map(|c| restore(c))
    }

    /// Parses one record.
    pub fn parse(&self, seq: i32, line: i32, cells: &[String], currency: Currency) -> StagedRow {
        let mut row = RowBuilder {
            fields: Map::new(),
            refusals: Vec::new(),
        };
        if cells.len() != self.width {
            row.refusals.push(Refusal::new(
                "",
                format!(
                    "the row has {} cells where the header line has {}",
                    cells.len(),
                    self.width
                ),
            ));
        }
        let key = match self.kind {
            ImportKind::Products => self.product(cells, currency, &mut row),
            ImportKind::StockCounts => self.count(cells, &mut row),
            ImportKind::Customers => self.customer(cells, &mut row),
        };
        StagedRow {
            seq,
            line,
            key,
            fields: Value::Object(row.fields),
            refusals: row.refusals,
        }
    }

    fn product<'a>(
        &self,
        cells: &'a [String],
        currency: Currency,
        row: &mut RowBuilder,
    ) -> Option<String> {
        let sku = row.take(self.cell(cells, "sku"), "sku", |s| {
            Sku::parse(s).map(|v| json!(v.as_str()))
        });
        row.take(self.cell(cells, "name"), "name", |s| {
            Name::parse(s).map(|v| json!(v.as_str()))
        });
        row.take(self.cell(cells, "description"), "description", |s| {
            parse_description(s).map(|v| json!(v))
        });
        if let Some(price) = self.cell(cells, "price") {
            match Money::parse_in(price, currency.exponent()) {
                Ok(m) => {
                    row.fields.insert("price_cents".into(), json!(m.cents()));
                }
                Err(e) => row.refusals.push(Refusal::new(
                    "price",
                    format!(
                        "{e} ({} has {} decimals)",
                        currency.code(),
                        currency.exponent()
                    ),
                )),
            }
        }
        // Blank: keep the product's own (a new one gets the default).
        let blank_is_absent = |c: Option<&'a str>| c.filter(|c| !c.trim().is_empty());
        row.take(blank_is_absent(self.cell(cells, "active")), "active", |s| {
            parse_bool(s).map(|v| json!(v))
        });
        row.take(
            blank_is_absent(self.cell(cells, "low_stock_threshold")),
            "low_stock_threshold",
            |s| StockLevel::parse(s).map(|v| json!(v.get())),
        );
        // By name: whether such a rate exists is the preview's to say.
        row.take(
            blank_is_absent(self.cell(cells, "tax_rate")),
            "tax_rate",
            |s| TaxRateName::parse(s).map(|v| json!(v.as_str())),
        );
        sku
    }

    fn count(&self, cells: &[String], row: &mut RowBuilder) -> Option<String> {
        let sku = row.take(self.cell(cells, "sku"), "sku", |s| {
            Sku::parse(s).map(|v| json!(v.as_str()))
        });
        row.take(self.cell(cells, "counted"), "counted", |s| {
            StockLevel::parse(s)
                .map(|v| json!(v.get()))
                .map_err(|e| format!("a count {e}"))
        });
        sku
    }

    fn customer(&self, cells: &[String], row: &mut RowBuilder) -> Option<String> {
        let email = row.take(self.cell(cells, "email"), "email", |s| {
            Email::parse(s).map(|v| json!(v.as_str()))
        });
        row.take(self.cell(cells, "name"), "name", |s| {
            Name::parse(s).map(|v| json!(v.as_str()))
        });
        row.take(self.cell(cells, "phone"), "phone", |s| {
            Phone::parse_optional(s).map(|v| json!(v.as_ref().map(Phone::as_str)))
        });
        address::parse_cells(
            |column| self.cell(cells, column),
            &mut row.fields,
            &mut row.refusals,
        );
        email
    }
}

struct RowBuilder {
    fields: Map<String, Value>,
    refusals: Vec<Refusal>,
}

impl RowBuilder {
    /// Parses `cell` (absent when the file has no such column) into the
    /// field `name`; returns the value's text when it is the key.
    fn take(
        &mut self,
        cell: Option<&str>,
        name: &str,
        parse: impl FnOnce(&str) -> Result<Value, String>,
    ) -> Option<String> {
        match parse(cell?) {
            Ok(value) => {
                let text = value.as_str().map(str::to_owned);
                self.fields.insert(name.to_owned(), value);
                text
            }
            Err(reason) => {
                self.refusals.push(Refusal::new(name, reason));
                None
            }
        }
    }
}

/// `true`/`false` as the export writes them; yes/no and 1/0 too.
fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err("enter true or false".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(kind: ImportKind, header: &[&str]) -> Result<Columns, String> {
        let names: Vec<String> = header.iter().map(|s| (*s).to_owned()).collect();
        Columns::from_header(kind, &names)
    }

    fn row(c: &Columns, cells: &[&str]) -> StagedRow {
        let cells: Vec<String> = cells.iter().map(|s| (*s).to_owned()).collect();
        c.parse(1, 2, &cells, Currency::default())
    }

    #[test]
    fn the_header_must_name_every_required_column_and_nothing_unknown() {
        assert!(columns(ImportKind::Products, &["SKU", " name ", "price"]).is_ok());
        let missing = columns(ImportKind::Products, &["sku", "name"]).unwrap_err();
        assert!(missing.contains("lacks the column price"), "{missing}");
        let unknown = columns(ImportKind::Products, &["sku", "name", "price", "colour"]);
        assert!(unknown.unwrap_err().contains("unknown column \"colour\""));
        let twice = columns(ImportKind::Customers, &["email", "name", "email"]);
        assert!(twice.unwrap_err().contains("appears twice"));
    }

    #[test]
    fn a_product_row_is_parsed_and_every_bad_cell_named() {
        let c = columns(ImportKind::Products, &["sku", "name", "price", "active"]).unwrap();
        let ok = row(&c, &["tee-1", "'=Tee", "12.50", "yes"]);
        assert_eq!(ok.key.as_deref(), Some("TEE-1"));
        assert_eq!(
            ok.fields,
            json!({"sku": "TEE-1", "name": "=Tee", "price_cents": 1250, "active": true})
        );
        assert!(ok.refusals.is_empty());
        let bad = row(&c, &["-x", "", "12.505", "maybe"]);
        let columns: Vec<&str> = bad.refusals.iter().map(|r| r.column.as_str()).collect();
        assert_eq!(columns, ["sku", "name", "price", "active"]);
        assert!(bad.refusals[2].reason.contains("USD has 2 decimals"));
        assert_eq!(bad.key, None);
    }

    #[test]
    fn a_negative_count_and_a_short_row_are_refused() {
        let c = columns(ImportKind::StockCounts, &["sku", "counted"]).unwrap();
        let negative = row(&c, &["TEE", "-3"]);
        assert_eq!(
            negative.refusals,
            [Refusal::new("counted", "a count must not be negative")]
        );
        let short = row(&c, &["TEE"]);
        assert_eq!(short.refusals[0].column, "");
    }
}
