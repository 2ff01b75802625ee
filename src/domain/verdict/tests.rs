//! The verdict table of DESIGN.md, one case per row and warning.

use chrono::NaiveDate;

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn item(raised: &str) -> ItemDates {
    ItemDates {
        raised_on: d(raised),
        response_window_days: 60,
        decisions: vec![],
        actions: vec![],
        feedback: vec![],
        withdrawn: false,
    }
}

fn decided(mut item: ItemDates, outcome: DecisionOutcome, on: &str) -> ItemDates {
    item.decisions.push(DatedDecision {
        outcome,
        decided_on: d(on),
        referee_window_days: (outcome == DecisionOutcome::Referred).then_some(30),
    });
    item
}

fn action(proposed: &str, agreed: &str, due: &str) -> ActionDates {
    ActionDates {
        proposed_on: d(proposed),
        agreed_on: Some(d(agreed)),
        due_on: d(due),
        ..ActionDates::default()
    }
}

#[test]
fn undecided_input_is_unanswered_inside_the_window_and_overdue_after() {
    let i = item("2026-01-01");
    assert_eq!(i.assess(d("2026-03-02")).verdict, InputVerdict::Unanswered);
    assert_eq!(i.assess(d("2026-03-03")).verdict, InputVerdict::Overdue);
}

#[test]
fn declined_already_in_place_and_referred_follow_the_decision() {
    let base = item("2026-01-01");
    for (outcome, verdict) in [
        (DecisionOutcome::Declined, InputVerdict::Declined),
        (
            DecisionOutcome::AlreadyInPlace,
            InputVerdict::AlreadyInPlace,
        ),
        (DecisionOutcome::Referred, InputVerdict::Referred),
    ] {
        let i = decided(base.clone(), outcome, "2026-01-10");
        assert_eq!(i.assess(d("2026-02-01")).verdict, verdict);
        assert_eq!(
            i.assess(d("2026-01-09")).verdict,
            InputVerdict::Unanswered,
            "not yet decided then"
        );
    }
}

#[test]
fn a_referral_unanswered_past_the_partners_window_is_overdue_until_answered() {
    // Referred on 10 January to a partner with a 30-day window: due by 9 February.
    let referred = decided(item("2026-01-01"), DecisionOutcome::Referred, "2026-01-10");
    assert_eq!(
        referred.assess(d("2026-02-09")).verdict,
        InputVerdict::Referred
    );
    assert_eq!(
        referred.assess(d("2026-02-10")).verdict,
        InputVerdict::Overdue
    );
    let answered = decided(referred, DecisionOutcome::Declined, "2026-02-20");
    assert_eq!(
        answered.assess(d("2026-02-15")).verdict,
        InputVerdict::Overdue
    );
    assert_eq!(
        answered.assess(d("2026-02-20")).verdict,
        InputVerdict::Declined
    );
}

#[test]
fn accepted_with_a_live_action_is_planned_then_stalled_when_past_due() {
    let mut i = decided(item("2026-01-01"), DecisionOutcome::Accepted, "2026-01-10");
    i.actions
        .push(action("2026-01-10", "2026-01-12", "2026-03-01"));
    assert_eq!(i.assess(d("2026-03-01")).verdict, InputVerdict::Planned);
    assert_eq!(i.assess(d("2026-03-02")).verdict, InputVerdict::Stalled);
}

#[test]
fn a_moved_due_date_counts_from_the_day_it_was_moved() {
    let mut i = decided(item("2026-01-01"), DecisionOutcome::Accepted, "2026-01-10");
    let mut a = action("2026-01-10", "2026-01-12", "2026-03-01");
    a.due_changes.push((d("2026-03-05"), d("2026-06-01")));
    i.actions.push(a);
    assert_eq!(i.assess(d("2026-03-04")).verdict, InputVerdict::Stalled);
    assert_eq!(i.assess(d("2026-03-05")).verdict, InputVerdict::Planned);
}

#[test]
fn abandoned_with_no_replacement_is_stalled_and_a_replacement_revives_it() {
    let mut i = decided(item("2026-01-01"), DecisionOutcome::Accepted, "2026-01-10");
    let mut a = action("2026-01-10", "2026-01-12", "2026-06-01");
    a.abandoned_on = Some(d("2026-02-01"));
    i.actions.push(a);
    assert_eq!(i.assess(d("2026-02-02")).verdict, InputVerdict::Stalled);
    i.actions
        .push(action("2026-02-10", "2026-02-11", "2026-06-01"));
    assert_eq!(i.assess(d("2026-02-12")).verdict, InputVerdict::Planned);
}

