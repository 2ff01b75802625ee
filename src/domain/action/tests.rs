//! Given/when/then tests of the `Action` aggregate: shared fixtures and proposing here, the
//! later steps in submodules.

mod changes;
mod correcting;
mod delivery;

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::domain::common::FieldError;
use crate::domain::services::{InputItemFacts, LookupFailed};
use crate::domain::testing::{day, ods, FakeLookups};
use crate::domain::{Refusal, RefusalKind};

const ACTION: Uuid = Uuid::from_u128(0xAC);
/// Owned by QMJ.
const OWN: Uuid = Uuid::from_u128(0x11);
/// Owned by A81001, currently referred to QMJ.
const REFERRED_IN: Uuid = Uuid::from_u128(0x12);
/// Owned by A81001, referred to R1K.
const FOREIGN: Uuid = Uuid::from_u128(0x13);
/// Owned by QMJ, withdrawn as a duplicate.
const WITHDRAWN: Uuid = Uuid::from_u128(0x14);

fn item(id: Uuid, owner: &str, referred_to: Option<&str>) -> InputItemFacts {
    InputItemFacts {
        id,
        organisation: ods(owner),
        referred_to: referred_to.map(ods),
        raised_on: day("2026-06-02"),
        withdrawn: false,
    }
}

fn lookups() -> FakeLookups {
    FakeLookups::new()
        .with_organisation("QMJ")
        .with_organisation("R1K")
        .with_organisation("A81001")
        .with_input_item(item(OWN, "QMJ", None))
        .with_input_item(item(REFERRED_IN, "A81001", Some("QMJ")))
        .with_input_item(item(FOREIGN, "A81001", Some("R1K")))
        .with_input_item(InputItemFacts {
            withdrawn: true,
            ..item(WITHDRAWN, "QMJ", None)
        })
}

fn given(events: Vec<ActionEvent>) -> AggregateTestExecutor<Action> {
    TestFramework::with(lookups().build()).given(events)
}

fn invalid(field: &'static str, problem: &str) -> ActionError {
    ActionError::Invalid(FieldError::new(field, problem))
}

/// QMJ proposed on 2026-06-10, due 2026-09-30, answering [`OWN`].
fn proposed() -> Vec<ActionEvent> {
    vec![ActionEvent::ActionProposed {
        action_id: ACTION,
        title: "Pilot evening clinics".to_owned(),
        owner_organisation: ods("QMJ"),
        owner_role: "Head of Patient Experience".to_owned(),
        decision_forum: "Quality Committee".to_owned(),
        due_on: day("2026-09-30"),
        input_items: vec![OWN],
        proposed_on: day("2026-06-10"),
    }]
}

/// [`proposed`], then agreed on 2026-06-15.
fn agreed() -> Vec<ActionEvent> {
    let mut events = proposed();
    events.push(ActionEvent::ActionAgreed {
        agreed_on: day("2026-06-15"),
    });
    events
}

/// [`agreed`], then completed on 2026-06-25; closed.
fn completed() -> Vec<ActionEvent> {
    let mut events = agreed();
    events.push(ActionEvent::ActionCompleted {
        completed_on: day("2026-06-25"),
        outcome: "Done".to_owned(),
        evidence: "Proof".to_owned(),
    });
    events
}

/// [`agreed`], then abandoned; closed.
fn closed() -> Vec<ActionEvent> {
    let mut events = agreed();
    events.push(ActionEvent::ActionAbandoned {
        abandoned_on: day("2026-06-20"),
        reason: "Superseded".to_owned(),
    });
    events
}

fn propose(
    title: &str,
    owner: &str,
    items: &[Uuid],
    proposed_on: &str,
    due_on: &str,
) -> ActionCommand {
    ActionCommand::Propose {
        action_id: ACTION,
        title: title.to_owned(),
        owner_organisation: owner.to_owned(),
        owner_role: " Head of Patient Experience ".to_owned(),
        decision_forum: "Quality Committee".to_owned(),
        due_on: day(due_on),
        input_items: items.to_vec(),
        proposed_on: day(proposed_on),
    }
}

fn propose_items(items: &[Uuid]) -> ActionCommand {
    propose(
        "Pilot evening clinics",
        "QMJ",
        items,
        "2026-06-10",
        "2026-09-30",
    )
}

#[test]
fn proposes_for_owned_and_referred_in_items() {
    given(vec![])
        .when(propose(
            " Pilot evening clinics ",
            "qmj",
            &[OWN, REFERRED_IN],
            "2026-06-10",
            "2026-09-30",
        ))
        .then_expect_events(vec![ActionEvent::ActionProposed {
            action_id: ACTION,
            title: "Pilot evening clinics".to_owned(),
            owner_organisation: ods("QMJ"),
            owner_role: "Head of Patient Experience".to_owned(),
            decision_forum: "Quality Committee".to_owned(),
            due_on: day("2026-09-30"),
            input_items: vec![OWN, REFERRED_IN],
            proposed_on: day("2026-06-10"),
        }]);
}

