//! Given/when/then tests of the `InputItem` aggregate: shared fixtures and recording here,
//! first decisions, revisions and feedback in submodules.

mod corrections;
mod decisions;
mod revisions;

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::domain::common::{DecisionOutcome, FieldError, InputKind, RaisedBy};
use crate::domain::services::{ActivityFacts, InputItemFacts, LookupFailed};
use crate::domain::testing::{day, ods, FakeLookups};
use crate::domain::{Refusal, RefusalKind};

const ITEM: Uuid = Uuid::from_u128(0x11);
const ACTIVITY: Uuid = Uuid::from_u128(0xA1);
const CANCELLED_ACTIVITY: Uuid = Uuid::from_u128(0xA2);

fn activity(id: Uuid, cancelled: bool) -> ActivityFacts {
    ActivityFacts {
        id,
        lead_organisation: ods("QMJ"),
        partner_organisations: vec![ods("R1K")],
        planned_on: day("2026-06-01"),
        cancelled,
    }
}

fn lookups() -> FakeLookups {
    FakeLookups::new()
        .with_organisation("QMJ")
        .with_organisation("R1K")
        .with_organisation("A81001")
        .with_activity(activity(ACTIVITY, false))
        .with_activity(activity(CANCELLED_ACTIVITY, true))
}

fn given(events: Vec<InputItemEvent>) -> AggregateTestExecutor<InputItem> {
    TestFramework::with(lookups().build()).given(events)
}

fn invalid(field: &'static str, problem: &str) -> InputItemError {
    InputItemError::Invalid(FieldError::new(field, problem))
}

/// An item owned by QMJ, raised on 2026-06-02.
fn recorded() -> Vec<InputItemEvent> {
    vec![InputItemEvent::InputItemRecorded {
        input_item_id: ITEM,
        activity_id: ACTIVITY,
        organisation: ods("QMJ"),
        kind: InputKind::Recommendation,
        summary: "Offer evening appointments".to_owned(),
        themes: vec!["Access".to_owned()],
        raised_by: RaisedBy::Patient,
        raised_on: day("2026-06-02"),
    }]
}

fn record(activity_id: Uuid, summary: &str, themes: &[&str], raised_on: &str) -> InputItemCommand {
    InputItemCommand::Record {
        input_item_id: ITEM,
        activity_id,
        kind: InputKind::Recommendation,
        summary: summary.to_owned(),
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        raised_by: RaisedBy::Patient,
        raised_on: day(raised_on),
    }
}

/// A decision as recorded; `referred_to` and `decided_by` are ODS codes.
fn decision(
    outcome: DecisionOutcome,
    reason: &str,
    referred_to: Option<&str>,
    on: &str,
    by: &str,
) -> Decision {
    Decision {
        outcome,
        reason: reason.to_owned(),
        referred_to: referred_to.map(ods),
        decided_on: day(on),
        decided_by: ods(by),
    }
}

/// A Decide command with the same fields as [`decision`].
fn decide(
    outcome: DecisionOutcome,
    reason: &str,
    referred_to: Option<&str>,
    on: &str,
    by: &str,
) -> InputItemCommand {
    InputItemCommand::Decide {
        outcome,
        reason: reason.to_owned(),
        referred_to: referred_to.map(str::to_owned),
        decided_on: day(on),
        decided_by: by.to_owned(),
    }
}

#[test]
fn records_owned_by_the_activity_lead_with_tidy_themes() {
    given(vec![])
        .when(record(
            ACTIVITY,
            " Offer evening appointments ",
            &[" Access ", "ACCESS", "Transport"],
            "2026-06-02",
        ))
        .then_expect_events(vec![InputItemEvent::InputItemRecorded {
            input_item_id: ITEM,
            activity_id: ACTIVITY,
            organisation: ods("QMJ"),
            kind: InputKind::Recommendation,
            summary: "Offer evening appointments".to_owned(),
            themes: vec!["Access".to_owned(), "Transport".to_owned()],
            raised_by: RaisedBy::Patient,
            raised_on: day("2026-06-02"),
        }]);
}

#[test]
fn refuses_recording_twice() {
    given(recorded())
        .when(record(ACTIVITY, "Again", &[], "2026-06-02"))
        .then_expect_error(InputItemError::AlreadyExists);
}

#[test]
fn refuses_a_missing_summary() {
    given(vec![])
        .when(record(ACTIVITY, " ", &[], "2026-06-02"))
        .then_expect_error(invalid("summary", "is required"));
}

#[test]
fn refuses_a_blank_theme_or_too_many_themes() {
    given(vec![])
        .when(record(ACTIVITY, "Summary", &["Access", " "], "2026-06-02"))
        .then_expect_error(invalid("themes", "each entry must be 1 to 60 characters"));
    let many: Vec<String> = (0..21).map(|n| format!("theme {n}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    given(vec![])
        .when(record(ACTIVITY, "Summary", &many, "2026-06-02"))
        .then_expect_error(invalid("themes", "has 21 entries; the limit is 20"));
}

#[test]
fn refuses_input_raised_in_the_future() {
    given(vec![])
        .when(record(ACTIVITY, "Summary", &[], "2026-07-01"))
        .then_expect_error(invalid("raisedOn", "must not be in the future"));
}

#[test]
fn refuses_an_unknown_or_cancelled_activity() {
    given(vec![])
        .when(record(Uuid::from_u128(0xFF), "Summary", &[], "2026-06-02"))
        .then_expect_error(InputItemError::ActivityNotFound);
    given(vec![])
        .when(record(CANCELLED_ACTIVITY, "Summary", &[], "2026-06-02"))
        .then_expect_error(InputItemError::ActivityCancelled);
}

#[test]
fn reports_a_ledger_that_cannot_be_read() {
    TestFramework::<InputItem>::with(lookups().failing().build())
        .given(vec![])
        .when(record(ACTIVITY, "Summary", &[], "2026-06-02"))
        .then_expect_error(InputItemError::Lookup(LookupFailed));
}

#[test]
fn refusals_map_to_kinds() {
    assert_eq!(invalid("reason", "x").kind(), RefusalKind::Validation);
    assert_eq!(
        InputItemError::ActivityNotFound.kind(),
        RefusalKind::NotFound
    );
    assert_eq!(InputItemError::AlreadyDecided.kind(), RefusalKind::Conflict);
    assert_eq!(InputItemError::NotReferee.kind(), RefusalKind::Forbidden);
    assert_eq!(
        InputItemError::Lookup(LookupFailed).kind(),
        RefusalKind::Internal
    );
}
