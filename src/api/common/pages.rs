//! Relay connections: every list that grows is paged with `first`/`after` (forwards) or
//! `last`/`before` (backwards), by cursors that name a record's place in the list's order
//! rather than a count, so a page stays in place while records are added.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{ObjectType, OutputType};
use chrono::NaiveDate;
use uuid::Uuid;

use super::error::ApiError;

/// The largest page any list returns.
pub const MAX_PAGE: usize = 200;
/// The page returned when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: usize = 50;

/// A page of `T`, as every connection in the schema answers, with `F`'s fields beside its
/// edges (a total, say).
pub type Page<T, F = EmptyFields> = Connection<String, T, F, EmptyFields>;

/// A list's cost in the query-complexity limit: each element's cost times the page asked for
/// (the default page when neither bound is given), so wide pages of deep objects are refused
/// up front.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let asked = first.or(last);
    let page = asked.map_or(DEFAULT_PAGE, |n| n.clamp(0, MAX_PAGE as i32) as usize);
    page.max(1) * child_complexity + 1
}

/// Where a record sits in its list's order; the cursor is this key written out.
pub trait CursorKey: Ord + Sized {
    fn encode(&self) -> String;
    fn decode(cursor: &str) -> Option<Self>;
}

/// A log position: the order records were created in.
impl CursorKey for i64 {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(cursor: &str) -> Option<Self> {
        cursor.parse().ok()
    }
}

/// A code, such as an organisation's ODS code.
impl CursorKey for String {
    fn encode(&self) -> String {
        self.clone()
    }
    fn decode(cursor: &str) -> Option<Self> {
        (!cursor.is_empty()).then(|| cursor.to_owned())
    }
}

/// A date, then an id to order records of the same day.
impl CursorKey for (NaiveDate, Uuid) {
    fn encode(&self) -> String {
        format!("{}~{}", self.0, self.1)
    }
    fn decode(cursor: &str) -> Option<Self> {
        let (day, id) = cursor.split_once('~')?;
        Some((day.parse().ok()?, id.parse().ok()?))
    }
}

/// The page a client asked for: `first` records after `after`, or `last` records before
/// `before` (both cursors may be given, bounding the list at both ends).
#[derive(Debug, Default, Clone)]
pub struct Window {
    first: Option<usize>,
    last: Option<usize>,
    after: Option<String>,
    before: Option<String>,
}

fn size(name: &str, n: Option<i32>) -> Result<Option<usize>, ApiError> {
    match n {
        None => Ok(None),
        Some(n) if n >= 0 && (n as usize) <= MAX_PAGE => Ok(Some(n as usize)),
        Some(_) => Err(ApiError::Validation(format!(
            "{name}: must be between 0 and {MAX_PAGE}"
        ))),
    }
}

impl Window {
    /// Checks a connection's four arguments.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Self, ApiError> {
        let window = Self {
            first: size("first", first)?,
            last: size("last", last)?,
            after,
            before,
        };
        if window.first.is_some() && window.last.is_some() {
            return Err(ApiError::Validation(
                "first, last: give one of them, not both (first pages forwards, last backwards)"
                    .into(),
            ));
        }
        Ok(window)
    }

    /// The forward page's size and cursor, when only the records after `after` (and a page of
    /// them) need reading: neither `last` nor `before` was given.
    pub fn forwards<K: CursorKey>(&self) -> Option<(Option<K>, usize)> {
        if self.last.is_some() || self.before.is_some() {
            return None;
        }
        let after = self.after.as_deref().and_then(K::decode);
        Some((after, self.first.unwrap_or(DEFAULT_PAGE)))
    }

    /// The page of `items`, which are in their list's order by key. Items before `after` may
    /// already have been left out by the reader (see [`Self::forwards`]).
    pub fn page<K: CursorKey, T: OutputType>(
        &self,
        items: Vec<(K, T)>,
    ) -> Result<Page<T>, ApiError> {
        self.page_with(items, EmptyFields)
    }

    /// [`Self::page`], with `fields` beside the edges.
    pub fn page_with<K: CursorKey, T: OutputType, F: ObjectType>(
        &self,
        items: Vec<(K, T)>,
        fields: F,
    ) -> Result<Page<T, F>, ApiError> {
        debug_assert!(
            items.windows(2).all(|w| w[0].0 < w[1].0),
            "a list out of order"
        );
        let after = cursor::<K>("after", self.after.as_deref())?;
        let before = cursor::<K>("before", self.before.as_deref())?;
        let total = items.len();
        let start = after
            .as_ref()
            .map_or(0, |a| items.partition_point(|(k, _)| k <= a));
        let end = before
            .as_ref()
            .map_or(total, |b| items.partition_point(|(k, _)| k < b))
            .max(start);
        let (from, to) = match (self.first, self.last) {
            (_, Some(last)) => (end.saturating_sub(last).max(start), end),
            (first, None) => (start, (start + first.unwrap_or(DEFAULT_PAGE)).min(end)),
        };
        let mut connection = Connection::with_additional_fields(
            from > 0 || self.after.is_some(),
            to < total || self.before.is_some(),
            fields,
        );
        connection.edges.extend(
            items
                .into_iter()
                .skip(from)
                .take(to - from)
                .map(|(k, item)| Edge::new(k.encode(), item)),
        );
        Ok(connection)
    }
}

