//! What the scorecard counts over the input items raised and the actions proposed in a period,
//! judged as of its last day: counted here from the documents, or read from the maintained
//! tallies (see [`crate::projections::tally`]) when an organisation is too large to hold.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{joining, refs, Inputs, Period, RecordKind, RecordRef};
use crate::domain::common::DemographicSnapshot;
use crate::projections::docs::ActivityDoc;
use crate::projections::reach::{add_participants, Participants};
use crate::projections::rollup::{self, Rollup};

/// Counts over the items raised, the actions proposed and the activities held in a period, as
/// of its last day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cohort {
    /// Items raised (withdrawn ones count in nothing).
    pub raised: u64,
    pub answered_within_window: u64,
    pub acted_on: u64,
    pub loop_closed: u64,
    pub genuinely_acted_on: u64,
    /// Items referred to a partner by the last day, and those the partner answered.
    pub referred: u64,
    pub referral_answered: u64,
    /// Actions proposed, those tracing to input, those answering a partner's input, and
    /// those of them completed by the last day.
    pub proposed: u64,
    pub traced: u64,
    pub for_partners: u64,
    pub partners_completed: u64,
    /// Activities led and held in the period; those with information published beforehand
    /// (and how many days before, as how many activities had each number), offered in an
    /// accessible format, held jointly, and with their participants' make-up recorded.
    pub held: u64,
    pub informed_before: u64,
    pub days_informed_before: Vec<(i32, u64)>,
    pub accessible: u64,
    pub joint: u64,
    pub demographics_recorded: u64,
    /// The participants of those activities in each group, by the organisation that led them.
    pub participants: BTreeMap<String, Participants>,
}

/// What the scorecard counts of one activity held.
#[derive(Debug, Clone, Copy)]
pub struct HeldActivity<'a> {
    pub held_on: NaiveDate,
    /// Days before the activity information about it was first published, if it was.
    pub days_informed_before: Option<i64>,
    /// Information published by the day it was held offered an accessible format.
    pub accessible: bool,
    pub joint: bool,
    pub demographics_recorded: bool,
    pub demographics: &'a DemographicSnapshot,
}

impl<'a> HeldActivity<'a> {
    /// The activity's part in the scorecard; `None` unless it was held.
    pub fn of(activity: &'a ActivityDoc) -> Option<Self> {
        let held = activity.held.as_ref()?;
        let on = held.held_on;
        let published = || activity.information_published.iter();
        Some(Self {
            held_on: on,
            days_informed_before: published()
                .map(|i| i.published_on)
                .filter(|p| *p < on)
                .min()
                .map(|earliest| (on - earliest).num_days()),
            accessible: published()
                .any(|i| i.published_on <= on && !i.accessible_formats.is_empty()),
            joint: !activity.partner_organisations.is_empty(),
            demographics_recorded: held.demographics != DemographicSnapshot::default(),
            demographics: &held.demographics,
        })
    }
}

/// Records a measure counts that may be too many to hold at once: when the measure was read
/// from the tallies, they are read from the views only when asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Listed {
    /// The input items raised in the period.
    ItemsRaised,
    /// Those of them referred to a partner by the period's last day.
    ItemsReferred,
    /// The actions proposed in the period.
    ActionsProposed,
    /// Those of them answering a partner's input.
    ActionsForPartners,
    /// The activities led and held in the period.
    ActivitiesHeld,
    /// Those of them with information published beforehand.
    ActivitiesInformedBefore,
    /// Those of them whose participants' make-up was recorded and whose lead organisation has
    /// a population baseline.
    ActivitiesAgainstBaseline,
}

