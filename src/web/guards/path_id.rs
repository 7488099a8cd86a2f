//! `PathId`: a record id from the path. Anything that is not a positive
//! integer is a clean 404 (Rocket would otherwise answer a failed parse with
//! 422), so `/orders/abc` and `/orders/-1` read like any unknown record.

use rocket::request::FromParam;

use crate::error::AppError;

/// A positive id, or `None` for garbage.
#[derive(Debug, Clone, Copy)]
pub struct PathId(Option<i64>);

impl PathId {
    /// The id, or 404 naming `what` ("order", "product" …).
    pub fn or_404(self, what: &str) -> Result<i64, AppError> {
        self.0
            .ok_or_else(|| AppError::NotFound(format!("There is no such {what}.")))
    }
}

impl<'a> FromParam<'a> for PathId {
    type Error = std::convert::Infallible;

    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        Ok(Self(param.parse::<i64>().ok().filter(|id| *id > 0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_integers_are_record_ids() {
        assert_eq!(
            PathId::from_param("42").unwrap().or_404("product").ok(),
            Some(42)
        );
        for raw in ["0", "-1", "abc", "99999999999999999999", ""] {
            assert!(
                PathId::from_param(raw).unwrap().or_404("product").is_err(),
                "{raw}"
            );
        }
    }
}
