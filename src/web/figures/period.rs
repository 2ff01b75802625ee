//! The period a page of figures covers, as its form asks: a quarter, a financial year (from
//! April), or any two days. A financial year to date is the default.

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

use crate::web::form::Sent;
use crate::web::listing::{span, span_filters, DateFilter};

/// The period asked for, and the form's answers to show again.
pub struct Asked {
    /// "year", "quarter" or "dates".
    pub kind: String,
    pub year: String,
    pub quarter: String,
    pub from: DateFilter,
    pub to: DateFilter,
}

/// The financial year `today` falls in, by the year it starts: April 2026 to March 2027 is 2026.
pub fn financial_year(today: NaiveDate) -> i32 {
    if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    }
}

impl Asked {
    pub fn of(sent: &Sent, today: NaiveDate) -> Self {
        let kind = match sent.one("period") {
            "quarter" | "dates" => sent.one("period").to_owned(),
            _ => "year".to_owned(),
        };
        let year = match sent.one("year") {
            "" => financial_year(today).to_string(),
            given => given.to_owned(),
        };
        Self {
            kind,
            year,
            quarter: sent.one("quarter").to_owned(),
            from: DateFilter::of(sent, "from", "From"),
            to: DateFilter::of(sent, "to", "To"),
        }
    }

    /// The API's `PeriodInput`, or the problem with the answers (naming the field's id).
    pub fn input(&self) -> Result<Value, (String, String)> {
        let year: i32 = self
            .year
            .parse()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| {
                (
                    "year".to_owned(),
                    "Enter the year as four digits, for example 2026".to_owned(),
                )
            })?;
        match self.kind.as_str() {
            "quarter" => {
                let quarter: u32 = self
                    .quarter
                    .parse()
                    .ok()
                    .filter(|q| (1..=4).contains(q))
                    .ok_or_else(|| ("quarter".to_owned(), "Select the quarter".to_owned()))?;
                Ok(json!({ "quarter": { "year": year, "quarter": quarter } }))
            }
            "dates" => span(&self.from, &self.to)
                .map(|(from, to)| json!({ "from": from.to_string(), "to": to.to_string() })),
            _ => Ok(json!({ "financialYear": year })),
        }
    }

    /// The answers as an address's query, for links that keep the period.
    /// [`Self::query`] as a URL's query string.
    pub fn query_string(&self) -> String {
        serde_urlencoded::to_string(self.query()).unwrap_or_default()
    }

    pub fn query(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("period".to_owned(), self.kind.clone()),
            ("year".to_owned(), self.year.clone()),
        ];
        if !self.quarter.is_empty() {
            pairs.push(("quarter".to_owned(), self.quarter.clone()));
        }
        for (name, filter) in [("from", &self.from), ("to", &self.to)] {
            let (d, m, y) = &filter.parts;
            for (part, value) in [("day", d), ("month", m), ("year", y)] {
                if !value.is_empty() {
                    pairs.push((format!("{name}-{part}"), value.clone()));
                }
            }
        }
        pairs
    }

    /// The date filters, as `date_filters.html` draws them.
    pub fn date_filters(&self) -> [(&'static str, &'static str, &(String, String, String)); 2] {
        span_filters(&self.from, &self.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(pairs: &[(&str, &str)]) -> Asked {
        let sent = Sent(
            pairs
                .iter()
                .map(|(n, v)| ((*n).into(), (*v).into()))
                .collect(),
        );
        Asked::of(&sent, NaiveDate::from_ymd_opt(2026, 12, 5).expect("a day"))
    }

    #[test]
    fn a_period_is_a_financial_year_by_default_a_quarter_or_two_days() {
        assert_eq!(asked(&[]).input(), Ok(json!({ "financialYear": 2026 })));
        assert_eq!(
            asked(&[("period", "quarter"), ("year", "2025"), ("quarter", "3")]).input(),
            Ok(json!({ "quarter": { "year": 2025, "quarter": 3 } }))
        );
        assert_eq!(
            asked(&[("period", "quarter"), ("quarter", "5")]).input(),
            Err(("quarter".into(), "Select the quarter".into()))
        );
        let days = [
            ("period", "dates"),
            ("from-day", "1"),
            ("from-month", "4"),
            ("from-year", "2026"),
            ("to-day", "30"),
            ("to-month", "6"),
            ("to-year", "2026"),
        ];
        assert_eq!(
            asked(&days).input(),
            Ok(json!({ "from": "2026-04-01", "to": "2026-06-30" }))
        );
        let backwards = [
            ("period", "dates"),
            ("from-day", "1"),
            ("from-month", "7"),
            ("from-year", "2026"),
            ("to-day", "30"),
            ("to-month", "6"),
            ("to-year", "2026"),
        ];
        assert!(asked(&backwards).input().is_err());
        assert!(asked(&[("year", "26")]).input().is_err());
        assert_eq!(
            financial_year(NaiveDate::from_ymd_opt(2027, 3, 31).expect("a day")),
            2026
        );
    }
}
