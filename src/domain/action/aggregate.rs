//! The `Action` aggregate: its state, rules and how events change it.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{check_item_list, items_belong_to, no_repeated_item};
use super::{ActionCommand, ActionError, ActionEvent};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError, OdsCode};
use crate::domain::rules::{not_before, not_in_future};
use crate::domain::services::Services;

const AFTER_PROPOSED: &str = "the action was proposed";
const AFTER_AGREED: &str = "the action was agreed";
const DUE_AFTER_PROPOSED: &str = "the day it was proposed (today, when proposedOn is not given)";

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionStatus {
    /// Proposed, awaiting agreement.
    Proposed,
    /// Agreed and open.
    Agreed,
    /// Closed as done.
    Completed,
    /// Closed as not going ahead.
    Abandoned,
}

/// An action as its events left it; empty until proposed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub(super) proposal: Option<Proposal>,
    pub(super) agreed_on: Option<NaiveDate>,
    pub(super) completion: Option<Completion>,
    pub(super) abandoned_on: Option<NaiveDate>,
    /// Dates of the progress notes, due-date changes and later links: none may come before
    /// the action was proposed (or, for progress, agreed), so a correction must keep it so.
    pub(super) progress_on: Vec<NaiveDate>,
    pub(super) due_changed_on: Vec<NaiveDate>,
    pub(super) linked_on: Vec<NaiveDate>,
}

/// How an action was completed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Completion {
    pub(super) on: NaiveDate,
    pub(super) outcome: String,
    pub(super) evidence: String,
}

/// What the proposal established, with the due date kept current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Proposal {
    pub(super) id: Uuid,
    pub(super) title: String,
    pub(super) owner: OdsCode,
    pub(super) owner_role: String,
    pub(super) decision_forum: String,
    pub(super) input_items: Vec<Uuid>,
    pub(super) proposed_on: NaiveDate,
    pub(super) due_on: NaiveDate,
}

impl Action {
    /// The organisation answerable for the action, once proposed.
    pub fn owner(&self) -> Option<&OdsCode> {
        self.proposal.as_ref().map(|p| &p.owner)
    }

    /// The action's id, once proposed.
    pub fn id(&self) -> Option<Uuid> {
        self.proposal.as_ref().map(|p| p.id)
    }

    /// Where the action stands; `None` before it is proposed.
    pub fn status(&self) -> Option<ActionStatus> {
        self.proposal.as_ref()?;
        Some(if self.completion.is_some() {
            ActionStatus::Completed
        } else if self.abandoned_on.is_some() {
            ActionStatus::Abandoned
        } else if self.agreed_on.is_some() {
            ActionStatus::Agreed
        } else {
            ActionStatus::Proposed
        })
    }

    /// The current due date, once proposed.
    pub fn due_on(&self) -> Option<NaiveDate> {
        self.proposal.as_ref().map(|p| p.due_on)
    }

    /// The input items the action answers; empty before it is proposed.
    pub fn input_items(&self) -> &[Uuid] {
        self.proposal
            .as_ref()
            .map_or(&[], |p| p.input_items.as_slice())
    }

    /// The proposal of an action that is not closed.
    fn open(&self) -> Result<&Proposal, ActionError> {
        let proposal = self.proposal.as_ref().ok_or(ActionError::NotFound)?;
        if self.completion.is_some() || self.abandoned_on.is_some() {
            return Err(ActionError::Closed);
        }
        Ok(proposal)
    }

    /// The agreement date of an open, agreed action.
    fn agreed(&self) -> Result<NaiveDate, ActionError> {
        self.open()?;
        self.agreed_on.ok_or(ActionError::NotAgreed)
    }

    /// Every command but Propose: state first, then fields.
    fn follow_up(
        &self,
        command: ActionCommand,
        today: NaiveDate,
    ) -> Result<ActionEvent, ActionError> {
        let event = match command {
            ActionCommand::Propose { .. } => return Err(ActionError::AlreadyExists),
            ActionCommand::LinkInputItem { .. }
            | ActionCommand::UnlinkInputItem { .. }
            | ActionCommand::Amend { .. } => {
                unreachable!("links and amendments are handled with the services they need")
            }
            ActionCommand::Agree { agreed_on } => {
                let proposal = self.open()?;
                if self.agreed_on.is_some() {
                    return Err(ActionError::AlreadyAgreed);
                }
                not_in_future("agreedOn", agreed_on, today)?;
                not_before("agreedOn", agreed_on, proposal.proposed_on, AFTER_PROPOSED)?;
                if agreed_on > proposal.due_on {
                    let problem = format!(
                        "{agreed_on} is after the date it is due, {}; change the due date first",
                        proposal.due_on
                    );
                    return Err(FieldError::new("agreedOn", problem).into());
                }
                ActionEvent::ActionAgreed { agreed_on }
            }
            ActionCommand::RecordProgress { recorded_on, note } => {
                let agreed_on = self.agreed()?;
                check_fields! {
                    _recorded = not_in_future("recordedOn", recorded_on, today)
                        .and_then(|_| not_before("recordedOn", recorded_on, agreed_on, AFTER_AGREED));
                    note = bounded_text("note", &note, limits::TEXT, true);
                }
                ActionEvent::ProgressRecorded { recorded_on, note }
            }
            ActionCommand::Complete {
                completed_on,
                outcome,
                evidence,
            } => {
                let agreed_on = self.agreed()?;
                check_fields! {
                    _completed = not_in_future("completedOn", completed_on, today).and_then(|_| {
                        not_before("completedOn", completed_on, agreed_on, AFTER_AGREED)
                    });
                    outcome = bounded_text("outcome", &outcome, limits::TEXT, true);
                    evidence = bounded_text("evidence", &evidence, limits::TEXT, true);
                }
                ActionEvent::ActionCompleted {
                    completed_on,
                    outcome,
                    evidence,
                }
            }
            ActionCommand::Abandon {
                abandoned_on,
                reason,
            } => {
                let proposal = self.open()?;
                check_fields! {
                    _abandoned = not_in_future("abandonedOn", abandoned_on, today).and_then(|_| {
                        not_before("abandonedOn", abandoned_on, proposal.proposed_on, AFTER_PROPOSED)
                    });
                    reason = bounded_text("reason", &reason, limits::TEXT, true);
                }
                ActionEvent::ActionAbandoned {
                    abandoned_on,
                    reason,
                }
            }
            ActionCommand::ChangeDueDate {
                changed_on,
                due_on,
                reason,
            } => {
                let proposal = self.open()?;
                check_fields! {
                    _changed = not_in_future("changedOn", changed_on, today).and_then(|_| {
                        not_before("changedOn", changed_on, proposal.proposed_on, AFTER_PROPOSED)
                    });
                    _due = match self.agreed_on {
                        Some(agreed_on) => not_before("dueOn", due_on, agreed_on, AFTER_AGREED),
                        None => not_before("dueOn", due_on, proposal.proposed_on, AFTER_PROPOSED),
                    };
                    reason = bounded_text("reason", &reason, limits::TEXT, true);
                }
                ActionEvent::DueDateChanged {
                    changed_on,
                    due_on,
                    reason,
                }
            }
        };
        Ok(event)
    }
}

