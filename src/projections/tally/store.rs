//! The tallies' tables: an answer as of a day read from a few summed rows, and changes written
//! by taking each changed item's old part out and putting its new part in.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Datelike, NaiveDate, Utc};
use sqlx::{QueryBuilder, Row};

use super::counts::Tally;
use super::days::{day_number, month_start, periods, spans, Level};
use super::item::{cohort_scope, Changes, ItemTallies};
use super::marks::{verdict_name, Listing, MarkRow};
use super::sum::Summing;
use crate::projections::scorecard::{Cohort, Period};
use crate::projections::select::{PushIn, CHUNK};
use crate::store::{Db, LogPosition};

/// The checkpoint saying the tallies are complete up to a position of the log; absent while
/// they are being made (after a rebuild, or on first start after an upgrade). Its name says
/// which form the tallies are stored in: a version that stores them differently finds no
/// checkpoint of its own, and makes them afresh (emptying what an older one left).
pub const TALLIES_CHECKPOINT: &str = "tallies/3";

/// The advisory lock that keeps two replicas from changing the tallies at once (the lease of
/// the projector does too, but a replica learns it lost the lease only a moment later).
const TALLY_LOCK: i64 = 0x504C_5441_4C4C_5931;

/// The count of writes to the items' parts (kept as the position of a checkpoint row, apart
/// from the tallies' own so that emptying them keeps it counting). A part is read from the
/// views before the transaction that writes it, so two processes following the log at once
/// (a service and the command line's import, each with its own projector) could otherwise
/// write a part read from older views over one read from newer: each writer notes the count
/// before it reads, and writes only if no other write came between (else reads again).
const TALLY_WRITES: &str = "tally writes";

/// Rows one statement writes or asks for: well under either backend's limit of values.
const ROWS: usize = 400;

/// The tally of `scope` as of `as_of`, read in one round trip from at most about 45 rows;
/// `None` while the tallies are not complete, when the caller counts item by item.
pub async fn tally_as_of(db: &Db, scope: &str, as_of: NaiveDate) -> anyhow::Result<Option<Tally>> {
    sum_as_of(db, scope, as_of, Summing::default()).await
}

/// What the lists of items read of the tally of `scope` as of `as_of`: its counts and the
/// days answers and actions fall due (see [`Summing::for_lists`]).
pub async fn list_tally_as_of(
    db: &Db,
    scope: &str,
    as_of: NaiveDate,
) -> anyhow::Result<Option<Tally>> {
    sum_as_of(db, scope, as_of, Summing::for_lists()).await
}

/// `sum` of the rows of `scope`'s tally as of `as_of`.
async fn sum_as_of(
    db: &Db,
    scope: &str,
    as_of: NaiveDate,
    mut sum: Summing,
) -> anyhow::Result<Option<Tally>> {
    let scopes = [scope.to_owned()];
    let Some(mut parts) = rows_of_parts(db, &[(&scopes, as_of)]).await? else {
        return Ok(None);
    };
    for (_, stored) in parts.pop().unwrap_or_default() {
        sum.add_stored(&stored)?;
    }
    Ok(Some(sum.finish()))
}

