//! Feedback as the aggregates that take it keep it (an input item, a whole activity), and how a
//! given piece of feedback is amended: its date, channel or summary.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FeedbackChannel, FieldError};
use crate::domain::correction::{put_right, something_changes};
use crate::domain::rules::{not_after, not_before, not_in_future};

crate::changes! {
    /// What an amendment of one piece of feedback replaces.
    pub struct FeedbackChanges {
        given_on: NaiveDate => "givenOn",
        channel: FeedbackChannel => "channel",
        summary: String => "summary",
    }
}

/// One piece of feedback, as given (and amended since).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Given {
    pub given_on: NaiveDate,
    pub channel: FeedbackChannel,
    pub summary: String,
}

impl Given {
    /// Takes an amendment in.
    pub fn take_in(&mut self, changes: FeedbackChanges) {
        put_right(&mut self.given_on, changes.given_on);
        put_right(&mut self.channel, changes.channel);
        put_right(&mut self.summary, changes.summary);
    }
}

/// The day before which no feedback can have been given, and what happened on it ("the input
/// was raised", "the activity was held").
pub type Earliest = (NaiveDate, &'static str);

/// Checks an amendment of the feedback at `index` of `given`, answering only the fields that
/// differ from it. A new date must not be in the future nor before `earliest`.
pub fn amend(
    given: &[Given],
    index: usize,
    changes: FeedbackChanges,
    earliest: Earliest,
    today: NaiveDate,
) -> Result<FeedbackChanges, FieldError> {
    let Some(current) = given.get(index) else {
        let problem = match given.len() {
            0 => "no feedback has been recorded".to_owned(),
            n => format!("there is no feedback {index}: the last is {}", n - 1),
        };
        return Err(FieldError::new("index", problem));
    };
    let (earliest_on, what) = earliest;
    check_fields! {
        _given = changes.given_on.map_or(Ok(()), |on| {
            not_in_future("givenOn", on, today)?;
            not_before("givenOn", on, earliest_on, what)
        });
        summary = changes
            .summary
            .as_deref()
            .map(|s| bounded_text("summary", s, limits::TEXT, true))
            .transpose();
    }
    let changes = FeedbackChanges {
        given_on: changes.given_on.filter(|d| *d != current.given_on),
        channel: changes.channel.filter(|c| *c != current.channel),
        summary: summary.filter(|s| *s != current.summary),
    };
    something_changes(&changes.fields())?;
    Ok(changes)
}

/// Refuses moving `field` to `date` when feedback was given before it: what it followed must
/// come first.
pub fn none_before(
    field: &'static str,
    date: NaiveDate,
    given: &[Given],
) -> Result<(), FieldError> {
    match given.iter().map(|g| g.given_on).min() {
        Some(first) => not_after(field, date, first, "participants were first given feedback"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::{day, today};

    fn given() -> Vec<Given> {
        vec![Given {
            given_on: day("2026-06-10"),
            channel: FeedbackChannel::Email,
            summary: "We are piloting evening clinics".to_owned(),
        }]
    }

    #[test]
    fn keeps_only_what_differs() {
        let changes = FeedbackChanges {
            given_on: Some(day("2026-06-12")),
            channel: Some(FeedbackChannel::Email),
            summary: Some(" We are piloting evening clinics ".to_owned()),
        };
        let kept = amend(&given(), 0, changes, (day("2026-06-01"), "x"), today());
        assert_eq!(
            kept,
            Ok(FeedbackChanges {
                given_on: Some(day("2026-06-12")),
                ..FeedbackChanges::default()
            })
        );
    }

    #[test]
    fn refuses_feedback_that_is_not_there_or_misdated() {
        let none = amend(&[], 0, FeedbackChanges::default(), (today(), "x"), today());
        assert_eq!(
            none.unwrap_err().to_string(),
            "index: no feedback has been recorded"
        );
        let beyond = amend(
            &given(),
            3,
            FeedbackChanges::default(),
            (today(), "x"),
            today(),
        );
        assert_eq!(
            beyond.unwrap_err().to_string(),
            "index: there is no feedback 3: the last is 0"
        );
        let early = FeedbackChanges {
            given_on: Some(day("2026-05-30")),
            ..FeedbackChanges::default()
        };
        let refused = amend(
            &given(),
            0,
            early,
            (day("2026-06-01"), "the input was raised"),
            today(),
        );
        assert_eq!(
            refused.unwrap_err().to_string(),
            "givenOn: 2026-05-30 is before the input was raised, on 2026-06-01"
        );
        assert_eq!(
            none_before("raisedOn", day("2026-06-11"), &given())
                .unwrap_err()
                .to_string(),
            "raisedOn: 2026-06-11 is after participants were first given feedback, on 2026-06-10"
        );
    }
}
