//! Board, appointment and meeting views, and how their events change them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::docs::OutOfOrder;
use crate::domain::appointment::{AppointmentEvent, EndReason};
use crate::domain::board::{BoardEvent, BoardKind, SeatRole};
use crate::domain::board_meeting::{BoardDecision, BoardMeetingEvent};
use crate::domain::common::OdsCode;
use crate::domain::services::AppointmentFacts;

/// Seats for one role from a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatsDoc {
    pub role: SeatRole,
    pub target: u32,
    pub voting: bool,
    pub from: NaiveDate,
}

/// A board as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardDoc {
    pub id: Uuid,
    pub organisation: OdsCode,
    pub name: String,
    pub kind: BoardKind,
    pub established_on: NaiveDate,
    pub seats: Vec<SeatsDoc>,
    pub dissolved_on: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
}

impl BoardDoc {
    /// The seats for `role` in force on `day`: (target, voting).
    pub fn seats_on(&self, role: SeatRole, day: NaiveDate) -> (u32, bool) {
        self.seats
            .iter()
            .rfind(|s| s.role == role && s.from <= day)
            .map_or((0, false), |s| (s.target, s.voting))
    }
}

/// An appointment as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentDoc {
    pub id: Uuid,
    pub board_id: Uuid,
    pub participant_id: Uuid,
    pub organisation: OdsCode,
    pub role: SeatRole,
    pub voting: bool,
    pub term_start: NaiveDate,
    /// The first term end, then each renewal as (renewed on, new end).
    pub first_term_end: NaiveDate,
    pub renewals: Vec<(NaiveDate, NaiveDate)>,
    pub ended: Option<(EndReason, NaiveDate)>,
}

impl AppointmentDoc {
    /// The term end in force now.
    pub fn term_end(&self) -> NaiveDate {
        self.renewals
            .last()
            .map_or(self.first_term_end, |(_, end)| *end)
    }

    /// The term end as known on `day`.
    pub fn term_end_as_of(&self, day: NaiveDate) -> NaiveDate {
        self.renewals
            .iter()
            .rfind(|(on, _)| *on <= day)
            .map_or(self.first_term_end, |(_, end)| *end)
    }

    /// Whether the person held the seat on `day`, as the record stood on that day.
    pub fn held_on(&self, day: NaiveDate) -> bool {
        self.term_start <= day
            && day <= self.term_end_as_of(day)
            && self.ended.is_none_or(|(_, ended_on)| day <= ended_on)
    }

    /// The facts rules need.
    pub fn facts(&self) -> AppointmentFacts {
        AppointmentFacts {
            id: self.id,
            board_id: self.board_id,
            participant_id: self.participant_id,
            term_start: self.term_start,
            term_end: self.term_end(),
            ended_on: self.ended.map(|(_, on)| on),
        }
    }
}

/// A board meeting as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingDoc {
    pub id: Uuid,
    pub board_id: Uuid,
    pub organisation: OdsCode,
    pub scheduled_for: NaiveDate,
    pub papers_issued_on: Option<NaiveDate>,
    pub held: Option<(NaiveDate, Vec<Uuid>, bool)>,
    pub decisions: Vec<BoardDecision>,
}

fn missing<T>(aggregate: &'static str, id: &str) -> Result<T, OutOfOrder> {
    Err(OutOfOrder {
        event: "event",
        aggregate,
        id: id.to_owned(),
    })
}

/// Applies a board event.
pub fn apply_board(
    doc: Option<BoardDoc>,
    id: &str,
    event: BoardEvent,
    at: DateTime<Utc>,
) -> Result<BoardDoc, OutOfOrder> {
    if let BoardEvent::BoardEstablished {
        board_id,
        organisation,
        name,
        kind,
        established_on,
    } = event
    {
        return Ok(BoardDoc {
            id: board_id,
            organisation,
            name,
            kind,
            established_on,
            seats: vec![],
            dissolved_on: None,
            recorded_at: at,
        });
    }
    let Some(mut doc) = doc else {
        return missing("board", id);
    };
    match event {
        BoardEvent::BoardEstablished { .. } => {}
        BoardEvent::SeatsSet {
            role,
            target,
            voting,
            from,
        } => doc.seats.push(SeatsDoc {
            role,
            target,
            voting,
            from,
        }),
        BoardEvent::BoardRenamed { name } => doc.name = name,
        BoardEvent::BoardDissolved { dissolved_on } => doc.dissolved_on = Some(dissolved_on),
    }
    Ok(doc)
}

/// Applies an appointment event.
pub fn apply_appointment(
    doc: Option<AppointmentDoc>,
    id: &str,
    event: AppointmentEvent,
) -> Result<AppointmentDoc, OutOfOrder> {
    if let AppointmentEvent::Appointed {
        appointment_id,
        board_id,
        organisation,
        participant_id,
        role,
        voting,
        term_start,
        term_end,
    } = event
    {
        return Ok(AppointmentDoc {
            id: appointment_id,
            board_id,
            participant_id,
            organisation,
            role,
            voting,
            term_start,
            first_term_end: term_end,
            renewals: vec![],
            ended: None,
        });
    }
    let Some(mut doc) = doc else {
        return missing("appointment", id);
    };
    match event {
        AppointmentEvent::Appointed { .. } => {}
        AppointmentEvent::Renewed {
            term_end,
            renewed_on,
        } => doc.renewals.push((renewed_on, term_end)),
        AppointmentEvent::Ended { reason, ended_on } => doc.ended = Some((reason, ended_on)),
    }
    Ok(doc)
}

/// Applies a board meeting event.
pub fn apply_meeting(
    doc: Option<MeetingDoc>,
    id: &str,
    event: BoardMeetingEvent,
) -> Result<MeetingDoc, OutOfOrder> {
    if let BoardMeetingEvent::MeetingScheduled {
        meeting_id,
        board_id,
        organisation,
        scheduled_for,
    } = event
    {
        return Ok(MeetingDoc {
            id: meeting_id,
            board_id,
            organisation,
            scheduled_for,
            papers_issued_on: None,
            held: None,
            decisions: vec![],
        });
    }
    let Some(mut doc) = doc else {
        return missing("board meeting", id);
    };
    match event {
        BoardMeetingEvent::MeetingScheduled { .. } => {}
        BoardMeetingEvent::PapersIssued { issued_on } => doc.papers_issued_on = Some(issued_on),
        BoardMeetingEvent::MeetingHeld {
            held_on,
            attended,
            quorate,
        } => doc.held = Some((held_on, attended, quorate)),
        BoardMeetingEvent::DecisionRecorded(decision) => doc.decisions.push(decision),
    }
    Ok(doc)
}
