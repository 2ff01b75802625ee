//! Given/when/then tests of the `Board` aggregate.

mod amending;

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::domain::common::FieldError;
use crate::domain::services::LookupFailed;
use crate::domain::testing::{day, ods, FakeLookups};
use crate::domain::{Refusal, RefusalKind};

const BOARD: Uuid = Uuid::from_u128(0xB0);

fn lookups() -> FakeLookups {
    FakeLookups::new().with_organisation("QMJ")
}

fn given(events: Vec<BoardEvent>) -> AggregateTestExecutor<Board> {
    TestFramework::with(lookups().build()).given(events)
}

fn invalid(field: &'static str, problem: &str) -> BoardError {
    BoardError::Invalid(FieldError::new(field, problem))
}

/// QMJ's Quality Committee, established on 2026-01-05.
fn established() -> Vec<BoardEvent> {
    vec![BoardEvent::BoardEstablished {
        board_id: BOARD,
        organisation: ods("QMJ"),
        name: "Quality Committee".to_owned(),
        kind: BoardKind::Committee,
        established_on: day("2026-01-05"),
    }]
}

/// [`established`], then dissolved on 2026-06-01.
fn dissolved() -> Vec<BoardEvent> {
    let mut events = established();
    events.push(BoardEvent::BoardDissolved {
        dissolved_on: day("2026-06-01"),
    });
    events
}

fn establish(organisation: &str, name: &str, on: &str) -> BoardCommand {
    BoardCommand::Establish {
        board_id: BOARD,
        organisation: organisation.to_owned(),
        name: name.to_owned(),
        kind: BoardKind::Committee,
        established_on: day(on),
    }
}

fn set_seats(target: u32, from: &str) -> BoardCommand {
    BoardCommand::SetSeats {
        role: SeatRole::PatientMember,
        target,
        voting: true,
        from: day(from),
    }
}

fn dissolve(on: &str) -> BoardCommand {
    BoardCommand::Dissolve {
        dissolved_on: day(on),
    }
}

fn rename(name: &str) -> BoardCommand {
    BoardCommand::Rename {
        name: name.to_owned(),
    }
}

#[test]
fn establishes_a_board() {
    given(vec![])
        .when(establish("qmj", " Quality Committee ", "2026-01-05"))
        .then_expect_events(established());
}

#[test]
fn refuses_establishing_twice() {
    given(established())
        .when(establish("QMJ", "Quality Committee", "2026-01-05"))
        .then_expect_error(BoardError::AlreadyExists);
}

#[test]
fn refuses_an_unregistered_or_malformed_organisation() {
    given(vec![])
        .when(establish("RRV", "Quality Committee", "2026-01-05"))
        .then_expect_error(BoardError::OrganisationNotFound);
    given(vec![])
        .when(establish("Q-J", "Quality Committee", "2026-01-05"))
        .then_expect_error(invalid(
            "organisation",
            "must be an ODS code of 3 to 10 letters and digits",
        ));
}

#[test]
fn refuses_a_missing_or_overlong_name() {
    given(vec![])
        .when(establish("QMJ", "  ", "2026-01-05"))
        .then_expect_error(invalid("name", "is required"));
    given(vec![])
        .when(establish("QMJ", &"x".repeat(201), "2026-01-05"))
        .then_expect_error(invalid("name", "is 201 characters long; the limit is 200"));
}

#[test]
fn refuses_a_future_establishment() {
    given(vec![])
        .when(establish("QMJ", "Quality Committee", "2026-07-01"))
        .then_expect_error(invalid("establishedOn", "must not be in the future"));
}

#[test]
fn refuses_commands_before_establishment() {
    given(vec![])
        .when(set_seats(3, "2026-02-01"))
        .then_expect_error(BoardError::NotFound);
    given(vec![])
        .when(rename("Name"))
        .then_expect_error(BoardError::NotFound);
    given(vec![])
        .when(dissolve("2026-06-01"))
        .then_expect_error(BoardError::NotFound);
}

#[test]
fn sets_seats_for_a_role() {
    given(established())
        .when(set_seats(3, "2026-02-01"))
        .then_expect_events(vec![BoardEvent::SeatsSet {
            role: SeatRole::PatientMember,
            target: 3,
            voting: true,
            from: day("2026-02-01"),
        }]);
    given(established())
        .when(set_seats(50, "2026-01-05"))
        .then_expect_events(vec![BoardEvent::SeatsSet {
            role: SeatRole::PatientMember,
            target: 50,
            voting: true,
            from: day("2026-01-05"),
        }]);
}

