//! Small rule helpers shared by the aggregates: dates, optional codes and lists.
//!
//! Lists arriving from clients are checked for length before anything else is done with them,
//! and de-duplicated through hash sets: a long list costs one linear pass, never a comparison of
//! every entry with every other.

use std::collections::HashSet;
use std::hash::Hash;

use chrono::NaiveDate;

use crate::domain::common::{limits, FieldError, OdsCode};

/// Collects the faults of one input's fields, so that all of them are reported at once, in the
/// order they were checked (which is the order of the input's fields), rather than the first
/// alone. See [`check_fields!`](crate::check_fields).
#[derive(Debug, Default)]
pub(crate) struct Faults(Option<FieldError>);

impl Faults {
    /// The value of a check that passed; `None`, keeping its fault, for one that failed.
    pub(crate) fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(fault) => {
                self.0 = Some(match self.0.take() {
                    Some(earlier) => earlier.and(fault),
                    None => fault,
                });
                None
            }
        }
    }

    /// Every fault kept, as one error; `Ok` when every check passed.
    pub(crate) fn done(self) -> Result<(), FieldError> {
        self.0.map_or(Ok(()), Err)
    }
}

/// Runs every check of an input's fields, `name = check;` in the order of the fields, and
/// returns all their faults together (converted into the handler's error) if any failed;
/// otherwise binds each `name` to its check's value.
#[macro_export]
macro_rules! check_fields {
    ($($name:ident = $check:expr;)+) => {
        let mut faults = $crate::domain::rules::Faults::default();
        $( let $name = faults.check($check); )+
        faults.done()?;
        $(
            let Some($name) = $name else {
                // Unreachable: `done` refused any check that failed.
                return Err($crate::domain::common::FieldError::new(
                    stringify!($name),
                    "could not be checked",
                )
                .into());
            };
        )+
    };
}

/// Refuses a date recording something that happened when it lies after `today`.
pub(crate) fn not_in_future(
    field: &'static str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    if date > today {
        return Err(FieldError::new(field, "must not be in the future"));
    }
    Ok(date)
}

/// Refuses `date` when it falls before `earliest`, the day `what` happened, naming both dates:
/// a backfilled date that contradicts another says which ("2026-06-01 is before the action was
/// proposed, on 2026-06-10").
pub(crate) fn not_before(
    field: &'static str,
    date: NaiveDate,
    earliest: NaiveDate,
    what: &str,
) -> Result<(), FieldError> {
    if date < earliest {
        return Err(FieldError::new(
            field,
            format!("{date} is before {what}, on {earliest}"),
        ));
    }
    Ok(())
}

/// Refuses `date` when it falls after `latest`, the day `what` happened, naming both dates.
pub(crate) fn not_after(
    field: &'static str,
    date: NaiveDate,
    latest: NaiveDate,
    what: &str,
) -> Result<(), FieldError> {
    if date > latest {
        return Err(FieldError::new(
            field,
            format!("{date} is after {what}, on {latest}"),
        ));
    }
    Ok(())
}

/// Parses an optional ODS code; absent or blank text means none.
pub(crate) fn optional_ods(
    field: &'static str,
    raw: Option<&str>,
) -> Result<Option<OdsCode>, FieldError> {
    match raw {
        Some(text) if !text.trim().is_empty() => OdsCode::parse(field, text).map(Some),
        _ => Ok(None),
    }
}

/// Refuses a list with more than [`limits::LIST`] entries.
pub(crate) fn short_list(field: &'static str, len: usize) -> Result<(), FieldError> {
    if len > limits::LIST {
        return Err(FieldError::new(
            field,
            format!("has {len} entries; the limit is {}", limits::LIST),
        ));
    }
    Ok(())
}

/// Trims and checks theme labels and drops case-insensitive repeats, keeping the first spelling.
///
/// The count is checked before any entry is looked at, and repeats are found through a set, so
/// the work is linear in the (bounded) list.
pub(crate) fn themes(field: &'static str, raw: &[String]) -> Result<Vec<String>, FieldError> {
    short_list(field, raw.len())?;
    let mut seen = HashSet::with_capacity(raw.len());
    let mut kept: Vec<String> = Vec::with_capacity(raw.len());
    for theme in raw {
        let theme = theme.trim();
        let chars = theme.chars().count();
        if chars == 0 || chars > limits::LABEL {
            return Err(FieldError::new(
                field,
                format!("each entry must be 1 to {} characters", limits::LABEL),
            ));
        }
        if seen.insert(theme.to_lowercase()) {
            kept.push(theme.to_owned());
        }
    }
    Ok(kept)
}

/// Drops repeated entries, keeping the first occurrence and the original order; linear time.
pub(crate) fn dedupe<T: Eq + Hash + Clone>(items: Vec<T>) -> Vec<T> {
    let mut seen = HashSet::with_capacity(items.len());
    items
        .into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

/// The position of the first entry that repeats an earlier one, if any; linear time.
pub(crate) fn first_repeat<T: Eq + Hash>(items: &[T]) -> Option<usize> {
    let mut seen = HashSet::with_capacity(items.len());
    items.iter().position(|item| !seen.insert(item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hundred_thousand_themes_are_refused_by_count() {
        // Every entry repeating the first: refused too, the count is of what was sent.
        let same = vec!["access".to_owned(); 100_000];
        assert_eq!(
            themes("themes", &same).map_err(|e| e.to_string()),
            Err("themes: has 100000 entries; the limit is 20".to_owned())
        );
        let raw: Vec<String> = (0..100_000).map(|n| format!("theme {n}")).collect();
        let error = themes("themes", &raw).expect_err("too many");
        assert_eq!(
            error.to_string(),
            "themes: has 100000 entries; the limit is 20"
        );
    }

    #[test]
    fn themes_differing_only_in_case_or_outer_spaces_collapse_to_the_first_spelling() {
        let raw: Vec<String> = [
            "Access",
            " access ",
            "ACCESS",
            "Parking",
            "parking  ",
            "Café",
            "CAFÉ",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            themes("themes", &raw),
            Ok(vec![
                "Access".to_owned(),
                "Parking".to_owned(),
                "Café".to_owned()
            ])
        );
        let twenty: Vec<String> = (0..20).map(|n| format!("theme {n}")).collect();
        assert_eq!(themes("themes", &twenty).map(|t| t.len()), Ok(20));
    }

    #[test]
    fn repeats_are_found_and_dropped_in_order() {
        assert_eq!(dedupe(vec![3, 1, 3, 2, 1]), vec![3, 1, 2]);
        assert_eq!(first_repeat(&[1, 2, 3, 2, 1]), Some(3));
        assert_eq!(first_repeat(&[1, 2, 3]), None);
    }
}
