//! The `InputItem` aggregate: its state, rules and how events change it.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::decision::{DecisionDraft, Standing};
use super::{Decision, InputItemCommand, InputItemError, InputItemEvent};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, DecisionOutcome, InputKind, OdsCode, RaisedBy};
use crate::domain::feedback::Given;
use crate::domain::rules::{not_before, not_in_future, themes};
use crate::domain::services::{InputItemFacts, Services};

/// An input item as its events left it; empty until recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InputItem {
    pub(super) recorded: Option<Recorded>,
    /// Withdrawn (and not reinstated since).
    pub(super) withdrawn: bool,
    /// Every decision, oldest first; the last is current.
    decisions: Vec<Decision>,
    /// Every time participants were told what happened, in the order recorded.
    pub(super) feedback: Vec<Given>,
}

/// What recording established, as amended since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Recorded {
    pub(super) id: Uuid,
    pub(super) activity_id: Uuid,
    pub(super) organisation: OdsCode,
    pub(super) kind: InputKind,
    pub(super) summary: String,
    pub(super) themes: Vec<String>,
    pub(super) raised_by: RaisedBy,
    pub(super) raised_on: NaiveDate,
}

impl InputItem {
    /// What other aggregates may know of this item; `None` before it is recorded.
    pub fn facts(&self) -> Option<InputItemFacts> {
        self.recorded.as_ref().map(|r| InputItemFacts {
            id: r.id,
            organisation: r.organisation.clone(),
            referred_to: self.referred_to().cloned(),
            raised_on: r.raised_on,
            withdrawn: self.withdrawn,
        })
    }

    /// The item's id, once recorded.
    pub fn id(&self) -> Option<Uuid> {
        self.recorded.as_ref().map(|r| r.id)
    }

    /// The activity the input was raised at, once recorded.
    pub fn activity_id(&self) -> Option<Uuid> {
        self.recorded.as_ref().map(|r| r.activity_id)
    }

    /// The organisation owning the response (the activity's lead), once recorded.
    pub fn organisation(&self) -> Option<&OdsCode> {
        self.recorded.as_ref().map(|r| &r.organisation)
    }

    /// Every decision, oldest first.
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// The current decision, if any.
    pub fn latest_decision(&self) -> Option<&Decision> {
        self.decisions.last()
    }

    /// The organisation the item was last referred to: it answers and acts on it from then
    /// on, its answer included (only it may decide once the item is referred).
    pub fn referred_to(&self) -> Option<&OdsCode> {
        self.decisions
            .iter()
            .rev()
            .find(|d| d.outcome == DecisionOutcome::Referred)
            .and_then(|d| d.referred_to.as_ref())
    }

    /// Whether the item is withdrawn.
    pub fn withdrawn(&self) -> bool {
        self.withdrawn
    }

    /// The recorded facts of an item that may still change; refused for one not recorded or
    /// withdrawn.
    pub(super) fn current(&self) -> Result<&Recorded, InputItemError> {
        let recorded = self.recorded.as_ref().ok_or(InputItemError::NotFound)?;
        if self.withdrawn {
            return Err(InputItemError::Withdrawn);
        }
        Ok(recorded)
    }

    fn standing(&self) -> Result<Standing<'_>, InputItemError> {
        let recorded = self.current()?;
        Ok(Standing {
            owner: &recorded.organisation,
            referee: self.referred_to(),
            raised_on: recorded.raised_on,
        })
    }
}

