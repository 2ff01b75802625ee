//! What the scorecard counts over the input items raised and the actions proposed in a period,
//! judged as of its last day: counted here from the documents, or read from the maintained
//! tallies (see [`crate::projections::tally`]) when an organisation is too large to hold.

use super::{joining, refs, Inputs, Period, RecordKind, RecordRef};
use crate::projections::rollup::Rollup;

/// Counts over the items raised and the actions proposed in a period, as of its last day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
}

impl Inputs<'_> {
    /// The period's cohort: as given (read from the tallies), or counted from the documents.
    pub(super) fn cohort(&self, period: &Period) -> Cohort {
        if let Some((_, cohort)) = self.cohorts.iter().find(|(p, _)| p == period) {
            return *cohort;
        }
        let items = self.raised_items(period);
        let rollup = Rollup::of(items.iter().map(|(i, a)| (i.doc.raised_on, a)));
        let referrals: Vec<bool> = items
            .iter()
            .filter_map(|(i, _)| joining::referral_answered(&i.doc, period.to))
            .collect();
        let actions = self.proposed_actions(period);
        let partners = joining::for_partners(self, &actions);
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
        }
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
        };
        (records, None)
    }
}