impl Inputs<'_> {
    /// The period's cohort: as given (read from the tallies), or counted from the documents.
    pub(super) fn cohort(&self, period: &Period) -> Cohort {
        if let Some((_, cohort)) = self.cohorts.iter().find(|(p, _)| p == period) {
            return cohort.clone();
        }
        let items = self.raised_items(period);
        let rollup = Rollup::of(items.iter().map(|(i, a)| (i.doc.raised_on, a)));
        let referrals: Vec<bool> = items
            .iter()
            .filter_map(|(i, _)| joining::referral_answered(&i.doc, period.to))
            .collect();
        let actions = self.proposed_actions(period);
        let partners = joining::for_partners(self, &actions);
        let held: Vec<HeldActivity> = self
            .held_activities(period)
            .into_iter()
            .filter_map(|(a, _)| HeldActivity::of(a))
            .collect();
        let days_informed_before =
            rollup::counted(held.iter().filter_map(|h| h.days_informed_before));
        let count = |f: fn(&HeldActivity) -> bool| held.iter().filter(|h| f(h)).count() as u64;
        Cohort {
            raised: rollup.total,
            answered_within_window: rollup.answered_within_window,
            acted_on: rollup.acted_on,
            loop_closed: rollup.loop_closed,
            genuinely_acted_on: rollup.genuinely_acted_on,
            referred: referrals.len() as u64,
            referral_answered: referrals.iter().filter(|a| **a).count() as u64,
            proposed: actions.len() as u64,
            traced: actions.iter().filter(|a| !a.input_items.is_empty()).count() as u64,
            for_partners: partners.len() as u64,
            partners_completed: partners
                .iter()
                .filter(|a| {
                    a.completed
                        .as_ref()
                        .is_some_and(|c| c.completed_on <= period.to)
                })
                .count() as u64,
            held: held.len() as u64,
            informed_before: count(|h| h.days_informed_before.is_some()),
            days_informed_before,
            accessible: count(|h| h.accessible),
            joint: count(|h| h.joint),
            demographics_recorded: count(|h| h.demographics_recorded),
            participants: self.participants(period),
        }
    }

    /// The participants of the activities each organisation in scope led and held in the
    /// period, in each group: from the period's cohort when given, else counted.
    pub(super) fn participants(&self, period: &Period) -> BTreeMap<String, Participants> {
        if let Some((_, cohort)) = self.cohorts.iter().find(|(p, _)| p == period) {
            return cohort.participants.clone();
        }
        let mut participants: BTreeMap<String, Participants> = BTreeMap::new();
        for (activity, _) in self.held_activities(period) {
            let Some(held) = &activity.held else { continue };
            let led = participants
                .entry(activity.lead_organisation.to_string())
                .or_default();
            add_participants(led, &held.demographics);
        }
        participants
    }

    /// The records `listed` names, counted from the documents.
    pub fn records(&self, period: &Period, listed: Listed) -> (Vec<RecordRef>, Option<Listed>) {
        Inputs {
            cohorts: &[],
            ..*self
        }
        .listing(period, listed)
    }

    /// The records `listed` names: none when the period's cohort was read from the tallies
    /// (they are read only when asked for), and then `Some(listed)` beside them.
    pub(super) fn listing(
        &self,
        period: &Period,
        listed: Listed,
    ) -> (Vec<RecordRef>, Option<Listed>) {
        if self.cohorts.iter().any(|(p, _)| p == period) {
            return (Vec::new(), Some(listed));
        }
        let items = |referred_only: bool| {
            let raised = self.raised_items(period).into_iter().filter(move |(i, _)| {
                !referred_only || joining::referral_answered(&i.doc, period.to).is_some()
            });
            refs(RecordKind::InputItem, raised.map(|(i, _)| i.doc.id))
        };
        let activities = |wanted: &dyn Fn(&ActivityDoc) -> bool| {
            let held = self.held_activities(period).into_iter();
            refs(
                RecordKind::Activity,
                held.filter(|(a, _)| wanted(a)).map(|(a, _)| a.id),
            )
        };
        let records = match listed {
            Listed::ItemsRaised => items(false),
            Listed::ItemsReferred => items(true),
            Listed::ActionsProposed => refs(
                RecordKind::Action,
                self.proposed_actions(period).iter().map(|a| a.id),
            ),
            Listed::ActionsForPartners => refs(
                RecordKind::Action,
                joining::for_partners(self, &self.proposed_actions(period))
                    .iter()
                    .map(|a| a.id),
            ),
            Listed::ActivitiesHeld => activities(&|_| true),
            Listed::ActivitiesInformedBefore => activities(&|a| {
                HeldActivity::of(a).is_some_and(|h| h.days_informed_before.is_some())
            }),
            Listed::ActivitiesAgainstBaseline => activities(&|a| {
                HeldActivity::of(a).is_some_and(|h| h.demographics_recorded)
                    && self
                        .baselines
                        .iter()
                        .any(|(code, _)| code == a.lead_organisation.as_str())
            }),
        };
        (records, None)
    }
}
