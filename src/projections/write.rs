//! Writing a projector batch: every changed document and link, and the moved checkpoint, all
//! or nothing, in as few round trips as the backend allows.
//!
//! On PostgreSQL the whole batch is one statement: each table's rows go as column arrays
//! through `UNNEST`, and every write is conditional on the checkpoint moving from where the
//! batch started, so a batch that lost a race writes nothing. On SQLite (in process, no round
//! trips) the batch is one transaction of multi-row statements.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use sqlx::postgres::PgArguments;
use sqlx::Arguments;

use crate::store::{Db, LogPosition};

/// The type of a column, as PostgreSQL's arrays need it named.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Text,
    Date,
    Int,
    Bool,
}

impl Kind {
    fn array(self) -> &'static str {
        match self {
            Kind::Text => "text[]",
            Kind::Date => "date[]",
            Kind::Int => "int8[]",
            Kind::Bool => "bool[]",
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Text(Option<String>),
    Date(NaiveDate),
    Int(i64),
    Bool(bool),
}

/// A view table as the projector writes it.
pub(super) struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// What follows `ON CONFLICT`.
    pub on_conflict: &'static str,
}

pub(super) const ORGANISATIONS: Table = Table {
    name: "view_organisations",
    columns: &[
        ("ods_code", Kind::Text),
        ("ics", Kind::Text),
        ("doc", Kind::Text),
    ],
    on_conflict: "(ods_code) DO UPDATE SET ics = excluded.ics, doc = excluded.doc",
};
pub(super) const ACTIVITIES: Table = Table {
    name: "view_activities",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("planned_on", Kind::Date),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET organisation = excluded.organisation, \
                  planned_on = excluded.planned_on, doc = excluded.doc",
};
pub(super) const INPUT_ITEMS: Table = Table {
    name: "view_input_items",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("referred_to", Kind::Text),
        ("activity_id", Kind::Text),
        ("raised_on", Kind::Date),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET referred_to = excluded.referred_to, \
                  raised_on = excluded.raised_on, doc = excluded.doc",
};
pub(super) const ACTIONS: Table = Table {
    name: "view_actions",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET doc = excluded.doc",
};
pub(super) const ACTION_LINKS: Table = Table {
    name: "view_action_links",
    columns: &[("input_item_id", Kind::Text), ("action_id", Kind::Text)],
    on_conflict: "DO NOTHING",
};
/// An action's progress notes, numbered from 1 in the order recorded.
pub(super) const ACTION_PROGRESS: Table = Table {
    name: "view_action_progress",
    columns: &[
        ("action_id", Kind::Text),
        ("seq", Kind::Int),
        ("recorded_on", Kind::Date),
        ("note", Kind::Text),
    ],
    on_conflict: "DO NOTHING",
};
pub(super) const PARTICIPANTS: Table = Table {
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
pub(super) const PARTICIPANT_LINKS: Table = Table {
    name: "view_participant_links",
    columns: &[("participant_id", Kind::Text), ("target_id", Kind::Text)],
    on_conflict: "DO NOTHING",
};
pub(super) const BOARDS: Table = Table {
    name: "view_boards",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET doc = excluded.doc",
};
pub(super) const APPOINTMENTS: Table = Table {
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
pub(super) const MEETINGS: Table = Table {
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
pub(super) const DECISION_CITATIONS: Table = Table {
    name: "view_decision_citations",
    columns: &[
        ("input_item_id", Kind::Text),
        ("meeting_id", Kind::Text),
        ("decision_id", Kind::Text),
    ],
    on_conflict: "DO NOTHING",
};

/// Every table in the order a batch writes them.
pub(super) const TABLES: [&Table; 12] = [
    &ORGANISATIONS,
    &ACTIVITIES,
    &INPUT_ITEMS,
    &ACTIONS,
    &ACTION_LINKS,
    &ACTION_PROGRESS,
    &PARTICIPANTS,
    &PARTICIPANT_LINKS,
    &BOARDS,
    &APPOINTMENTS,
    &MEETINGS,
    &DECISION_CITATIONS,
];

/// The rows of one batch, table by table.
#[derive(Default)]
pub(super) struct Rows {
    /// Document rows, per table in [`TABLES`] order, each written once (the batch keeps one
    /// document per record).
    docs: [Vec<Vec<Value>>; TABLES.len()],
    /// Link rows, which many documents of a batch may repeat.
    links: [BTreeSet<Vec<String>>; TABLES.len()],
    /// Whether none of the rows is in the tables yet, so that they are inserted without
    /// looking for one to replace (a rebuild's first write of a record): on PostgreSQL with
    /// `COPY`, into tables that may not have their indexes yet. A row that is there after all
    /// fails the write, or the building of its table's unique key.
    new: bool,
}

fn index_of(table: &Table) -> usize {
    TABLES
        .iter()
        .position(|t| t.name == table.name)
        .expect("a view table the projector knows")
}

impl Rows {
    /// A document row of `table`, its values in the table's column order.
    pub fn doc(&mut self, table: &Table, row: Vec<Value>) {
        debug_assert_eq!(row.len(), table.columns.len());
        self.docs[index_of(table)].push(row);
    }

    /// A link row of `table`, whose columns are all text.
    pub fn link(&mut self, table: &Table, row: Vec<String>) {
        debug_assert_eq!(row.len(), table.columns.len());
        self.links[index_of(table)].insert(row);
    }

    /// Says that none of the rows is in the tables yet.
    pub fn all_new(mut self) -> Self {
        self.new = true;
        self
    }

    /// Every table with rows, and its rows.
    fn into_tables(self) -> Vec<(&'static Table, Vec<Vec<Value>>)> {
        TABLES
            .iter()
            .zip(self.docs)
            .zip(self.links)
            .filter_map(|((table, mut rows), links)| {
                rows.extend(
                    links
                        .into_iter()
                        .map(|r| r.into_iter().map(|v| Value::Text(Some(v))).collect()),
                );
                (!rows.is_empty()).then_some((*table, rows))
            })
            .collect()
    }
}

/// Where a batch goes: the checkpoint's name and the suffix of the tables written (none for
/// the live views; a rebuild writes tables beside them).
pub(super) struct Target<'a> {
    pub name: &'a str,
    pub suffix: &'a str,
    /// Whether other replicas are told the views moved (the live views on PostgreSQL), and
    /// the notification's payload: the writing replica's id, so that it can ignore its own.
    pub notify: Option<&'a str>,
}

/// Begins a transaction on `$pool` that moves `$target`'s checkpoint from `$from` to `$last`,
/// and evaluates to it; returns `Ok(false)` from the function, writing nothing, when the stored
/// checkpoint is no longer `$from`. (A macro: the two backends' queries are different types.)
macro_rules! begin_moving_checkpoint {
    ($pool:expr, $target:expr, $from:expr, $last:expr) => {{
        let mut tx = $pool.begin().await?;
        let moved = sqlx::query(&checkpoint_sql(""))
            .bind($target.name)
            .bind($last.tx)
            .bind($last.position)
            .bind(Utc::now())
            .bind($from.tx)
            .bind($from.position)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if !moved {
            tx.rollback().await?;
            return Ok(false);
        }
        tx
    }};
}

/// Writes `rows` and moves the checkpoint from `from` to `last`, all or nothing. Answers
/// `false`, writing nothing, when the stored checkpoint is no longer `from`. Rows said to be
/// new go by `COPY` on PostgreSQL (see [`copy_batch`]).
pub(super) async fn write_batch(
    db: &Db,
    target: &Target<'_>,
    rows: Rows,
    from: LogPosition,
    last: LogPosition,
) -> anyhow::Result<bool> {
    match db {
        Db::Postgres(pool) if rows.new => copy_batch(pool, target, rows, from, last).await,
        Db::Postgres(pool) => {
            let tables = rows.into_tables();
            let sql = postgres_statement(target, &tables);
            // The arguments' buffer at its full size from the start: grown by doubling, a
            // rebuild's batch of megabytes is copied over and over into fresh memory.
            let mut arguments = PgArguments::default();
            arguments.reserve(
                6 + tables.iter().map(|(t, _)| t.columns.len()).sum::<usize>(),
                128 + tables
                    .iter()
                    .map(|(_, rows)| encoded_size(rows))
                    .sum::<usize>(),
            );
            let mut query = sqlx::query_scalar_with::<_, i64, _>(&sql, arguments)
                .bind(target.name)
                .bind(last.tx)
                .bind(last.position)
                .bind(Utc::now())
                .bind(from.tx)
                .bind(from.position);
            for (table, rows) in tables {
                // Column by column, moving each value out of its row.
                let mut columns: Vec<Vec<Value>> = table
                    .columns
                    .iter()
                    .map(|_| Vec::with_capacity(rows.len()))
                    .collect();
                for row in rows {
                    for (column, value) in columns.iter_mut().zip(row) {
                        column.push(value);
                    }
                }
                for (column, (_, kind)) in columns.into_iter().zip(table.columns) {
                    query = match kind {
                        Kind::Text => query.bind(
                            column
                                .into_iter()
                                .map(|v| match v {
                                    Value::Text(t) => t,
                                    _ => None,
                                })
                                .collect::<Vec<_>>(),
                        ),
                        Kind::Date => query.bind(
                            column
                                .into_iter()
                                .filter_map(|v| match v {
                                    Value::Date(d) => Some(d),
                                    _ => None,
                                })
                                .collect::<Vec<_>>(),
                        ),
                        Kind::Int => query.bind(
                            column
                                .into_iter()
                                .filter_map(|v| match v {
                                    Value::Int(n) => Some(n),
                                    _ => None,
                                })
                                .collect::<Vec<_>>(),
                        ),
                        Kind::Bool => query.bind(
                            column
                                .into_iter()
                                .filter_map(|v| match v {
                                    Value::Bool(b) => Some(b),
                                    _ => None,
                                })
                                .collect::<Vec<_>>(),
                        ),
                    };
                }
            }
            Ok(query.fetch_one(pool).await? == 1)
        }
        Db::Sqlite(pool) => {
            let mut tx = begin_moving_checkpoint!(pool, target, from, last);
            let new = rows.new;
            for (table, rows) in rows.into_tables() {
                // Well under SQLite's limit of bound values per statement.
                let per_statement = (2000 / table.columns.len()).max(1);
                for chunk in rows.chunks(per_statement) {
                    let sql = sqlite_statement(target, table, chunk.len(), new);
                    let mut query = sqlx::query(&sql);
                    for row in chunk {
                        for value in row {
                            query = match value {
                                Value::Text(t) => query.bind(t.as_deref()),
                                Value::Date(d) => query.bind(*d),
                                Value::Int(n) => query.bind(*n),
                                Value::Bool(b) => query.bind(*b),
                            };
                        }
                    }
                    query.execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
            Ok(true)
        }
    }
}

/// Writes `rows`, none of them in the tables yet, into a rebuild's tables on PostgreSQL with
/// `COPY` (binary), and moves the checkpoint from `from` to `last`, all in one transaction.
/// Answers `false`, writing nothing, when the stored checkpoint is no longer `from`.
///
/// `COPY` inserts a page of rows at a time, with one log record for each, where an `INSERT`
/// goes row by row; and the rebuild's tables are filled before their indexes are built, so a
/// row that is there twice fails the rebuild when its unique index is built.
async fn copy_batch(
    pool: &sqlx::PgPool,
    target: &Target<'_>,
    rows: Rows,
    from: LogPosition,
    last: LogPosition,
) -> anyhow::Result<bool> {
    debug_assert!(rows.new, "only rows not in the tables yet are copied");
    // Only a rebuild says its rows are new, and it tells no other replica until it switches in.
    debug_assert!(target.notify.is_none(), "a copied batch notifies no one");
    let mut tx = begin_moving_checkpoint!(pool, target, from, last);
    // As for every projector batch: the views can be rebuilt from the log, so this commit need
    // not wait for the disk.
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    for (table, rows) in rows.into_tables() {
        let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
        let mut copy = tx
            .copy_in_raw(&format!(
                "COPY {}{} ({}) FROM STDIN (FORMAT binary)",
                table.name,
                target.suffix,
                names.join(", ")
            ))
            .await?;
        let mut data = Vec::with_capacity(COPY_CHUNK + COPY_CHUNK / 4);
        data.extend_from_slice(COPY_HEADER);
        for row in rows {
            encode_copy_row(&mut data, &row);
            if data.len() >= COPY_CHUNK {
                let chunk =
                    std::mem::replace(&mut data, Vec::with_capacity(COPY_CHUNK + COPY_CHUNK / 4));
                copy = send_copy_data(copy, chunk).await?;
            }
        }
        data.extend_from_slice(&(-1i16).to_be_bytes());
        send_copy_data(copy, data).await?.finish().await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Sends `data` on `copy` and hands it back; on failure, ends the `COPY` (best effort: the
/// connection is likely gone already) so that the connection is not left mid-copy.
async fn send_copy_data<C>(
    mut copy: sqlx::postgres::PgCopyIn<C>,
    data: Vec<u8>,
) -> anyhow::Result<sqlx::postgres::PgCopyIn<C>>
where
    C: std::ops::DerefMut<Target = sqlx::PgConnection>,
{
    if let Err(error) = copy.send(data).await {
        let _ = copy.abort("the rebuild could not send its rows").await;
        return Err(error.into());
    }
    Ok(copy)
}

/// The start of binary `COPY` data: its signature, no flags and no header extension.
const COPY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// About how many bytes of `COPY` data go in one message.
const COPY_CHUNK: usize = 1 << 20;

/// Appends `row` to binary `COPY` data: the number of fields, then each field's length and
/// bytes, in PostgreSQL's binary forms of the columns' types (`text`, `date`, `int8`, `bool`).
fn encode_copy_row(data: &mut Vec<u8>, row: &[Value]) {
    data.extend_from_slice(&(row.len() as i16).to_be_bytes());
    for value in row {
        match value {
            Value::Text(None) => data.extend_from_slice(&(-1i32).to_be_bytes()),
            Value::Text(Some(text)) => {
                data.extend_from_slice(&(text.len() as i32).to_be_bytes());
                data.extend_from_slice(text.as_bytes());
            }
            Value::Date(date) => {
                // Days since 2000-01-01, PostgreSQL's epoch.
                let days = (*date - POSTGRES_EPOCH).num_days() as i32;
                data.extend_from_slice(&4i32.to_be_bytes());
                data.extend_from_slice(&days.to_be_bytes());
            }
            Value::Int(n) => {
                data.extend_from_slice(&8i32.to_be_bytes());
                data.extend_from_slice(&n.to_be_bytes());
            }
            Value::Bool(b) => {
                data.extend_from_slice(&1i32.to_be_bytes());
                data.push(u8::from(*b));
            }
        }
    }
}

/// The day PostgreSQL counts dates from.
const POSTGRES_EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};

/// About how many bytes `rows` take as PostgreSQL arrays, column by column: each value with its
/// length, and each array's header.
fn encoded_size(rows: &[Vec<Value>]) -> usize {
    let values: usize = rows
        .iter()
        .flatten()
        .map(|value| {
            4 + match value {
                Value::Text(text) => text.as_ref().map_or(0, String::len),
                Value::Date(_) => 4,
                Value::Int(_) => 8,
                Value::Bool(_) => 1,
            }
        })
        .sum();
    values + rows.first().map_or(0, Vec::len) * 32
}

/// Moves the checkpoint from `$5`/`$6` to `$2`/`$3`, or creates it; `returning` ends it.
fn checkpoint_sql(returning: &str) -> String {
    format!(
        "INSERT INTO projector_checkpoints (name, last_tx, last_position, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET last_tx = excluded.last_tx, \
         last_position = excluded.last_position, updated_at = excluded.updated_at \
         WHERE projector_checkpoints.last_tx = $5 AND projector_checkpoints.last_position = $6 \
         {returning}"
    )
}

/// The one statement of a batch on PostgreSQL; it answers 1 when the checkpoint moved (and so
/// everything was written), else 0.
fn postgres_statement(target: &Target<'_>, tables: &[(&Table, Vec<Vec<Value>>)]) -> String {
    // The views can always be rebuilt from the log and the checkpoint commits with them, so a
    // crash can only lose a whole batch, applied again then: no need to wait for this commit
    // to reach the disk (`set_config` with `true` is `SET LOCAL`, for this statement's
    // transaction).
    let mut sql = format!(
        "WITH moved AS ({}), \
         unsynced AS (SELECT set_config('synchronous_commit', 'off', true))",
        checkpoint_sql("RETURNING 1")
    );
    // Parameters 1 to 6 are the checkpoint's; each column's array follows, in order.
    let mut param = 6;
    for (n, (table, _)) in tables.iter().enumerate() {
        let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
        let arrays: Vec<String> = table
            .columns
            .iter()
            .map(|(_, kind)| {
                param += 1;
                format!("${param}::{}", kind.array())
            })
            .collect();
        sql.push_str(&format!(
            ", w{n} AS (INSERT INTO {}{} ({}) SELECT * FROM UNNEST({}) \
             WHERE EXISTS (SELECT 1 FROM moved){})",
            table.name,
            target.suffix,
            names.join(", "),
            arrays.join(", "),
            on_conflict(table, false)
        ));
    }
    if let Some(replica) = target.notify {
        // The replica's id is a UUID this process made, so it is safe as a literal.
        sql.push_str(&format!(
            ", told AS (SELECT pg_notify('pl_views', '{replica}') \
             WHERE EXISTS (SELECT 1 FROM moved)) \
             SELECT (SELECT count(*) FROM moved) + 0 * (SELECT count(*) FROM unsynced) \
             + 0 * (SELECT count(*) FROM told)",
        ));
    } else {
        sql.push_str(" SELECT (SELECT count(*) FROM moved) + 0 * (SELECT count(*) FROM unsynced)");
    }
    sql
}

/// A multi-row insert of `rows` rows into `table` on SQLite: an upsert unless they are `new`.
fn sqlite_statement(target: &Target<'_>, table: &Table, rows: usize, new: bool) -> String {
    let width = table.columns.len();
    let names: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let marks: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO {}{} ({}) VALUES {}{}",
        table.name,
        target.suffix,
        names.join(", "),
        values.join(", "),
        on_conflict(table, new)
    )
}

/// What an insert into `table` does with a row already there: replaces it or keeps it, as the
/// table says; nothing for rows said to be new (looking for one would only cost time).
fn on_conflict(table: &Table, new: bool) -> String {
    if new {
        String::new()
    } else {
        format!(" ON CONFLICT {}", table.on_conflict)
    }
}
