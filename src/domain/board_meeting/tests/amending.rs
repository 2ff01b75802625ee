//! Amending a meeting's day, what holding it recorded, and a decision's citations.

use super::*;
use crate::domain::correction::{Correction, CorrectionCategory};
use crate::domain::testing::because;

fn reason() -> Correction {
    because(
        CorrectionCategory::WrongDetail,
        "Checked against the minutes",
    )
}

fn amend(changes: MeetingChanges) -> BoardMeetingCommand {
    BoardMeetingCommand::Amend {
        changes,
        correction: reason(),
    }
}

fn amended(changes: MeetingChanges) -> Vec<BoardMeetingEvent> {
    vec![BoardMeetingEvent::MeetingAmended {
        changes,
        correction: reason(),
    }]
}

fn held_on(on: &str) -> MeetingChanges {
    MeetingChanges {
        held_on: Some(day(on)),
        ..MeetingChanges::default()
    }
}

fn scheduled_for(on: &str) -> MeetingChanges {
    MeetingChanges {
        scheduled_for: Some(day(on)),
        ..MeetingChanges::default()
    }
}

fn citing(items: Option<Vec<Uuid>>, actions: Option<Vec<Uuid>>) -> MeetingChanges {
    MeetingChanges {
        decision: Some(DecisionCitations {
            decision_id: DECISION,
            cited_input_items: items,
            cited_actions: actions,
        }),
        ..MeetingChanges::default()
    }
}

/// [`held`], with a decision citing [`ITEM`].
fn decided() -> Vec<BoardMeetingEvent> {
    let mut events = held();
    events.push(BoardMeetingEvent::DecisionRecorded(decision(
        vec![ITEM],
        vec![],
    )));
    events
}

/// [`scheduled`], then postponed from 2026-06-10 to 2026-06-20.
fn postponed() -> Vec<BoardMeetingEvent> {
    let mut events = scheduled();
    events.push(BoardMeetingEvent::MeetingPostponed {
        scheduled_for: day("2026-06-20"),
        postponed_on: day("2026-06-01"),
        reason: "Chair unwell".to_owned(),
    });
    events
}

#[test]
fn amends_what_holding_the_meeting_recorded() {
    given(held())
        .when(amend(MeetingChanges {
            held_on: Some(day("2026-06-09")),
            attended: Some(vec![SEATED, SEATED_TOO]),
            quorate: Some(false),
            // The same as recorded: not a change.
            scheduled_for: Some(day("2026-06-10")),
            papers_issued_on: None,
            decision: None,
        }))
        .then_expect_events(amended(MeetingChanges {
            held_on: Some(day("2026-06-09")),
            attended: Some(vec![SEATED, SEATED_TOO]),
            quorate: Some(false),
            ..MeetingChanges::default()
        }));
}

#[test]
fn amends_a_decisions_citations_keeping_each_once() {
    given(decided())
        .when(amend(citing(Some(vec![]), Some(vec![ACTION, ACTION]))))
        .then_expect_events(amended(citing(Some(vec![]), Some(vec![ACTION]))));
    // A list the same as recorded is no change.
    given(decided())
        .when(amend(citing(Some(vec![ITEM, ITEM]), Some(vec![ACTION]))))
        .then_expect_events(amended(citing(None, Some(vec![ACTION]))));
}

#[test]
fn refuses_an_amendment_that_changes_nothing() {
    given(decided())
        .when(amend(MeetingChanges {
            quorate: Some(true),
            ..citing(Some(vec![ITEM]), None)
        }))
        .then_expect_error(invalid(
            "changes",
            "changes nothing: name at least one field with a value different from the record's",
        ));
}

#[test]
fn refuses_a_decision_the_meeting_did_not_record() {
    given(held())
        .when(amend(citing(Some(vec![ITEM]), None)))
        .then_expect_error(BoardMeetingError::DecisionNotFound);
}

#[test]
fn refuses_citations_of_records_that_do_not_exist() {
    let unknown = Uuid::from_u128(0x999);
    given(decided())
        .when(amend(citing(Some(vec![ITEM, unknown]), None)))
        .then_expect_error(BoardMeetingError::InputItemNotFound { index: 1 });
    given(decided())
        .when(amend(citing(None, Some(vec![unknown]))))
        .then_expect_error(BoardMeetingError::ActionNotFound { index: 0 });
}

#[test]
fn refuses_holding_facts_of_a_meeting_not_held() {
    given(scheduled())
        .when(amend(held_on("2026-06-10")))
        .then_expect_error(BoardMeetingError::NotHeld);
    given(scheduled())
        .when(amend(MeetingChanges {
            quorate: Some(false),
            ..MeetingChanges::default()
        }))
        .then_expect_error(BoardMeetingError::NotHeld);
}

