//! Postponing and cancelling a meeting not yet held.

use super::*;

fn postpone(to: &str, on: &str, reason: &str) -> BoardMeetingCommand {
    BoardMeetingCommand::Postpone {
        scheduled_for: day(to),
        postponed_on: day(on),
        reason: reason.to_owned(),
    }
}

fn cancel(on: &str, reason: &str) -> BoardMeetingCommand {
    BoardMeetingCommand::Cancel {
        cancelled_on: day(on),
        reason: reason.to_owned(),
    }
}

fn cancelled() -> Vec<BoardMeetingEvent> {
    let mut events = scheduled();
    events.push(BoardMeetingEvent::MeetingCancelled {
        cancelled_on: day("2026-06-01"),
        reason: "Not quorate".to_owned(),
    });
    events
}

#[test]
fn postpones_to_a_later_day_with_the_reason() {
    given(scheduled())
        .when(postpone("2026-06-24", "2026-06-03", " Chair unwell "))
        .then_expect_events(vec![BoardMeetingEvent::MeetingPostponed {
            scheduled_for: day("2026-06-24"),
            postponed_on: day("2026-06-03"),
            reason: "Chair unwell".to_owned(),
        }]);
}

#[test]
fn refuses_a_postponement_that_is_not_later_naming_both_days_and_every_fault() {
    given(scheduled())
        .when(postpone("2026-06-10", "2026-07-01", ""))
        .then_expect_error(BoardMeetingError::Invalid(
            FieldError::new(
                "scheduledFor",
                "2026-06-10 is not after the day it is scheduled for, 2026-06-10",
            )
            .and(FieldError::new("postponedOn", "must not be in the future"))
            .and(FieldError::new("reason", "is required")),
        ));
    given(held())
        .when(postpone("2026-06-24", "2026-06-03", "Too late"))
        .then_expect_error(BoardMeetingError::AlreadyHeld);
}

#[test]
fn cancels_a_meeting_not_yet_held_and_then_records_nothing_more_of_it() {
    given(scheduled())
        .when(cancel("2026-06-01", "Not quorate"))
        .then_expect_events(vec![BoardMeetingEvent::MeetingCancelled {
            cancelled_on: day("2026-06-01"),
            reason: "Not quorate".to_owned(),
        }]);
    given(held())
        .when(cancel("2026-06-11", "After the event"))
        .then_expect_error(BoardMeetingError::AlreadyHeld);
    for command in [
        papers("2026-06-03"),
        record_held("2026-06-10", &[SEATED]),
        postpone("2026-06-24", "2026-06-03", "Moved"),
        cancel("2026-06-02", "Again"),
    ] {
        given(cancelled())
            .when(command)
            .then_expect_error(BoardMeetingError::Cancelled);
    }
    assert_eq!(BoardMeetingError::Cancelled.kind(), RefusalKind::Conflict);
}

#[test]
fn a_postponed_meeting_is_held_on_its_new_day() {
    let mut meeting = BoardMeeting::default();
    let mut events = scheduled();
    events.push(BoardMeetingEvent::MeetingPostponed {
        scheduled_for: day("2026-06-24"),
        postponed_on: day("2026-06-03"),
        reason: "Chair unwell".to_owned(),
    });
    for event in events {
        meeting.apply(event);
    }
    assert_eq!(meeting.scheduled_for(), Some(day("2026-06-24")));
    assert!(!meeting.is_cancelled());
}