fn cursor<K: CursorKey>(name: &str, cursor: Option<&str>) -> Result<Option<K>, ApiError> {
    cursor
        .map(|c| {
            K::decode(c).ok_or_else(|| {
                ApiError::Validation(format!("{name}: is not a cursor from this list"))
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(page: &Page<i64>) -> Vec<i64> {
        page.edges.iter().map(|e| e.node).collect()
    }

    fn list(n: i64) -> Vec<(i64, i64)> {
        (1..=n).map(|k| (k * 10, k * 10)).collect()
    }

    fn window(
        first: Option<i32>,
        after: Option<&str>,
        last: Option<i32>,
        before: Option<&str>,
    ) -> Window {
        Window::new(first, after.map(Into::into), last, before.map(Into::into)).unwrap()
    }

    #[test]
    fn pages_forwards_from_a_cursor() {
        let page = window(Some(2), Some("20"), None, None)
            .page(list(5))
            .unwrap();
        assert_eq!(keys(&page), [30, 40]);
        assert!(page.has_previous_page && page.has_next_page);
        let last = window(Some(2), Some("40"), None, None)
            .page(list(5))
            .unwrap();
        assert_eq!(keys(&last), [50]);
        assert!(!last.has_next_page);
    }

    #[test]
    fn pages_backwards_from_a_cursor() {
        let page = window(None, None, Some(2), Some("40"))
            .page(list(5))
            .unwrap();
        assert_eq!(keys(&page), [20, 30]);
        assert!(page.has_previous_page && page.has_next_page);
        let first = window(None, None, Some(2), Some("20"))
            .page(list(5))
            .unwrap();
        assert_eq!(keys(&first), [10]);
        assert!(!first.has_previous_page);
        let end = window(None, None, Some(2), None).page(list(5)).unwrap();
        assert_eq!(keys(&end), [40, 50]);
        assert!(end.has_previous_page && !end.has_next_page);
    }

    #[test]
    fn a_cursor_between_records_still_places_the_page() {
        // The record the cursor named is no longer in the list (no longer visible, say).
        let page = window(Some(2), Some("25"), None, None)
            .page(list(5))
            .unwrap();
        assert_eq!(keys(&page), [30, 40]);
        let both = window(None, Some("15"), None, Some("45"))
            .page(list(5))
            .unwrap();
        assert_eq!(keys(&both), [20, 30, 40]);
    }

    #[test]
    fn bad_arguments_are_refused_by_name() {
        let both = Window::new(Some(1), None, Some(1), None).unwrap_err();
        assert!(both.message().starts_with("first, last:"));
        let big = Window::new(None, None, Some(201), None).unwrap_err();
        assert_eq!(big.message(), "last: must be between 0 and 200");
        let foreign = window(Some(1), Some("RXX"), None, None)
            .page(list(2))
            .err()
            .expect("refused");
        assert_eq!(foreign.message(), "after: is not a cursor from this list");
    }

    #[test]
    fn dated_keys_round_trip_and_order_by_day_then_id() {
        let a = (NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(), Uuid::nil());
        let b = (NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(), Uuid::nil());
        assert_eq!(<(NaiveDate, Uuid)>::decode(&a.encode()), Some(a));
        assert!(a < b);
        assert_eq!(<(NaiveDate, Uuid)>::decode("2026-02-30~x"), None);
    }
}
