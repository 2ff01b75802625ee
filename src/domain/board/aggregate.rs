//! The `Board` aggregate: its state, rules and how events change it.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{BoardCommand, BoardError, BoardEvent, BoardKind, SeatRole};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError, OdsCode};
use crate::domain::rules::{not_before, not_in_future};
use crate::domain::services::Services;

const AFTER_ESTABLISHED: &str = "the board was established";

/// The most seats one role may have on a board.
const MAX_SEATS: u32 = 50;

/// A board as its events left it; empty until established.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub(super) established: Option<Established>,
    seats: Vec<SeatSetting>,
    /// The earliest day any seat setting took effect from: the establishment may not follow it.
    #[serde(default)]
    pub(super) first_seats_from: Option<NaiveDate>,
    pub(super) dissolved_on: Option<NaiveDate>,
}

/// What establishing the board recorded, with the name kept current.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Established {
    id: Uuid,
    organisation: OdsCode,
    pub(super) name: String,
    pub(super) kind: BoardKind,
    pub(super) established_on: NaiveDate,
}

/// The latest seat setting for one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatSetting {
    pub role: SeatRole,
    pub target: u32,
    pub voting: bool,
    pub from: NaiveDate,
}

impl Board {
    /// The board's id, once established.
    pub fn id(&self) -> Option<Uuid> {
        self.established.as_ref().map(|e| e.id)
    }

    /// The organisation the board belongs to, once established.
    pub fn organisation(&self) -> Option<&OdsCode> {
        self.established.as_ref().map(|e| &e.organisation)
    }

    /// The board's current name, once established.
    pub fn name(&self) -> Option<&str> {
        self.established.as_ref().map(|e| e.name.as_str())
    }

    /// What kind of body the board is, once established.
    pub fn kind(&self) -> Option<BoardKind> {
        self.established.as_ref().map(|e| e.kind)
    }

    /// The latest seat setting of each role that has one, in the order they were first set.
    pub fn seats(&self) -> &[SeatSetting] {
        &self.seats
    }

    /// Whether the board has been dissolved.
    pub fn is_dissolved(&self) -> bool {
        self.dissolved_on.is_some()
    }

    /// When the board was dissolved, if it was.
    pub fn dissolved_on(&self) -> Option<NaiveDate> {
        self.dissolved_on
    }

    /// The establishment of a board that is not dissolved.
    fn live(&self) -> Result<&Established, BoardError> {
        let established = self.established.as_ref().ok_or(BoardError::NotFound)?;
        if self.dissolved_on.is_some() {
            return Err(BoardError::Dissolved);
        }
        Ok(established)
    }

    /// Every command but Establish: state first, then fields.
    fn follow_up(&self, command: BoardCommand, today: NaiveDate) -> Result<BoardEvent, BoardError> {
        let event = match command {
            BoardCommand::Establish { .. } => return Err(BoardError::AlreadyExists),
            BoardCommand::SetSeats {
                role,
                target,
                voting,
                from,
            } => {
                let established = self.live()?;
                let seats = if target > MAX_SEATS {
                    Err(FieldError::new(
                        "target",
                        format!("must be 0 to {MAX_SEATS}"),
                    ))
                } else {
                    Ok(())
                };
                check_fields! {
                    _target = seats;
                    _from = not_in_future("from", from, today).and_then(|_| {
                        not_before("from", from, established.established_on, AFTER_ESTABLISHED)
                    });
                }
                BoardEvent::SeatsSet {
                    role,
                    target,
                    voting,
                    from,
                }
            }
            BoardCommand::Rename { name } => {
                self.live()?;
                BoardEvent::BoardRenamed {
                    name: bounded_text("name", &name, limits::TITLE, true)?,
                }
            }
            BoardCommand::Amend {
                changes,
                correction,
            } => self.amend(changes, correction, today)?,
            BoardCommand::Dissolve { dissolved_on } => {
                let established = self.live()?;
                not_in_future("dissolvedOn", dissolved_on, today)?;
                not_before(
                    "dissolvedOn",
                    dissolved_on,
                    established.established_on,
                    AFTER_ESTABLISHED,
                )?;
                BoardEvent::BoardDissolved { dissolved_on }
            }
        };
        Ok(event)
    }
}

impl Aggregate for Board {
    const TYPE: &'static str = "Board";
    type Command = BoardCommand;
    type Event = BoardEvent;
    type Error = BoardError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let today = services.today();
        let event = match command {
            BoardCommand::Establish {
                board_id,
                organisation,
                name,
                kind,
                established_on,
            } => {
                if self.established.is_some() {
                    return Err(BoardError::AlreadyExists);
                }
                check_fields! {
                    organisation = OdsCode::parse("organisation", &organisation);
                    name = bounded_text("name", &name, limits::TITLE, true);
                    _established = not_in_future("establishedOn", established_on, today);
                }
                if services.organisation(&organisation).await?.is_none() {
                    return Err(BoardError::OrganisationNotFound);
                }
                BoardEvent::BoardEstablished {
                    board_id,
                    organisation,
                    name,
                    kind,
                    established_on,
                }
            }
            other => self.follow_up(other, today)?,
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            BoardEvent::BoardEstablished {
                board_id,
                organisation,
                name,
                kind,
                established_on,
            } => {
                self.established = Some(Established {
                    id: board_id,
                    organisation,
                    name,
                    kind,
                    established_on,
                });
            }
            BoardEvent::SeatsSet {
                role,
                target,
                voting,
                from,
            } => {
                self.first_seats_from = Some(self.first_seats_from.map_or(from, |f| f.min(from)));
                let setting = SeatSetting {
                    role,
                    target,
                    voting,
                    from,
                };
                match self.seats.iter_mut().find(|s| s.role == role) {
                    Some(existing) => *existing = setting,
                    None => self.seats.push(setting),
                }
            }
            BoardEvent::BoardRenamed { name } => {
                if let Some(established) = self.established.as_mut() {
                    established.name = name;
                }
            }
            BoardEvent::BoardDissolved { dissolved_on } => self.dissolved_on = Some(dissolved_on),
            BoardEvent::BoardAmended { changes, .. } => {
                if let Some(established) = self.established.as_mut() {
                    established.amend(changes);
                }
            }
        }
    }
}
