//! Amending an activity's recorded facts, a publication of information and feedback.

use super::lifecycle::{cancelled, held};
use super::*;
use crate::domain::common::{AccessibleFormat, Attendance, FeedbackChannel};
use crate::domain::correction::{Correction, CorrectionCategory};
use crate::domain::feedback::FeedbackChanges;

fn reason() -> Correction {
    Correction {
        category: CorrectionCategory::WrongDetail,
        detail: "Counted from the sign-in sheet".to_owned(),
    }
}

fn amend(changes: ActivityChanges, partners: Option<&[&str]>) -> ActivityCommand {
    ActivityCommand::Amend {
        changes,
        partner_organisations: partners.map(|p| p.iter().map(|c| (*c).to_owned()).collect()),
        correction: reason(),
    }
}

fn amended(changes: ActivityChanges) -> Vec<ActivityEvent> {
    vec![ActivityEvent::ActivityAmended {
        changes,
        correction: reason(),
    }]
}

fn counted(patients: u32) -> Attendance {
    Attendance {
        patients,
        carers: 3,
        public: 0,
        staff: 2,
    }
}

/// [`held`], with information published on 2026-05-20 and feedback given on 2026-06-10.
fn followed_up() -> Vec<ActivityEvent> {
    let mut events = held();
    events.push(ActivityEvent::InformationPublished {
        published_on: day("2026-05-20"),
        accessible_formats: vec![AccessibleFormat::EasyRead],
    });
    events.push(ActivityEvent::ActivityFeedbackGiven {
        given_on: day("2026-06-10"),
        channel: FeedbackChannel::Email,
        summary: "What we heard".to_owned(),
    });
    events
}

#[test]
fn amends_a_wrong_attendance_count_and_partners() {
    given(held())
        .when(amend(
            ActivityChanges {
                attendance: Some(counted(21)),
                title: Some(" Discharge focus group ".to_owned()),
                ..ActivityChanges::default()
            },
            Some(&["a81001", "R1K", "A81001"]),
        ))
        .then_expect_events(amended(ActivityChanges {
            partner_organisations: Some(vec![ods("A81001"), ods("R1K")]),
            attendance: Some(counted(21)),
            ..ActivityChanges::default()
        }));
}

#[test]
fn corrects_a_cancelled_activity_too() {
    let changes = ActivityChanges {
        topic: Some("Leaving hospital".to_owned()),
        ..ActivityChanges::default()
    };
    given(cancelled())
        .when(amend(changes.clone(), None))
        .then_expect_events(amended(changes));
}

#[test]
fn refuses_holding_facts_of_an_activity_not_held() {
    given(planned())
        .when(amend(
            ActivityChanges {
                attendance: Some(counted(21)),
                ..ActivityChanges::default()
            },
            None,
        ))
        .then_expect_error(invalid(
            "attendance",
            "the activity has not been held; record that it was held instead",
        ));
}

#[test]
fn refuses_a_held_date_after_what_followed_it() {
    given(followed_up())
        .when(amend(
            ActivityChanges {
                held_on: Some(day("2026-06-12")),
                ..ActivityChanges::default()
            },
            None,
        ))
        .then_expect_error(invalid(
            "heldOn",
            "2026-06-12 is after participants were first given feedback, on 2026-06-10",
        ));
}

#[test]
fn refuses_partners_that_include_the_lead_or_are_unknown() {
    given(planned())
        .when(amend(ActivityChanges::default(), Some(&["QMJ"])))
        .then_expect_error(invalid(
            "partnerOrganisations",
            "must not include the lead organisation",
        ));
    given(planned())
        .when(amend(ActivityChanges::default(), Some(&["RXX"])))
        .then_expect_error(ActivityError::PartnerOrganisationNotFound { index: 0 });
    given(planned())
        .when(amend(ActivityChanges::default(), Some(&["R1K"])))
        .then_expect_error(invalid(
            "changes",
            "changes nothing: name at least one field with a value different from the record's",
        ));
}

#[test]
fn amends_a_publication_by_its_place() {
    let changes = PublicationChanges {
        published_on: Some(day("2026-05-18")),
        accessible_formats: Some(vec![
            AccessibleFormat::EasyRead,
            AccessibleFormat::LargePrint,
        ]),
    };
    given(followed_up())
        .when(ActivityCommand::AmendInformation {
            index: 0,
            changes: changes.clone(),
            correction: reason(),
        })
        .then_expect_events(vec![ActivityEvent::InformationAmended {
            index: 0,
            changes,
            correction: reason(),
        }]);
    given(followed_up())
        .when(ActivityCommand::AmendInformation {
            index: 1,
            changes: PublicationChanges::default(),
            correction: reason(),
        })
        .then_expect_error(invalid("index", "there is no publication 1: the last is 0"));
}

#[test]
fn amends_feedback_but_not_to_before_the_activity_was_held() {
    let changes = FeedbackChanges {
        channel: Some(FeedbackChannel::Letter),
        ..FeedbackChanges::default()
    };
    given(followed_up())
        .when(ActivityCommand::AmendFeedback {
            index: 0,
            changes: changes.clone(),
            correction: reason(),
        })
        .then_expect_events(vec![ActivityEvent::ActivityFeedbackAmended {
            index: 0,
            changes,
            correction: reason(),
        }]);
    given(followed_up())
        .when(ActivityCommand::AmendFeedback {
            index: 0,
            changes: FeedbackChanges {
                given_on: Some(day("2026-06-01")),
                ..FeedbackChanges::default()
            },
            correction: reason(),
        })
        .then_expect_error(invalid(
            "givenOn",
            "2026-06-01 is before the activity was held, on 2026-06-02",
        ));
    given(planned())
        .when(ActivityCommand::AmendFeedback {
            index: 0,
            changes: FeedbackChanges::default(),
            correction: reason(),
        })
        .then_expect_error(ActivityError::NotHeld);
}
