//! Query parameters of `GET /people`, `meta.pagination` and the `Link` header.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::routes::PEOPLE_PATH;
use crate::store::{ListQuery, SortBy};

/// Largest `per_page`.
pub(crate) const MAX_PER_PAGE: u64 = 100;
/// Default `per_page`.
pub(crate) const DEFAULT_PER_PAGE: u64 = 20;
/// Longest `fname` or `lname` filter: a name is at most 64 characters, so a longer filter
/// is out of range (the spec's `maxLength`).
const MAX_FILTER_CHARS: usize = 64;

/// The validated parameters of a list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Params {
    pub(crate) page: u64,
    pub(crate) per_page: u64,
    pub(crate) sort: SortBy,
    pub(crate) descending: bool,
    pub(crate) fname: Option<String>,
    pub(crate) lname: Option<String>,
}

fn parse_int(name: &str, value: &str, min: u64, max: u64) -> Result<u64, ApiError> {
    let parsed: u64 = value
        .parse()
        .ok()
        .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| ApiError::invalid_query(name, "must be an integer"))?;
    if parsed < min || parsed > max {
        return Err(ApiError::invalid_query(
            name,
            if max == i64::MAX as u64 {
                format!("must be at least {min}")
            } else {
                format!("must be between {min} and {max}")
            },
        ));
    }
    Ok(parsed)
}

impl Params {
    /// Parses and validates the query string; unknown parameters are ignored.
    pub(crate) fn parse(query: Option<&str>) -> Result<Self, ApiError> {
        let mut params = Params {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            sort: SortBy::Lname,
            descending: false,
            fname: None,
            lname: None,
        };
        let mut seen = HashSet::new();
        let pairs = url::form_urlencoded::parse(query.unwrap_or("").as_bytes());
        for (name, value) in pairs {
            let name = name.as_ref();
            let known = ["page", "per_page", "sortby", "order", "fname", "lname"];
            let Some(name) = known.iter().find(|k| **k == name).copied() else {
                continue;
            };
            if !seen.insert(name) {
                return Err(ApiError::invalid_query(name, "must be given at most once"));
            }
            if value.is_empty() {
                return Err(ApiError::invalid_query(name, "must not be empty"));
            }
            match name {
                "page" => params.page = parse_int(name, &value, 1, i64::MAX as u64)?,
                "per_page" => params.per_page = parse_int(name, &value, 1, MAX_PER_PAGE)?,
                "sortby" => {
                    params.sort = match value.as_ref() {
                        "lname" => SortBy::Lname,
                        "fname" => SortBy::Fname,
                        "timestamp" => SortBy::Timestamp,
                        _ => {
                            return Err(ApiError::invalid_query(
                                name,
                                "must be one of lname, fname, timestamp",
                            ));
                        }
                    }
                }
                "order" => {
                    params.descending = match value.as_ref() {
                        "asc" => false,
                        "desc" => true,
                        _ => return Err(ApiError::invalid_query(name, "must be asc or desc")),
                    }
                }
                "fname" | "lname" if value.chars().count() > MAX_FILTER_CHARS => {
                    return Err(ApiError::invalid_query(
                        name,
                        format!("must be at most {MAX_FILTER_CHARS} characters"),
                    ));
                }
                "fname" => params.fname = Some(value.into_owned()),
                _ => params.lname = Some(value.into_owned()),
            }
        }
        Ok(params)
    }

    /// What to ask of the store.
    pub(crate) fn list_query(&self) -> ListQuery {
        let offset = (self.page - 1).saturating_mul(self.per_page);
        ListQuery {
            sort: self.sort,
            descending: self.descending,
            fname: self.fname.clone(),
            lname: self.lname.clone(),
            offset: usize::try_from(offset).unwrap_or(usize::MAX),
            limit: usize::try_from(self.per_page).unwrap_or(100),
        }
    }

    /// The absolute URL of another page with the same parameters, its query
    /// form-encoded (`application/x-www-form-urlencoded`).
    fn url(&self, authority: &str, page: u64) -> String {
        use std::fmt::Write as _;
        let sortby = match self.sort {
            SortBy::Lname => "lname",
            SortBy::Fname => "fname",
            SortBy::Timestamp => "timestamp",
        };
        let order = if self.descending { "desc" } else { "asc" };
        let mut url = String::with_capacity(128 + authority.len());
        // Digits and these names are left as they are by form encoding.
        let _ = write!(
            url,
            "http://{authority}{PEOPLE_PATH}?page={page}&per_page={}&sortby={sortby}&order={order}",
            self.per_page
        );
        for (name, value) in [("fname", &self.fname), ("lname", &self.lname)] {
            if let Some(value) = value {
                url.push('&');
                url.push_str(name);
                url.push('=');
                url.extend(url::form_urlencoded::byte_serialize(value.as_bytes()));
            }
        }
        url
    }
}

