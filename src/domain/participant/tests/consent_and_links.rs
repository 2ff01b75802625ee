//! Recording consent and linking a participant to activities and input items.

use super::*;

fn consent(purpose: ConsentPurpose, given: bool, on: &str) -> ParticipantCommand {
    ParticipantCommand::RecordConsent {
        purpose,
        given,
        on: day(on),
    }
}

fn consented(purpose: ConsentPurpose, given: bool, on: &str) -> ParticipantEvent {
    ParticipantEvent::ConsentRecorded {
        purpose,
        given,
        on: day(on),
    }
}

fn link_activity(activity_id: Uuid) -> ParticipantCommand {
    ParticipantCommand::LinkToActivity { activity_id }
}

fn link_item(input_item_id: Uuid) -> ParticipantCommand {
    ParticipantCommand::LinkToInputItem { input_item_id }
}

/// [`registered`] plus `more`.
fn registered_and(more: Vec<ParticipantEvent>) -> Vec<ParticipantEvent> {
    let mut events = registered();
    events.extend(more);
    events
}

#[test]
fn records_consent_given_or_withdrawn() {
    given(registered())
        .when(consent(ConsentPurpose::FeedbackContact, true, "2026-06-01"))
        .then_expect_events(vec![consented(
            ConsentPurpose::FeedbackContact,
            true,
            "2026-06-01",
        )]);
    given(registered_and(vec![consented(
        ConsentPurpose::QuotesInReports,
        true,
        "2026-06-02",
    )]))
    .when(consent(
        ConsentPurpose::QuotesInReports,
        false,
        "2026-06-30",
    ))
    .then_expect_events(vec![consented(
        ConsentPurpose::QuotesInReports,
        false,
        "2026-06-30",
    )]);
}

#[test]
fn records_a_reconfirmation_of_the_current_consent() {
    given(registered_and(vec![consented(
        ConsentPurpose::BoardMembership,
        true,
        "2026-06-02",
    )]))
    .when(consent(ConsentPurpose::BoardMembership, true, "2026-06-20"))
    .then_expect_events(vec![consented(
        ConsentPurpose::BoardMembership,
        true,
        "2026-06-20",
    )]);
}

#[test]
fn refuses_consent_dated_in_the_future() {
    given(registered())
        .when(consent(ConsentPurpose::FeedbackContact, true, "2026-07-01"))
        .then_expect_error(invalid("on", "must not be in the future"));
}

#[test]
fn refuses_consent_dated_before_registration() {
    given(registered())
        .when(consent(ConsentPurpose::FeedbackContact, true, "2026-05-31"))
        .then_expect_error(invalid(
            "on",
            "2026-05-31 is before the participant was registered, on 2026-06-01",
        ));
}

#[test]
fn consent_follows_the_latest_event_per_purpose() {
    let mut participant = Participant::default();
    let history = [
        (ConsentPurpose::FeedbackContact, true, day("2026-06-02")),
        (ConsentPurpose::QuotesInReports, true, day("2026-06-03")),
        (ConsentPurpose::FeedbackContact, false, day("2026-06-04")),
    ];
    for event in registered() {
        participant.apply(event);
    }
    assert_eq!(participant.consent(ConsentPurpose::FeedbackContact), None);
    for (purpose, given, on) in history {
        participant.apply(ParticipantEvent::ConsentRecorded { purpose, given, on });
    }
    assert_eq!(
        participant.consent(ConsentPurpose::FeedbackContact),
        Some(false)
    );
    assert_eq!(
        participant.consent(ConsentPurpose::QuotesInReports),
        Some(true)
    );
    assert_eq!(participant.consent(ConsentPurpose::BoardMembership), None);
    assert_eq!(participant.consent_history(), history);
}

#[test]
fn links_to_an_activity_led_or_partnered_by_the_organisation() {
    for activity_id in [LED, PARTNERED] {
        given(registered())
            .when(link_activity(activity_id))
            .then_expect_events(vec![ParticipantEvent::LinkedToActivity { activity_id }]);
    }
}

#[test]
fn refuses_linking_an_unknown_activity() {
    given(registered())
        .when(link_activity(UNKNOWN))
        .then_expect_error(ParticipantError::ActivityNotFound);
    assert_eq!(
        ParticipantError::ActivityNotFound.to_string(),
        "activityId: activity not found"
    );
}

#[test]
fn refuses_linking_another_organisations_activity() {
    given(registered())
        .when(link_activity(FOREIGN_ACTIVITY))
        .then_expect_error(ParticipantError::ActivityNotOurs);
    assert_eq!(
        ParticipantError::ActivityNotOurs.to_string(),
        "activityId: belongs to another organisation"
    );
}

#[test]
fn refuses_linking_an_activity_twice() {
    given(registered_and(vec![ParticipantEvent::LinkedToActivity {
        activity_id: LED,
    }]))
    .when(link_activity(LED))
    .then_expect_error(ParticipantError::ActivityAlreadyLinked);
    assert_eq!(
        ParticipantError::ActivityAlreadyLinked.to_string(),
        "activityId: already linked"
    );
}

#[test]
fn links_to_an_input_item_owned_by_or_referred_to_the_organisation() {
    for input_item_id in [OWN_ITEM, REFERRED_IN] {
        given(registered())
            .when(link_item(input_item_id))
            .then_expect_events(vec![ParticipantEvent::LinkedToInputItem { input_item_id }]);
    }
}

#[test]
fn refuses_linking_an_unknown_input_item() {
    given(registered())
        .when(link_item(UNKNOWN))
        .then_expect_error(ParticipantError::InputItemNotFound);
    assert_eq!(
        ParticipantError::InputItemNotFound.to_string(),
        "inputItemId: input item not found"
    );
}

#[test]
fn refuses_linking_another_organisations_input_item() {
    given(registered())
        .when(link_item(FOREIGN_ITEM))
        .then_expect_error(ParticipantError::InputItemNotOurs);
}

#[test]
fn refuses_linking_an_input_item_twice() {
    given(registered_and(vec![ParticipantEvent::LinkedToInputItem {
        input_item_id: REFERRED_IN,
    }]))
    .when(link_item(REFERRED_IN))
    .then_expect_error(ParticipantError::InputItemAlreadyLinked);
    assert_eq!(
        ParticipantError::InputItemAlreadyLinked.to_string(),
        "inputItemId: already linked"
    );
}

#[test]
fn links_follow_the_events() {
    let mut participant = Participant::default();
    let events = registered_and(vec![
        ParticipantEvent::LinkedToActivity {
            activity_id: PARTNERED,
        },
        ParticipantEvent::LinkedToInputItem {
            input_item_id: OWN_ITEM,
        },
        ParticipantEvent::LinkedToActivity { activity_id: LED },
    ]);
    for event in events {
        participant.apply(event);
    }
    assert_eq!(participant.activities(), [PARTNERED, LED]);
    assert_eq!(participant.input_items(), [OWN_ITEM]);
}
