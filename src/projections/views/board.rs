//! The board view: a board or committee, its seats over time, and its dissolution.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::correction::CorrectionDoc;
use crate::domain::board::{Board, BoardEvent, BoardKind, SeatRole};
use crate::domain::common::OdsCode;
use crate::domain::correction::put_right;
use crate::projections::select::{docs_by_ids, Scope};
use crate::projections::view::{missing, OutOfOrder, View};
use crate::projections::write::{Kind, Rows, Table, Value};
use crate::store::Db;

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
    /// Every correction, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionDoc>,
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

const BOARDS: Table = Table {
    name: "view_boards",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET doc = excluded.doc",
};

impl View for BoardDoc {
    type Aggregate = Board;
    type Event = BoardEvent;
    const TABLES: &'static [&'static Table] = &[&BOARDS];

    fn apply(
        doc: Option<Self>,
        id: &str,
        event: BoardEvent,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder> {
        apply_board(doc, id, event, at)
    }

    fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()> {
        rows.doc(
            &BOARDS,
            vec![
                Value::Text(Some(self.id.to_string())),
                Value::Text(Some(self.organisation.as_str().to_owned())),
                Value::Int(created),
                Value::Text(Some(serde_json::to_string(self)?)),
            ],
        );
        Ok(())
    }
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
            corrections: vec![],
        });
    }
    let Some(mut doc) = doc else {
        return missing("event", "board", id);
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
        BoardEvent::BoardAmended {
            changes,
            correction,
        } => {
            let fields = changes.fields();
            put_right(&mut doc.name, changes.name);
            put_right(&mut doc.kind, changes.kind);
            put_right(&mut doc.established_on, changes.established_on);
            doc.corrections
                .push(CorrectionDoc::amended(correction, &fields, at));
        }
    }
    Ok(doc)
}

const SELECT: &str = "SELECT doc, log_position FROM view_boards";

/// One board.
pub async fn board(db: &Db, id: Uuid) -> anyhow::Result<Option<BoardDoc>> {
    Ok(docs_by_ids(db, SELECT, "id", &[id.to_string()])
        .await?
        .pop())
}

/// Boards of the organisations in scope (all of them for `None`), by establishment.
pub async fn boards(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<BoardDoc>> {
    let mut docs: Vec<BoardDoc> = match scope {
        Some(codes) => docs_by_ids(db, SELECT, "organisation", codes).await?,
        None => docs_by_ids(db, SELECT, "'1'", &["1".to_owned()]).await?,
    };
    sort_boards(&mut docs);
    Ok(docs)
}

/// Boards by establishment.
pub fn sort_boards(docs: &mut [BoardDoc]) {
    docs.sort_by_key(|b| (b.established_on, b.id));
}