/// For each part (some scopes and a day), the rows whose sum is each scope's tally as of that
/// day, each with its scope and as stored; `None` while the tallies are not complete. One
/// statement when the parts' scopes are few enough together, else one for each chunk of each
/// part's.
async fn rows_of_parts(
    db: &Db,
    parts: &[(&[String], NaiveDate)],
) -> anyhow::Result<Option<Vec<Vec<(String, Vec<u8>)>>>> {
    let mut statements: Vec<Vec<(usize, &[String], NaiveDate)>> = Vec::new();
    if parts.iter().map(|(scopes, _)| scopes.len()).sum::<usize>() <= ROWS {
        statements.push(
            parts
                .iter()
                .enumerate()
                .map(|(at, (s, d))| (at, *s, *d))
                .collect(),
        );
    } else {
        for (at, (scopes, day)) in parts.iter().enumerate() {
            statements.extend(scopes.chunks(ROWS).map(|chunk| vec![(at, chunk, *day)]));
        }
    }
    let mut found: Vec<Vec<(String, Vec<u8>)>> = vec![Vec::new(); parts.len()];
    for statement in statements {
        // Each row's part, scope and tally; a row of nulls when the tallies are not complete.
        type Row = (Option<i64>, Option<String>, Option<Vec<u8>>);
        let rows: Vec<Row> = on_db!(db, pool => {
            let mut q = QueryBuilder::new("");
            for (at, scopes, as_of) in &statement {
                push_rows_as_of(&mut q, *at as i64, scopes, *as_of);
                q.push(" UNION ALL ");
            }
            q.push("SELECT NULL, NULL, NULL WHERE NOT EXISTS \
                (SELECT 1 FROM projector_checkpoints WHERE name = ").push_bind(TALLIES_CHECKPOINT)
                .push(")");
            q.build_query_as().fetch_all(pool).await?
        });
        for row in rows {
            // Rows written before the tallies were last made may not read as tallies any more.
            let (Some(at), Some(scope), Some(bytes)) = row else {
                return Ok(None);
            };
            let part = found
                .get_mut(at as usize)
                .context("a row of no part asked")?;
            part.push((scope, bytes));
        }
    }
    Ok(Some(found))
}

/// `SELECT part, scope, tally` of the rows whose sum is each of `scopes`' tally as of `as_of`:
/// the years before its year, the months of its year before its month, and the days of its
/// month up to it (or, when it is the last day of its month or year, the month's or the
/// year's row in place of its days').
fn push_rows_as_of<'a, DB: sqlx::Database>(
    q: &mut QueryBuilder<'a, DB>,
    part: i64,
    scopes: &[String],
    as_of: NaiveDate,
) where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    QueryBuilder<'a, DB>: PushIn,
{
    let day = day_number(as_of);
    let [(_, year), (_, month), _] = periods(day);
    // The years, months and days to read (each a range from, to before). A day that ends its
    // month reads the month's row rather than each of its days' (the rows of every level hold
    // every change), and one that ends its year the year's: a period ending on a month's last
    // day (as the scorecard's do) reads a few rows a scope rather than thirty.
    let month_ends = as_of.succ_opt().is_none_or(|next| next.day() == 1);
    let none = (0, 0);
    let (years, months, days) = match (month_ends, as_of.month()) {
        (true, 12) => (year + 1, none, none),
        (true, _) => (year, (year * 12, month + 1), none),
        (false, _) => (
            year,
            (year * 12, month),
            (
                i64::from(day_number(month_start(as_of))),
                i64::from(day) + 1,
            ),
        ),
    };
    let select = |q: &mut QueryBuilder<'a, DB>| {
        q.push("SELECT CAST(")
            .push_bind(part)
            .push(" AS BIGINT), scope, tally FROM view_tallies WHERE ");
    };
    select(q);
    q.push_in("scope", scopes)
        .push(" AND level = 0 AND period < ")
        .push_bind(years);
    for (level, (from, before)) in [(1, months), (2, days)] {
        q.push(" UNION ALL ");
        select(q);
        q.push_in("scope", scopes)
            .push(format!(" AND level = {level} AND period >= "))
            .push_bind(from)
            .push(" AND period < ")
            .push_bind(before);
    }
}

/// What the scorecard counts over the items raised, the actions proposed and the activities
/// held by `organisations` in each of `periods`, as of its last day, summed from the cohorts
/// of its years, months and days: all the periods read in one statement.
pub async fn cohorts(
    db: &Db,
    organisations: &[String],
    periods: &[Period],
) -> anyhow::Result<Option<Vec<Cohort>>> {
    // For each period, which organisation each of its scopes is a cohort of.
    let whose: Vec<HashMap<String, &String>> = periods
        .iter()
        .map(|period| {
            let spans = spans(period.from, period.to);
            let mut whose = HashMap::new();
            for code in organisations {
                for span in &spans {
                    whose.insert(cohort_scope(code, *span), code);
                }
            }
            whose
        })
        .collect();
    let scopes: Vec<Vec<String>> = whose.iter().map(|w| w.keys().cloned().collect()).collect();
    let parts: Vec<(&[String], NaiveDate)> = scopes
        .iter()
        .zip(periods)
        .map(|(scopes, period)| (scopes.as_slice(), period.to))
        .collect();
    let Some(rows) = rows_of_parts(db, &parts).await? else {
        return Ok(None);
    };
    Ok(Some(
        rows.into_iter()
            .zip(&whose)
            .map(|(rows, whose)| cohort_of(rows, whose))
            .collect::<anyhow::Result<_>>()?,
    ))
}

