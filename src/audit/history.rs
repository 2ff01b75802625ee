//! Field-level history: every change to a record of any kind, field by field, with the old and
//! new values, who made it and when. The record is replayed event by event through the
//! projection, and each state is compared with the one before.
//!
//! A participant's personal details never reach a view; they stay sealed in the log with the
//! person's key. Their history says only that the sealed field was set, changed or erased, from
//! the kind of event, never its value or ciphertext: the events' sealed values are not read.

use std::collections::BTreeMap;

use super::trace::{body, Step};
use crate::domain::correction::Correction;
use crate::domain::participant::ParticipantEvent;
use crate::projections::boards::{AppointmentDoc, BoardDoc, MeetingDoc};
use crate::projections::docs::{ActionDoc, ActivityDoc, InputItemDoc, OrganisationDoc};
use crate::projections::participants::ParticipantDoc;
use crate::projections::{read_stream, LoggedEvent, View};
use crate::store::Db;
use serde::Serialize;
use serde_json::Value;

/// The kinds of record whose history can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Organisation,
    Activity,
    InputItem,
    Action,
    Board,
    Appointment,
    BoardMeeting,
    Participant,
}

/// One field's change.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// The field's path, such as `title`, `decisions[1].outcome` or `held.attendance.patients`.
    pub field: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// The field holds personal data sealed with the person's key: `old` and `new` are always
    /// absent, and the change says only that it was set, changed or erased.
    pub sealed: bool,
}

/// The changes one event made.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub step: Step,
    pub changes: Vec<FieldChange>,
    /// Why, when the event corrected the record.
    pub correction: Option<Correction>,
}

/// The reason a correcting event carries (every correction names it `correction`).
fn correction_of(payload: &str) -> Option<Correction> {
    serde_json::from_value(body(payload).get("correction")?.clone()).ok()
}

/// Every leaf of `value` by path; empty objects and lists are leaves too.
fn flatten(path: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                flatten(&path, v, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{path}[{i}]"), v, out);
            }
        }
        other => {
            out.insert(path.to_owned(), other.clone());
        }
    }
}

/// The fields that differ between two states; when the record was written is the revision's
/// own time, so the projection's `recorded_at` fields are left out, and so is the list of
/// corrections, whose reasons a revision carries itself.
fn diff(before: &BTreeMap<String, Value>, after: &BTreeMap<String, Value>) -> Vec<FieldChange> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !k.ends_with("recorded_at") && !k.starts_with("corrections["))
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            old: before.get(k).cloned().filter(|v| !v.is_null()),
            new: after.get(k).cloned().filter(|v| !v.is_null()),
            sealed: false,
        })
        .filter(|c| c.old != c.new)
        .collect()
}

fn state<T: Serialize>(doc: &T) -> anyhow::Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    flatten("", &serde_json::to_value(doc)?, &mut out);
    Ok(out)
}

/// The sealed fields an event sets, replaces or erases: none, for every record but a
/// participant.
type Sealing<E> = fn(&E) -> &'static [&'static str];

fn nothing_sealed<E>(_: &E) -> &'static [&'static str] {
    &[]
}

/// A participant's personal details are one sealed field, `details`: set on registration,
/// replaced by an update, and made unreadable for good by erasure.
fn participant_sealing(event: &ParticipantEvent) -> &'static [&'static str] {
    match event {
        ParticipantEvent::ParticipantRegistered { .. }
        | ParticipantEvent::DetailsUpdated { .. }
        | ParticipantEvent::ParticipantErased { .. } => &["details"],
        ParticipantEvent::ConsentRecorded { .. }
        | ParticipantEvent::LinkedToActivity { .. }
        | ParticipantEvent::LinkedToInputItem { .. } => &[],
    }
}

