//! Security headers on every response — pages, redirects, error pages from
//! catchers and static files alike — set by one fairing. HSTS is sent only
//! when `secure_cookies` says the app is reached over HTTPS.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{Header, Method};
use rocket::{Request, Response};

use crate::config::Settings;
use crate::web::guards::session;

/// The content security policy: only our own scripts, styles, images and form
/// targets; no plugins, no `<base>`, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Strict-Transport-Security when served over HTTPS: a year, this host only
/// (no `includeSubDomains`: other hosts of the domain are not ours to pin).
pub const HSTS: &str = "max-age=31536000";

/// Adds CSP, X-Frame-Options, X-Content-Type-Options and Referrer-Policy to
/// every response; `Cache-Control: no-store` to everything but static files
/// and the pages [`may_keep`] allows to keep (`private, no-cache`, with their
/// ETag), so signed-in pages are never in a shared cache and personal data is
/// not left in a browser's cache over plain HTTP; and, when `secure_cookies`
/// is on, HSTS, and `Clear-Site-Data: "cache"` when a session ends (sign-out,
/// or a request whose session is over).
pub struct SecurityHeaders;

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        res.set_header(Header::new(
            "Content-Security-Policy",
            CONTENT_SECURITY_POLICY,
        ));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        let secure = req
            .rocket()
            .state::<Settings>()
            .is_some_and(|s| s.secure_cookies);
        if secure {
            res.set_header(Header::new("Strict-Transport-Security", HSTS));
        }
        if !req.uri().path().starts_with("/static/") {
            let keep =
                res.headers().contains("ETag") && may_keep(secure, req.uri().path().as_str());
            if !keep {
                res.remove_header("ETag");
            }
            res.set_header(Header::new(
                "Cache-Control",
                if keep {
                    "private, no-cache"
                } else {
                    "no-store"
                },
            ));
        }
        let signed_out = req.method() == Method::Post && req.uri().path() == "/logout";
        if secure && (signed_out || session::ended(req)) {
            res.set_header(Header::new("Clear-Site-Data", "\"cache\""));
        }
    }
}

/// Whether the browser may keep a page with an ETag (`private, no-cache`: it
/// stores the page and revalidates it on every use) rather than not store it
/// at all. Pages that show customers' personal data (names, emails,
/// addresses: the orders and customers pages) may be kept only over HTTPS
/// (`secure_cookies`), where sign-out and a session's end send
/// `Clear-Site-Data: "cache"`; browsers honour that only in a secure context,
/// so over plain HTTP the next person at a shared packing PC could press Back
/// and read them. Pages of products, stock and figures may be kept either way.
pub fn may_keep(secure: bool, path: &str) -> bool {
    secure || !shows_personal_data(path)
}

/// The orders and customers pages (lists, records, printables).
fn shows_personal_data(path: &str) -> bool {
    ["/orders", "/customers"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::may_keep;

    #[test]
    fn personal_pages_are_kept_only_over_https() {
        for path in [
            "/orders",
            "/orders/7",
            "/customers",
            "/customers/3",
            "/orders/7/invoice",
        ] {
            assert!(!may_keep(false, path), "{path}");
            assert!(may_keep(true, path), "{path}");
        }
        for path in ["/", "/products", "/products/9", "/ordersx"] {
            assert!(may_keep(false, path), "{path}");
        }
    }
}
