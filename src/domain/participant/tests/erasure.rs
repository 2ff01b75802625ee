//! Erasing a participant's data and the record's silence afterwards; state from the events.

use super::*;

fn erase(reason: ErasureReason, on: &str) -> ParticipantCommand {
    ParticipantCommand::Erase {
        reason,
        requested_on: day(on),
    }
}

#[test]
fn erases_on_request_dated_today() {
    given(registered())
        .when(erase(ErasureReason::DataSubjectRequest, "2026-06-20"))
        .then_expect_events(vec![ParticipantEvent::ParticipantErased {
            reason: ErasureReason::DataSubjectRequest,
            requested_on: day("2026-06-20"),
            erased_on: today(),
        }]);
}

#[test]
fn erases_on_a_request_made_on_registration_day_or_today() {
    for on in ["2026-06-01", "2026-06-30"] {
        given(registered())
            .when(erase(ErasureReason::RetentionPeriodEnded, on))
            .then_expect_events(vec![ParticipantEvent::ParticipantErased {
                reason: ErasureReason::RetentionPeriodEnded,
                requested_on: day(on),
                erased_on: today(),
            }]);
    }
}

#[test]
fn refuses_an_erasure_requested_in_the_future() {
    given(registered())
        .when(erase(ErasureReason::Other, "2026-07-01"))
        .then_expect_error(invalid("requestedOn", "must not be in the future"));
}

#[test]
fn refuses_an_erasure_requested_before_registration() {
    given(registered())
        .when(erase(ErasureReason::Other, "2026-05-31"))
        .then_expect_error(invalid(
            "requestedOn",
            "2026-05-31 is before the participant was registered, on 2026-06-01",
        ));
}

#[test]
fn refuses_every_command_after_erasure_including_a_second_erasure() {
    let mut commands = follow_ups();
    commands.push(register(sent_details()));
    commands.push(erase(ErasureReason::DataSubjectRequest, "2026-06-25"));
    commands.push(ParticipantCommand::LinkToActivity {
        activity_id: UNKNOWN,
    });
    for command in commands {
        given(erased())
            .when(command)
            .then_expect_error(ParticipantError::Erased);
    }
    assert_eq!(
        ParticipantError::Erased.to_string(),
        "participant has been erased"
    );
}

#[test]
fn erasure_drops_the_details_held_in_memory() {
    let mut participant = Participant::default();
    for event in erased() {
        participant.apply(event);
    }
    assert!(participant.is_erased());
    assert_eq!(participant.details(), Some(&Sealed::Erased));
    assert_eq!(participant.erased_on(), Some(day("2026-06-20")));
    assert_eq!(participant.status(), Some(ParticipantStatus::Erased));
    assert!(!format!("{participant:?}").contains("Sam Patel"));
    assert!(!serde_json::to_string(&participant)
        .expect("serialisable")
        .contains("Sam Patel"));
    // What is not personal data survives.
    assert_eq!(participant.id(), Some(PERSON));
    assert_eq!(participant.organisation(), Some(&ods("QMJ")));
}

#[test]
fn state_follows_registration() {
    let mut participant = Participant::default();
    assert_eq!(participant.id(), None);
    assert_eq!(participant.status(), None);
    assert_eq!(participant.details(), None);
    for event in registered() {
        participant.apply(event);
    }
    assert_eq!(participant.id(), Some(PERSON));
    assert_eq!(participant.organisation(), Some(&ods("QMJ")));
    assert_eq!(participant.registered_on(), Some(day("2026-06-01")));
    assert_eq!(participant.status(), Some(ParticipantStatus::Active));
    assert_eq!(
        participant.details(),
        Some(&Sealed::Plain(checked_details()))
    );
    assert!(!participant.is_erased());
    assert_eq!(participant.erased_on(), None);
}
