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
use crate::web::guards::{CurrentUser, csrf};

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

/// The submitted fields the form at this path has (passwords never), and
/// whether the body carried the session's CSRF token (no fields without it).
struct Kept {
    fields: Vec<(String, String)>,
    genuine: bool,
}

#[rocket::async_trait]
impl<'r> FromData<'r> for Kept {
    type Error = ();

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        let body = crate::web::guards::form_body::read(req, data)
            .await
            .unwrap_or_default();
        let decode = |s: &str| RawStr::new(s).url_decode_lossy().into_owned();
        let fields: Vec<(String, String)> = Form::values(&body)
            .map(|f| (decode(f.name.source().as_str()), decode(f.value)))
            .collect();
        let user = req.guard::<CurrentUser>().await.succeeded();
        let genuine = user.is_some_and(|user| {
            fields
                .iter()
                .find(|(name, _)| name == csrf::FIELD)
                .is_some_and(|(_, token)| user.csrf_matches(token))
        });
        let path = req.uri().path().to_string();
        let fields = if genuine {
            fields
                .into_iter()
                .filter(|(name, _)| allowed(&path, name))
                .collect()
        } else {
            Vec::new()
        };
        tracing::info!(uri = %req.uri(), "command refused: the primary is away");
        data::Outcome::Success(Kept { fields, genuine })
    }
}

#[derive(Template)]
#[template(path = "errors/paused.html")]
struct PausedPage {
    chrome: Chrome,
    action: String,
    fields: Vec<(String, String)>,
    /// The post carried the session's token: offer to send it again.
    resend: bool,
}

/// The fields of each form that posts, by path (`*` a path segment such as
/// an id; `[]` any index of a list). A field not listed is not echoed.
const FORMS: &[(&str, &[&str])] = &[
    (
        "/orders",
        &[
            "action",
            "customer_id",
            "customer_pick",
            "customer_q",
            "product_q",
            "new_customer_email",
            "new_customer_name",
            "ship_to",
            "shipping.name",
            "shipping.company",
            "shipping.line1",
            "shipping.line2",
            "shipping.city",
            "shipping.region",
            "shipping.postal_code",
            "shipping.country",
            "shipping.phone",
            "save_address",
            "idempotency_key",
            "add_sku",
            "lines[].sku",
            "lines[].quantity",
        ],
    ),
    (
        "/orders/bulk",
        &[
            "action",
            "idempotency_key",
            "ids",
            "all_on_page",
            "page_ids",
        ],
    ),
    ("/orders/*/cancel", &["reason"]),
    ("/customers", &["email", "name", "phone"]),
    ("/customers/*", &["name", "email", "phone", "version"]),
    ("/customers/*/addresses/*/remove", &["version"]),
    ("/customers/*/addresses/*/default", &["role"]),
    (
        "/customers/*/addresses",
        &[
            "label",
            "address.name",
            "address.company",
            "address.line1",
            "address.line2",
            "address.city",
            "address.region",
            "address.postal_code",
            "address.country",
            "address.phone",
            "default_shipping",
            "default_billing",
        ],
    ),
    (
        "/customers/*/addresses/*",
        &[
            "label",
            "address.name",
            "address.company",
            "address.line1",
            "address.line2",
            "address.city",
            "address.region",
            "address.postal_code",
            "address.country",
            "address.phone",
            "version",
        ],
    ),
    (
        "/products",
        &["sku", "name", "description", "price", "active"],
    ),
    (
        "/products/*",
        &["name", "description", "price", "active", "version"],
    ),
    ("/products/*/stock/receive", &["quantity", "note"]),
    ("/products/*/stock/adjust", &["quantity", "reason"]),
    ("/users", &["username", "role"]),
    ("/users/*/role", &["role"]),
    ("/read-models/refresh", &["view"]),
];

/// Whether `path` matches `pattern` (`*` is any one segment).
fn path_matches(pattern: &str, path: &str) -> bool {
    let (mut p, mut q) = (pattern.split('/'), path.trim_end_matches('/').split('/'));
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some("*"), Some(seg)) if !seg.is_empty() => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// `name` with every `[<index>]` written `[]`, and any `.<index>.` too.
fn generic(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        match rest.find(']') {
            Some(close) if rest[..close].bytes().all(|b| b.is_ascii_digit()) => {
                rest = &rest[close..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

/// Whether field `name` posted to `path` is shown and sent back: it must be
/// on that form's list, and nothing password-like ever is.
fn allowed(path: &str, name: &str) -> bool {
    if name.to_ascii_lowercase().contains("pass") {
        return false;
    }
    let name = generic(name);
    FORMS
        .iter()
        .filter(|(pattern, _)| path_matches(pattern, path))
        .any(|(_, fields)| fields.contains(&name.as_str()))
}

fn page(
    mut chrome: Chrome,
    action: String,
    fields: Vec<(String, String)>,
    resend: bool,
) -> (Status, RawHtml<String>) {
    chrome.writes_paused = true;
    let html = PausedPage {
        chrome,
        action,
        fields,
        resend,
    }
    .render()
    .unwrap_or_else(|_| "503 Changes are paused: nothing was saved.".into());
    (Status::ServiceUnavailable, RawHtml(html))
}

/// A command while the primary is away: 503, what was typed, "Try again".
#[post("/<_..>", data = "<kept>", rank = 100)]
fn paused_command(away: Away, chrome: Chrome, kept: Kept) -> (Status, RawHtml<String>) {
    page(chrome, away.0, kept.fields, kept.genuine)
}

/// A page that needs the primary (the staff list) while it is away.
#[get("/<_..>", rank = 100)]
fn paused_page(away: Away, chrome: Chrome) -> (Status, RawHtml<String>) {
    page(chrome, away.0, Vec::new(), false)
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
    fn only_the_forms_own_fields_are_kept_and_never_a_password() {
        use super::allowed;
        assert!(allowed("/orders", "lines[3].sku"));
        assert!(allowed("/orders", "shipping.line1"));
        assert!(allowed("/customers/3/addresses/9", "address.city"));
        assert!(allowed("/products/12/stock/adjust", "reason"));
        assert!(allowed("/users", "username"));
        assert!(!allowed("/users", "password"));
        assert!(!allowed("/users", "Password"));
        assert!(!allowed("/users", "new_PASSWORD"));
        assert!(!allowed("/users", "csrf_token"));
        assert!(!allowed("/products/12/stock/adjust", "name"));
        assert!(!allowed("/products/12/stock", "quantity"));
        assert!(!allowed("/orders/1/pay", "anything"));
        assert!(!allowed("/nowhere", "name"));
    }

    #[test]
    fn the_layout_leaves_forms_alone_otherwise() {
        let html = layout(false);
        assert!(html.contains("Sign out"), "{html}");
        assert!(!html.contains("fieldset"), "{html}");
        assert!(!html.contains("Changes are paused"), "{html}");
    }
}
