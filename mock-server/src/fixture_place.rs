//! Where in a fixture a reader is (the file, the record, the lname), so that a problem found
//! there is reported naming all three, and the checks every member shares.

use chrono::{DateTime, Datelike, Utc};
use serde_json::{Map, Value};

use crate::fixture_error::FixtureError;

/// A place in a fixture: the document itself, or one record of it.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    source: String,
    record: Option<String>,
    lname: Option<String>,
    /// The member the record's fields are under (`photo`, `attachments[1]`), if any.
    prefix: Option<String>,
}

impl Place {
    /// The top of the document.
    pub(crate) fn top(source: &str) -> Self {
        Self {
            source: source.to_string(),
            record: None,
            lname: None,
            prefix: None,
        }
    }

    /// The record at `record` (`people[2]`).
    pub(crate) fn record(source: &str, record: String) -> Self {
        Self {
            record: Some(record),
            ..Self::top(source)
        }
    }

    /// The same record, known by its lname.
    pub(crate) fn with_lname(&self, lname: &str) -> Self {
        Self {
            lname: Some(lname.to_string()),
            ..self.clone()
        }
    }

    /// The member `name` of this record (`photo`, `attachments[1]`), whose fields are
    /// reported under it.
    pub(crate) fn under(&self, name: &str) -> Self {
        let prefix = match &self.prefix {
            Some(prefix) => format!("{prefix}.{name}"),
            None => name.to_string(),
        };
        Self {
            prefix: Some(prefix),
            ..self.clone()
        }
    }

    /// The problem `problem` with `field` here (`None`: with this member as a whole).
    pub(crate) fn error(&self, field: Option<&str>, problem: impl Into<String>) -> FixtureError {
        let field = match (&self.prefix, field) {
            (Some(prefix), Some(field)) => Some(format!("{prefix}.{field}")),
            (Some(prefix), None) => Some(prefix.clone()),
            (None, field) => field.map(str::to_string),
        };
        FixtureError {
            source: self.source.clone(),
            record: self.record.clone(),
            lname: self.lname.clone(),
            field,
            problem: problem.into(),
        }
    }

    /// Refuses a member of `map` not among `known`.
    pub(crate) fn only(
        &self,
        map: &Map<String, Value>,
        known: &[&str],
    ) -> Result<(), FixtureError> {
        match map.keys().find(|k| !known.contains(&k.as_str())) {
            Some(unknown) => Err(self.error(
                Some(unknown),
                format!("is not a known member (known: {})", known.join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// The list `field` of `map`; empty when absent or null.
    pub(crate) fn list<'m>(
        &self,
        map: &'m Map<String, Value>,
        field: &str,
    ) -> Result<&'m [Value], FixtureError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(self.error(Some(field), "must be a list")),
        }
    }

    /// An optional string member.
    pub(crate) fn text<'m>(
        &self,
        map: &'m Map<String, Value>,
        field: &str,
    ) -> Result<Option<&'m str>, FixtureError> {
        match map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(self.error(Some(field), "must be a string")),
        }
    }

    /// A time: RFC 3339 with a four-digit year (1 to 9999), kept to the microsecond.
    pub(crate) fn time(&self, value: &Value, field: &str) -> Result<DateTime<Utc>, FixtureError> {
        let Value::String(text) = value else {
            return Err(self.error(Some(field), "must be an RFC 3339 date-time (a string)"));
        };
        let time = DateTime::parse_from_rfc3339(text)
            .map_err(|e| self.error(Some(field), format!("is not an RFC 3339 date-time: {e}")))?
            .with_timezone(&Utc);
        if !(1..=9999).contains(&time.year()) {
            return Err(self.error(Some(field), "must fall in the years 1 to 9999"));
        }
        Ok(DateTime::from_timestamp_micros(time.timestamp_micros()).unwrap_or(time))
    }
}
