//! Reading the board views.

use chrono::NaiveDate;
use uuid::Uuid;

use super::boards::{AppointmentDoc, BoardDoc, MeetingDoc};
use super::read::{docs_by_ids, Scope};
use crate::domain::board_meeting::BoardDecision;
use crate::store::Db;

const BOARDS: &str = "SELECT doc, log_position FROM view_boards";
const APPOINTMENTS: &str = "SELECT doc, log_position FROM view_appointments";
const MEETINGS: &str = "SELECT doc, log_position FROM view_meetings";

/// One board.
pub async fn board(db: &Db, id: Uuid) -> anyhow::Result<Option<BoardDoc>> {
    Ok(docs_by_ids(db, BOARDS, "id", &[id.to_string()])
        .await?
        .pop())
}

/// Boards of the organisations in scope (all of them for `None`), by establishment.
pub async fn boards(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<BoardDoc>> {
    let mut docs: Vec<BoardDoc> = match scope {
        Some(codes) => docs_by_ids(db, BOARDS, "organisation", codes).await?,
        None => docs_by_ids(db, BOARDS, "'1'", &["1".to_owned()]).await?,
    };
    docs.sort_by_key(|b| (b.established_on, b.id));
    Ok(docs)
}

/// One appointment.
pub async fn appointment(db: &Db, id: Uuid) -> anyhow::Result<Option<AppointmentDoc>> {
    Ok(docs_by_ids(db, APPOINTMENTS, "id", &[id.to_string()])
        .await?
        .pop())
}

/// Every appointment to a board, by term start.
pub async fn appointments_to(db: &Db, board: Uuid) -> anyhow::Result<Vec<AppointmentDoc>> {
    let mut docs: Vec<AppointmentDoc> =
        docs_by_ids(db, APPOINTMENTS, "board_id", &[board.to_string()]).await?;
    docs.sort_by_key(|a| (a.term_start, a.id));
    Ok(docs)
}

/// Every appointment held by a participant, on any board.
pub async fn appointments_of(db: &Db, participant: Uuid) -> anyhow::Result<Vec<AppointmentDoc>> {
    let mut docs: Vec<AppointmentDoc> = docs_by_ids(
        db,
        APPOINTMENTS,
        "participant_id",
        &[participant.to_string()],
    )
    .await?;
    docs.sort_by_key(|a| (a.term_start, a.id));
    Ok(docs)
}

/// One meeting.
pub async fn meeting(db: &Db, id: Uuid) -> anyhow::Result<Option<MeetingDoc>> {
    Ok(docs_by_ids(db, MEETINGS, "id", &[id.to_string()])
        .await?
        .pop())
}

/// The meeting that recorded the board decision `decision`. Decisions have no table of their
/// own, so the meetings' documents are searched for the id (a hyphenated UUID, which holds no
/// pattern characters) and the match is confirmed on the parsed document.
pub async fn meeting_with_decision(db: &Db, decision: Uuid) -> anyhow::Result<Option<MeetingDoc>> {
    let pattern = format!("%{decision}%");
    let docs: Vec<String> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT doc FROM view_meetings WHERE doc LIKE $1")
        .bind(&pattern).fetch_all(pool).await?);
    for doc in docs {
        let meeting: MeetingDoc = serde_json::from_str(&doc)?;
        if meeting.decisions.iter().any(|d| d.decision_id == decision) {
            return Ok(Some(meeting));
        }
    }
    Ok(None)
}

/// Every meeting of a board, by date.
pub async fn meetings_of(db: &Db, board: Uuid) -> anyhow::Result<Vec<MeetingDoc>> {
    let mut docs: Vec<MeetingDoc> =
        docs_by_ids(db, MEETINGS, "board_id", &[board.to_string()]).await?;
    docs.sort_by_key(meeting_order);
    Ok(docs)
}

/// Where a meeting sits among its board's: by the day held (or else scheduled), then id.
pub fn meeting_order(meeting: &MeetingDoc) -> (NaiveDate, Uuid) {
    let day = meeting.held.as_ref().map_or(meeting.scheduled_for, |h| h.0);
    (day, meeting.id)
}

/// Board decisions that cited an input item, with their meetings.
pub async fn decisions_citing(
    db: &Db,
    input_item: Uuid,
) -> anyhow::Result<Vec<(MeetingDoc, BoardDecision)>> {
    let meeting_ids: Vec<String> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT DISTINCT meeting_id FROM view_decision_citations WHERE input_item_id = $1")
        .bind(input_item.to_string()).fetch_all(pool).await?);
    let meetings: Vec<MeetingDoc> = docs_by_ids(db, MEETINGS, "id", &meeting_ids).await?;
    let mut found: Vec<(MeetingDoc, BoardDecision)> = meetings
        .iter()
        .flat_map(|m| {
            m.decisions
                .iter()
                .filter(|d| d.cited_input_items.contains(&input_item))
                .map(|d| (m.clone(), d.clone()))
        })
        .collect();
    found.sort_by_key(|(m, d)| (m.held.as_ref().map(|h| h.0), d.decision_id));
    Ok(found)
}
