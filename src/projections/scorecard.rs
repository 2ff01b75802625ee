//! The six-principles scorecard: for a set of organisations (one organisation, or every
//! organisation of an ICS) and a period, one measure per thing `DESIGN.md` lists under
//! "Measures per principle", each with its numerator, denominator and the records it counts.
//!
//! Pure computation over projected documents: the caller reads the documents, this module only
//! counts. Dates in a period are the days things happened, never the days they were recorded, and
//! everything is judged as of the period's last day.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::boards::{AppointmentDoc, BoardDoc, MeetingDoc};
use super::docs::{ActionDoc, ActivityDoc, InputItemDoc};
pub use super::period::Period;
use super::read::ItemView;
use super::rollup::{counted, median_counted, percent};
use crate::domain::baseline::Shares;
use crate::domain::common::{OdsCode, Principle};
use crate::domain::verdict::Assessment;

mod cohort;
mod decisions;
mod equals;
mod inequalities;
mod informed;
mod joining;
mod seeking;

pub use cohort::{Cohort, HeldActivity, Listed};
pub use inequalities::population_groups;
pub use joining::referral_answered;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod ledger;
#[cfg(test)]
mod tests;

/// What kind of record a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    InputItem,
    Activity,
    Action,
    Appointment,
    BoardDecision,
    /// A filled seat, named by the appointment holding it.
    Seat,
}

/// One record a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub id: Uuid,
}

/// What a measure's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A share of the denominator, in percent.
    Percent,
    /// A number of days (a median or a total).
    Days,
    /// A count.
    Count,
}

/// One measure of the scorecard.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub principle: Principle,
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub numerator: f64,
    pub denominator: f64,
    /// A percentage to one place, or a median, sum or count where the measure is not a share;
    /// `None` when there is nothing to count.
    pub value: Option<f64>,
    /// Exactly the records the numerator or the denominator counts, without repeats; none
    /// when `listed` says where they are listed instead.
    pub records: Vec<RecordRef>,
    /// The records, when they are too many to hold and are listed a page at a time.
    pub listed: Option<Listed>,
}

/// The documents a scorecard is computed from. They may include other organisations' records
/// (partners' input items, for instance); only those of `organisations` are counted.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub activities: &'a [ActivityDoc],
    pub items: &'a [ItemView],
    pub actions: &'a [ActionDoc],
    pub boards: &'a [BoardDoc],
    pub appointments: &'a [AppointmentDoc],
    pub meetings: &'a [MeetingDoc],
    /// The ODS codes the scorecard is for: one organisation, or all organisations of an ICS.
    pub organisations: &'a [String],
    /// The population baseline of each organisation that has uploaded one.
    pub baselines: &'a [(String, Shares)],
    /// How many percentage points below its share of the population a group may fall before
    /// it counts as under-represented.
    pub margin_points: f64,
    /// Cohorts of periods read from the maintained tallies: for these periods the items,
    /// actions and activities need not be among the documents (see [`Cohort`]).
    pub cohorts: &'a [(Period, Cohort)],
}

impl<'a> Inputs<'a> {
    /// Whether a record owned by `code` is in scope.
    fn in_scope(&self, code: &OdsCode) -> bool {
        self.organisations.iter().any(|o| o == code.as_str())
    }

    /// Activities led by an organisation in scope and held in the period, with their held date.
    fn held_activities(&self, period: &Period) -> Vec<(&'a ActivityDoc, NaiveDate)> {
        self.activities
            .iter()
            .filter(|a| self.in_scope(&a.lead_organisation))
            .filter_map(|a| a.held.as_ref().map(|h| (a, h.held_on)))
            .filter(|(_, on)| period.contains(*on))
            .collect()
    }

    /// Items owned by an organisation in scope and raised in the period, assessed as of its end.
    fn raised_items(&self, period: &Period) -> Vec<(&'a ItemView, Assessment)> {
        self.items
            .iter()
            .filter(|i| self.in_scope(&i.doc.organisation) && period.contains(i.doc.raised_on))
            .map(|i| (i, i.assess(period.to)))
            .collect()
    }

    /// Actions owned by an organisation in scope and proposed in the period.
    fn proposed_actions(&self, period: &Period) -> Vec<&'a ActionDoc> {
        self.actions
            .iter()
            .filter(|a| self.in_scope(&a.owner_organisation) && period.contains(a.proposed_on))
            .collect()
    }

    /// Every input item given, whoever owns it, by id.
    fn items_by_id(&self) -> HashMap<Uuid, &'a InputItemDoc> {
        self.items.iter().map(|i| (i.doc.id, &i.doc)).collect()
    }
}

