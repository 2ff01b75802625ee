//! A tally: what a roll-up counts over a set of input items (how many have each verdict, how
//! many were answered in time, acted on, had the loop closed, were genuinely acted on) and the
//! days each took to a decision, an outcome and feedback, as histograms so that medians can
//! be read from them, and the days answers and actions fall due; in a cohort, also what the
//! scorecard counts of actions proposed and activities held. Tallies add and subtract, so one
//! can hold an item's contribution, a change on one day, or the sum over an organisation's
//! items.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::days::day_number;
use super::histogram::Histogram;
use crate::domain::baseline::Dimension;
use crate::domain::verdict::{Assessment, InputVerdict};
use crate::projections::reach::{participants_of, Participants};
use crate::projections::rollup::Rollup;
use crate::projections::scorecard::{Cohort, HeldActivity};

/// Where each count sits in [`Tally::counts`].
const TOTAL: usize = 0;
/// The verdicts follow in the order of [`InputVerdict::ALL`], from here.
const VERDICTS: usize = 1;
const ANSWERED: usize = VERDICTS + InputVerdict::ALL.len();
const ACTED_ON: usize = ANSWERED + 1;
const LOOP_CLOSED: usize = ANSWERED + 2;
const GENUINELY: usize = ANSWERED + 3;
/// Withdrawn items, which count in nothing else: the lists of items show them.
const WITHDRAWN: usize = ANSWERED + 4;
/// Items answered (declined, already in place, planned, stalled or acted on) whose
/// participants have not been told since: the loops an officer has still to close.
const LOOP_OPEN: usize = ANSWERED + 5;
/// Items referred to a partner by the day, and those of them the partner has answered since.
const REFERRED: usize = ANSWERED + 6;
const REFERRAL_ANSWERED: usize = ANSWERED + 7;
/// Actions proposed; those tracing to input; those answering a partner's input, and those of
/// them completed. An action's tally counts nothing of an item's, and an item's nothing of these.
const PROPOSED: usize = ANSWERED + 8;
const TRACED: usize = ANSWERED + 9;
const FOR_PARTNERS: usize = ANSWERED + 10;
const PARTNERS_COMPLETED: usize = ANSWERED + 11;
/// Activities held; those with information published beforehand, offered in an accessible
/// format, held jointly with partners, and with their participants' make-up recorded. An
/// activity's tally counts nothing of an item's or an action's.
const HELD: usize = ANSWERED + 12;
const INFORMED_BEFORE: usize = ANSWERED + 13;
const ACCESSIBLE: usize = ANSWERED + 14;
const JOINT: usize = ANSWERED + 15;
const DEMOGRAPHICS: usize = ANSWERED + 16;
pub(super) const COUNTS: usize = DEMOGRAPHICS + 1;

/// The verdicts of input answered by its owner or the partner it was referred to.
pub const ANSWERED_VERDICTS: [InputVerdict; 5] = [
    InputVerdict::Declined,
    InputVerdict::AlreadyInPlace,
    InputVerdict::Planned,
    InputVerdict::Stalled,
    InputVerdict::ActedOn,
];

/// A participants' group.
pub(super) type Group = (Dimension, String);

/// Counts and histograms of days over a set of input items (or changes to them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    counts: [i64; COUNTS],
    /// Days from raising to the first decision: how many items took each number of days.
    to_decision: Histogram<i32>,
    to_outcome: Histogram<i32>,
    to_feedback: Histogram<i32>,
    /// Days before an activity information was first published, for activities held.
    informed_before: Histogram<i32>,
    /// Participants of activities held, in each group.
    participants: Histogram<Group>,
    /// The last day in time for the answer of items waiting for one (unanswered, or referred
    /// and not answered by the partner), and the day the earliest open action is due of items
    /// planned: how many items have each, for the lists of what falls due within some days.
    respond_by: Histogram<i32>,
    due_by: Histogram<i32>,
}

