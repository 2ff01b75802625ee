//! The `BoardMeeting` aggregate: its state, rules and how events change it.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{attendees_seated, citations_exist, live_board};
use super::{BoardDecision, BoardMeetingCommand, BoardMeetingError, BoardMeetingEvent};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError, OdsCode};
use crate::domain::rules::{dedupe, not_in_future, short_list};
use crate::domain::services::Services;

/// A board meeting as its events left it; empty until scheduled.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BoardMeeting {
    pub(super) scheduled: Option<Scheduled>,
    pub(super) papers_issued_on: Option<NaiveDate>,
    pub(super) held: Option<Held>,
    pub(super) decisions: Vec<Cited>,
    /// The day in force before the latest postponement, once postponed.
    #[serde(default)]
    pub(super) postponed_from: Option<NaiveDate>,
    /// Called off, and when.
    #[serde(default)]
    cancelled_on: Option<NaiveDate>,
}

/// What scheduling the meeting recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Scheduled {
    id: Uuid,
    pub(super) board_id: Uuid,
    organisation: OdsCode,
    pub(super) scheduled_for: NaiveDate,
}

/// What holding the meeting recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Held {
    pub(super) held_on: NaiveDate,
    pub(super) attended: Vec<Uuid>,
    pub(super) quorate: bool,
}

/// A decision recorded at the meeting, with what it cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Cited {
    pub(super) id: Uuid,
    pub(super) input_items: Vec<Uuid>,
    pub(super) actions: Vec<Uuid>,
}

impl BoardMeeting {
    /// The meeting's id, once scheduled.
    pub fn id(&self) -> Option<Uuid> {
        self.scheduled.as_ref().map(|s| s.id)
    }

    /// The board that meets, once scheduled.
    pub fn board_id(&self) -> Option<Uuid> {
        self.scheduled.as_ref().map(|s| s.board_id)
    }

    /// The organisation of the board, once scheduled.
    pub fn organisation(&self) -> Option<&OdsCode> {
        self.scheduled.as_ref().map(|s| &s.organisation)
    }

    /// The day the meeting was scheduled for, once scheduled.
    pub fn scheduled_for(&self) -> Option<NaiveDate> {
        self.scheduled.as_ref().map(|s| s.scheduled_for)
    }

    /// When the papers were last recorded as issued, if they were.
    pub fn papers_issued_on(&self) -> Option<NaiveDate> {
        self.papers_issued_on
    }

    /// When the meeting was held, once held.
    pub fn held_on(&self) -> Option<NaiveDate> {
        self.held.as_ref().map(|h| h.held_on)
    }

    /// The appointments whose holders attended; empty until held.
    pub fn attended(&self) -> &[Uuid] {
        self.held.as_ref().map_or(&[], |h| h.attended.as_slice())
    }

    /// Whether the meeting was quorate, once held.
    pub fn quorate(&self) -> Option<bool> {
        self.held.as_ref().map(|h| h.quorate)
    }

    /// The ids of the decisions recorded, in order.
    pub fn decisions(&self) -> Vec<Uuid> {
        self.decisions.iter().map(|d| d.id).collect()
    }

    /// Whether the meeting was called off.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled_on.is_some()
    }

    /// The meeting, refused once cancelled: nothing more happens to it.
    fn scheduled(&self) -> Result<&Scheduled, BoardMeetingError> {
        let scheduled = self.scheduled.as_ref().ok_or(BoardMeetingError::NotFound)?;
        if self.cancelled_on.is_some() {
            return Err(BoardMeetingError::Cancelled);
        }
        Ok(scheduled)
    }

    /// A meeting still to be held, for postponing or cancelling it.
    fn not_yet_held(&self) -> Result<&Scheduled, BoardMeetingError> {
        let scheduled = self.scheduled()?;
        if self.held.is_some() {
            return Err(BoardMeetingError::AlreadyHeld);
        }
        Ok(scheduled)
    }

    fn postpone(
        &self,
        scheduled_for: NaiveDate,
        postponed_on: NaiveDate,
        reason: &str,
        today: NaiveDate,
    ) -> Result<BoardMeetingEvent, BoardMeetingError> {
        let current = self.not_yet_held()?.scheduled_for;
        let later = if scheduled_for > current {
            Ok(())
        } else {
            Err(FieldError::new(
                "scheduledFor",
                format!("{scheduled_for} is not after the day it is scheduled for, {current}"),
            ))
        };
        check_fields! {
            _later = later;
            postponed_on = not_in_future("postponedOn", postponed_on, today);
            reason = bounded_text("reason", reason, limits::TEXT, true);
        }
        Ok(BoardMeetingEvent::MeetingPostponed {
            scheduled_for,
            postponed_on,
            reason,
        })
    }

    fn cancel(
        &self,
        cancelled_on: NaiveDate,
        reason: &str,
        today: NaiveDate,
    ) -> Result<BoardMeetingEvent, BoardMeetingError> {
        self.not_yet_held()?;
        check_fields! {
            cancelled_on = not_in_future("cancelledOn", cancelled_on, today);
            reason = bounded_text("reason", reason, limits::TEXT, true);
        }
        Ok(BoardMeetingEvent::MeetingCancelled {
            cancelled_on,
            reason,
        })
    }

    async fn schedule(
        &self,
        services: &Services,
        meeting_id: Uuid,
        board_id: Uuid,
        scheduled_for: NaiveDate,
    ) -> Result<BoardMeetingEvent, BoardMeetingError> {
        if self.scheduled.is_some() {
            return Err(BoardMeetingError::AlreadyExists);
        }
        let organisation = live_board(services, board_id).await?;
        Ok(BoardMeetingEvent::MeetingScheduled {
            meeting_id,
            board_id,
            organisation,
            scheduled_for,
        })
    }

    async fn record_held(
        &self,
        services: &Services,
        held_on: NaiveDate,
        attended: Vec<Uuid>,
        quorate: bool,
    ) -> Result<BoardMeetingEvent, BoardMeetingError> {
        let scheduled = self.scheduled()?;
        if self.held.is_some() {
            return Err(BoardMeetingError::AlreadyHeld);
        }
        not_in_future("heldOn", held_on, services.today())?;
        attendees_seated(services, scheduled.board_id, held_on, &attended).await?;
        Ok(BoardMeetingEvent::MeetingHeld {
            held_on,
            attended,
            quorate,
        })
    }

    async fn record_decision(
        &self,
        services: &Services,
        decision: BoardDecision,
    ) -> Result<BoardMeetingEvent, BoardMeetingError> {
        self.scheduled()?;
        if self.held.is_none() {
            return Err(BoardMeetingError::NotHeld);
        }
        if self.decisions.iter().any(|d| d.id == decision.decision_id) {
            return Err(BoardMeetingError::DecisionAlreadyRecorded);
        }
        let voted = if decision.patient_members_voted && !decision.patient_members_present {
            let problem = "patient members cannot have voted unless present";
            Err(FieldError::new("patientMembersVoted", problem))
        } else {
            Ok(())
        };
        check_fields! {
            title = bounded_text("title", &decision.title, limits::TITLE, true);
            summary = bounded_text("summary", &decision.summary, limits::TEXT, false);
            _items = short_list("citedInputItems", decision.cited_input_items.len());
            _actions = short_list("citedActions", decision.cited_actions.len());
            _voted = voted;
        }
        citations_exist(
            services,
            &decision.cited_input_items,
            &decision.cited_actions,
        )
        .await?;
        Ok(BoardMeetingEvent::DecisionRecorded(BoardDecision {
            title,
            summary,
            cited_input_items: dedupe(decision.cited_input_items),
            cited_actions: dedupe(decision.cited_actions),
            ..decision
        }))
    }
}

