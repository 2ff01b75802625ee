//! One batch of the log through the views: the documents its events continue read from the
//! tables (those not held in memory), the events applied to them, and their rows for the
//! writer. What each aggregate's view does is its own (`views/`); this only dispatches.

use std::collections::HashSet;

use anyhow::Context;

use super::{Docs, Records};
use crate::projections::log::ViewEvent;
use crate::projections::views::Doc;
use crate::projections::views::{view_of, TABLES};
use crate::projections::write::Rows;
use crate::store::{stream_key, Db};

/// Events the live projector applies at a time.
pub(super) const BATCH: i64 = 500;

/// The stored documents, in the tables with `suffix`, of the records `wanted` names (see
/// [`missing_docs`]), by `type/id`, in one round trip (one query per view table on SQLite).
pub(super) async fn load_docs(db: &Db, suffix: &str, wanted: Wanted<'_>) -> anyhow::Result<Docs> {
    // (aggregate type, id, document, created) rows.
    let rows: Vec<(String, String, String, i64)> = match db {
        Db::Postgres(pool) => {
            if wanted.is_empty() {
                Vec::new()
            } else {
                // One round trip for every table.
                let selects: Vec<String> = wanted
                    .iter()
                    .enumerate()
                    .map(|(n, (aggregate_type, table, key, created, _))| {
                        format!(
                            "SELECT '{aggregate_type}', {key}, doc, {created} FROM {table}{suffix} \
                             WHERE {key} = ANY(${}::text[])",
                            n + 1
                        )
                    })
                    .collect();
                let sql = selects.join(" UNION ALL ");
                let mut query = sqlx::query_as(&sql);
                for (_, _, _, _, ids) in &wanted {
                    query = query.bind(ids.clone());
                }
                query.fetch_all(pool).await?
            }
        }
        Db::Sqlite(pool) => {
            let mut rows = Vec::new();
            for (aggregate_type, table, key, created, ids) in &wanted {
                for chunk in ids.chunks(BATCH as usize) {
                    let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
                    let sql = format!(
                        "SELECT '{aggregate_type}', {key}, doc, {created} FROM {table}{suffix} \
                         WHERE {key} IN ({})",
                        marks.join(", ")
                    );
                    let mut query = sqlx::query_as(&sql);
                    for id in chunk {
                        query = query.bind(*id);
                    }
                    rows.extend(query.fetch_all(pool).await?);
                }
            }
            rows
        }
    };
    let mut found = Docs::with_capacity_and_hasher(rows.len(), Default::default());
    for (aggregate_type, id, text, created) in rows {
        let Some(doc) = Doc::decode(&aggregate_type, &text) else {
            continue;
        };
        found.insert(stream_key(&aggregate_type, &id), (doc?, created));
    }
    Ok(found)
}

/// Documents to read from the tables: by aggregate type, with its table, key column, what
/// answers the position that created a row, and ids.
pub(super) type Wanted<'a> = Vec<(
    &'a str,
    &'static str,
    &'static str,
    &'static str,
    Vec<&'a str>,
)>;

/// The records `events` continue whose documents `known` lacks, so that they must be read from
/// the tables.
pub(super) fn missing_docs<'a>(events: &'a [ViewEvent], known: &Docs) -> Wanted<'a> {
    let mut wanted: Wanted = Vec::new();
    let mut seen = HashSet::new();
    for event in events {
        let aggregate_type = event.aggregate_type.as_str();
        // A stream whose first event here is its first of all has no row yet: the views
        // hold only what the log's earlier events made.
        if !seen.insert((aggregate_type, event.aggregate_id.as_str()))
            || event.sequence == 1
            || known.contains_key(&stream_key(aggregate_type, &event.aggregate_id))
        {
            continue;
        }
        let Some(view) = view_of(aggregate_type) else {
            continue;
        };
        match wanted.iter_mut().find(|w| w.0 == aggregate_type) {
            Some(w) => w.4.push(event.aggregate_id.as_str()),
            None => wanted.push((
                aggregate_type,
                view.table,
                view.key,
                view.created,
                vec![&event.aggregate_id],
            )),
        }
    }
    wanted
}

/// Applies `events` to the documents in `docs`, taking those not there yet from `stored` (the
/// tables' copies); answers with the keys of the documents changed.
pub(super) fn apply_events(
    events: &[ViewEvent],
    docs: &mut Docs,
    stored: &mut Docs,
) -> anyhow::Result<Records> {
    let mut changed = Records::default();
    for event in events {
        let key = stream_key(&event.aggregate_type, &event.aggregate_id);
        let current = match docs.remove(&key) {
            Some(found) => Some(found),
            None => stored.remove(&key),
        };
        let (previous, created_at) = match current {
            Some((doc, created)) => (Some(doc), created),
            None => (None, event.at.position),
        };
        // The event applied to the document's previous state (if of the kind its stream
        // projects to); nothing for aggregates these views do not cover.
        let Some(next) = Doc::apply(
            &event.aggregate_type,
            previous,
            &event.aggregate_id,
            &event.payload,
            event.recorded_at,
        ) else {
            continue;
        };
        let next = next.with_context(|| {
            format!(
                "event at log position {} could not be applied",
                event.at.position
            )
        })?;
        changed.insert(key.clone());
        docs.insert(key, (next, created_at));
    }
    Ok(changed)
}

/// The table rows of a batch's documents, each created at its position; the documents are
/// then written, as far as they know (an action's new progress notes are taken out of it).
pub(super) fn rows_of<'a>(
    docs: impl IntoIterator<Item = &'a mut (Doc, i64)>,
) -> anyhow::Result<Rows> {
    let mut rows = Rows::new(&TABLES);
    for (doc, created) in docs {
        doc.rows(*created, &mut rows)?;
    }
    Ok(rows)
}
