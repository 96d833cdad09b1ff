//! Passwords: argon2id PHC strings with a random salt. The store keeps the
//! hash of every user, so hashing lives next to it; the web and the demo
//! seeding both use it.
//!
//! Hashing and checking take tens of milliseconds of CPU: async callers run
//! them on the blocking pool (`tokio::task::spawn_blocking`).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

/// An argon2id hash of a password (PHC string).
pub fn hash_password(password: &str) -> String {
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &random_salt())
        .expect("argon2")
        .to_string()
}

/// Whether `password` matches the PHC string `hash` (a damaged hash never
/// matches).
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(h) => argon2::Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// Checks a password against a stored hash or, for an unknown login or a
/// user without a password, against a dummy hash: the same work either way,
/// so timing does not tell which logins exist. Without a hash, never true.
pub fn check_password(hash: Option<&str>, password: &str) -> bool {
    let ok = verify_password(hash.unwrap_or_else(|| dummy_hash()), password);
    hash.is_some() && ok
}

fn random_salt() -> SaltString {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).expect("system random numbers");
    SaltString::encode_b64(&salt).expect("salt")
}

/// The hash of a random password nobody knows, made once per process.
fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_password(random_salt().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("секрет-123");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "секрет-123"));
        assert!(!verify_password(&h, "секрет-124"));
        assert!(!verify_password("мусор", "x"));
    }

    #[test]
    fn no_hash_never_matches() {
        let h = hash_password("секрет-123");
        assert!(check_password(Some(&h), "секрет-123"));
        assert!(!check_password(None, "секрет-123"));
        assert!(!check_password(None, ""));
    }
}
