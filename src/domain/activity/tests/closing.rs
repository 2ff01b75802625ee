//! Activity commands after holding or instead of it: reports, feedback and cancelling.

use super::lifecycle::{cancel, cancelled, feedback, held, hold, publish_information, report};
use super::*;
use crate::domain::common::{AccessibleFormat, DemographicSnapshot, FeedbackChannel};

#[test]
fn publishes_a_report() {
    given(held())
        .when(report("2026-06-20", " What we heard "))
        .then_expect_events(vec![ActivityEvent::ReportPublished {
            published_on: day("2026-06-20"),
            summary: "What we heard".to_owned(),
        }]);
}

#[test]
fn refuses_a_report_before_holding() {
    given(planned())
        .when(report("2026-06-20", "What we heard"))
        .then_expect_error(ActivityError::NotHeld);
}

#[test]
fn refuses_a_report_without_summary() {
    given(held())
        .when(report("2026-06-20", ""))
        .then_expect_error(invalid("summary", "is required"));
}

#[test]
fn refuses_a_report_dated_before_holding_or_in_the_future() {
    given(held())
        .when(report("2026-06-01", "What we heard"))
        .then_expect_error(invalid(
            "publishedOn",
            "2026-06-01 is before the activity was held, on 2026-06-02",
        ));
    given(held())
        .when(report("2026-07-01", "What we heard"))
        .then_expect_error(invalid("publishedOn", "must not be in the future"));
}

#[test]
fn cancels_before_holding() {
    given(planned())
        .when(cancel("2026-05-20"))
        .then_expect_events(cancelled()[1..].to_vec());
}

#[test]
fn refuses_cancelling_after_holding() {
    given(held())
        .when(cancel("2026-06-03"))
        .then_expect_error(ActivityError::WasHeld);
}

#[test]
fn refuses_cancelling_in_the_future() {
    given(planned())
        .when(cancel("2026-07-01"))
        .then_expect_error(invalid("cancelledOn", "must not be in the future"));
}

#[test]
fn refuses_everything_once_cancelled() {
    let commands = [
        publish_information("2026-05-15"),
        hold("2026-06-01", DemographicSnapshot::default(), false),
        report("2026-06-20", "What we heard"),
        cancel("2026-05-21"),
        feedback("2026-06-20", "You said, we did"),
    ];
    for command in commands {
        given(cancelled())
            .when(command)
            .then_expect_error(ActivityError::Cancelled);
    }
}

#[test]
fn gives_feedback() {
    given(held())
        .when(feedback("2026-06-29", " You said, we did "))
        .then_expect_events(vec![ActivityEvent::ActivityFeedbackGiven {
            given_on: day("2026-06-29"),
            channel: FeedbackChannel::Newsletter,
            summary: "You said, we did".to_owned(),
        }]);
}

#[test]
fn refuses_feedback_before_holding() {
    given(planned())
        .when(feedback("2026-06-29", "You said, we did"))
        .then_expect_error(ActivityError::NotHeld);
}

#[test]
fn refuses_feedback_without_summary() {
    given(held())
        .when(feedback("2026-06-29", "  "))
        .then_expect_error(invalid("summary", "is required"));
}

#[test]
fn refuses_feedback_dated_before_holding_or_in_the_future() {
    given(held())
        .when(feedback("2026-06-01", "You said, we did"))
        .then_expect_error(invalid(
            "givenOn",
            "2026-06-01 is before the activity was held, on 2026-06-02",
        ));
    given(held())
        .when(feedback("2026-07-01", "You said, we did"))
        .then_expect_error(invalid("givenOn", "must not be in the future"));
}

#[test]
fn information_history_and_formats_accumulate() {
    let mut activity = Activity::default();
    let mut events = planned();
    events.push(ActivityEvent::InformationPublished {
        published_on: day("2026-05-01"),
        accessible_formats: vec![AccessibleFormat::LargePrint, AccessibleFormat::Audio],
    });
    events.push(ActivityEvent::InformationPublished {
        published_on: day("2026-05-15"),
        accessible_formats: vec![AccessibleFormat::Audio, AccessibleFormat::Braille],
    });
    events.extend(held()[1..].to_vec());
    for event in events {
        activity.apply(event);
    }
    assert_eq!(
        activity.information_published_on(),
        [day("2026-05-01"), day("2026-05-15")]
    );
    assert_eq!(
        activity.accessible_formats(),
        [
            AccessibleFormat::LargePrint,
            AccessibleFormat::Audio,
            AccessibleFormat::Braille
        ]
    );
    assert_eq!(activity.held_on(), Some(day("2026-06-02")));
    assert!(!activity.is_cancelled());
}

#[test]
fn refuses_cancelling_without_a_reason() {
    given(planned())
        .when(ActivityCommand::Cancel {
            cancelled_on: day("2026-05-20"),
            reason: "  ".to_owned(),
        })
        .then_expect_error(invalid("reason", "is required"));
}

#[test]
fn goes_on_the_public_page_and_comes_off_it_with_a_reason() {
    given(held())
        .when(ActivityCommand::Publish)
        .then_expect_events(vec![ActivityEvent::ActivityPublished {}]);
    let mut published = held();
    published.push(ActivityEvent::ActivityPublished {});
    given(published.clone())
        .when(ActivityCommand::Publish)
        .then_expect_error(ActivityError::AlreadyPublished);
    given(published.clone())
        .when(ActivityCommand::Unpublish {
            reason: "  ".to_owned(),
        })
        .then_expect_error(invalid("reason", "is required"));
    given(published)
        .when(ActivityCommand::Unpublish {
            reason: " Names a ward by mistake ".to_owned(),
        })
        .then_expect_events(vec![ActivityEvent::ActivityUnpublished {
            reason: "Names a ward by mistake".to_owned(),
        }]);
    given(held())
        .when(ActivityCommand::Unpublish {
            reason: "Not ready".to_owned(),
        })
        .then_expect_error(ActivityError::NotPublished);
}
