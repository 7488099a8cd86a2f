//! Conditional GETs for pages: an ETag made of what the page shows depends on
//! (the read models' generations and the freshness line, the user and
//! session, the build), and `304 Not Modified` when the browser already has it.
//!
//! A page shown once (a flash message, a "processing" page that reloads
//! itself) is never given an ETag. Pages with an ETag are `Cache-Control: private, no-cache`: the
//! browser may keep them but must ask again each time; everything else stays
//! `no-store` (see the security headers fairing).

use std::fmt::Write as _;

use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::content::RawHtml;
use rocket::response::{self, Responder, Response};

use super::{Chrome, FreshnessNote};
use crate::error::AppError;
use crate::queries::Freshness;
use crate::queries::history::HistoryLine;
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

/// The ETag of a page showing the read models of `freshness` (at their
/// generations) with `note` about them, to the user of `chrome`, with
/// `extra` for anything else the page depends on. Everything the layout
/// shows is in it too: the user, the session's form token, the "changes are
/// paused" banner, the currency and time zone the figures are written in,
/// and the build. The note's text is in it as written (pending count, and an
/// age while changes are pending), so a 304 never keeps an outdated "5 s ago".
pub fn etag(chrome: &Chrome, freshness: &[Freshness], note: &FreshnessNote, extra: &str) -> String {
    let mut key = String::new();
    let _ = write!(
        key,
        "{}|{}|{}|{}|{}|{}|{}|{}|",
        env!("CARGO_PKG_VERSION"),
        option_env!("ORDERDESK_BUILD").unwrap_or(""),
        // The "changes are paused" banner and disabled forms are part of the page.
        chrome.writes_paused,
        chrome.currency.code(),
        chrome.time_zone.name(),
        chrome.user.as_ref().map_or("", |u| u.username.as_str()),
        chrome.user.as_ref().map_or("", |u| u.role.as_str()),
        chrome.csrf_token,
    );
    for f in freshness {
        let _ = write!(key, "{}:{}|", f.view, f.generation);
    }
    let _ = write!(key, "{}|{}|", note.as_of, note.pending);
    key.push_str(extra);
    format!("\"{}\"", &sha256_hex(&key)[..32])
}

/// What a page's list of events adds to its ETag: how many it shows and the
/// newest (the event log is read as it is, not through a read model).
pub fn history_key(history: &[HistoryLine]) -> String {
    let newest = history.iter().map(|h| h.id).max().unwrap_or(0);
    format!("history:{}:{newest}", history.len())
}

/// Answers 304 when the browser has `etag` already; otherwise renders. A
/// page shown once (a flash message, a "processing" notice that reloads) is
/// rendered without an ETag.
pub fn answer(
    shown_once: bool,
    if_none_match: &IfNoneMatch,
    etag: String,
    render: impl FnOnce() -> Result<RawHtml<String>, AppError>,
) -> Result<Cached, AppError> {
    if shown_once {
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
    use super::{HistoryLine, IfNoneMatch, history_key};
    use crate::domain::event_words::Words;

    #[test]
    fn the_history_key_changes_with_each_new_event() {
        let line = |id: i64| HistoryLine {
            id,
            occurred_at: chrono::DateTime::UNIX_EPOCH,
            actor: "ann".into(),
            what: Words::default(),
        };
        let one = history_key(&[line(7)]);
        let two = history_key(&[line(7), line(9)]);
        assert_ne!(one, two);
        assert_ne!(history_key(&[]), one);
        assert_eq!(
            history_key(&[line(7), line(9)]),
            two,
            "the same history, the same key"
        );
    }

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
