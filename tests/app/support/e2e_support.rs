//! Harness for the browser test: the real server on a test database, a
//! chromedriver (script/test's, or one started here), a headless Chromium
//! session, and helpers that find things the way a person would: by label,
//! button text and link text, waiting (bounded) for pages to change.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use orderdesk::config::Settings;
use rocket::Shutdown;
use rocket::fairing::AdHoc;
use rocket::figment::providers::Serialized;
use tokio::sync::oneshot;

use crate::support::helpers::TestApp;

/// How long any one step may wait for the page it expects.
pub const STEP: Duration = Duration::from_secs(15);

/// `target/` of this workspace (or `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target")),
        PathBuf::from,
    )
}

/// The app served over real TCP on 127.0.0.1, on a port the OS chose.
pub struct Server {
    pub base: String,
    shutdown: Shutdown,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Launches the whole app on `app`'s database, with the maintainer on.
    pub async fn start(app: &TestApp) -> Self {
        Self::start_with(app, serde_json::json!({})).await
    }

    /// [`Self::start`] with further settings (e.g. `{"pool_size": 2}`).
    pub async fn start_with(app: &TestApp, settings: serde_json::Value) -> Self {
        // Global, so no ROCKET_* variable in the environment can override them.
        let figment = Settings::figment()
            .merge(Serialized::globals(serde_json::json!({
                "database_url": app.db.url,
                "read_database_url": app.db.url,
                "address": "127.0.0.1",
                "port": 0,
                "pool_size": 4,
                "maintainer_enabled": true,
                // A bound, not a target: generous for a loaded test machine.
                "read_your_writes_wait_ms": 5000,
                "shutdown": { "ctrlc": false, "signals": [], "grace": 1, "mercy": 1 },
            })))
            .merge(Serialized::globals(settings));
        let (tx, rx) = oneshot::channel();
        let tx = std::sync::Mutex::new(Some(tx));
        let rocket = orderdesk::build_rocket(figment)
            .unwrap()
            .attach(AdHoc::on_liftoff("report port", move |rocket| {
                let port = rocket.config().port;
                if let Some(tx) = tx.lock().unwrap().take() {
                    let _ = tx.send(port);
                }
                Box::pin(async {})
            }))
            .ignite()
            .await
            .expect("the app ignites");
        let shutdown = rocket.shutdown();
        let task = tokio::spawn(async move {
            if let Err(e) = rocket.launch().await {
                eprintln!("e2e: server stopped with an error: {e}");
            }
        });
        let port = tokio::time::timeout(STEP, rx)
            .await
            .expect("the server lifts off in time")
            .expect("the server lifts off");
        Self {
            base: format!("http://127.0.0.1:{port}"),
            shutdown,
            task,
        }
    }

    /// Graceful shutdown; waits (bounded) for the server task to end.
    pub async fn stop(self) {
        self.shutdown.notify();
        let _ = tokio::time::timeout(STEP, self.task).await;
    }
}

/// A chromedriver: the one script/test started (`CHROMEDRIVER_URL`), or our own.
pub struct Driver {
    pub url: String,
    child: Option<Child>,
}

impl Driver {
    pub async fn start() -> Self {
        if let Ok(url) = std::env::var("CHROMEDRIVER_URL") {
            return Self { url, child: None };
        }
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free local port")
            .port();
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "e2e: cannot start `{binary}` ({e}). The browser test needs Debian's \
                     `chromium` and `chromium-driver` packages: run script/test as root \
                     (it installs them) or `apt-get install chromium chromium-driver`."
                )
            });
        let driver = Self {
            url: format!("http://127.0.0.1:{port}"),
            child: Some(child),
        };
        let deadline = Instant::now() + STEP;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "e2e: chromedriver did not listen on {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A session's throwaway Chromium profile, under `target/e2e/`.
pub fn profile_dir(name: &str) -> PathBuf {
    target_dir()
        .join("e2e")
        .join(format!("chrome-profile-{}-{name}", std::process::id()))
}

/// A headless Chromium session: no network beyond localhost, a fresh profile
/// named `name`; with `javascript` false, pages run no script (the no-JS path).
pub async fn browser(driver: &Driver, name: &str, javascript: bool) -> Client {
    let profile = profile_dir(name);
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).unwrap();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1400",
                format!("--user-data-dir={}", profile.display()),
                format!("--blink-settings=scriptEnabled={javascript}"),
            ],
        },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "e2e: no Chromium session through {} ({e}); is Debian's `chromium` \
                 package installed (script/test installs it as root)?",
                driver.url
            )
        })
}

/// The form control a `<label>` with this text names (by `for`, or nested in it).
pub async fn field(c: &Client, label: &str) -> Element {
    let xpath = format!("//label[normalize-space()='{label}']");
    let found = c
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no label {label:?}: {e}"));
    match found.attr("for").await.unwrap() {
        Some(id) => c.find(Locator::Id(&id)).await,
        None => {
            found
                .find(Locator::XPath(".//input|.//textarea|.//select"))
                .await
        }
    }
    .unwrap_or_else(|e| panic!("no control for label {label:?}: {e}"))
}

/// Types `text` into the control labelled `label`, replacing what was there.
pub async fn fill(c: &Client, label: &str, text: &str) {
    let input = field(c, label).await;
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// Clicks the button whose text is `text`.
pub async fn press(c: &Client, text: &str) {
    let xpath = format!("//button[normalize-space()='{text}']");
    c.find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no button {text:?}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Follows the link whose text is `text`.
pub async fn follow(c: &Client, text: &str) {
    c.find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("no link {text:?}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits (at most [`STEP`]) until `xpath` matches; `what` says what we waited for.
pub async fn wait_for(c: &Client, xpath: &str, what: &str) -> Element {
    c.wait()
        .at_most(STEP)
        .every(Duration::from_millis(100))
        .for_element(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("e2e: waited {STEP:?} for {what} ({xpath}): {e}"))
}

/// Loads `url` until `xpath` matches (the read model may need a moment), at most [`STEP`].
pub async fn goto_until(c: &Client, url: &str, xpath: &str, what: &str) -> Element {
    let deadline = Instant::now() + STEP;
    loop {
        c.goto(url).await.unwrap();
        if let Ok(found) = c.find(Locator::XPath(xpath)).await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "e2e: waited {STEP:?} for {what} at {url} ({xpath})"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Saves a PNG of the viewport under `target/e2e/`; returns its path.
pub async fn screenshot(c: &Client, name: &str) -> PathBuf {
    let dir = target_dir().join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, c.screenshot().await.unwrap()).unwrap();
    path
}

/// GETs `href` from inside the page, so with the session's cookie; the body as text.
pub async fn fetch_text(c: &Client, href: &str) -> String {
    let script = "const done = arguments[arguments.length - 1];\
                  fetch(arguments[0], { credentials: 'same-origin' })\
                    .then(r => r.ok ? r.text() : 'HTTP ' + r.status)\
                    .then(done, e => done('ERROR ' + e));";
    let body = c
        .execute_async(script, vec![serde_json::Value::from(href)])
        .await
        .unwrap();
    body.as_str().unwrap_or_default().to_owned()
}
