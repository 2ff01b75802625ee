//! Exports an auditor takes away: the audit trail of an organisation for a period (CSV or JSON
//! Lines, one event per line exactly as stored, with its position and hashes, so the chains can
//! be recomputed from the file), and "you said, we did" per organisation or activity.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::projections::views::streams_of_organisation;
use crate::projections::{LoggedEvent, EVENT_COLUMNS};
use crate::reports::spreadsheet;
use crate::store::{format_recorded_at, Db};

/// Every event of `organisation`'s records recorded from `from` (inclusive) to `to`
/// (exclusive), in commit order.
pub async fn audit_events(
    db: &Db,
    organisation: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> anyhow::Result<Vec<LoggedEvent>> {
    // The streams that belong to the organisation, as `type/id`, from the views.
    let streams = streams_of_organisation();
    let filter = format!("aggregate_type || '/' || aggregate_id IN ({streams})");
    let events = match db {
        Db::Postgres(pool) => {
            let sql = format!(
                "SELECT transaction_id::text, position, {EVENT_COLUMNS} FROM events WHERE {filter} \
                 AND recorded_at >= $2 AND recorded_at < $3 \
                 ORDER BY events.transaction_id, events.position"
            );
            let rows = sqlx::query(&sql)
                .bind(organisation)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(crate::projections::decode_event)
                .collect::<Result<Vec<_>, _>>()?
        }
        Db::Sqlite(pool) => {
            let sql = format!(
                "SELECT '0', position, {EVENT_COLUMNS} FROM events WHERE {filter} \
                 AND recorded_at >= $2 AND recorded_at < $3 ORDER BY position"
            );
            let rows = sqlx::query(&sql)
                .bind(organisation)
                .bind(format_recorded_at(&from))
                .bind(format_recorded_at(&to))
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(crate::projections::decode_event)
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    Ok(events)
}

/// One event as exported: every stored column, payload and metadata as the exact stored text.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ExportedEvent {
    pub position: i64,
    pub transaction: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub recorded_at: String,
    pub actor_subject: String,
    pub actor_role: String,
    pub metadata: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<&LoggedEvent> for ExportedEvent {
    fn from(e: &LoggedEvent) -> Self {
        let metadata: serde_json::Value = serde_json::from_str(&e.metadata).unwrap_or_default();
        let meta = |key: &str| {
            metadata
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        Self {
            position: e.at.position,
            transaction: e.at.tx,
            aggregate_type: e.aggregate_type.clone(),
            aggregate_id: e.aggregate_id.clone(),
            sequence: e.sequence,
            event_type: e.event_type.clone(),
            event_version: e.event_version.clone(),
            recorded_at: e.recorded_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            actor_subject: meta("actor.subject"),
            actor_role: meta("actor.role"),
            metadata: e.metadata.clone(),
            payload: e.payload.clone(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        }
    }
}

/// The trail as JSON Lines: one event per line.
pub fn json_lines(events: &[LoggedEvent]) -> anyhow::Result<String> {
    let mut out = String::new();
    for event in events {
        out.push_str(&serde_json::to_string(&ExportedEvent::from(event))?);
        out.push('\n');
    }
    Ok(out)
}

/// The trail as CSV with a header row, safe to open in a spreadsheet: a cell beginning with a
/// formula character (or `'`) gets a `'` in front, which a verifier drops before re-hashing
/// (see [`spreadsheet`]).
pub fn csv(events: &[LoggedEvent]) -> anyhow::Result<String> {
    spreadsheet::csv_file(
        &[
            "position",
            "transaction",
            "aggregate_type",
            "aggregate_id",
            "sequence",
            "event_type",
            "event_version",
            "recorded_at",
            "actor_subject",
            "actor_role",
            "metadata",
            "payload",
            "prev_hash",
            "hash",
        ],
        events.iter().map(ExportedEvent::from),
    )
}

/// A file to take away.
#[derive(Debug, Clone, PartialEq)]
pub struct Download {
    pub filename: String,
    pub content_type: &'static str,
    pub content: String,
    /// How many records (events or input items) it holds.
    pub rows: u64,
}

/// How an audit trail is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailFormat {
    Csv,
    JsonLines,
}

/// The audit trail of `organisation` recorded from `from` to `to` (exclusive), as a file.
pub async fn audit_trail(
    db: &Db,
    organisation: &str,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    format: TrailFormat,
) -> anyhow::Result<Download> {
    let events = audit_events(db, organisation, from, to).await?;
    let stem = format!(
        "audit-{organisation}-{}-{}",
        from.format("%Y%m%dT%H%M%SZ"),
        to.format("%Y%m%dT%H%M%SZ")
    );
    let (filename, content_type, content) = match format {
        TrailFormat::Csv => (format!("{stem}.csv"), "text/csv", csv(&events)?),
        TrailFormat::JsonLines => (
            format!("{stem}.jsonl"),
            "application/jsonl",
            json_lines(&events)?,
        ),
    };
    Ok(Download {
        filename,
        content_type,
        content,
        rows: events.len() as u64,
    })
}

/// How "you said, we did" is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Csv,
    Html,
}

/// "You said, we did" for `organisation` (or one `activity` of it), over the input raised on
/// the days `raised` covers, as of `today`, as a file.
pub async fn you_said_we_did(
    db: &Db,
    organisation: &str,
    activity: Option<uuid::Uuid>,
    raised: crate::reports::you_said::Raised,
    today: chrono::NaiveDate,
    format: ReportFormat,
) -> anyhow::Result<Download> {
    use crate::reports::{you_said, Documents};
    let codes = [organisation.to_owned()];
    let docs = Documents::load(db, &codes).await?;
    let rows = you_said::rows(&docs, organisation, activity, raised, today);
    let mut title = match activity.and_then(|a| docs.activities.iter().find(|x| x.id == a)) {
        Some(a) => format!("{} ({organisation})", a.title),
        // The organisation's name, as people know it; its code only if it has none on record.
        None => crate::projections::read::organisation(db, organisation)
            .await?
            .map_or_else(|| organisation.to_owned(), |o| o.name),
    };
    if !raised.said().is_empty() {
        title = format!("{title}, input {}", raised.said());
    }
    let mut stem = match activity {
        Some(a) => format!("you-said-we-did-{organisation}-{a}"),
        None => format!("you-said-we-did-{organisation}"),
    };
    for day in [raised.from, raised.to].into_iter().flatten() {
        stem = format!("{stem}-{day}");
    }
    let (filename, content_type, content) = match format {
        ReportFormat::Csv => (format!("{stem}.csv"), "text/csv", you_said::csv(&rows)?),
        ReportFormat::Html => (
            format!("{stem}.html"),
            "text/html; charset=utf-8",
            you_said::page(&title, &rows).html(),
        ),
    };
    Ok(Download {
        filename,
        content_type,
        content,
        rows: rows.len() as u64,
    })
}
