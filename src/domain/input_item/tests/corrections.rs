//! Corrections: amending recorded facts, withdrawing and reinstating.

use super::*;
use crate::domain::common::FeedbackChannel;
use crate::domain::correction::{Correction, CorrectionCategory};
use crate::domain::feedback::FeedbackChanges;
use crate::domain::input_item::InputItemChanges;

const OTHER_ITEM: Uuid = Uuid::from_u128(0x12);
const PARTNER_ITEM: Uuid = Uuid::from_u128(0x13);
const WITHDRAWN_ITEM: Uuid = Uuid::from_u128(0x14);

fn why(category: CorrectionCategory, detail: &str) -> Correction {
    Correction {
        category,
        detail: detail.to_owned(),
    }
}

fn typo() -> Correction {
    why(CorrectionCategory::Typo, "Spelling")
}

fn item_facts(id: Uuid, owner: &str, withdrawn: bool) -> InputItemFacts {
    InputItemFacts {
        id,
        organisation: ods(owner),
        referred_to: None,
        raised_on: day("2026-06-01"),
        withdrawn,
    }
}

fn with_items() -> AggregateTestExecutor<InputItem> {
    TestFramework::with(
        lookups()
            .with_input_item(item_facts(OTHER_ITEM, "QMJ", false))
            .with_input_item(item_facts(PARTNER_ITEM, "R1K", false))
            .with_input_item(item_facts(WITHDRAWN_ITEM, "QMJ", true))
            .build(),
    )
    .given(recorded())
}

fn amend(changes: InputItemChanges, correction: Correction) -> InputItemCommand {
    InputItemCommand::Amend {
        changes,
        correction,
    }
}

fn withdraw(category: CorrectionCategory, duplicate_of: Option<Uuid>) -> InputItemCommand {
    InputItemCommand::Withdraw {
        correction: why(category, "Entered twice"),
        duplicate_of,
        with_decision: false,
    }
}

fn withdrawn() -> Vec<InputItemEvent> {
    let mut events = recorded();
    events.push(InputItemEvent::InputItemWithdrawn {
        correction: why(CorrectionCategory::RecordedInError, "Test entry"),
        duplicate_of: None,
        decision_withdrawn: false,
    });
    events
}

fn accepted() -> Vec<InputItemEvent> {
    let mut events = recorded();
    events.push(InputItemEvent::InputItemDecided(decision(
        DecisionOutcome::Accepted,
        "",
        None,
        "2026-06-10",
        "QMJ",
    )));
    events
}

#[test]
fn amends_only_the_fields_that_differ_with_tidy_values() {
    given(recorded())
        .when(amend(
            InputItemChanges {
                summary: Some(" Offer evening and weekend appointments ".into()),
                // The same as recorded: not a change.
                kind: Some(InputKind::Recommendation),
                themes: Some(vec![" Access ".into(), "Opening hours".into()]),
                raised_on: Some(day("2026-06-01")),
                ..InputItemChanges::default()
            },
            typo(),
        ))
        .then_expect_events(vec![InputItemEvent::InputItemAmended {
            changes: InputItemChanges {
                summary: Some("Offer evening and weekend appointments".into()),
                themes: Some(vec!["Access".into(), "Opening hours".into()]),
                raised_on: Some(day("2026-06-01")),
                ..InputItemChanges::default()
            },
            correction: typo(),
        }]);
}

#[test]
fn refuses_an_amendment_that_changes_nothing_or_gives_no_reason() {
    given(recorded())
        .when(amend(
            InputItemChanges {
                summary: Some("Offer evening appointments".into()),
                ..InputItemChanges::default()
            },
            typo(),
        ))
        .then_expect_error(invalid(
            "changes",
            "changes nothing: name at least one field with a value different from the record's",
        ));
    given(recorded())
        .when(amend(
            InputItemChanges {
                summary: Some(" ".into()),
                ..InputItemChanges::default()
            },
            why(CorrectionCategory::Typo, ""),
        ))
        .then_expect_error(InputItemError::Invalid(
            FieldError::new("summary", "is required")
                .and(FieldError::new("reason.detail", "is required")),
        ));
}

#[test]
fn refuses_a_raised_date_after_what_followed_it_naming_both_dates() {
    let later = |on: &str| {
        amend(
            InputItemChanges {
                raised_on: Some(day(on)),
                ..InputItemChanges::default()
            },
            why(CorrectionCategory::WrongDate, "Raised at the later session"),
        )
    };
    given(accepted())
        .when(later("2026-06-12"))
        .then_expect_error(invalid(
            "raisedOn",
            "2026-06-12 is after the first decision on this input item, taken 2026-06-10",
        ));
    let mut told = recorded();
    told.push(InputItemEvent::FeedbackGiven {
        given_on: day("2026-06-05"),
        channel: FeedbackChannel::Email,
        summary: "We are looking at it".into(),
    });
    given(told)
        .when(later("2026-06-06"))
        .then_expect_error(invalid(
            "raisedOn",
            "2026-06-06 is after participants were first given feedback, on 2026-06-05",
        ));
    given(recorded())
        .when(later("2026-07-01"))
        .then_expect_error(invalid("raisedOn", "must not be in the future"));
}

#[test]
fn withdraws_a_duplicate_naming_the_original() {
    with_items()
        .when(withdraw(CorrectionCategory::Duplicate, Some(OTHER_ITEM)))
        .then_expect_events(vec![InputItemEvent::InputItemWithdrawn {
            correction: why(CorrectionCategory::Duplicate, "Entered twice"),
            duplicate_of: Some(OTHER_ITEM),
            decision_withdrawn: false,
        }]);
}