impl Tally {
    /// One item's contribution as assessed: a withdrawn item counts only as withdrawn.
    pub fn of(raised_on: NaiveDate, assessment: &Assessment) -> Self {
        let mut tally = Self::default();
        let Some(at) = InputVerdict::ALL
            .iter()
            .position(|v| *v == assessment.verdict)
        else {
            tally.counts[WITHDRAWN] = 1;
            return tally;
        };
        let mut count = |index: usize, yes: bool| tally.counts[index] += i64::from(yes);
        count(TOTAL, true);
        count(VERDICTS + at, true);
        count(ANSWERED, assessment.answered_in_time);
        count(ACTED_ON, assessment.verdict == InputVerdict::ActedOn);
        count(LOOP_CLOSED, assessment.loop_closed);
        count(GENUINELY, assessment.genuinely_acted_on);
        count(
            LOOP_OPEN,
            ANSWERED_VERDICTS.contains(&assessment.verdict) && !assessment.loop_closed,
        );
        let days = |d: NaiveDate| i32::try_from((d - raised_on).num_days()).unwrap_or(i32::MAX);
        for (histogram, day) in [
            (&mut tally.to_decision, assessment.first_decided_on),
            (&mut tally.to_outcome, assessment.outcome_on),
            (&mut tally.to_feedback, assessment.loop_closed_on),
        ] {
            if let Some(day) = day {
                histogram.bump(days(day), 1);
            }
        }
        tally
    }

    /// An item's contribution with where its referral stands: `None` when it has not been
    /// referred, otherwise whether the partner has answered it.
    pub fn with_referral(mut self, referral: Option<bool>) -> Self {
        if self.counts[TOTAL] > 0 {
            self.counts[REFERRED] = i64::from(referral.is_some());
            self.counts[REFERRAL_ANSWERED] = i64::from(referral == Some(true));
        }
        self
    }

    /// An item's contribution with the day its answer is due, if it is waiting for one, and
    /// the day its earliest open action is due (`next_due`), if it is planned.
    pub fn with_due(mut self, assessment: &Assessment, next_due: Option<NaiveDate>) -> Self {
        match assessment.verdict {
            InputVerdict::Unanswered | InputVerdict::Referred => {
                self.respond_by.bump(day_number(assessment.respond_by), 1);
            }
            InputVerdict::Planned => {
                if let Some(due) = next_due {
                    self.due_by.bump(day_number(due), 1);
                }
            }
            _ => {}
        }
        self
    }

    /// One action's contribution: proposed, whether it traces to input, whether it answers a
    /// partner's input, and whether (doing so) it has been completed.
    pub fn action(traced: bool, for_partners: bool, completed: bool) -> Self {
        let mut tally = Self::default();
        tally.counts[PROPOSED] = 1;
        tally.counts[TRACED] = i64::from(traced);
        tally.counts[FOR_PARTNERS] = i64::from(for_partners);
        tally.counts[PARTNERS_COMPLETED] = i64::from(for_partners && completed);
        tally
    }

    /// One activity's contribution, held.
    pub fn activity(held: &HeldActivity) -> Self {
        let mut tally = Self::default();
        let mut count = |index: usize, yes: bool| tally.counts[index] += i64::from(yes);
        count(HELD, true);
        count(INFORMED_BEFORE, held.days_informed_before.is_some());
        count(ACCESSIBLE, held.accessible);
        count(JOINT, held.joint);
        count(DEMOGRAPHICS, held.demographics_recorded);
        if let Some(days) = held.days_informed_before {
            tally
                .informed_before
                .bump(i32::try_from(days).unwrap_or(i32::MAX), 1);
        }
        for (group, n) in participants_of(held.demographics) {
            tally.participants.bump(group, i64::from(n));
        }
        tally
    }

    /// What a cohort keeps of it: all but the items' days to a decision, an outcome and
    /// feedback, which no cohort's figure reads.
    pub fn for_cohort(&self) -> Tally {
        Tally {
            counts: self.counts,
            informed_before: self.informed_before.clone(),
            participants: self.participants.clone(),
            ..Tally::default()
        }
    }

