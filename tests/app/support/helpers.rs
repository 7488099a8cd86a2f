//! Test scaffolding: a fresh database per test (a copy of a migrated template),
//! pools and a Rocket client on it, fixture builders, and a snapshot of every
//! write table to prove that a refused command wrote nothing.

use std::sync::atomic::{AtomicU32, Ordering};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use orderdesk::commands::{
    Ack, CommandContext,
    create_product::{self},
    place_order::{self, PlaceOrder},
    receive_stock::{self},
    register_customer::{self},
};
use orderdesk::db::admin::{quote_ident, with_database};
use orderdesk::db::pools::{PoolOptions, Pools};
use orderdesk::db::{PooledConn, migrations};
use orderdesk::domain::Actor;

use crate::support::inputs;
use tokio::sync::OnceCell;

/// The server every test talks to (DATABASE_URL; its database name is ignored).
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/orderdesk".into())
}

fn admin_url() -> String {
    with_database(&server_url(), "postgres").expect("DATABASE_URL is a postgres URL")
}

async fn admin() -> AsyncPgConnection {
    AsyncPgConnection::establish(&admin_url())
        .await
        .expect("connect to the maintenance database")
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

/// The migrated template for this build's migrations, created once per
/// fingerprint and shared by every test process (an advisory lock serialises creation).
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("orderdesk_tpl_{}", migrations::FINGERPRINT);
            let mut conn = admin().await;
            diesel::sql_query("SELECT pg_advisory_lock(4242001)")
                .execute(&mut conn)
                .await
                .unwrap();
            // The roles the app runs as in production (cluster-wide; idempotent).
            orderdesk::db::roles::setup_roles(&mut conn)
                .await
                .expect("database roles");
            let ready: Flag = diesel::sql_query(
                "SELECT EXISTS (SELECT 1 FROM pg_database \
                 WHERE datname = $1 AND datistemplate) AS flag",
            )
            .bind::<Text, _>(&name)
            .get_result(&mut conn)
            .await
            .unwrap();
            if !ready.flag {
                let q = quote_ident(&name);
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {q}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                diesel::sql_query(format!("CREATE DATABASE {q}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                migrations::run_pending(&with_database(&server_url(), &name).unwrap())
                    .await
                    .expect("migrations apply to a fresh database");
                diesel::sql_query(format!(
                    "ALTER DATABASE {q} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
                ))
                .execute(&mut conn)
                .await
                .unwrap();
            }
            diesel::sql_query("SELECT pg_advisory_unlock(4242001)")
                .execute(&mut conn)
                .await
                .unwrap();
            name
        })
        .await
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test and is dropped with it.
pub struct TestDb {
    pub name: String,
    pub url: String,
    /// A superuser's URL on the database's server, to drop it.
    pub admin_url: String,
}

impl TestDb {
    /// A copy of the migrated template.
    pub async fn migrated() -> Self {
        let template = template().await;
        Self::create(Some(template)).await
    }

    /// An empty database (no migrations applied).
    pub async fn empty() -> Self {
        Self::create(None).await
    }

    async fn create(template: Option<&str>) -> Self {
        // Before any Rocket of this process can claim the `log` logger.
        crate::support::log_capture::bridge();
        let name = format!(
            "orderdesk_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand_suffix()
        );
        let sql = match template {
            Some(t) => format!(
                "CREATE DATABASE {} TEMPLATE {}",
                quote_ident(&name),
                quote_ident(t)
            ),
            None => format!("CREATE DATABASE {}", quote_ident(&name)),
        };
        let mut conn = admin().await;
        // Copies from one template can collide for a moment; retry briefly.
        let mut attempt = 0;
        loop {
            match diesel::sql_query(&sql).execute(&mut conn).await {
                Ok(_) => break,
                Err(e) if attempt < 20 => {
                    attempt += 1;
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot create test database: {e}"),
            }
        }
        if let Some(template) = template {
            copy_database_privileges(&mut conn, template, &name).await;
        }
        let url = with_database(&server_url(), &name).unwrap();
        Self {
            name,
            url,
            admin_url: admin_url(),
        }
    }
}

#[derive(QueryableByName)]
struct Privilege {
    #[diesel(sql_type = Text)]
    grantee: String,
    #[diesel(sql_type = Text)]
    privilege: String,
}

/// A database's own privileges (pg_database.datacl: CONNECT, TEMP, CREATE)
/// are not copied from its template: gives `copy` the ones the migrations
/// gave `template` (e.g. no TEMP for PUBLIC), when they changed the defaults.
async fn copy_database_privileges(conn: &mut AsyncPgConnection, template: &str, copy: &str) {
    let privileges: Vec<Privilege> = diesel::sql_query(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END \
                    AS grantee, a.privilege_type AS privilege \
         FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a \
         LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE d.datname = $1",
    )
    .bind::<Text, _>(template)
    .load(conn)
    .await
    .expect("the template's database privileges");
    if privileges.is_empty() {
        return;
    }
    let q = quote_ident(copy);
    let grants: Vec<String> = privileges
        .iter()
        .map(|p| format!("GRANT {} ON DATABASE {q} TO {}", p.privilege, p.grantee))
        .collect();
    let sql = format!(
        "REVOKE ALL ON DATABASE {q} FROM PUBLIC; {};",
        grants.join("; ")
    );
    diesel_async::SimpleAsyncConnection::batch_execute(conn, &sql)
        .await
        .expect("the template's database privileges, copied");
}

fn rand_suffix() -> u32 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let sql = format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&self.name)
        );
        let admin_url = self.admin_url.clone();
        // Drop runs inside a test's runtime; a thread of its own may block.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = AsyncPgConnection::establish(&admin_url).await {
                    let _ = diesel::sql_query(sql).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// A migrated database with both pools.