/// `meta.pagination` and the `Link` header value for a page.
pub(crate) fn pagination(
    params: &Params,
    total: usize,
    count: usize,
    authority: &str,
) -> (Value, String) {
    let total = total as u64;
    let total_pages = total.div_ceil(params.per_page);
    let current = params.page;
    let next = (current < total_pages).then(|| params.url(authority, current + 1));
    let previous = (current > 1 && total_pages >= 1)
        .then(|| params.url(authority, (current - 1).min(total_pages)));
    let mut links = serde_json::Map::new();
    let mut link_header = String::with_capacity(512);
    let mut add_link = |url: &str, rel: &str| {
        if !link_header.is_empty() {
            link_header.push_str(", ");
        }
        link_header.push('<');
        link_header.push_str(url);
        link_header.push_str(">; rel=\"");
        link_header.push_str(rel);
        link_header.push('"');
    };
    if let Some(next) = &next {
        add_link(next, "next");
    }
    if let Some(previous) = &previous {
        add_link(previous, "prev");
    }
    add_link(&params.url(authority, 1), "first");
    add_link(&params.url(authority, total_pages.max(1)), "last");
    if let Some(next) = next {
        links.insert("next".into(), Value::String(next));
    }
    if let Some(previous) = previous {
        links.insert("previous".into(), Value::String(previous));
    }
    let meta = json!({
        "total": total,
        "count": count,
        "per_page": params.per_page,
        "current_page": current,
        "total_pages": total_pages,
        "links": links,
    });
    (meta, link_header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_values() {
        let p = Params::parse(None).unwrap();
        assert_eq!(
            (p.page, p.per_page, p.sort, p.descending),
            (1, 20, SortBy::Lname, false)
        );
        let p = Params::parse(Some(
            "page=2&per_page=5&sortby=fname&order=desc&lname=van+der+Berg&x=1",
        ))
        .unwrap();
        assert_eq!(
            (p.page, p.per_page, p.sort, p.descending),
            (2, 5, SortBy::Fname, true)
        );
        assert_eq!(p.lname.as_deref(), Some("van der Berg"));
        let longest = "%C3%A9".repeat(64);
        let p = Params::parse(Some(&format!("fname={longest}&lname={longest}"))).unwrap();
        assert_eq!(p.fname.map(|f| f.chars().count()), Some(64));
    }

    #[test]
    fn bad_values() {
        for q in [
            "page=0",
            "page=-1",
            "page=abc",
            "page=",
            "per_page=0",
            "per_page=101",
            "sortby=age",
            "order=up",
            "page=1&page=2",
            "fname=",
            &format!("lname={}", "x".repeat(65)),
            &format!("fname={}", "%C3%A9".repeat(65)),
            "page=+1",
            "page=1.0",
        ] {
            let err = Params::parse(Some(q)).unwrap_err();
            assert_eq!(err.code, 400_002, "{q}");
        }
    }

    #[test]
    fn urls_are_form_encoded() {
        fn reference(p: &Params, authority: &str, page: u64) -> String {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("page", &page.to_string());
            query.append_pair("per_page", &p.per_page.to_string());
            let sortby = match p.sort {
                SortBy::Lname => "lname",
                SortBy::Fname => "fname",
                SortBy::Timestamp => "timestamp",
            };
            query.append_pair("sortby", sortby);
            query.append_pair("order", if p.descending { "desc" } else { "asc" });
            if let Some(fname) = &p.fname {
                query.append_pair("fname", fname);
            }
            if let Some(lname) = &p.lname {
                query.append_pair("lname", lname);
            }
            format!("http://{authority}/api/v1/people?{}", query.finish())
        }
        for q in [
            "",
            "page=3&per_page=7&sortby=timestamp&order=desc",
            "sortby=fname&fname=Zo%C3%AB+%22Q%22&lname=a%26b%3Dc%2Fd%25",
            "lname=van+der+Berg&fname=%E6%9D%8E",
        ] {
            let p = Params::parse(Some(q)).unwrap();
            for page in [1, 2, 99, u64::MAX] {
                assert_eq!(p.url("h:1", page), reference(&p, "h:1", page), "{q}");
            }
        }
    }

    #[test]
    fn links() {
        let p = Params::parse(Some("page=2&per_page=1")).unwrap();
        let (meta, link) = pagination(&p, 3, 1, "h:1");
        assert_eq!(meta["total_pages"], 3);
        assert!(meta["links"]["next"].as_str().unwrap().contains("page=3"));
        assert!(
            meta["links"]["previous"]
                .as_str()
                .unwrap()
                .contains("page=1")
        );
        assert!(link.contains("rel=\"next\"") && link.contains("rel=\"last\""));
        let past = Params::parse(Some("page=9&per_page=1")).unwrap();
        let (meta, _) = pagination(&past, 3, 0, "h:1");
        assert!(meta["links"].get("next").is_none());
        assert!(
            meta["links"]["previous"]
                .as_str()
                .unwrap()
                .contains("page=3")
        );
        let (meta, link) = pagination(&Params::parse(None).unwrap(), 0, 0, "h:1");
        assert_eq!(meta["total_pages"], 0);
        assert!(meta["links"].as_object().unwrap().is_empty());
        assert!(link.contains("page=1&per_page=20"));
    }
}