#[test]
fn refuses_a_duplicate_of_itself_of_nothing_or_of_another_organisations_item() {
    with_items()
        .when(withdraw(CorrectionCategory::Duplicate, None))
        .then_expect_error(invalid(
            "duplicateOf",
            "is required for a duplicate: name the input item it repeats",
        ));
    with_items()
        .when(withdraw(
            CorrectionCategory::RecordedInError,
            Some(OTHER_ITEM),
        ))
        .then_expect_error(invalid(
            "reason.category",
            "must be DUPLICATE when duplicateOf names the original",
        ));
    with_items()
        .when(withdraw(CorrectionCategory::Duplicate, Some(ITEM)))
        .then_expect_error(invalid(
            "duplicateOf",
            "must name another input item, not this one",
        ));
    with_items()
        .when(withdraw(
            CorrectionCategory::Duplicate,
            Some(Uuid::from_u128(0xEE)),
        ))
        .then_expect_error(InputItemError::OriginalNotFound);
    with_items()
        .when(withdraw(CorrectionCategory::Duplicate, Some(PARTNER_ITEM)))
        .then_expect_error(invalid(
            "duplicateOf",
            "must be an input item of the same organisation",
        ));
    with_items()
        .when(withdraw(
            CorrectionCategory::Duplicate,
            Some(WITHDRAWN_ITEM),
        ))
        .then_expect_error(InputItemError::OriginalWithdrawn);
}

#[test]
fn withdraws_a_decided_item_only_with_its_decision() {
    given(accepted())
        .when(withdraw(CorrectionCategory::RecordedInError, None))
        .then_expect_error(InputItemError::HasDecision);
    given(accepted())
        .when(InputItemCommand::Withdraw {
            correction: why(CorrectionCategory::RecordedInError, "Test entry"),
            duplicate_of: None,
            with_decision: true,
        })
        .then_expect_events(vec![InputItemEvent::InputItemWithdrawn {
            correction: why(CorrectionCategory::RecordedInError, "Test entry"),
            duplicate_of: None,
            decision_withdrawn: true,
        }]);
}

#[test]
fn a_withdrawn_item_takes_no_change_until_reinstated() {
    given(withdrawn())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-10",
            "QMJ",
        ))
        .then_expect_error(InputItemError::Withdrawn);
    given(withdrawn())
        .when(amend(
            InputItemChanges {
                summary: Some("New words".into()),
                ..InputItemChanges::default()
            },
            typo(),
        ))
        .then_expect_error(InputItemError::Withdrawn);
    given(withdrawn())
        .when(withdraw(CorrectionCategory::RecordedInError, None))
        .then_expect_error(InputItemError::Withdrawn);
    given(withdrawn())
        .when(InputItemCommand::Reinstate {
            correction: why(CorrectionCategory::Other, "It was real after all"),
        })
        .then_expect_events(vec![InputItemEvent::InputItemReinstated {
            correction: why(CorrectionCategory::Other, "It was real after all"),
        }]);
    let mut reinstated = withdrawn();
    reinstated.push(InputItemEvent::InputItemReinstated {
        correction: why(CorrectionCategory::Other, "It was real after all"),
    });
    given(reinstated.clone())
        .when(decide(
            DecisionOutcome::Declined,
            "No funding",
            None,
            "2026-06-10",
            "QMJ",
        ))
        .then_expect_events(vec![InputItemEvent::InputItemDecided(decision(
            DecisionOutcome::Declined,
            "No funding",
            None,
            "2026-06-10",
            "QMJ",
        ))]);
    given(reinstated)
        .when(InputItemCommand::Reinstate { correction: typo() })
        .then_expect_error(InputItemError::NotWithdrawn);
}

#[test]
fn other_items_see_a_withdrawal_and_an_amended_date() {
    let mut item = InputItem::default();
    for event in withdrawn() {
        item.apply(event);
    }
    assert!(item.facts().is_some_and(|f| f.withdrawn));
    let mut item = InputItem::default();
    for event in recorded() {
        item.apply(event);
    }
    item.apply(InputItemEvent::InputItemAmended {
        changes: InputItemChanges {
            raised_on: Some(day("2026-05-30")),
            ..InputItemChanges::default()
        },
        correction: why(CorrectionCategory::WrongDate, "Raised at the May session"),
    });
    assert_eq!(item.facts().map(|f| f.raised_on), Some(day("2026-05-30")));
}

#[test]
fn amends_feedback_but_not_to_before_the_input_was_raised() {
    let mut told = recorded();
    told.push(InputItemEvent::FeedbackGiven {
        given_on: day("2026-06-05"),
        channel: FeedbackChannel::Email,
        summary: "We are looking at it".into(),
    });
    let amend = |changes: FeedbackChanges| InputItemCommand::AmendFeedback {
        index: 0,
        changes,
        correction: typo(),
    };
    let summary = FeedbackChanges {
        summary: Some("We are looking into it".into()),
        ..FeedbackChanges::default()
    };
    given(told.clone())
        .when(amend(summary.clone()))
        .then_expect_events(vec![InputItemEvent::FeedbackAmended {
            index: 0,
            changes: summary,
            correction: typo(),
        }]);
    given(told)
        .when(amend(FeedbackChanges {
            given_on: Some(day("2026-05-01")),
            ..FeedbackChanges::default()
        }))
        .then_expect_error(invalid(
            "givenOn",
            "2026-05-01 is before the input was raised, on 2026-06-02",
        ));
    given(recorded())
        .when(amend(FeedbackChanges::default()))
        .then_expect_error(invalid("index", "no feedback has been recorded"));
}
