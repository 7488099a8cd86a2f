//! Conditional GETs for pages: an ETag made of what the page shows depends on
//! (the read models' last change and pending count, the user and session,
//! the build), and `304 Not Modified` when the browser already has it.
//!
//! A page carrying a flash message is never given an ETag (the flash is shown
//! once). Pages with an ETag are `Cache-Control: private, no-cache`: the
//! browser may keep them but must ask again each time; everything else stays
//! `no-store` (see the security headers fairing).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::content::RawHtml;
use rocket::response::{self, Responder, Response};

use super::Chrome;
use crate::error::AppError;
use crate::queries::Freshness;
use crate::security::sha256_hex;

/// The request's `If-None-Match` header, if any.
#[derive(Debug, Clone, Default)]
pub struct IfNoneMatch(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for IfNoneMatch {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Self(
            req.headers()
                .get_one("If-None-Match")
                .map(|v| v.chars().take(1_000).collect()),
        ))
    }
}

impl IfNoneMatch {
    /// Whether the browser's copy is `etag` (weak or strong, or `*`).
    fn matches(&self, etag: &str) -> bool {
        self.0.as_deref().is_some_and(|header| {
            header
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
        })
    }
}

/// A page, or "not modified".
#[derive(Debug)]
pub enum Cached {
    Page {
        etag: Option<String>,
        html: RawHtml<String>,
    },
    NotModified {
        etag: String,
    },
}

impl<'r> Responder<'r, 'static> for Cached {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match self {
            Self::Page { etag, html } => {
                let mut res = Response::build_from(html.respond_to(req)?);
                if let Some(etag) = etag {
                    res.header(Header::new("ETag", etag));
                }
                res.ok()
            }
            Self::NotModified { etag } => Response::build()
                .status(Status::NotModified)
                .header(Header::new("ETag", etag))
                .ok(),
        }
    }
}

/// The ETag of a page showing data as fresh as `freshness` (changed last at
/// `changed_at`) to the user of `chrome` (with or without the "changes are
/// paused" banner), with `extra` for anything else the page depends on.
pub fn etag(
    chrome: &Chrome,
    freshness: &Freshness,
    changed_at: Option<DateTime<Utc>>,
    extra: &str,
) -> String {
    let mut key = String::new();
    let _ = write!(
        key,
        "{}|{}|{}|{:?}|{}|{}|{}|{}|{extra}",
        env!("CARGO_PKG_VERSION"),
        option_env!("ORDERDESK_BUILD").unwrap_or(""),
        // The "changes are paused" banner and disabled forms are part of the page.
        chrome.writes_paused,
        changed_at.map(|t| t.timestamp_micros()),
        freshness.pending,
        chrome.user.as_ref().map_or("", |u| u.username.as_str()),
        chrome.user.as_ref().map_or("", |u| u.role.as_str()),
        chrome.csrf_token,
    );
    format!("\"{}\"", &sha256_hex(&key)[..32])
}

/// Answers 304 when the browser has `etag` already; otherwise renders. A
/// page with a flash message (shown once) is rendered without an ETag.
pub fn answer(
    has_flash: bool,
    if_none_match: &IfNoneMatch,
    etag: String,
    render: impl FnOnce() -> Result<RawHtml<String>, AppError>,
) -> Result<Cached, AppError> {
    if has_flash {
        return Ok(Cached::Page {
            etag: None,
            html: render()?,
        });
    }
    if if_none_match.matches(&etag) {
        return Ok(Cached::NotModified { etag });
    }
    Ok(Cached::Page {
        etag: Some(etag),
        html: render()?,
    })
}

#[cfg(test)]
mod tests {
    use super::IfNoneMatch;

    #[test]
    fn if_none_match_takes_lists_weak_tags_and_star() {
        let tag = "\"abc\"";
        assert!(IfNoneMatch(Some("\"abc\"".into())).matches(tag));
        assert!(IfNoneMatch(Some("\"x\", W/\"abc\"".into())).matches(tag));
        assert!(IfNoneMatch(Some("*".into())).matches(tag));
        assert!(!IfNoneMatch(Some("\"abd\"".into())).matches(tag));
        assert!(!IfNoneMatch(Some("abc".into())).matches(tag));
        assert!(!IfNoneMatch(None).matches(tag));
    }
}
