//! `Chrome`: what the layout needs on every page: who is signed in, the CSRF
//! token for forms, the flash message left by the last redirect, and the
//! shop's currency, which the `money` filter reads as a runtime value.

use rocket::request::{FlashMessage, FromRequest, Outcome, Request};

use crate::config::Settings;
use crate::db::health::DbHealth;
use crate::domain::{Currency, Permission, Role};
use crate::web::guards::CurrentUser;

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub username: String,
    pub role: Role,
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
    /// The `currency` setting: how every amount on the page is written.
    pub currency: Currency,
    /// The `time_zone` setting: whose days the page's per-day figures count.
    pub time_zone: chrono_tz::Tz,
    /// The primary cannot be reached: the layout says changes are paused.
    pub writes_paused: bool,
}

impl Chrome {
    /// The chrome of a signed-in user's page, without a flash.
    pub fn for_user(user: &CurrentUser) -> Self {
        Self {
            user: Some(UserBadge {
                username: user.username.clone(),
                role: user.role,
            }),
            csrf_token: user.csrf_token().to_owned(),
            flash: None,
            currency: Currency::default(),
            time_zone: chrono_tz::UTC,
            writes_paused: false,
        }
    }

    /// Whether the signed-in user's role allows `permission` ([`Role::can`]).
    pub fn can(&self, permission: Permission) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.can(permission))
    }

    /// May the user run commands on orders, customers, products and stock?
    pub fn can_write(&self) -> bool {
        self.can(Permission::EditBusinessData)
    }

    /// May the user manage staff accounts (and refresh read models)?
    pub fn is_admin(&self) -> bool {
        self.can(Permission::ManageUsers)
    }

    /// Whether the user may change the shop's tax rates and settings.
    pub fn can_manage_shop(&self) -> bool {
        self.can(Permission::ManageShop)
    }
}

/// Requires a signed-in user (401 otherwise: pages go to the sign-in form).
#[rocket::async_trait]
impl<'r> FromRequest<'r> for Chrome {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let user = rocket::outcome::try_outcome!(req.guard::<CurrentUser>().await);
        let flash = req
            .guard::<Option<FlashMessage<'_>>>()
            .await
            .succeeded()
            .flatten()
            .map(Flash::from);
        let settings = req.rocket().state::<Settings>();
        let currency = settings.map(|s| s.currency).unwrap_or_default();
        let time_zone = settings.map_or(chrono_tz::UTC, |s| s.time_zone);
        let writes_paused = req
            .rocket()
            .state::<std::sync::Arc<DbHealth>>()
            .is_some_and(|h| h.primary_down());
        Outcome::Success(Chrome {
            flash,
            currency,
            time_zone,
            writes_paused,
            ..Chrome::for_user(&user)
        })
    }
}

/// Templates read the currency as askama's runtime value `currency`.
impl askama::Values for Chrome {
    fn get_value<'a>(&'a self, key: &str) -> Option<&'a dyn std::any::Any> {
        (key == "currency").then_some(&self.currency as &dyn std::any::Any)
    }
}