    /// What the scorecard counts over the items and actions this tallies.
    pub fn cohort(&self) -> Cohort {
        let count = |index| self.at(index);
        Cohort {
            raised: count(TOTAL),
            answered_within_window: count(ANSWERED),
            acted_on: count(ACTED_ON),
            loop_closed: count(LOOP_CLOSED),
            genuinely_acted_on: count(GENUINELY),
            referred: count(REFERRED),
            referral_answered: count(REFERRAL_ANSWERED),
            proposed: count(PROPOSED),
            traced: count(TRACED),
            for_partners: count(FOR_PARTNERS),
            partners_completed: count(PARTNERS_COMPLETED),
            held: count(HELD),
            informed_before: count(INFORMED_BEFORE),
            days_informed_before: self
                .informed_before
                .counts()
                .map(|(days, n)| (*days, n))
                .collect(),
            accessible: count(ACCESSIBLE),
            joint: count(JOINT),
            demographics_recorded: count(DEMOGRAPHICS),
            participants: Default::default(),
        }
    }

    /// The participants of the activities this tallies, in each group.
    pub fn participants(&self) -> Participants {
        self.participants
            .counts()
            .map(|(group, n)| (group.clone(), n))
            .collect()
    }

    /// Its counts, its histograms of days (in the order it stores them) and its participants.
    pub(super) fn parts(&self) -> (&[i64; COUNTS], [&Histogram<i32>; 6], &Histogram<Group>) {
        (
            &self.counts,
            [
                &self.to_decision,
                &self.to_outcome,
                &self.to_feedback,
                &self.informed_before,
                &self.respond_by,
                &self.due_by,
            ],
            &self.participants,
        )
    }

    /// The tally of these parts, as [`Tally::parts`] gives them.
    pub(super) fn from_parts(
        counts: [i64; COUNTS],
        days: [Histogram<i32>; 6],
        participants: Histogram<Group>,
    ) -> Self {
        let [to_decision, to_outcome, to_feedback, informed_before, respond_by, due_by] = days;
        Self {
            counts,
            to_decision,
            to_outcome,
            to_feedback,
            informed_before,
            participants,
            respond_by,
            due_by,
        }
    }

