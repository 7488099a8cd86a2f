//! Cryptographic building blocks shared by the write side (storing passwords)
//! and the web layer (checking them, sessions, CSRF): argon2id hashing off the
//! async executor, random tokens, SHA-256 and constant-time comparison.

mod password;
mod token;

pub use password::{HashError, hash_password, verify_password};
pub use token::{constant_time_eq, random_token, sha256_hex};
