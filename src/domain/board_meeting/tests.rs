//! Given/when/then tests of the `BoardMeeting` aggregate: scheduling, papers, holding and
//! decisions here, postponing and cancelling in a submodule.

mod amending;
mod postponing;

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::domain::common::FieldError;
use crate::domain::services::{AppointmentFacts, BoardFacts, InputItemFacts, LookupFailed};
use crate::domain::testing::{day, ods, FakeLookups};
use crate::domain::{Refusal, RefusalKind};

const MEETING: Uuid = Uuid::from_u128(0x3E);
/// QMJ's board.
const BOARD: Uuid = Uuid::from_u128(0xB0);
/// QMJ's other board.
const OTHER_BOARD: Uuid = Uuid::from_u128(0xB1);
/// Dissolved.
const DISSOLVED: Uuid = Uuid::from_u128(0xB2);
/// On [`BOARD`] for all of 2026.
const SEATED: Uuid = Uuid::from_u128(0xA1);
/// On [`BOARD`] for 2026 too.
const SEATED_TOO: Uuid = Uuid::from_u128(0xA2);
/// On [`OTHER_BOARD`] for all of 2026.
const ELSEWHERE: Uuid = Uuid::from_u128(0xA3);
/// On [`BOARD`] from 2025, ended on 2026-05-31.
const GONE: Uuid = Uuid::from_u128(0xA4);
/// On [`BOARD`] from 2026-07-01.
const NOT_YET: Uuid = Uuid::from_u128(0xA5);
const ITEM: Uuid = Uuid::from_u128(0x11);
const ACTION: Uuid = Uuid::from_u128(0xAC);
const DECISION: Uuid = Uuid::from_u128(0xDE);

fn seat(id: Uuid, board: Uuid, start: &str, end: &str, ended: Option<&str>) -> AppointmentFacts {
    AppointmentFacts {
        id,
        board_id: board,
        participant_id: Uuid::from_u128(id.as_u128() + 0x100),
        term_start: day(start),
        term_end: day(end),
        ended_on: ended.map(day),
    }
}

fn board(id: Uuid, dissolved_on: Option<&str>) -> BoardFacts {
    BoardFacts {
        id,
        organisation: ods("QMJ"),
        dissolved_on: dissolved_on.map(day),
    }
}

fn lookups() -> FakeLookups {
    FakeLookups::new()
        .with_organisation("QMJ")
        .with_board(board(BOARD, None))
        .with_board(board(OTHER_BOARD, None))
        .with_board(board(DISSOLVED, Some("2026-05-01")))
        .with_appointment(seat(SEATED, BOARD, "2026-01-01", "2026-12-31", None))
        .with_appointment(seat(SEATED_TOO, BOARD, "2026-01-01", "2026-12-31", None))
        .with_appointment(seat(
            ELSEWHERE,
            OTHER_BOARD,
            "2026-01-01",
            "2026-12-31",
            None,
        ))
        .with_appointment(seat(
            GONE,
            BOARD,
            "2025-01-01",
            "2026-12-31",
            Some("2026-05-31"),
        ))
        .with_appointment(seat(NOT_YET, BOARD, "2026-07-01", "2027-06-30", None))
        .with_input_item(InputItemFacts {
            id: ITEM,
            organisation: ods("QMJ"),
            referred_to: None,
            raised_on: day("2026-05-02"),
            withdrawn: false,
        })
        .with_action(ACTION)
}

fn given(events: Vec<BoardMeetingEvent>) -> AggregateTestExecutor<BoardMeeting> {
    TestFramework::with(lookups().build()).given(events)
}

fn invalid(field: &'static str, problem: &str) -> BoardMeetingError {
    BoardMeetingError::Invalid(FieldError::new(field, problem))
}

/// A meeting of [`BOARD`] scheduled for 2026-06-10.
fn scheduled() -> Vec<BoardMeetingEvent> {
    vec![BoardMeetingEvent::MeetingScheduled {
        meeting_id: MEETING,
        board_id: BOARD,
        organisation: ods("QMJ"),
        scheduled_for: day("2026-06-10"),
    }]
}

