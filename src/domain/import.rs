//! CSV imports: what a file holds (its kind and columns), the job's state and
//! each row's outcome, as enums mapped to their text columns; and the CSV
//! cell rule shared by every export and the import, so a file exported,
//! edited and imported again reads back exactly as it was written.

use std::borrow::Cow;

use super::sql_text::text_enum;

text_enum! {
    /// What an import file holds (`import_jobs.kind`).
    pub enum ImportKind (what = "import kind") {
        /// Products by SKU: created or updated.
        Products => "products",
        /// Counted stock by SKU: an adjustment "stock count" for the difference.
        StockCounts => "stock_counts",
        /// Customers by email: created or updated.
        Customers => "customers",
    }
}

text_enum! {
    /// Where an import job stands (`import_jobs.state`).
    pub enum ImportState (what = "import state") {
        /// The worker compares the rows with the records.
        Checking => "checking",
        /// The preview is complete; importable when no row is refused.
        Previewed => "previewed",
        /// "Import" was pressed: the worker applies chunk by chunk.
        Applying => "applying",
        /// Every row was applied or refused at apply time.
        Done => "done",
    }
}

text_enum! {
    /// What importing a row does, as the preview found it (`import_rows.outcome`).
    pub enum RowOutcome (what = "row outcome") {
        Create => "create",
        Update => "update",
        Unchanged => "unchanged",
        Refused => "refused",
    }
}

impl ImportKind {
    /// The file's columns, as the export writes them: `(name, required)`.
    /// Products and customers are keyed by their first column.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            Self::Products => &[
                ("sku", true),
                ("name", true),
                ("description", false),
                ("price", true),
                ("active", false),
                ("low_stock_threshold", false),
                // The rate by name; blank keeps the product's own (a new one
                // gets the shop's default).
                ("tax_rate", false),
            ],
            Self::StockCounts => &[("sku", true), ("name", false), ("counted", true)],
            // One address of the book per row: its columns are optional, so
            // files without them keep working.
            Self::Customers => &[
                ("email", true),
                ("name", true),
                ("phone", false),
                ("address_label", false),
                ("address_name", false),
                ("address_company", false),
                ("address_line1", false),
                ("address_line2", false),
                ("address_city", false),
                ("address_region", false),
                ("address_postal_code", false),
                ("address_country", false),
                ("address_phone", false),
            ],
        }
    }

    /// What the rows are called on pages ("products").
    pub fn label(self) -> &'static str {
        match self {
            Self::Products => "products",
            Self::StockCounts => "stock counts",
            Self::Customers => "customers",
        }
    }

    /// The column that names the record (SKU or email).
    pub fn key_column(self) -> &'static str {
        match self {
            Self::Products | Self::StockCounts => "sku",
            Self::Customers => "email",
        }
    }
}

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as written to a CSV file: with a leading `'` when it would start a
/// formula (OWASP "CSV injection"), or when it already starts with `'` (so
/// [`restore`] can tell the two apart and every cell reads back as itself).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) || cell.starts_with('\'') {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell read from a CSV file: the inverse of [`neutralise`]. A `'` is
/// taken off only when what follows would have been neutralised; anything
/// else (a formula typed in a spreadsheet included) is kept as text.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) || rest.starts_with('\'') => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_reads_back_as_itself() {
        for raw in [
            "=1+1", "+44 20", "-3", "@SUM(A1)", "\tx", "\rx", "'quoted", "''", "'=x", "Ada = 1",
            "", "'", "plain",
        ] {
            assert_eq!(restore(&neutralise(raw)), raw, "{raw:?}");
        }
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("Ada"), "Ada");
        // A formula typed in a spreadsheet is imported as text, unchanged.
        assert_eq!(restore("=HYPERLINK(\"x\")"), "=HYPERLINK(\"x\")");
        assert_eq!(restore("'Tis"), "'Tis");
    }

    #[test]
    fn the_key_column_comes_first_and_is_required() {
        for kind in ImportKind::ALL {
            assert_eq!(kind.columns()[0], (kind.key_column(), true));
        }
    }
}
