//! Settings: Rocket.toml, overridden by `ROCKET_*` variables, and the plain
//! `DATABASE_URL` / `READ_DATABASE_URL` variables that every tool understands.

use std::time::Duration;

use rocket::figment::Figment;
use rocket::figment::providers::{Env, Format, Serialized, Toml};

/// Settings that do not parse (an unknown currency, a mistyped number),
/// with figment's error, which names the key and where it came from.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration")]
pub struct ConfigError(#[source] Box<rocket::figment::Error>);
use serde::{Deserialize, Serialize};

use crate::db::pools::{PoolOptions, SessionLimits};
use crate::domain::Currency;
use crate::observability::LogFormat;

/// OrderDesk's own settings (Rocket's, such as `port`, sit beside them).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches read from Rocket.toml, not a state machine"
)]
pub struct Settings {
    /// The write database (and the read database unless `read_database_url` is set).
    pub database_url: String,
    /// Where queries read from, e.g. a streaming replica. Defaults to `database_url`.
    pub read_database_url: Option<String>,
    /// Reads move to the primary while the standby (`read_database_url`) is
    /// down or lags more than `max_replication_lag_secs`; off, they fail (503).
    pub read_fallback: bool,
    /// How far behind (seconds) the standby may be before reads fall back.
    pub max_replication_lag_secs: u64,
    /// How often the server probes the primary and the standby (ms): how soon
    /// the "changes are paused" banner comes and goes, and reads move.
    pub db_probe_ms: u64,
    /// Connections per pool.
    pub pool_size: usize,
    /// How long a request waits for a connection before it is answered 503.
    pub pool_timeout_ms: u64,
    /// Run the read-model maintainer in the server (keeps the live models).
    pub maintainer_enabled: bool,
    /// The maintainer runs a batch at least this often, woken or not: how
    /// soon it sees writes made by other processes (the server wakes it
    /// itself after its own commands).
    pub maintainer_poll_ms: u64,
    /// Keys (orders, customers, products) recomputed per batch at most.
    pub maintainer_batch_keys: u64,
    /// After a command, how long the next page waits for the live models to
    /// include the user's change before it shows "Processing…".
    pub read_your_writes_wait_ms: u64,
    /// Refresh the report views daily at this hour (UTC, 0–23); any other
    /// value turns the in-process schedule off (cron can do it instead).
    pub reports_refresh_hour: i64,
    /// `statement_timeout` of the write pool's connections (ms; 0 = none).
    pub write_statement_timeout_ms: u64,
    /// `statement_timeout` of the read pool's connections (ms; 0 = none).
    pub read_statement_timeout_ms: u64,
    /// `lock_timeout` of the write pool's connections: a command waits this
    /// long for a row another transaction holds, then answers 503 (ms; 0 = none).
    pub lock_timeout_ms: u64,
    /// A form body that has not fully arrived after this many seconds is
    /// refused with 408 (Rocket itself waits for ever).
    pub form_read_timeout_secs: u64,
    /// A CSV upload (its size limit is Rocket's `limits.import`, 20 MiB)
    /// arriving slower than this many bytes a second on average, after the
    /// first `form_read_timeout_secs`, is refused with 408.
    pub import_min_bytes_per_sec: u64,
    /// Run the CSV import worker (previews, applying) in the server.
    pub import_worker_enabled: bool,
    /// CSV exports streaming at once; more are answered 503.
    pub max_concurrent_exports: usize,
    /// A CSV export that has not finished after this many seconds stops (its
    /// slot is freed even if the client has stopped reading).
    pub export_timeout_secs: u64,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: u64,
    /// A session ends this many hours after sign-in, however busy.
    pub session_absolute_hours: u64,
    /// Mark cookies `Secure` and name the session cookie `__Host-…`; turn on
    /// whenever the app is reached over HTTPS (TLS here or at a proxy).
    pub secure_cookies: bool,
    /// Bearer token that `GET /metrics` requires; unset, `/metrics` is 404.
    pub metrics_token: Option<String>,
    /// `text` (default) or `json`: one JSON object per log line.
    pub log_format: LogFormat,
    /// The shop's ISO 4217 currency: how amounts are written and in which minor
    /// unit they are stored (cents for USD, yen for JPY). An unknown code stops start-up.
    pub currency: Currency,
    /// The shop's time zone (an IANA name such as `Europe/Berlin`): every
    /// per-day figure — daily sales, "today", the 7- and 30-day windows,
    /// report months — counts the shop's days, not UTC's. `orderdesk migrate`
    /// applies a change (rebuilding the per-day read models); the server
    /// refuses to start while the read models count days in another zone.
    pub time_zone: chrono_tz::Tz,
    /// The shop's name, printed on packing slips and invoices.
    pub shop_name: String,
    /// The shop's postal address (lines separated by newlines), printed on slips and invoices.
    pub shop_address: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            // The server's roles (Rocket.toml says the same): never the superuser's.
            database_url: "postgres://orderdesk_app@127.0.0.1:5432/orderdesk".into(),
            read_database_url: Some("postgres://orderdesk_reader@127.0.0.1:5432/orderdesk".into()),
            read_fallback: true,
            max_replication_lag_secs: 30,
            db_probe_ms: 1_000,
            pool_size: 8,
            pool_timeout_ms: 2_000,
            maintainer_enabled: true,
            maintainer_poll_ms: 250,
            maintainer_batch_keys: 2_000,
            read_your_writes_wait_ms: 500,
            reports_refresh_hour: 3,
            write_statement_timeout_ms: 10_000,
            read_statement_timeout_ms: 10_000,
            lock_timeout_ms: 3_000,
            form_read_timeout_secs: 10,
            import_min_bytes_per_sec: 32 * 1024,
            import_worker_enabled: true,
            max_concurrent_exports: 2,
            export_timeout_secs: 300,
            session_idle_minutes: 30,
            session_absolute_hours: 8,
            secure_cookies: false,
            metrics_token: None,
            log_format: LogFormat::Text,
            currency: Currency::USD,
            time_zone: chrono_tz::UTC,
            shop_name: "OrderDesk Demo Shop".into(),
            shop_address: String::new(),
        }
    }
}

