//! What the pages that list records share: a page's worth asked of the API by cursor, the
//! links to the pages before and after (keeping the filters), and date filters.

use serde::Deserialize;
use serde_json::{json, Value};

use super::form::{date_of, Field, Kind, Sent};

/// Records to a page.
pub const PAGE: usize = 25;

/// A connection's page information, as the API gives it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// The paging variables for the page the address asks for (`after` or `before` a cursor),
/// put into `variables`.
pub fn page_of(sent: &Sent, variables: &mut Value) {
    let (after, before) = (sent.one("after"), sent.one("before"));
    if !before.is_empty() {
        variables["before"] = json!(before);
        variables["last"] = json!(PAGE);
    } else {
        variables["first"] = json!(PAGE);
        if !after.is_empty() {
            variables["after"] = json!(after);
        }
    }
}

/// The addresses of the pages before and after, at `path`, keeping the filters sent.
pub fn neighbours(path: &str, sent: &Sent, info: &PageInfo) -> (Option<String>, Option<String>) {
    let kept: Vec<(String, String)> = sent
        .0
        .iter()
        .filter(|(name, value)| name != "after" && name != "before" && !value.is_empty())
        .cloned()
        .collect();
    let link = |cursor: &Option<String>, name: &str| {
        cursor.as_ref().map(|c| {
            let mut pairs = kept.clone();
            pairs.push((name.to_owned(), c.clone()));
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        })
    };
    (
        info.has_previous_page
            .then(|| link(&info.start_cursor, "before"))
            .flatten(),
        info.has_next_page
            .then(|| link(&info.end_cursor, "after"))
            .flatten(),
    )
}

/// A date filter: what was typed (day, month, year), the day it makes, or its problem.
pub struct DateFilter {
    pub parts: (String, String, String),
    pub day: Result<Option<chrono::NaiveDate>, String>,
}

impl DateFilter {
    pub fn of(sent: &Sent, name: &'static str, label: &str) -> Self {
        let field = Field::new(name, label, Kind::Date);
        let part = |p: &str| sent.one(&format!("{name}-{p}")).to_owned();
        Self {
            parts: (part("day"), part("month"), part("year")),
            day: date_of(sent, &field),
        }
    }

    /// Puts the day, if one was given, into `filter` as `key`.
    pub fn put(&self, filter: &mut serde_json::Map<String, Value>, key: &str) {
        if let Ok(Some(day)) = self.day {
            filter.insert(key.into(), json!(day.to_string()));
        }
    }

    pub fn problem(&self) -> Option<String> {
        self.day.clone().err()
    }
}

/// The first and last days of a span asked for with two date filters (both included), or the
/// problem with them, by the id of the field it is shown at.
pub fn span(
    from: &DateFilter,
    to: &DateFilter,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), (String, String)> {
    match (&from.day, &to.day) {
        (Ok(Some(first)), Ok(Some(last))) if last >= first => Ok((*first, *last)),
        (Ok(Some(_)), Ok(Some(_))) => Err((
            "to-day".to_owned(),
            "The last day must be on or after the first".to_owned(),
        )),
        (Err(problem), _) | (_, Err(problem)) => Err(("from-day".to_owned(), problem.clone())),
        _ => Err((
            "from-day".to_owned(),
            "Enter the first and the last day".to_owned(),
        )),
    }
}

/// The two date filters of a span as `date_filters.html` draws them.
pub fn span_filters<'a>(
    from: &'a DateFilter,
    to: &'a DateFilter,
) -> [(&'static str, &'static str, &'a (String, String, String)); 2] {
    [
        ("from", "From (the first day)", &from.parts),
        ("to", "To (the last day)", &to.parts),
    ]
}

/// `value` when it is one of `list`'s names, else empty.
pub fn known(value: &str, list: &'static [(&'static str, &'static str)]) -> &'static str {
    list.iter()
        .find(|(name, _)| *name == value)
        .map_or("", |(name, _)| name)
}
