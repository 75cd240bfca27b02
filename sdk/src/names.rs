//! [`Lname`] and [`Fname`]: names that are valid by construction, for what a client sends.
//!
//! The spec gives both a pattern: 1–64 characters, no control character (U+0000–001F,
//! U+007F–009F), no white space at either end, and for a last name (the key) no `/` and neither
//! `.` nor `..` (URL parsers resolve those path segments, so no request could address them). The
//! code generator would check that pattern with a regular expression on every name; these types
//! check the same rule with one pass over the characters, and a test holds them to the spec's
//! pattern on random names.
//!
//! Writes are strict: every way to make one (`parse` and `TryFrom`, in `name_parsing`, and
//! `Deserialize` too) checks the rule, so an `Lname` is always a key a request can carry. The generated types a client sends
//! (`NewPerson`, `PersonPatch`) use them (see `xtask`).
//! Reads are lenient: the names a [`Person`](crate::Person) carries are
//! [`ReceivedName`](crate::types::ReceivedName)s, kept as the server sent them.
//!
//! ```
//! use people_sdk::types::{Fname, Lname};
//!
//! let key: Lname = "Lévi-Strauss".parse()?;
//! assert_eq!(key.as_str(), "Lévi-Strauss");
//! assert!("a/b".parse::<Lname>().is_err());
//! assert!(" Doug".parse::<Fname>().is_err());
//! # Ok::<(), people_sdk::types::error::ConversionError>(())
//! ```

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize};

use crate::path::is_dot_segment;

/// The longest name, in characters.
const MAX_CHARS: usize = 64;

/// What is wrong with `name`, or `None` when it satisfies the spec's rule.
pub(crate) fn name_problem(name: &str, is_key: bool) -> Option<&'static str> {
    let mut chars = 0;
    for c in name.chars() {
        chars += 1;
        if chars > MAX_CHARS {
            return Some("it must be at most 64 characters long");
        }
        if matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}') {
            return Some("it must not contain control characters");
        }
        if is_key && c == '/' {
            return Some("it must not contain '/'");
        }
    }
    if chars == 0 {
        Some("it must not be empty")
    } else if name.starts_with(is_space) || name.ends_with(is_space) {
        Some("it must not start or end with white space")
    } else if is_key && is_dot_segment(name) {
        Some("it must not be '.' or '..'")
    } else {
        None
    }
}

/// White space as the spec's pattern means it (ECMAScript `\s`): Unicode White_Space plus
/// U+FEFF. (U+0085 is White_Space but a control character, refused before this is asked.)
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, is_key = $is_key:expr, what = $what:literal) => {
        $(#[$doc])*
        #[derive(Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The name as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// `value` as a name, or why it is not one.
            pub(crate) fn checked(value: String) -> Result<Self, String> {
                match name_problem(&value, $is_key) {
                    None => Ok($name(value)),
                    Some(problem) => Err(format!(concat!("invalid ", $what, ": {}"), problem)),
                }
            }
        }

        impl Deref for $name {
            type Target = String;
            fn deref(&self) -> &String {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $name::checked(String::deserialize(deserializer)?)
                    .map_err(<D::Error as serde::de::Error>::custom)
            }
        }
    };
}

name_type!(
    /// A last name: the key of a person. 1–64 characters; any Unicode except control
    /// characters and `/`; no white space at either end; not `.` or `..`; case-sensitive.
    Lname,
    is_key = true,
    what = "lname"
);

name_type!(
    /// A first name. 1–64 characters; no control characters; no white space at either end.
    Fname,
    is_key = false,
    what = "fname"
);

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec's pattern for a schema, compiled as the code generator would.
    fn spec_pattern(schema: &str) -> regress::Regex {
        let spec: serde_json::Value =
            serde_yaml_ng::from_str(include_str!("../../spec/people.yaml")).expect("the spec");
        let pattern = spec["components"]["schemas"][schema]["pattern"]
            .as_str()
            .expect("a pattern");
        regress::Regex::new(pattern).expect("the pattern compiles")
    }

    fn spec_accepts(pattern: &regress::Regex, name: &str) -> bool {
        let chars = name.chars().count();
        (1..=MAX_CHARS).contains(&chars) && pattern.find(name).is_some()
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_seed::config(4000))]
        #[test]
        fn the_names_follow_the_spec_pattern(
            name in "\\PC{0,70}|[ /\\t\\n\\u{85}a-z]{0,5}|[. a%/\\u{feff}]{0,4}|[a\\x00-\\x1f\\u{7f}-\\u{a0} /\\u{feff}\\u{3000}\\u{2028}\\u{1680}\\u{180e}李😀]{0,66}"
        ) {
            use std::sync::LazyLock;
            static LNAME: LazyLock<regress::Regex> = LazyLock::new(|| spec_pattern("Lname"));
            static FNAME: LazyLock<regress::Regex> = LazyLock::new(|| spec_pattern("Fname"));
            proptest::prop_assert_eq!(name.parse::<Lname>().is_ok(), spec_accepts(&LNAME, &name));
            proptest::prop_assert_eq!(name.parse::<Fname>().is_ok(), spec_accepts(&FNAME, &name));
        }
    }

    #[test]
    fn names_round_trip_through_json_and_refuse_bad_ones() {
        for ok in ["O'Brien", "Lévi-Strauss", "van der Berg", "100%", "李"] {
            let lname: Lname = serde_json::from_value(serde_json::json!(ok)).expect(ok);
            assert_eq!(serde_json::to_value(&lname).expect("serialises"), ok);
        }
        for dots in [".", ".."] {
            let err = dots.parse::<Lname>().unwrap_err();
            assert!(err.to_string().contains("'.' or '..'"), "{err}");
            assert!(dots.parse::<Fname>().is_ok());
        }
        assert!("...".parse::<Lname>().is_ok());
        assert!(".a".parse::<Lname>().is_ok());
        let err = serde_json::from_str::<Lname>("\"a/b\"").unwrap_err();
        assert!(err.to_string().contains("'/'"), "{err}");
        assert!(serde_json::from_str::<Fname>("\"a/b\"").is_ok());
        assert!("x".repeat(65).parse::<Fname>().is_err());
        assert!("x".repeat(64).parse::<Fname>().is_ok());
    }
}
