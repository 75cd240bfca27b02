//! `422 Unprocessable Content` with its field details, decoded through the SDK, and what an
//! error says about the call that failed.

mod support;

use people_sdk::{Client, ErrorKind, PersonPatch};
use serde_json::json;
use support::{client, mock, within};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_validation_failure_from_the_mock_with_its_field() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        let patch = PersonPatch {
            fname: None,
            lname: Some("Elsewhere".parse().unwrap()),
        };

        let err = client.person("Farrell").patch(patch).await.unwrap_err();

        assert!(err.is_unprocessable(), "{err:?}");
        assert_eq!(err.kind(), ErrorKind::Unprocessable);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
        assert_eq!(err.error(), Some("validation_failed"));
        assert_eq!(err.error_code(), Some(422001));
        assert_eq!(
            err.message(),
            Some(
                "Validation failed: lname: cannot be changed; it must equal the lname in the path"
            )
        );
        let details: Vec<(&str, &str)> = err
            .details()
            .iter()
            .map(|d| (d.field.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            details,
            [(
                "lname",
                "cannot be changed; it must equal the lname in the path"
            )]
        );
        assert_eq!(err.operation(), Some("patch_person"));
        assert_eq!(
            err.url().map(|u| u.as_str()),
            Some(mock.base_url().join("people/Farrell").unwrap().as_str())
        );
        assert!(!err.is_retryable());
        assert_eq!(mock.person("Farrell").unwrap().lname, "Farrell");
    })
    .await;
}

#[tokio::test]
async fn several_details_in_order_and_errors_without_any() {
    within(async {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/api/v1/people/O%27Brien"))
            .respond_with(ResponseTemplate::new(422).set_body_json(json!({
                "message": "Validation failed", "error": "validation_failed", "error_code": 422001,
                "details": [
                    {"field": "fname", "message": "must not be empty"},
                    {"field": "lname", "message": "must equal the lname in the path"}
                ]
            })))
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .respond_with(ResponseTemplate::new(409).set_body_json(json!({
                "message": "Person 'O'Brien' was changed", "error": "conflict", "error_code": 409001
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).set_body_string("<html>down</html>"))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .bearer_token("at_details")
            .no_retry()
            .build()
            .unwrap();

        let err = client.person("O'Brien").update("Flann").await.unwrap_err();
        assert!(err.is_unprocessable());
        assert_eq!(err.message(), Some("Validation failed"));
        let fields: Vec<&str> = err.details().iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["fname", "lname"]);
        assert_eq!(err.details()[0].message, "must not be empty");
        assert_eq!(err.operation(), Some("replace_person"));
        assert_eq!(
            err.url().map(|u| u.path()),
            Some("/api/v1/people/O%27Brien")
        );

        // An API error without details has none.
        let err = client.person("O'Brien").delete().await.unwrap_err();
        assert!(err.is_conflict() && !err.is_unprocessable());
        assert_eq!(err.message(), Some("Person 'O'Brien' was changed"));
        assert!(err.details().is_empty());
        assert_eq!(err.operation(), Some("delete_person"));

        // A body that is not the API's error shape has no message and no details.
        let err = client.person("O'Brien").get().await.unwrap_err();
        assert!(err.is_unavailable());
        assert_eq!(err.message(), None);
        assert!(err.details().is_empty());
        assert_eq!(err.raw_body_snippet(), Some("<html>down</html>"));
        assert_eq!(err.operation(), Some("get_person"));

        // Refused before sending: no call, so no operation and no URL.
        let err = client.person("a/b").delete().await.unwrap_err();
        assert!(err.is_invalid_request());
        assert_eq!(err.operation(), None);
        assert_eq!(err.url(), None);
    })
    .await;
}
