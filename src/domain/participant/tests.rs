//! Given/when/then tests of the `Participant` aggregate: shared fixtures, registering and
//! commands before registration here, the later steps in submodules.

mod consent_and_links;
mod details;
mod erasure;

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use uuid::Uuid;

use super::*;
use crate::domain::common::FieldError;
use crate::domain::sealed::Sealed;
use crate::domain::services::{ActivityFacts, InputItemFacts, LookupFailed};
use crate::domain::testing::{day, ods, today, FakeLookups};
use crate::domain::{Refusal, RefusalKind};

const PERSON: Uuid = Uuid::from_u128(0x9E);
/// Led by QMJ.
const LED: Uuid = Uuid::from_u128(0xA1);
/// Led by R1K with QMJ as partner.
const PARTNERED: Uuid = Uuid::from_u128(0xA2);
/// Led by R1K with A81001 as partner.
const FOREIGN_ACTIVITY: Uuid = Uuid::from_u128(0xA3);
/// Owned by QMJ.
const OWN_ITEM: Uuid = Uuid::from_u128(0x11);
/// Owned by A81001, currently referred to QMJ.
const REFERRED_IN: Uuid = Uuid::from_u128(0x12);
/// Owned by A81001, referred to R1K.
const FOREIGN_ITEM: Uuid = Uuid::from_u128(0x13);
/// Known to no lookup.
const UNKNOWN: Uuid = Uuid::from_u128(0xFF);

fn activity(id: Uuid, lead: &str, partners: &[&str]) -> ActivityFacts {
    ActivityFacts {
        id,
        lead_organisation: ods(lead),
        partner_organisations: partners.iter().map(|p| ods(p)).collect(),
        planned_on: day("2026-06-01"),
        cancelled: false,
    }
}

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
        .with_activity(activity(LED, "QMJ", &[]))
        .with_activity(activity(PARTNERED, "R1K", &["QMJ"]))
        .with_activity(activity(FOREIGN_ACTIVITY, "R1K", &["A81001"]))
        .with_input_item(item(OWN_ITEM, "QMJ", None))
        .with_input_item(item(REFERRED_IN, "A81001", Some("QMJ")))
        .with_input_item(item(FOREIGN_ITEM, "A81001", Some("R1K")))
}

fn given(events: Vec<ParticipantEvent>) -> AggregateTestExecutor<Participant> {
    TestFramework::with(lookups().build()).given(events)
}

fn invalid(field: &'static str, problem: &str) -> ParticipantError {
    ParticipantError::Invalid(FieldError::new(field, problem))
}

/// Details as a user might send them: padded, with blank optional text.
fn sent_details() -> PersonalDetails {
    PersonalDetails {
        display_name: " Sam Patel ".to_owned(),
        email: Some(" sam.patel@example.org ".to_owned()),
        phone: Some(" +44 (0)20 7946-0000 ".to_owned()),
        postal_address: Some("   ".to_owned()),
        self_description: SelfDescription {
            age_band: Some(" 45-54 ".to_owned()),
            sex: Some(String::new()),
            ethnic_group: None,
            disability: Some("None".to_owned()),
        },
    }
}

/// [`sent_details`] as checked: trimmed, blank optional text dropped.
fn checked_details() -> PersonalDetails {
    PersonalDetails {
        display_name: "Sam Patel".to_owned(),
        email: Some("sam.patel@example.org".to_owned()),
        phone: Some("+44 (0)20 7946-0000".to_owned()),
        postal_address: None,
        self_description: SelfDescription {
            age_band: Some("45-54".to_owned()),
            sex: None,
            ethnic_group: None,
            disability: Some("None".to_owned()),
        },
    }
}

/// Details with only the required name.
fn name_only(name: &str) -> PersonalDetails {
    PersonalDetails {
        display_name: name.to_owned(),
        ..PersonalDetails::default()
    }
}

/// Registered with QMJ on 2026-06-01.
fn registered() -> Vec<ParticipantEvent> {
    vec![ParticipantEvent::ParticipantRegistered {
        participant_id: PERSON,
        organisation: ods("QMJ"),
        details: Sealed::Plain(checked_details()),
        registered_on: day("2026-06-01"),
    }]
}

/// [`registered`], then erased on request on 2026-06-20.
fn erased() -> Vec<ParticipantEvent> {
    let mut events = registered();
    events.push(ParticipantEvent::ParticipantErased {
        reason: ErasureReason::DataSubjectRequest,
        requested_on: day("2026-06-20"),
        erased_on: day("2026-06-20"),
    });
    events
}

fn register_with(organisation: &str, details: PersonalDetails, on: &str) -> ParticipantCommand {
    ParticipantCommand::Register {
        participant_id: PERSON,
        organisation: organisation.to_owned(),
        details,
        registered_on: day(on),
    }
}

