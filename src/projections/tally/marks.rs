//! Where an item is listed on each day: its verdict, whether its loop is closed, when its
//! answer is due and when its next open action is due, from each day these change. They are
//! stored as rows by the months each covers (a mark that lasts for ever is one row standing
//! for every month from its start), so that a list of the items with a verdict as of any day
//! reads only that month's rows and the lasting ones, in log order, however long the history.

use serde::{Deserialize, Serialize};

use super::days::{day_number, periods};
use crate::domain::verdict::{InputVerdict, ItemDates};

/// The end of a mark that lasts.
pub const LASTING: i32 = i32::MAX;
/// The month a lasting mark's one row names.
pub const EVERY_MONTH: i64 = -1;

/// What a list needs to know of an item on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub verdict: InputVerdict,
    pub loop_closed: bool,
    /// The last day the answer (the owner's, or a partner's after a referral) is in time.
    pub respond_by: i32,
    /// The day the earliest open linked action is due.
    pub due_by: Option<i32>,
}

/// Where and how an item is listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub organisation: String,
    pub referred_to: Option<String>,
    pub activity: String,
    pub log_position: i64,
    /// Each mark from its first day, in order of day, from the day the item was raised.
    pub marks: Vec<(i32, Mark)>,
}

/// The item's marks from the day it was raised, a new one only where something changed.
pub fn marks_of(dates: &ItemDates) -> Vec<(i32, Mark)> {
    let mut marks: Vec<(i32, Mark)> = Vec::new();
    for day in dates.change_days() {
        if day < dates.raised_on {
            continue;
        }
        let assessment = dates.assess(day);
        let mark = Mark {
            verdict: assessment.verdict,
            loop_closed: assessment.loop_closed,
            respond_by: day_number(assessment.respond_by),
            due_by: dates.next_due(day).map(day_number),
        };
        if marks.last().is_some_and(|(_, last)| *last == mark) {
            continue;
        }
        marks.push((day_number(day), mark));
    }
    marks
}

/// One stored row of a listing: a mark, for one month it covers (or every month).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkRow<'a> {
    pub month: i64,
    pub from: i32,
    pub to: i32,
    pub mark: &'a Mark,
}

impl Listing {
    /// Its rows: each mark once per month it covers, or once for every month if it lasts.
    pub fn rows(&self) -> Vec<MarkRow<'_>> {
        let mut rows = Vec::new();
        for (at, (from, mark)) in self.marks.iter().enumerate() {
            let to = self.marks.get(at + 1).map_or(LASTING, |(next, _)| *next);
            if to == LASTING {
                rows.push(MarkRow {
                    month: EVERY_MONTH,
                    from: *from,
                    to,
                    mark,
                });
                continue;
            }
            let (first, last) = (periods(*from)[1].1, periods(to - 1)[1].1);
            rows.extend((first..=last).map(|month| MarkRow {
                month,
                from: *from,
                to,
                mark,
            }));
        }
        rows
    }
}

/// A verdict as the rows hold it.
pub fn verdict_name(verdict: InputVerdict) -> String {
    serde_json::to_value(verdict)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The verdict a row names.
pub fn verdict_named(name: &str) -> anyhow::Result<InputVerdict> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| anyhow::anyhow!("a mark names no verdict: {name:?}"))
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;
    use crate::domain::verdict::random_history;
    use crate::projections::tally::days::month_of;
    use chrono::NaiveDate;

    /// The mark a day falls under, read as the stored rows are: the day's month's rows and the
    /// lasting ones.
    fn mark_on(listing: &Listing, day: NaiveDate) -> Option<Mark> {
        let (number, month) = (day_number(day), month_of(day));
        let found: Vec<_> = listing
            .rows()
            .into_iter()
            .filter(|r| r.month == month || r.month == EVERY_MONTH)
            .filter(|r| r.from <= number && number < r.to)
            .collect();
        assert!(found.len() <= 1, "one mark a day: {found:?}");
        found.first().map(|r| r.mark.clone())
    }

    #[test]
    fn a_verdict_is_read_back_as_the_rows_name_it() {
        for verdict in InputVerdict::ALL
            .into_iter()
            .chain([InputVerdict::Withdrawn])
        {
            assert_eq!(verdict_named(&verdict_name(verdict)).ok(), Some(verdict));
        }
        assert!(verdict_named("NOT_A_VERDICT").is_err());
    }

    #[test]
    fn the_rows_give_each_days_verdict_and_dates() {
        let mut rng = StdRng::seed_from_u64(26);
        for _ in 0..200 {
            let dates = random_history(&mut rng);
            let listing = Listing {
                organisation: "QMJ".into(),
                referred_to: None,
                activity: "a".into(),
                log_position: 1,
                marks: marks_of(&dates),
            };
            let first = dates.raised_on - chrono::Days::new(20);
            for offset in 0..700 {
                let day = first + chrono::Days::new(offset);
                let expected = (day >= dates.raised_on).then(|| {
                    let a = dates.assess(day);
                    Mark {
                        verdict: a.verdict,
                        loop_closed: a.loop_closed,
                        respond_by: day_number(a.respond_by),
                        due_by: dates.next_due(day).map(day_number),
                    }
                });
                assert_eq!(mark_on(&listing, day), expected, "{day} for {dates:?}");
            }
        }
    }
}
