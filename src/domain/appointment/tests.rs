//! Given/when/then tests of the `Appointment` aggregate.

mod amending;

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::domain::board::SeatRole;
use crate::domain::common::FieldError;
use crate::domain::services::{AppointmentFacts, BoardFacts, LookupFailed, ParticipantFacts};
use crate::domain::testing::{day, ods, FakeLookups};
use crate::domain::{Refusal, RefusalKind};

/// The appointment under test.
const APPT: Uuid = Uuid::from_u128(0xA0);
/// QMJ's board.
const BOARD: Uuid = Uuid::from_u128(0xB0);
/// QMJ's board, dissolved.
const DISSOLVED: Uuid = Uuid::from_u128(0xB1);
/// Registered with QMJ; holds [`EARLIER`], [`CURRENT`] and [`LATER`] on [`BOARD`].
const PERSON: Uuid = Uuid::from_u128(0x01);
/// Registered with R1K.
const FOREIGNER: Uuid = Uuid::from_u128(0x02);
/// Registered with QMJ, erased.
const ERASED: Uuid = Uuid::from_u128(0x03);
/// Term 2024-01-01 to 2025-12-31, ended early on 2025-03-31.
const EARLIER: Uuid = Uuid::from_u128(0xE1);
/// Term 2025-07-01 to 2026-06-30; the same appointment as [`APPT`] in the store.
const CURRENT: Uuid = APPT;
/// Term 2027-07-01 to 2028-06-30.
const LATER: Uuid = Uuid::from_u128(0xE3);

fn seat(id: Uuid, start: &str, end: &str, ended: Option<&str>) -> AppointmentFacts {
    AppointmentFacts {
        id,
        board_id: BOARD,
        participant_id: PERSON,
        term_start: day(start),
        term_end: day(end),
        ended_on: ended.map(day),
    }
}

fn person(id: Uuid, organisation: &str, erased: bool) -> ParticipantFacts {
    ParticipantFacts {
        id,
        organisation: ods(organisation),
        erased,
    }
}

fn lookups() -> FakeLookups {
    FakeLookups::new()
        .with_organisation("QMJ")
        .with_organisation("R1K")
        .with_board(BoardFacts {
            id: BOARD,
            organisation: ods("QMJ"),
            dissolved_on: None,
        })
        .with_board(BoardFacts {
            id: DISSOLVED,
            organisation: ods("QMJ"),
            dissolved_on: Some(day("2026-05-01")),
        })
        .with_participant(person(PERSON, "QMJ", false))
        .with_participant(person(FOREIGNER, "R1K", false))
        .with_participant(person(ERASED, "QMJ", true))
        .with_appointment(seat(
            EARLIER,
            "2024-01-01",
            "2025-12-31",
            Some("2025-03-31"),
        ))
        .with_appointment(seat(CURRENT, "2025-07-01", "2026-06-30", None))
        .with_appointment(seat(LATER, "2027-07-01", "2028-06-30", None))
}

fn given(events: Vec<AppointmentEvent>) -> AggregateTestExecutor<Appointment> {
    TestFramework::with(lookups().build()).given(events)
}

fn invalid(field: &'static str, problem: &str) -> AppointmentError {
    AppointmentError::Invalid(FieldError::new(field, problem))
}

fn appointed_event(start: &str, end: &str) -> AppointmentEvent {
    AppointmentEvent::Appointed {
        appointment_id: APPT,
        board_id: BOARD,
        organisation: ods("QMJ"),
        participant_id: PERSON,
        role: SeatRole::PatientMember,
        voting: true,
        term_start: day(start),
        term_end: day(end),
    }
}

/// [`PERSON`] on [`BOARD`] from 2025-07-01 to 2026-06-30, as [`CURRENT`].
fn appointed() -> Vec<AppointmentEvent> {
    vec![appointed_event("2025-07-01", "2026-06-30")]
}

/// A term from 2026-01-01 to 2026-03-31, already over but not ended.
fn lapsed() -> Vec<AppointmentEvent> {
    vec![appointed_event("2026-01-01", "2026-03-31")]
}

/// [`appointed`], then ended on 2026-06-15.
fn ended() -> Vec<AppointmentEvent> {
    let mut events = appointed();
    events.push(AppointmentEvent::Ended {
        reason: EndReason::Resigned,
        ended_on: day("2026-06-15"),
    });
    events
}

fn appoint_to(board: Uuid, participant: Uuid, start: &str, end: &str) -> AppointmentCommand {
    AppointmentCommand::Appoint {
        appointment_id: Uuid::from_u128(0xA1),
        board_id: board,
        participant_id: participant,
        role: SeatRole::PatientMember,
        voting: true,
        term_start: day(start),
        term_end: day(end),
    }
}

fn appoint(start: &str, end: &str) -> AppointmentCommand {
    appoint_to(BOARD, PERSON, start, end)
}

fn renew(term_end: &str, renewed_on: &str) -> AppointmentCommand {
    AppointmentCommand::Renew {
        term_end: day(term_end),
        renewed_on: day(renewed_on),
    }
}