impl Aggregate for Action {
    const TYPE: &'static str = "Action";
    type Command = ActionCommand;
    type Event = ActionEvent;
    type Error = ActionError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let today = services.today();
        let event = match command {
            ActionCommand::Propose {
                action_id,
                title,
                owner_organisation,
                owner_role,
                decision_forum,
                due_on,
                input_items,
                proposed_on,
            } => {
                if self.proposal.is_some() {
                    return Err(ActionError::AlreadyExists);
                }
                check_fields! {
                    title = bounded_text("title", &title, limits::TITLE, true);
                    owner = OdsCode::parse("ownerOrganisation", &owner_organisation);
                    owner_role = bounded_text("ownerRole", &owner_role, limits::TITLE, true);
                    forum = bounded_text("decisionForum", &decision_forum, limits::TITLE, true);
                    _due = not_before("dueOn", due_on, proposed_on, DUE_AFTER_PROPOSED);
                    _items = check_item_list(&input_items);
                    _proposed = not_in_future("proposedOn", proposed_on, today);
                }
                no_repeated_item(&input_items)?;
                if services.organisation(&owner).await?.is_none() {
                    return Err(ActionError::OwnerOrganisationNotFound);
                }
                items_belong_to(services, &owner, &input_items).await?;
                ActionEvent::ActionProposed {
                    action_id,
                    title,
                    owner_organisation: owner,
                    owner_role,
                    decision_forum: forum,
                    due_on,
                    input_items,
                    proposed_on,
                }
            }
            ActionCommand::LinkInputItem {
                input_item_id,
                linked_on,
            } => self.link(input_item_id, linked_on, services).await?,
            ActionCommand::UnlinkInputItem {
                input_item_id,
                correction,
            } => self.unlink(input_item_id, correction)?,
            ActionCommand::Amend {
                changes,
                correction,
            } => self.amend(changes, correction, services).await?,
            other => self.follow_up(other, today)?,
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ActionEvent::ActionProposed {
                action_id,
                title,
                owner_organisation,
                owner_role,
                decision_forum,
                due_on,
                input_items,
                proposed_on,
            } => {
                self.proposal = Some(Proposal {
                    id: action_id,
                    title,
                    owner: owner_organisation,
                    owner_role,
                    decision_forum,
                    input_items,
                    proposed_on,
                    due_on,
                });
            }
            ActionEvent::ActionAgreed { agreed_on } => self.agreed_on = Some(agreed_on),
            ActionEvent::ProgressRecorded { recorded_on, .. } => self.progress_on.push(recorded_on),
            ActionEvent::ActionCompleted {
                completed_on,
                outcome,
                evidence,
            } => {
                self.completion = Some(Completion {
                    on: completed_on,
                    outcome,
                    evidence,
                });
            }
            ActionEvent::ActionAmended { changes, .. } => self.take_in(changes),
            ActionEvent::ActionAbandoned { abandoned_on, .. } => {
                self.abandoned_on = Some(abandoned_on);
            }
            ActionEvent::DueDateChanged {
                due_on, changed_on, ..
            } => {
                self.due_changed_on.push(changed_on);
                if let Some(proposal) = self.proposal.as_mut() {
                    proposal.due_on = due_on;
                }
            }
            ActionEvent::InputItemLinked {
                input_item_id,
                linked_on,
            } => {
                self.linked_on.push(linked_on);
                if let Some(proposal) = self.proposal.as_mut() {
                    proposal.input_items.push(input_item_id);
                }
            }
            ActionEvent::InputItemUnlinked { input_item_id, .. } => {
                if let Some(proposal) = self.proposal.as_mut() {
                    proposal.input_items.retain(|i| *i != input_item_id);
                }
            }
        }
    }
}
