//! The appointment view: one person's seat on one board, for a term, with its renewals and end.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::correction::CorrectionDoc;
use crate::domain::appointment::{Appointment, AppointmentEvent, EndReason};
use crate::domain::board::SeatRole;
use crate::domain::correction::put_right;
use crate::domain::common::OdsCode;
use crate::domain::services::AppointmentFacts;
use crate::projections::select::docs_by_ids;
use crate::projections::view::{missing, OutOfOrder, View};
use crate::projections::write::{Kind, Rows, Table, Value};
use crate::store::Db;

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
    /// Every correction, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionDoc>,
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

const APPOINTMENTS: Table = Table {
    name: "view_appointments",
    columns: &[
        ("id", Kind::Text),
        ("board_id", Kind::Text),
        ("participant_id", Kind::Text),
        ("organisation", Kind::Text),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET doc = excluded.doc",
};

impl View for AppointmentDoc {
    type Aggregate = Appointment;
    type Event = AppointmentEvent;
    const TABLES: &'static [&'static Table] = &[&APPOINTMENTS];

    fn apply(
        doc: Option<Self>,
        id: &str,
        event: AppointmentEvent,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder> {
        apply_appointment(doc, id, event, at)
    }

    fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()> {
        rows.doc(
            &APPOINTMENTS,
            vec![
                Value::Text(Some(self.id.to_string())),
                Value::Text(Some(self.board_id.to_string())),
                Value::Text(Some(self.participant_id.to_string())),
                Value::Text(Some(self.organisation.as_str().to_owned())),
                Value::Int(created),
                Value::Text(Some(serde_json::to_string(self)?)),
            ],
        );
        Ok(())
    }
}

/// Applies an appointment event.
pub fn apply_appointment(
    doc: Option<AppointmentDoc>,
    id: &str,
    event: AppointmentEvent,
    at: DateTime<Utc>,
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
            corrections: vec![],
        });
    }
    let Some(mut doc) = doc else {
        return missing("event", "appointment", id);
    };
    match event {
        AppointmentEvent::Appointed { .. } => {}
        AppointmentEvent::Renewed {
            term_end,
            renewed_on,
        } => doc.renewals.push((renewed_on, term_end)),
        AppointmentEvent::Ended { reason, ended_on } => doc.ended = Some((reason, ended_on)),
        AppointmentEvent::Amended {
            changes,
            correction,
        } => {
            let fields = changes.fields();
            put_right(&mut doc.role, changes.role);
            put_right(&mut doc.voting, changes.voting);
            put_right(&mut doc.term_start, changes.term_start);
            // The term end in force: the latest renewal's, or else the first.
            if let Some(end) = changes.term_end {
                match doc.renewals.last_mut() {
                    Some((_, renewed_to)) => *renewed_to = end,
                    None => doc.first_term_end = end,
                }
            }
            doc.corrections
                .push(CorrectionDoc::amended(correction, &fields, at));
        }
    }
    Ok(doc)
}

const SELECT: &str = "SELECT doc, log_position FROM view_appointments";

/// One appointment.
pub async fn appointment(db: &Db, id: Uuid) -> anyhow::Result<Option<AppointmentDoc>> {
    Ok(docs_by_ids(db, SELECT, "id", &[id.to_string()])
        .await?
        .pop())
}

/// Every appointment to a board, by term start.
pub async fn appointments_to(db: &Db, board: Uuid) -> anyhow::Result<Vec<AppointmentDoc>> {
    appointments_to_boards(db, &[board]).await
}

/// Every appointment to any of `boards`, read together: board by board in the order given,
/// each board's by term start.
pub async fn appointments_to_boards(
    db: &Db,
    boards: &[Uuid],
) -> anyhow::Result<Vec<AppointmentDoc>> {
    let ids: Vec<String> = boards.iter().map(Uuid::to_string).collect();
    let mut docs: Vec<AppointmentDoc> = docs_by_ids(db, SELECT, "board_id", &ids).await?;
    sort_appointments(&mut docs, boards);
    Ok(docs)
}

/// Appointments board by board in the order of `boards`, each board's by term start.
pub fn sort_appointments(docs: &mut [AppointmentDoc], boards: &[Uuid]) {
    let place = |board: &Uuid| boards.iter().position(|b| b == board);
    docs.sort_by_key(|a| (place(&a.board_id), a.term_start, a.id));
}

/// Every appointment held by a participant, on any board.
pub async fn appointments_of(db: &Db, participant: Uuid) -> anyhow::Result<Vec<AppointmentDoc>> {
    let mut docs: Vec<AppointmentDoc> = docs_by_ids(
        db,
        SELECT,
        "participant_id",
        &[participant.to_string()],
    )
    .await?;
    docs.sort_by_key(|a| (a.term_start, a.id));
    Ok(docs)
}
