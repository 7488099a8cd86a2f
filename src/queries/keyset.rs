//! Keyset pagination, the one way every list pages (orders, products,
//! customers): the page after a cursor is `ROW(key…) > ROW(cursor…)` (or `<`
//! when the list runs downwards), ordered by the same key, one row more than
//! the page holds to know whether there is a next page. A row comparison is
//! an index condition on the sort's index, so rows inserted meanwhile are
//! neither skipped nor repeated, and a deep page costs what the first one
//! does; never OFFSET.
//!
//! A key is a tuple of columns whose last column is unique (`(placed_at, id)`,
//! `(name, customer_id)`, `(sku,)`); the cursor is the same tuple of values,
//! taken from the last row of a page with [`split`].

use diesel::dsl;
use diesel::expression::{AsExpression, Expression};
use diesel::pg::sql_types::Record;
use diesel::prelude::*;
use diesel::query_dsl::methods::{FilterDsl, LimitDsl, OrderDsl};
use diesel::sql_types::SqlType;

/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 200;

/// Which way a list runs along its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

/// A sort key: a tuple of columns, each ordered the same way.
pub trait Key: Copy {
    type Asc: Expression;
    type Desc: Expression;
    fn asc(self) -> Self::Asc;
    fn desc(self) -> Self::Desc;
}

impl<A: ExpressionMethods + Copy> Key for (A,)
where
    A::SqlType: SqlType,
{
    type Asc = (dsl::Asc<A>,);
    type Desc = (dsl::Desc<A>,);
    fn asc(self) -> Self::Asc {
        (self.0.asc(),)
    }
    fn desc(self) -> Self::Desc {
        (self.0.desc(),)
    }
}

impl<A: ExpressionMethods + Copy, B: ExpressionMethods + Copy> Key for (A, B)
where
    A::SqlType: SqlType,
    B::SqlType: SqlType,
{
    type Asc = (dsl::Asc<A>, dsl::Asc<B>);
    type Desc = (dsl::Desc<A>, dsl::Desc<B>);
    fn asc(self) -> Self::Asc {
        (self.0.asc(), self.1.asc())
    }
    fn desc(self) -> Self::Desc {
        (self.0.desc(), self.1.desc())
    }
}

/// The row of `key` as one value: `ROW(a, b)`.
type RowOf<K, ST> = <K as AsExpression<Record<ST>>>::Expression;

/// `query` ordered by `key` in `direction`, starting after `after`, at most
/// `page_size` rows (clamped to 1..=[`MAX_PAGE_SIZE`]) plus one: pass the rows
/// to [`split`].
pub fn page<Q, K, ST, V>(
    query: Q,
    key: K,
    direction: Direction,
    after: Option<V>,
    page_size: i64,
) -> Q
where
    K: Key + AsExpression<Record<ST>>,
    RowOf<K, ST>: Expression<SqlType = Record<ST>>,
    Record<ST>: SqlType,
    V: AsExpression<Record<ST>>,
    Q: FilterDsl<dsl::Gt<RowOf<K, ST>, V>, Output = Q>
        + FilterDsl<dsl::Lt<RowOf<K, ST>, V>, Output = Q>
        + OrderDsl<K::Asc, Output = Q>
        + OrderDsl<K::Desc, Output = Q>
        + LimitDsl<Output = Q>,
{
    let row = AsExpression::<Record<ST>>::as_expression(key);
    let query = match (direction, after) {
        (Direction::Ascending, Some(after)) => FilterDsl::filter(query, row.gt(after)),
        (Direction::Descending, Some(after)) => FilterDsl::filter(query, row.lt(after)),
        (_, None) => query,
    };
    let query = match direction {
        Direction::Ascending => OrderDsl::order(query, key.asc()),
        Direction::Descending => OrderDsl::order(query, key.desc()),
    };
    LimitDsl::limit(query, limit(page_size) + 1)
}

/// A page's rows (the extra row [`page`] asked for dropped) and the cursor
/// of the next page, made by `cursor` from the page's last row.
pub fn split<T, C>(
    mut rows: Vec<T>,
    page_size: i64,
    cursor: impl FnOnce(&T) -> C,
) -> (Vec<T>, Option<C>) {
    let limit = usize::try_from(limit(page_size)).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(cursor);
        (rows, next)
    } else {
        (rows, None)
    }
}

fn limit(page_size: i64) -> i64 {
    page_size.clamp(1, MAX_PAGE_SIZE)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_full_page_plus_one_has_a_next_cursor_from_its_last_row() {
        assert_eq!(split(vec![1, 2, 3], 2, |r| *r), (vec![1, 2], Some(2)));
        assert_eq!(split(vec![1, 2], 2, |r| *r), (vec![1, 2], None));
        assert_eq!(split(Vec::<i32>::new(), 0, |r| *r), (vec![], None));
        assert_eq!(split(vec![1, 2], 0, |r| *r), (vec![1], Some(1)));
    }
}
