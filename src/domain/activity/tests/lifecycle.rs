//! Activity commands after planning: information and holding, plus the fixtures for later steps.

use std::collections::BTreeMap;

use super::*;
use crate::domain::common::{AccessibleFormat, Attendance, DemographicSnapshot, FeedbackChannel};

fn attendance() -> Attendance {
    Attendance {
        patients: 12,
        carers: 3,
        public: 0,
        staff: 2,
    }
}

fn held_event(held_on: &str, demographics: DemographicSnapshot) -> ActivityEvent {
    ActivityEvent::ActivityHeld {
        held_on: day(held_on),
        attendance: attendance(),
        demographics,
    }
}

/// [`planned`] and then held on 2026-06-02.
pub(super) fn held() -> Vec<ActivityEvent> {
    let mut events = planned();
    events.push(held_event("2026-06-02", DemographicSnapshot::default()));
    events
}

pub(super) fn cancelled() -> Vec<ActivityEvent> {
    let mut events = planned();
    events.push(ActivityEvent::ActivityCancelled {
        cancelled_on: day("2026-05-20"),
        reason: "Venue closed".to_owned(),
    });
    events
}

pub(super) fn hold(
    held_on: &str,
    demographics: DemographicSnapshot,
    early: bool,
) -> ActivityCommand {
    ActivityCommand::RecordHeld {
        held_on: day(held_on),
        attendance: attendance(),
        demographics,
        before_planned_date: early,
    }
}

pub(super) fn publish_information(on: &str) -> ActivityCommand {
    ActivityCommand::RecordInformationPublished {
        published_on: day(on),
        accessible_formats: vec![AccessibleFormat::EasyRead, AccessibleFormat::EasyRead],
    }
}

pub(super) fn report(on: &str, summary: &str) -> ActivityCommand {
    ActivityCommand::PublishReport {
        published_on: day(on),
        summary: summary.to_owned(),
    }
}

pub(super) fn cancel(on: &str) -> ActivityCommand {
    ActivityCommand::Cancel {
        cancelled_on: day(on),
        reason: " Venue closed ".to_owned(),
    }
}

pub(super) fn feedback(on: &str, summary: &str) -> ActivityCommand {
    ActivityCommand::GiveFeedback {
        given_on: day(on),
        channel: FeedbackChannel::Newsletter,
        summary: summary.to_owned(),
    }
}

fn age_bands(labels: impl IntoIterator<Item = String>) -> DemographicSnapshot {
    DemographicSnapshot {
        age_band: labels
            .into_iter()
            .map(|label| (label, 1))
            .collect::<BTreeMap<_, _>>(),
        ..DemographicSnapshot::default()
    }
}

#[test]
fn records_information_again_with_deduplicated_formats() {
    let mut events = planned();
    events.push(ActivityEvent::InformationPublished {
        published_on: day("2026-05-01"),
        accessible_formats: vec![AccessibleFormat::LargePrint],
    });
    given(events)
        .when(publish_information("2026-05-15"))
        .then_expect_events(vec![ActivityEvent::InformationPublished {
            published_on: day("2026-05-15"),
            accessible_formats: vec![AccessibleFormat::EasyRead],
        }]);
}

#[test]
fn refuses_information_published_in_the_future() {
    given(planned())
        .when(publish_information("2026-07-01"))
        .then_expect_error(invalid("publishedOn", "must not be in the future"));
}

#[test]
fn refuses_commands_before_planning() {
    given(vec![])
        .when(publish_information("2026-05-15"))
        .then_expect_error(ActivityError::NotFound);
}

#[test]
fn records_held_with_its_snapshot() {
    let snapshot = age_bands(["18-24".to_owned(), "65+".to_owned()]);
    given(planned())
        .when(hold("2026-06-30", snapshot.clone(), false))
        .then_expect_events(vec![held_event("2026-06-30", snapshot)]);
}

