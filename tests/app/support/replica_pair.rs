//! A primary and a hot standby of their own for the replica tests: the
//! machine's PostgreSQL allows no replication connections, and these tests
//! stop and start servers, which nothing else may notice. Both clusters live
//! under `target/replica-test/` (initdb, then `pg_basebackup -R` with a
//! replication slot), on ports chosen once and kept in a file, run as the
//! `postgres` OS user when the tests run as root (initdb refuses root). They
//! are made on first use and reused by later runs (`script/test` stops them
//! at its end); leftovers of a broken run are detected and remade.
//!
//! A test holds [`PairLock`] for its whole run: an exclusive lock on a file,
//! so replica tests never overlap, in this process or another.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use orderdesk::db::admin::quote_ident;
use orderdesk::db::migrations;

use crate::support::helpers::TestDb;

const SLOT: &str = "orderdesk_test_standby";

/// The pair's directory: `target/replica-test`.
fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/replica-test")
}

/// The server's own tools (initdb, pg_ctl, pg_basebackup side by side).
fn bindir() -> PathBuf {
    let mut found: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path().join("bin"))
                .collect()
        })
        .unwrap_or_default();
    found.retain(|p| p.join("pg_basebackup").exists());
    found.sort();
    found
        .pop()
        .expect("PostgreSQL server binaries under /usr/lib/postgresql/*/bin (postgresql-15)")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A server tool, run as `postgres` when we are root.
fn tool(name: &str) -> Command {
    let path = bindir().join(name);
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(path);
        c
    } else {
        Command::new(path)
    }
}

fn run(mut cmd: Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// Which server of the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    Primary,
    Standby,
}

impl Server {
    fn data(self) -> PathBuf {
        dir().join(match self {
            Self::Primary => "primary",
            Self::Standby => "standby",
        })
    }
}

/// An exclusive lock on a file, held by a `flock` child process (std's
/// `File::lock` is newer than this crate's MSRV); released when dropped, or
/// when this process dies (the child's stdin closes).
struct FileLock(std::process::Child);

