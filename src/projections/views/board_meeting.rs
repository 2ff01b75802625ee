//! The board meeting view: a meeting, its papers, who attended, and the decisions taken, with
//! the input items each decision cited as a table of their own.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use super::activity::{DatedText, PostponementDoc};
use super::correction::CorrectionDoc;
use crate::domain::board_meeting::{
    BoardDecision, BoardMeeting, BoardMeetingEvent, MeetingChanges,
};
use crate::domain::common::OdsCode;
use crate::domain::correction::put_right;
use crate::projections::select::{docs_by_ids, PushIn, CHUNK};
use crate::projections::view::{missing, OutOfOrder, View};
use crate::projections::write::{Kind, Rows, Table, Value};
use crate::store::Db;

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
    /// Every move to a later day, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub postponements: Vec<PostponementDoc>,
    /// When it was called off, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<DatedText>,
    /// Every correction, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionDoc>,
}

const MEETINGS: Table = Table {
    name: "view_meetings",
    columns: &[
        ("id", Kind::Text),
        ("board_id", Kind::Text),
        ("organisation", Kind::Text),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET doc = excluded.doc",
};
const DECISION_CITATIONS: Table = Table {
    name: "view_decision_citations",
    columns: &[
        ("input_item_id", Kind::Text),
        ("meeting_id", Kind::Text),
        ("decision_id", Kind::Text),
    ],
    on_conflict: "DO NOTHING",
};

impl View for MeetingDoc {
    type Aggregate = BoardMeeting;
    type Event = BoardMeetingEvent;
    const TABLES: &'static [&'static Table] = &[&MEETINGS, &DECISION_CITATIONS];

    fn apply(
        doc: Option<Self>,
        id: &str,
        event: BoardMeetingEvent,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder> {
        apply_meeting(doc, id, event, at)
    }

    fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()> {
        rows.doc(
            &MEETINGS,
            vec![
                Value::Text(Some(self.id.to_string())),
                Value::Text(Some(self.board_id.to_string())),
                Value::Text(Some(self.organisation.as_str().to_owned())),
                Value::Int(created),
                Value::Text(Some(serde_json::to_string(self)?)),
            ],
        );
        for decision in &self.decisions {
            for item in &decision.cited_input_items {
                rows.link(
                    &DECISION_CITATIONS,
                    vec![
                        item.to_string(),
                        self.id.to_string(),
                        decision.decision_id.to_string(),
                    ],
                );
            }
        }
        Ok(())
    }
}

/// Applies a board meeting event.
pub fn apply_meeting(
    doc: Option<MeetingDoc>,
    id: &str,
    event: BoardMeetingEvent,
    at: DateTime<Utc>,
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
            postponements: vec![],
            cancelled: None,
            corrections: vec![],
        });
    }
    let Some(mut doc) = doc else {
        return missing("event", "board meeting", id);
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
        BoardMeetingEvent::MeetingPostponed {
            scheduled_for,
            postponed_on,
            reason,
        } => {
            let moved = PostponementDoc::moving(
                &mut doc.scheduled_for,
                scheduled_for,
                postponed_on,
                reason,
            );
            doc.postponements.push(moved);
        }
        BoardMeetingEvent::MeetingCancelled {
            cancelled_on,
            reason,
        } => {
            doc.cancelled = Some(DatedText {
                on: cancelled_on,
                text: reason,
            });
        }
        BoardMeetingEvent::MeetingAmended {
            changes,
            correction,
        } => {
            doc.corrections
                .push(CorrectionDoc::amended(correction, &changes.fields(), at));
            doc.amend(changes);
        }
    }
    Ok(doc)
}

impl MeetingDoc {
    /// Takes corrected facts in: the day in force (the latest postponement's too), what holding
    /// the meeting recorded, and a decision's citations.
    fn amend(&mut self, changes: MeetingChanges) {
        if let Some(day) = changes.scheduled_for {
            self.scheduled_for = day;
            if let Some(latest) = self.postponements.last_mut() {
                latest.to = day;
            }
        }
        self.papers_issued_on = changes.papers_issued_on.or(self.papers_issued_on);
        if let Some((held_on, attended, quorate)) = self.held.as_mut() {
            put_right(held_on, changes.held_on);
            put_right(quorate, changes.quorate);
            put_right(attended, changes.attended);
        }
        let Some(cited) = changes.decision else {
            return;
        };
        let found = self
            .decisions
            .iter_mut()
            .find(|d| d.decision_id == cited.decision_id);
        if let Some(decision) = found {
            decision.cited_input_items = cited
                .cited_input_items
                .unwrap_or_else(|| std::mem::take(&mut decision.cited_input_items));
            decision.cited_actions = cited
                .cited_actions
                .unwrap_or_else(|| std::mem::take(&mut decision.cited_actions));
        }
    }
}

const SELECT: &str = "SELECT doc, log_position FROM view_meetings";

/// One meeting.
pub async fn meeting(db: &Db, id: Uuid) -> anyhow::Result<Option<MeetingDoc>> {
    Ok(docs_by_ids(db, SELECT, "id", &[id.to_string()])
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
    meetings_of_boards(db, &[board]).await
}

/// Every meeting of any of `boards`, read together: board by board in the order given, each
/// board's by date.
pub async fn meetings_of_boards(db: &Db, boards: &[Uuid]) -> anyhow::Result<Vec<MeetingDoc>> {
    let ids: Vec<String> = boards.iter().map(Uuid::to_string).collect();
    let mut docs: Vec<MeetingDoc> = docs_by_ids(db, SELECT, "board_id", &ids).await?;
    sort_meetings(&mut docs, boards);
    Ok(docs)
}

/// Meetings board by board in the order of `boards`, each board's by date.
pub fn sort_meetings(docs: &mut [MeetingDoc], boards: &[Uuid]) {
    let place = |board: &Uuid| boards.iter().position(|b| b == board);
    docs.sort_by_key(|m| (place(&m.board_id), meeting_order(m)));
}

/// Where a meeting sits among its board's: by the day held (or else scheduled), then id.
pub fn meeting_order(meeting: &MeetingDoc) -> (NaiveDate, Uuid) {
    let day = meeting.held.as_ref().map_or(meeting.scheduled_for, |h| h.0);
    (day, meeting.id)
}

/// Board decisions that cited any of `input_items` (ids), with their meetings, once each.
pub async fn decisions_citing(
    db: &Db,
    input_items: &[String],
) -> anyhow::Result<Vec<(MeetingDoc, BoardDecision)>> {
    let mut meeting_ids: Vec<String> = Vec::new();
    for chunk in input_items.chunks(CHUNK) {
        let found: Vec<String> = on_db!(db, pool => {
            let mut q = QueryBuilder::new(
                "SELECT DISTINCT meeting_id FROM view_decision_citations WHERE ");
            q.push_in("input_item_id", chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| r.get(0)).collect()
        });
        meeting_ids.extend(found);
    }
    meeting_ids.sort();
    meeting_ids.dedup();
    let cites = |d: &BoardDecision| {
        d.cited_input_items
            .iter()
            .any(|i| input_items.contains(&i.to_string()))
    };
    let meetings: Vec<MeetingDoc> = docs_by_ids(db, SELECT, "id", &meeting_ids).await?;
    let mut found: Vec<(MeetingDoc, BoardDecision)> = meetings
        .iter()
        .flat_map(|m| {
            m.decisions
                .iter()
                .filter(|d| cites(d))
                .map(|d| (m.clone(), d.clone()))
        })
        .collect();
    found.sort_by_key(|(m, d)| (m.held.as_ref().map(|h| h.0), d.decision_id));
    Ok(found)
}
