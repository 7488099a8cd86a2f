//! Database access: the two pools, embedded migrations and the Diesel schema.

pub mod migrations;
pub mod pools;
pub mod schema;

pub use pools::{PgPool, PooledConn, Pools};
