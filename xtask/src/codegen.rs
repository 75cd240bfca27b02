//! Code generation for `people-sdk`: the API's data types, from the spec.
//!
//! Only the types are generated (progenitor's type space, made by typify): `people-sdk` sends
//! every operation through its own transport, so a generated client would be a second client
//! that nothing uses (its transport module says why). The published document, `spec/people.yaml`,
//! describes all of the API; progenitor cannot take all of it (multipart bodies, `encoding`
//! objects and several request media types stop or panic the generator), so [`codegen_view`]
//! derives, mechanically, the subset it can take, and the types of its operations come from
//! that. Nothing here is maintained by hand beside the spec.

use std::collections::BTreeSet;

use serde_json::Value;

/// The published spec, relative to the workspace root.
pub const SPEC_PATH: &str = "spec/people.yaml";
/// The generated types, relative to the workspace root.
pub const GENERATED_PATH: &str = "sdk/src/generated.rs";

/// Schemas whose generated types are replaced by hand-written ones in `people-sdk`.
pub const REPLACED_TYPES: [(&str, &str); 3] = [
    ("Lname", "crate::names::Lname"),
    ("Fname", "crate::names::Fname"),
    (RECEIVED_NAME, "crate::received::ReceivedName"),
];

/// The name schemas whose pattern binds what a client sends, not what it receives.
const NAME_SCHEMAS: [&str; 2] = ["Lname", "Fname"];

/// The schema the codegen view adds for a name a client only receives: a string, as sent.
pub const RECEIVED_NAME: &str = "ReceivedName";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What [`codegen_view`] left out or changed, for the generated file's header.
#[derive(Debug, Default)]
pub struct ViewNotes {
    /// `METHOD /path (operationId)` of operations left out: their bodies are multipart.
    pub omitted: Vec<String>,
    /// `operationId: media type` of request media types dropped beside `application/json`.
    pub narrowed: Vec<String>,
    /// `Schema.property` of names decoded as sent (they refer to [`RECEIVED_NAME`]).
    pub received: Vec<String>,
}

/// Derives the document progenitor generates from: the published spec less what progenitor cannot
/// take.
///
/// 1. Operations whose request body is `multipart/form-data` are left out (hand-written uploads).
/// 2. A request body offering several media types keeps only `application/json`.
/// 3. `encoding` objects are removed.
/// 4. A `default` response beside a success response is removed.
/// 5. Lines of descriptions lose their leading white space: they become doc comments, where
///    rustdoc would take an indented continuation line for a Rust code block.
/// 6. Reads are lenient, writes are strict: in a schema that no request body or parameter reaches
///    (so one a client only receives, such as `Person`), a property that refers to `Lname` or
///    `Fname` refers to [`RECEIVED_NAME`] instead, a plain string. A server may hold a record that
///    breaks the pattern, and decoding it must not fail a whole page; what a client sends keeps
///    the pattern.
pub fn codegen_view(spec: &mut Value) -> ViewNotes {
    let mut notes = ViewNotes {
        received: receive_names_as_sent(spec),
        ..ViewNotes::default()
    };
    dedent_descriptions(spec);
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return notes;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else {
                continue;
            };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            if op
                .get("requestBody")
                .and_then(|body| body.pointer("/content/multipart~1form-data"))
                .is_some()
            {
                notes
                    .omitted
                    .push(format!("{} {path} ({id})", method.to_uppercase()));
                item.remove(method);
                continue;
            }
            if let Some(content) = op
                .get_mut("requestBody")
                .and_then(|body| body.get_mut("content"))
                .and_then(Value::as_object_mut)
            {
                if content.len() > 1 && content.contains_key("application/json") {
                    let dropped: Vec<String> = content
                        .keys()
                        .filter(|media| *media != "application/json")
                        .cloned()
                        .collect();
                    for media in dropped {
                        content.remove(&media);
                        notes.narrowed.push(format!("{id}: {media}"));
                    }
                }
                for media in content.values_mut() {
                    if let Some(media) = media.as_object_mut() {
                        media.remove("encoding");
                    }
                }
            }
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                let has_success = responses.keys().any(|status| status.starts_with('2'));
                if has_success {
                    responses.remove("default");
                }
            }
        }
    }
    notes
}

/// Step 6 of [`codegen_view`]; returns `Schema.property` of each name it changed.
fn receive_names_as_sent(spec: &mut Value) -> Vec<String> {
    let sent = schemas_sent(spec);
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Vec::new();
    };
    let mut received = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        if sent.contains(name) {
            continue;
        }
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (property, value) in properties.iter_mut() {
            let refers_to_a_name = value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|target| target.strip_prefix(SCHEMA_REF))
                .is_some_and(|target| NAME_SCHEMAS.contains(&target));
            if refers_to_a_name {
                *value = serde_json::json!({ "$ref": format!("{SCHEMA_REF}{RECEIVED_NAME}") });
                received.push(format!("{name}.{property}"));
            }
        }
    }
    if !received.is_empty() {
        schemas.insert(
            RECEIVED_NAME.to_owned(),
            serde_json::json!({
                "type": "string",
                "description": "A name as the server sent it, not checked against the pattern."
            }),
        );
    }
    received
}

