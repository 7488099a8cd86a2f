//! HTTP helpers: a Rocket client on the test's database, staff accounts made
//! with the real command, and signing in through the real form.

use orderdesk::commands::create_user::{self};
use orderdesk::config::Settings;
use rocket::figment::Figment;
use rocket::figment::value::Value;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::{Client, LocalResponse};

use crate::support::helpers::{TestApp, ctx};

/// The password every test account gets (no characters that need encoding).
pub const PASSWORD: &str = "correct-horse-battery-staple";

/// The value of the first `name="csrf_token"` hidden field in a page.
pub fn csrf_in(body: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = body.find(marker).expect("a csrf_token field") + marker.len();
    body[start..start + body[start..].find('"').unwrap()].to_owned()
}

/// A form body from pairs, percent-encoded.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| rocket::http::RawStr::new(s).percent_encode().to_string();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl TestApp {
    /// A client of the whole app on this test's database.
    pub async fn client(&self) -> Client {
        self.client_from(Settings::figment(), &[]).await
    }

    /// A client of the app configured by `base` (e.g. `Settings::defaults()`,
    /// without Rocket.toml) plus `settings`, on this test's database. As in
    /// production, the app connects as `orderdesk_app` (write pool) and
    /// `orderdesk_reader` (read pool); tests arrange data as the superuser.
    /// Tests bring read models up to date explicitly, so the maintainer is off
    /// (pending counts are theirs to control) and pages do not wait for it;
    /// so is the import worker (tests run its steps themselves).
    pub async fn client_from(&self, base: Figment, settings: &[(&str, Value)]) -> Client {
        let as_role = |role| orderdesk::db::roles::url_as(&self.db.url, role).unwrap();
        let mut figment = base
            .merge(("database_url", as_role(orderdesk::db::roles::APP)))
            .merge(("read_database_url", as_role(orderdesk::db::roles::READER)))
            .merge(("pool_size", 4))
            .merge(("maintainer_enabled", false))
            .merge(("import_worker_enabled", false))
            .merge(("read_your_writes_wait_ms", 0));
        for (key, value) in settings {
            figment = figment.merge((*key, value.clone()));
        }
        Client::tracked(orderdesk::build_rocket(figment).unwrap())
            .await
            .unwrap()
    }

    /// A client of the whole app with its maintainer running, as in
    /// production: pages wait (bounded, generously for a loaded test machine)
    /// for the user's own change.
    pub async fn client_with_maintainer(&self) -> Client {
        let as_role = |role| orderdesk::db::roles::url_as(&self.db.url, role).unwrap();
        let figment = Settings::figment()
            .merge(("database_url", as_role(orderdesk::db::roles::APP)))
            .merge(("read_database_url", as_role(orderdesk::db::roles::READER)))
            .merge(("pool_size", 4))
            .merge(("maintainer_enabled", true))
            .merge(("read_your_writes_wait_ms", 5_000));
        Client::tracked(orderdesk::build_rocket(figment).unwrap())
            .await
            .unwrap()
    }

    /// A staff account with [`PASSWORD`]; returns its id.
    pub async fn user(&self, username: &str, role: &str) -> i64 {
        let input = crate::support::inputs::user(username, PASSWORD, role);
        create_user::create_user(&mut *self.conn().await, input, &ctx())
            .await
            .unwrap()
            .id
    }

    /// A client signed in as a new account named after `role`; returns it and the user's id.
    pub async fn signed_in(&self, role: &str) -> (Client, i64) {
        self.signed_in_with::<Value>(role, &[]).await
    }

    /// [`Self::signed_in`], the app configured with `settings` on top of Rocket.toml.
    pub async fn signed_in_with<V: Into<Value> + Clone>(
        &self,
        role: &str,
        settings: &[(&str, V)],
    ) -> (Client, i64) {
        let id = self.user(role, role).await;
        let settings: Vec<(&str, Value)> = settings
            .iter()
            .map(|(k, v)| (*k, v.clone().into()))
            .collect();
        let client = self.client_from(Settings::figment(), &settings).await;
        let status = sign_in(&client, role, PASSWORD).await.status();
        assert_eq!(status, Status::SeeOther, "sign-in as {role}");
        (client, id)
    }
}

/// The sign-in form's CSRF token (fetching the form sets its cookie too).
pub async fn login_token(client: &Client) -> String {
    let page = client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    csrf_in(&page)
}

/// Signs in through the form (fetching it first for its CSRF cookie and token).
pub async fn sign_in<'c>(client: &'c Client, username: &str, password: &str) -> LocalResponse<'c> {
    let token = login_token(client).await;
    client
        .post("/login")
        .header(ContentType::Form)
        .body(form(&[
            ("username", username),
            ("password", password),
            ("csrf_token", &token),
            ("next", "/"),
        ]))
        .dispatch()
        .await
}

/// The session's CSRF token, read from the sign-out form on the home page.
pub async fn session_csrf(client: &Client) -> String {
    let page = client
        .get("/")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    csrf_in(&page)
}

/// POSTs a form as the client's session.
pub async fn post<'c>(client: &'c Client, uri: &str, pairs: &[(&str, &str)]) -> LocalResponse<'c> {
    client
        .post(uri.to_owned())
        .header(ContentType::Form)
        .body(form(pairs))
        .dispatch()
        .await
}

/// The `Location` of a redirect.
pub fn location(response: &LocalResponse<'_>) -> String {
    response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_owned()
}