    /// Adds `sign` times `other` (`sign` 1 to add, -1 to take away).
    pub fn add(&mut self, other: &Tally, sign: i64) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += sign * theirs;
        }
        for (mine, theirs) in [
            (&mut self.to_decision, &other.to_decision),
            (&mut self.to_outcome, &other.to_outcome),
            (&mut self.to_feedback, &other.to_feedback),
            (&mut self.informed_before, &other.informed_before),
            (&mut self.respond_by, &other.respond_by),
            (&mut self.due_by, &other.due_by),
        ] {
            mine.add(theirs, sign);
        }
        self.participants.add(&other.participants, sign);
    }

    /// `self - earlier`: what changed from `earlier` to `self`.
    pub fn minus(&self, earlier: &Tally) -> Tally {
        let mut change = self.clone();
        change.add(earlier, -1);
        change
    }

    /// Whether it counts nothing at all.
    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|n| *n == 0)
            && self.to_decision.is_empty()
            && self.to_outcome.is_empty()
            && self.to_feedback.is_empty()
            && self.informed_before.is_empty()
            && self.participants.is_empty()
            && self.respond_by.is_empty()
            && self.due_by.is_empty()
    }

    /// How many items have `verdict` (withdrawn ones included).
    pub fn count(&self, verdict: InputVerdict) -> u64 {
        let index = match InputVerdict::ALL.iter().position(|v| *v == verdict) {
            Some(at) => VERDICTS + at,
            None => WITHDRAWN,
        };
        self.at(index)
    }

    /// Every item, withdrawn ones too: the length of the unfiltered list.
    pub fn listed(&self) -> u64 {
        self.at(TOTAL) + self.at(WITHDRAWN)
    }

    /// Answered items whose loop is still open.
    pub fn loop_open(&self) -> u64 {
        self.at(LOOP_OPEN)
    }

    /// Items waiting for an answer due from `from` to `to` (days from the common era, both
    /// included).
    pub fn waiting_due(&self, from: i32, to: i32) -> u64 {
        self.respond_by.between((from, to))
    }

    /// Items planned whose earliest open action is due from `from` to `to`.
    pub fn actions_due(&self, from: i32, to: i32) -> u64 {
        self.due_by.between((from, to))
    }

    /// The count at `index`, never below nought.
    fn at(&self, index: usize) -> u64 {
        u64::try_from(self.counts[index]).unwrap_or(0)
    }

    /// The roll-up it makes.
    pub fn rollup(&self) -> Rollup {
        let count = |index| self.at(index);
        Rollup {
            total: count(TOTAL),
            counts: InputVerdict::ALL
                .iter()
                .enumerate()
                .map(|(at, v)| (*v, count(VERDICTS + at)))
                .filter(|(_, n)| *n > 0)
                .collect(),
            answered_within_window: count(ANSWERED),
            acted_on: count(ACTED_ON),
            loop_closed: count(LOOP_CLOSED),
            genuinely_acted_on: count(GENUINELY),
            median_days_to_decision: self.to_decision.median(),
            median_days_to_outcome: self.to_outcome.median(),
            median_days_to_feedback: self.to_feedback.median(),
        }
    }

    /// Its stored form: compact, and read back by [`Tally::decode`].
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).unwrap_or_default()
    }

    pub fn decode(bytes: &[u8]) -> anyhow::Result<Self> {
        let tally: Tally = postcard::from_bytes(bytes)?;
        Ok(Tally {
            to_decision: tally.to_decision.ordered(),
            to_outcome: tally.to_outcome.ordered(),
            to_feedback: tally.to_feedback.ordered(),
            informed_before: tally.informed_before.ordered(),
            participants: tally.participants.ordered(),
            respond_by: tally.respond_by.ordered(),
            due_by: tally.due_by.ordered(),
            ..tally
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A tally stored while histograms were kept as maps reads back the same.
    #[test]
    fn tallies_stored_with_maps_read_back() {
        #[derive(Serialize)]
        struct AsStored {
            counts: [i64; COUNTS],
            to_decision: BTreeMap<i32, i64>,
            to_outcome: BTreeMap<i32, i64>,
            to_feedback: BTreeMap<i32, i64>,
            informed_before: BTreeMap<i32, i64>,
            participants: BTreeMap<(Dimension, String), i64>,
            respond_by: BTreeMap<i32, i64>,
            due_by: BTreeMap<i32, i64>,
        }
        let mut counts = [0; COUNTS];
        counts[TOTAL] = 3;
        let stored = AsStored {
            counts,
            to_decision: BTreeMap::from([(2, 1), (9, 2)]),
            to_outcome: BTreeMap::new(),
            to_feedback: BTreeMap::from([(-1, 1), (40, 1)]),
            informed_before: BTreeMap::from([(12, 1)]),
            participants: BTreeMap::from([
                ((Dimension::AgeBand, "18-44".to_owned()), 5),
                ((Dimension::Sex, "Female".to_owned()), 3),
            ]),
            respond_by: BTreeMap::from([(739_000, 2)]),
            due_by: BTreeMap::new(),
        };
        let read = Tally::decode(&postcard::to_allocvec(&stored).expect("encodes")).expect("reads");
        assert_eq!(read.to_decision.0, vec![(2, 1), (9, 2)]);
        assert_eq!(read.to_feedback.0, vec![(-1, 1), (40, 1)]);
        assert_eq!(read.rollup().median_days_to_decision, Some(9.0));
        assert_eq!(read.cohort().days_informed_before, vec![(12, 1)]);
        assert_eq!(
            read.participants()
                .get(&(Dimension::AgeBand, "18-44".to_owned())),
            Some(&5)
        );
        assert_eq!(
            read.encode(),
            postcard::to_allocvec(&stored).expect("encodes")
        );
    }

    #[test]
    fn a_tally_taken_away_from_itself_leaves_nothing_and_survives_storage() {
        let assessment = crate::domain::verdict::ItemDates {
            raised_on: NaiveDate::from_ymd_opt(2026, 1, 5).expect("a day"),
            response_window_days: 30,
            decisions: vec![],
            actions: vec![],
            feedback: vec![],
            withdrawn: false,
        }
        .assess(NaiveDate::from_ymd_opt(2026, 3, 1).expect("a day"));
        let one = Tally::of(
            NaiveDate::from_ymd_opt(2026, 1, 5).expect("a day"),
            &assessment,
        );
        assert_eq!(one.rollup().count(InputVerdict::Overdue), 1);
        assert_eq!(Tally::decode(&one.encode()).expect("decodes"), one);
        assert!(one.minus(&one).is_empty());
    }
}
