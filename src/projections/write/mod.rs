//! Writing a projector batch: every changed document and link, and the moved checkpoint, all
//! or nothing, in as few round trips as the backend allows.
//!
//! On PostgreSQL the whole batch is one statement: each table's rows go as column arrays
//! through `UNNEST`, and every write is conditional on the checkpoint moving from where the
//! batch started, so a batch that lost a race writes nothing. On SQLite (in process, no round
//! trips) the batch is one transaction of multi-row statements.

use chrono::Utc;
use sqlx::postgres::PgArguments;
use sqlx::Arguments;

use crate::store::{Db, LogPosition};

pub use rows::{Kind, Rows, Table, Value};

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

mod copy;
mod rows;

use copy::copy_batch;

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
