//! Corrections: what every amendment, withdrawal and reinstatement carries to say why.
//!
//! A correction is a new event naming the record it corrects; the earlier events stay in the
//! log, so `recordedAsOf` still shows what the record said before, while answers as of any
//! happened-date use the corrected facts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::common::{bounded_text, limits, FieldError};
use crate::domain::rules;

/// Declares the fields an amendment of one kind of record may change: a struct of optional
/// values (each present one is the corrected value, each absent one stays as it was), stored
/// without the absent ones, and `fields()` naming the present ones as the API does.
#[macro_export]
macro_rules! changes {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $field:ident: $ty:ty => $api:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )+
        }

        impl $name {
            /// The API names of the fields this changes, in order.
            pub fn fields(&self) -> Vec<&'static str> {
                let mut named = Vec::new();
                $( if self.$field.is_some() { named.push($api); } )+
                named
            }
        }
    };
}

/// Why a record was corrected, in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CorrectionCategory {
    /// A slip of the keyboard.
    Typo,
    /// A date was entered wrongly.
    WrongDate,
    /// A detail other than a date was entered wrongly (a count, a kind, an owner).
    WrongDetail,
    /// What was recorded was right when recorded; more has come to light since.
    LateInformation,
    /// The record repeats another.
    Duplicate,
    /// The record should never have been made.
    RecordedInError,
    Other,
}

/// Why a record was corrected: the category and, in words, what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub category: CorrectionCategory,
    pub detail: String,
}

impl Correction {
    /// A correction with its detail checked: required, and at most [`limits::TEXT`] characters.
    pub fn new(category: CorrectionCategory, detail: &str) -> Result<Self, FieldError> {
        Ok(Self {
            category,
            detail: bounded_text("reason.detail", detail, limits::TEXT, true)?,
        })
    }

    /// This correction as a client sent it, checked (see [`Self::new`]).
    pub fn checked(self) -> Result<Self, FieldError> {
        Self::new(self.category, &self.detail)
    }
}

/// The names of the fields an amendment changes, in order, from each name and whether it
/// changes: what each record's changes answer from `fields()`.
pub(crate) fn changed_fields<const N: usize>(
    fields: [(&'static str, bool); N],
) -> Vec<&'static str> {
    fields
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
}

/// Refuses an amendment that changes nothing: every field it names already holds that value.
pub(crate) fn something_changes(changed: &[&'static str]) -> Result<(), FieldError> {
    if changed.is_empty() {
        return Err(FieldError::new(
            "changes",
            "changes nothing: name at least one field with a value different from the record's",
        ));
    }
    Ok(())
}

/// Puts `value` in `field` when an amendment gives one; leaves the field as it was otherwise.
pub fn put_right<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

/// Refuses `date` after `latest`, when there is one (see [`rules::not_after`]).
pub(crate) fn not_after_day(
    field: &'static str,
    date: NaiveDate,
    latest: Option<NaiveDate>,
    what: &str,
) -> Result<(), FieldError> {
    latest.map_or(Ok(()), |latest| rules::not_after(field, date, latest, what))
}

/// Refuses `date` before `earliest`, when there is one (see [`rules::not_before`]).
pub(crate) fn not_before_day(
    field: &'static str,
    date: NaiveDate,
    earliest: Option<NaiveDate>,
    what: &str,
) -> Result<(), FieldError> {
    earliest.map_or(Ok(()), |earliest| {
        rules::not_before(field, date, earliest, what)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_must_say_what_was_wrong() {
        let refused = Correction::new(CorrectionCategory::Typo, "  ").unwrap_err();
        assert_eq!(refused.to_string(), "reason.detail: is required");
        let long = "x".repeat(limits::TEXT + 1);
        assert!(Correction::new(CorrectionCategory::Other, &long).is_err());
        let made = Correction::new(CorrectionCategory::WrongDate, " Raised on the 3rd ").unwrap();
        assert_eq!(made.detail, "Raised on the 3rd");
    }
}
