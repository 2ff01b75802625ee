//! The participant view: status, consent history and links, and never personal data (that stays
//! sealed in the log and is read through the participant's key).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use crate::domain::access::ParticipantAccess;
use crate::domain::common::OdsCode;
use crate::domain::participant::{ConsentPurpose, ErasureReason, Participant, ParticipantEvent};
use crate::projections::select::{docs_by_ids, docs_in_scope, parse_docs, PushIn, Scope, CHUNK};
use crate::projections::view::{OutOfOrder, View};
use crate::projections::write::{Kind, Rows, Table, Value};
use crate::store::Db;

/// One consent given or withdrawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentDoc {
    pub purpose: ConsentPurpose,
    pub given: bool,
    pub on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// The erasure of a participant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErasureDoc {
    pub reason: ErasureReason,
    pub requested_on: NaiveDate,
    pub erased_on: NaiveDate,
}

/// A participant as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantDoc {
    pub id: Uuid,
    pub organisation: OdsCode,
    pub registered_on: NaiveDate,
    pub details_updated_on: Vec<NaiveDate>,
    pub consents: Vec<ConsentDoc>,
    pub activities: Vec<Uuid>,
    pub input_items: Vec<Uuid>,
    pub erasure: Option<ErasureDoc>,
}

impl ParticipantDoc {
    /// The consent now in force for `purpose`.
    pub fn consent(&self, purpose: ConsentPurpose) -> bool {
        self.consents
            .iter()
            .rev()
            .find(|c| c.purpose == purpose)
            .is_some_and(|c| c.given)
    }
}

const PARTICIPANTS: Table = Table {
    name: "view_participants",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("erased", Kind::Bool),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET erased = excluded.erased, doc = excluded.doc",
};
const PARTICIPANT_LINKS: Table = Table {
    name: "view_participant_links",
    columns: &[("participant_id", Kind::Text), ("target_id", Kind::Text)],
    on_conflict: "DO NOTHING",
};

impl View for ParticipantDoc {
    type Aggregate = Participant;
    type Event = ParticipantEvent;
    const TABLES: &'static [&'static Table] = &[&PARTICIPANTS, &PARTICIPANT_LINKS];
    const ALSO: &'static [&'static str] = &[<ParticipantAccess as cqrs_es::Aggregate>::TYPE];

    fn apply(
        doc: Option<Self>,
        id: &str,
        event: ParticipantEvent,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder> {
        apply_participant(doc, id, event, at)
    }

    fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()> {
        rows.doc(
            &PARTICIPANTS,
            vec![
                Value::Text(Some(self.id.to_string())),
                Value::Text(Some(self.organisation.as_str().to_owned())),
                Value::Bool(self.erasure.is_some()),
                Value::Int(created),
                Value::Text(Some(serde_json::to_string(self)?)),
            ],
        );
        for target in self.activities.iter().chain(&self.input_items) {
            rows.link(
                &PARTICIPANT_LINKS,
                vec![self.id.to_string(), target.to_string()],
            );
        }
        Ok(())
    }
}

/// Applies a participant event.
pub fn apply_participant(
    doc: Option<ParticipantDoc>,
    id: &str,
    event: ParticipantEvent,
    at: DateTime<Utc>,
) -> Result<ParticipantDoc, OutOfOrder> {
    if let ParticipantEvent::ParticipantRegistered {
        participant_id,
        organisation,
        registered_on,
        ..
    } = event
    {
        return Ok(ParticipantDoc {
            id: participant_id,
            organisation,
            registered_on,
            details_updated_on: vec![],
            consents: vec![],
            activities: vec![],
            input_items: vec![],
            erasure: None,
        });
    }
    let Some(mut doc) = doc else {
        return Err(OutOfOrder {
            event: "participant event",
            aggregate: "participant",
            id: id.to_owned(),
        });
    };
    match event {
        ParticipantEvent::ParticipantRegistered { .. } => {}
        ParticipantEvent::DetailsUpdated { updated_on, .. } => {
            doc.details_updated_on.push(updated_on)
        }
        ParticipantEvent::ConsentRecorded { purpose, given, on } => {
            doc.consents.push(ConsentDoc {
                purpose,
                given,
                on,
                recorded_at: at,
            });
        }
        ParticipantEvent::LinkedToActivity { activity_id } => doc.activities.push(activity_id),
        ParticipantEvent::LinkedToInputItem { input_item_id } => {
            doc.input_items.push(input_item_id)
        }
        ParticipantEvent::ParticipantErased {
            reason,
            requested_on,
            erased_on,
        } => {
            doc.erasure = Some(ErasureDoc {
                reason,
                requested_on,
                erased_on,
            });
        }
    }
    Ok(doc)
}

/// One participant (no personal data: that is read through the ledger with their key).
pub async fn participant(db: &Db, id: Uuid) -> anyhow::Result<Option<(ParticipantDoc, i64)>> {
    let rows: Vec<(String, i64)> = on_db!(db, pool => sqlx::query("SELECT doc, log_position FROM view_participants WHERE id = $1")
        .bind(id.to_string()).fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect());
    Ok(parse_docs(rows)?.pop())
}

/// Participants of the organisations in scope, oldest first.
pub async fn participants(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<(ParticipantDoc, i64)>> {
    docs_in_scope(db, "view_participants", scope).await
}

/// Participants linked to any of `targets` (activities or input items), oldest first.
pub async fn participants_linked(
    db: &Db,
    targets: &[String],
) -> anyhow::Result<Vec<ParticipantDoc>> {
    let mut ids: Vec<String> = Vec::new();
    for chunk in targets.chunks(CHUNK) {
        let found: Vec<String> = on_db!(db, pool => {
            let mut q = QueryBuilder::new("SELECT DISTINCT participant_id FROM view_participant_links WHERE ");
            q.push_in("target_id", chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| r.get(0)).collect()
        });
        ids.extend(found);
    }
    ids.sort();
    ids.dedup();
    let mut docs: Vec<ParticipantDoc> = docs_by_ids(
        db,
        "SELECT doc, log_position FROM view_participants",
        "id",
        &ids,
    )
    .await?;
    docs.sort_by_key(|d| (d.registered_on, d.id));
    Ok(docs)
}
