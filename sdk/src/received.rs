//! [`ReceivedName`]: a name as the server sent it.
//!
//! Reads are lenient, writes are strict. The names a client sends are
//! [`Lname`](crate::types::Lname) and [`Fname`](crate::types::Fname), valid by construction. The
//! names it receives, in [`Person`](crate::Person), are kept as the server sent them: a server
//! may hold a record that breaks the rules (written before them, or by another way than this
//! API), and one such record must not make every page that holds it unreadable, for every client.
//!
//! ```
//! use people_sdk::Person;
//! use people_sdk::types::{Lname, ReceivedName};
//!
//! let person: Person = serde_json::from_str(
//!     r#"{"fname": " Doug", "lname": "..", "timestamp": "2026-11-26T09:58:49Z"}"#,
//! )?;
//! assert_eq!(person.lname.as_str(), "..");
//! assert!(Lname::try_from(&person.lname).is_err()); // not a key any request could name
//! assert!(Lname::try_from(&ReceivedName::from("Farrell")).is_ok());
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::convert::Infallible;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A first or last name as the server sent it: any string, not checked against the API's rules.
///
/// Decoding never fails on a name, so a page that holds a record that breaks the rules (a
/// leading space, U+FEFF, a control character, `/`, `..`, 65 characters) still decodes. To send
/// the name back, check it: [`Lname::try_from`](crate::types::Lname) and
/// [`Fname::try_from`](crate::types::Fname) take a `&ReceivedName`, and every call that takes a
/// last name (`client.person(name.as_str())`, ...) checks it before anything is sent. [`Display`](fmt::Display) writes the name as sent, control characters
/// included: escape it before writing it to a terminal.
#[derive(Serialize, Deserialize, Clone, Debug, Default, Eq, Hash, Ord, PartialEq, PartialOrd)]
#[serde(transparent)]
pub struct ReceivedName(String);

impl ReceivedName {
    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for ReceivedName {
    type Target = String;
    fn deref(&self) -> &String {
        &self.0
    }
}

impl From<String> for ReceivedName {
    fn from(value: String) -> Self {
        ReceivedName(value)
    }
}

impl From<&str> for ReceivedName {
    fn from(value: &str) -> Self {
        ReceivedName(value.to_owned())
    }
}

impl From<ReceivedName> for String {
    fn from(value: ReceivedName) -> Self {
        value.0
    }
}

impl FromStr for ReceivedName {
    type Err = Infallible;
    fn from_str(value: &str) -> Result<Self, Infallible> {
        Ok(ReceivedName::from(value))
    }
}

impl fmt::Display for ReceivedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for ReceivedName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ReceivedName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
