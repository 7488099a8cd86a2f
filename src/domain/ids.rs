//! Typed record ids, so an order's id cannot be passed where a product's is
//! meant. Each wraps the `bigint` key and maps to it through Diesel (and to
//! a plain number in event payloads).

use std::fmt;

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;
use diesel::{AsExpression, FromSqlRow};
use serde::Serialize;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            AsExpression, FromSqlRow, Serialize,
        )]
        #[diesel(sql_type = BigInt)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The key as stored.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl ToSql<BigInt, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <i64 as ToSql<BigInt, Pg>>::to_sql(&self.0, out)
            }
        }

        impl FromSql<BigInt, Pg> for $name {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                <i64 as FromSql<BigInt, Pg>>::from_sql(value).map(Self)
            }
        }
    };
}

id_type!(
    /// An order's id (`orders.id`).
    OrderId
);
id_type!(
    /// An address book entry's id (`customer_addresses.id`).
    AddressId
);
id_type!(
    /// A customer's id (`customers.id`).
    CustomerId
);
id_type!(
    /// A product's id (`products.id`, also the key of its `inventory` row).
    ProductId
);
id_type!(
    /// A tax rate's id (`tax_rates.id`).
    TaxRateId
);
