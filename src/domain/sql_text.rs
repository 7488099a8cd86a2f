//! Enums stored as `text` columns (each with a CHECK listing its values):
//! [`text_enum!`] maps one to Diesel's `Text` both ways through its
//! `as_str` and `parse`, so a column holds only what the enum can name and
//! code compares enums, never strings (crates.io's `pg_enum!`, for text).

/// Implements `ToSql<Text, Pg>` and `FromSql<Text, Pg>` for an enum that
/// derives `AsExpression` and `FromSqlRow` with `#[diesel(sql_type = Text)]`
/// and has `as_str(self) -> &'static str` and `parse(&str) -> Result<Self, String>`.
/// A stored value the enum does not know is a deserialization error.
macro_rules! text_enum {
    ($ty:ty) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $ty {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $ty {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let raw = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(value)?;
                Self::parse(&raw).map_err(Into::into)
            }
        }
    };
}
pub(crate) use text_enum;

/// The one of `all` whose stored text is `raw`; `"unknown {what} {raw:?}"` otherwise.
pub(crate) fn parse_stored<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    raw: &str,
    what: &str,
) -> Result<T, String> {
    all.iter()
        .copied()
        .find(|v| as_str(*v) == raw)
        .ok_or_else(|| format!("unknown {what} {raw:?}"))
}
