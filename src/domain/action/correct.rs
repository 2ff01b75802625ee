//! Amending an action's recorded facts: its title, owner, decision forum, the dates it was
//! proposed, agreed and completed, and the outcome and evidence of its completion.

use chrono::NaiveDate;

use super::aggregate::Proposal;
use super::events::ActionChanges;
use super::{Action, ActionError, ActionEvent};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError, OdsCode};
use crate::domain::correction::{not_after_day, put_right, something_changes, Correction};
use crate::domain::rules::{not_before, not_in_future};
use crate::domain::services::Services;

impl Proposal {
    fn take_in(&mut self, changes: &mut ActionChanges) {
        put_right(&mut self.title, changes.title.take());
        put_right(&mut self.owner_role, changes.owner_role.take());
        put_right(&mut self.decision_forum, changes.decision_forum.take());
        put_right(&mut self.owner, changes.owner_organisation.take());
        put_right(&mut self.proposed_on, changes.proposed_on);
    }
}

impl Action {
    /// Takes the corrected facts in.
    pub(super) fn take_in(&mut self, mut changes: ActionChanges) {
        if let Some(proposal) = self.proposal.as_mut() {
            proposal.take_in(&mut changes);
        }
        self.agreed_on = changes.agreed_on.or(self.agreed_on);
        if let Some(completion) = self.completion.as_mut() {
            put_right(&mut completion.on, changes.completed_on);
            put_right(&mut completion.outcome, changes.outcome);
            put_right(&mut completion.evidence, changes.evidence);
        }
    }

    /// The dates in order as they would stand after `changes`: proposed, then agreed, then
    /// every later step. Each is checked against its neighbours, naming both dates.
    fn dates_fit(
        &self,
        proposal: &Proposal,
        changes: &ActionChanges,
        today: NaiveDate,
    ) -> Result<(), FieldError> {
        let proposed_on = changes.proposed_on.unwrap_or(proposal.proposed_on);
        let agreed_on = changes.agreed_on.or(self.agreed_on);
        let completed_on = changes
            .completed_on
            .or(self.completion.as_ref().map(|c| c.on));
        if let Some(on) = changes.proposed_on {
            not_in_future("proposedOn", on, today)?;
            not_after_day("proposedOn", on, agreed_on, "the action was agreed")?;
            not_after_day(
                "proposedOn",
                on,
                Some(proposal.due_on),
                "the date it is due",
            )?;
            not_after_day(
                "proposedOn",
                on,
                self.abandoned_on,
                "the action was abandoned",
            )?;
            let first_change = self.due_changed_on.iter().min().copied();
            not_after_day(
                "proposedOn",
                on,
                first_change,
                "its due date was first changed",
            )?;
            let first_link = self.linked_on.iter().min().copied();
            not_after_day(
                "proposedOn",
                on,
                first_link,
                "an input item was first linked to it",
            )?;
        }
        if let Some(on) = changes.agreed_on {
            not_in_future("agreedOn", on, today)?;
            not_before("agreedOn", on, proposed_on, "the action was proposed")?;
            let first_progress = self.progress_on.iter().min().copied();
            not_after_day(
                "agreedOn",
                on,
                first_progress,
                "progress was first recorded",
            )?;
            not_after_day("agreedOn", on, completed_on, "the action was completed")?;
        }
        if let Some(on) = changes.completed_on {
            not_in_future("completedOn", on, today)?;
            if let Some(agreed_on) = agreed_on {
                not_before("completedOn", on, agreed_on, "the action was agreed")?;
            }
        }
        Ok(())
    }

    /// Amends the recorded facts. Dates must stay in order with everything else recorded; a
    /// new owner must be registered and able to answer every input item the action answers.
    pub(super) async fn amend(
        &self,
        changes: ActionChanges,
        correction: Correction,
        services: &Services,
    ) -> Result<ActionEvent, ActionError> {
        let proposal = self.proposal.as_ref().ok_or(ActionError::NotFound)?;
        if changes.agreed_on.is_some() && self.agreed_on.is_none() {
            return Err(FieldError::new(
                "agreedOn",
                "the action has not been agreed; record the agreement instead",
            )
            .into());
        }
        let completing = changes.completed_on.is_some()
            || changes.outcome.is_some()
            || changes.evidence.is_some();
        if completing && self.completion.is_none() {
            return Err(FieldError::new(
                "completedOn",
                "the action has not been completed; record the completion instead",
            )
            .into());
        }
        let text = |field, value: &Option<String>, limit| {
            value
                .as_deref()
                .map(|v| bounded_text(field, v, limit, true))
                .transpose()
        };
        check_fields! {
            title = text("title", &changes.title, limits::TITLE);
            owner_role = text("ownerRole", &changes.owner_role, limits::TITLE);
            decision_forum = text("decisionForum", &changes.decision_forum, limits::TITLE);
            outcome = text("outcome", &changes.outcome, limits::TEXT);
            evidence = text("evidence", &changes.evidence, limits::TEXT);
            _dates = self.dates_fit(proposal, &changes, services.today());
            correction = correction.checked();
        }
        let completion = self.completion.as_ref();
        let changes = ActionChanges {
            title: title.filter(|t| *t != proposal.title),
            owner_organisation: changes.owner_organisation.filter(|o| *o != proposal.owner),
            owner_role: owner_role.filter(|r| *r != proposal.owner_role),
            decision_forum: decision_forum.filter(|f| *f != proposal.decision_forum),
            proposed_on: changes.proposed_on.filter(|d| *d != proposal.proposed_on),
            agreed_on: changes.agreed_on.filter(|d| Some(*d) != self.agreed_on),
            completed_on: changes
                .completed_on
                .filter(|d| Some(*d) != completion.map(|c| c.on)),
            outcome: outcome.filter(|o| Some(o) != completion.map(|c| &c.outcome)),
            evidence: evidence.filter(|e| Some(e) != completion.map(|c| &c.evidence)),
        };
        something_changes(&changes.fields())?;
        if let Some(owner) = &changes.owner_organisation {
            self.owner_can_answer(owner, proposal, services).await?;
        }
        Ok(ActionEvent::ActionAmended {
            changes,
            correction,
        })
    }

    /// A new owner must be registered, and own (or have been referred) every linked item.
    async fn owner_can_answer(
        &self,
        owner: &OdsCode,
        proposal: &Proposal,
        services: &Services,
    ) -> Result<(), ActionError> {
        if services.organisation(owner).await?.is_none() {
            return Err(ActionError::OwnerOrganisationNotFound);
        }
        for id in &proposal.input_items {
            // A linked item that has since gone is no obstacle: it answers to no one.
            let Some(item) = services.input_item(*id).await? else {
                continue;
            };
            if &item.organisation != owner && item.referred_to.as_ref() != Some(owner) {
                return Err(FieldError::new(
                    "ownerOrganisation",
                    "neither owns nor was referred every input item the action answers; \
                     unlink those first",
                )
                .into());
            }
        }
        Ok(())
    }
}
