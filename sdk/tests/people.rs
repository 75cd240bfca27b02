//! People routes against the mock: create, read, update, patch, delete, and their errors.

mod support;

use people_sdk::types::PersonPatch;
use people_sdk::{Client, ETag, ErrorKind};
use support::{client, client_builder, mock, within};

#[tokio::test]
async fn create_get_update_patch_delete() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);

        let created = client.people().create("Homer", "Simpson").await.unwrap();
        assert_eq!(created.location(), Some("/api/v1/people/Simpson"));
        let created_etag = created.etag().cloned().expect("ETag on create");

        let homer = client.person("Simpson");
        let fetched = homer.get().await.unwrap();
        assert_eq!(fetched.fname.as_str(), "Homer");
        assert_eq!(fetched.lname.as_str(), "Simpson");
        assert_eq!(fetched.etag(), Some(&created_etag));
        assert_eq!(homer.etag().await.unwrap(), Some(created_etag.clone()));

        let updated = homer
            .update("Homer J.")
            .if_match(&created_etag)
            .await
            .unwrap();
        let updated_etag = updated.etag().cloned().expect("ETag on update");
        assert_ne!(updated_etag, created_etag);
        assert_eq!(mock.person("Simpson").unwrap().fname, "Homer J.");

        let patch = PersonPatch {
            fname: Some("Max".parse().unwrap()),
            lname: None,
        };
        let patched = homer
            .patch(patch)
            .if_match(updated_etag)
            .send()
            .await
            .unwrap();
        assert_eq!(homer.get().await.unwrap().fname.as_str(), "Max");
        assert_eq!(homer.get().await.unwrap().etag(), patched.etag());

        // An empty patch changes nothing.
        let before = homer.get().await.unwrap();
        homer.patch(PersonPatch::default()).await.unwrap();
        let after = homer.get().await.unwrap();
        assert_eq!(before.etag(), after.etag());
        assert_eq!(before.timestamp, after.timestamp);

        homer
            .delete()
            .if_match(after.etag().unwrap())
            .await
            .unwrap();
        assert!(mock.person("Simpson").is_none());
    })
    .await;
}

#[tokio::test]
async fn not_found_gone_and_back() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);

        let err = client.person("Nobody").get().await.unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
        assert_eq!(err.error(), Some("person_not_found"));
        assert_eq!(err.error_code(), Some(404001));
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
        assert!(err.rate_limit().is_some());
        assert!(err.to_string().contains("404"), "{err}");

        let farrell = client.person("Farrell");
        farrell.delete().await.unwrap();
        for err in [
            farrell.get().await.unwrap_err(),
            farrell.etag().await.unwrap_err(),
            farrell.update("Doug").await.unwrap_err(),
            farrell.patch(PersonPatch::default()).await.unwrap_err(),
            farrell.delete().await.unwrap_err(),
            farrell.photo().bytes().await.unwrap_err(),
            farrell.attachments().list().await.unwrap_err(),
        ] {
            assert!(err.is_gone(), "{err:?}");
            assert_eq!(err.kind(), ErrorKind::Gone);
        }
        // A deleted key can be created again.
        client.people().create("Doug", "Farrell").await.unwrap();
        assert_eq!(farrell.get().await.unwrap().fname.as_str(), "Doug");

        // A never-created key is 404 on writes too; PUT does not create.
        let err = client.person("Nobody").update("X").await.unwrap_err();
        assert!(err.is_not_found());
    })
    .await;
}

