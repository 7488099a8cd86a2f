//! Password hashing with argon2id, using OWASP's minimum parameters
//! (m = 19456 KiB, t = 2, p = 1). Hashing takes tens of milliseconds on
//! purpose, so it runs on a blocking thread, never on the async executor.
//! Neither the password nor the hash is ever logged.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::Password;

/// Memory cost in KiB (OWASP: 19 MiB).
const MEMORY_KIB: u32 = 19_456;
/// Iterations (OWASP: 2 with 19 MiB).
const ITERATIONS: u32 = 2;
/// Lanes.
const PARALLELISM: u32 = 1;

/// Hashing failed (a bug or a dead blocking pool, never bad user input).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

fn hasher() -> Result<Argon2<'static>, HashError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| HashError(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    use rand::Rng;
    let salt_bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| HashError(e.to_string()))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// The argon2id PHC string for `password` (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub async fn hash_password(password: &Password) -> Result<String, HashError> {
    let secret = password.expose().to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&secret))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

/// A hash of a random password, verified against when the username is unknown
/// so that a wrong username takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let random = crate::security::random_token();
        hash_blocking(&random).unwrap_or_default()
    })
}

/// Whether `password` matches `stored` (a PHC string). With `stored = None`
/// (no such user) a dummy hash is checked instead and the answer is `false`,
/// taking the same time as a real check.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let real = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let Ok(argon) = hasher() else {
            return false;
        };
        let matches = argon.verify_password(password.as_bytes(), &parsed).is_ok();
        real && matches
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Username;

    #[tokio::test]
    async fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let user = Username::parse("ann").unwrap();
        let password = Password::parse("correct horse battery", &user).unwrap();

        let hash = hash_password(&password).await.unwrap();

        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong horse battery".into(), Some(hash)).await);
        assert!(!verify_password("correct horse battery".into(), None).await);
    }
}