#[test]
fn refuses_a_held_day_in_the_future_with_no_reason_together() {
    let faults = FieldError::new("heldOn", "must not be in the future")
        .and(FieldError::new("reason.detail", "is required"));
    given(held())
        .when(BoardMeetingCommand::Amend {
            changes: held_on("2026-07-01"),
            correction: because(CorrectionCategory::WrongDate, " "),
        })
        .then_expect_error(BoardMeetingError::Invalid(faults));
}

#[test]
fn attendance_must_fit_the_corrected_day() {
    // SEATED's term starts on 2026-01-01.
    given(held())
        .when(amend(held_on("2025-12-31")))
        .then_expect_error(BoardMeetingError::AttendeeNotSeated { index: 0 });
    // NOT_YET's term starts on 2026-07-01.
    given(held())
        .when(amend(MeetingChanges {
            attended: Some(vec![SEATED, NOT_YET]),
            ..MeetingChanges::default()
        }))
        .then_expect_error(BoardMeetingError::AttendeeNotSeated { index: 1 });
    given(held())
        .when(amend(MeetingChanges {
            attended: Some(vec![SEATED, SEATED]),
            ..MeetingChanges::default()
        }))
        .then_expect_error(BoardMeetingError::DuplicateAttendee { index: 1 });
}

#[test]
fn the_day_of_a_meeting_not_held_may_be_put_right() {
    given(scheduled())
        .when(amend(scheduled_for("2026-06-03")))
        .then_expect_events(amended(scheduled_for("2026-06-03")));
    // A cancelled meeting's too: a correction records nothing new.
    let mut cancelled = scheduled();
    cancelled.push(BoardMeetingEvent::MeetingCancelled {
        cancelled_on: day("2026-06-01"),
        reason: "No papers".to_owned(),
    });
    given(cancelled)
        .when(amend(scheduled_for("2026-06-03")))
        .then_expect_events(amended(scheduled_for("2026-06-03")));
}

#[test]
fn a_postponed_day_must_still_follow_the_day_it_moved_from() {
    given(postponed())
        .when(amend(scheduled_for("2026-06-10")))
        .then_expect_error(invalid(
            "scheduledFor",
            "2026-06-10 is not after the day the meeting was postponed from, 2026-06-10",
        ));
    given(postponed())
        .when(amend(scheduled_for("2026-06-18")))
        .then_expect_events(amended(scheduled_for("2026-06-18")));
}

#[test]
fn refuses_amending_a_meeting_never_scheduled() {
    given(vec![])
        .when(amend(scheduled_for("2026-06-03")))
        .then_expect_error(BoardMeetingError::NotFound);
}

#[test]
fn state_takes_the_corrected_facts() {
    let mut meeting = BoardMeeting::default();
    for event in decided() {
        meeting.apply(event);
    }
    meeting.apply(BoardMeetingEvent::MeetingAmended {
        changes: MeetingChanges {
            held_on: Some(day("2026-06-09")),
            attended: Some(vec![SEATED_TOO]),
            quorate: Some(false),
            ..citing(Some(vec![]), Some(vec![ACTION]))
        },
        correction: reason(),
    });
    assert_eq!(meeting.held_on(), Some(day("2026-06-09")));
    assert_eq!(meeting.attended(), [SEATED_TOO]);
    assert_eq!(meeting.quorate(), Some(false));
    // What the decision now cites is checked against when it is amended again.
    let again = citing(Some(vec![]), Some(vec![ACTION]));
    assert_eq!(
        meeting
            .citations_differing(again.decision)
            .map(|d| d.is_some()),
        Ok(false)
    );
    assert_eq!(
        BoardMeetingError::DecisionNotFound.to_string(),
        "decision.decisionId: no such decision was recorded at this meeting"
    );
}

#[test]
fn amends_the_day_the_papers_went_out_once_recorded() {
    let papers = |on: &str| MeetingChanges {
        papers_issued_on: Some(day(on)),
        ..MeetingChanges::default()
    };
    given(scheduled())
        .when(amend(papers("2026-06-01")))
        .then_expect_error(BoardMeetingError::Invalid(FieldError::new(
            "papersIssuedOn",
            "no papers have been recorded as issued; record them instead",
        )));
    let mut issued = scheduled();
    issued.push(BoardMeetingEvent::PapersIssued {
        issued_on: day("2026-06-05"),
    });
    given(issued.clone())
        .when(amend(papers("2026-06-02")))
        .then_expect_events(amended(papers("2026-06-02")));
    given(issued)
        .when(amend(papers("2026-07-02")))
        .then_expect_error(BoardMeetingError::Invalid(FieldError::new(
            "papersIssuedOn",
            "must not be in the future",
        )));
}
