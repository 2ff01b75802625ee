//! The `Appointment` aggregate: its state, rules and how events change it.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{eligible_participant, live_board, seat_taken};
use super::{AppointmentCommand, AppointmentError, AppointmentEvent};
use crate::check_fields;
use crate::domain::board::SeatRole;
use crate::domain::common::{FieldError, OdsCode};
use crate::domain::rules::{not_after, not_before, not_in_future};
use crate::domain::services::{AppointmentFacts, Services};

/// An appointment as its events left it; empty until made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    pub(super) made: Option<Made>,
    pub(super) ended_on: Option<NaiveDate>,
}

/// What the appointment established, with the term end kept current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Made {
    pub(super) id: Uuid,
    pub(super) board_id: Uuid,
    organisation: OdsCode,
    pub(super) participant_id: Uuid,
    pub(super) role: SeatRole,
    pub(super) voting: bool,
    pub(super) term_start: NaiveDate,
    pub(super) term_end: NaiveDate,
    /// The term end the latest renewal extended, once renewed.
    #[serde(default)]
    pub(super) extended_from: Option<NaiveDate>,
}

impl Appointment {
    /// The appointment's id, once made.
    pub fn id(&self) -> Option<Uuid> {
        self.made.as_ref().map(|m| m.id)
    }

    /// The board the seat is on, once made.
    pub fn board_id(&self) -> Option<Uuid> {
        self.made.as_ref().map(|m| m.board_id)
    }

    /// The person holding the seat, once made.
    pub fn participant_id(&self) -> Option<Uuid> {
        self.made.as_ref().map(|m| m.participant_id)
    }

    /// The organisation of the board, once made.
    pub fn organisation(&self) -> Option<&OdsCode> {
        self.made.as_ref().map(|m| &m.organisation)
    }

    /// The role of the seat, once made.
    pub fn role(&self) -> Option<SeatRole> {
        self.made.as_ref().map(|m| m.role)
    }

    /// Whether the seat votes, once made.
    pub fn voting(&self) -> Option<bool> {
        self.made.as_ref().map(|m| m.voting)
    }

    /// The last day served, once ended.
    pub fn ended_on(&self) -> Option<NaiveDate> {
        self.ended_on
    }

    /// What other aggregates may know of the appointment, once made.
    pub fn facts(&self) -> Option<AppointmentFacts> {
        self.made.as_ref().map(|m| AppointmentFacts {
            id: m.id,
            board_id: m.board_id,
            participant_id: m.participant_id,
            term_start: m.term_start,
            term_end: m.term_end,
            ended_on: self.ended_on,
        })
    }

    /// The appointment, if made and not ended.
    fn current(&self) -> Result<&Made, AppointmentError> {
        let made = self.made.as_ref().ok_or(AppointmentError::NotFound)?;
        if self.ended_on.is_some() {
            return Err(AppointmentError::AlreadyEnded);
        }
        Ok(made)
    }

    /// Renew: state first, then fields, then the other seats the person holds.
    async fn renew(
        &self,
        services: &Services,
        term_end: NaiveDate,
        renewed_on: NaiveDate,
    ) -> Result<AppointmentEvent, AppointmentError> {
        let made = self.current()?;
        let later = if term_end <= made.term_end {
            Err(FieldError::new(
                "termEnd",
                format!(
                    "{term_end} is not after the current term end, {}",
                    made.term_end
                ),
            ))
        } else {
            Ok(())
        };
        check_fields! {
            _term_end = later;
            _renewed = not_in_future("renewedOn", renewed_on, services.today());
        }
        // Only the days added by the renewal can newly collide with another seat.
        let added_from = made.term_end.succ_opt().unwrap_or(made.term_end);
        let taken = seat_taken(
            services,
            made.participant_id,
            made.board_id,
            Some(made.id),
            added_from,
            term_end,
        )
        .await?;
        if taken {
            return Err(AppointmentError::RenewalOverlaps);
        }
        Ok(AppointmentEvent::Renewed {
            term_end,
            renewed_on,
        })
    }
}

impl Aggregate for Appointment {
    const TYPE: &'static str = "Appointment";
    type Command = AppointmentCommand;
    type Event = AppointmentEvent;
    type Error = AppointmentError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command {
            AppointmentCommand::Appoint {
                appointment_id,
                board_id,
                participant_id,
                role,
                voting,
                term_start,
                term_end,
            } => {
                if self.made.is_some() {
                    return Err(AppointmentError::AlreadyExists);
                }
                if term_end <= term_start {
                    let problem = format!("{term_end} is not after the term start, {term_start}");
                    return Err(FieldError::new("termEnd", problem).into());
                }
                let organisation = live_board(services, board_id).await?;
                eligible_participant(services, participant_id, &organisation).await?;
                if seat_taken(
                    services,
                    participant_id,
                    board_id,
                    None,
                    term_start,
                    term_end,
                )
                .await?
                {
                    return Err(AppointmentError::SeatOverlaps);
                }
                AppointmentEvent::Appointed {
                    appointment_id,
                    board_id,
                    organisation,
                    participant_id,
                    role,
                    voting,
                    term_start,
                    term_end,
                }
            }
            AppointmentCommand::Renew {
                term_end,
                renewed_on,
            } => self.renew(services, term_end, renewed_on).await?,
            AppointmentCommand::Amend {
                changes,
                correction,
            } => self.amend(services, changes, correction).await?,
            AppointmentCommand::End { reason, ended_on } => {
                let made = self.current()?;
                not_in_future("endedOn", ended_on, services.today())?;
                not_before("endedOn", ended_on, made.term_start, "the term started")?;
                not_after("endedOn", ended_on, made.term_end, "the term ends")?;
                AppointmentEvent::Ended { reason, ended_on }
            }
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            AppointmentEvent::Appointed {
                appointment_id,
                board_id,
                organisation,
                participant_id,
                role,
                voting,
                term_start,
                term_end,
            } => {
                self.made = Some(Made {
                    id: appointment_id,
                    board_id,
                    organisation,
                    participant_id,
                    role,
                    voting,
                    term_start,
                    term_end,
                    extended_from: None,
                });
            }
            AppointmentEvent::Renewed { term_end, .. } => {
                if let Some(made) = self.made.as_mut() {
                    made.extended_from = Some(std::mem::replace(&mut made.term_end, term_end));
                }
            }
            AppointmentEvent::Ended { ended_on, .. } => self.ended_on = Some(ended_on),
            AppointmentEvent::Amended { changes, .. } => {
                if let Some(made) = self.made.as_mut() {
                    made.amend(changes);
                }
            }
        }
    }
}