/// The cohort summed from `rows`, each a part of the organisation `whose` says.
fn cohort_of(
    rows: Vec<(String, Vec<u8>)>,
    whose: &HashMap<String, &String>,
) -> anyhow::Result<Cohort> {
    // Each organisation's rows summed once; the whole is the sum of those sums.
    let mut each: HashMap<&String, Summing> = HashMap::new();
    for (scope, stored) in rows {
        if let Some(code) = whose.get(&scope) {
            each.entry(*code).or_default().add_stored(&stored)?;
        }
    }
    let each: Vec<(&String, Tally)> = each.into_iter().map(|(c, s)| (c, s.finish())).collect();
    let mut sum = Summing::default();
    for (_, tally) in &each {
        sum.add(tally);
    }
    let mut cohort = sum.finish().cohort();
    for (code, tally) in each {
        let participants = tally.participants();
        if !participants.is_empty() {
            cohort.participants.insert(code.clone(), participants);
        }
    }
    Ok(cohort)
}

/// Where the tallies are complete up to; `None` while they are not.
pub async fn checkpoint(db: &Db) -> anyhow::Result<Option<LogPosition>> {
    const SQL: &str = "SELECT last_tx, last_position FROM projector_checkpoints WHERE name = $1";
    Ok(
        on_db!(db, pool => sqlx::query(SQL).bind(TALLIES_CHECKPOINT).fetch_optional(pool).await?
        .map(|r| LogPosition { tx: r.get(0), position: r.get(1) })),
    )
}

/// Moves the tallies' checkpoint to `at`, forward only: two processes following the log at once
/// (a service and the command line's import) may finish out of order, and the one that went
/// further has followed everything the other did.
const MOVE_CHECKPOINT: &str = "INSERT INTO projector_checkpoints \
    (name, last_tx, last_position, updated_at) VALUES ($1, $2, $3, $4) \
    ON CONFLICT (name) DO UPDATE SET last_tx = excluded.last_tx, \
    last_position = excluded.last_position, updated_at = excluded.updated_at \
    WHERE (projector_checkpoints.last_tx, projector_checkpoints.last_position) \
    < (excluded.last_tx, excluded.last_position)";

