//! Principle 2, informed: information published before activities, in accessible formats, and
//! feedback given on input.

use super::{cohort_share, counted_median_days, listing, Cohort, Inputs, Listed, Measure, Period};
use crate::domain::common::Principle;

const P: Principle = Principle::Informed;

pub(super) fn measures(inputs: &Inputs, period: &Period, cohort: &Cohort) -> Vec<Measure> {
    let held = |key, label, count| {
        cohort_share(
            inputs,
            period,
            (P, key, label),
            (count, cohort.held),
            Listed::ActivitiesHeld,
        )
    };
    vec![
        held(
            "information_before_activity",
            "Activities with information published beforehand",
            cohort.informed_before,
        ),
        listing(
            inputs,
            period,
            counted_median_days(
                P,
                "days_information_before",
                "Median days information was published before the activity",
                &cohort.days_informed_before,
            ),
            Listed::ActivitiesInformedBefore,
        ),
        held(
            "accessible_formats",
            "Activities whose information was offered in an accessible format",
            cohort.accessible,
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