#[test]
fn records_held_early_when_confirmed() {
    given(planned())
        .when(hold("2026-05-30", DemographicSnapshot::default(), true))
        .then_expect_events(vec![held_event(
            "2026-05-30",
            DemographicSnapshot::default(),
        )]);
}

#[test]
fn refuses_held_early_unless_confirmed() {
    given(planned())
        .when(hold("2026-05-30", DemographicSnapshot::default(), false))
        .then_expect_error(invalid(
            "heldOn",
            "2026-05-30 is before the date it was planned for, 2026-06-01; set beforePlannedDate to confirm it",
        ));
}

#[test]
fn refuses_held_in_the_future() {
    given(planned())
        .when(hold("2026-07-01", DemographicSnapshot::default(), false))
        .then_expect_error(invalid("heldOn", "must not be in the future"));
}

#[test]
fn refuses_held_twice() {
    given(held())
        .when(hold("2026-06-03", DemographicSnapshot::default(), false))
        .then_expect_error(ActivityError::AlreadyHeld);
}

#[test]
fn refuses_more_than_thirty_categories_in_a_dimension() {
    let snapshot = age_bands((0..31).map(|n| format!("band {n}")));
    given(planned())
        .when(hold("2026-06-02", snapshot, false))
        .then_expect_error(invalid(
            "demographics.ageBand",
            "has 31 categories; the limit is 30",
        ));
}

#[test]
fn refuses_a_blank_or_overlong_category_label() {
    for label in [" ".to_owned(), "x".repeat(61)] {
        let snapshot = DemographicSnapshot {
            ethnic_group: BTreeMap::from([(label, 4)]),
            ..DemographicSnapshot::default()
        };
        given(planned())
            .when(hold("2026-06-02", snapshot, false))
            .then_expect_error(invalid(
                "demographics.ethnicGroup",
                "each category label must be 1 to 60 characters",
            ));
    }
}

fn postpone(to: &str, on: &str) -> ActivityCommand {
    ActivityCommand::Postpone {
        planned_on: day(to),
        postponed_on: day(on),
        reason: " The venue flooded ".to_owned(),
    }
}

#[test]
fn postpones_to_a_later_date_with_the_reason() {
    given(planned())
        .when(postpone("2026-06-15", "2026-05-28"))
        .then_expect_events(vec![ActivityEvent::ActivityPostponed {
            planned_on: day("2026-06-15"),
            postponed_on: day("2026-05-28"),
            reason: "The venue flooded".to_owned(),
        }]);
}

#[test]
fn after_a_postponement_holding_before_the_new_date_needs_confirming() {
    let mut events = planned();
    events.push(ActivityEvent::ActivityPostponed {
        planned_on: day("2026-06-15"),
        postponed_on: day("2026-05-28"),
        reason: "The venue flooded".to_owned(),
    });
    given(events)
        .when(hold("2026-06-10", DemographicSnapshot::default(), false))
        .then_expect_error(invalid(
            "heldOn",
            "2026-06-10 is before the date it was planned for, 2026-06-15; set beforePlannedDate to confirm it",
        ));
}

#[test]
fn refuses_a_postponement_that_is_not_later_or_has_no_reason() {
    given(planned())
        .when(ActivityCommand::Postpone {
            planned_on: day("2026-06-01"),
            postponed_on: day("2026-07-02"),
            reason: " ".to_owned(),
        })
        .then_expect_error(ActivityError::Invalid(
            FieldError::new(
                "plannedOn",
                "2026-06-01 is not after the date it is planned for, 2026-06-01",
            )
            .and(FieldError::new("postponedOn", "must not be in the future"))
            .and(FieldError::new("reason", "is required")),
        ));
}

#[test]
fn refuses_to_postpone_a_held_or_cancelled_activity() {
    given(held())
        .when(postpone("2026-06-15", "2026-06-03"))
        .then_expect_error(ActivityError::AlreadyHeld);
    given(cancelled())
        .when(postpone("2026-06-15", "2026-05-28"))
        .then_expect_error(ActivityError::Cancelled);
}
