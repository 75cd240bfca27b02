//! People: the collection ([`People`]) and one person ([`PersonRef`]).
//!
//! A person's key is its last name, `lname`: case-sensitive, 1 to 64 characters, any Unicode
//! except control characters and `/`, no leading or trailing white space, not `.` or `..` (URLs
//! resolve those path segments, so the request would reach another route). Names such as
//! `O'Brien`, `Lévi-Strauss`, `van der Berg`, `100%` and `李` are ordinary keys: the SDK
//! percent-encodes them as one path segment. An invalid name is refused before anything is sent,
//! with [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest).
//!
//! ```
//! use people_sdk::{ETag, types::PersonPatch};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = people_mock::PeopleMock::start().await;
//! # let client = people_sdk::Client::builder()
//! #     .base_url(mock.base_url())
//! #     .client_credentials(mock.client_id(), mock.client_secret())
//! #     .build()?;
//! client.people().create("Claude", "Lévi-Strauss").await?;
//! let levi = client.person("Lévi-Strauss");
//! let person = levi.get().await?;
//! let etag = person.etag().cloned().unwrap_or_else(ETag::any);
//!
//! let written = levi.update("Claude Gustave").if_match(etag).await?;
//! let patch = PersonPatch { fname: Some("Claude".parse()?), lname: None };
//! levi.patch(patch).if_match(written.etag().cloned().unwrap_or_else(ETag::any)).await?;
//! levi.delete().await?;
//! assert!(levi.get().await.unwrap_err().is_gone());
//! # Ok(())
//! # }
//! ```

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use http::Method;

use crate::client::Client;
use crate::error::Error;
use crate::names::name_problem;
use crate::rate_limit::RateLimit;
use crate::response::{ETag, Fetched, Written};
use crate::route;
use crate::transport::{Call, Transport};
use crate::types::{self, NewPerson, Person, PersonPatch};

/// The future of a call, as returned by the `IntoFuture` implementations of the builders.
pub type CallFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// Checks a last name against the API's rules, with a reason a person can act on.
pub(crate) fn validate_lname(lname: &str) -> Result<types::Lname, Error> {
    check_lname(lname)?;
    Ok(lname.parse()?)
}

/// Checks a first name against the API's rules.
pub(crate) fn validate_fname(fname: &str) -> Result<types::Fname, Error> {
    match name_problem(fname, false) {
        None => Ok(fname.parse()?),
        Some(problem) => Err(Error::invalid_request(format!(
            "invalid fname {fname:?}: {problem}"
        ))),
    }
}

/// Checks a last name used in a path, without building a [`types::Lname`].
pub(crate) fn check_lname(lname: &str) -> Result<(), Error> {
    match name_problem(lname, true) {
        None => Ok(()),
        Some(problem) => Err(Error::invalid_request(format!(
            "invalid lname {lname:?}: {problem}"
        ))),
    }
}

/// The people collection, from [`Client::people`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until one of its methods is called"]
pub struct People {
    client: Client,
}

impl People {
    pub(crate) fn new(client: Client) -> Self {
        People { client }
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// Creates a person. Returns the new person's `ETag` and `Location`.
    ///
    /// A name that exists fails with `409` ([`Error::is_conflict`]); a deleted name is created
    /// again.
    pub async fn create(
        &self,
        fname: impl Into<String>,
        lname: impl Into<String>,
    ) -> Result<Written, Error> {
        let (fname, lname) = (fname.into(), lname.into());
        let body = NewPerson {
            fname: validate_fname(&fname)?,
            lname: validate_lname(&lname)?,
        };
        let url = self.client.url(&["people"])?;
        let call = Call::new("create_person", route::PEOPLE, Method::POST, url)
            .accept_json()
            .json("application/json", &body)?;
        self.client.transport().write(call, None).await
    }
}

/// One person, by last name, from [`Client::person`]. Nothing is sent until a method is called.
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until one of its methods is called"]
pub struct PersonRef {
    client: Client,
    lname: String,
}

impl PersonRef {
    pub(crate) fn new(client: Client, lname: String) -> Self {
        PersonRef { client, lname }
    }

    /// The last name this refers to.
    pub fn lname(&self) -> &str {
        &self.lname
    }

    /// What sends the calls about this person.
    pub(crate) fn transport(&self) -> &Transport {
        self.client.transport()
    }

    /// The URL of this person, or of something under it.
    pub(crate) fn url(&self, rest: &[&str]) -> Result<url::Url, Error> {
        check_lname(&self.lname)?;
        // At most four segments: on the stack.
        let mut segments = ["people", self.lname.as_str(), "", ""];
        let count = 2 + rest.len();
        segments
            .get_mut(2..count)
            .ok_or_else(|| Error::invalid_request("too many path segments"))?
            .copy_from_slice(rest);
        self.client.url(&segments[..count])
    }

    /// Reads the person with its `ETag`.
    ///
    /// A name never created fails with `404` ([`Error::is_not_found`]), a deleted one with `410`
    /// ([`Error::is_gone`]).
    pub async fn get(&self) -> Result<Fetched<Person>, Error> {
        let call =
            Call::new("get_person", route::PERSON, Method::GET, self.url(&[])?).accept_json();
        let (person, (etag, rate_limit)) = self
            .client
            .transport()
            .json_with::<Person, _>(call, "person", |resp| {
                (ETag::from_headers(resp.headers()), RateLimit::of(resp))
            })
            .await?;
        Ok(Fetched::from_parts(person, etag, rate_limit))
    }

