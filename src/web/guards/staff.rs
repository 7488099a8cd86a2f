//! `Staff`: a signed-in user whose role may change business data (clerk or
//! admin), and the command context built from them: the actor and the
//! request id go on every event, the shop's name, address and currency on
//! every document it issues.

use rocket::request::{FromRequest, Outcome, Request};

use super::Clerk;
use crate::commands::CommandContext;
use crate::config::Settings;
use crate::domain::Issuer;
use crate::web::fairings::request_id::RequestId;

/// The staff member running a command on this request, and the request's id.
#[derive(Debug, Clone)]
pub struct Staff {
    pub clerk: Clerk,
    pub request_id: String,
    /// The shop as its documents name it (the deployment settings).
    pub issuer: Issuer,
}

impl Staff {
    /// The context for a command run on this request: the user and the
    /// request id go on every event the command appends.
    pub fn ctx(&self) -> CommandContext {
        let mut ctx = self.clerk.0.context().issuing_as(self.issuer.clone());
        ctx.request_id = Some(self.request_id.clone());
        ctx
    }
}

/// 401 without a session, 403 (with the reason) for a read-only role.
#[rocket::async_trait]
impl<'r> FromRequest<'r> for Staff {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let clerk = rocket::outcome::try_outcome!(req.guard::<Clerk>().await);
        let issuer = req
            .rocket()
            .state::<Settings>()
            .map_or_else(Issuer::default, |s| {
                Issuer::new(&s.shop_name, &s.shop_address, s.currency)
            });
        Outcome::Success(Staff {
            clerk,
            request_id: RequestId::of(req).as_str().to_owned(),
            issuer,
        })
    }
}
