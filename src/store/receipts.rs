//! Reading idempotency receipts: what a command sent with a given key first produced.

use std::collections::HashMap;

use sqlx::Row;

use super::{Db, LogPosition};

/// The first result of a command sent with an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub request_hash: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub last: LogPosition,
}

/// Finds the receipt for `key` sent by `subject`, if the command committed.
pub async fn find_receipt(
    db: &Db,
    subject: &str,
    key: &str,
) -> Result<Option<Receipt>, sqlx::Error> {
    const SQL: &str = "SELECT request_hash, aggregate_type, aggregate_id, log_tx, log_position \
                       FROM command_receipts WHERE actor_subject = $1 AND idempotency_key = $2";
    let row = on_db!(db, pool => sqlx::query(SQL).bind(subject).bind(key).fetch_optional(pool).await?
    .map(|r| Receipt {
        request_hash: r.get(0),
        aggregate_type: r.get(1),
        aggregate_id: r.get(2),
        last: LogPosition { tx: r.get(3), position: r.get(4) },
    }));
    Ok(row)
}

/// The request hash of every receipt `subject` holds under keys starting `prefix`, by key: what
/// an import of an organisation recorded before, row by row.
pub async fn receipts_under(
    db: &Db,
    subject: &str,
    prefix: &str,
) -> Result<HashMap<String, String>, sqlx::Error> {
    const SQL: &str = "SELECT idempotency_key, request_hash FROM command_receipts \
                       WHERE actor_subject = $1 \
                       AND substr(idempotency_key, 1, length($2)) = $2";
    let rows = on_db!(db, pool => sqlx::query(SQL).bind(subject).bind(prefix)
        .fetch_all(pool).await?
        .into_iter().map(|r| (r.get(0), r.get(1))).collect());
    Ok(rows)
}
