//! The public API listing: how it renders rustdoc's JSON, how a stale listing is reported, and the
//! rules the committed listing of people-sdk keeps. (Its freshness is checked by
//! `cargo xtask public-api --check` in scripts/check.sh, which runs rustdoc.)

use std::path::Path;

use serde_json::{Value, json};
use xtask::public_api::{PUBLIC_API_PATH, diff, render};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
}

fn no_generics() -> Value {
    json!({ "params": [], "where_predicates": [] })
}

fn path(name: &str, id: u32) -> Value {
    json!({ "resolved_path": { "path": name, "id": id, "args": null } })
}

fn function(name: &str, inputs: Value, output: Value, is_async: bool) -> Value {
    json!({
        "name": name,
        "visibility": "public",
        "attrs": [],
        "deprecation": null,
        "inner": { "function": {
            "sig": { "inputs": inputs, "output": output, "is_c_variadic": false },
            "generics": no_generics(),
            "header": { "is_const": false, "is_unsafe": false, "is_async": is_async, "abi": "Rust" },
            "has_body": true
        } }
    })
}

fn trait_impl(trait_name: &str, synthetic: bool, blanket: Value) -> Value {
    json!({
        "name": null,
        "visibility": "default",
        "attrs": [],
        "inner": { "impl": {
            "is_unsafe": false,
            "generics": no_generics(),
            "provided_trait_methods": [],
            "trait": { "path": trait_name, "id": 90, "args": null },
            "for": path("Builder", 1),
            "items": [],
            "is_negative": false,
            "is_synthetic": synthetic,
            "blanket_impl": blanket
        } }
    })
}

/// A crate `demo` in the shape of rustdoc's JSON (format 57): a builder with a public field, two
/// methods, a derived and an auto trait and a blanket implementation; an enum defined in a
/// private module and re-exported; an async function; a second path to the builder; a re-export
/// of another crate.
fn fixture() -> Value {
    let self_ref = json!({ "borrowed_ref": { "lifetime": null, "is_mutable": false, "type": { "generic": "Self" } } });
    let into_string = json!({ "impl_trait": [ { "trait_bound": {
        "trait": { "path": "Into", "id": 91, "args": { "angle_bracketed": {
            "args": [ { "type": path("String", 92) } ], "constraints": [] } } },
        "generic_params": [],
        "modifier": "none"
    } } ] });
    let result = json!({ "resolved_path": { "path": "Result", "id": 93, "args": { "angle_bracketed": {
        "args": [ { "type": path("Builder", 1) }, { "type": { "tuple": [] } } ], "constraints": [] } } } });
    let mut fetch = function("fetch", json!([["name", into_string]]), result, true);
    fetch["inner"]["function"]["generics"]["params"] = json!([{ "name": "impl Into<String>",
        "kind": { "type": { "bounds": [], "default": null, "is_synthetic": true } } }]);

    json!({
        "root": 0,
        "format_version": 57,
        "index": {
            "0": { "name": "demo", "visibility": "public", "attrs": [],
                   "inner": { "module": { "is_crate": true, "items": [1, 2, 3, 9, 10, 17], "is_stripped": false } } },
            "1": { "name": "Builder", "visibility": "public", "deprecation": null,
                   "attrs": [ { "must_use": { "reason": "does nothing until built" } } ],
                   "inner": { "struct": {
                       "kind": { "plain": { "fields": [4], "has_stripped_fields": true } },
                       "generics": no_generics(),
                       "impls": [5, 6, 7, 8] } } },
            "2": { "name": null, "visibility": "public", "attrs": [],
                   "inner": { "use": { "source": "inner::Thing", "name": "Thing", "id": 13, "is_glob": false } } },
            "3": { "name": "inner", "visibility": "default", "attrs": [],
                   "inner": { "module": { "is_crate": false, "items": [13], "is_stripped": false } } },
            "4": { "name": "size", "visibility": "public", "attrs": [],
                   "inner": { "struct_field": { "primitive": "u32" } } },
            "5": { "name": null, "visibility": "default", "attrs": [],
                   "inner": { "impl": {
                       "is_unsafe": false, "generics": no_generics(), "provided_trait_methods": [],
                       "trait": null, "for": path("Builder", 1), "items": [11, 12],
                       "is_negative": false, "is_synthetic": false, "blanket_impl": null } } },
            "6": trait_impl("Clone", false, Value::Null),
            "7": trait_impl("Send", true, Value::Null),
            "8": trait_impl("From", false, json!({ "generic": "T" })),
            "9": fetch,
            "10": { "name": null, "visibility": "public", "attrs": [],
                    "inner": { "use": { "source": "mime", "name": "mime", "id": 500, "is_glob": false } } },
            "11": function("with_size", json!([["self", { "generic": "Self" }], ["size", { "primitive": "u32" }]]), json!({ "generic": "Self" }), false),
            "12": function("size", json!([["self", self_ref]]), json!({ "primitive": "u32" }), false),
            "13": { "name": "Thing", "visibility": "public", "deprecation": null, "attrs": ["non_exhaustive"],
                    "inner": { "enum": { "generics": no_generics(), "has_stripped_variants": false,
                                         "variants": [14, 15], "impls": [] } } },
            "14": { "name": "A", "visibility": "default", "attrs": [],
                    "inner": { "variant": { "kind": "plain", "discriminant": null } } },
            "15": { "name": "B", "visibility": "default", "attrs": [],
                    "inner": { "variant": { "kind": { "tuple": [16] }, "discriminant": null } } },
            "16": { "name": "0", "visibility": "default", "attrs": [],
                    "inner": { "struct_field": path("String", 92) } },
            "17": { "name": "builders", "visibility": "public", "attrs": [],
                    "inner": { "module": { "is_crate": false, "items": [18], "is_stripped": false } } },
            "18": { "name": null, "visibility": "public", "attrs": [],
                    "inner": { "use": { "source": "crate::Builder", "name": "Builder", "id": 1, "is_glob": false } } }
        }
    })
}