impl Aggregate for InputItem {
    const TYPE: &'static str = "InputItem";
    type Command = InputItemCommand;
    type Event = InputItemEvent;
    type Error = InputItemError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let today = services.today();
        let event = match command {
            InputItemCommand::Record {
                input_item_id,
                activity_id,
                kind,
                summary,
                themes: raw_themes,
                raised_by,
                raised_on,
            } => {
                if self.recorded.is_some() {
                    return Err(InputItemError::AlreadyExists);
                }
                check_fields! {
                    summary = bounded_text("summary", &summary, limits::TEXT, true);
                    themes = themes("themes", &raw_themes);
                    _raised = not_in_future("raisedOn", raised_on, today);
                }
                let activity = services
                    .activity(activity_id)
                    .await?
                    .ok_or(InputItemError::ActivityNotFound)?;
                if activity.cancelled {
                    return Err(InputItemError::ActivityCancelled);
                }
                InputItemEvent::InputItemRecorded {
                    input_item_id,
                    activity_id,
                    organisation: activity.lead_organisation,
                    kind,
                    summary,
                    themes,
                    raised_by,
                    raised_on,
                }
            }
            InputItemCommand::Decide {
                outcome,
                reason,
                referred_to,
                decided_on,
                decided_by,
            } => {
                let standing = self.standing()?;
                // A referred item awaits the partner's first decision; any other is revised.
                let referred_on = match self.latest_decision() {
                    None => None,
                    Some(d) if d.outcome == DecisionOutcome::Referred => Some(d.decided_on),
                    Some(_) => return Err(InputItemError::AlreadyDecided),
                };
                let draft = DecisionDraft {
                    outcome,
                    reason,
                    referred_to,
                    decided_on,
                    decided_by,
                };
                let decision = draft.check(standing, services).await?;
                if let Some(referred_on) = referred_on {
                    let what = "the item was referred";
                    not_before("decidedOn", decision.decided_on, referred_on, what)?;
                }
                InputItemEvent::InputItemDecided(decision)
            }
            InputItemCommand::ReviseDecision {
                outcome,
                reason,
                referred_to,
                decided_on,
                decided_by,
                why,
            } => {
                let standing = self.standing()?;
                let previous_on = self
                    .latest_decision()
                    .ok_or(InputItemError::NotDecided)?
                    .decided_on;
                let draft = DecisionDraft {
                    outcome,
                    reason,
                    referred_to,
                    decided_on,
                    decided_by,
                };
                let decision = draft.check(standing, services).await?;
                not_before(
                    "decidedOn",
                    decision.decided_on,
                    previous_on,
                    "the previous decision",
                )?;
                let why = bounded_text("why", &why, limits::TEXT, true)?;
                InputItemEvent::DecisionRevised { decision, why }
            }
            InputItemCommand::RecordFeedback {
                given_on,
                channel,
                summary,
            } => {
                let raised_on = self.standing()?.raised_on;
                let problem = "the input was raised";
                check_fields! {
                    _given = not_in_future("givenOn", given_on, today)
                        .and_then(|_| not_before("givenOn", given_on, raised_on, problem));
                    summary = bounded_text("summary", &summary, limits::TEXT, true);
                }
                InputItemEvent::FeedbackGiven {
                    given_on,
                    channel,
                    summary,
                }
            }
            InputItemCommand::Amend {
                changes,
                correction,
            } => self.amend(changes, correction, today)?,
            InputItemCommand::Withdraw {
                correction,
                duplicate_of,
                with_decision,
            } => {
                self.withdraw(correction, duplicate_of, with_decision, services)
                    .await?
            }
            InputItemCommand::Reinstate { correction } => self.reinstate(correction)?,
            InputItemCommand::AmendFeedback {
                index,
                changes,
                correction,
            } => self.amend_feedback(index, changes, correction, today)?,
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            InputItemEvent::InputItemRecorded {
                input_item_id,
                activity_id,
                organisation,
                kind,
                summary,
                themes,
                raised_by,
                raised_on,
            } => {
                self.recorded = Some(Recorded {
                    id: input_item_id,
                    activity_id,
                    organisation,
                    kind,
                    summary,
                    themes,
                    raised_by,
                    raised_on,
                });
            }
            InputItemEvent::InputItemDecided(decision)
            | InputItemEvent::DecisionRevised { decision, .. } => self.decisions.push(decision),
            InputItemEvent::FeedbackGiven {
                given_on,
                channel,
                summary,
            } => self.feedback.push(Given {
                given_on,
                channel,
                summary,
            }),
            InputItemEvent::FeedbackAmended { index, changes, .. } => {
                if let Some(given) = self.feedback.get_mut(index) {
                    given.take_in(changes);
                }
            }
            InputItemEvent::InputItemAmended { changes, .. } => {
                if let Some(recorded) = &mut self.recorded {
                    recorded.amend(changes);
                }
            }
            InputItemEvent::InputItemWithdrawn { .. } => self.withdrawn = true,
            InputItemEvent::InputItemReinstated { .. } => self.withdrawn = false,
        }
    }
}