impl FileLock {
    fn take(path: &Path) -> Self {
        use std::io::BufRead;
        let mut child = Command::new("flock")
            .arg(path)
            .args(["-c", "echo locked && exec cat >/dev/null"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("flock (util-linux)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("flock's stdout"))
            .read_line(&mut line)
            .expect("flock answers");
        assert_eq!(line.trim(), "locked", "flock {}", path.display());
        Self(child)
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

/// The pair, held exclusively by one test at a time.
pub struct PairLock {
    _lock: FileLock,
    pub primary_port: u16,
    pub standby_port: u16,
}

/// Takes the pair (waiting for any other replica test), making and starting
/// what is missing, and the migrated template on the primary.
pub async fn take() -> PairLock {
    let pair = tokio::task::spawn_blocking(|| {
        fs::create_dir_all(dir()).expect("target/replica-test");
        let lock = FileLock::take(&dir().with_extension("lock"));
        let (primary_port, standby_port) = ports();
        let pair = PairLock {
            _lock: lock,
            primary_port,
            standby_port,
        };
        pair.make_primary();
        start(Server::Primary);
        pair
    })
    .await
    .unwrap();
    pair.template().await;
    let pair = tokio::task::spawn_blocking(move || {
        pair.make_standby();
        start(Server::Standby);
        pair
    })
    .await
    .unwrap();
    // A test that failed with replay paused must not leave it so.
    let mut standby = connect(&pair.admin_url(Server::Standby)).await;
    standby
        .batch_execute(
            "SELECT pg_wal_replay_resume() WHERE pg_is_in_recovery() AND pg_is_wal_replay_paused()",
        )
        .await
        .expect("resume replay on the standby");
    pair
}

/// The two ports, chosen once per directory.
fn ports() -> (u16, u16) {
    let file = dir().join("ports");
    if let Some((p, s)) = fs::read_to_string(&file)
        .ok()
        .and_then(|t| {
            t.trim()
                .split_once(' ')
                .map(|(a, b)| (a.parse(), b.parse()))
        })
        .and_then(|(a, b)| Some((a.ok()?, b.ok()?)))
    {
        return (p, s);
    }
    let (p, s) = (free_port(), free_port());
    fs::write(&file, format!("{p} {s}")).expect("write the ports");
    (p, s)
}

impl PairLock {
    pub fn admin_url(&self, server: Server) -> String {
        self.url(server, "postgres", "postgres")
    }

    /// `user`@`server`/`db`.
    pub fn url(&self, server: Server, user: &str, db: &str) -> String {
        let port = match server {
            Server::Primary => self.primary_port,
            Server::Standby => self.standby_port,
        };
        format!("postgres://{user}@127.0.0.1:{port}/{db}")
    }

    /// Whether `server` answers (or is starting up) on its port: a pid file
    /// alone may be a crashed run's.
    fn running(server: Server) -> bool {
        let (primary, standby) = ports();
        let port = match server {
            Server::Primary => primary,
            Server::Standby => standby,
        };
        let ready = Command::new(bindir().join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
            .status();
        server.data().join("postmaster.pid").exists()
            && ready.is_ok_and(|s| matches!(s.code(), Some(0 | 1)))
    }

    fn make_primary(&self) {
        let data = Server::Primary.data();
        if data.join("PG_VERSION").exists() {
            return;
        }
        // Leftovers of a broken run: start over, standby included.
        for server in [Server::Standby, Server::Primary] {
            if Self::running(server) {
                stop(server);
            }
        }
        let _ = fs::remove_dir_all(Server::Primary.data());
        let _ = fs::remove_dir_all(Server::Standby.data());
        fs::create_dir_all(dir().join("run")).unwrap();
        hand_to_postgres();
        let mut initdb = tool("initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "-N"]);
        run(initdb, "initdb");
        let conf = format!(
            "\nport = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
             wal_level = replica\nmax_wal_senders = 4\nmax_replication_slots = 4\n\
             fsync = off\nfull_page_writes = off\ntrack_functions = all\nshared_buffers = 32MB\nmax_connections = 80\n",
            self.primary_port,
            dir().join("run").display()
        );
        append(&data.join("postgresql.conf"), &conf);
    }

    fn make_standby(&self) {
        let data = Server::Standby.data();
        if data.join("standby.signal").exists() {
            return;
        }
        if Self::running(Server::Standby) {
            stop(Server::Standby);
        }
        let _ = fs::remove_dir_all(&data);
        // A slot left by an earlier standby holds WAL for nobody.
        let drop_slot = format!(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots \
             WHERE slot_name = '{SLOT}' AND NOT active"
        );
        let mut psql = Command::new("psql");
        psql.arg(self.admin_url(Server::Primary))
            .args(["-XAtq", "-c", &drop_slot]);
        run(psql, "drop the old slot");
        let mut basebackup = tool("pg_basebackup");
        basebackup
            .args(["-h", "127.0.0.1", "-p", &self.primary_port.to_string()])
            .args(["-U", "postgres", "-D"])
            .arg(&data)
            .args(["-R", "-X", "stream", "-c", "fast", "-C", "-S", SLOT]);
        run(basebackup, "pg_basebackup");
        append(
            &data.join("postgresql.auto.conf"),
            &format!(
                "\nport = {}\nunix_socket_directories = '{}'\nhot_standby = on\n",
                self.standby_port,
                dir().join("run").display()
            ),
        );
    }

    /// Starts (`up`) or stops `server`, off the async runtime.
    pub async fn set(&self, server: Server, up: bool) {
        tokio::task::spawn_blocking(move || {
            if up {
                start(server);
            } else if Self::running(server) {
                stop(server);
            }
        })
        .await
        .unwrap();
    }

    fn template_name() -> String {
        format!("orderdesk_tpl_{}", migrations::FINGERPRINT)
    }

    /// The roles and the migrated template on the primary (as helpers.rs does
    /// on the main server).
    async fn template(&self) {
        #[derive(diesel::QueryableByName)]
        struct Found {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut admin = connect(&self.admin_url(Server::Primary)).await;
        orderdesk::db::roles::setup_roles(&mut admin)
            .await
            .expect("database roles");
        let name = Self::template_name();
        let found: Found = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_database WHERE datname = $1 AND datistemplate",
        )
        .bind::<Text, _>(&name)
        .get_result(&mut admin)
        .await
        .unwrap();
        if found.n == 1 {
            return;
        }
        let q = quote_ident(&name);
        for sql in [
            format!("DROP DATABASE IF EXISTS {q}"),
            format!("CREATE DATABASE {q}"),
        ] {
            admin.batch_execute(&sql).await.unwrap();
        }
        migrations::run_pending(&self.url(Server::Primary, "postgres", &name))
            .await
            .expect("migrations apply on the pair's primary");
        admin
            .batch_execute(&format!(
                "ALTER DATABASE {q} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"
            ))
            .await
            .unwrap();
    }

    /// Waits until the standby has replayed all the primary has written so
    /// far (a test that counts where lookups ran must not race the replay).
    pub async fn caught_up(&self) {
        #[derive(diesel::QueryableByName)]
        struct Lsn {
            #[diesel(sql_type = Text)]
            lsn: String,
        }
        let mut primary = connect(&self.admin_url(Server::Primary)).await;
        let mut standby = connect(&self.admin_url(Server::Standby)).await;
        let target: Lsn = diesel::sql_query("SELECT pg_current_wal_lsn()::text AS lsn")
            .get_result(&mut primary)
            .await
            .unwrap();
        for _ in 0..200 {
            let behind: Lsn =
                diesel::sql_query("SELECT (pg_last_wal_replay_lsn() < $1::pg_lsn)::text AS lsn")
                    .bind::<Text, _>(&target.lsn)
                    .get_result(&mut standby)
                    .await
                    .unwrap();
            if behind.lsn == "false" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the standby never replayed up to {}", target.lsn);
    }

    /// A migrated database of this test on the primary, once the standby has
    /// it too.
    pub async fn database(&self) -> TestDb {
        let name = format!(
            "orderdesk_replica_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        );
        let mut admin = connect(&self.admin_url(Server::Primary)).await;
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE {}",
                quote_ident(&name),
                quote_ident(&Self::template_name())
            ))
            .await
            .unwrap();
        let on_standby = self.url(Server::Standby, "postgres", &name);
        for _ in 0..200 {
            if AsyncPgConnection::establish(&on_standby).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        TestDb {
            url: self.url(Server::Primary, "postgres", &name),
            admin_url: self.admin_url(Server::Primary),
            name,
        }
    }
}

fn hand_to_postgres() {
    if is_root() {
        let mut chown = Command::new("chown");
        chown.args(["-R", "postgres:postgres"]).arg(dir());
        run(chown, "chown target/replica-test");
    }
}

/// Starts `server` unless it is running.
fn start(server: Server) {
    if PairLock::running(server) {
        return;
    }
    remove_stale_pid_file(server);
    let log = dir().join(format!("{server:?}.log").to_lowercase());
    if is_root() && !log.exists() {
        let _ = File::create(&log);
        hand_to_postgres();
    }
    // The backends of a postmaster killed outright hold its shared memory
    // for a moment after it: try again shortly.
    for attempt in 0.. {
        let mut start = tool("pg_ctl");
        start
            .arg("-D")
            .arg(server.data())
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "start"]);
        if attempt == 20 {
            run(start, &format!("start the {server:?}"));
            return;
        }
        if start.output().is_ok_and(|o| o.status.success()) {
            return;
        }
        remove_stale_pid_file(server);
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Removes the pid file of a postmaster that is gone (or a zombie nobody
/// reaped), which would stop `pg_ctl start`; a live one is left alone.
fn remove_stale_pid_file(server: Server) {
    let file = server.data().join("postmaster.pid");
    let Some(pid) = fs::read_to_string(&file)
        .ok()
        .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<u32>().ok()))
    else {
        return;
    };
    let state = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = state.rsplit(')').next().unwrap_or_default().trim_start();
    if state.is_empty() || state.starts_with('Z') {
        let _ = fs::remove_file(&file);
    }
}

/// Stops `server` (fast: sessions end, nothing half-written survives).
fn stop(server: Server) {
    let mut stop = tool("pg_ctl");
    stop.arg("-D")
        .arg(server.data())
        .args(["-m", "fast", "-w", "-t", "60", "stop"]);
    run(stop, &format!("stop the {server:?}"));
}

/// A connection to `url`, waiting (bounded) for a server still recovering
/// from a crash of an earlier run.
async fn connect(url: &str) -> AsyncPgConnection {
    let mut attempt = 0;
    loop {
        match AsyncPgConnection::establish(url).await {
            Ok(conn) => return conn,
            Err(e) if attempt < 150 => {
                attempt += 1;
                if attempt == 1 {
                    eprintln!("replica pair: waiting for {url}: {e:?}");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("connect to {url}: {e:?}"),
        }
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    f.write_all(text.as_bytes()).unwrap();
}