#[test]
fn a_completed_action_makes_it_acted_on_and_feedback_after_the_outcome_closes_the_loop() {
    let mut i = decided(item("2026-01-01"), DecisionOutcome::Accepted, "2026-01-10");
    let mut a = action("2026-01-10", "2026-01-12", "2026-06-01");
    a.completed = Some((d("2026-04-01"), true));
    i.actions.push(a);
    i.feedback.push(d("2026-02-01"));
    let before = i.assess(d("2026-04-02"));
    assert_eq!(before.verdict, InputVerdict::ActedOn);
    assert!(
        !before.loop_closed,
        "feedback before the outcome does not close the loop"
    );
    assert!(!before.genuinely_acted_on);
    i.feedback.push(d("2026-04-10"));
    let after = i.assess(d("2026-04-10"));
    assert!(after.loop_closed);
    assert!(after.genuinely_acted_on);
    assert_eq!(after.loop_closed_on, Some(d("2026-04-10")));
    assert_eq!(after.outcome_on, Some(d("2026-04-01")));
}

#[test]
fn an_action_agreed_before_the_input_warns_and_is_not_genuine() {
    let mut i = decided(item("2026-02-01"), DecisionOutcome::Accepted, "2026-02-05");
    let mut a = action("2026-01-01", "2026-01-15", "2026-06-01");
    a.completed = Some((d("2026-03-01"), true));
    i.actions.push(a);
    i.feedback.push(d("2026-03-02"));
    let assessment = i.assess(d("2026-03-03"));
    assert_eq!(assessment.verdict, InputVerdict::ActedOn);
    assert!(assessment.loop_closed);
    assert_eq!(
        assessment.warnings,
        vec![VerdictWarning::DecidedBeforeInput]
    );
    assert!(!assessment.genuinely_acted_on);
}

#[test]
fn completion_without_evidence_and_late_decisions_warn() {
    let mut i = decided(item("2026-01-01"), DecisionOutcome::Accepted, "2026-03-15");
    let mut a = action("2026-03-15", "2026-03-16", "2026-06-01");
    a.completed = Some((d("2026-04-01"), false));
    i.actions.push(a);
    let warnings = i.assess(d("2026-04-02")).warnings;
    assert_eq!(
        warnings,
        vec![
            VerdictWarning::NoOutcomeEvidence,
            VerdictWarning::LateResponse
        ]
    );
}

#[test]
fn accepted_with_no_action_warns() {
    let i = decided(item("2026-01-01"), DecisionOutcome::Accepted, "2026-01-10");
    let assessment = i.assess(d("2026-01-11"));
    assert_eq!(assessment.verdict, InputVerdict::Planned);
    assert_eq!(assessment.warnings, vec![VerdictWarning::NoLinkedAction]);
}

#[test]
fn a_revised_decision_reopens_the_loop_and_the_verdict_follows_the_latest() {
    let mut i = decided(item("2026-01-01"), DecisionOutcome::Declined, "2026-01-10");
    i.feedback.push(d("2026-01-20"));
    assert!(i.assess(d("2026-01-21")).loop_closed);
    let i = decided(i, DecisionOutcome::AlreadyInPlace, "2026-02-01");
    let assessment = i.assess(d("2026-02-02"));
    assert_eq!(assessment.verdict, InputVerdict::AlreadyInPlace);
    assert!(
        !assessment.loop_closed,
        "earlier feedback does not cover the revised decision"
    );
    assert_eq!(i.assess(d("2026-01-21")).verdict, InputVerdict::Declined);
}

#[test]
fn a_withdrawn_item_is_withdrawn_as_of_every_date_whatever_happened_to_it() {
    let mut i = decided(item("2026-01-01"), DecisionOutcome::Accepted, "2026-01-10");
    i.feedback.push(d("2026-02-01"));
    i.withdrawn = true;
    for on in ["2025-12-31", "2026-01-15", "2026-06-01"] {
        let a = i.assess(d(on));
        assert_eq!(a.verdict, InputVerdict::Withdrawn, "{on}");
        assert!(!a.loop_closed && !a.genuinely_acted_on && a.first_decided_on.is_none());
    }
}