#[test]
fn the_listing_is_one_sorted_line_per_item() {
    let listing = render(&fixture()).expect("the fixture renders");
    let lines: Vec<&str> = listing.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "pub mod demo",
            "#[must_use] pub struct demo::Builder",
            "impl Clone for demo::Builder",
            "impl Send for demo::Builder",
            "pub demo::Builder::size: u32",
            "pub fn demo::Builder::size(&self) -> u32",
            "pub fn demo::Builder::with_size(self, size: u32) -> Self",
            "#[non_exhaustive] pub enum demo::Thing",
            "demo::Thing::A",
            "demo::Thing::B(String)",
            "pub mod demo::builders",
            "pub struct demo::builders::Builder (= demo::Builder)",
            "pub async fn demo::fetch(name: impl Into<String>) -> Result<Builder, ()>",
            "pub use demo::mime (= mime)",
        ]
    );
    assert!(listing.starts_with("# "), "a header line comes first");
}

#[test]
fn a_changed_signature_changes_the_listing() {
    let before = render(&fixture()).expect("the fixture renders");
    let mut changed = fixture();
    changed["index"]["12"]["name"] = json!("get_size");
    changed["index"]["1"]["attrs"] = json!([]);
    let after = render(&changed).expect("the changed fixture renders");
    let report = diff(&before, &after).expect("the listings differ");
    assert_eq!(
        report,
        "- #[must_use] pub struct demo::Builder\n\
         - pub fn demo::Builder::size(&self) -> u32\n\
         + pub struct demo::Builder\n\
         + pub fn demo::Builder::get_size(&self) -> u32\n"
    );
    assert_eq!(diff(&before, &before), None);
}

/// The rules of the SDK's API, read from the committed listing.
#[test]
fn the_committed_listing_keeps_the_api_rules() {
    let listing = std::fs::read_to_string(root().join(PUBLIC_API_PATH)).expect("listing exists");
    let lines: Vec<&str> = listing.lines().collect();

    // Getters are named without `get_` (the generated types aside).
    let getters: Vec<&&str> = lines
        .iter()
        .filter(|line| !line.contains("::types::"))
        .filter(|line| line.contains("::get_") && line.contains("fn "))
        .collect();
    assert!(getters.is_empty(), "getters named get_: {getters:?}");

    // Every method of the hand-written API that consumes its value and returns it changed must be
    // used: by the attribute on the method or on its type (builders take it on the type).
    let mut builders: Vec<&str> = Vec::new();
    for line in &lines {
        let (must_use, line) = match line.strip_prefix("#[must_use] ") {
            Some(rest) => (true, rest),
            None => (false, *line),
        };
        let Some((ty, method)) = line
            .strip_prefix("pub fn people_sdk::")
            .and_then(|rest| rest.split_once("::"))
        else {
            continue;
        };
        if method.contains("(self") && method.ends_with("-> Self") {
            builders.push(ty);
            let on_type = format!("#[must_use] pub struct people_sdk::{ty}");
            assert!(
                must_use || lines.contains(&on_type.as_str()),
                "{ty}::{method} is not #[must_use]"
            );
        }
    }
    for expected in [
        "AccessToken",
        "AttachmentUpload",
        "ClientBuilder",
        "ClientCredentialsBuilder",
        "FilePart",
        "ListPeople",
        "PhotoUpload",
        "RetryPolicy",
    ] {
        assert!(builders.contains(&expected), "{expected} is a builder");
    }

    // One way to read a person, and every request builder can be awaited.
    assert!(
        !lines
            .iter()
            .any(|line| line.contains("people_sdk::People::get"))
    );
    for builder in [
        "ListPeople",
        "UpdatePerson",
        "PatchPerson",
        "DeletePerson",
        "DeletePhoto",
        "DeleteAttachment",
    ] {
        let awaitable = format!("impl IntoFuture for people_sdk::{builder} ");
        assert!(
            lines.iter().any(|line| line.starts_with(&awaitable)),
            "{builder} cannot be awaited"
        );
    }
}
