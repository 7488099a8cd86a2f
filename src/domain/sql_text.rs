//! Enums stored as `text` columns (each with a CHECK listing its values):
//! [`text_enum!`] declares one from `Variant => "text"` pairs and generates
//! the rest, so a column holds only what the enum can name and code compares
//! enums, never strings (crates.io's `pg_enum!`, for text).

/// Declares an enum stored as text from `Variant => "text"` pairs, and
/// generates:
/// - the derives every stored enum has (`Debug`, `Clone`, `Copy`, `PartialEq`,
///   `Eq`, `Hash`, Diesel's `AsExpression` and `FromSqlRow` as `Text`); put
///   further ones (`PartialOrd`, `Ord`) and doc comments above `enum`;
/// - `ALL`, every value in the order declared;
/// - `as_str(self)`, the stored text;
/// - `parse(&str)` and `FromStr`: the value whose text is the input, trimmed,
///   in any ASCII case (stored text is always exact: a CHECK lists it); else
///   `"unknown {what} {raw:?}"` with `(what = "…")`, or the whole message
///   given with `(error = "…")`;
/// - `Display`, its text padded like a `str` (`{:<22}` aligns it);
/// - `ToSql<Text, Pg>` and `FromSql<Text, Pg>`: a stored value the enum does
///   not know is a deserialization error.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident (what = $what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        text_enum!(@enum
            $(#[$meta])* $vis $name
            |raw: &str| format!("unknown {} {raw:?}", $what);
            $( $(#[$vmeta])* $variant => $text ),+
        );
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident (error = $error:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        text_enum!(@enum
            $(#[$meta])* $vis $name
            |_: &str| String::from($error);
            $( $(#[$vmeta])* $variant => $text ),+
        );
    };
    (@enum
        $(#[$meta:meta])* $vis:vis $name:ident
        $error:expr;
        $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [Self; [$($name::$variant),+].len()] = [$($name::$variant),+];

            /// The text stored for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )+
                }
            }

            /// The value whose stored text is `raw` (trimmed, any ASCII case).
            pub fn parse(raw: &str) -> Result<Self, String> {
                let wanted = raw.trim();
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| ($error)(raw))
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(raw: &str) -> Result<Self, String> {
                Self::parse(raw)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
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

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
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

#[cfg(test)]
mod tests {
    text_enum! {
        /// A test enum.
        #[derive(PartialOrd, Ord)]
        enum Size (what = "size") {
            Small => "small",
            /// The big one.
            ExtraLarge => "extra_large",
        }
    }

    text_enum! {
        enum Colour (error = "colour must be red") {
            Red => "red",
        }
    }

    #[test]
    fn generates_all_as_str_parse_and_display_from_the_pairs() {
        assert_eq!(Size::ALL, [Size::Small, Size::ExtraLarge]);
        assert_eq!(Size::ExtraLarge.as_str(), "extra_large");
        assert_eq!(Size::parse(" Extra_Large\n"), Ok(Size::ExtraLarge));
        assert_eq!("small".parse::<Size>(), Ok(Size::Small));
        assert_eq!(Size::parse("huge"), Err("unknown size \"huge\"".into()));
        assert_eq!(Colour::parse("blue"), Err("colour must be red".into()));
        assert_eq!(format!("[{:<8}]", Size::Small), "[small   ]");
        assert_eq!(Size::ExtraLarge.to_string(), "extra_large");
        assert!(Size::Small < Size::ExtraLarge);
    }
}
