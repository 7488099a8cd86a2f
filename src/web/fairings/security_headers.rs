//! Security headers on every response — pages, redirects, error pages from
//! catchers and static files alike — set by one fairing. HSTS is sent only
//! when `secure_cookies` says the app is reached over HTTPS.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

use crate::config::Settings;

/// The content security policy: only our own scripts, styles, images and form
/// targets; no plugins, no `<base>`, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Strict-Transport-Security when served over HTTPS: a year, this host only
/// (no `includeSubDomains`: other hosts of the domain are not ours to pin).
pub const HSTS: &str = "max-age=31536000";

/// Adds CSP, X-Frame-Options, X-Content-Type-Options and Referrer-Policy to
/// every response, and `Cache-Control: no-store` to everything but static
/// files, so signed-in pages are not kept in shared or back-button caches;
/// and HSTS when `secure_cookies` is on.
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
        if req
            .rocket()
            .state::<Settings>()
            .is_some_and(|s| s.secure_cookies)
        {
            res.set_header(Header::new("Strict-Transport-Security", HSTS));
        }
        if !req.uri().path().starts_with("/static/") {
            // A page with an ETag may be kept by the browser (never by a
            // shared cache) but is revalidated on every use.
            let revalidate = res.headers().contains("ETag");
            res.set_header(Header::new(
                "Cache-Control",
                if revalidate {
                    "private, no-cache"
                } else {
                    "no-store"
                },
            ));
        }
    }
}