#[test]
fn refuses_more_than_fifty_seats() {
    given(established())
        .when(set_seats(51, "2026-02-01"))
        .then_expect_error(invalid("target", "must be 0 to 50"));
}

#[test]
fn refuses_seats_from_before_establishment_or_in_the_future() {
    given(established())
        .when(set_seats(3, "2026-01-04"))
        .then_expect_error(invalid(
            "from",
            "2026-01-04 is before the board was established, on 2026-01-05",
        ));
    given(established())
        .when(set_seats(3, "2026-07-01"))
        .then_expect_error(invalid("from", "must not be in the future"));
}

#[test]
fn renames_a_board() {
    given(established())
        .when(rename(" Quality and Safety Committee "))
        .then_expect_events(vec![BoardEvent::BoardRenamed {
            name: "Quality and Safety Committee".to_owned(),
        }]);
}

#[test]
fn refuses_renaming_to_nothing() {
    given(established())
        .when(rename(""))
        .then_expect_error(invalid("name", "is required"));
}

#[test]
fn dissolves_a_board() {
    given(established())
        .when(dissolve("2026-06-01"))
        .then_expect_events(vec![BoardEvent::BoardDissolved {
            dissolved_on: day("2026-06-01"),
        }]);
}

#[test]
fn refuses_dissolving_before_establishment_or_in_the_future() {
    given(established())
        .when(dissolve("2026-01-04"))
        .then_expect_error(invalid(
            "dissolvedOn",
            "2026-01-04 is before the board was established, on 2026-01-05",
        ));
    given(established())
        .when(dissolve("2026-07-01"))
        .then_expect_error(invalid("dissolvedOn", "must not be in the future"));
}

#[test]
fn refuses_everything_after_dissolution() {
    given(dissolved())
        .when(set_seats(3, "2026-06-02"))
        .then_expect_error(BoardError::Dissolved);
    given(dissolved())
        .when(rename("Name"))
        .then_expect_error(BoardError::Dissolved);
    given(dissolved())
        .when(dissolve("2026-06-02"))
        .then_expect_error(BoardError::Dissolved);
    given(dissolved())
        .when(establish("QMJ", "Quality Committee", "2026-01-05"))
        .then_expect_error(BoardError::AlreadyExists);
}

#[test]
fn reports_a_ledger_that_cannot_be_read() {
    TestFramework::<Board>::with(lookups().failing().build())
        .given(vec![])
        .when(establish("QMJ", "Quality Committee", "2026-01-05"))
        .then_expect_error(BoardError::Lookup(LookupFailed));
}

#[test]
fn refusals_map_to_kinds() {
    assert_eq!(
        invalid("name", "is required").kind(),
        RefusalKind::Validation
    );
    assert_eq!(BoardError::NotFound.kind(), RefusalKind::NotFound);
    assert_eq!(
        BoardError::OrganisationNotFound.kind(),
        RefusalKind::NotFound
    );
    assert_eq!(BoardError::AlreadyExists.kind(), RefusalKind::Conflict);
    assert_eq!(BoardError::Dissolved.kind(), RefusalKind::Conflict);
    assert_eq!(
        BoardError::Lookup(LookupFailed).kind(),
        RefusalKind::Internal
    );
    assert_eq!(BoardError::Dissolved.to_string(), "board is dissolved");
    assert_eq!(
        BoardError::OrganisationNotFound.to_string(),
        "organisation: organisation not found"
    );
}

#[test]
fn state_follows_the_events() {
    let mut board = Board::default();
    assert_eq!((board.id(), board.organisation()), (None, None));
    assert!(!board.is_dissolved());
    for event in established() {
        board.apply(event);
    }
    assert_eq!(board.id(), Some(BOARD));
    assert_eq!(board.organisation(), Some(&ods("QMJ")));
    assert_eq!(board.kind(), Some(BoardKind::Committee));
    for target in [3, 4] {
        board.apply(BoardEvent::SeatsSet {
            role: SeatRole::LayMember,
            target,
            voting: false,
            from: day("2026-02-01"),
        });
    }
    assert_eq!(board.seats().len(), 1);
    assert_eq!(board.seats()[0].target, 4);
    board.apply(BoardEvent::BoardRenamed {
        name: "Renamed".to_owned(),
    });
    assert_eq!(board.name(), Some("Renamed"));
    for event in dissolved().split_off(1) {
        board.apply(event);
    }
    assert!(board.is_dissolved());
    assert_eq!(board.dissolved_on(), Some(day("2026-06-01")));
}