#[test]
fn refuses_proposing_twice() {
    given(proposed())
        .when(propose_items(&[OWN]))
        .then_expect_error(ActionError::AlreadyExists);
}

#[test]
fn refuses_a_missing_title_or_malformed_owner() {
    given(vec![])
        .when(propose("", "QMJ", &[OWN], "2026-06-10", "2026-09-30"))
        .then_expect_error(invalid("title", "is required"));
    given(vec![])
        .when(propose("Title", "Q-J", &[OWN], "2026-06-10", "2026-09-30"))
        .then_expect_error(invalid(
            "ownerOrganisation",
            "must be an ODS code of 3 to 10 letters and digits",
        ));
}

#[test]
fn refuses_a_future_proposal_or_a_due_date_before_it() {
    given(vec![])
        .when(propose("Title", "QMJ", &[OWN], "2026-07-01", "2026-09-30"))
        .then_expect_error(invalid("proposedOn", "must not be in the future"));
    given(vec![])
        .when(propose("Title", "QMJ", &[OWN], "2026-06-10", "2026-06-09"))
        .then_expect_error(invalid(
            "dueOn",
            "2026-06-09 is before the day it was proposed (today, when proposedOn is not given), on 2026-06-10",
        ));
}

#[test]
fn reports_every_fault_of_a_proposal_at_once_in_field_order() {
    // No title, due before the (default) proposal date, proposed in the future: all three, in
    // the order of the input's fields, not only the first found.
    given(vec![])
        .when(propose(" ", "QMJ", &[], "2026-07-01", "2026-06-01"))
        .then_expect_error(ActionError::Invalid(
            FieldError::new("title", "is required")
                .and(FieldError::new(
                    "dueOn",
                    "2026-06-01 is before the day it was proposed (today, when proposedOn is not given), on 2026-07-01",
                ))
                .and(FieldError::new("proposedOn", "must not be in the future")),
        ));
}

#[test]
fn proposes_an_action_that_starts_from_elsewhere_with_no_items() {
    let mut expected = proposed();
    if let Some(ActionEvent::ActionProposed { input_items, .. }) = expected.first_mut() {
        input_items.clear();
    }
    given(vec![])
        .when(propose_items(&[]))
        .then_expect_events(expected);
}

#[test]
fn refuses_a_repetitive_or_overlong_item_list() {
    given(vec![])
        .when(propose_items(&[OWN, REFERRED_IN, OWN]))
        .then_expect_error(ActionError::DuplicateInputItem { index: 2 });
    let many: Vec<Uuid> = (0..21).map(Uuid::from_u128).collect();
    given(vec![])
        .when(propose_items(&many))
        .then_expect_error(invalid("inputItemIds", "has 21 entries; the limit is 20"));
}

#[test]
fn refuses_an_unregistered_owner() {
    given(vec![])
        .when(propose("Title", "RRV", &[OWN], "2026-06-10", "2026-09-30"))
        .then_expect_error(ActionError::OwnerOrganisationNotFound);
}

#[test]
fn refuses_an_unknown_item_by_position() {
    given(vec![])
        .when(propose_items(&[OWN, Uuid::from_u128(0xFF)]))
        .then_expect_error(ActionError::InputItemNotFound { index: 1 });
}

#[test]
fn refuses_an_item_neither_owned_nor_referred_in() {
    given(vec![])
        .when(propose_items(&[FOREIGN, OWN]))
        .then_expect_error(ActionError::InputItemNotYours { index: 0 });
}

#[test]
fn reports_a_ledger_that_cannot_be_read() {
    TestFramework::<Action>::with(lookups().failing().build())
        .given(vec![])
        .when(propose_items(&[OWN]))
        .then_expect_error(ActionError::Lookup(LookupFailed));
}

#[test]
fn refusals_map_to_kinds_and_name_positions() {
    assert_eq!(
        ActionError::DuplicateInputItem { index: 0 }.kind(),
        RefusalKind::Validation
    );
    assert_eq!(
        ActionError::InputItemNotFound { index: 0 }.kind(),
        RefusalKind::NotFound
    );
    assert_eq!(
        ActionError::InputItemNotYours { index: 0 }.kind(),
        RefusalKind::Forbidden
    );
    assert_eq!(ActionError::Closed.kind(), RefusalKind::Conflict);
    assert_eq!(
        ActionError::Lookup(LookupFailed).kind(),
        RefusalKind::Internal
    );
    assert_eq!(
        ActionError::InputItemNotYours { index: 0 }.to_string(),
        "inputItemIds[0]: belongs to another organisation and was not referred to yours"
    );
    assert_eq!(
        ActionError::InputItemNotFound { index: 1 }.to_string(),
        "inputItemIds[1]: input item not found"
    );
}

