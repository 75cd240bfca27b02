//! Every route, method and status of the contract appears in `spec/people.yaml`.

use people_contract_tests::{resolve, spec};
use serde_json::Value;

/// (method, path, statuses) as the contract's route and status tables give them.
const ROUTES: &[(&str, &str, &[&str])] = &[
    ("post", "/oauth/token", &["200", "400", "401"]),
    (
        "get",
        "/people",
        &["200", "400", "401", "403", "406", "429", "503"],
    ),
    ("head", "/people", &["200", "401", "429"]),
    (
        "post",
        "/people",
        &[
            "201", "400", "401", "403", "409", "413", "415", "422", "429",
        ],
    ),
    (
        "get",
        "/people/{lname}",
        &["200", "401", "403", "404", "406", "410", "429"],
    ),
    ("head", "/people/{lname}", &["200", "404", "410"]),
    (
        "put",
        "/people/{lname}",
        &["204", "400", "404", "410", "412", "413", "415", "422"],
    ),
    (
        "patch",
        "/people/{lname}",
        &["204", "400", "404", "410", "412", "413", "415", "422"],
    ),
    ("delete", "/people/{lname}", &["204", "404", "410", "412"]),
    (
        "post",
        "/people/{lname}/photo",
        &["201", "400", "404", "410", "413", "415", "422"],
    ),
    ("get", "/people/{lname}/photo", &["200", "404", "410"]),
    ("head", "/people/{lname}/photo", &["200", "404"]),
    ("delete", "/people/{lname}/photo", &["204", "404"]),
    (
        "post",
        "/people/{lname}/attachments",
        &["201", "400", "404", "413", "422"],
    ),
    ("get", "/people/{lname}/attachments", &["200", "404"]),
    // HEAD wherever GET is offered (RFC 9110 section 9.1), as the server answers it.
    ("head", "/people/{lname}/attachments", &["200", "404"]),
    ("get", "/people/{lname}/attachments/{id}", &["200", "404"]),
    ("head", "/people/{lname}/attachments/{id}", &["200", "404"]),
    (
        "delete",
        "/people/{lname}/attachments/{id}",
        &["204", "404"],
    ),
];

/// Every status of the contract's error table.
const ERROR_STATUSES: &[&str] = &[
    "400", "401", "403", "404", "405", "406", "409", "410", "412", "413", "415", "422", "429",
    "500", "503",
];

fn operation<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    spec.pointer(&format!("/paths/{}/{method}", path.replace('/', "~1")))
        .unwrap_or_else(|| panic!("{} {path} is missing from the spec", method.to_uppercase()))
}

#[test]
fn every_route_and_status_of_the_contract_is_in_the_spec() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.0.3");
    assert_eq!(spec["servers"][0]["url"], "/api/v1");
    for (method, path, statuses) in ROUTES {
        let op = operation(&spec, method, path);
        for status in *statuses {
            assert!(
                op["responses"].get(*status).is_some(),
                "{} {path} does not document {status}",
                method.to_uppercase()
            );
        }
    }
}

#[test]
fn every_error_status_of_the_contract_is_described() {
    let spec = spec();
    let text = serde_json::to_string(&spec).expect("serialises");
    for status in ERROR_STATUSES {
        let documented = spec["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .any(|(_, item)| {
                item.as_object()
                    .into_iter()
                    .flatten()
                    .any(|(_, op)| op.pointer(&format!("/responses/{status}")).is_some())
            });
        let in_table = text.contains(&format!("| {status} |"));
        assert!(
            documented || (*status == "405" && in_table),
            "status {status} appears nowhere"
        );
        assert!(in_table, "status {status} is missing from the error table");
    }
    assert!(
        spec.pointer("/components/responses/MethodNotAllowed/headers/Allow")
            .is_some()
    );
}

#[test]
fn every_operation_is_documented_and_tagged() {
    let spec = spec();
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if method == "parameters" {
                continue;
            }
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: operationId"));
            assert!(ids.insert(id.to_owned()), "duplicate operationId {id}");
            for field in ["summary", "description"] {
                assert!(
                    op[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{id}: {field}"
                );
            }
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{id}: tags"
            );
        }
    }
    assert_eq!(ids.len(), ROUTES.len());
}

#[test]
fn people_routes_declare_their_scopes_and_rate_limit_headers() {
    let spec = spec();
    for (method, path, _) in ROUTES
        .iter()
        .filter(|(_, path, _)| path.starts_with("/people"))
    {
        let op = operation(&spec, method, path);
        let scope = if matches!(*method, "get" | "head") {
            "people:read"
        } else {
            "people:write"
        };
        assert_eq!(op["security"][0]["oauth2"][0], scope, "{method} {path}");
        for (status, response) in op["responses"].as_object().expect("responses") {
            if status.starts_with('5') {
                continue;
            }
            let response = resolve(&spec, response);
            assert!(
                response.pointer("/headers/X-RateLimit-Remaining").is_some(),
                "{method} {path} {status} lacks X-RateLimit-*"
            );
        }
    }
}

#[test]
fn headers_the_contract_names_are_declared() {
    let spec = spec();
    let header = |method: &str, path: &str, status: &str, name: &str| {
        let op = operation(&spec, method, path);
        let response = resolve(&spec, &op["responses"][status]);
        assert!(
            response.pointer(&format!("/headers/{name}")).is_some(),
            "{method} {path} {status} lacks {name}"
        );
    };
    header("post", "/people", "201", "Location");
    header("get", "/people", "200", "Link");
    header("get", "/people/{lname}", "200", "ETag");
    header("put", "/people/{lname}", "204", "ETag");
    header("patch", "/people/{lname}", "204", "ETag");
    header("post", "/people/{lname}/photo", "201", "Location");
    header("get", "/people/{lname}/photo", "200", "ETag");
    header(
        "get",
        "/people/{lname}/attachments/{id}",
        "200",
        "Content-Disposition",
    );
    header("get", "/people", "429", "Retry-After");
    header("get", "/people", "503", "Retry-After");
    header("get", "/people", "401", "WWW-Authenticate");
    header("get", "/people", "403", "WWW-Authenticate");
    header("post", "/oauth/token", "200", "Cache-Control");
    header("post", "/oauth/token", "401", "WWW-Authenticate");
}

#[test]
fn schemas_the_issue_names_exist() {
    let spec = spec();
    for name in [
        "Error",
        "OAuthError",
        "Person",
        "NewPerson",
        "PersonPatch",
        "PeoplePage",
        "Attachment",
        "Token",
    ] {
        assert!(
            spec.pointer(&format!("/components/schemas/{name}"))
                .is_some(),
            "{name}"
        );
    }
    assert_eq!(
        spec.pointer("/components/securitySchemes/oauth2/flows/clientCredentials/tokenUrl"),
        Some(&Value::from("/api/v1/oauth/token"))
    );
    assert_eq!(
        spec.pointer("/components/parameters/PerPage/schema/maximum"),
        Some(&Value::from(100))
    );
}