/// Says the tallies are complete up to `at`. Like the views, they can always be made again
/// from the log, and the checkpoint commits with them, so PostgreSQL need not wait for the
/// commit to reach the disk.
pub async fn move_checkpoint(db: &Db, at: LogPosition) -> anyhow::Result<()> {
    let sql = match db {
        Db::Postgres(_) => format!(
            "WITH unsynced AS (SELECT set_config('synchronous_commit', 'off', true)) \
             {} RETURNING (SELECT count(*) FROM unsynced)",
            MOVE_CHECKPOINT.replacen("VALUES ($1, $2, $3, $4)", "SELECT $1, $2, $3, $4", 1)
        ),
        Db::Sqlite(_) => MOVE_CHECKPOINT.to_owned(),
    };
    on_db!(db, pool => {
        sqlx::query(&sql)
            .bind(TALLIES_CHECKPOINT)
            .bind(at.tx)
            .bind(at.position)
            .bind(Utc::now())
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// How many times the items' parts have been written: noted before they are read, and given to
/// [`replace_items`], which writes them only if no other write came in between.
pub async fn writes(db: &Db) -> anyhow::Result<i64> {
    let count: Option<i64> = on_db!(db, pool => sqlx::query_scalar(WRITES).bind(TALLY_WRITES).fetch_optional(pool).await?);
    Ok(count.unwrap_or(0))
}

const WRITES: &str = "SELECT last_position FROM projector_checkpoints WHERE name = $1";

/// Counts one write of the parts, if none came since `seen`: the statement changes no row
/// when another did.
const COUNT_WRITE: &str = "INSERT INTO projector_checkpoints \
    (name, last_tx, last_position, updated_at) VALUES ($1, 0, $2 + 1, $3) \
    ON CONFLICT (name) DO UPDATE SET last_position = excluded.last_position, \
    updated_at = excluded.updated_at WHERE projector_checkpoints.last_position = $2";

/// Empties the tallies and says they are not complete, before they are made again.
pub async fn clear(db: &Db) -> anyhow::Result<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE projector_checkpoints SET last_position = last_position + 1 \
                     WHERE name = $1").bind(TALLY_WRITES).execute(&mut *tx).await?;
        for sql in [
            // Any version's: `tallies`, `tallies/3`, ...
            "DELETE FROM projector_checkpoints WHERE name LIKE 'tallies%'",
            "DELETE FROM view_tallies",
            "DELETE FROM view_item_tallies",
            "DELETE FROM view_item_marks",
        ] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Puts `items` (id and new part, read from the views after [`writes`] answered `seen`) in
/// place of what each counted before, and moves the checkpoint to `done` when given, in one
/// transaction: an item whose part did not change changes nothing, so doing it twice does no
/// harm. Answers false, writing nothing, when another write of the parts came after `seen`:
/// the parts may be older than it, and are to be read again.
pub async fn replace_items(
    db: &Db,
    items: Vec<(String, ItemTallies)>,
    done: Option<LogPosition>,
    seen: i64,
) -> anyhow::Result<bool> {
    if items.is_empty() {
        if let Some(at) = done {
            move_checkpoint(db, at).await?;
        }
        return Ok(true);
    }
    let postgres = matches!(db, Db::Postgres(_));
    let begin = if postgres { "BEGIN" } else { "BEGIN IMMEDIATE" };
    on_db!(db, pool => {
        let mut tx = pool.begin_with(begin).await?;
        if postgres {
            // Made again from the log if lost, checkpoint and all (see `move_checkpoint`).
            sqlx::query("SELECT set_config('synchronous_commit', 'off', true), \
                         pg_advisory_xact_lock($1)")
                .bind(TALLY_LOCK).execute(&mut *tx).await?;
        }
        // Under the lock (taken above on PostgreSQL, by `BEGIN IMMEDIATE` on SQLite) no other
        // write can come between this and the commit.
        let count: Option<i64> = sqlx::query_scalar(WRITES).bind(TALLY_WRITES)
            .fetch_optional(&mut *tx).await?;
        if count.unwrap_or(0) != seen {
            return Ok(false);
        }
        // What each item counted before. Reads come first and writes last: on PostgreSQL
        // the log is read only below the oldest transaction that writes, so the views wait
        // while this one holds a transaction id.
        let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
        let mut before: HashMap<String, ItemTallies> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            let mut q = QueryBuilder::new("SELECT id, tallies FROM view_item_tallies WHERE ");
            q.push_in("id", chunk);
            for row in q.build().fetch_all(&mut *tx).await? {
                let bytes: Vec<u8> = row.get(1);
                before.insert(row.get(0), ItemTallies::decode(&bytes)?);
            }
        }
        let mut changes = Changes::default();
        let mut changed = Vec::new();
        for (id, after) in items {
            if before.get(&id) != Some(&after) {
                changes.replace(before.get(&id), &after);
                changed.push((id, after.encode(), after));
            }
        }
        let mut changes: Vec<((String, Level, i64), Tally)> =
            changes.0.into_iter().filter(|(_, t)| !t.is_empty()).collect();
        // The rows the changes add to, as they stand.
        for chunk in changes.chunks_mut(ROWS) {
            let mut q = QueryBuilder::new(
                "SELECT scope, level, period, tally FROM view_tallies WHERE (scope, level, period) IN (VALUES ");
            let mut list = q.separated(", ");
            for ((scope, level, period), _) in chunk.iter() {
                list.push("(").push_bind_unseparated(scope.clone())
                    .push_unseparated(", ").push_bind_unseparated(*level as i32)
                    .push_unseparated(", ").push_bind_unseparated(*period)
                    .push_unseparated(")");
            }
            q.push(")");
            let mut stored: HashMap<(String, i32, i64), Tally> = HashMap::new();
            for row in q.build().fetch_all(&mut *tx).await? {
                let bytes: Vec<u8> = row.get(3);
                stored.insert((row.get(0), row.get(1), row.get(2)), Tally::decode(&bytes)?);
            }
            for ((scope, level, period), change) in chunk.iter_mut() {
                if let Some(old) = stored.remove(&(scope.clone(), *level as i32, *period)) {
                    change.add(&old, 1);
                }
            }
        }
        // Rows that now count something, and rows that came to nothing.
        let (kept, emptied): (Vec<_>, Vec<_>) =
            changes.into_iter().partition(|(_, t)| !t.is_empty());
        for chunk in kept.chunks(ROWS) {
            let mut q = QueryBuilder::new("INSERT INTO view_tallies (scope, level, period, tally) ");
            q.push_values(chunk, |mut row, ((scope, level, period), tally)| {
                row.push_bind(scope.clone()).push_bind(*level as i32).push_bind(*period)
                    .push_bind(tally.encode());
            });
            q.push(" ON CONFLICT (scope, level, period) DO UPDATE SET tally = excluded.tally");
            q.build().execute(&mut *tx).await?;
        }
        for chunk in emptied.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "DELETE FROM view_tallies WHERE (scope, level, period) IN (VALUES ");
            let mut list = q.separated(", ");
            for ((scope, level, period), _) in chunk {
                list.push("(").push_bind_unseparated(scope.clone())
                    .push_unseparated(", ").push_bind_unseparated(*level as i32)
                    .push_unseparated(", ").push_bind_unseparated(*period)
                    .push_unseparated(")");
            }
            q.push(")");
            q.build().execute(&mut *tx).await?;
        }
        // Where the changed items are listed, written again from their new parts.
        let changed_ids: Vec<String> = changed.iter().map(|(id, _, _)| id.clone()).collect();
        for chunk in changed_ids.chunks(CHUNK) {
            let mut q = QueryBuilder::new("DELETE FROM view_item_marks WHERE ");
            q.push_in("id", chunk);
            q.build().execute(&mut *tx).await?;
        }
        let marks: Vec<(&str, &Listing, MarkRow<'_>)> = changed
            .iter()
            .flat_map(|(id, _, part)| part.listing.iter().flat_map(move |l| {
                l.rows().into_iter().map(move |row| (id.as_str(), l, row))
            }))
            .collect();
        for chunk in marks.chunks(ROWS / 3) {
            let mut q = QueryBuilder::new(
                "INSERT INTO view_item_marks (id, organisation, referred_to, activity_id, \
                 log_position, month, from_day, to_day, verdict, loop_closed, respond_by, due_by) ");
            q.push_values(chunk, |mut row, (id, listing, mark)| {
                row.push_bind(id.to_string())
                    .push_bind(listing.organisation.clone())
                    .push_bind(listing.referred_to.clone())
                    .push_bind(listing.activity.clone())
                    .push_bind(listing.log_position)
                    .push_bind(mark.month)
                    .push_bind(mark.from)
                    .push_bind(mark.to)
                    .push_bind(verdict_name(mark.mark.verdict))
                    .push_bind(mark.mark.loop_closed)
                    .push_bind(mark.mark.respond_by)
                    .push_bind(mark.mark.due_by);
            });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in changed.chunks(ROWS) {
            let mut q = QueryBuilder::new("INSERT INTO view_item_tallies (id, tallies) ");
            q.push_values(chunk, |mut row, (id, bytes, _)| {
                row.push_bind(id.clone()).push_bind(bytes.clone());
            });
            q.push(" ON CONFLICT (id) DO UPDATE SET tallies = excluded.tallies");
            q.build().execute(&mut *tx).await?;
        }
        if let Some(at) = done {
            sqlx::query(MOVE_CHECKPOINT).bind(TALLIES_CHECKPOINT).bind(at.tx).bind(at.position)
                .bind(Utc::now()).execute(&mut *tx).await?;
        }
        sqlx::query(COUNT_WRITE).bind(TALLY_WRITES).bind(seen).bind(Utc::now())
            .execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(true)
}
