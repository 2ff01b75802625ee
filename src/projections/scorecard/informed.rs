//! Principle 2, informed: information published before activities, in accessible formats, and
//! feedback given on input.

use super::{
    cohort_share, median_days, refs, share, Cohort, Inputs, Listed, Measure, Period, RecordKind,
};
use crate::domain::common::Principle;
use crate::projections::docs::ActivityDoc;

const P: Principle = Principle::Informed;

pub(super) fn measures(inputs: &Inputs, period: &Period, cohort: &Cohort) -> Vec<Measure> {
    let held = inputs.held_activities(period);
    let all = refs(RecordKind::Activity, held.iter().map(|(a, _)| a.id));
    let before: Vec<_> = held
        .iter()
        .filter_map(|(a, on)| {
            let earliest = a
                .information_published
                .iter()
                .map(|i| i.published_on)
                .filter(|p| p < on)
                .min()?;
            Some((a.id, (*on - earliest).num_days()))
        })
        .collect();
    let accessible = held
        .iter()
        .filter(|(a, on)| offered_accessible_format(a, *on))
        .count() as u64;
    let total = held.len() as u64;
    vec![
        share(
            P,
            "information_before_activity",
            "Activities with information published beforehand",
            (before.len() as u64, total),
            all.clone(),
        ),
        median_days(
            P,
            "days_information_before",
            "Median days information was published before the activity",
            before.iter().map(|(_, days)| *days).collect(),
            refs(RecordKind::Activity, before.iter().map(|(id, _)| *id)),
        ),
        share(
            P,
            "accessible_formats",
            "Activities whose information was offered in an accessible format",
            (accessible, total),
            all,
        ),
        cohort_share(
            inputs,
            period,
            (
                P,
                "feedback_given",
                "Input items whose contributors were told the outcome",
            ),
            (cohort.loop_closed, cohort.raised),
            Listed::ItemsRaised,
        ),
    ]
}

/// Whether information published by the day the activity was held offered an accessible format.
fn offered_accessible_format(activity: &ActivityDoc, held_on: chrono::NaiveDate) -> bool {
    activity
        .information_published
        .iter()
        .any(|i| i.published_on <= held_on && !i.accessible_formats.is_empty())
}