    /// The person's `ETag` without its body (`HEAD`). Fails like [`get`](Self::get) when the
    /// person does not exist.
    pub async fn etag(&self) -> Result<Option<ETag>, Error> {
        let call =
            Call::new("head_person", route::PERSON, Method::HEAD, self.url(&[])?).accept_json();
        let resp = self.client.transport().execute(&call).await?;
        Ok(ETag::from_headers(resp.headers()))
    }

    /// Replaces the first name (`PUT`). Send it with `.await` or [`UpdatePerson::send`];
    /// make it conditional with [`UpdatePerson::if_match`].
    pub fn update(&self, fname: impl Into<String>) -> UpdatePerson {
        UpdatePerson {
            person: self.clone(),
            fname: fname.into(),
            if_match: None,
        }
    }

    /// Applies a JSON merge patch (`PATCH`, `application/merge-patch+json`). An empty patch
    /// changes nothing. Send it with `.await` or [`PatchPerson::send`].
    pub fn patch(&self, patch: PersonPatch) -> PatchPerson {
        PatchPerson {
            person: self.clone(),
            patch,
            if_match: None,
        }
    }

    /// Deletes the person with its photo and attachments; afterwards its name answers `410`
    /// until it is created again. Send it with `.await` or [`DeletePerson::send`].
    pub fn delete(&self) -> DeletePerson {
        DeletePerson {
            person: self.clone(),
            if_match: None,
        }
    }
}

macro_rules! into_future {
    ($builder:ty, $output:ty) => {
        impl IntoFuture for $builder {
            type Output = Result<$output, Error>;
            type IntoFuture = CallFuture<$output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use into_future;

/// Replaces a person's first name; from [`PersonRef::update`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until it is awaited or sent"]
pub struct UpdatePerson {
    person: PersonRef,
    fname: String,
    if_match: Option<ETag>,
}

impl UpdatePerson {
    /// Only if the person's current `ETag` is this one (else `412`, nothing changed).
    pub fn if_match(mut self, etag: impl Into<ETag>) -> Self {
        self.if_match = Some(etag.into());
        self
    }

    /// Sends the update; returns the new `ETag`.
    pub async fn send(self) -> Result<Written, Error> {
        let body = NewPerson {
            fname: validate_fname(&self.fname)?,
            lname: validate_lname(&self.person.lname)?,
        };
        let call = Call::new(
            "replace_person",
            route::PERSON,
            Method::PUT,
            self.person.url(&[])?,
        )
        .accept_json()
        .json("application/json", &body)?;
        self.person
            .client
            .transport()
            .write(call, self.if_match.as_ref())
            .await
    }
}

into_future!(UpdatePerson, Written);

/// Patches a person; from [`PersonRef::patch`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until it is awaited or sent"]
pub struct PatchPerson {
    person: PersonRef,
    patch: PersonPatch,
    if_match: Option<ETag>,
}

impl PatchPerson {
    /// Only if the person's current `ETag` is this one (else `412`, nothing changed).
    pub fn if_match(mut self, etag: impl Into<ETag>) -> Self {
        self.if_match = Some(etag.into());
        self
    }

    /// Sends the patch; returns the new `ETag`.
    pub async fn send(self) -> Result<Written, Error> {
        let call = Call::new(
            "patch_person",
            route::PERSON,
            Method::PATCH,
            self.person.url(&[])?,
        )
        .accept_json()
        .json("application/merge-patch+json", &self.patch)?;
        self.person
            .client
            .transport()
            .write(call, self.if_match.as_ref())
            .await
    }
}

into_future!(PatchPerson, Written);

/// Deletes a person; from [`PersonRef::delete`].
#[derive(Clone, Debug)]
#[must_use = "nothing is sent until it is awaited or sent"]
pub struct DeletePerson {
    person: PersonRef,
    if_match: Option<ETag>,
}

impl DeletePerson {
    /// Only if the person's current `ETag` is this one (else `412`, nothing deleted).
    pub fn if_match(mut self, etag: impl Into<ETag>) -> Self {
        self.if_match = Some(etag.into());
        self
    }

    /// Sends the delete.
    pub async fn send(self) -> Result<(), Error> {
        let call = Call::new(
            "delete_person",
            route::PERSON,
            Method::DELETE,
            self.person.url(&[])?,
        )
        .accept_json();
        self.person
            .client
            .transport()
            .write(call, self.if_match.as_ref())
            .await
            .map(|_| ())
    }
}

into_future!(DeletePerson, ());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_with_reasons() {
        for ok in ["O'Brien", "Lévi-Strauss", "van der Berg", "100%", "李", "a"] {
            validate_lname(ok).unwrap();
        }
        for (bad, why) in [
            ("", "empty"),
            (" Farrell", "white space"),
            ("Farrell ", "white space"),
            ("a/b", "'/'"),
            ("a\nb", "control"),
            ("a\u{85}b", "control"),
            (".", "'.' or '..'"),
            ("..", "'.' or '..'"),
        ] {
            let err = validate_lname(bad).unwrap_err();
            assert!(err.is_invalid_request());
            assert!(err.to_string().contains(why), "{bad:?}: {err}");
        }
        let long = "x".repeat(65);
        assert!(
            validate_lname(&long)
                .unwrap_err()
                .to_string()
                .contains("64")
        );
        assert!(validate_lname(&"李".repeat(64)).is_ok());
        assert!(validate_fname("a/b").is_ok());
    }
}