/// Replays one stream through its view, answering each event's field changes.
fn replay<V: View>(
    events: &[LoggedEvent],
    sealing: Sealing<V::Event>,
) -> anyhow::Result<Vec<Revision>> {
    let mut doc: Option<V> = None;
    let mut before = BTreeMap::new();
    let mut revisions = Vec::new();
    for event in events {
        let parsed: V::Event = serde_json::from_str(&event.payload)?;
        let sealed = sealing(&parsed).iter().map(|field| FieldChange {
            field: (*field).to_owned(),
            old: None,
            new: None,
            sealed: true,
        });
        let next = V::apply(doc.take(), &event.aggregate_id, parsed, event.recorded_at)?;
        let after = state(&next)?;
        let mut changes = diff(&before, &after);
        changes.extend(sealed);
        revisions.push(Revision {
            step: Step::of(event),
            changes,
            correction: correction_of(&event.payload),
        });
        before = after;
        doc = Some(next);
    }
    Ok(revisions)
}

/// The field-level history of record `id` (an organisation's ODS code, or else the record's
/// UUID), oldest first; empty when there is no such record.
pub async fn field_history(db: &Db, kind: Kind, id: &str) -> anyhow::Result<Vec<Revision>> {
    /// The stream of record `id` replayed through view `V`.
    async fn history<V: View>(
        db: &Db,
        id: &str,
        sealing: Sealing<V::Event>,
    ) -> anyhow::Result<Vec<Revision>> {
        replay::<V>(&read_stream(db, V::AGGREGATE, id).await?, sealing)
    }
    match kind {
        Kind::Organisation => history::<OrganisationDoc>(db, id, nothing_sealed).await,
        Kind::Activity => history::<ActivityDoc>(db, id, nothing_sealed).await,
        Kind::InputItem => history::<InputItemDoc>(db, id, nothing_sealed).await,
        Kind::Action => history::<ActionDoc>(db, id, nothing_sealed).await,
        Kind::Board => history::<BoardDoc>(db, id, nothing_sealed).await,
        Kind::Appointment => history::<AppointmentDoc>(db, id, nothing_sealed).await,
        Kind::BoardMeeting => history::<MeetingDoc>(db, id, nothing_sealed).await,
        Kind::Participant => history::<ParticipantDoc>(db, id, participant_sealing).await,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn flat(value: Value) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        flatten("", &value, &mut out);
        out
    }

    #[test]
    fn changes_name_nested_fields_with_old_and_new_values() {
        let before =
            flat(json!({ "title": "A", "decisions": [{ "outcome": "DECLINED" }], "due": null }));
        let after = flat(
            json!({ "title": "A", "decisions": [{ "outcome": "DECLINED" }, { "outcome": "ACCEPTED", "recorded_at": "x" }], "due": "2026-06-30" }),
        );
        assert_eq!(
            diff(&before, &after),
            vec![
                FieldChange {
                    field: "decisions[1].outcome".into(),
                    old: None,
                    new: Some(json!("ACCEPTED")),
                    sealed: false,
                },
                FieldChange {
                    field: "due".into(),
                    old: None,
                    new: Some(json!("2026-06-30")),
                    sealed: false,
                },
            ]
        );
    }

    #[test]
    fn a_correcting_event_gives_its_reason_and_others_none() {
        let amended = r#"{"InputItemAmended":{"changes":{"summary":"B"},"correction":{"category":"TYPO","detail":"Spelling"}}}"#;
        let reason = correction_of(amended).expect("a reason");
        assert_eq!(reason.detail, "Spelling");
        assert_eq!(correction_of(r#"{"FeedbackGiven":{"summary":"x"}}"#), None);
        let listed = flat(json!({ "corrections": [{ "detail": "Spelling" }], "summary": "B" }));
        assert_eq!(diff(&flat(json!({ "summary": "A" })), &listed).len(), 1);
    }

    #[test]
    fn an_emptied_list_is_a_change() {
        let before = flat(json!({ "themes": ["access"] }));
        let after = flat(json!({ "themes": [] }));
        let changes = diff(&before, &after);
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert!(changes
            .iter()
            .any(|c| c.field == "themes[0]" && c.new.is_none()));
    }
}
