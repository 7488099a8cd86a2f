//! Primary down: "changes are paused". Pages keep rendering from the read
//! side with a banner (the layout's, from [`Chrome::writes_paused`]); every
//! form that would post is disabled, not hidden ([`PausedForms`] wraps its
//! controls in `<fieldset disabled>`); and a command, whose `WriteConn`
//! guard forwards while the primary is away, lands on [`paused_command`]
//! (a signed-in user's only; other requests forward on to 404): a 503 page
//! that shows what the user typed and can send it again. No command runs, so
//! nothing is written, partially or at all.

use askama::Template;
use rocket::data::{self, Data, FromData};
use rocket::fairing::{Fairing, Info, Kind};
use rocket::form::Form;
use rocket::http::{ContentType, Method, RawStr, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::content::RawHtml;
use rocket::{Response, get, post, routes};

use crate::web::Chrome;
use crate::web::guards::connections::PrimaryAway;
use crate::db::health::DbHealth;
use crate::web::filters;

pub fn routes() -> Vec<rocket::Route> {
    routes![paused_command, paused_page]
}

/// A request whose `WriteConn` guard found the primary away, and its path.
struct Away(String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Away {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        if req.local_cache(|| None::<PrimaryAway>).is_some() {
            Outcome::Success(Away(req.uri().path().to_string()))
        } else {
            Outcome::Forward(Status::NotFound)
        }
    }
}

/// The submitted fields, passwords left out.
struct Kept(Vec<(String, String)>);

#[rocket::async_trait]
impl<'r> FromData<'r> for Kept {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let body = crate::web::guards::form_body::read(req, data).await.unwrap_or_default();
        let fields = Form::values(&body)
            .map(|f| {
                let decode = |s: &str| RawStr::new(s).url_decode_lossy().into_owned();
                (decode(f.name.source().as_str()), decode(f.value))
            })
            .filter(|(name, _)| kept(name))
            .collect();
        tracing::info!(uri = %req.uri(), "command refused: the primary is away");
        data::Outcome::Success(Kept(fields))
    }
}

#[derive(Template)]
#[template(path = "errors/paused.html")]
struct PausedPage {
    chrome: Chrome,
    action: String,
    fields: Vec<(String, String)>,
}

/// Fields never shown or sent back.
fn kept(name: &str) -> bool {
    !name.contains("password")
}

fn page(
    mut chrome: Chrome,
    action: String,
    fields: Vec<(String, String)>,
) -> (Status, RawHtml<String>) {
    chrome.writes_paused = true;
    let html = PausedPage {
        chrome,
        action,
        fields,
    }
    .render()
    .unwrap_or_else(|_| "503 Changes are paused: nothing was saved.".into());
    (Status::ServiceUnavailable, RawHtml(html))
}

/// A command while the primary is away: 503, what was typed, "Try again".
#[post("/<_..>", data = "<kept>", rank = 100)]
fn paused_command(away: Away, chrome: Chrome, kept: Kept) -> (Status, RawHtml<String>) {
    page(chrome, away.0, kept.0)
}

/// A page that needs the primary (the staff list) while it is away.
#[get("/<_..>", rank = 100)]
fn paused_page(away: Away, chrome: Chrome) -> (Status, RawHtml<String>) {
    page(chrome, away.0, Vec::new())
}

/// Disables every posting form of an HTML page while the primary is away.
pub struct PausedForms;

#[rocket::async_trait]
impl Fairing for PausedForms {
    fn info(&self) -> Info {
        Info {
            name: "forms disabled while changes are paused",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let paused = req
            .rocket()
            .state::<std::sync::Arc<DbHealth>>()
            .is_some_and(|h| h.primary_down());
        if !paused
            || !matches!(req.method(), Method::Get | Method::Post)
            || res.content_type() != Some(ContentType::HTML)
        {
            return;
        }
        let Ok(html) = res.body_mut().to_string().await else {
            return;
        };
        res.set_sized_body(None, std::io::Cursor::new(disable_post_forms(&html)));
    }
}

/// Wraps the content of every `<form … method="post" …>` in
/// `<fieldset disabled>`: its controls stay visible, greyed out and inert.
pub fn disable_post_forms(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let Some(open_len) = rest[start..].find('>') else {
            break;
        };
        let open = &rest[start..=start + open_len];
        out.push_str(&rest[..=start + open_len]);
        rest = &rest[start + open_len + 1..];
        if !open.contains(r#"method="post""#) {
            continue;
        }
        let Some(close) = rest.find("</form>") else {
            break;
        };
        out.push_str(r#"<fieldset class="paused" disabled>"#);
        out.push_str(&rest[..close]);
        out.push_str("</fieldset>");
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::disable_post_forms;

    #[test]
    fn wraps_posting_forms_only() {
        let html = r#"<form method="get" action="/o"><input name="q"></form><form class="x" method="post"
  action="/orders"><input name="a"></form>"#;
        let out = disable_post_forms(html);
        assert_eq!(
            out,
            r#"<form method="get" action="/o"><input name="q"></form><form class="x" method="post"
  action="/orders"><fieldset class="paused" disabled><input name="a"></fieldset></form>"#
        );
        assert_eq!(disable_post_forms("<form"), "<form");
    }
}