/// [`scheduled`], then held on 2026-06-10 with [`SEATED`] attending.
fn held() -> Vec<BoardMeetingEvent> {
    let mut events = scheduled();
    events.push(BoardMeetingEvent::MeetingHeld {
        held_on: day("2026-06-10"),
        attended: vec![SEATED],
        quorate: true,
    });
    events
}

fn schedule(board: Uuid) -> BoardMeetingCommand {
    BoardMeetingCommand::Schedule {
        meeting_id: MEETING,
        board_id: board,
        scheduled_for: day("2026-06-10"),
    }
}

fn record_held(on: &str, attended: &[Uuid]) -> BoardMeetingCommand {
    BoardMeetingCommand::RecordHeld {
        held_on: day(on),
        attended: attended.to_vec(),
        quorate: true,
    }
}

fn papers(on: &str) -> BoardMeetingCommand {
    BoardMeetingCommand::RecordPapersIssued { issued_on: day(on) }
}

fn decide(
    title: &str,
    items: &[Uuid],
    actions: &[Uuid],
    present: bool,
    voted: bool,
) -> BoardMeetingCommand {
    BoardMeetingCommand::RecordDecision {
        decision_id: DECISION,
        title: title.to_owned(),
        summary: " Agreed to pilot ".to_owned(),
        cited_input_items: items.to_vec(),
        cited_actions: actions.to_vec(),
        patient_members_present: present,
        patient_members_voted: voted,
    }
}

fn decision(items: Vec<Uuid>, actions: Vec<Uuid>) -> BoardDecision {
    BoardDecision {
        decision_id: DECISION,
        title: "Evening clinics".to_owned(),
        summary: "Agreed to pilot".to_owned(),
        cited_input_items: items,
        cited_actions: actions,
        patient_members_present: true,
        patient_members_voted: true,
    }
}

#[test]
fn schedules_a_meeting_with_the_boards_organisation() {
    given(vec![])
        .when(schedule(BOARD))
        .then_expect_events(scheduled());
}

#[test]
fn refuses_scheduling_twice() {
    given(scheduled())
        .when(schedule(BOARD))
        .then_expect_error(BoardMeetingError::AlreadyExists);
}

#[test]
fn refuses_an_unknown_or_dissolved_board() {
    given(vec![])
        .when(schedule(Uuid::from_u128(0xFF)))
        .then_expect_error(BoardMeetingError::BoardNotFound);
    given(vec![])
        .when(schedule(DISSOLVED))
        .then_expect_error(BoardMeetingError::BoardDissolved);
}

#[test]
fn refuses_commands_before_scheduling() {
    given(vec![])
        .when(papers("2026-06-01"))
        .then_expect_error(BoardMeetingError::NotFound);
    given(vec![])
        .when(record_held("2026-06-10", &[SEATED]))
        .then_expect_error(BoardMeetingError::NotFound);
    given(vec![])
        .when(decide("Evening clinics", &[], &[], false, false))
        .then_expect_error(BoardMeetingError::NotFound);
}

#[test]
fn records_papers_issued_before_the_meeting_is_held() {
    given(scheduled())
        .when(papers("2026-06-01"))
        .then_expect_events(vec![BoardMeetingEvent::PapersIssued {
            issued_on: day("2026-06-01"),
        }]);
}

#[test]
fn refuses_papers_issued_in_the_future() {
    given(scheduled())
        .when(papers("2026-07-01"))
        .then_expect_error(invalid("issuedOn", "must not be in the future"));
}

#[test]
fn records_a_held_meeting_with_seated_attendees() {
    given(scheduled())
        .when(record_held("2026-06-10", &[SEATED, SEATED_TOO]))
        .then_expect_events(vec![BoardMeetingEvent::MeetingHeld {
            held_on: day("2026-06-10"),
            attended: vec![SEATED, SEATED_TOO],
            quorate: true,
        }]);
    // The last day served still counts.
    given(scheduled())
        .when(record_held("2026-05-31", &[GONE]))
        .then_expect_events(vec![BoardMeetingEvent::MeetingHeld {
            held_on: day("2026-05-31"),
            attended: vec![GONE],
            quorate: true,
        }]);
}

#[test]
fn refuses_recording_a_meeting_held_twice() {
    given(held())
        .when(record_held("2026-06-10", &[SEATED]))
        .then_expect_error(BoardMeetingError::AlreadyHeld);
}