/// References of one kind, in the order given, without repeats.
fn refs(kind: RecordKind, ids: impl IntoIterator<Item = Uuid>) -> Vec<RecordRef> {
    dedup(ids.into_iter().map(|id| RecordRef { kind, id }))
}

/// References in the order given, without repeats.
fn dedup(records: impl IntoIterator<Item = RecordRef>) -> Vec<RecordRef> {
    let mut seen = HashSet::new();
    records.into_iter().filter(|r| seen.insert(*r)).collect()
}

/// A share: `part` of `total`, in percent.
fn share(
    principle: Principle,
    key: &'static str,
    label: &'static str,
    (part, total): (u64, u64),
    records: Vec<RecordRef>,
) -> Measure {
    Measure {
        principle,
        key,
        label,
        unit: Unit::Percent,
        numerator: part as f64,
        denominator: total as f64,
        value: percent(part, total),
        records,
        listed: None,
    }
}

/// A median of day counts: numerator the total days, denominator how many there are.
fn median_days(
    principle: Principle,
    key: &'static str,
    label: &'static str,
    days: Vec<i64>,
    records: Vec<RecordRef>,
) -> Measure {
    Measure {
        records,
        ..counted_median_days(principle, key, label, &counted(days))
    }
}

/// A share of the records `listed` names, which the period's cohort counts.
fn cohort_share(
    inputs: &Inputs,
    period: &Period,
    (principle, key, label): (Principle, &'static str, &'static str),
    counts: (u64, u64),
    listed: Listed,
) -> Measure {
    listing(
        inputs,
        period,
        share(principle, key, label, counts, Vec::new()),
        listed,
    )
}

/// `measure` with the records `listed` names: listed with it, or left to be listed when
/// asked for when the period's cohort was read from the tallies.
fn listing(inputs: &Inputs, period: &Period, measure: Measure, listed: Listed) -> Measure {
    let (records, listed) = inputs.listing(period, listed);
    Measure {
        records,
        listed,
        ..measure
    }
}

/// The median of day counts given as how many took each number of days: numerator the
/// total days, denominator how many there are.
fn counted_median_days(
    principle: Principle,
    key: &'static str,
    label: &'static str,
    counts: &[(i32, u64)],
) -> Measure {
    Measure {
        principle,
        key,
        label,
        unit: Unit::Days,
        numerator: counts
            .iter()
            .map(|(days, n)| f64::from(*days) * *n as f64)
            .sum(),
        denominator: counts.iter().map(|(_, n)| *n as f64).sum(),
        value: median_counted(counts),
        records: Vec::new(),
        listed: None,
    }
}

/// The scorecard of `inputs.organisations` for `period`, principle by principle.
pub fn scorecard(inputs: &Inputs, period: &Period) -> Vec<Measure> {
    let cohort = inputs.cohort(period);
    let mut measures = equals::measures(inputs, period);
    measures.extend(informed::measures(inputs, period, &cohort));
    measures.extend(decisions::measures(inputs, period, &cohort));
    measures.extend(inequalities::measures(inputs, period, &cohort));
    measures.extend(seeking::measures(inputs, period, &cohort));
    measures.extend(joining::measures(inputs, period, &cohort));
    measures
}

/// Principle 1's measures alone: patient seats on the boards in `inputs`.
pub fn board_measures(inputs: &Inputs, period: &Period) -> Vec<Measure> {
    equals::measures(inputs, period)
}

/// A measure with its value for the previous period of the same length.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub measure: Measure,
    pub previous: Option<f64>,
    /// `value - previous`, to one decimal place; `None` unless both are known.
    pub change: Option<f64>,
}

/// The scorecard for `period`, each measure set against `period.previous()`.
pub fn compare(inputs: &Inputs, period: &Period) -> Vec<Change> {
    let before: HashMap<&'static str, Option<f64>> = scorecard(inputs, &period.previous())
        .into_iter()
        .map(|m| (m.key, m.value))
        .collect();
    scorecard(inputs, period)
        .into_iter()
        .map(|measure| {
            let previous = before.get(measure.key).copied().flatten();
            let change = measure
                .value
                .zip(previous)
                .map(|(now, then)| ((now - then) * 10.0).round() / 10.0);
            Change {
                measure,
                previous,
                change,
            }
        })
        .collect()
}