pub struct TestApp {
    pub pools: Pools,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn() -> Self {
        let db = TestDb::migrated().await;
        let pools = Pools::new(
            &db.url,
            &db.url,
            PoolOptions {
                max_size: 20,
                wait_timeout: std::time::Duration::from_secs(10),
            },
        )
        .unwrap();
        Self { pools, db }
    }

    /// A write-pool connection.
    pub async fn conn(&self) -> PooledConn {
        self.pools.write.get().await.expect("write connection")
    }

    /// A read-pool connection (read-only, `read` schema only).
    pub async fn read_conn(&self) -> PooledConn {
        self.pools.read.get().await.expect("read connection")
    }

    /// Brings every read model up to date, as cron would: the maintainer
    /// applies every pending change to the live models, and the report views
    /// are refreshed; panics unless all succeed.
    pub async fn refresh(&self) {
        self.catch_up().await;
        let reports: Vec<_> = orderdesk::read_models::catalog::reports().collect();
        let results = orderdesk::read_models::refresh::refresh_all(
            &mut *self.conn().await,
            &reports,
            orderdesk::read_models::Trigger::Manual,
        )
        .await;
        for (model, outcome) in results {
            assert!(
                matches!(
                    outcome,
                    orderdesk::read_models::RefreshOutcome::Refreshed { .. }
                ),
                "{}: {outcome}",
                model.name
            );
        }
    }

    /// Runs maintainer batches until nothing is queued; returns what they did.
    pub async fn catch_up(&self) -> orderdesk::read_models::maintainer::Applied {
        use orderdesk::read_models::maintainer::{self, BatchOutcome};
        // Busy: a maintainer in a server under test holds the lock; wait for it.
        for _ in 0..400 {
            match maintainer::catch_up(
                &mut *self.conn().await,
                orderdesk::read_models::Trigger::Manual,
            )
            .await
            {
                BatchOutcome::Applied { applied, .. } => return applied,
                BatchOutcome::Busy => {
                    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                }
                BatchOutcome::Failed(e) => panic!("catch-up failed: {e}"),
            }
        }
        panic!("the maintainer's lock stayed busy")
    }

    /// A single integer from SQL, e.g. a count.
    pub async fn scalar(&self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct V {
            #[diesel(sql_type = BigInt)]
            v: i64,
        }
        let mut conn = self.conn().await;
        diesel::sql_query(format!("SELECT ({sql})::bigint AS v"))
            .get_result::<V>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .v
    }

    /// A single JSON value from SQL, e.g. an event's payload.
    pub async fn json(&self, sql: &str) -> serde_json::Value {
        #[derive(QueryableByName)]
        struct V {
            #[diesel(sql_type = diesel::sql_types::Jsonb)]
            v: serde_json::Value,
        }
        let mut conn = self.conn().await;
        diesel::sql_query(format!("SELECT ({sql})::jsonb AS v"))
            .get_result::<V>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .v
    }

