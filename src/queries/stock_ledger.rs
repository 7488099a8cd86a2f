//! One product's stock ledger, as its page lists it: the live model
//! `stock_ledger`, newest first, keyset-paged by `(occurred_at, id)`,
//! optionally one kind of movement only.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::keyset::{self, Direction};
use super::{Freshness, freshness};
use crate::db::read_schema::stock_ledger as sl;
use crate::domain::StockMovementKind;
use crate::read_models::ReadModelName;

/// The read model the ledger comes from (for freshness and ETags).
pub const VIEWS: &[ReadModelName] = &[ReadModelName::StockLedger];

/// One movement of stock.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sl, check_for_backend(diesel::pg::Pg))]
pub struct MovementRow {
    pub id: i64,
    pub kind: StockMovementKind,
    /// The signed change of the figure(s) the kind names (see [`Self::changes`]).
    pub quantity: i32,
    pub reason: String,
    pub order_id: Option<i64>,
    /// Who recorded it (the staff account's name, or the system's).
    pub actor: String,
    pub occurred_at: DateTime<Utc>,
}

impl MovementRow {
    /// The quantity with its sign always written: `+5`, `-3`.
    pub fn signed_quantity(&self) -> String {
        format!("{:+}", self.quantity)
    }

    /// The figures the movement changed, by how much: receipts and
    /// adjustments change on hand; reservations and releases change
    /// reserved; a shipment takes the units off hand and ends their
    /// reservation, so it changes both by its quantity.
    pub fn changes(&self) -> Vec<(&'static str, String)> {
        let q = self.signed_quantity();
        let mut out = Vec::with_capacity(2);
        if self.kind.changes_on_hand() {
            out.push(("on hand", q.clone()));
        }
        if self.kind.changes_reserved() {
            out.push(("reserved", q));
        }
        out
    }
}

/// Where a page of the ledger starts: just older than this movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerCursor {
    pub occurred_at: DateTime<Utc>,
    pub id: i64,
}

impl LedgerCursor {
    /// `<microseconds>_<id>`: opaque to users, safe in a URL, exact
    /// (PostgreSQL keeps microseconds).
    pub fn encode(self) -> String {
        format!("{}_{}", self.occurred_at.timestamp_micros(), self.id)
    }

    /// `None` for anything [`Self::encode`] would not have written,
    /// including instants outside 1970–9999 (PostgreSQL refuses some that
    /// chrono accepts: a forged cursor must not become a database error).
    pub fn decode(raw: &str) -> Option<Self> {
        const LAST_MICROS: i64 = 253_402_300_799_999_999; // 9999-12-31T23:59:59.999999Z
        let (micros, id) = raw.trim().split_once('_')?;
        let micros: i64 = micros
            .parse()
            .ok()
            .filter(|m| (0..=LAST_MICROS).contains(m))?;
        let occurred_at = DateTime::from_timestamp_micros(micros)?;
        let id: i64 = id.parse().ok()?;
        (id > 0).then_some(Self { occurred_at, id })
    }
}

/// What the product page asks of the ledger.
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    pub product_id: i64,
    /// One kind only; `None`: every kind.
    pub kind: Option<StockMovementKind>,
    /// The page after this movement (older ones); `None`: the newest.
    pub before: Option<LedgerCursor>,
    pub page_size: i64,
}

/// A page of movements, newest first, and where the next (older) one starts.
#[derive(Debug, Clone)]
pub struct LedgerPage {
    pub rows: Vec<MovementRow>,
    pub next: Option<LedgerCursor>,
    pub freshness: Freshness,
}

/// A page of one product's movements, with the ledger's freshness sent
/// ahead of it on the same connection: with other statements on it (the
/// product page's), everything goes in one round trip.
pub async fn page(
    conn: &AsyncPgConnection,
    filter: &LedgerFilter,
) -> Result<LedgerPage, diesel::result::Error> {
    let mut q = sl::table
        .filter(sl::product_id.eq(filter.product_id))
        .select(MovementRow::as_select())
        .into_boxed();
    if let Some(kind) = filter.kind {
        q = q.filter(sl::kind.eq(kind));
    }
    let before = filter.before.map(|c| (c.occurred_at, c.id));
    let q = keyset::page(
        q,
        (sl::occurred_at, sl::id),
        Direction::Descending,
        before,
        filter.page_size,
    );
    let fresh = freshness::query(VIEWS).load::<freshness::Row>(&mut &*conn);
    let rows = q.load::<MovementRow>(&mut &*conn);
    let (fresh, rows) = futures_util::try_join!(fresh, rows)?;
    let (rows, next) = keyset::split(rows, filter.page_size, |r| LedgerCursor {
        occurred_at: r.occurred_at,
        id: r.id,
    });
    Ok(LedgerPage {
        rows,
        next,
        freshness: freshness::decode(VIEWS, fresh).remove(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_exactly_and_anything_else_is_none() {
        let at = DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap();
        let c = LedgerCursor {
            occurred_at: at,
            id: 42,
        };
        assert_eq!(LedgerCursor::decode(&c.encode()), Some(c));
        for forged in [
            "",
            "_",
            "abc_1",
            "1_abc",
            "1764000000123456",
            "1_0",
            "1_-5",
            "99999999999999999999_1",
            "9223372036854775807_1",
            "1_2_3",
            "-8000000000000000000_1",
            "253402300800000000_1",
        ] {
            assert_eq!(LedgerCursor::decode(forged), None, "{forged:?}");
        }
    }

    #[test]
    fn a_movement_says_which_figures_it_changed_with_a_sign() {
        let row = |kind, quantity| MovementRow {
            id: 1,
            kind,
            quantity,
            reason: String::new(),
            order_id: None,
            actor: "ada".into(),
            occurred_at: Utc::now(),
        };
        assert_eq!(
            row(StockMovementKind::Receipt, 5).changes(),
            [("on hand", "+5".to_owned())]
        );
        assert_eq!(
            row(StockMovementKind::Release, -2).changes(),
            [("reserved", "-2".to_owned())]
        );
        assert_eq!(
            row(StockMovementKind::Shipment, -3).changes(),
            [("on hand", "-3".to_owned()), ("reserved", "-3".to_owned())]
        );
    }
}
