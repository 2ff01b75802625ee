//! Small rule helpers shared by the aggregates: dates, optional codes and theme lists.

use chrono::NaiveDate;

use crate::domain::common::{limits, FieldError, OdsCode};

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

/// Refuses `date` when it falls before `earliest`; `problem` is the whole complaint.
pub(crate) fn not_before(
    field: &'static str,
    date: NaiveDate,
    earliest: NaiveDate,
    problem: &str,
) -> Result<(), FieldError> {
    if date < earliest {
        return Err(FieldError::new(field, problem));
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
pub(crate) fn themes(field: &'static str, raw: &[String]) -> Result<Vec<String>, FieldError> {
    let mut kept: Vec<String> = Vec::new();
    for theme in raw {
        let theme = theme.trim();
        let chars = theme.chars().count();
        if chars == 0 || chars > limits::LABEL {
            return Err(FieldError::new(
                field,
                format!("each entry must be 1 to {} characters", limits::LABEL),
            ));
        }
        let folded = theme.to_lowercase();
        if !kept.iter().any(|k| k.to_lowercase() == folded) {
            kept.push(theme.to_owned());
        }
    }
    short_list(field, kept.len())?;
    Ok(kept)
}

/// Drops repeated entries, keeping the first occurrence and the original order.
pub(crate) fn dedupe<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    kept
}
