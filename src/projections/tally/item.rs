//! What one input item adds to the maintained tallies: the scopes it counts in (its
//! organisation, activity, integrated care system, themes and the boards whose decisions cited
//! it) and its tally from each day its assessment changes, so that its contribution as of any
//! date is the last step on or before it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::counts::Tally;
use super::days::{day_number, periods, Level};
use super::marks::{marks_of, Listing};
use chrono::NaiveDate;

use crate::domain::verdict::ItemDates;
use crate::projections::read::ItemView;
use crate::projections::scorecard::referral_answered;

/// A scope's key, as the tallies table holds it.
pub fn organisation_scope(code: &str) -> String {
    format!("o:{code}")
}
pub fn activity_scope(id: &str) -> String {
    format!("a:{id}")
}
/// The integrated care system of the ICB `ics`: its own input and its members'.
pub fn ics_scope(ics: &str) -> String {
    format!("i:{ics}")
}
/// A theme of one organisation's list, matched without regard to case.
pub fn theme_scope(organisation: &str, theme: &str) -> String {
    format!("t:{organisation}:{}", theme.to_ascii_lowercase())
}
pub fn board_scope(id: &str) -> String {
    format!("b:{id}")
}
/// The organisation's items raised (or actions proposed) in the year, month or day `period`
/// names: a cohort, whose tallies count only (no days to a decision) and are summed over the
/// spans of a period to count what was raised in it (see [`super::days::spans`]).
pub fn cohort_scope(organisation: &str, (level, period): (Level, i64)) -> String {
    format!("c{}:{organisation}:{period}", level as i32)
}

/// Whether a scope is a cohort's.
fn is_cohort(scope: &str) -> bool {
    scope.starts_with('c')
}

/// What the item's organisation and boards say about where it counts.
#[derive(Debug, Clone, Default)]
pub struct Placing {
    /// The ICB whose system the owner belongs to (the owner itself when it names none).
    pub ics: Option<String>,
    /// Boards whose decisions cite the item.
    pub boards: Vec<String>,
}

/// One item's part in the tallies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemTallies {
    pub scopes: Vec<String>,
    /// Its tally from each day on (days from the common era), in order of day: nothing before
    /// the first, the day it was raised.
    pub steps: Vec<(i32, Tally)>,
    /// Where it is listed on each day.
    pub listing: Option<Listing>,
}

impl ItemTallies {
    /// The item's part: a withdrawn item counts only as withdrawn.
    pub fn of(view: &ItemView, placing: &Placing) -> Self {
        let dates = view.dates();
        let steps = steps_of(&dates, |day| referral_answered(&view.doc, day));
        if steps.is_empty() {
            return Self::default();
        }
        let org = view.doc.organisation.as_str();
        let mut scopes = vec![
            organisation_scope(org),
            activity_scope(&view.doc.activity_id.to_string()),
            ics_scope(placing.ics.as_deref().unwrap_or(org)),
        ];
        scopes.extend(view.doc.themes.iter().map(|t| theme_scope(org, t)));
        scopes.extend(placing.boards.iter().map(|b| board_scope(b)));
        let raised = day_number(view.doc.raised_on);
        scopes.extend(periods(raised).map(|p| cohort_scope(org, p)));
        scopes.sort();
        scopes.dedup();
        let listing = Listing {
            organisation: org.to_owned(),
            referred_to: view.doc.referred_to().map(|c| c.to_string()),
            activity: view.doc.activity_id.to_string(),
            log_position: view.log_position,
            marks: marks_of(&dates),
        };
        Self {
            scopes,
            steps,
            listing: Some(listing),
        }
    }

    /// What changes on each step's day: the first step itself, then each step less the one
    /// before.
    pub fn changes(&self) -> impl Iterator<Item = (i32, Tally)> + '_ {
        let before = std::iter::once(None).chain(self.steps.iter().map(Some));
        self.steps
            .iter()
            .zip(before)
            .map(|((day, tally), before)| match before {
                Some((_, earlier)) => (*day, tally.minus(earlier)),
                None => (*day, tally.clone()),
            })
    }

    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> anyhow::Result<Self> {
        Ok(postcard::from_bytes(bytes)?)
    }
}

