//! Principle 5, seeking input: the verdict roll-up of the input items raised in the period.

use super::{cohort_share, Cohort, Inputs, Listed, Measure, Period};
use crate::domain::common::Principle;

const P: Principle = Principle::SeekingInput;

pub(super) fn measures(inputs: &Inputs, period: &Period, cohort: &Cohort) -> Vec<Measure> {
    [
        (
            "answered_within_window",
            "Input items answered within the response window",
            cohort.answered_within_window,
        ),
        ("acted_on", "Input items acted on", cohort.acted_on),
        (
            "loop_closed",
            "Input items whose loop was closed",
            cohort.loop_closed,
        ),
        (
            "genuinely_acted_on",
            "Input items genuinely acted on",
            cohort.genuinely_acted_on,
        ),
    ]
    .into_iter()
    .map(|(key, label, count)| {
        cohort_share(
            inputs,
            period,
            (P, key, label),
            (count, cohort.raised),
            Listed::ItemsRaised,
        )
    })
    .collect()
}