fn register(details: PersonalDetails) -> ParticipantCommand {
    register_with("QMJ", details, "2026-06-01")
}

/// One of every command other than Register, each valid for [`registered`].
fn follow_ups() -> Vec<ParticipantCommand> {
    vec![
        ParticipantCommand::UpdateDetails {
            details: name_only("Sam"),
            updated_on: day("2026-06-25"),
        },
        ParticipantCommand::RecordConsent {
            purpose: ConsentPurpose::FeedbackContact,
            given: true,
            on: day("2026-06-25"),
        },
        ParticipantCommand::LinkToActivity { activity_id: LED },
        ParticipantCommand::LinkToInputItem {
            input_item_id: OWN_ITEM,
        },
        ParticipantCommand::Erase {
            reason: ErasureReason::ConsentWithdrawn,
            requested_on: day("2026-06-25"),
        },
    ]
}

#[test]
fn registers_with_checked_details_sealed_plain() {
    given(vec![])
        .when(register_with("qmj", sent_details(), "2026-06-01"))
        .then_expect_events(registered());
}

#[test]
fn registers_on_today() {
    given(vec![])
        .when(register_with("R1K", name_only("Sam"), "2026-06-30"))
        .then_expect_events(vec![ParticipantEvent::ParticipantRegistered {
            participant_id: PERSON,
            organisation: ods("R1K"),
            details: Sealed::Plain(name_only("Sam")),
            registered_on: today(),
        }]);
}

#[test]
fn refuses_registering_twice() {
    given(registered())
        .when(register(sent_details()))
        .then_expect_error(ParticipantError::AlreadyRegistered);
}

#[test]
fn refuses_a_malformed_organisation() {
    given(vec![])
        .when(register_with("Q-J", sent_details(), "2026-06-01"))
        .then_expect_error(invalid(
            "organisation",
            "must be an ODS code of 3 to 10 letters and digits",
        ));
}

#[test]
fn refuses_an_unregistered_organisation() {
    given(vec![])
        .when(register_with("RRV", sent_details(), "2026-06-01"))
        .then_expect_error(ParticipantError::OrganisationNotFound);
}

#[test]
fn refuses_a_registration_in_the_future() {
    given(vec![])
        .when(register_with("QMJ", sent_details(), "2026-07-01"))
        .then_expect_error(invalid("registeredOn", "must not be in the future"));
}

#[test]
fn reports_a_ledger_that_cannot_be_read() {
    let failing = || TestFramework::<Participant>::with(lookups().failing().build());
    failing()
        .given(vec![])
        .when(register(sent_details()))
        .then_expect_error(ParticipantError::Lookup(LookupFailed));
    failing()
        .given(registered())
        .when(ParticipantCommand::LinkToActivity { activity_id: LED })
        .then_expect_error(ParticipantError::Lookup(LookupFailed));
    failing()
        .given(registered())
        .when(ParticipantCommand::LinkToInputItem {
            input_item_id: OWN_ITEM,
        })
        .then_expect_error(ParticipantError::Lookup(LookupFailed));
}

#[test]
fn refuses_every_other_command_before_registration() {
    for command in follow_ups() {
        given(vec![])
            .when(command)
            .then_expect_error(ParticipantError::NotFound);
    }
    assert_eq!(
        ParticipantError::NotFound.to_string(),
        "participant not found"
    );
}

#[test]
fn follow_ups_succeed_once_registered() {
    // The fixture commands are valid, so the refusals above are about state alone.
    for command in follow_ups() {
        let events = given(registered())
            .when(command)
            .inspect_result()
            .expect("valid follow-up");
        assert_eq!(events.len(), 1);
    }
}

#[test]
fn refusals_map_to_kinds() {
    let cases = [
        (invalid("email", "x"), RefusalKind::Validation),
        (ParticipantError::NotFound, RefusalKind::NotFound),
        (
            ParticipantError::OrganisationNotFound,
            RefusalKind::NotFound,
        ),
        (ParticipantError::ActivityNotFound, RefusalKind::NotFound),
        (ParticipantError::InputItemNotFound, RefusalKind::NotFound),
        (ParticipantError::ActivityNotOurs, RefusalKind::Forbidden),
        (ParticipantError::InputItemNotOurs, RefusalKind::Forbidden),
        (ParticipantError::AlreadyRegistered, RefusalKind::Conflict),
        (ParticipantError::Erased, RefusalKind::Conflict),
        (
            ParticipantError::ActivityAlreadyLinked,
            RefusalKind::Conflict,
        ),
        (
            ParticipantError::InputItemAlreadyLinked,
            RefusalKind::Conflict,
        ),
        (
            ParticipantError::Lookup(LookupFailed),
            RefusalKind::Internal,
        ),
    ];
    for (error, kind) in cases {
        assert_eq!(error.kind(), kind, "{error}");
    }
}
