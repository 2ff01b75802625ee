//! Tracing input to outcome: every event connected to some input items on one timeline, in the
//! order it was recorded, each with who recorded it, its position in the log and its hash.
//!
//! From an input item: its activity, the item itself, the actions linked to it, and the board
//! decisions citing it. From an action or a board decision: the input that led there, traced the
//! same way.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::projections::{board_read, read, read_stream, LoggedEvent};
use crate::store::{Db, LogPosition};

/// One step of a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub at: LogPosition,
    pub recorded_at: DateTime<Utc>,
    /// The day it happened, where the event says.
    pub occurred_on: Option<NaiveDate>,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    /// What happened, in words, with the event's main fields.
    pub summary: String,
    pub actor_subject: Option<String>,
    pub actor_role: Option<String>,
    pub actor_organisations: Option<String>,
    pub hash: String,
    pub prev_hash: String,
}

/// A timeline of everything connected to some input items.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    pub input_items: Vec<Uuid>,
    pub steps: Vec<Step>,
}

/// Fields shown in a step's summary, in this order.
const SHOWN: [&str; 10] = [
    "title",
    "outcome",
    "referred_to",
    "reason",
    "why",
    "channel",
    "summary",
    "due_on",
    "evidence",
    "text",
];

/// Fields naming the day something happened, most specific first.
const DAYS: [&str; 15] = [
    "raised_on",
    "decided_on",
    "given_on",
    "completed_on",
    "abandoned_on",
    "agreed_on",
    "proposed_on",
    "changed_on",
    "held_on",
    "published_on",
    "planned_on",
    "issued_on",
    "scheduled_for",
    "cancelled_on",
    "on",
];

/// "InputItemDecided" as "Input item decided".
fn words(event_type: &str) -> String {
    let mut out = String::with_capacity(event_type.len() + 4);
    for (i, c) in event_type.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The body of a stored payload, `{"EventType": body}`.
fn body(payload: &str) -> Value {
    let value: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
    match value {
        Value::Object(map) => map.into_iter().next().map(|(_, v)| v).unwrap_or_default(),
        other => other,
    }
}

/// A field of the body, or of an object nested in it (a revision's `decision`, say).
fn field<'a>(body: &'a Value, key: &str) -> Option<&'a Value> {
    body.get(key).or_else(|| {
        body.as_object()?
            .values()
            .filter(|v| v.is_object())
            .find_map(|v| v.get(key))
    })
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Step {
    pub(crate) fn of(event: &LoggedEvent) -> Self {
        let body = body(&event.payload);
        let mut parts = vec![words(&event.event_type)];
        for key in SHOWN {
            if let Some(value) = field(&body, key).and_then(text) {
                parts.push(format!("{}: {value}", key.replace('_', " ")));
            }
        }
        let occurred_on = DAYS
            .iter()
            .find_map(|key| field(&body, key)?.as_str()?.parse().ok());
        let metadata: Value = serde_json::from_str(&event.metadata).unwrap_or_default();
        let meta = |key: &str| metadata.get(key).and_then(text);
        Self {
            at: event.at,
            recorded_at: event.recorded_at,
            occurred_on,
            aggregate_type: event.aggregate_type.clone(),
            aggregate_id: event.aggregate_id.clone(),
            sequence: event.sequence,
            event_type: event.event_type.clone(),
            summary: parts.join("; "),
            actor_subject: meta("actor.subject"),
            actor_role: meta("actor.role"),
            actor_organisations: meta("actor.organisations"),
            hash: event.hash.clone(),
            prev_hash: event.prev_hash.clone(),
        }
    }
}

/// What to trace: input items, and actions and board decisions reached from them or asked for.
#[derive(Debug, Default)]
struct Streams {
    items: BTreeSet<Uuid>,
    activities: BTreeSet<Uuid>,
    actions: BTreeSet<Uuid>,
    /// Meetings, with the decisions of each to show.
    decisions: BTreeMap<Uuid, HashSet<Uuid>>,
}

impl Streams {
    async fn add_item(&mut self, db: &Db, id: Uuid) -> anyhow::Result<()> {
        let Some(view) = read::input_item(db, id).await? else {
            return Ok(());
        };
        self.items.insert(id);
        self.activities.insert(view.doc.activity_id);
        self.actions.extend(view.actions.iter().map(|a| a.id));
        for (meeting, decision) in board_read::decisions_citing(db, id).await? {
            self.decisions
                .entry(meeting.id)
                .or_default()
                .insert(decision.decision_id);
        }
        Ok(())
    }