    /// Runs a statement directly (to arrange what no command would do).
    pub async fn exec(&self, sql: &str) {
        diesel::sql_query(sql)
            .execute(&mut *self.conn().await)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// A fingerprint of every write table: counts, stock sums and versions.
    pub async fn snapshot(&self) -> Vec<i64> {
        let mut out = Vec::new();
        for sql in [
            "SELECT count(*) FROM customers",
            "SELECT coalesce(sum(version), 0) FROM customers",
            "SELECT count(*) FROM products",
            "SELECT coalesce(sum(version), 0) FROM products",
            "SELECT count(*) FROM inventory",
            "SELECT coalesce(sum(on_hand), 0) FROM inventory",
            "SELECT coalesce(sum(reserved), 0) FROM inventory",
            "SELECT count(*) FROM stock_movements",
            "SELECT count(*) FROM orders",
            "SELECT coalesce(sum(version), 0) FROM orders",
            "SELECT count(*) FROM order_lines",
            "SELECT count(*) FROM events",
            "SELECT count(*) FROM customer_addresses",
            "SELECT coalesce(sum(version), 0) FROM customer_addresses",
            "SELECT count(*) FROM order_addresses",
            "SELECT coalesce(sum(coalesce(default_shipping_address_id, 0) \
                    + coalesce(default_billing_address_id, 0)), 0) FROM customers",
            "SELECT count(*) FROM tax_rates",
            "SELECT coalesce(sum(version), 0) FROM tax_rates",
            "SELECT coalesce(sum(tax_rate_id), 0) FROM products",
            "SELECT coalesce(sum(version), 0) FROM shop_settings",
            "SELECT count(*) FROM notes",
            "SELECT count(*) FROM notes WHERE removed_at IS NOT NULL",
            "SELECT count(*) FROM payments",
            "SELECT coalesce(sum(paid_cents + refunded_cents + payments_version), 0) FROM orders",
            "SELECT count(*) FROM invoices",
        ] {
            out.push(self.scalar(sql).await);
        }
        out
    }

    /// `(on_hand, reserved)` of a product.
    pub async fn stock(&self, product_id: i64) -> (i64, i64) {
        (
            self.scalar(&format!(
                "SELECT on_hand FROM inventory WHERE product_id = {product_id}"
            ))
            .await,
            self.scalar(&format!(
                "SELECT reserved FROM inventory WHERE product_id = {product_id}"
            ))
            .await,
        )
    }

    /// The order's two states as "fulfilment/payment" ("unfulfilled/paid"),
    /// so one assertion holds both apart.
    pub async fn order_status(&self, order_id: i64) -> String {
        #[derive(QueryableByName)]
        struct S {
            #[diesel(sql_type = Text)]
            status: String,
        }
        let mut conn = self.conn().await;
        diesel::sql_query(format!(
            "SELECT fulfilment_status || '/' || payment_status AS status FROM orders WHERE id = {order_id}"
        ))
            .get_result::<S>(&mut conn)
            .await
            .unwrap()
            .status
    }

    // Fixture builders: the real commands, with sensible defaults.

    pub async fn customer(&self, email: &str) -> i64 {
        let input = inputs::customer(email, &format!("Customer {email}"), "");
        register_customer::register_customer(&mut *self.conn().await, input, &ctx())
            .await
            .unwrap()
            .id
    }

    /// An address in customer `customer_id`'s book (`line1` in Town, GB),
    /// labelled `label`; its id.
    pub async fn address(&self, customer_id: i64, label: &str, line1: &str) -> i64 {
        let address = inputs::address("Ada Tester", line1, "Town", "GB");
        let input = inputs::add_address(customer_id, label, address);
        orderdesk::commands::add_address::add_address(&mut *self.conn().await, input, &ctx())
            .await
            .unwrap()
            .id
    }

    /// A product with `price` (e.g. "9.99") and `stock` units on hand.
    pub async fn product(&self, sku: &str, price: &str, stock: i64) -> i64 {
        let input = inputs::product(sku, &format!("Product {sku}"), price);
        let id = create_product::create_product(&mut *self.conn().await, input, &ctx())
            .await
            .unwrap()
            .id;
        if stock > 0 {
            let quantity = u32::try_from(stock).expect("a test stock level");
            let receipt = inputs::receipt(id, quantity, "");
            receive_stock::receive_stock(&mut *self.conn().await, receipt, &ctx())
                .await
                .unwrap();
        }
        id
    }

    /// Places an order of `(sku, quantity)` lines with a fresh idempotency key.
    pub async fn place(
        &self,
        customer_id: i64,
        lines: &[(&str, u32)],
    ) -> Result<Ack, orderdesk::commands::CommandError> {
        place_order::place_order(
            &mut *self.conn().await,
            order_input(customer_id, lines),
            &ctx(),
        )
        .await
    }

    /// Marks order `id` paid (it must be placed).
    pub async fn mark_paid(&self, id: i64) {
        orderdesk::commands::mark_paid::mark_paid(
            &mut *self.conn().await,
            orderdesk::domain::OrderId(id),
            &ctx(),
        )
        .await
        .unwrap();
    }
}

/// An order of `(sku, quantity)` lines with a fresh idempotency key.
pub fn order_input(customer_id: i64, lines: &[(&str, u32)]) -> PlaceOrder {
    inputs::order(customer_id, lines)
}

/// The actor tests run commands as.
pub fn ctx() -> CommandContext {
    CommandContext::new(Actor::system("test"))
}