#[test]
fn refuses_a_meeting_held_in_the_future() {
    given(scheduled())
        .when(record_held("2026-07-01", &[SEATED]))
        .then_expect_error(invalid("heldOn", "must not be in the future"));
}

#[test]
fn refuses_an_unknown_attendee() {
    given(scheduled())
        .when(record_held("2026-06-10", &[SEATED, Uuid::from_u128(0xFF)]))
        .then_expect_error(BoardMeetingError::AttendeeNotFound { index: 1 });
}

#[test]
fn refuses_an_attendee_appointed_to_another_board() {
    given(scheduled())
        .when(record_held("2026-06-10", &[ELSEWHERE]))
        .then_expect_error(BoardMeetingError::AttendeeNotOnBoard { index: 0 });
}

#[test]
fn refuses_an_attendee_not_seated_on_the_day() {
    given(scheduled())
        .when(record_held("2026-06-10", &[SEATED, GONE]))
        .then_expect_error(BoardMeetingError::AttendeeNotSeated { index: 1 });
    given(scheduled())
        .when(record_held("2026-06-10", &[NOT_YET]))
        .then_expect_error(BoardMeetingError::AttendeeNotSeated { index: 0 });
}

#[test]
fn refuses_a_repeated_attendee() {
    given(scheduled())
        .when(record_held("2026-06-10", &[SEATED, SEATED_TOO, SEATED]))
        .then_expect_error(BoardMeetingError::DuplicateAttendee { index: 2 });
}

#[test]
fn records_a_decision_citing_input_and_actions() {
    given(held())
        .when(decide(
            " Evening clinics ",
            &[ITEM, ITEM],
            &[ACTION],
            true,
            true,
        ))
        .then_expect_events(vec![BoardMeetingEvent::DecisionRecorded(decision(
            vec![ITEM],
            vec![ACTION],
        ))]);
}

#[test]
fn records_a_decision_without_a_summary_or_citations() {
    let mut command = decide("Evening clinics", &[], &[], false, false);
    if let BoardMeetingCommand::RecordDecision { summary, .. } = &mut command {
        summary.clear();
    }
    given(held())
        .when(command)
        .then_expect_events(vec![BoardMeetingEvent::DecisionRecorded(BoardDecision {
            summary: String::new(),
            patient_members_present: false,
            patient_members_voted: false,
            ..decision(vec![], vec![])
        })]);
}

#[test]
fn refuses_a_decision_before_the_meeting_is_held() {
    given(scheduled())
        .when(decide("Evening clinics", &[ITEM], &[], true, true))
        .then_expect_error(BoardMeetingError::NotHeld);
}

#[test]
fn refuses_recording_the_same_decision_twice() {
    let mut events = held();
    events.push(BoardMeetingEvent::DecisionRecorded(decision(
        vec![],
        vec![],
    )));
    given(events)
        .when(decide("Evening clinics", &[ITEM], &[], true, true))
        .then_expect_error(BoardMeetingError::DecisionAlreadyRecorded);
}

#[test]
fn refuses_a_missing_title_or_overlong_summary() {
    given(held())
        .when(decide(" ", &[ITEM], &[], true, true))
        .then_expect_error(invalid("title", "is required"));
    let mut command = decide("Evening clinics", &[ITEM], &[], true, true);
    if let BoardMeetingCommand::RecordDecision { summary, .. } = &mut command {
        *summary = "x".repeat(4_001);
    }
    given(held()).when(command).then_expect_error(invalid(
        "summary",
        "is 4001 characters long; the limit is 4000",
    ));
}

#[test]
fn refuses_an_unknown_cited_input_item() {
    given(held())
        .when(decide(
            "Evening clinics",
            &[ITEM, Uuid::from_u128(0xFF)],
            &[ACTION],
            true,
            true,
        ))
        .then_expect_error(BoardMeetingError::InputItemNotFound { index: 1 });
}

#[test]
fn refuses_an_unknown_cited_action() {
    given(held())
        .when(decide(
            "Evening clinics",
            &[ITEM],
            &[Uuid::from_u128(0xFF)],
            true,
            true,
        ))
        .then_expect_error(BoardMeetingError::ActionNotFound { index: 0 });
}