const SCHEMA_REF: &str = "#/components/schemas/";

/// The component schemas that some request body or parameter reaches, following `$ref`s.
fn schemas_sent(spec: &Value) -> BTreeSet<String> {
    let mut pending: Vec<&Value> = Vec::new();
    for item in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
    {
        pending.extend(item.get("parameters"));
        for method in METHODS {
            if let Some(op) = item.get(method) {
                pending.extend(op.get("parameters"));
                pending.extend(op.get("requestBody"));
            }
        }
    }
    let mut followed = BTreeSet::new();
    let mut sent = BTreeSet::new();
    while let Some(value) = pending.pop() {
        let mut refs = Vec::new();
        collect_refs(value, &mut refs);
        for target in refs {
            if !followed.insert(target) {
                continue;
            }
            if let Some(name) = target.strip_prefix(SCHEMA_REF) {
                sent.insert(name.to_owned());
            }
            if let Some(resolved) = target
                .strip_prefix('#')
                .and_then(|pointer| spec.pointer(pointer))
            {
                pending.push(resolved);
            }
        }
    }
    sent
}

/// Every `$ref` under `value`.
fn collect_refs<'a>(value: &'a Value, refs: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match child {
                    Value::String(target) if key == "$ref" => refs.push(target),
                    _ => collect_refs(child, refs),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, refs)),
        _ => {}
    }
}

fn dedent_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(text) if key == "description" => {
                        *text = text
                            .lines()
                            .map(str::trim_start)
                            .collect::<Vec<_>>()
                            .join("\n");
                    }
                    _ => dedent_descriptions(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(dedent_descriptions),
        _ => {}
    }
}

/// Generates the types' source from the published spec's text.
pub fn generate(spec_yaml: &str) -> Result<String, String> {
    let mut spec: Value =
        serde_yaml_ng::from_str(spec_yaml).map_err(|err| format!("spec is not YAML: {err}"))?;
    let notes = codegen_view(&mut spec);
    let openapi: openapiv3::OpenAPI = serde_json::from_value(spec)
        .map_err(|err| format!("codegen view is not OpenAPI 3.0: {err}"))?;
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged);
    // Names a client sends are checked by hand-written types in one pass over the characters,
    // instead of a regular expression per name; people-sdk tests them against the pattern. Names
    // it receives are a hand-written type that keeps them as sent (step 6 of the view).
    for (schema, replacement) in REPLACED_TYPES {
        settings.with_replacement(
            schema,
            replacement,
            [progenitor::TypeImpl::FromStr, progenitor::TypeImpl::Display].into_iter(),
        );
    }
    let mut generator = progenitor::Generator::new(&settings);
    // The operations' code is dropped; going through them adds the types they name inline.
    generator
        .generate_tokens(&openapi)
        .map_err(|err| format!("progenitor: {err}"))?;
    let types = generator.get_type_space().to_stream();
    let file: syn::File = syn::parse_str(&format!(
        "/// The API's data types, generated from its schemas.\n#[allow(clippy::all)]\npub mod types {{ {types} }}"
    ))
    .map_err(|err| format!("generated code does not parse: {err}"))?;
    let body = prettyplease::unparse(&file);

    let mut out = String::new();
    out.push_str("// @generated by `cargo xtask codegen` from spec/people.yaml. Do not edit.\n");
    out.push_str(
        "//\n// The API's data types only: every operation is a request builder of people-sdk,\n// sent by its transport.\n",
    );
    out.push_str("//\n// Operations left out of the codegen view (multipart bodies):\n");
    for line in &notes.omitted {
        out.push_str(&format!("// - {line}\n"));
    }
    out.push_str("//\n// Types written by hand in people-sdk instead of generated:\n");
    for (schema, replacement) in REPLACED_TYPES {
        out.push_str(&format!("// - {schema}: {replacement}\n"));
    }
    if !notes.received.is_empty() {
        out.push_str(&format!(
            "//\n// Names decoded as sent ({RECEIVED_NAME}: reads are lenient, writes strict):\n"
        ));
        for line in &notes.received {
            out.push_str(&format!("// - {line}\n"));
        }
    }
    if !notes.narrowed.is_empty() {
        out.push_str("//\n// Request media types dropped beside application/json:\n");
        for line in &notes.narrowed {
            out.push_str(&format!("// - {line}\n"));
        }
    }
    out.push('\n');
    out.push_str(&body);
    Ok(out)
}
