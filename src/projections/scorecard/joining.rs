//! Principle 6, joining services: joint activities, referred input answered by the partner, and
//! actions taken for partners' input completed.

use super::{refs, share, Inputs, Measure, Period, RecordKind};
use crate::domain::common::{DecisionOutcome, Principle};
use crate::projections::docs::{ActionDoc, InputItemDoc};

const P: Principle = Principle::JoiningServices;

pub(super) fn measures(inputs: &Inputs, period: &Period) -> Vec<Measure> {
    let held = inputs.held_activities(period);
    let joint = held
        .iter()
        .filter(|(a, _)| !a.partner_organisations.is_empty())
        .count() as u64;
    let referred: Vec<(&InputItemDoc, bool)> = inputs
        .raised_items(period)
        .into_iter()
        .filter_map(|(i, _)| referral_answered(&i.doc, period).map(|answered| (&i.doc, answered)))
        .collect();
    let answered = referred.iter().filter(|(_, answered)| *answered).count() as u64;
    vec![
        share(
            P,
            "joint_activities",
            "Activities held jointly with partner organisations",
            (joint, held.len() as u64),
            refs(RecordKind::Activity, held.iter().map(|(a, _)| a.id)),
        ),
        share(
            P,
            "referred_input_answered",
            "Referred input items answered by the partner",
            (answered, referred.len() as u64),
            refs(RecordKind::InputItem, referred.iter().map(|(i, _)| i.id)),
        ),
        partner_actions(inputs, period),
    ]
}

/// `None` when the item had not been referred by the period's end; otherwise whether an
/// organisation it was referred to took a decision on it after the referral, by that day.
fn referral_answered(item: &InputItemDoc, period: &Period) -> Option<bool> {
    let decisions: Vec<_> = item
        .decisions
        .iter()
        .filter(|d| d.decided_on <= period.to)
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

/// Actions proposed in the period by an organisation in scope for input items owned by another
/// organisation, and how many were completed by the period's end.
fn partner_actions(inputs: &Inputs, period: &Period) -> Measure {
    let items = inputs.items_by_id();
    let for_partners: Vec<&ActionDoc> = inputs
        .proposed_actions(period)
        .into_iter()
        .filter(|a| {
            a.input_items.iter().any(|id| {
                items
                    .get(id)
                    .is_some_and(|i| i.organisation != a.owner_organisation)
            })
        })
        .collect();
    let completed = for_partners
        .iter()
        .filter(|a| {
            a.completed
                .as_ref()
                .is_some_and(|c| c.completed_on <= period.to)
        })
        .count() as u64;
    share(
        P,
        "partner_actions_completed",
        "Actions on partners' input completed",
        (completed, for_partners.len() as u64),
        refs(RecordKind::Action, for_partners.iter().map(|a| a.id)),
    )
}
