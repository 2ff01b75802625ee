//! Principle 4, inequalities: who took part against the population each organisation serves.
//!
//! Each organisation's activities are set against its own baseline (an ICS's organisations serve
//! overlapping populations, so their baselines are never added together); across several
//! organisations the groups are counted side by side.

use super::{refs, share, Inputs, Measure, Period, RecordKind};
use crate::domain::common::{DemographicSnapshot, Principle};
use crate::projections::reach::{reach, GroupReach};

const P: Principle = Principle::Inequalities;

/// Each population group of each organisation in scope that has a baseline, judged on the
/// activities it led that were held in the period.
pub fn population_groups(inputs: &Inputs, period: &Period) -> Vec<(String, GroupReach)> {
    let mut groups = Vec::new();
    for (code, shares) in inputs.baselines {
        if !inputs.organisations.contains(code) {
            continue;
        }
        let led: Vec<_> = inputs
            .activities
            .iter()
            .filter(|a| a.lead_organisation.as_str() == code)
            .collect();
        let result = reach(&led, Some(period), shares, inputs.margin_points);
        groups.extend(result.groups.into_iter().map(|g| (code.clone(), g)));
    }
    groups
}

fn recorded(snapshot: &DemographicSnapshot) -> bool {
    *snapshot != DemographicSnapshot::default()
}

pub(super) fn measures(inputs: &Inputs, period: &Period) -> Vec<Measure> {
    let held = inputs.held_activities(period);
    let with_demographics: Vec<_> = held
        .iter()
        .filter(|(a, _)| a.held.as_ref().is_some_and(|h| recorded(&h.demographics)))
        .collect();
    let against_baseline = with_demographics.iter().filter(|(a, _)| {
        inputs
            .baselines
            .iter()
            .any(|(code, _)| code == a.lead_organisation.as_str())
    });
    let groups = population_groups(inputs, period);
    let assessed: Vec<_> = groups
        .iter()
        .filter(|(_, g)| g.participant_share.is_some())
        .collect();
    let reached = assessed
        .iter()
        .filter(|(_, g)| !g.under_represented)
        .count();
    vec![
        share(
            P,
            "demographics_recorded",
            "Activities held whose participants' make-up was recorded",
            (with_demographics.len() as u64, held.len() as u64),
            refs(RecordKind::Activity, held.iter().map(|(a, _)| a.id)),
        ),
        share(
            P,
            "population_groups_reached",
            "Population groups reached within the margin of their share",
            (reached as u64, assessed.len() as u64),
            refs(RecordKind::Activity, against_baseline.map(|(a, _)| a.id)),
        ),
    ]
}
