//! The rules a decision (first or revised) must meet before it is recorded.

use chrono::NaiveDate;

use super::{Decision, InputItemError};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, DecisionOutcome, FieldError, OdsCode};
use crate::domain::rules::{not_before, not_in_future, optional_ods};
use crate::domain::services::Services;

/// A decision as sent, before its rules are checked.
pub(super) struct DecisionDraft {
    pub(super) outcome: DecisionOutcome,
    pub(super) reason: String,
    pub(super) referred_to: Option<String>,
    pub(super) decided_on: NaiveDate,
    pub(super) decided_by: String,
}

/// Whose decision an item awaits, and the earliest date it may carry.
pub(super) struct Standing<'a> {
    /// The organisation owning the item.
    pub(super) owner: &'a OdsCode,
    /// The organisation the latest decision referred the item to, if it did.
    pub(super) referee: Option<&'a OdsCode>,
    /// When the input was raised.
    pub(super) raised_on: NaiveDate,
}

impl DecisionDraft {
    /// Checks authority, then the fields, then that a referee exists.
    pub(super) async fn check(
        self,
        standing: Standing<'_>,
        services: &Services,
    ) -> Result<Decision, InputItemError> {
        let decided_by = OdsCode::parse("decidedBy", &self.decided_by)?;
        match standing.referee {
            Some(referee) if referee != &decided_by => return Err(InputItemError::NotReferee),
            None if &decided_by != standing.owner => return Err(InputItemError::NotOwner),
            _ => {}
        }
        let referral = |referred_to: Option<OdsCode>| match (self.outcome, &referred_to) {
            (DecisionOutcome::Referred, None) => {
                Err(invalid("is required when the outcome is REFERRED"))
            }
            (DecisionOutcome::Referred, Some(code)) if code == &decided_by => {
                Err(invalid("must be a different organisation from decidedBy"))
            }
            (DecisionOutcome::Referred, Some(_)) | (_, None) => Ok(referred_to),
            (_, Some(_)) => Err(invalid("must be empty unless the outcome is REFERRED")),
        };
        check_fields! {
            reason = self.reason();
            referred_to = optional_ods("referredTo", self.referred_to.as_deref()).and_then(referral);
            _decided = not_in_future("decidedOn", self.decided_on, services.today()).and_then(|_| {
                not_before(
                    "decidedOn",
                    self.decided_on,
                    standing.raised_on,
                    "the input was raised",
                )
            });
        }
        if let Some(code) = &referred_to {
            if services.organisation(code).await?.is_none() {
                return Err(InputItemError::ReferredOrganisationNotFound);
            }
        }
        Ok(Decision {
            outcome: self.outcome,
            reason,
            referred_to,
            decided_on: self.decided_on,
            decided_by,
        })
    }

    /// The reason, required for DECLINED and (as an explanation) for ALREADY_IN_PLACE.
    fn reason(&self) -> Result<String, FieldError> {
        let reason = bounded_text("reason", &self.reason, limits::TEXT, false)?;
        let required_for = match self.outcome {
            DecisionOutcome::Declined => Some("DECLINED"),
            DecisionOutcome::AlreadyInPlace => Some("ALREADY_IN_PLACE"),
            DecisionOutcome::Accepted | DecisionOutcome::Referred => None,
        };
        match required_for {
            Some(outcome) if reason.is_empty() => Err(FieldError::new(
                "reason",
                format!("is required when the outcome is {outcome}"),
            )),
            _ => Ok(reason),
        }
    }
}

fn invalid(problem: &str) -> FieldError {
    FieldError::new("referredTo", problem)
}
