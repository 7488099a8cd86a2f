//! Where a request comes from: the client address and user agent, recorded
//! with sessions and login attempts.

use rocket::request::{FromRequest, Outcome, Request};

/// The client's address (the TCP peer, or the proxy header named by
/// Rocket's `ip_header`) and user agent, if known.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientInfo {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Self {
            ip: req.client_ip().map(|ip| ip.to_string()),
            user_agent: req
                .headers()
                .get_one("User-Agent")
                .map(|ua| ua.chars().take(500).collect()),
        })
    }
}
