//! Days and the periods changes are summed by, as the tallies and marks store them.

use chrono::{Datelike, Months, NaiveDate};

/// Days from the common era, as steps and periods name days.
pub fn day_number(day: NaiveDate) -> i32 {
    day.num_days_from_ce()
}

/// The day `day_number` numbers.
pub fn day_of(number: i32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(number)
        .ok_or_else(|| anyhow::anyhow!("no such day: {number}"))
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

/// The whole years, whole months and single days that together make up `from` to `to` (both
/// included), each once: at most about a hundred, however long the period.
pub fn spans(from: NaiveDate, to: NaiveDate) -> Vec<(Level, i64)> {
    let mut spans = Vec::new();
    let mut day = from;
    while day <= to {
        let [year, month, single] = periods(day_number(day));
        let next_year = NaiveDate::from_ymd_opt(day.year() + 1, 1, 1);
        let next_month = month_start(day).checked_add_months(Months::new(1));
        let (span, next) = match (next_year, next_month) {
            (Some(next), _) if day.ordinal() == 1 && next.pred_opt() <= Some(to) => (year, next),
            (_, Some(next)) if day.day() == 1 && next.pred_opt() <= Some(to) => (month, next),
            _ => match day.succ_opt() {
                Some(next) => (single, next),
                None => {
                    spans.push(single);
                    break;
                }
            },
        };
        spans.push(span);
        day = next;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_each_day_of_a_period_once() {
        let first = NaiveDate::from_ymd_opt(2023, 11, 17).expect("a day");
        for (start, length) in [(0, 0), (0, 500), (45, 31), (14, 1200), (400, 3), (44, 366)] {
            let from = first + chrono::Days::new(start);
            let to = from + chrono::Days::new(length);
            let spans = spans(from, to);
            let mut day = from - chrono::Days::new(3);
            while day <= to + chrono::Days::new(3) {
                let [year, month, single] = periods(day_number(day));
                let covering = spans
                    .iter()
                    .filter(|s| [year, month, single].contains(s))
                    .count();
                let inside = from <= day && day <= to;
                assert_eq!(covering, usize::from(inside), "{day} in {from} to {to}");
                day = day.succ_opt().expect("a day");
            }
            assert!(spans.len() <= 100, "{from} to {to}: {}", spans.len());
        }
    }
}
