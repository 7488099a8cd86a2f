//! The sign-in gate: what stands in front of `POST /login` before it may take
//! a database connection, so a flood of anonymous sign-ins cannot starve the
//! staff's commands of the write pool.
//!
//! - **Per address, in memory.** Each client address has a token bucket
//!   ([`BURST`] attempts, refilled at [`REFILL_PER_MINUTE`]); an IPv6 address
//!   is keyed by its /64, since one host is handed a whole /64. An empty
//!   bucket is a 429 at once: no connection, no row, no argon2.
//! - **Globally.** At most a quarter of the write pool (at least one) serves
//!   sign-ins at a time ([`LoginGate::enter`]); a few more may queue for a
//!   turn, and beyond that a sign-in is refused at once (503, "try again in a
//!   moment"). Addresses are cheap to an attacker (a /8 of loopback, a botnet),
//!   the pool is not: this keeps three quarters of it for everyone else.
//! - **argon2 holds no connection.** The login handler gives its connection
//!   back before checking the password (see `login.rs`), and checks run at
//!   most [`LoginGate::argon2_permits`] at a time.
//!
//! The database throttle (`throttle.rs`) still applies behind the gate:
//! per-username back-off and the per-address window survive restarts and are
//! shared by every server; this gate is per process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

/// Attempts an address may make at once before its bucket is empty.
pub const BURST: f64 = 10.0;
/// Attempts an address earns back per minute.
pub const REFILL_PER_MINUTE: f64 = 10.0;
/// Addresses remembered at most; full buckets are forgotten first.
const MAX_ADDRESSES: usize = 100_000;
/// How many sign-ins may wait for a turn, per sign-in allowed at once.
const QUEUE_PER_PERMIT: usize = 4;

/// The longest a sign-in waits for its turn.
const MAX_WAIT: Duration = Duration::from_secs(5);

/// The key of an address's bucket: an IPv4 address, or an IPv6 /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressKey(u128);

impl AddressKey {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(u128::from(u32::from(v4))),
                None => Self((u128::from(v6) >> 64) << 64 | 1 << 32),
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn refilled(self, now: Instant) -> f64 {
        let minutes = now.saturating_duration_since(self.at).as_secs_f64() / 60.0;
        (self.tokens + minutes * REFILL_PER_MINUTE).min(BURST)
    }
}

/// Why the gate refused a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This address has used its attempts; it may try again after this long.
    Address(Duration),
    /// Too many sign-ins are in progress across all addresses.
    Busy,
}

/// The gate, kept in Rocket's managed state.
#[derive(Debug)]
pub struct LoginGate {
    buckets: Mutex<HashMap<AddressKey, Bucket>>,
    turns: Semaphore,
    queue_limit: usize,
    waiting: AtomicUsize,
    argon2: Semaphore,
    argon2_permits: usize,
}

/// A sign-in's turn: hold it while the attempt uses the database.
pub struct Turn<'a> {
    _permit: SemaphorePermit<'a>,
}

