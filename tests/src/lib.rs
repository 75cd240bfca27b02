//! Shared helpers for the contract tests: the published spec, loaded once.

use serde_json::Value;

/// The published spec's text.
pub const SPEC_YAML: &str = include_str!("../../spec/people.yaml");

/// The published spec as JSON.
///
/// # Panics
/// When the spec is not valid YAML, which the spec tests exist to catch.
pub fn spec() -> Value {
    serde_yaml_ng::from_str(SPEC_YAML).expect("spec/people.yaml is valid YAML")
}

/// Follows a local `$ref` (`#/components/...`) once; other values are returned as they are.
pub fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| spec.pointer(pointer))
            .unwrap_or(value),
        None => value,
    }
}
