//! Given/when/then tests of the `Activity` aggregate: planning here, the rest in submodules.

mod closing;
mod correcting;
mod lifecycle;

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::domain::common::{ActivityKind, FieldError, Principle};
use crate::domain::services::{ActivityFacts, LookupFailed};
use crate::domain::testing::{day, ods, FakeLookups};
use crate::domain::{Refusal, RefusalKind};

const ACTIVITY: Uuid = Uuid::from_u128(0xA1);

fn lookups() -> FakeLookups {
    FakeLookups::new()
        .with_organisation("QMJ")
        .with_organisation("R1K")
        .with_organisation("A81001")
}

/// An activity planned for 2026-06-01, led by QMJ with R1K as partner.
fn planned() -> Vec<ActivityEvent> {
    vec![ActivityEvent::ActivityPlanned {
        activity_id: ACTIVITY,
        kind: ActivityKind::FocusGroup,
        title: "Discharge focus group".to_owned(),
        topic: "Hospital discharge".to_owned(),
        lead_organisation: ods("QMJ"),
        partner_organisations: vec![ods("R1K")],
        principles: vec![Principle::Equals],
        planned_on: day("2026-06-01"),
    }]
}

fn given(events: Vec<ActivityEvent>) -> AggregateTestExecutor<Activity> {
    TestFramework::with(lookups().build()).given(events)
}

fn invalid(field: &'static str, problem: &str) -> ActivityError {
    ActivityError::Invalid(FieldError::new(field, problem))
}

fn plan(lead: &str, partners: &[&str]) -> ActivityCommand {
    plan_titled(
        " Discharge focus group ",
        "Hospital discharge",
        lead,
        partners,
    )
}

fn plan_titled(title: &str, topic: &str, lead: &str, partners: &[&str]) -> ActivityCommand {
    ActivityCommand::Plan {
        activity_id: ACTIVITY,
        kind: ActivityKind::FocusGroup,
        title: title.to_owned(),
        topic: topic.to_owned(),
        lead_organisation: lead.to_owned(),
        partner_organisations: partners.iter().map(|p| (*p).to_owned()).collect(),
        principles: vec![Principle::Equals, Principle::Informed, Principle::Equals],
        planned_on: day("2026-09-01"),
    }
}

#[test]
fn plans_with_trimmed_title_and_deduplicated_partners_and_principles() {
    given(vec![])
        .when(plan("qmj", &["r1k", "A81001", "R1K"]))
        .then_expect_events(vec![ActivityEvent::ActivityPlanned {
            activity_id: ACTIVITY,
            kind: ActivityKind::FocusGroup,
            title: "Discharge focus group".to_owned(),
            topic: "Hospital discharge".to_owned(),
            lead_organisation: ods("QMJ"),
            partner_organisations: vec![ods("R1K"), ods("A81001")],
            principles: vec![Principle::Equals, Principle::Informed],
            planned_on: day("2026-09-01"),
        }]);
}

#[test]
fn refuses_planning_twice() {
    given(planned())
        .when(plan("QMJ", &[]))
        .then_expect_error(ActivityError::AlreadyExists);
}

#[test]
fn refuses_a_missing_title() {
    given(vec![])
        .when(plan_titled(" ", "Hospital discharge", "QMJ", &[]))
        .then_expect_error(invalid("title", "is required"));
}

#[test]
fn refuses_a_missing_topic() {
    given(vec![])
        .when(plan_titled("Discharge focus group", "", "QMJ", &[]))
        .then_expect_error(invalid("topic", "is required"));
}

#[test]
fn refuses_a_malformed_lead_code() {
    given(vec![])
        .when(plan("Q", &[]))
        .then_expect_error(invalid(
            "leadOrganisation",
            "must be an ODS code of 3 to 10 letters and digits",
        ));
}

#[test]
fn refuses_the_lead_as_a_partner() {
    given(vec![])
        .when(plan("QMJ", &["R1K", "qmj"]))
        .then_expect_error(invalid(
            "partnerOrganisations",
            "must not include the lead organisation",
        ));
}

#[test]
fn refuses_more_than_twenty_partners() {
    let partners: Vec<String> = (0..21).map(|n| format!("P{n:03}")).collect();
    let partners: Vec<&str> = partners.iter().map(String::as_str).collect();
    given(vec![])
        .when(plan("QMJ", &partners))
        .then_expect_error(invalid(
            "partnerOrganisations",
            "has 21 entries; the limit is 20",
        ));
}

#[test]
fn refuses_an_unregistered_lead() {
    given(vec![])
        .when(plan("RRV", &["R1K"]))
        .then_expect_error(ActivityError::LeadOrganisationNotFound);
}

#[test]
fn refuses_an_unregistered_partner_naming_its_position() {
    given(vec![])
        .when(plan("QMJ", &["R1K", "R1K", "RRV"]))
        .then_expect_error(ActivityError::PartnerOrganisationNotFound { index: 2 });
}

#[test]
fn reports_a_ledger_that_cannot_be_read() {
    TestFramework::<Activity>::with(lookups().failing().build())
        .given(vec![])
        .when(plan("QMJ", &[]))
        .then_expect_error(ActivityError::Lookup(LookupFailed));
}

#[test]
fn facts_follow_the_events() {
    let mut activity = Activity::default();
    assert_eq!(activity.facts(), None);
    for event in planned() {
        activity.apply(event);
    }
    activity.apply(ActivityEvent::ActivityCancelled {
        cancelled_on: day("2026-05-20"),
        reason: String::new(),
    });
    assert_eq!(
        activity.facts(),
        Some(ActivityFacts {
            id: ACTIVITY,
            lead_organisation: ods("QMJ"),
            partner_organisations: vec![ods("R1K")],
            planned_on: day("2026-06-01"),
            cancelled: true,
        })
    );
    assert_eq!(activity.lead_organisation(), Some(&ods("QMJ")));
    assert!(activity.is_cancelled());
}

#[test]
fn refusals_map_to_kinds() {
    assert_eq!(invalid("title", "x").kind(), RefusalKind::Validation);
    assert_eq!(ActivityError::NotFound.kind(), RefusalKind::NotFound);
    assert_eq!(
        ActivityError::PartnerOrganisationNotFound { index: 0 }.kind(),
        RefusalKind::NotFound
    );
    assert_eq!(ActivityError::Cancelled.kind(), RefusalKind::Conflict);
    assert_eq!(
        ActivityError::Lookup(LookupFailed).kind(),
        RefusalKind::Internal
    );
    assert_eq!(
        ActivityError::PartnerOrganisationNotFound { index: 2 }.to_string(),
        "partnerOrganisations[2]: organisation not found"
    );
}
