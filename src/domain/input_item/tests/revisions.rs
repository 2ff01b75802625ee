//! Revised decisions, feedback, and the facts other aggregates see.

use super::*;
use crate::domain::common::FeedbackChannel;

/// [`recorded`], then referred by QMJ to R1K on 2026-06-10.
fn referred() -> Vec<InputItemEvent> {
    let mut events = recorded();
    let referral = decision(
        DecisionOutcome::Referred,
        "",
        Some("R1K"),
        "2026-06-10",
        "QMJ",
    );
    events.push(InputItemEvent::InputItemDecided(referral));
    events
}

fn revise(
    outcome: DecisionOutcome,
    reason: &str,
    on: &str,
    by: &str,
    why: &str,
) -> InputItemCommand {
    InputItemCommand::ReviseDecision {
        outcome,
        reason: reason.to_owned(),
        referred_to: None,
        decided_on: day(on),
        decided_by: by.to_owned(),
        why: why.to_owned(),
    }
}

fn feedback(on: &str, summary: &str) -> InputItemCommand {
    InputItemCommand::RecordFeedback {
        given_on: day(on),
        channel: FeedbackChannel::Email,
        summary: summary.to_owned(),
    }
}

#[test]
fn the_owner_revises_its_own_decision() {
    let mut events = recorded();
    let accepted = decision(DecisionOutcome::Accepted, "", None, "2026-06-10", "QMJ");
    events.push(InputItemEvent::InputItemDecided(accepted));
    given(events)
        .when(revise(
            DecisionOutcome::Declined,
            "Budget cut",
            "2026-06-10",
            "QMJ",
            " Funding withdrawn ",
        ))
        .then_expect_events(vec![InputItemEvent::DecisionRevised {
            decision: decision(
                DecisionOutcome::Declined,
                "Budget cut",
                None,
                "2026-06-10",
                "QMJ",
            ),
            why: "Funding withdrawn".to_owned(),
        }]);
}

#[test]
fn the_referee_decides_a_referred_item() {
    given(referred())
        .when(revise(
            DecisionOutcome::Accepted,
            "",
            "2026-06-20",
            "R1K",
            "Taken on by the trust",
        ))
        .then_expect_events(vec![InputItemEvent::DecisionRevised {
            decision: decision(DecisionOutcome::Accepted, "", None, "2026-06-20", "R1K"),
            why: "Taken on by the trust".to_owned(),
        }]);
}

#[test]
fn refuses_the_owner_once_referred() {
    given(referred())
        .when(revise(
            DecisionOutcome::Accepted,
            "",
            "2026-06-20",
            "QMJ",
            "Changed our mind",
        ))
        .then_expect_error(InputItemError::NotReferee);
}

#[test]
fn refuses_revising_without_a_decision() {
    given(recorded())
        .when(revise(
            DecisionOutcome::Accepted,
            "",
            "2026-06-20",
            "QMJ",
            "Why",
        ))
        .then_expect_error(InputItemError::NotDecided);
    given(vec![])
        .when(revise(
            DecisionOutcome::Accepted,
            "",
            "2026-06-20",
            "QMJ",
            "Why",
        ))
        .then_expect_error(InputItemError::NotFound);
}

#[test]
fn refuses_a_revision_dated_before_the_previous_decision() {
    given(referred())
        .when(revise(
            DecisionOutcome::Accepted,
            "",
            "2026-06-09",
            "R1K",
            "Why",
        ))
        .then_expect_error(invalid(
            "decidedOn",
            "2026-06-09 is before the previous decision, on 2026-06-10",
        ));
}

#[test]
fn refuses_a_revision_without_why() {
    given(referred())
        .when(revise(
            DecisionOutcome::Accepted,
            "",
            "2026-06-20",
            "R1K",
            "  ",
        ))
        .then_expect_error(invalid("why", "is required"));
}

#[test]
fn records_feedback_before_or_after_a_decision() {
    let expected = vec![InputItemEvent::FeedbackGiven {
        given_on: day("2026-06-25"),
        channel: FeedbackChannel::Email,
        summary: "We wrote back".to_owned(),
    }];
    given(recorded())
        .when(feedback("2026-06-25", " We wrote back "))
        .then_expect_events(expected.clone());
    given(referred())
        .when(feedback("2026-06-25", "We wrote back"))
        .then_expect_events(expected);
}

#[test]
fn refuses_feedback_that_is_unrecorded_empty_or_misdated() {
    given(vec![])
        .when(feedback("2026-06-25", "We wrote back"))
        .then_expect_error(InputItemError::NotFound);
    given(recorded())
        .when(feedback("2026-06-25", ""))
        .then_expect_error(invalid("summary", "is required"));
    given(recorded())
        .when(feedback("2026-07-01", "We wrote back"))
        .then_expect_error(invalid("givenOn", "must not be in the future"));
    given(recorded())
        .when(feedback("2026-06-01", "We wrote back"))
        .then_expect_error(invalid(
            "givenOn",
            "2026-06-01 is before the input was raised, on 2026-06-02",
        ));
}

#[test]
fn facts_show_the_referee_before_and_after_it_answers() {
    let mut item = InputItem::default();
    assert_eq!(item.facts(), None);
    for event in referred() {
        item.apply(event);
    }
    let facts = |referred_to| InputItemFacts {
        id: ITEM,
        organisation: ods("QMJ"),
        referred_to,
        raised_on: day("2026-06-02"),
        withdrawn: false,
    };
    assert_eq!(item.facts(), Some(facts(Some(ods("R1K")))));
    // Its answer is its to act on: the partner stays the referee.
    item.apply(InputItemEvent::InputItemDecided(decision(
        DecisionOutcome::Accepted,
        "",
        None,
        "2026-06-20",
        "R1K",
    )));
    assert_eq!(item.facts(), Some(facts(Some(ods("R1K")))));
    assert_eq!(item.decisions().len(), 2);
    assert_eq!(item.activity_id(), Some(ACTIVITY));
}

#[test]
fn the_partner_answers_a_referral_with_its_first_decision() {
    given(referred())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-20",
            "R1K",
        ))
        .then_expect_events(vec![InputItemEvent::InputItemDecided(decision(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-20",
            "R1K",
        ))]);
}

#[test]
fn refuses_a_partner_answer_before_the_referral_or_from_the_referrer() {
    given(referred())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-05",
            "R1K",
        ))
        .then_expect_error(invalid(
            "decidedOn",
            "2026-06-05 is before the item was referred, on 2026-06-10",
        ));
    given(referred())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-20",
            "QMJ",
        ))
        .then_expect_error(InputItemError::NotReferee);
    let mut answered = referred();
    answered.push(InputItemEvent::InputItemDecided(decision(
        DecisionOutcome::Declined,
        "No budget",
        None,
        "2026-06-20",
        "R1K",
    )));
    given(answered)
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-21",
            "R1K",
        ))
        .then_expect_error(InputItemError::AlreadyDecided);
}