fn end(on: &str) -> AppointmentCommand {
    AppointmentCommand::End {
        reason: EndReason::Resigned,
        ended_on: day(on),
    }
}

#[test]
fn appoints_ahead_with_the_boards_organisation() {
    given(vec![])
        .when(appoint("2026-07-01", "2027-06-30"))
        .then_expect_events(vec![AppointmentEvent::Appointed {
            appointment_id: Uuid::from_u128(0xA1),
            board_id: BOARD,
            organisation: ods("QMJ"),
            participant_id: PERSON,
            role: SeatRole::PatientMember,
            voting: true,
            term_start: day("2026-07-01"),
            term_end: day("2027-06-30"),
        }]);
}

#[test]
fn appoints_into_the_gap_left_by_an_early_end() {
    given(vec![])
        .when(appoint("2025-04-01", "2025-06-30"))
        .then_expect_events(vec![AppointmentEvent::Appointed {
            appointment_id: Uuid::from_u128(0xA1),
            board_id: BOARD,
            organisation: ods("QMJ"),
            participant_id: PERSON,
            role: SeatRole::PatientMember,
            voting: true,
            term_start: day("2025-04-01"),
            term_end: day("2025-06-30"),
        }]);
}

#[test]
fn refuses_appointing_twice() {
    given(appointed())
        .when(appoint("2026-07-01", "2027-06-30"))
        .then_expect_error(AppointmentError::AlreadyExists);
}

#[test]
fn refuses_a_term_that_does_not_end_after_it_starts() {
    given(vec![])
        .when(appoint("2026-07-01", "2026-07-01"))
        .then_expect_error(invalid(
            "termEnd",
            "2026-07-01 is not after the term start, 2026-07-01",
        ));
    given(vec![])
        .when(appoint("2026-07-01", "2026-06-01"))
        .then_expect_error(invalid(
            "termEnd",
            "2026-06-01 is not after the term start, 2026-07-01",
        ));
}

#[test]
fn refuses_an_unknown_board() {
    given(vec![])
        .when(appoint_to(
            Uuid::from_u128(0xFF),
            PERSON,
            "2026-07-01",
            "2027-06-30",
        ))
        .then_expect_error(AppointmentError::BoardNotFound);
}

#[test]
fn refuses_a_dissolved_board() {
    given(vec![])
        .when(appoint_to(DISSOLVED, PERSON, "2026-07-01", "2027-06-30"))
        .then_expect_error(AppointmentError::BoardDissolved);
}

#[test]
fn refuses_an_unknown_participant() {
    given(vec![])
        .when(appoint_to(
            BOARD,
            Uuid::from_u128(0xFF),
            "2026-07-01",
            "2027-06-30",
        ))
        .then_expect_error(AppointmentError::ParticipantNotFound);
}

#[test]
fn refuses_a_participant_of_another_organisation() {
    given(vec![])
        .when(appoint_to(BOARD, FOREIGNER, "2026-07-01", "2027-06-30"))
        .then_expect_error(AppointmentError::ParticipantNotOurs);
}

#[test]
fn refuses_an_erased_participant() {
    given(vec![])
        .when(appoint_to(BOARD, ERASED, "2026-07-01", "2027-06-30"))
        .then_expect_error(AppointmentError::ParticipantErased);
}

#[test]
fn refuses_a_term_overlapping_another_seat_on_the_board() {
    // The current seat's last day.
    given(vec![])
        .when(appoint("2026-06-30", "2027-06-30"))
        .then_expect_error(AppointmentError::SeatOverlaps);
    // The later seat's first day.
    given(vec![])
        .when(appoint("2026-07-01", "2027-07-01"))
        .then_expect_error(AppointmentError::SeatOverlaps);
    // The earlier seat's last day served.
    given(vec![])
        .when(appoint("2025-03-31", "2025-06-30"))
        .then_expect_error(AppointmentError::SeatOverlaps);
    // Enclosing a whole seat.
    given(vec![])
        .when(appoint("2023-01-01", "2029-01-01"))
        .then_expect_error(AppointmentError::SeatOverlaps);
}

#[test]
fn refuses_commands_before_appointment() {
    given(vec![])
        .when(renew("2027-06-30", "2026-06-01"))
        .then_expect_error(AppointmentError::NotFound);
    given(vec![])
        .when(end("2026-06-15"))
        .then_expect_error(AppointmentError::NotFound);
}

#[test]
fn renews_up_to_the_next_seat() {
    given(appointed())
        .when(renew("2027-06-30", "2026-06-01"))
        .then_expect_events(vec![AppointmentEvent::Renewed {
            term_end: day("2027-06-30"),
            renewed_on: day("2026-06-01"),
        }]);
}

#[test]
fn refuses_renewing_into_another_seat() {
    given(appointed())
        .when(renew("2027-07-01", "2026-06-01"))
        .then_expect_error(AppointmentError::RenewalOverlaps);
}

