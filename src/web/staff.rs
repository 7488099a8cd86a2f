//! `Staff`: a signed-in user whose role may change business data (clerk or
//! admin), and the command context built from them: the actor (and, once the
//! request id arrives, the request) goes on every event.

use rocket::request::{FromRequest, Outcome, Request};

use super::auth::Clerk;
use crate::commands::CommandContext;

/// The staff member running a command on this request.
#[derive(Debug, Clone)]
pub struct Staff(pub Clerk);

impl Staff {
    /// The context for a command run on this request.
    pub fn ctx(&self) -> CommandContext {
        self.0.0.context()
    }
}

/// 401 without a session, 403 (with the reason) for a read-only role.
#[rocket::async_trait]
impl<'r> FromRequest<'r> for Staff {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        req.guard::<Clerk>().await.map(Staff)
    }
}
