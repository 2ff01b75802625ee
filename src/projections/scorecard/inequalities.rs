//! Principle 4, inequalities: who took part against the population each organisation serves.
//!
//! Each organisation's activities are set against its own baseline (an ICS's organisations serve
//! overlapping populations, so their baselines are never added together); across several
//! organisations the groups are counted side by side.

use super::{cohort_share, Cohort, Inputs, Listed, Measure, Period};
use crate::domain::common::Principle;
use crate::projections::reach::{groups, GroupReach, Participants};

const P: Principle = Principle::Inequalities;

/// Each population group of each organisation in scope that has a baseline, judged on the
/// activities it led that were held in the period.
pub fn population_groups(inputs: &Inputs, period: &Period) -> Vec<(String, GroupReach)> {
    groups_of(inputs, &inputs.participants(period))
}

/// Each population group of each organisation in scope that has a baseline, against the
/// participants of the activities it led.
fn groups_of(
    inputs: &Inputs,
    participants: &std::collections::BTreeMap<String, Participants>,
) -> Vec<(String, GroupReach)> {
    let none = Participants::new();
    let mut found = Vec::new();
    for (code, shares) in inputs.baselines {
        if !inputs.organisations.contains(code) {
            continue;
        }
        let led = participants.get(code).unwrap_or(&none);
        let reached = groups(led, shares, inputs.margin_points);
        found.extend(reached.into_iter().map(|g| (code.clone(), g)));
    }
    found
}

pub(super) fn measures(inputs: &Inputs, period: &Period, cohort: &Cohort) -> Vec<Measure> {
    let groups = groups_of(inputs, &cohort.participants);
    let assessed: Vec<_> = groups
        .iter()
        .filter(|(_, g)| g.participant_share.is_some())
        .collect();
    let reached = assessed
        .iter()
        .filter(|(_, g)| !g.under_represented)
        .count();
    vec![
        cohort_share(
            inputs,
            period,
            (
                P,
                "demographics_recorded",
                "Activities held whose participants' make-up was recorded",
            ),
            (cohort.demographics_recorded, cohort.held),
            Listed::ActivitiesHeld,
        ),
        cohort_share(
            inputs,
            period,
            (
                P,
                "population_groups_reached",
                "Population groups reached within the margin of their share",
            ),
            (reached as u64, assessed.len() as u64),
            Listed::ActivitiesAgainstBaseline,
        ),
    ]
}
