//! A rebuild's rows written with PostgreSQL's binary `COPY`.

use chrono::{NaiveDate, Utc};

use super::rows::{Rows, Value};
use super::{checkpoint_sql, Target};
use crate::store::LogPosition;

/// Writes `rows`, none of them in the tables yet, into a rebuild's tables on PostgreSQL with
/// `COPY` (binary), and moves the checkpoint from `from` to `last`, all in one transaction.
/// Answers `false`, writing nothing, when the stored checkpoint is no longer `from`.
///
/// `COPY` inserts a page of rows at a time, with one log record for each, where an `INSERT`
/// goes row by row; and the rebuild's tables are filled before their indexes are built, so a
/// row that is there twice fails the rebuild when its unique index is built.
pub(super) async fn copy_batch(
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
