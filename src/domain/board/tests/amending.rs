//! Amending a board's recorded facts.

use super::*;
use crate::domain::correction::{Correction, CorrectionCategory};
use crate::domain::testing::because;

fn amend(changes: BoardChanges, correction: Correction) -> BoardCommand {
    BoardCommand::Amend {
        changes,
        correction,
    }
}

fn typo() -> Correction {
    because(CorrectionCategory::Typo, "Spelling")
}

fn misdated() -> Correction {
    because(CorrectionCategory::WrongDate, "Established in December")
}

fn established_on(on: &str) -> BoardChanges {
    BoardChanges {
        established_on: Some(day(on)),
        ..BoardChanges::default()
    }
}

/// [`established`], with patient seats from 2026-02-01.
fn with_seats() -> Vec<BoardEvent> {
    let mut events = established();
    events.push(BoardEvent::SeatsSet {
        role: SeatRole::PatientMember,
        target: 2,
        voting: true,
        from: day("2026-02-01"),
    });
    events
}

#[test]
fn amends_only_the_fields_that_differ_with_tidy_values() {
    given(established())
        .when(amend(
            BoardChanges {
                name: Some(" Quality and Safety Committee ".into()),
                // The same as recorded: not a change.
                kind: Some(BoardKind::Committee),
                established_on: Some(day("2025-12-01")),
            },
            typo(),
        ))
        .then_expect_events(vec![BoardEvent::BoardAmended {
            changes: BoardChanges {
                name: Some("Quality and Safety Committee".into()),
                kind: None,
                established_on: Some(day("2025-12-01")),
            },
            correction: typo(),
        }]);
}

#[test]
fn a_dissolved_board_may_still_be_put_right() {
    given(dissolved())
        .when(amend(
            BoardChanges {
                kind: Some(BoardKind::TrustBoard),
                ..BoardChanges::default()
            },
            typo(),
        ))
        .then_expect_events(vec![BoardEvent::BoardAmended {
            changes: BoardChanges {
                kind: Some(BoardKind::TrustBoard),
                ..BoardChanges::default()
            },
            correction: typo(),
        }]);
}

#[test]
fn refuses_an_amendment_that_changes_nothing() {
    given(established())
        .when(amend(
            BoardChanges {
                name: Some("Quality Committee".into()),
                kind: Some(BoardKind::Committee),
                established_on: Some(day("2026-01-05")),
            },
            typo(),
        ))
        .then_expect_error(invalid(
            "changes",
            "changes nothing: name at least one field with a value different from the record's",
        ));
}

#[test]
fn refuses_every_bad_field_at_once() {
    let faults = FieldError::new("name", "is required")
        .and(FieldError::new(
            "establishedOn",
            "must not be in the future",
        ))
        .and(FieldError::new("reason.detail", "is required"));
    given(established())
        .when(amend(
            BoardChanges {
                name: Some("  ".into()),
                established_on: Some(day("2026-07-01")),
                ..BoardChanges::default()
            },
            because(CorrectionCategory::Typo, " "),
        ))
        .then_expect_error(BoardError::Invalid(faults));
}

#[test]
fn refuses_an_establishment_after_the_first_seats_naming_both_dates() {
    given(with_seats())
        .when(amend(established_on("2026-03-01"), misdated()))
        .then_expect_error(invalid(
            "establishedOn",
            "2026-03-01 is after the first seat setting's start, on 2026-02-01",
        ));
    given(with_seats())
        .when(amend(established_on("2026-02-01"), misdated()))
        .then_expect_events(vec![BoardEvent::BoardAmended {
            changes: established_on("2026-02-01"),
            correction: misdated(),
        }]);
}

#[test]
fn refuses_an_establishment_after_the_dissolution_naming_both_dates() {
    given(dissolved())
        .when(amend(established_on("2026-06-02"), misdated()))
        .then_expect_error(invalid(
            "establishedOn",
            "2026-06-02 is after the board's dissolution, on 2026-06-01",
        ));
}

#[test]
fn refuses_amending_a_board_never_established() {
    given(vec![])
        .when(amend(established_on("2026-01-01"), misdated()))
        .then_expect_error(BoardError::NotFound);
}

#[test]
fn state_takes_the_corrected_facts() {
    let mut board = Board::default();
    for event in established() {
        board.apply(event);
    }
    board.apply(BoardEvent::BoardAmended {
        changes: BoardChanges {
            name: Some("Quality and Safety Committee".into()),
            kind: Some(BoardKind::TrustBoard),
            established_on: None,
        },
        correction: typo(),
    });
    assert_eq!(board.name(), Some("Quality and Safety Committee"));
    assert_eq!(board.kind(), Some(BoardKind::TrustBoard));
}
