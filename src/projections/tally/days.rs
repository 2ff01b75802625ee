//! Days and the periods changes are summed by, as the tallies and marks store them.

use chrono::{Datelike, NaiveDate};

/// Days from the common era, as steps and periods name days.
pub fn day_number(day: NaiveDate) -> i32 {
    day.num_days_from_ce()
}

/// How finely a stored change is dated: the sum of a scope's changes in a year, in a month,
/// or on a day. An answer as of a day adds the years before its year, the months of its year
/// before its month, and the days of its month up to it: at most about 45 rows, however many
/// items the scope holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Year = 0,
    Month = 1,
    Day = 2,
}

/// The year, month and day a day falls in, as stored periods.
pub fn periods(day: i32) -> [(Level, i64); 3] {
    let date = NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(NaiveDate::MAX);
    let year = i64::from(date.year());
    [
        (Level::Year, year),
        (Level::Month, year * 12 + i64::from(date.month0())),
        (Level::Day, i64::from(day)),
    ]
}

/// The first day of the month a day falls in.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The month a day falls in, as stored periods name it.
pub fn month_of(day: NaiveDate) -> i64 {
    periods(day_number(day))[1].1
}
