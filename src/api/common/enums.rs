//! The GraphQL enums several areas use, mirroring the domain's vocabularies (the domain stays
//! free of GraphQL), and the `Date` scalar. An enum only one area uses lives in that area.

use async_graphql::{Enum, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

use crate::domain::common;
use crate::domain::verdict;

/// The six principles of patient partnership.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::Principle")]
pub enum Principle {
    Equals,
    Informed,
    SharedDecisions,
    Inequalities,
    SeekingInput,
    JoiningServices,
}

/// How participants were told.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::FeedbackChannel")]
pub enum FeedbackChannel {
    Meeting,
    Email,
    Letter,
    Newsletter,
    Website,
    SocialMedia,
    Phone,
    Other,
}

/// Was the input genuinely acted on?
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "verdict::InputVerdict")]
pub enum InputVerdict {
    Unanswered,
    Overdue,
    Declined,
    AlreadyInPlace,
    Referred,
    Planned,
    Stalled,
    ActedOn,
    /// Withdrawn as recorded in error or as a duplicate: shown, but counted in no roll-up,
    /// scorecard, report or "you said, we did".
    Withdrawn,
}

/// A calendar date, `YYYY-MM-DD`, from 1900-01-01 to 2200-12-31: the day something happened or
/// is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Date(pub NaiveDate);

impl Date {
    /// The earliest date a client may give.
    pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
        Some(day) => day,
        None => panic!("1900-01-01 is a date"),
    };
    /// The latest date a client may give.
    pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2200, 12, 31) {
        Some(day) => day,
        None => panic!("2200-12-31 is a date"),
    };

    /// Reads `YYYY-MM-DD` text naming a real day within [`Self::EARLIEST`]..=[`Self::LATEST`].
    ///
    /// Every date a client gives passes here, so no later arithmetic on it (a year, a day count
    /// added) can leave the dates chrono represents.
    fn read(text: &str) -> Option<NaiveDate> {
        let looks_right = text.len() == 10 && text.as_bytes()[0].is_ascii_digit();
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|day| looks_right && (Self::EARLIEST..=Self::LATEST).contains(day))
    }
}

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => Date::read(text).map(Date).ok_or_else(|| {
                InputValueError::custom(
                    "expected a real calendar date written YYYY-MM-DD, from 1900-01-01 to 2200-12-31",
                )
            }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// Checked during validation, so the error names the argument at fault.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if Date::read(text).is_some())
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_sensible_range_are_refused() {
        for text in [
            "-262143-01-01",
            "+262142-12-31",
            "1899-12-31",
            "2201-01-01",
            "02026-01-01",
        ] {
            assert!(!Date::is_valid(&Value::String(text.into())), "{text}");
            assert!(Date::parse(Value::String(text.into())).is_err(), "{text}");
        }
        for text in ["1900-01-01", "2026-02-28", "2200-12-31"] {
            assert!(Date::is_valid(&Value::String(text.into())), "{text}");
        }
    }
}