#[test]
fn state_follows_the_events() {
    let mut action = Action::default();
    assert_eq!((action.owner(), action.status()), (None, None));
    for event in proposed() {
        action.apply(event);
    }
    assert_eq!(action.owner(), Some(&ods("QMJ")));
    assert_eq!(action.status(), Some(ActionStatus::Proposed));
    for event in closed().split_off(1) {
        action.apply(event);
    }
    assert_eq!(action.status(), Some(ActionStatus::Abandoned));
    assert_eq!(action.input_items(), [OWN]);
    assert_eq!(action.id(), Some(ACTION));
}

#[test]
fn refuses_a_proposal_without_an_owner_role_or_forum() {
    for (role, forum, field) in [
        ("", "Quality Committee", "ownerRole"),
        ("Head of Estates", " ", "decisionForum"),
    ] {
        let mut command = propose(
            "Pilot evening clinics",
            "QMJ",
            &[OWN],
            "2026-06-10",
            "2026-09-30",
        );
        if let ActionCommand::Propose {
            owner_role,
            decision_forum,
            ..
        } = &mut command
        {
            *owner_role = role.to_owned();
            *decision_forum = forum.to_owned();
        }
        given(vec![])
            .when(command)
            .then_expect_error(invalid(field, "is required"));
    }
}

#[test]
fn refuses_to_answer_a_withdrawn_item() {
    given(vec![])
        .when(propose_items(&[OWN, WITHDRAWN]))
        .then_expect_error(ActionError::InputItemWithdrawn { index: 1 });
    assert_eq!(
        ActionError::InputItemWithdrawn { index: 1 }.kind(),
        RefusalKind::Conflict
    );
}

fn link(item: Uuid, on: &str) -> ActionCommand {
    ActionCommand::LinkInputItem {
        input_item_id: item,
        linked_on: day(on),
    }
}

#[test]
fn links_an_item_later_from_the_day_given_even_when_closed() {
    given(closed())
        .when(link(REFERRED_IN, "2026-06-25"))
        .then_expect_events(vec![ActionEvent::InputItemLinked {
            input_item_id: REFERRED_IN,
            linked_on: day("2026-06-25"),
        }]);
}

#[test]
fn refuses_a_link_that_is_there_dated_wrongly_or_to_an_item_not_its_owners() {
    given(proposed())
        .when(link(OWN, "2026-06-20"))
        .then_expect_error(ActionError::AlreadyLinked);
    given(proposed())
        .when(link(REFERRED_IN, "2026-06-01"))
        .then_expect_error(invalid(
            "linkedOn",
            "2026-06-01 is before the action was proposed, on 2026-06-10",
        ));
    given(proposed())
        .when(link(REFERRED_IN, "2026-07-01"))
        .then_expect_error(invalid("linkedOn", "must not be in the future"));
    given(proposed())
        .when(link(FOREIGN, "2026-06-20"))
        .then_expect_error(ActionError::LinkedItemNotYours);
    given(proposed())
        .when(link(WITHDRAWN, "2026-06-20"))
        .then_expect_error(ActionError::LinkedItemWithdrawn);
    given(proposed())
        .when(link(Uuid::from_u128(0xEE), "2026-06-20"))
        .then_expect_error(ActionError::LinkedItemNotFound);
    given(vec![])
        .when(link(OWN, "2026-06-20"))
        .then_expect_error(ActionError::NotFound);
}

#[test]
fn unlinks_an_item_linked_in_error_with_the_reason() {
    use crate::domain::correction::{Correction, CorrectionCategory};
    let why = |detail: &str| Correction {
        category: CorrectionCategory::WrongDetail,
        detail: detail.to_owned(),
    };
    let unlink = |item: Uuid, detail: &str| ActionCommand::UnlinkInputItem {
        input_item_id: item,
        correction: why(detail),
    };
    given(proposed())
        .when(unlink(OWN, " Linked to the wrong action "))
        .then_expect_events(vec![ActionEvent::InputItemUnlinked {
            input_item_id: OWN,
            correction: why("Linked to the wrong action"),
        }]);
    given(proposed())
        .when(unlink(REFERRED_IN, "Never linked"))
        .then_expect_error(ActionError::NotLinked);
    given(proposed())
        .when(unlink(OWN, ""))
        .then_expect_error(invalid("reason.detail", "is required"));
    let mut relinked = proposed();
    relinked.push(ActionEvent::InputItemUnlinked {
        input_item_id: OWN,
        correction: why("Wrong action"),
    });
    given(relinked)
        .when(link(OWN, "2026-06-20"))
        .then_expect_events(vec![ActionEvent::InputItemLinked {
            input_item_id: OWN,
            linked_on: day("2026-06-20"),
        }]);
}
