//! `Staff`: the person acting, as a request guard, and the command context
//! built from them (actor and request id go on every event).

use rocket::request::{FromRequest, Outcome, Request};

use crate::commands::CommandContext;
use crate::domain::Actor;

/// The signed-in staff member.
#[derive(Debug, Clone)]
pub struct Staff {
    pub actor: Actor,
}

impl Staff {
    /// The context for a command run on this request.
    pub fn ctx(&self) -> CommandContext {
        CommandContext::new(self.actor.clone())
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Staff {
    type Error = std::convert::Infallible;

    async fn from_request(_req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Staff {
            actor: Actor::system("web"),
        })
    }
}
