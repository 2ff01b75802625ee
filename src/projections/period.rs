//! Periods that measures and reports cover.

use chrono::{Days, NaiveDate};

/// A date range, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The period of the same length ending the day before this one starts.
    /// Saturates at the earliest date chrono represents rather than panic.
    pub fn previous(&self) -> Period {
        let to = self.from.pred_opt().unwrap_or(NaiveDate::MIN);
        let length = (self.to - self.from).num_days().max(0).unsigned_abs();
        Period {
            from: to
                .checked_sub_days(Days::new(length))
                .unwrap_or(NaiveDate::MIN),
            to,
        }
    }

    /// Calendar quarter `q` (1 to 4) of `year`; `None` for any other `q` or a year out of range.
    pub fn quarter(year: i32, q: u8) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        let from = NaiveDate::from_ymd_opt(year, u32::from(q) * 3 - 2, 1)?;
        let next = if q == 4 {
            NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, u32::from(q) * 3 + 1, 1)?
        };
        Some(Period {
            from,
            to: next.pred_opt()?,
        })
    }

    /// The NHS financial year from 1 April of `starting` to 31 March of the next year; `None`
    /// for a year beyond the dates chrono represents.
    pub fn financial_year(starting: i32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(starting, 4, 1)?;
        let to = NaiveDate::from_ymd_opt(starting.checked_add(1)?, 3, 31)?;
        Some(Period { from, to })
    }

    /// Whether `day` falls within the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The period's length in days.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days().saturating_add(1)
    }
}
