//! The committed generated types must be exactly what `cargo xtask codegen` produces from the spec.

use std::path::Path;

use xtask::codegen::{GENERATED_PATH, RECEIVED_NAME, SPEC_PATH, codegen_view, generate};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
}

#[test]
fn generated_types_match_the_spec() {
    let spec = std::fs::read_to_string(root().join(SPEC_PATH)).expect("spec is readable");
    let expected = generate(&spec).expect("the spec generates");
    let committed =
        std::fs::read_to_string(root().join(GENERATED_PATH)).expect("generated file exists");
    assert!(
        committed == expected,
        "{GENERATED_PATH} is stale: run `cargo xtask codegen` and commit the result"
    );
}

#[test]
fn codegen_view_leaves_out_only_multipart_operations() {
    let spec = std::fs::read_to_string(root().join(SPEC_PATH)).expect("spec is readable");
    let mut view: serde_json::Value = serde_yaml_ng::from_str(&spec).expect("spec is YAML");
    let notes = codegen_view(&mut view);
    assert_eq!(
        notes.omitted,
        [
            "POST /people/{lname}/attachments (upload_attachments)",
            "POST /people/{lname}/photo (upload_photo)",
        ]
    );
    let text = serde_json::to_string(&view).expect("view serialises");
    assert!(!text.contains("\"multipart/form-data\":"));
    assert!(!text.contains("\"encoding\""));
}

#[test]
fn a_changed_spec_changes_the_generated_types() {
    let spec = std::fs::read_to_string(root().join(SPEC_PATH)).expect("spec is readable");
    let changed = spec.replace(
        "description: Size in bytes.",
        "description: Size in octets.",
    );
    assert_ne!(spec, changed, "the probe text is in the spec");
    let a = generate(&spec).expect("the spec generates");
    let b = generate(&changed).expect("the changed spec generates");
    assert!(a != b, "the generated types ignore a changed description");
}

#[test]
fn codegen_view_decodes_only_received_names_as_sent() {
    let spec = std::fs::read_to_string(root().join(SPEC_PATH)).expect("spec is readable");
    let mut view: serde_json::Value = serde_yaml_ng::from_str(&spec).expect("spec is YAML");
    let notes = codegen_view(&mut view);
    assert_eq!(notes.received, ["Person.fname", "Person.lname"]);
    let schemas = &view["components"]["schemas"];
    let received = format!("#/components/schemas/{RECEIVED_NAME}");
    assert_eq!(schemas["Person"]["properties"]["lname"]["$ref"], received);
    assert_eq!(schemas["Person"]["properties"]["fname"]["$ref"], received);
    assert_eq!(schemas[RECEIVED_NAME]["type"], "string");
    assert!(schemas[RECEIVED_NAME].get("pattern").is_none());
    for sent in ["NewPerson", "PersonPatch"] {
        assert_eq!(
            schemas[sent]["properties"]["lname"]["$ref"],
            "#/components/schemas/Lname"
        );
        assert_eq!(
            schemas[sent]["properties"]["fname"]["$ref"],
            "#/components/schemas/Fname"
        );
    }
    assert_eq!(
        view["components"]["parameters"]["Lname"]["schema"]["$ref"],
        "#/components/schemas/Lname"
    );
}
