//! Periods as clients name them (a date range, a quarter, a financial year), their limits, and
//! the margin of under-representation: shared by the reports and by board representation.

use async_graphql::{InputObject, SimpleObject};

use super::enums::Date;
use super::error::ApiError;
use crate::projections::scorecard::Period;

/// A period, inclusive.
#[derive(SimpleObject)]
pub struct PeriodRange {
    from: Date,
    to: Date,
}

/// Which period: a date range, a calendar quarter, or a financial year (April to March).
#[derive(InputObject, Default)]
pub struct PeriodInput {
    from: Option<Date>,
    to: Option<Date>,
    quarter: Option<QuarterInput>,
    /// The year the financial year starts in: 2026 means 1 April 2026 to 31 March 2027.
    financial_year: Option<i32>,
}

/// A calendar quarter.
#[derive(InputObject)]
pub struct QuarterInput {
    year: i32,
    quarter: u8,
}

/// The longest period a client may ask about, in days: ten years.
pub(crate) const MAX_PERIOD_DAYS: i64 = 3_653;

/// The years a quarter or financial year may be named by: those whose days are all dates a
/// client may give ([`Date::EARLIEST`] to [`Date::LATEST`]).
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

pub fn parse_period(input: PeriodInput) -> Result<Period, ApiError> {
    let year_in_range = |field: &str, year: i32| {
        if YEARS.contains(&year) {
            Ok(year)
        } else {
            Err(ApiError::Validation(format!(
                "{field}: must be between {} and {}",
                YEARS.start(),
                YEARS.end()
            )))
        }
    };
    let period = match (input.from, input.to, input.quarter, input.financial_year) {
        (Some(from), Some(to), None, None) if from.0 <= to.0 => Period {
            from: from.0,
            to: to.0,
        },
        (Some(_), Some(_), None, None) => {
            return Err(ApiError::Validation(
                "period.from: must not be after period.to".into(),
            ))
        }
        (None, None, Some(q), None) => {
            Period::quarter(year_in_range("period.quarter.year", q.year)?, q.quarter).ok_or_else(
                || ApiError::Validation("period.quarter.quarter: must be 1 to 4".into()),
            )?
        }
        (None, None, None, Some(year)) => {
            Period::financial_year(year_in_range("period.financialYear", year)?).ok_or_else(
                || ApiError::Validation("period.financialYear: is not a year we can count".into()),
            )?
        }
        _ => {
            return Err(ApiError::Validation(
                "period: give either from and to, or a quarter, or a financialYear".into(),
            ))
        }
    };
    if period.days() > MAX_PERIOD_DAYS {
        return Err(ApiError::Validation(format!(
            "period: must not be longer than {MAX_PERIOD_DAYS} days (ten years)"
        )));
    }
    Ok(period)
}

/// Refuses a margin that is not a number of percentage points.
pub(crate) fn check_margin(margin_points: f64) -> Result<(), ApiError> {
    if (0.0..=100.0).contains(&margin_points) {
        Ok(())
    } else {
        Err(ApiError::Validation(
            "marginPoints: must be between 0 and 100".into(),
        ))
    }
}

impl From<Period> for PeriodRange {
    fn from(p: Period) -> Self {
        Self {
            from: Date(p.from),
            to: Date(p.to),
        }
    }
}
