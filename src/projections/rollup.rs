//! Roll-ups of verdicts over a set of input items (an activity, an organisation, a filter).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::verdict::{Assessment, InputVerdict};

/// Counts, shares and medians over a set of input items, as of one date.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rollup {
    pub total: u64,
    pub counts: BTreeMap<InputVerdict, u64>,
    /// Items whose first decision came within the response window.
    pub answered_within_window: u64,
    pub acted_on: u64,
    pub loop_closed: u64,
    pub genuinely_acted_on: u64,
    pub median_days_to_decision: Option<f64>,
    pub median_days_to_outcome: Option<f64>,
    pub median_days_to_feedback: Option<f64>,
}

/// A share of the total, in percent to one decimal place; `None` when there is nothing to count.
pub fn percent(part: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| (part as f64 * 1000.0 / total as f64).round() / 10.0)
}

/// The median of a list of day counts; `None` when empty.
pub fn median(mut days: Vec<i64>) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let mid = days.len() / 2;
    Some(if days.len().is_multiple_of(2) {
        (days[mid - 1] + days[mid]) as f64 / 2.0
    } else {
        days[mid] as f64
    })
}

/// Day counts as how many took each number of days, in order of days.
pub fn counted(days: impl IntoIterator<Item = i64>) -> Vec<(i32, u64)> {
    let mut days: Vec<i32> = days
        .into_iter()
        .map(|d| i32::try_from(d).unwrap_or(if d < 0 { i32::MIN } else { i32::MAX }))
        .collect();
    days.sort_unstable();
    let mut counts: Vec<(i32, u64)> = Vec::new();
    for day in days {
        match counts.last_mut() {
            Some((last, n)) if *last == day => *n += 1,
            _ => counts.push((day, 1)),
        }
    }
    counts
}

/// The median of day counts given as how many took each number of days, in order of days,
/// as [`median`] takes it from the list they make: the middle one, or the mean of the middle two.
pub fn median_counted(counts: &[(i32, u64)]) -> Option<f64> {
    let n: u64 = counts.iter().map(|(_, n)| n).sum();
    let nth = |k: u64| {
        let mut seen = 0;
        counts.iter().find_map(|(days, n)| {
            seen += n;
            (seen > k).then_some(f64::from(*days))
        })
    };
    match n {
        0 => None,
        n if n % 2 == 1 => nth(n / 2),
        n => Some((nth(n / 2 - 1)? + nth(n / 2)?) / 2.0),
    }
}

impl Rollup {
    /// Rolls up `(raised_on, assessment)` pairs; withdrawn items count in nothing.
    pub fn of<'a>(items: impl IntoIterator<Item = (NaiveDate, &'a Assessment)>) -> Self {
        let mut rollup = Rollup::default();
        let (mut to_decision, mut to_outcome, mut to_feedback) =
            (Vec::new(), Vec::new(), Vec::new());
        let counted = items
            .into_iter()
            .filter(|(_, a)| a.verdict != InputVerdict::Withdrawn);
        for (raised_on, a) in counted {
            rollup.total += 1;
            *rollup.counts.entry(a.verdict).or_default() += 1;
            if a.answered_in_time {
                rollup.answered_within_window += 1;
            }
            if a.verdict == InputVerdict::ActedOn {
                rollup.acted_on += 1;
            }
            if a.loop_closed {
                rollup.loop_closed += 1;
            }
            if a.genuinely_acted_on {
                rollup.genuinely_acted_on += 1;
            }
            let days = |d: NaiveDate| (d - raised_on).num_days();
            to_decision.extend(a.first_decided_on.map(days));
            to_outcome.extend(a.outcome_on.map(days));
            to_feedback.extend(a.loop_closed_on.map(days));
        }
        rollup.median_days_to_decision = median(to_decision);
        rollup.median_days_to_outcome = median(to_outcome);
        rollup.median_days_to_feedback = median(to_feedback);
        rollup
    }

    /// How many items have `verdict`.
    pub fn count(&self, verdict: InputVerdict) -> u64 {
        self.counts.get(&verdict).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_lists() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![9, 1, 5]), Some(5.0));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2.5));
    }

    #[test]
    fn percentages_round_to_one_place_and_are_empty_for_nothing() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
    }
}
