//! The request id: taken from a sane incoming `X-Request-Id` (at most 64 of
//! `[A-Za-z0-9_-]`) or generated, echoed in the response, written in the
//! request's log line, and handed to handlers so the events a command appends
//! name the request that caused them (`CommandContext::request_id`).

use std::convert::Infallible;

use rocket::Request;
use rocket::request::{FromRequest, Outcome};

/// The header that carries the id both ways.
pub const HEADER: &str = "X-Request-Id";

/// This request's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    /// The id of `req`, decided once per request and cached on it.
    pub fn of<'r>(req: &'r Request<'_>) -> &'r Self {
        req.local_cache(|| {
            req.headers()
                .get_one(HEADER)
                .filter(|id| is_sane(id))
                .map_or_else(Self::generate, |id| Self(id.to_owned()))
        })
    }

    /// A fresh random id: 32 hex digits.
    pub fn generate() -> Self {
        Self(format!("{:032x}", rand::random::<u128>()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether an incoming id may be trusted into logs and the events table.
pub fn is_sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequestId {
    type Error = Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Infallible> {
        Outcome::Success(Self::of(req).clone())
    }
}

#[cfg(test)]
mod tests {
    use super::is_sane;

    #[test]
    fn only_short_plain_ids_are_trusted() {
        assert!(is_sane("abc-123_XYZ"));
        assert!(is_sane(&"a".repeat(64)));
        assert!(!is_sane(&"a".repeat(65)));
        assert!(!is_sane(""));
        assert!(!is_sane("a b"));
        assert!(!is_sane("id\nforged"));
    }
}
