//! [`FixtureError`]: why a fixture (or a state sent to `PUT /__mock/state`) was refused.

use crate::errors::{ApiError, Detail};

/// Why a fixture was refused: one problem, naming the file, the record and the field. Nothing
/// of a refused fixture is loaded.
///
/// ```
/// let error = people_mock::Fixture::from_json(r#"{"people": [{"fname": "Ada"}]}"#).unwrap_err();
/// assert_eq!(error.record(), Some(r#"people[0]"#));
/// assert_eq!(error.field(), Some("lname"));
/// assert_eq!(error.to_string(), "fixture: people[0]: lname: is required");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError {
    pub(crate) source: String,
    /// Where the record sits: `people[2]`, `gone[0]`.
    pub(crate) record: Option<String>,
    /// The record's lname, when it has a usable one.
    pub(crate) lname: Option<String>,
    /// The member, dotted from the record: `photo.file`, `attachments[1].sha256`.
    pub(crate) field: Option<String>,
    pub(crate) problem: String,
}

impl FixtureError {
    /// A problem with the document as a whole (it cannot be read, or is not JSON).
    pub(crate) fn whole(source: &str, problem: impl Into<String>) -> Self {
        Self {
            source: source.to_string(),
            record: None,
            lname: None,
            field: None,
            problem: problem.into(),
        }
    }

    /// The fixture's file as given, or `fixture` for one given as text, or `request body`.
    pub fn file(&self) -> &str {
        &self.source
    }

    /// The record at fault, as its place in the document (`people[2]`), if the problem is in
    /// one.
    pub fn record(&self) -> Option<&str> {
        self.record.as_deref()
    }

    /// The record's lname, when it has a valid one.
    pub fn lname(&self) -> Option<&str> {
        self.lname.as_deref()
    }

    /// The field at fault, from the record (`photo.file`, `attachments[1].data`).
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The `422` of `PUT /__mock/state`: the record and field as the detail's `field`.
    pub(crate) fn to_api_error(&self) -> ApiError {
        let field = match (&self.record, &self.field) {
            (Some(record), Some(field)) => format!("{record}.{field}"),
            (Some(record), None) => record.clone(),
            (None, Some(field)) => field.clone(),
            (None, None) => String::new(),
        };
        let problem = match &self.lname {
            Some(lname) => format!(
                "{} (the record of '{}')",
                self.problem,
                crate::errors::printable(lname)
            ),
            None => self.problem.clone(),
        };
        ApiError::validation(vec![Detail::new(field, problem)])
    }
}

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(record) = &self.record {
            write!(f, ": {record}")?;
            if let Some(lname) = &self.lname {
                write!(f, " ({})", crate::errors::printable(lname))?;
            }
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for FixtureError {}
