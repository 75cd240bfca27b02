//! The text of access and refresh tokens: random by default; with a token seed
//! ([`token_seed`](crate::PeopleMockBuilder::token_seed)), the same on every run.
//!
//! Either way a token is a prefix (`at_`, `rt_`) and 32 URL-safe base64 characters of a SHA-256.
//! Random tokens hash two random 128-bit numbers, the issue count and the monotonic clock's
//! reading. Seeded tokens hash the seed and the issue count alone, so a test that runs the same
//! steps from a reset gets the same tokens: only for tests, since anyone who knows the seed can
//! compute every token.

use base64::Engine;
use sha2::{Digest, Sha256};

/// The token with `prefix` of the `n`th issue since the last reset.
pub(crate) fn token_text(prefix: &str, seed: Option<u64>, n: u64) -> String {
    let mut hasher = Sha256::new();
    match seed {
        Some(seed) => {
            hasher.update(b"people-mock token seed\0");
            hasher.update(seed.to_le_bytes());
        }
        None => {
            hasher.update(fastrand::u128(..).to_le_bytes());
            hasher.update(fastrand::u128(..).to_le_bytes());
            hasher.update(format!("{:?}", std::time::Instant::now()).as_bytes());
        }
    }
    hasher.update(n.to_le_bytes());
    let digest = hasher.finalize();
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..24]);
    format!("{prefix}{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_tokens_repeat_and_random_ones_do_not() {
        assert_eq!(token_text("at_", Some(7), 1), token_text("at_", Some(7), 1));
        assert_ne!(token_text("at_", Some(7), 1), token_text("at_", Some(7), 2));
        assert_ne!(token_text("at_", Some(7), 1), token_text("at_", Some(8), 1));
        assert_ne!(token_text("at_", None, 1), token_text("at_", None, 1));
        let token = token_text("rt_", Some(0), 0);
        assert_eq!(token.len(), 3 + 32);
        assert!(token.starts_with("rt_"));
    }
}