impl LoginGate {
    /// A gate for a write pool of `pool_size` connections.
    pub fn new(pool_size: usize) -> Self {
        let turns = (pool_size / 4).max(1);
        let argon2_permits = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            buckets: Mutex::new(HashMap::new()),
            turns: Semaphore::new(turns),
            queue_limit: turns * QUEUE_PER_PERMIT,
            waiting: AtomicUsize::new(0),
            argon2: Semaphore::new(argon2_permits),
            argon2_permits,
        }
    }

    /// How many password checks may run at once.
    pub fn argon2_permits(&self) -> usize {
        self.argon2_permits
    }

    /// Takes one attempt from `ip`'s bucket (no address: the proxy did not
    /// say; such attempts share one bucket).
    pub fn admit(&self, ip: Option<IpAddr>, now: Instant) -> Result<(), Refused> {
        let key = ip.map_or(AddressKey(u128::MAX), AddressKey::of);
        let Ok(mut buckets) = self.buckets.lock() else {
            return Err(Refused::Busy);
        };
        if buckets.len() >= MAX_ADDRESSES && !buckets.contains_key(&key) {
            buckets.retain(|_, b| b.refilled(now) < BURST);
            if buckets.len() >= MAX_ADDRESSES {
                return Err(Refused::Busy);
            }
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: BURST,
            at: now,
        });
        let tokens = bucket.refilled(now);
        if tokens < 1.0 {
            let minutes = (1.0 - tokens) / REFILL_PER_MINUTE;
            return Err(Refused::Address(Duration::from_secs_f64(minutes * 60.0)));
        }
        *bucket = Bucket {
            tokens: tokens - 1.0,
            at: now,
        };
        Ok(())
    }

    /// Waits for a turn to use the database, unless too many already wait.
    pub async fn enter(&self) -> Result<Turn<'_>, Refused> {
        if let Ok(permit) = self.turns.try_acquire() {
            return Ok(Turn { _permit: permit });
        }
        if self.waiting.fetch_add(1, Ordering::Relaxed) >= self.queue_limit {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(Refused::Busy);
        }
        let _waiting = Waiting(&self.waiting);
        let permit = tokio::time::timeout(MAX_WAIT, self.turns.acquire()).await;
        match permit {
            Ok(Ok(permit)) => Ok(Turn { _permit: permit }),
            _ => Err(Refused::Busy),
        }
    }

    /// Checks a password with at most [`Self::argon2_permits`] checks at once.
    pub async fn verify_password(&self, password: String, stored: Option<String>) -> bool {
        let Ok(_permit) = self.argon2.acquire().await else {
            return false;
        };
        crate::security::verify_password(password, stored).await
    }
}

/// Counts a waiter for as long as it lives.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn an_address_gets_its_burst_then_waits_for_the_refill() {
        let gate = LoginGate::new(8);
        let start = Instant::now();
        for _ in 0..10 {
            assert_eq!(gate.admit(ip("10.0.0.1"), start), Ok(()));
        }
        let Err(Refused::Address(wait)) = gate.admit(ip("10.0.0.1"), start) else {
            panic!("the eleventh attempt at once is refused");
        };
        assert_eq!(wait.as_secs(), 6);
        // Another address is not affected; six seconds later one more is allowed.
        assert_eq!(gate.admit(ip("10.0.0.2"), start), Ok(()));
        assert_eq!(
            gate.admit(ip("10.0.0.1"), start + Duration::from_secs(6)),
            Ok(())
        );
    }

    #[test]
    fn an_ipv6_64_is_one_address() {
        let gate = LoginGate::new(8);
        let now = Instant::now();
        for i in 0..10 {
            assert_eq!(gate.admit(ip(&format!("2001:db8::{i:x}")), now), Ok(()));
        }
        assert!(gate.admit(ip("2001:db8::ffff:1"), now).is_err());
        assert_eq!(gate.admit(ip("2001:db8:0:1::1"), now), Ok(()));
        // An IPv4-mapped address is its IPv4 address.
        for _ in 0..10 {
            assert_eq!(gate.admit(ip("::ffff:192.0.2.7"), now), Ok(()));
        }
        assert!(gate.admit(ip("192.0.2.7"), now).is_err());
    }

    #[tokio::test]
    async fn sign_ins_beyond_the_turns_and_the_queue_are_refused_at_once() {
        let gate = LoginGate::new(8); // two turns, eight waiting
        let first = gate.enter().await.unwrap();
        let second = gate.enter().await.unwrap();
        let waiters: Vec<_> = (0..8).map(|_| Box::pin(gate.enter())).collect();
        let mut waiters = waiters;
        for w in &mut waiters {
            // Poll each once so it queues.
            assert!(futures_util::poll!(w.as_mut()).is_pending());
        }
        assert!(matches!(gate.enter().await, Err(Refused::Busy)));
        drop(first);
        assert!(waiters.remove(0).await.is_ok());
        drop(second);
    }
}
