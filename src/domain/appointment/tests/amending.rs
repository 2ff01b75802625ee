//! Amending an appointment's role, voting and term.

use super::*;
use crate::domain::correction::{Correction, CorrectionCategory};
use crate::domain::testing::because;

fn amend(changes: AppointmentChanges) -> AppointmentCommand {
    AppointmentCommand::Amend {
        changes,
        correction: misdated(),
    }
}

fn misdated() -> Correction {
    because(
        CorrectionCategory::WrongDate,
        "Dates from the appointment letter",
    )
}

fn amended(changes: AppointmentChanges) -> Vec<AppointmentEvent> {
    vec![AppointmentEvent::Amended {
        changes,
        correction: misdated(),
    }]
}

fn term(start: Option<&str>, end: Option<&str>) -> AppointmentChanges {
    AppointmentChanges {
        term_start: start.map(day),
        term_end: end.map(day),
        ..AppointmentChanges::default()
    }
}

/// [`appointed`], then renewed on 2026-06-01 to 2027-06-30.
fn renewed() -> Vec<AppointmentEvent> {
    let mut events = appointed();
    events.push(AppointmentEvent::Renewed {
        term_end: day("2027-06-30"),
        renewed_on: day("2026-06-01"),
    });
    events
}

#[test]
fn amends_only_the_fields_that_differ() {
    given(appointed())
        .when(amend(AppointmentChanges {
            role: Some(SeatRole::LayMember),
            voting: Some(false),
            // The same as recorded: not a change.
            term_start: Some(day("2025-07-01")),
            term_end: Some(day("2026-09-30")),
        }))
        .then_expect_events(amended(AppointmentChanges {
            role: Some(SeatRole::LayMember),
            voting: Some(false),
            term_start: None,
            term_end: Some(day("2026-09-30")),
        }));
}

#[test]
fn refuses_an_amendment_that_changes_nothing() {
    given(appointed())
        .when(amend(AppointmentChanges {
            role: Some(SeatRole::PatientMember),
            voting: Some(true),
            ..term(Some("2025-07-01"), Some("2026-06-30"))
        }))
        .then_expect_error(invalid(
            "changes",
            "changes nothing: name at least one field with a value different from the record's",
        ));
}

#[test]
fn refuses_a_term_running_backwards_naming_both_dates() {
    given(appointed())
        .when(amend(term(None, Some("2025-07-01"))))
        .then_expect_error(invalid(
            "termEnd",
            "2025-07-01 is not after the term start, 2025-07-01",
        ));
    given(appointed())
        .when(amend(term(Some("2026-07-01"), None)))
        .then_expect_error(invalid(
            "termStart",
            "2026-07-01 is not before the term end, 2026-06-30",
        ));
    // Both corrected, and contradicting each other.
    given(appointed())
        .when(amend(term(Some("2026-04-01"), Some("2026-03-01"))))
        .then_expect_error(invalid(
            "termEnd",
            "2026-03-01 is not after the term start, 2026-04-01",
        ));
}

#[test]
fn refuses_a_term_that_no_longer_holds_the_day_it_ended() {
    given(ended())
        .when(amend(term(None, Some("2026-06-01"))))
        .then_expect_error(invalid(
            "termEnd",
            "2026-06-01 is before the day the appointment ended, on 2026-06-15",
        ));
    given(ended())
        .when(amend(term(Some("2026-06-20"), None)))
        .then_expect_error(invalid(
            "termStart",
            "2026-06-20 is after the day the appointment ended, on 2026-06-15",
        ));
    // An ended appointment's facts may still be put right.
    given(ended())
        .when(amend(term(Some("2025-09-01"), None)))
        .then_expect_events(amended(term(Some("2025-09-01"), None)));
}

#[test]
fn a_renewed_term_end_must_still_extend_the_term() {
    given(renewed())
        .when(amend(term(None, Some("2026-06-30"))))
        .then_expect_error(invalid(
            "termEnd",
            "2026-06-30 is not after the term end its latest renewal extended, 2026-06-30",
        ));
    given(renewed())
        .when(amend(term(None, Some("2027-03-31"))))
        .then_expect_events(amended(term(None, Some("2027-03-31"))));
}

#[test]
fn refuses_a_corrected_term_overlapping_another_seat() {
    // EARLIER ended on 2025-03-31; LATER starts on 2027-07-01.
    given(appointed())
        .when(amend(term(Some("2025-03-31"), None)))
        .then_expect_error(AppointmentError::TermOverlaps { field: "termStart" });
    given(appointed())
        .when(amend(term(None, Some("2027-07-01"))))
        .then_expect_error(AppointmentError::TermOverlaps { field: "termEnd" });
    given(appointed())
        .when(amend(term(Some("2025-04-01"), Some("2027-06-30"))))
        .then_expect_events(amended(term(Some("2025-04-01"), Some("2027-06-30"))));
}

#[test]
fn refuses_a_bad_term_and_a_missing_reason_together() {
    let faults = FieldError::new(
        "termEnd",
        "2025-01-01 is not after the term start, 2025-07-01",
    )
    .and(FieldError::new("reason.detail", "is required"));
    given(appointed())
        .when(AppointmentCommand::Amend {
            changes: term(None, Some("2025-01-01")),
            correction: because(CorrectionCategory::WrongDate, ""),
        })
        .then_expect_error(AppointmentError::Invalid(faults));
}

#[test]
fn refuses_amending_an_appointment_never_made() {
    given(vec![])
        .when(amend(term(None, Some("2026-09-30"))))
        .then_expect_error(AppointmentError::NotFound);
}

#[test]
fn the_overlap_refusal_names_the_corrected_date_and_is_a_conflict() {
    let refused = AppointmentError::TermOverlaps { field: "termEnd" };
    assert_eq!(
        refused.to_string(),
        "termEnd: the participant holds another seat on this board for part of the corrected term"
    );
    assert_eq!(refused.kind(), RefusalKind::Conflict);
}

#[test]
fn state_takes_the_corrected_facts() {
    let mut appointment = Appointment::default();
    for event in renewed() {
        appointment.apply(event);
    }
    appointment.apply(AppointmentEvent::Amended {
        changes: AppointmentChanges {
            role: Some(SeatRole::CarerRepresentative),
            voting: Some(false),
            ..term(Some("2025-08-01"), Some("2027-05-31"))
        },
        correction: misdated(),
    });
    assert_eq!(appointment.role(), Some(SeatRole::CarerRepresentative));
    assert_eq!(appointment.voting(), Some(false));
    let facts = appointment.facts().expect("made");
    assert_eq!(
        (facts.term_start, facts.term_end),
        (day("2025-08-01"), day("2027-05-31"))
    );
}
