//! Abandoning an action and moving its due date.

use super::*;

fn abandon(on: &str, reason: &str) -> ActionCommand {
    ActionCommand::Abandon {
        abandoned_on: day(on),
        reason: reason.to_owned(),
    }
}

fn change_due(changed_on: &str, due_on: &str, reason: &str) -> ActionCommand {
    ActionCommand::ChangeDueDate {
        changed_on: day(changed_on),
        due_on: day(due_on),
        reason: reason.to_owned(),
    }
}

#[test]
fn abandons_an_open_action_agreed_or_not() {
    let expected = vec![ActionEvent::ActionAbandoned {
        abandoned_on: day("2026-06-20"),
        reason: "Superseded".to_owned(),
    }];
    given(proposed())
        .when(abandon("2026-06-20", " Superseded "))
        .then_expect_events(expected.clone());
    given(agreed())
        .when(abandon("2026-06-20", "Superseded"))
        .then_expect_events(expected);
}

#[test]
fn refuses_abandoning_an_unknown_or_closed_action() {
    given(vec![])
        .when(abandon("2026-06-20", "Why"))
        .then_expect_error(ActionError::NotFound);
    given(closed())
        .when(abandon("2026-06-21", "Why"))
        .then_expect_error(ActionError::Closed);
    given(completed())
        .when(abandon("2026-06-26", "Why"))
        .then_expect_error(ActionError::Closed);
}

#[test]
fn refuses_abandoning_without_a_reason_or_misdated() {
    given(proposed())
        .when(abandon("2026-06-20", ""))
        .then_expect_error(invalid("reason", "is required"));
    given(proposed())
        .when(abandon("2026-06-09", "Why"))
        .then_expect_error(invalid(
            "abandonedOn",
            "2026-06-09 is before the action was proposed, on 2026-06-10",
        ));
    given(proposed())
        .when(abandon("2026-07-01", "Why"))
        .then_expect_error(invalid("abandonedOn", "must not be in the future"));
}

#[test]
fn changes_the_due_date_of_an_open_action() {
    given(agreed())
        .when(change_due("2026-06-20", "2026-06-15", " Brought forward "))
        .then_expect_events(vec![ActionEvent::DueDateChanged {
            changed_on: day("2026-06-20"),
            due_on: day("2026-06-15"),
            reason: "Brought forward".to_owned(),
        }]);
}

#[test]
fn refuses_a_due_date_before_agreement_or_proposal() {
    given(agreed())
        .when(change_due("2026-06-20", "2026-06-14", "Why"))
        .then_expect_error(invalid(
            "dueOn",
            "2026-06-14 is before the action was agreed, on 2026-06-15",
        ));
    given(proposed())
        .when(change_due("2026-06-20", "2026-06-09", "Why"))
        .then_expect_error(invalid(
            "dueOn",
            "2026-06-09 is before the action was proposed, on 2026-06-10",
        ));
}

#[test]
fn refuses_a_due_date_change_without_reason_or_misdated() {
    given(agreed())
        .when(change_due("2026-06-20", "2026-12-31", ""))
        .then_expect_error(invalid("reason", "is required"));
    given(agreed())
        .when(change_due("2026-07-01", "2026-12-31", "Why"))
        .then_expect_error(invalid("changedOn", "must not be in the future"));
    given(agreed())
        .when(change_due("2026-06-09", "2026-12-31", "Why"))
        .then_expect_error(invalid(
            "changedOn",
            "2026-06-09 is before the action was proposed, on 2026-06-10",
        ));
}

#[test]
fn refuses_changing_the_due_date_of_a_closed_action() {
    given(completed())
        .when(change_due("2026-06-26", "2026-12-31", "Why"))
        .then_expect_error(ActionError::Closed);
}

#[test]
fn due_date_and_status_follow_the_events() {
    let mut action = Action::default();
    for event in agreed() {
        action.apply(event);
    }
    assert_eq!(action.status(), Some(ActionStatus::Agreed));
    action.apply(ActionEvent::DueDateChanged {
        changed_on: day("2026-06-20"),
        due_on: day("2026-12-31"),
        reason: "Why".to_owned(),
    });
    assert_eq!(action.due_on(), Some(day("2026-12-31")));
    for event in completed().split_off(2) {
        action.apply(event);
    }
    assert_eq!(action.status(), Some(ActionStatus::Completed));
}
