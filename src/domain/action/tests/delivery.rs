//! Agreeing, recording progress on and completing an action.

use super::*;

fn agree(on: &str) -> ActionCommand {
    ActionCommand::Agree { agreed_on: day(on) }
}

fn progress(on: &str, note: &str) -> ActionCommand {
    ActionCommand::RecordProgress {
        recorded_on: day(on),
        note: note.to_owned(),
    }
}

fn complete(on: &str, outcome: &str, evidence: &str) -> ActionCommand {
    ActionCommand::Complete {
        completed_on: day(on),
        outcome: outcome.to_owned(),
        evidence: evidence.to_owned(),
    }
}

#[test]
fn agrees_a_proposed_action() {
    given(proposed())
        .when(agree("2026-06-10"))
        .then_expect_events(vec![ActionEvent::ActionAgreed {
            agreed_on: day("2026-06-10"),
        }]);
}

#[test]
fn refuses_agreeing_an_unknown_agreed_or_closed_action() {
    given(vec![])
        .when(agree("2026-06-15"))
        .then_expect_error(ActionError::NotFound);
    given(agreed())
        .when(agree("2026-06-16"))
        .then_expect_error(ActionError::AlreadyAgreed);
    given(closed())
        .when(agree("2026-06-21"))
        .then_expect_error(ActionError::Closed);
}

#[test]
fn refuses_an_agreement_misdated() {
    given(proposed())
        .when(agree("2026-06-09"))
        .then_expect_error(invalid(
            "agreedOn",
            "2026-06-09 is before the action was proposed, on 2026-06-10",
        ));
    given(proposed())
        .when(agree("2026-07-01"))
        .then_expect_error(invalid("agreedOn", "must not be in the future"));
}

#[test]
fn refuses_an_agreement_after_the_due_date() {
    let mut events = proposed();
    events.push(ActionEvent::DueDateChanged {
        changed_on: day("2026-06-10"),
        due_on: day("2026-06-12"),
        reason: "Urgent".to_owned(),
    });
    given(events)
        .when(agree("2026-06-13"))
        .then_expect_error(invalid(
            "agreedOn",
            "2026-06-13 is after the date it is due, 2026-06-12; change the due date first",
        ));
}

#[test]
fn records_progress_on_an_agreed_action() {
    given(agreed())
        .when(progress("2026-06-20", " Clinic rota drafted "))
        .then_expect_events(vec![ActionEvent::ProgressRecorded {
            recorded_on: day("2026-06-20"),
            note: "Clinic rota drafted".to_owned(),
        }]);
}

#[test]
fn refuses_progress_unless_agreed_and_open() {
    given(proposed())
        .when(progress("2026-06-20", "Note"))
        .then_expect_error(ActionError::NotAgreed);
    given(closed())
        .when(progress("2026-06-21", "Note"))
        .then_expect_error(ActionError::Closed);
}

#[test]
fn refuses_progress_without_a_note_or_misdated() {
    given(agreed())
        .when(progress("2026-06-20", " "))
        .then_expect_error(invalid("note", "is required"));
    given(agreed())
        .when(progress("2026-06-14", "Note"))
        .then_expect_error(invalid(
            "recordedOn",
            "2026-06-14 is before the action was agreed, on 2026-06-15",
        ));
    given(agreed())
        .when(progress("2026-07-01", "Note"))
        .then_expect_error(invalid("recordedOn", "must not be in the future"));
}

#[test]
fn completes_an_agreed_action_with_outcome_and_evidence() {
    given(agreed())
        .when(complete("2026-06-30", "Clinics running", "Rota published"))
        .then_expect_events(vec![ActionEvent::ActionCompleted {
            completed_on: day("2026-06-30"),
            outcome: "Clinics running".to_owned(),
            evidence: "Rota published".to_owned(),
        }]);
}

#[test]
fn refuses_completing_unless_agreed_and_open() {
    given(proposed())
        .when(complete("2026-06-30", "Done", "Proof"))
        .then_expect_error(ActionError::NotAgreed);
    given(closed())
        .when(complete("2026-06-30", "Done", "Proof"))
        .then_expect_error(ActionError::Closed);
}

#[test]
fn refuses_completing_without_outcome_or_evidence() {
    given(agreed())
        .when(complete("2026-06-30", "", "Proof"))
        .then_expect_error(invalid("outcome", "is required"));
    given(agreed())
        .when(complete("2026-06-30", "Done", " "))
        .then_expect_error(invalid("evidence", "is required"));
}

#[test]
fn refuses_a_completion_misdated() {
    given(agreed())
        .when(complete("2026-06-14", "Done", "Proof"))
        .then_expect_error(invalid(
            "completedOn",
            "2026-06-14 is before the action was agreed, on 2026-06-15",
        ));
    given(agreed())
        .when(complete("2026-07-01", "Done", "Proof"))
        .then_expect_error(invalid("completedOn", "must not be in the future"));
}
