//! Primary down: "changes are paused". Pages keep rendering from the read
//! side with a banner (the layout's, from [`Chrome::writes_paused`]); every
//! form that would post is disabled, not hidden (the templates wrap its
//! controls with `forms::controls`, a `<fieldset disabled>` while paused);
//! and a command, whose `WriteConn`
//! guard forwards while the primary is away, lands on [`paused_command`]
//! (a signed-in user's only; other requests forward on to 404): a 503 page
//! that shows what the user typed and can send it again. No command runs, so
//! nothing is written, partially or at all.

use askama::Template;
use rocket::data::{self, Data, FromData};
use rocket::form::Form;
use rocket::http::{RawStr, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::content::RawHtml;
use rocket::{get, post, routes};

use crate::web::Chrome;
use crate::web::filters;
use crate::web::guards::connections::PrimaryAway;

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
        let body = crate::web::guards::form_body::read(req, data)
            .await
            .unwrap_or_default();
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

#[cfg(test)]
mod tests {
    use rocket::http::Status;

    use crate::domain::Role;
    use crate::web::error_page::ErrorPage;
    use crate::web::{Chrome, UserBadge};

    /// A page in the layout for a signed-in clerk (its one posting form is
    /// the sign-out), with changes paused or not.
    fn layout(paused: bool) -> String {
        let mut page = ErrorPage::new(Status::NotFound, "nothing here");
        page.chrome = Chrome {
            user: Some(UserBadge {
                username: "clerk".into(),
                role: Role::Clerk,
            }),
            csrf_token: "token-1".into(),
            writes_paused: paused,
            ..Chrome::default()
        };
        page.html()
    }

    #[test]
    fn the_layout_disables_posting_forms_while_changes_are_paused() {
        let html = layout(true);
        assert!(html.contains("Changes are paused"), "{html}");
        assert!(
            html.contains(r#"action="/logout"><fieldset class="paused" disabled>"#),
            "{html}"
        );
        assert!(html.contains("</fieldset></form>"), "{html}");
        assert!(
            html.contains(r#"<input type="hidden" name="csrf_token" value="token-1">"#),
            "{html}"
        );
    }

    #[test]
    fn the_layout_leaves_forms_alone_otherwise() {
        let html = layout(false);
        assert!(html.contains("Sign out"), "{html}");
        assert!(!html.contains("fieldset"), "{html}");
        assert!(!html.contains("Changes are paused"), "{html}");
    }
}
