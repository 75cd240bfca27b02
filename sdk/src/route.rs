//! The API's route templates, written as the spec writes its paths (relative to the base URL).
//!
//! Spans record the template of a call, never the path it was sent to: that path holds a
//! person's last name, which is personal data and has no place in logs or traces.

/// `GET`, `HEAD` and `POST /people`.
pub(crate) const PEOPLE: &str = "/people";
/// One person.
pub(crate) const PERSON: &str = "/people/{lname}";
/// A person's photo.
pub(crate) const PHOTO: &str = "/people/{lname}/photo";
/// A person's attachments.
pub(crate) const ATTACHMENTS: &str = "/people/{lname}/attachments";
/// One attachment.
pub(crate) const ATTACHMENT: &str = "/people/{lname}/attachments/{id}";
/// The OAuth 2.0 token endpoint.
pub(crate) const TOKEN: &str = "/oauth/token";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_a_path_of_the_spec() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/people.yaml");
        let text = std::fs::read_to_string(path).expect("the spec");
        let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("YAML");
        let paths = spec["paths"].as_mapping().expect("paths");
        for route in [PEOPLE, PERSON, PHOTO, ATTACHMENTS, ATTACHMENT, TOKEN] {
            assert!(paths.contains_key(route), "{route} is not in the spec");
        }
    }
}