impl Settings {
    /// The figment every entry point reads: defaults, Rocket.toml (profile
    /// chosen by `ROCKET_PROFILE`), `ROCKET_*` variables, then `DATABASE_URL`
    /// and `READ_DATABASE_URL`.
    pub fn figment() -> Figment {
        Self::defaults()
            .merge(Toml::file(Env::var_or("ROCKET_CONFIG", "Rocket.toml")).nested())
            .merge(Env::prefixed("ROCKET_").ignore(&["PROFILE"]).global())
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL", "READ_DATABASE_URL"])
                    .map(|k| k.as_str().to_ascii_lowercase().into()),
            )
            .select(rocket::Config::DEFAULT_PROFILE)
            .select(Env::var_or(
                "ROCKET_PROFILE",
                rocket::Config::DEFAULT_PROFILE,
            ))
    }

    /// The built-in defaults alone: Rocket's, OrderDesk's, and no trusted
    /// client-address header. Rocket's own default trusts `X-Real-IP`, which
    /// any client can send, so it applied whenever Rocket.toml was not found
    /// (started from another directory); a header is trusted only when
    /// configured (`ip_header = "X-Real-IP"` behind a proxy that sets it).
    pub fn defaults() -> Figment {
        Figment::from(rocket::Config::default())
            .merge(Serialized::defaults(Settings::default()))
            .merge(("ip_header", false))
    }

    pub fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        figment.extract().map_err(|e| ConfigError(Box::new(e)))
    }

    pub fn read_url(&self) -> &str {
        self.read_database_url
            .as_deref()
            .unwrap_or(&self.database_url)
    }

    /// How long a session may sit unused.
    pub fn session_idle(&self) -> chrono::TimeDelta {
        let minutes = i64::try_from(self.session_idle_minutes.clamp(1, 24 * 60)).unwrap_or(30);
        chrono::TimeDelta::minutes(minutes)
    }

    /// How long a session lives at most.
    pub fn session_absolute(&self) -> chrono::TimeDelta {
        let hours = i64::try_from(self.session_absolute_hours.clamp(1, 24 * 30)).unwrap_or(8);
        chrono::TimeDelta::hours(hours)
    }

    /// The session cookie's name: `__Host-` prefixed when cookies are secure,
    /// so the browser insists on Secure, Path=/ and no Domain.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-orderdesk_session"
        } else {
            "orderdesk_session"
        }
    }

    /// The hour of the nightly report refresh, if the schedule is on.
    pub fn reports_hour(&self) -> Option<u32> {
        u32::try_from(self.reports_refresh_hour)
            .ok()
            .filter(|h| *h < 24)
    }

    /// The per-connection limits of the request pools.
    pub fn session_limits(&self) -> SessionLimits {
        SessionLimits {
            write_statement_timeout: Duration::from_millis(self.write_statement_timeout_ms),
            read_statement_timeout: Duration::from_millis(self.read_statement_timeout_ms),
            lock_timeout: Duration::from_millis(self.lock_timeout_ms),
        }
    }

    pub fn pool_options(&self) -> PoolOptions {
        PoolOptions {
            max_size: self.pool_size.max(1),
            wait_timeout: Duration::from_millis(self.pool_timeout_ms),
        }
    }
}