impl Aggregate for BoardMeeting {
    const TYPE: &'static str = "BoardMeeting";
    type Command = BoardMeetingCommand;
    type Event = BoardMeetingEvent;
    type Error = BoardMeetingError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command {
            BoardMeetingCommand::Schedule {
                meeting_id,
                board_id,
                scheduled_for,
            } => {
                self.schedule(services, meeting_id, board_id, scheduled_for)
                    .await?
            }
            BoardMeetingCommand::RecordPapersIssued { issued_on } => {
                self.scheduled()?;
                not_in_future("issuedOn", issued_on, services.today())?;
                BoardMeetingEvent::PapersIssued { issued_on }
            }
            BoardMeetingCommand::RecordHeld {
                held_on,
                attended,
                quorate,
            } => {
                self.record_held(services, held_on, attended, quorate)
                    .await?
            }
            BoardMeetingCommand::RecordDecision {
                decision_id,
                title,
                summary,
                cited_input_items,
                cited_actions,
                patient_members_present,
                patient_members_voted,
            } => {
                let decision = BoardDecision {
                    decision_id,
                    title,
                    summary,
                    cited_input_items,
                    cited_actions,
                    patient_members_present,
                    patient_members_voted,
                };
                self.record_decision(services, decision).await?
            }
            BoardMeetingCommand::Postpone {
                scheduled_for,
                postponed_on,
                reason,
            } => self.postpone(scheduled_for, postponed_on, &reason, services.today())?,
            BoardMeetingCommand::Cancel {
                cancelled_on,
                reason,
            } => self.cancel(cancelled_on, &reason, services.today())?,
            BoardMeetingCommand::Amend {
                changes,
                correction,
            } => self.amend(services, changes, correction).await?,
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            BoardMeetingEvent::MeetingScheduled {
                meeting_id,
                board_id,
                organisation,
                scheduled_for,
            } => {
                self.scheduled = Some(Scheduled {
                    id: meeting_id,
                    board_id,
                    organisation,
                    scheduled_for,
                });
            }
            BoardMeetingEvent::PapersIssued { issued_on } => {
                self.papers_issued_on = Some(issued_on);
            }
            BoardMeetingEvent::MeetingHeld {
                held_on,
                attended,
                quorate,
            } => {
                self.held = Some(Held {
                    held_on,
                    attended,
                    quorate,
                });
            }
            BoardMeetingEvent::DecisionRecorded(decision) => {
                self.decisions.push(Cited {
                    id: decision.decision_id,
                    input_items: decision.cited_input_items,
                    actions: decision.cited_actions,
                });
            }
            BoardMeetingEvent::MeetingPostponed { scheduled_for, .. } => {
                if let Some(scheduled) = self.scheduled.as_mut() {
                    let before = std::mem::replace(&mut scheduled.scheduled_for, scheduled_for);
                    self.postponed_from = Some(before);
                }
            }
            BoardMeetingEvent::MeetingAmended { changes, .. } => self.take_in(changes),
            BoardMeetingEvent::MeetingCancelled { cancelled_on, .. } => {
                self.cancelled_on = Some(cancelled_on);
            }
        }
    }
}
