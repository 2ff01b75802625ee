//! Principle 6, joining services: joint activities, referred input answered by the partner, and
//! actions taken for partners' input completed.

use chrono::NaiveDate;

use super::{cohort_share, Cohort, Inputs, Listed, Measure, Period};
use crate::domain::common::{DecisionOutcome, Principle};
use crate::projections::docs::{ActionDoc, InputItemDoc};

const P: Principle = Principle::JoiningServices;

pub(super) fn measures(inputs: &Inputs, period: &Period, cohort: &Cohort) -> Vec<Measure> {
    vec![
        cohort_share(
            inputs,
            period,
            (
                P,
                "joint_activities",
                "Activities held jointly with partner organisations",
            ),
            (cohort.joint, cohort.held),
            Listed::ActivitiesHeld,
        ),
        cohort_share(
            inputs,
            period,
            (
                P,
                "referred_input_answered",
                "Referred input items answered by the partner",
            ),
            (cohort.referral_answered, cohort.referred),
            Listed::ItemsReferred,
        ),
        // Actions proposed in the period by an organisation in scope for input items owned
        // by another organisation, and how many were completed by the period's end.
        cohort_share(
            inputs,
            period,
            (
                P,
                "partner_actions_completed",
                "Actions on partners' input completed",
            ),
            (cohort.partners_completed, cohort.for_partners),
            Listed::ActionsForPartners,
        ),
    ]
}

/// `None` when the item had not been referred by `as_of`; otherwise whether an organisation
/// it was referred to took a decision on it after the referral, by that day.
pub fn referral_answered(item: &InputItemDoc, as_of: NaiveDate) -> Option<bool> {
    let decisions: Vec<_> = item
        .decisions
        .iter()
        .filter(|d| d.decided_on <= as_of)
        .collect();
    let mut referred = false;
    let mut answered = false;
    for (n, decision) in decisions.iter().enumerate() {
        let Some(referee) = decision
            .referred_to
            .as_ref()
            .filter(|_| decision.outcome == DecisionOutcome::Referred)
        else {
            continue;
        };
        referred = true;
        answered |= decisions[n + 1..].iter().any(|d| &d.decided_by == referee);
    }
    referred.then_some(answered)
}

/// Those of `actions` taken for input items owned by another organisation than the action's.
pub(super) fn for_partners<'a>(inputs: &Inputs, actions: &[&'a ActionDoc]) -> Vec<&'a ActionDoc> {
    let items = inputs.items_by_id();
    actions
        .iter()
        .copied()
        .filter(|a| {
            a.input_items.iter().any(|id| {
                items
                    .get(id)
                    .is_some_and(|i| i.organisation != a.owner_organisation)
            })
        })
        .collect()
}
