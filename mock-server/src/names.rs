//! The rules of names: `fname`, and `lname`, the key.
//!
//! The spec states them as a pattern per schema (`Fname`, `Lname`) plus a length of 1–64
//! characters; these checks are that pattern read character by character, with a reason per
//! rule broken. A test holds them to the spec's patterns on random names.
//!
//! The store only ever receives names that pass here, so a path key that breaks the rules names
//! no one and answers `404 person_not_found`, as the spec's `lname` parameter says.

use crate::errors::Detail;

/// The longest name, in characters (Unicode scalar values, as JSON Schema counts them).
pub(crate) const MAX_NAME_CHARS: usize = 64;

/// Adds to `details` every rule `value` breaks, for `field`; a missing value is one.
pub(crate) fn check_name(
    field: &str,
    value: Option<&str>,
    is_key: bool,
    details: &mut Vec<Detail>,
) {
    let Some(value) = value else {
        details.push(Detail::new(field, "is required"));
        return;
    };
    for problem in name_problems(value, is_key) {
        details.push(Detail::new(field, problem));
    }
}

/// Every rule `value` breaks, as `details` messages; empty when the name is valid.
pub(crate) fn name_problems(value: &str, is_key: bool) -> Vec<&'static str> {
    let (Some(first), Some(last)) = (value.chars().next(), value.chars().next_back()) else {
        return vec!["must not be empty"];
    };
    let mut problems = Vec::new();
    if value.chars().count() > MAX_NAME_CHARS {
        problems.push("must be at most 64 characters");
    }
    if value.chars().any(is_control) {
        problems.push("must not contain control characters");
    }
    if is_key && value.contains('/') {
        problems.push("must not contain '/'");
    }
    if is_space(first) || is_space(last) {
        problems.push("must not start or end with white space");
    }
    if is_key && matches!(value, "." | "..") {
        problems.push("must not be '.' or '..'");
    }
    problems
}

/// The pattern's control characters: `\u0000-\u001F` and `\u007F-\u009F`.
fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// The pattern's `\s`, as ECMAScript defines it (the dialect of OpenAPI patterns): its white
/// space (tab, vertical tab, form feed, U+FEFF and the space separators, Zs) and its line
/// terminators. U+FEFF counts, unlike in `str::trim`.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;

    /// The pattern of a schema of the spec this server serves (spec/people.yaml).
    fn spec_pattern(schema: &str) -> regress::Regex {
        let spec: serde_json::Value =
            serde_yaml_ng::from_str(crate::spec::OPENAPI_YAML).expect("the spec is YAML");
        let pattern = spec["components"]["schemas"][schema]["pattern"]
            .as_str()
            .expect("the schema has a pattern");
        regress::Regex::new(pattern).expect("the pattern compiles")
    }

    /// Whether the spec accepts `name` for a schema: its pattern and its length.
    fn spec_accepts(pattern: &regress::Regex, name: &str) -> bool {
        (1..=MAX_NAME_CHARS).contains(&name.chars().count()) && pattern.find(name).is_some()
    }

    static LNAME: LazyLock<regress::Regex> = LazyLock::new(|| spec_pattern("Lname"));
    static FNAME: LazyLock<regress::Regex> = LazyLock::new(|| spec_pattern("Fname"));

    /// 4000 cases from a printed seed (`PROPTEST_RNG_SEED` replays a run); failures are kept in
    /// `proptest-regressions/` and tried first.
    fn config() -> proptest::test_runner::Config {
        let seed = std::env::var("PROPTEST_RNG_SEED")
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or_else(|| fastrand::u64(..));
        eprintln!("proptest seed {seed}; replay with PROPTEST_RNG_SEED={seed}");
        proptest::test_runner::Config {
            cases: 4000,
            rng_seed: proptest::test_runner::RngSeed::Fixed(seed),
            ..proptest::test_runner::Config::default()
        }
    }

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn the_checks_are_the_spec_patterns(
            name in "\\PC{0,70}|[. a/%\\u{feff}]{0,4}|[ /\\t\\n\\u{85}a-z]{0,5}|[a.\\x00-\\x1f\\u{7f}-\\u{a0} /\\u{feff}\\u{3000}\\u{2028}\\u{2029}\\u{1680}\\u{180e}\\u{200b}\\u{202f}\\u{205f}李😀]{0,66}"
        ) {
            proptest::prop_assert_eq!(
                name_problems(&name, true).is_empty(),
                spec_accepts(&LNAME, &name),
                "lname {:?}: {:?}", name, name_problems(&name, true)
            );
            proptest::prop_assert_eq!(
                name_problems(&name, false).is_empty(),
                spec_accepts(&FNAME, &name),
                "fname {:?}: {:?}", name, name_problems(&name, false)
            );
        }
    }

    #[test]
    fn every_rule_broken_is_named() {
        assert_eq!(name_problems("", true), ["must not be empty"]);
        assert_eq!(
            name_problems("\u{feff}Farrell", false),
            ["must not start or end with white space"]
        );
        assert_eq!(name_problems(".", true), ["must not be '.' or '..'"]);
        assert_eq!(name_problems("..", true), ["must not be '.' or '..'"]);
        assert!(name_problems("..", false).is_empty());
        assert!(name_problems("...", true).is_empty());
        assert_eq!(
            name_problems(" a/\u{7}", true),
            [
                "must not contain control characters",
                "must not contain '/'",
                "must not start or end with white space"
            ]
        );
        assert_eq!(name_problems(&"é".repeat(65), true).len(), 1);
        assert!(name_problems(&"é".repeat(64), true).is_empty());
    }
}