    fn list(&self) -> Vec<(&'static str, Uuid)> {
        let mut streams = Vec::new();
        streams.extend(self.activities.iter().map(|id| ("Activity", *id)));
        streams.extend(self.items.iter().map(|id| ("InputItem", *id)));
        streams.extend(self.actions.iter().map(|id| ("Action", *id)));
        streams.extend(self.decisions.keys().map(|id| ("BoardMeeting", *id)));
        streams
    }

    /// Reads every stream and lays the events out in commit order. A meeting's decisions are
    /// shown only when they are the ones traced.
    async fn timeline(self, db: &Db) -> anyhow::Result<Trace> {
        let mut steps = Vec::new();
        for (aggregate_type, id) in self.list() {
            for event in read_stream(db, aggregate_type, &id.to_string()).await? {
                if aggregate_type == "BoardMeeting" && event.event_type == "DecisionRecorded" {
                    let decision = body(&event.payload)
                        .get("decision_id")
                        .and_then(Value::as_str)
                        .and_then(|d| d.parse::<Uuid>().ok());
                    let wanted = self.decisions.get(&id);
                    if !decision.is_some_and(|d| wanted.is_some_and(|w| w.contains(&d))) {
                        continue;
                    }
                }
                steps.push(Step::of(&event));
            }
        }
        steps.sort_by_key(|s| s.at);
        Ok(Trace {
            input_items: self.items.into_iter().collect(),
            steps,
        })
    }
}

/// Everything connected to input item `id`.
pub async fn trace_input_item(db: &Db, id: Uuid) -> anyhow::Result<Trace> {
    let mut streams = Streams::default();
    streams.add_item(db, id).await?;
    streams.timeline(db).await
}

/// Action `id` and the input that led to it.
pub async fn trace_action(db: &Db, id: Uuid) -> anyhow::Result<Trace> {
    let mut streams = Streams::default();
    if let Some(action) = read::action(db, id).await? {
        streams.actions.insert(id);
        for item in &action.input_items {
            streams.add_item(db, *item).await?;
        }
    }
    streams.timeline(db).await
}

/// Board decision `decision` of meeting `meeting`, and the input and actions it cited.
pub async fn trace_board_decision(db: &Db, meeting: Uuid, decision: Uuid) -> anyhow::Result<Trace> {
    let mut streams = Streams::default();
    let found = board_read::meeting(db, meeting)
        .await?
        .and_then(|m| m.decisions.into_iter().find(|d| d.decision_id == decision));
    if let Some(d) = found {
        streams
            .decisions
            .entry(meeting)
            .or_default()
            .insert(decision);
        streams.actions.extend(d.cited_actions.iter().copied());
        for item in &d.cited_input_items {
            streams.add_item(db, *item).await?;
        }
    }
    streams.timeline(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_read_as_words() {
        assert_eq!(words("InputItemDecided"), "Input item decided");
        assert_eq!(words("DecisionRevised"), "Decision revised");
    }

    #[test]
    fn a_step_names_its_fields_day_and_actor() {
        let event = LoggedEvent {
            at: LogPosition { tx: 0, position: 9 },
            aggregate_type: "InputItem".into(),
            aggregate_id: "x".into(),
            sequence: 2,
            event_type: "InputItemDecided".into(),
            event_version: "1".into(),
            payload: r#"{"InputItemDecided":{"outcome":"DECLINED","reason":"No budget","referred_to":null,"decided_on":"2026-02-01"}}"#.into(),
            metadata: r#"{"actor.subject":"officer-7","actor.role":"ENGAGEMENT_OFFICER","actor.organisations":"QMJ"}"#.into(),
            recorded_at: DateTime::UNIX_EPOCH,
            prev_hash: "p".into(),
            hash: "h".into(),
        };
        let step = Step::of(&event);
        assert_eq!(
            step.summary,
            "Input item decided; outcome: DECLINED; reason: No budget"
        );
        assert_eq!(step.occurred_on, "2026-02-01".parse().ok());
        assert_eq!(
            (step.actor_subject.as_deref(), step.actor_role.as_deref()),
            (Some("officer-7"), Some("ENGAGEMENT_OFFICER"))
        );
    }
}