/// An item's tally from each day its assessment changes on, from the day it was raised (a
/// withdrawn item's is the same on every day); `referral` says where its referral stands on
/// a day (it changes only on days decisions are taken).
fn steps_of(dates: &ItemDates, referral: impl Fn(NaiveDate) -> Option<bool>) -> Vec<(i32, Tally)> {
    let raised_on = dates.raised_on;
    let mut steps: Vec<(i32, Tally)> = Vec::new();
    for day in dates.change_days() {
        if day < raised_on {
            continue;
        }
        let tally = tally_on(dates, day, referral(day));
        if steps.last().is_some_and(|(_, last)| *last == tally) {
            continue;
        }
        steps.push((day_number(day), tally));
    }
    steps
}

/// An item's tally on `day`, given where its referral stands then.
fn tally_on(dates: &ItemDates, day: NaiveDate, referral: Option<bool>) -> Tally {
    let assessment = dates.assess(day);
    Tally::of(dates.raised_on, &assessment)
        .with_referral(referral)
        .with_due(&assessment, dates.next_due(day))
}

/// Changes to the tallies, by scope and period, summed as they are added.
#[derive(Debug, Default)]
pub struct Changes(pub HashMap<(String, Level, i64), Tally>);

impl Changes {
    /// Adds `sign` times an item's part (1 to count it, -1 to take it back out).
    pub fn add_item(&mut self, item: &ItemTallies, sign: i64) {
        for (day, change) in item.changes() {
            let counts = change.for_cohort();
            for period in periods(day) {
                for scope in &item.scopes {
                    let change = if is_cohort(scope) { &counts } else { &change };
                    self.0
                        .entry((scope.clone(), period.0, period.1))
                        .or_default()
                        .add(change, sign);
                }
            }
        }
    }

    /// Replaces `before` (none for an item not counted yet) by `after`.
    pub fn replace(&mut self, before: Option<&ItemTallies>, after: &ItemTallies) {
        if before == Some(after) {
            return;
        }
        if let Some(before) = before {
            self.add_item(before, -1);
        }
        self.add_item(after, 1);
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::domain::verdict::random_history;
    use crate::projections::tally::days::month_start;

    /// A scope's tally as of `day`, summed from `changes` as the stored rows are read: the
    /// years before its year, its year's months before its month, its month's days up to it.
    fn as_of(changes: &Changes, scope: &str, day: NaiveDate) -> Tally {
        let [(_, year), (_, month), (_, number)] = periods(day_number(day));
        let first = i64::from(day_number(month_start(day)));
        let mut sum = Tally::default();
        for ((s, level, period), change) in &changes.0 {
            let counted = match level {
                Level::Year => *period < year,
                Level::Month => *period >= year * 12 && *period < month,
                Level::Day => *period >= first && *period <= number,
            };
            if s == scope && counted {
                sum.add(change, 1);
            }
        }
        sum
    }

    fn part(dates: &ItemDates) -> ItemTallies {
        ItemTallies {
            scopes: vec!["o:QMJ".to_owned()],
            steps: steps_of(dates, |_| None),
            listing: None,
        }
    }

    #[test]
    fn summed_changes_are_the_items_assessed_as_of_every_day() {
        let mut rng = StdRng::seed_from_u64(25);
        for _ in 0..60 {
            // A handful of items, some replaced by a corrected history of themselves.
            let mut items: Vec<ItemDates> = (0..rng.gen_range(1..6))
                .map(|_| random_history(&mut rng))
                .collect();
            let mut changes = Changes::default();
            for item in &items {
                changes.add_item(&part(item), 1);
            }
            for item in items.iter_mut() {
                if rng.gen_bool(0.4) {
                    let corrected = random_history(&mut rng);
                    changes.replace(Some(&part(item)), &part(&corrected));
                    *item = corrected;
                }
            }
            let first = NaiveDate::from_ymd_opt(2024, 11, 1).expect("a day");
            for offset in (0..900).step_by(rng.gen_range(1..9)) {
                let day = first + chrono::Days::new(offset);
                let mut expected = Tally::default();
                for item in items.iter().filter(|i| i.raised_on <= day) {
                    expected.add(&tally_on(item, day, None), 1);
                }
                assert_eq!(
                    as_of(&changes, "o:QMJ", day),
                    expected,
                    "as of {day}: {items:?}"
                );
            }
        }
    }
}
