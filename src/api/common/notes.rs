//! Small objects several areas answer with: dated notes, postponements and feedback to
//! participants.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

use super::enums::{Date, FeedbackChannel};
use crate::projections::docs::{DatedText, FeedbackDoc, PostponementDoc};

/// A dated note (a report, a cancellation, a progress update).
#[derive(SimpleObject)]
pub struct DatedNote {
    pub on: Date,
    pub text: String,
}

impl From<&DatedText> for DatedNote {
    fn from(t: &DatedText) -> Self {
        Self {
            on: Date(t.on),
            text: t.text.clone(),
        }
    }
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

/// A move to a later day (of an activity, or a board meeting).
#[derive(SimpleObject)]
pub struct Postponement {
    /// The day it was planned for before.
    from: Date,
    to: Date,
    /// The day the postponement was decided.
    postponed_on: Date,
    reason: String,
}

impl From<&PostponementDoc> for Postponement {
    fn from(p: &PostponementDoc) -> Self {
        Self {
            from: Date(p.from),
            to: Date(p.to),
            postponed_on: Date(p.postponed_on),
            reason: p.reason.clone(),
        }
    }
}
