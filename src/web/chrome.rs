//! `Chrome`: what the layout needs on every page: who is signed in, the CSRF
//! token for forms, and the flash message left by the last redirect.

use rocket::request::{FlashMessage, FromRequest, Outcome, Request};

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub username: String,
    pub role: String,
}

/// A one-shot message after Post/Redirect/Get ("Order #1042 placed").
#[derive(Debug, Clone)]
pub struct Flash {
    /// `success` or `error`, used as a CSS class.
    pub kind: String,
    pub message: String,
}

/// The layout's context; every page template has one.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub user: Option<UserBadge>,
    pub csrf_token: String,
    pub flash: Option<Flash>,
}

impl Chrome {
    /// May the user run commands on orders, customers, products and stock?
    pub fn can_write(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == "admin" || u.role == "clerk")
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == "admin")
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Chrome {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let flash = req
            .guard::<Option<FlashMessage<'_>>>()
            .await
            .succeeded()
            .flatten()
            .map(|f| Flash {
                kind: f.kind().to_owned(),
                message: f.message().to_owned(),
            });
        // Until sign-in lands everyone is the placeholder clerk that the
        // `Staff` guard also stands in for, so write actions are visible.
        Outcome::Success(Chrome {
            user: Some(UserBadge {
                username: "web".to_owned(),
                role: "clerk".to_owned(),
            }),
            csrf_token: String::new(),
            flash,
        })
    }
}
