//! Small objects several areas answer with: dated notes and feedback to participants.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

use super::enums::{Date, FeedbackChannel};
use crate::projections::docs::FeedbackDoc;

/// A dated note (a report, a cancellation, a progress update).
#[derive(SimpleObject)]
pub struct DatedNote {
    pub on: Date,
    pub text: String,
}

/// Participants were told what happened ("you said, we did").
#[derive(SimpleObject)]
pub struct Feedback {
    given_on: Date,
    channel: FeedbackChannel,
    summary: String,
    recorded_at: DateTime<Utc>,
}

impl From<&FeedbackDoc> for Feedback {
    fn from(f: &FeedbackDoc) -> Self {
        Self {
            given_on: Date(f.given_on),
            channel: f.channel.into(),
            summary: f.summary.clone(),
            recorded_at: f.recorded_at,
        }
    }
}
