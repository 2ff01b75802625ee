//! Corrections of an input item: amending recorded facts, withdrawing it (recorded in error, or
//! a duplicate of another item) and reinstating it.

use chrono::NaiveDate;
use uuid::Uuid;

use super::aggregate::Recorded;
use super::{InputItem, InputItemChanges, InputItemError, InputItemEvent};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError};
use crate::domain::correction::{put_right, something_changes, Correction, CorrectionCategory};
use crate::domain::feedback::{self, FeedbackChanges};
use crate::domain::rules::{not_in_future, themes};
use crate::domain::services::Services;

impl Recorded {
    /// Takes the corrected facts in.
    pub(super) fn amend(&mut self, changes: InputItemChanges) {
        let InputItemChanges {
            kind,
            summary,
            themes,
            raised_by,
            raised_on,
        } = changes;
        put_right(&mut self.kind, kind);
        put_right(&mut self.summary, summary);
        put_right(&mut self.themes, themes);
        put_right(&mut self.raised_by, raised_by);
        put_right(&mut self.raised_on, raised_on);
    }
}

impl InputItem {
    /// A new raised-on date must not be in the future, nor after anything that followed the
    /// raising: the first decision, or the first feedback.
    fn raised_on_fits(&self, raised_on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
        not_in_future("raisedOn", raised_on, today)?;
        let first_decision = self.decisions().iter().map(|d| d.decided_on).min();
        if let Some(decided_on) = first_decision.filter(|d| raised_on > *d) {
            return Err(FieldError::new(
                "raisedOn",
                format!(
                    "{raised_on} is after the first decision on this input item, taken {decided_on}"
                ),
            ));
        }
        feedback::none_before("raisedOn", raised_on, &self.feedback)
    }

    pub(super) fn amend(
        &self,
        changes: InputItemChanges,
        correction: Correction,
        today: NaiveDate,
    ) -> Result<InputItemEvent, InputItemError> {
        let recorded = self.current()?;
        let checked_themes = changes.themes.as_deref().map(|t| themes("themes", t));
        check_fields! {
            summary = changes
                .summary
                .as_deref()
                .map(|s| bounded_text("summary", s, limits::TEXT, true))
                .transpose();
            themes = checked_themes.transpose();
            _raised = changes
                .raised_on
                .map_or(Ok(()), |on| self.raised_on_fits(on, today));
            correction = correction.checked();
        }
        // Only what differs from the record is a change.
        let changes = InputItemChanges {
            kind: changes.kind.filter(|k| *k != recorded.kind),
            summary: summary.filter(|s| *s != recorded.summary),
            themes: themes.filter(|t| *t != recorded.themes),
            raised_by: changes.raised_by.filter(|r| *r != recorded.raised_by),
            raised_on: changes.raised_on.filter(|d| *d != recorded.raised_on),
        };
        something_changes(&changes.fields())?;
        Ok(InputItemEvent::InputItemAmended {
            changes,
            correction,
        })
    }

    pub(super) async fn withdraw(
        &self,
        correction: Correction,
        duplicate_of: Option<Uuid>,
        with_decision: bool,
        services: &Services,
    ) -> Result<InputItemEvent, InputItemError> {
        let recorded = self.current()?;
        let duplicate = correction.category == CorrectionCategory::Duplicate;
        check_fields! {
            correction = correction.checked();
            _original = match (duplicate_of, duplicate) {
                (Some(id), _) if id == recorded.id => Err(FieldError::new(
                    "duplicateOf",
                    "must name another input item, not this one",
                )),
                (Some(_), false) => Err(FieldError::new(
                    "reason.category",
                    "must be DUPLICATE when duplicateOf names the original",
                )),
                (None, true) => Err(FieldError::new(
                    "duplicateOf",
                    "is required for a duplicate: name the input item it repeats",
                )),
                _ => Ok(()),
            };
        }
        if !self.decisions().is_empty() && !with_decision {
            return Err(InputItemError::HasDecision);
        }
        if let Some(id) = duplicate_of {
            let original = services
                .input_item(id)
                .await?
                .ok_or(InputItemError::OriginalNotFound)?;
            if original.organisation != recorded.organisation {
                return Err(FieldError::new(
                    "duplicateOf",
                    "must be an input item of the same organisation",
                )
                .into());
            }
            if original.withdrawn {
                return Err(InputItemError::OriginalWithdrawn);
            }
        }
        Ok(InputItemEvent::InputItemWithdrawn {
            correction,
            duplicate_of,
            decision_withdrawn: !self.decisions().is_empty(),
        })
    }

    pub(super) fn amend_feedback(
        &self,
        index: usize,
        changes: FeedbackChanges,
        correction: Correction,
        today: NaiveDate,
    ) -> Result<InputItemEvent, InputItemError> {
        let recorded = self.current()?;
        let earliest = (recorded.raised_on, "the input was raised");
        check_fields! {
            changes = feedback::amend(&self.feedback, index, changes, earliest, today);
            correction = correction.checked();
        }
        Ok(InputItemEvent::FeedbackAmended {
            index,
            changes,
            correction,
        })
    }

    pub(super) fn reinstate(
        &self,
        correction: Correction,
    ) -> Result<InputItemEvent, InputItemError> {
        if self.recorded.is_none() {
            return Err(InputItemError::NotFound);
        }
        if !self.withdrawn {
            return Err(InputItemError::NotWithdrawn);
        }
        Ok(InputItemEvent::InputItemReinstated {
            correction: correction.checked()?,
        })
    }
}