#[test]
fn refuses_renewing_an_ended_appointment() {
    given(ended())
        .when(renew("2027-06-30", "2026-06-20"))
        .then_expect_error(AppointmentError::AlreadyEnded);
}

#[test]
fn refuses_a_renewal_not_extending_the_term() {
    given(appointed())
        .when(renew("2026-06-30", "2026-06-01"))
        .then_expect_error(invalid(
            "termEnd",
            "2026-06-30 is not after the current term end, 2026-06-30",
        ));
}

#[test]
fn refuses_a_future_renewal() {
    given(appointed())
        .when(renew("2027-06-30", "2026-07-01"))
        .then_expect_error(invalid("renewedOn", "must not be in the future"));
}

#[test]
fn ends_an_appointment() {
    given(appointed())
        .when(end("2026-06-15"))
        .then_expect_events(vec![AppointmentEvent::Ended {
            reason: EndReason::Resigned,
            ended_on: day("2026-06-15"),
        }]);
    given(lapsed())
        .when(AppointmentCommand::End {
            reason: EndReason::TermExpired,
            ended_on: day("2026-03-31"),
        })
        .then_expect_events(vec![AppointmentEvent::Ended {
            reason: EndReason::TermExpired,
            ended_on: day("2026-03-31"),
        }]);
}

#[test]
fn refuses_ending_twice() {
    given(ended())
        .when(end("2026-06-20"))
        .then_expect_error(AppointmentError::AlreadyEnded);
}

#[test]
fn refuses_an_end_before_the_term_in_the_future_or_after_the_term() {
    given(appointed())
        .when(end("2025-06-30"))
        .then_expect_error(invalid(
            "endedOn",
            "2025-06-30 is before the term started, on 2025-07-01",
        ));
    given(appointed())
        .when(end("2026-07-01"))
        .then_expect_error(invalid("endedOn", "must not be in the future"));
    given(lapsed())
        .when(end("2026-04-01"))
        .then_expect_error(invalid(
            "endedOn",
            "2026-04-01 is after the term ends, on 2026-03-31",
        ));
}

#[test]
fn reports_a_ledger_that_cannot_be_read() {
    TestFramework::<Appointment>::with(lookups().failing().build())
        .given(vec![])
        .when(appoint("2026-07-01", "2027-06-30"))
        .then_expect_error(AppointmentError::Lookup(LookupFailed));
}

#[test]
fn refusals_map_to_kinds() {
    use AppointmentError as E;
    for (error, kind) in [
        (invalid("termEnd", "x"), RefusalKind::Validation),
        (E::NotFound, RefusalKind::NotFound),
        (E::BoardNotFound, RefusalKind::NotFound),
        (E::ParticipantNotFound, RefusalKind::NotFound),
        (E::ParticipantNotOurs, RefusalKind::Forbidden),
        (E::AlreadyExists, RefusalKind::Conflict),
        (E::BoardDissolved, RefusalKind::Conflict),
        (E::ParticipantErased, RefusalKind::Conflict),
        (E::SeatOverlaps, RefusalKind::Conflict),
        (E::RenewalOverlaps, RefusalKind::Conflict),
        (E::AlreadyEnded, RefusalKind::Conflict),
        (E::Lookup(LookupFailed), RefusalKind::Internal),
    ] {
        assert_eq!(error.kind(), kind, "{error}");
    }
    assert_eq!(E::BoardNotFound.to_string(), "boardId: board not found");
    assert_eq!(E::BoardDissolved.to_string(), "boardId: board is dissolved");
    assert_eq!(
        E::ParticipantNotFound.to_string(),
        "participantId: participant not found"
    );
    assert_eq!(
        E::SeatOverlaps.to_string(),
        "participantId: already holds a seat on this board for part of that term"
    );
    assert_eq!(E::AlreadyEnded.to_string(), "appointment has already ended");
}

#[test]
fn state_follows_the_events() {
    let mut appointment = Appointment::default();
    assert_eq!(appointment.facts(), None);
    assert_eq!(appointment.id(), None);
    for event in appointed() {
        appointment.apply(event);
    }
    assert_eq!(appointment.id(), Some(APPT));
    assert_eq!(appointment.board_id(), Some(BOARD));
    assert_eq!(appointment.participant_id(), Some(PERSON));
    assert_eq!(appointment.organisation(), Some(&ods("QMJ")));
    assert_eq!(appointment.role(), Some(SeatRole::PatientMember));
    appointment.apply(AppointmentEvent::Renewed {
        term_end: day("2027-06-30"),
        renewed_on: day("2026-06-01"),
    });
    appointment.apply(AppointmentEvent::Ended {
        reason: EndReason::Removed,
        ended_on: day("2026-06-15"),
    });
    let facts = appointment.facts().expect("appointed");
    assert_eq!(
        facts,
        seat(APPT, "2025-07-01", "2027-06-30", Some("2026-06-15"))
    );
    assert!(facts.held_on(day("2026-06-15")));
    assert!(!facts.held_on(day("2026-06-16")));
}
