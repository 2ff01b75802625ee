//! Amending an action's recorded facts.

use super::*;
use crate::domain::correction::{Correction, CorrectionCategory};

fn reason() -> Correction {
    Correction {
        category: CorrectionCategory::WrongDetail,
        detail: "Entered against the wrong committee".to_owned(),
    }
}

fn amend(changes: ActionChanges) -> ActionCommand {
    ActionCommand::Amend {
        changes,
        correction: reason(),
    }
}

fn amended(changes: ActionChanges) -> Vec<ActionEvent> {
    vec![ActionEvent::ActionAmended {
        changes,
        correction: reason(),
    }]
}

#[test]
fn amends_only_the_fields_that_differ() {
    given(agreed())
        .when(amend(ActionChanges {
            title: Some(" Pilot evening clinics ".to_owned()),
            decision_forum: Some(" Board of Directors ".to_owned()),
            agreed_on: Some(day("2026-06-12")),
            ..ActionChanges::default()
        }))
        .then_expect_events(amended(ActionChanges {
            decision_forum: Some("Board of Directors".to_owned()),
            agreed_on: Some(day("2026-06-12")),
            ..ActionChanges::default()
        }));
}

#[test]
fn amends_the_outcome_and_evidence_of_a_completion() {
    let changes = ActionChanges {
        completed_on: Some(day("2026-06-24")),
        evidence: Some("Clinic rota, minutes of 24 June".to_owned()),
        ..ActionChanges::default()
    };
    // The outcome as recorded is no change.
    given(completed())
        .when(amend(ActionChanges {
            outcome: Some("Done".to_owned()),
            ..changes.clone()
        }))
        .then_expect_events(amended(changes));
}

#[test]
fn hands_the_action_to_an_owner_that_can_answer_its_items() {
    // REFERRED_IN is owned by A81001, so A81001 may own an action answering it.
    let events = vec![ActionEvent::ActionProposed {
        action_id: ACTION,
        title: "Pilot".to_owned(),
        owner_organisation: ods("QMJ"),
        owner_role: "Head of Patient Experience".to_owned(),
        decision_forum: "Quality Committee".to_owned(),
        due_on: day("2026-09-30"),
        input_items: vec![REFERRED_IN],
        proposed_on: day("2026-06-10"),
    }];
    let changes = ActionChanges {
        owner_organisation: Some(ods("A81001")),
        ..ActionChanges::default()
    };
    given(events)
        .when(amend(changes.clone()))
        .then_expect_events(amended(changes));
}

#[test]
fn refuses_an_owner_that_cannot_answer_its_items() {
    given(proposed())
        .when(amend(ActionChanges {
            owner_organisation: Some(ods("R1K")),
            ..ActionChanges::default()
        }))
        .then_expect_error(invalid(
            "ownerOrganisation",
            "neither owns nor was referred every input item the action answers; unlink those first",
        ));
    given(proposed())
        .when(amend(ActionChanges {
            owner_organisation: Some(ods("RXX")),
            ..ActionChanges::default()
        }))
        .then_expect_error(ActionError::OwnerOrganisationNotFound);
}

#[test]
fn refuses_dates_out_of_order_naming_both() {
    given(agreed())
        .when(amend(ActionChanges {
            proposed_on: Some(day("2026-06-20")),
            ..ActionChanges::default()
        }))
        .then_expect_error(invalid(
            "proposedOn",
            "2026-06-20 is after the action was agreed, on 2026-06-15",
        ));
    given(agreed())
        .when(amend(ActionChanges {
            agreed_on: Some(day("2026-06-01")),
            ..ActionChanges::default()
        }))
        .then_expect_error(invalid(
            "agreedOn",
            "2026-06-01 is before the action was proposed, on 2026-06-10",
        ));
    given(completed())
        .when(amend(ActionChanges {
            agreed_on: Some(day("2026-06-26")),
            ..ActionChanges::default()
        }))
        .then_expect_error(invalid(
            "agreedOn",
            "2026-06-26 is after the action was completed, on 2026-06-25",
        ));
    given(completed())
        .when(amend(ActionChanges {
            completed_on: Some(day("2026-07-02")),
            ..ActionChanges::default()
        }))
        .then_expect_error(invalid("completedOn", "must not be in the future"));
}

#[test]
fn refuses_amending_a_step_not_yet_recorded() {
    given(proposed())
        .when(amend(ActionChanges {
            agreed_on: Some(day("2026-06-12")),
            ..ActionChanges::default()
        }))
        .then_expect_error(invalid(
            "agreedOn",
            "the action has not been agreed; record the agreement instead",
        ));
    given(agreed())
        .when(amend(ActionChanges {
            evidence: Some("Minutes".to_owned()),
            ..ActionChanges::default()
        }))
        .then_expect_error(invalid(
            "completedOn",
            "the action has not been completed; record the completion instead",
        ));
}

#[test]
fn refuses_an_amendment_that_changes_nothing_or_gives_no_reason() {
    given(agreed())
        .when(amend(ActionChanges {
            title: Some("Pilot evening clinics".to_owned()),
            ..ActionChanges::default()
        }))
        .then_expect_error(invalid(
            "changes",
            "changes nothing: name at least one field with a value different from the record's",
        ));
    given(agreed())
        .when(ActionCommand::Amend {
            changes: ActionChanges {
                title: Some("Evening clinics".to_owned()),
                ..ActionChanges::default()
            },
            correction: Correction {
                category: CorrectionCategory::Typo,
                detail: " ".to_owned(),
            },
        })
        .then_expect_error(invalid("reason.detail", "is required"));
    given(vec![])
        .when(amend(ActionChanges::default()))
        .then_expect_error(ActionError::NotFound);
}