#[tokio::test]
async fn conflicts_and_preconditions() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);

        let err = client.people().create("Doug", "Farrell").await.unwrap_err();
        assert!(err.is_conflict(), "{err:?}");
        assert_eq!(err.error(), Some("person_exists"));

        let farrell = client.person("Farrell");
        let stale = farrell.get().await.unwrap().etag().cloned().unwrap();
        farrell.update("Douglas").await.unwrap();
        for err in [
            farrell.update("Dougie").if_match(&stale).await.unwrap_err(),
            farrell
                .patch(PersonPatch {
                    fname: Some("Dougie".parse().unwrap()),
                    lname: None,
                })
                .if_match(&stale)
                .await
                .unwrap_err(),
            farrell.delete().if_match(&stale).await.unwrap_err(),
        ] {
            assert!(err.is_precondition_failed(), "{err:?}");
            assert_eq!(err.error_code(), Some(412001));
        }
        assert_eq!(mock.person("Farrell").unwrap().fname, "Douglas");

        // `*` matches whatever exists.
        farrell.update("Doug").if_match(ETag::any()).await.unwrap();
        // A weak tag never matches.
        let err = farrell
            .delete()
            .if_match("W/\"whatever\"")
            .await
            .unwrap_err();
        assert!(err.is_precondition_failed());
        // A malformed If-Match is the server's 400.
        let err = farrell.delete().if_match("not-a-tag\"").await.unwrap_err();
        assert!(err.is_bad_request(), "{err:?}");
        assert_eq!(err.error(), Some("invalid_header"));
    })
    .await;
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    within(async {
        let mock = mock().await;
        let client = client(&mock);
        mock.clear_journal();

        let long = "x".repeat(65);
        let errors = [
            client.person("").get().await.unwrap_err(),
            client.person("a/b").get().await.unwrap_err(),
            client.person(" Farrell").get().await.unwrap_err(),
            client.person(long.as_str()).get().await.unwrap_err(),
            client.people().create("", "Simpson").await.unwrap_err(),
            client
                .people()
                .create("Homer", "Sim\u{7}pson")
                .await
                .unwrap_err(),
            client.person("Farrell").update("  ").await.unwrap_err(),
            client.person("a/b").delete().await.unwrap_err(),
            client.people().list().per_page(0).send().await.unwrap_err(),
            client
                .people()
                .list()
                .per_page(101)
                .send()
                .await
                .unwrap_err(),
            client.people().list().page(0).send().await.unwrap_err(),
            client.people().list().fname("").send().await.unwrap_err(),
            client
                .person("Farrell")
                .attachments()
                .download("")
                .await
                .unwrap_err(),
        ];
        for err in errors {
            assert!(err.is_invalid_request(), "{err:?}");
            assert!(err.status().is_none());
        }
        assert!(mock.journal().is_empty(), "nothing may be sent");
        // Conversions of the generated types turn into the same kind with `?`.
        fn parse() -> Result<people_sdk::types::Fname, people_sdk::Error> {
            Ok("".parse()?)
        }
        assert!(parse().unwrap_err().is_invalid_request());
    })
    .await;
}

#[tokio::test]
async fn scopes_and_missing_credentials() {
    within(async {
        let mock = mock().await;

        // No credentials at all: the server's 401 missing_token, not replayed.
        let anonymous = Client::builder().base_url(mock.uri()).build().unwrap();
        let err = anonymous.person("Farrell").get().await.unwrap_err();
        assert!(err.is_unauthorized(), "{err:?}");
        assert_eq!(err.error(), Some("missing_token"));
        assert!(anonymous.token_info().await.unwrap_err().kind() == ErrorKind::Config);

        // A read-only client can read but not write.
        let reader = Client::builder()
            .base_url(mock.base_url())
            .client_credentials("reader", "reader-secret")
            .build()
            .unwrap();
        reader.person("Farrell").get().await.unwrap();
        let info = reader.token_info().await.unwrap();
        assert!(info.has_scope("people:read"));
        assert!(!info.has_scope("people:write"));
        let err = reader
            .people()
            .create("Homer", "Simpson")
            .await
            .unwrap_err();
        assert!(err.is_forbidden(), "{err:?}");
        assert_eq!(err.error(), Some("insufficient_scope"));

        // Asking for fewer scopes than allowed.
        let narrowed = client_builder(&mock)
            .scopes(["people:read"])
            .build()
            .unwrap();
        assert_eq!(narrowed.token_info().await.unwrap().scopes, ["people:read"]);
        assert!(
            narrowed
                .person("Farrell")
                .delete()
                .await
                .unwrap_err()
                .is_forbidden()
        );

        // A fixed token the server does not know: 401 invalid_token, and no replay possible.
        let bogus = Client::builder()
            .base_url(mock.base_url())
            .bearer_token("at_unknown")
            .build()
            .unwrap();
        let err = bogus.person("Farrell").get().await.unwrap_err();
        assert!(err.is_unauthorized());
        assert_eq!(err.error(), Some("invalid_token"));
    })
    .await;
}

#[tokio::test]
async fn rate_limits_are_reported_and_429_is_typed() {
    within(async {
        let mock = people_mock::PeopleMock::builder()
            .rate_limit(3, std::time::Duration::from_secs(60))
            .start()
            .await;
        let client = client_builder(&mock).no_retry().build().unwrap();
        assert_eq!(client.last_rate_limit(), None);
        let fetched = client.person("Farrell").get().await.unwrap();
        let rl = fetched.rate_limit().unwrap();
        assert_eq!((rl.limit, rl.remaining), (3, 2));
        assert_eq!(client.last_rate_limit(), Some(rl));
        client.person("Farrell").get().await.unwrap();
        client.person("Farrell").get().await.unwrap();
        let err = client.person("Farrell").get().await.unwrap_err();
        assert!(err.is_rate_limited(), "{err:?}");
        assert!(err.is_retryable());
        assert!(err.retry_after().is_some());
        assert_eq!(err.rate_limit().map(|r| r.remaining), Some(0));
        assert_eq!(client.last_rate_limit().map(|r| r.remaining), Some(0));
        // Clones share what they saw.
        assert_eq!(client.clone().last_rate_limit().map(|r| r.limit), Some(3));
    })
    .await;
}
