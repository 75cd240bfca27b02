//! What calls return besides the resource: [`ETag`], [`Fetched`] and [`Written`].
//!
//! Reads return a [`Fetched`] with the resource and its `ETag`; writes return a [`Written`] with
//! the new `ETag` (where the server sends one) and the `Location`. Give an `ETag` back to a
//! write's `if_match` to make it conditional: if someone changed the person in between, the write
//! fails with [`ErrorKind::PreconditionFailed`](crate::ErrorKind::PreconditionFailed) and changes
//! nothing.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = people_mock::PeopleMock::start().await;
//! # let client = people_sdk::Client::builder()
//! #     .base_url(mock.base_url())
//! #     .client_credentials(mock.client_id(), mock.client_secret())
//! #     .build()?;
//! let farrell = client.person("Farrell");
//! let current = farrell.get().await?;
//! println!("{} {}", current.fname.as_str(), current.lname.as_str());
//! let etag = current.etag().cloned().unwrap_or_else(people_sdk::ETag::any);
//! let written = farrell.update("Douglas").if_match(etag).await?;
//! println!("new ETag: {:?}", written.etag());
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::ops::Deref;

use http::HeaderMap;
use http::header::{ETAG, LOCATION};

use crate::rate_limit::RateLimit;

/// An entity tag, as sent in `ETag` and `If-Match` (quotes included: `"3f9a0c2e"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ETag(String);

impl ETag {
    /// An entity tag from its wire form, quotes included (`"\"3f9a0c2e\""`). A value without
    /// quotes gets them, so `ETag::new("3f9a")` is `"3f9a"`.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        let trimmed = value.trim();
        if trimmed == "*" || trimmed.ends_with('"') {
            ETag(trimmed.to_owned())
        } else {
            ETag(format!("\"{trimmed}\""))
        }
    }

    /// `*`: as an `If-Match`, matches whatever the current representation is (the write then
    /// only requires that the resource exists).
    pub fn any() -> Self {
        ETag("*".to_owned())
    }

    /// The wire form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a weak tag (`W/"..."`), which `If-Match` never matches.
    pub fn is_weak(&self) -> bool {
        self.0.starts_with("W/")
    }

    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<ETag> {
        let value = headers.get(ETAG)?.to_str().ok()?.trim();
        (!value.is_empty()).then(|| ETag(value.to_owned()))
    }
}

impl fmt::Display for ETag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ETag {
    fn from(value: &str) -> Self {
        ETag::new(value)
    }
}

impl From<String> for ETag {
    fn from(value: String) -> Self {
        ETag::new(value)
    }
}

impl From<&ETag> for ETag {
    fn from(value: &ETag) -> Self {
        value.clone()
    }
}

/// A resource as read, with its `ETag` and the rate-limit headers of the response.
///
/// Derefs to the resource, so `fetched.fname` works; [`Fetched::into_inner`] takes it out.
#[derive(Clone, Debug)]
pub struct Fetched<T> {
    value: T,
    etag: Option<ETag>,
    rate_limit: Option<RateLimit>,
}

impl<T> Fetched<T> {
    pub(crate) fn from_parts(value: T, etag: Option<ETag>, rate_limit: Option<RateLimit>) -> Self {
        Fetched {
            value,
            etag,
            rate_limit,
        }
    }

    /// The resource.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Takes the resource out.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The resource and its `ETag`.
    pub fn into_parts(self) -> (T, Option<ETag>) {
        (self.value, self.etag)
    }

    /// The `ETag` of the resource, for a later `if_match`.
    pub fn etag(&self) -> Option<&ETag> {
        self.etag.as_ref()
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }
}

impl<T> Deref for Fetched<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// The outcome of a successful write: the new `ETag` and the `Location`, where the server sent
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    etag: Option<ETag>,
    location: Option<String>,
    rate_limit: Option<RateLimit>,
}

impl Written {
    pub(crate) fn from_response(response: &reqwest::Response) -> Self {
        let headers = response.headers();
        Written {
            etag: ETag::from_headers(headers),
            location: headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            rate_limit: RateLimit::of(response),
        }
    }

    /// The `ETag` of what was written (after a create, update, patch or photo upload).
    pub fn etag(&self) -> Option<&ETag> {
        self.etag.as_ref()
    }

    /// The `Location` of what was created, as the server sent it (a path such as
    /// `/api/v1/people/L%C3%A9vi-Strauss`).
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The rate-limit headers of the response.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_quoted() {
        assert_eq!(ETag::new("abc").as_str(), "\"abc\"");
        assert_eq!(ETag::new("\"abc\"").as_str(), "\"abc\"");
        assert_eq!(ETag::new("W/\"abc\"").as_str(), "W/\"abc\"");
        assert!(ETag::new("W/\"abc\"").is_weak());
        assert_eq!(ETag::any().as_str(), "*");
        assert_eq!(ETag::from("*").as_str(), "*");
    }

    #[test]
    fn into_inner_gives_the_resource_back() {
        let fetched = Fetched::from_parts(vec!["Farrell"], Some(ETag::new("abc")), None);
        assert_eq!(fetched.len(), 1, "derefs to the resource");
        assert_eq!(fetched.into_inner(), vec!["Farrell"]);
        let (value, etag) = Fetched::from_parts(7u8, Some(ETag::new("abc")), None).into_parts();
        assert_eq!((value, etag.unwrap().as_str()), (7, "\"abc\""));
    }
}
