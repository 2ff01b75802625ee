//! First decisions: who may decide, and what each outcome needs.

use super::*;

#[test]
fn decides_accepted_without_a_note() {
    use DecisionOutcome::Accepted;
    given(recorded())
        .when(decide(Accepted, " ", None, "2026-06-10", "qmj"))
        .then_expect_events(vec![InputItemEvent::InputItemDecided(decision(
            Accepted,
            "",
            None,
            "2026-06-10",
            "QMJ",
        ))]);
}

#[test]
fn decides_declined_with_a_reason_and_referred_to_a_partner() {
    use DecisionOutcome::{Declined, Referred};
    given(recorded())
        .when(decide(Declined, "No funding", None, "2026-06-10", "QMJ"))
        .then_expect_events(vec![InputItemEvent::InputItemDecided(decision(
            Declined,
            "No funding",
            None,
            "2026-06-10",
            "QMJ",
        ))]);
    given(recorded())
        .when(decide(Referred, "", Some("r1k"), "2026-06-02", "QMJ"))
        .then_expect_events(vec![InputItemEvent::InputItemDecided(decision(
            Referred,
            "",
            Some("R1K"),
            "2026-06-02",
            "QMJ",
        ))]);
}

#[test]
fn refuses_deciding_before_recording() {
    given(vec![])
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-10",
            "QMJ",
        ))
        .then_expect_error(InputItemError::NotFound);
}

#[test]
fn refuses_deciding_twice() {
    let mut events = recorded();
    events.push(InputItemEvent::InputItemDecided(decision(
        DecisionOutcome::Accepted,
        "",
        None,
        "2026-06-10",
        "QMJ",
    )));
    given(events)
        .when(decide(
            DecisionOutcome::Declined,
            "No",
            None,
            "2026-06-11",
            "QMJ",
        ))
        .then_expect_error(InputItemError::AlreadyDecided);
}

#[test]
fn refuses_a_malformed_or_foreign_decider() {
    given(recorded())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-10",
            "Q J",
        ))
        .then_expect_error(invalid(
            "decidedBy",
            "must be an ODS code of 3 to 10 letters and digits",
        ));
    given(recorded())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-10",
            "R1K",
        ))
        .then_expect_error(InputItemError::NotOwner);
}

#[test]
fn refuses_declined_or_already_in_place_without_a_reason() {
    given(recorded())
        .when(decide(
            DecisionOutcome::Declined,
            "",
            None,
            "2026-06-10",
            "QMJ",
        ))
        .then_expect_error(invalid(
            "reason",
            "is required when the outcome is DECLINED",
        ));
    given(recorded())
        .when(decide(
            DecisionOutcome::AlreadyInPlace,
            " ",
            None,
            "2026-06-10",
            "QMJ",
        ))
        .then_expect_error(invalid(
            "reason",
            "is required when the outcome is ALREADY_IN_PLACE",
        ));
}

#[test]
fn refuses_a_referral_without_a_valid_referee() {
    use DecisionOutcome::Referred;
    given(recorded())
        .when(decide(Referred, "", None, "2026-06-10", "QMJ"))
        .then_expect_error(invalid(
            "referredTo",
            "is required when the outcome is REFERRED",
        ));
    given(recorded())
        .when(decide(Referred, "", Some("RRV"), "2026-06-10", "QMJ"))
        .then_expect_error(InputItemError::ReferredOrganisationNotFound);
    given(recorded())
        .when(decide(Referred, "", Some("QMJ"), "2026-06-10", "QMJ"))
        .then_expect_error(invalid(
            "referredTo",
            "must be a different organisation from decidedBy",
        ));
}

#[test]
fn refuses_a_referee_for_other_outcomes() {
    given(recorded())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            Some("R1K"),
            "2026-06-10",
            "QMJ",
        ))
        .then_expect_error(invalid(
            "referredTo",
            "must be empty unless the outcome is REFERRED",
        ));
}

#[test]
fn refuses_a_decision_dated_in_the_future_or_before_the_input() {
    given(recorded())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-07-01",
            "QMJ",
        ))
        .then_expect_error(invalid("decidedOn", "must not be in the future"));
    given(recorded())
        .when(decide(
            DecisionOutcome::Accepted,
            "",
            None,
            "2026-06-01",
            "QMJ",
        ))
        .then_expect_error(invalid(
            "decidedOn",
            "2026-06-01 is before the input was raised, on 2026-06-02",
        ));
}
