//! [`Redacted`]: a setting that `Debug` never shows (client secrets, the admin token, the token
//! seed), so that a builder or a configuration printed in a test's failure or a log holds none.

use std::ops::Deref;

/// A value read as itself (through `Deref`) and printed as `[redacted]`.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Redacted<T>(pub(crate) T);

impl<T> std::fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::REDACTED)
    }
}

impl<T> Deref for Redacted<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_builder_prints_no_secret() {
        let builder = crate::PeopleMock::builder()
            .client("robot", "r0bot-s3cret", &["people:read"])
            .admin_token("adm1n-t0ken")
            .token_seed(987_654_321);
        let shown = format!("{builder:?}");
        for secret in [
            "r0bot-s3cret",
            "adm1n-t0ken",
            "987654321",
            "demo-secret",
            "reader-secret",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("robot") && shown.contains("[redacted]"),
            "{shown}"
        );
    }
}