#[test]
fn refuses_patient_members_voting_when_not_present() {
    given(held())
        .when(decide("Evening clinics", &[ITEM], &[], false, true))
        .then_expect_error(invalid(
            "patientMembersVoted",
            "patient members cannot have voted unless present",
        ));
}

#[test]
fn refuses_overlong_citation_lists() {
    let many: Vec<Uuid> = (0..21).map(Uuid::from_u128).collect();
    given(held())
        .when(decide("Evening clinics", &many, &[], true, true))
        .then_expect_error(invalid(
            "citedInputItems",
            "has 21 entries; the limit is 20",
        ));
}

#[test]
fn reports_a_ledger_that_cannot_be_read() {
    TestFramework::<BoardMeeting>::with(lookups().failing().build())
        .given(vec![])
        .when(schedule(BOARD))
        .then_expect_error(BoardMeetingError::Lookup(LookupFailed));
    TestFramework::<BoardMeeting>::with(lookups().failing().build())
        .given(held())
        .when(decide("Evening clinics", &[], &[ACTION], true, true))
        .then_expect_error(BoardMeetingError::Lookup(LookupFailed));
}

#[test]
fn refusals_map_to_kinds_and_name_positions() {
    use BoardMeetingError as E;
    for (error, kind) in [
        (invalid("heldOn", "x"), RefusalKind::Validation),
        (E::DuplicateAttendee { index: 0 }, RefusalKind::Validation),
        (E::AttendeeNotOnBoard { index: 0 }, RefusalKind::Validation),
        (E::AttendeeNotSeated { index: 0 }, RefusalKind::Validation),
        (E::NotFound, RefusalKind::NotFound),
        (E::BoardNotFound, RefusalKind::NotFound),
        (E::AttendeeNotFound { index: 0 }, RefusalKind::NotFound),
        (E::InputItemNotFound { index: 0 }, RefusalKind::NotFound),
        (E::ActionNotFound { index: 0 }, RefusalKind::NotFound),
        (E::AlreadyExists, RefusalKind::Conflict),
        (E::BoardDissolved, RefusalKind::Conflict),
        (E::AlreadyHeld, RefusalKind::Conflict),
        (E::NotHeld, RefusalKind::Conflict),
        (E::DecisionAlreadyRecorded, RefusalKind::Conflict),
        (E::Lookup(LookupFailed), RefusalKind::Internal),
    ] {
        assert_eq!(error.kind(), kind, "{error}");
    }
    for (error, message) in [
        (
            E::AttendeeNotFound { index: 2 },
            "attended[2]: appointment not found",
        ),
        (
            E::AttendeeNotOnBoard { index: 0 },
            "attended[0]: not an appointment to this board",
        ),
        (
            E::AttendeeNotSeated { index: 1 },
            "attended[1]: was not appointed on the day of the meeting",
        ),
        (
            E::InputItemNotFound { index: 1 },
            "citedInputItems[1]: input item not found",
        ),
        (
            E::ActionNotFound { index: 0 },
            "citedActions[0]: action not found",
        ),
        (E::NotHeld, "meeting has not been held"),
    ] {
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn state_follows_the_events() {
    let mut meeting = BoardMeeting::default();
    assert_eq!(
        (meeting.id(), meeting.board_id(), meeting.organisation()),
        (None, None, None)
    );
    for event in held() {
        meeting.apply(event);
    }
    meeting.apply(BoardMeetingEvent::PapersIssued {
        issued_on: day("2026-06-01"),
    });
    meeting.apply(BoardMeetingEvent::DecisionRecorded(decision(
        vec![ITEM],
        vec![],
    )));
    assert_eq!(meeting.id(), Some(MEETING));
    assert_eq!(meeting.board_id(), Some(BOARD));
    assert_eq!(meeting.organisation(), Some(&ods("QMJ")));
    assert_eq!(meeting.scheduled_for(), Some(day("2026-06-10")));
    assert_eq!(meeting.papers_issued_on(), Some(day("2026-06-01")));
    assert_eq!(meeting.held_on(), Some(day("2026-06-10")));
    assert_eq!(meeting.attended(), [SEATED]);
    assert_eq!(meeting.quorate(), Some(true));
    assert_eq!(meeting.decisions(), [DECISION]);
}
