//! The `views` projector: follows the log, keeps the view tables and its checkpoint in step.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use sqlx::Row;
use tokio::sync::{mpsc, oneshot, watch, Notify};

use super::boards::{apply_appointment, apply_board, apply_meeting};
use super::docs::{apply_action, apply_activity, apply_input_item, apply_organisation};
use super::held::{ByRecord, Doc, Docs, HeldDocs, Projected, Records};
use super::kept::{Changes, KeptItems};
use super::log::{read_view_events_after, send_whole_log, ViewEvent};
use super::participants::apply_participant;
use super::write;
use crate::store::{stream_key, Db, LogPosition, SeenVersions, LOG_CHANNEL};

/// The checkpoint name of the views projector.
pub const PROJECTOR_NAME: &str = "views";
const BATCH: i64 = 500;
/// Events a rebuild applies at a time: large, as it has no one waiting on each batch, and
/// a record's events land in one document write however many of them a batch holds.
const REBUILD_BATCH: i64 = 10_000;
/// Most documents a rebuild holds in memory (about 1 KB each): it writes each when it lets it
/// go, or at the end.
const REBUILD_HELD: usize = 20_000;
const POLL: Duration = Duration::from_millis(500);
/// How long a rebuild asked of a replica not running the projector waits for the lease.
const LEASE_WAIT: Duration = Duration::from_secs(2);
/// How often the replica running the projector checks that it still holds the lease.
const LEASE_CHECK: Duration = Duration::from_secs(1);
/// How often the replica running the projector logs its position and lag.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// A cheap handle the API uses to nudge the projector and to wait for its progress.
#[derive(Clone)]
pub struct ProjectorHandle {
    wake: Arc<Notify>,
    position: watch::Receiver<LogPosition>,
    leading: watch::Receiver<bool>,
    rebuild: mpsc::Sender<oneshot::Sender<anyhow::Result<u64>>>,
    held: Arc<HeldDocs>,
    seen: Arc<SeenVersions>,
    kept: Arc<KeptItems>,
    replica: Arc<str>,
}

impl ProjectorHandle {
    /// This replica's id, which its notifications to other replicas carry so that it can
    /// ignore its own.
    pub fn replica(&self) -> Arc<str> {
        self.replica.clone()
    }

    /// Tells the projector new events were committed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The position the views reflect.
    pub fn position(&self) -> LogPosition {
        *self.position.borrow()
    }

    /// A receiver that sees the views' position move.
    pub fn watch(&self) -> watch::Receiver<LogPosition> {
        self.position.clone()
    }

    /// Whether this replica runs the projector (always, on SQLite).
    pub fn leading(&self) -> bool {
        *self.leading.borrow()
    }

    /// Waits until the views reflect `target`, or `timeout` passes; says whether they do.
    pub async fn wait_for(&self, target: LogPosition, timeout: Duration) -> bool {
        self.wake();
        let mut position = self.position.clone();
        tokio::time::timeout(timeout, position.wait_for(|p| *p >= target))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Record `id`'s document as the views show it at `at` or later, with the log position that
    /// created it, when this replica writes the views and holds it in memory (a mutation's
    /// own record, just written); else the caller reads the tables.
    pub fn held<T: Projected>(&self, id: &str, at: LogPosition) -> Option<(T, i64)> {
        if !self.leading() {
            return None;
        }
        let (doc, created) = self.held.get(&stream_key(T::AGGREGATE, id), at)?;
        T::of(&doc).map(|d| (d.clone(), created))
    }

    /// The joined input items this replica keeps, when it writes the views (and so sees every
    /// change to them); `None` on a replica that only reads them.
    pub fn kept(&self) -> Option<&KeptItems> {
        self.leading().then_some(&*self.kept)
    }

    /// The streams' versions this replica knows the log holds, noted as the projector reads.
    pub fn seen(&self) -> Arc<SeenVersions> {
        self.seen.clone()
    }

    /// Clears the views and replays the whole log; answers with the number of events applied.
    pub async fn rebuild(&self) -> anyhow::Result<u64> {
        let (reply, answer) = oneshot::channel();
        self.rebuild
            .send(reply)
            .await
            .context("the projector has stopped")?;
        answer.await.context("the projector has stopped")?
    }
}

/// The projector task's state.
pub struct Projector {
    db: Db,
    checkpoint: LogPosition,
    wake: Arc<Notify>,
    position: watch::Sender<LogPosition>,
    leading: watch::Sender<bool>,
    rebuild: mpsc::Receiver<oneshot::Sender<anyhow::Result<u64>>>,
    /// On PostgreSQL, the session holding the advisory lock that makes this replica the one
    /// running the projector; it is released when the session ends, however the process dies.
    lease: Option<sqlx::PgConnection>,
    lease_checked: Instant,
    /// Whether `checkpoint` is known to be the stored one (else it is read before projecting).
    checkpoint_known: bool,
    /// On PostgreSQL, notifications of new events (for the replica running the projector) and
    /// of moved views (for the others).
    listener: Option<sqlx::postgres::PgListener>,
    /// The documents this projector last wrote, while it is the only writer of its tables.
    held: Arc<HeldDocs>,
    /// Each stream's latest version as read, while this projector reads every event.
    seen: Arc<SeenVersions>,
    /// Answers of joined input items, let go as the batches written touch them.
    kept: Arc<KeptItems>,
    /// This replica's id (see [`ProjectorHandle::replica`]).
    replica: Arc<str>,
}

/// Every view table the projector writes, named once in [`write::TABLES`].
pub const VIEW_TABLES: [&str; write::TABLES.len()] = {
    let mut names = [""; write::TABLES.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = write::TABLES[i].name;
        i += 1;
    }
    names
};

/// The suffix of the tables a rebuild writes before it switches them in.
const SHADOW: &str = "__next";

/// `sql` with every view table's name followed by `suffix`.
fn with_suffix(sql: &str, suffix: &str) -> String {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(sql.len() + 64);
    let mut rest = sql;
    while let Some(at) = rest.find("view_") {
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find(|c: char| !is_ident(c))
            .map_or(rest.len(), |e| at + e);
        let word = &rest[at..end];
        let starts_word = !out.chars().last().is_some_and(is_ident);
        out.push_str(word);
        if starts_word && VIEW_TABLES.contains(&word) {
            out.push_str(suffix);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// What a rebuild leaves out of its tables on PostgreSQL while it fills them, and adds once
/// they are filled: building an index over a filled table costs far less than keeping it up
/// row by row, and rows copied into a table without indexes go in a page at a time.
#[derive(Default)]
struct Deferred {
    /// (table, statement) adding each table's unique constraints (their primary keys): at the
    /// end, or as soon as a part must read a document back from the tables, or replace a row,
    /// which both need them.
    unique: Vec<(String, String)>,
    /// Whether the unique constraints are there.
    unique_built: tokio::sync::OnceCell<()>,
    /// (table, statement) making each table's other indexes, at the end.
    secondary: Vec<(String, String)>,
}

impl Deferred {
    /// Adds the unique constraints, once, whichever part asks first. A row there twice (a
    /// record written as new twice) fails it, and so the rebuild.
    async fn build_unique(&self, db: &Db) -> anyhow::Result<()> {
        let Db::Postgres(pool) = db else {
            return Ok(());
        };
        self.unique_built
            .get_or_try_init(|| async {
                for (_, statement) in &self.unique {
                    sqlx::query(statement)
                        .execute(pool)
                        .await
                        .context("could not add the rebuilt views' unique keys")?;
                }
                anyhow::Ok(())
            })
            .await?;
        Ok(())
    }

    /// Adds whatever is still left out, once the tables are filled: `side_by_side` tables at
    /// a time, each on a connection of its own, since PostgreSQL builds most of these small
    /// indexes on one core.
    async fn build_all(&self, db: &Db, side_by_side: usize) -> anyhow::Result<()> {
        let Db::Postgres(pool) = db else {
            return Ok(());
        };
        let unique = if self.unique_built.get().is_some() {
            &[][..]
        } else {
            &self.unique[..]
        };
        // A table's statements one after another (each locks the table), in table order.
        let mut by_table: Vec<(&str, Vec<String>)> = Vec::new();
        for (table, statement) in unique.iter().chain(&self.secondary) {
            match by_table.iter_mut().find(|(t, _)| t == table) {
                Some((_, statements)) => statements.push(statement.clone()),
                None => by_table.push((table, vec![statement.clone()])),
            }
        }
        let queue: Vec<Vec<String>> = by_table.into_iter().map(|(_, s)| s).collect();
        let queue = Arc::new(std::sync::Mutex::new(queue.into_iter()));
        let mut builders = tokio::task::JoinSet::new();
        for _ in 0..side_by_side.max(1) {
            let (pool, queue) = (pool.clone(), queue.clone());
            builders.spawn(async move {
                loop {
                    let next = queue
                        .lock()
                        .map_err(|_| anyhow::anyhow!("poisoned"))?
                        .next();
                    let Some(statements) = next else {
                        return anyhow::Ok(());
                    };
                    for statement in statements {
                        sqlx::query(&statement)
                            .execute(&pool)
                            .await
                            .context("could not index the rebuilt views")?;
                    }
                }
            });
        }
        while let Some(built) = builders.join_next().await {
            built.context("a rebuild's index builder failed")??;
        }
        Ok(())
    }
}

/// Creates empty tables for a rebuild beside the live ones, dropping any left by an earlier
/// rebuild that did not finish. On PostgreSQL the tables are made without their indexes and
/// unique constraints, and it answers with what adds them (see [`Deferred`]).
async fn create_shadow(db: &Db) -> anyhow::Result<Deferred> {
    let mut deferred = Deferred::default();
    match db {
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            for table in VIEW_TABLES {
                sqlx::query(&format!("DROP TABLE IF EXISTS {table}{SHADOW}"))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(&format!(
                    "CREATE TABLE {table}{SHADOW} (LIKE {table} INCLUDING ALL)"
                ))
                .execute(&mut *tx)
                .await?;
            }
            let shadows: Vec<String> = VIEW_TABLES.iter().map(|t| format!("{t}{SHADOW}")).collect();
            // Names PostgreSQL made from the table's and the columns' names, so quoting them
            // is enough.
            let constraints: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) \
                 FROM pg_constraint \
                 WHERE conrelid = ANY(CAST($1 AS text[])::regclass[]) AND contype IN ('p', 'u')",
            )
            .bind(&shadows)
            .fetch_all(&mut *tx)
            .await?;
            for (table, name, definition) in constraints {
                sqlx::query(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\""))
                    .execute(&mut *tx)
                    .await?;
                let statement =
                    format!("ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}");
                deferred.unique.push((table, statement));
            }
            let indexes: Vec<(String, String, String, bool)> = sqlx::query_as(
                "SELECT x.indrelid::regclass::text, i.relname::text, pg_get_indexdef(i.oid), \
                 x.indisunique FROM pg_index x \
                 JOIN pg_class i ON i.oid = x.indexrelid \
                 WHERE x.indrelid = ANY(CAST($1 AS text[])::regclass[])",
            )
            .bind(&shadows)
            .fetch_all(&mut *tx)
            .await?;
            for (table, name, definition, unique) in indexes {
                sqlx::query(&format!("DROP INDEX \"{name}\""))
                    .execute(&mut *tx)
                    .await?;
                if unique {
                    deferred.unique.push((table, definition));
                } else {
                    deferred.secondary.push((table, definition));
                }
            }
            sqlx::query(&delete_part_checkpoints())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Db::Sqlite(pool) => {
            // It reads the schema before writing: take the write lock first, or a writer
            // committing in between would leave it a stale snapshot.
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            for table in VIEW_TABLES {
                sqlx::query(&format!("DROP TABLE IF EXISTS {table}{SHADOW}"))
                    .execute(&mut *tx)
                    .await?;
                let ddl: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT type, name, sql FROM sqlite_master \
                     WHERE tbl_name = $1 AND sql IS NOT NULL ORDER BY type DESC",
                )
                .bind(table)
                .fetch_all(&mut *tx)
                .await?;
                for (kind, name, sql) in ddl {
                    let mut sql = with_suffix(&sql, SHADOW);
                    if kind == "index" {
                        // Index names are global: alternate between two names across rebuilds.
                        let renamed = match name.strip_suffix("__b") {
                            Some(base) => base.to_owned(),
                            None => format!("{name}__b"),
                        };
                        sql = sql.replacen(&name, &renamed, 1);
                    }
                    sqlx::query(&sql).execute(&mut *tx).await?;
                }
            }
            sqlx::query(&delete_part_checkpoints())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }
    Ok(deferred)
}

/// Puts the rebuilt tables in place of the live ones, all at once, and moves the live
/// checkpoint to where the rebuild reached; the running projector carries on from there.
async fn switch_in(db: &Db, reached: LogPosition) -> anyhow::Result<()> {
    let begin = match db {
        Db::Postgres(_) => "BEGIN",
        Db::Sqlite(_) => "BEGIN IMMEDIATE",
    };
    on_db!(db, pool => {
        let mut tx = pool.begin_with(begin).await?;
        for table in VIEW_TABLES {
            sqlx::query(&format!("DROP TABLE {table}")).execute(&mut *tx).await?;
            sqlx::query(&format!("ALTER TABLE {table}{SHADOW} RENAME TO {table}"))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO projector_checkpoints (name, last_tx, last_position, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET last_tx = excluded.last_tx, \
             last_position = excluded.last_position, updated_at = excluded.updated_at",
        )
        .bind(PROJECTOR_NAME)
        .bind(reached.tx)
        .bind(reached.position)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(&delete_part_checkpoints())
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
    .context("could not switch the rebuilt views in")
}

/// Rebuilds the views from the whole log into fresh tables while the live ones keep answering,
/// then switches them in; the running projector applies whatever came in meanwhile. Answers
/// with the number of events the rebuild applied.
///
/// It is the live projector's work at full speed: the next batch of the log is read while one
/// is applied, the documents stay in memory (up to [`RebuildOptions::hold`], so none is read
/// back from the tables while they fit), and each is written once, when it is let go of or at
/// the end, many at a time (on PostgreSQL with `COPY`, into tables indexed once filled: see
/// `Deferred`), while the applying goes on.
pub async fn rebuild(db: &Db) -> anyhow::Result<u64> {
    rebuild_with(db, RebuildOptions::default()).await
}

/// How a rebuild works through the log.
#[derive(Debug, Clone, Copy)]
pub struct RebuildOptions {
    /// Events read and applied at a time.
    pub batch: i64,
    /// Most documents held in memory between batches, over all the parts; past it they are
    /// let go of and read back from the tables when next needed.
    pub hold: usize,
    /// Parts the records are split into, each applied and written by tasks of its own: one
    /// per core, up to [`MAX_PARTS`].
    pub parts: usize,
}

impl Default for RebuildOptions {
    fn default() -> Self {
        Self {
            batch: REBUILD_BATCH,
            hold: REBUILD_HELD,
            parts: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .clamp(1, MAX_PARTS),
        }
    }
}

/// The most parts a rebuild splits the records into.
pub const MAX_PARTS: usize = 4;

/// The checkpoints of a rebuild's parts, one each: a part's writes land only while its
/// checkpoint is where the part left it, so two rebuilds cannot both fill the same tables.
const PART_CHECKPOINTS: [&str; MAX_PARTS] = [
    "views__next",
    "views__next1",
    "views__next2",
    "views__next3",
];

/// `DELETE`s every rebuild part's checkpoint.
fn delete_part_checkpoints() -> String {
    format!(
        "DELETE FROM projector_checkpoints WHERE name IN ('{}')",
        PART_CHECKPOINTS.join("', '")
    )
}

/// [`rebuild`], with batches, memory and parts as `options` say.
///
/// A record's document depends only on its own stream's events, so the records are split into
/// parts by stream, and each part's events are applied by a task of its own, in log order, with
/// a writer of its own beside it: the rebuild then uses every core, not one.
pub async fn rebuild_with(db: &Db, options: RebuildOptions) -> anyhow::Result<u64> {
    anyhow::ensure!(
        options.batch > 0,
        "a rebuild batch must hold at least one event"
    );
    anyhow::ensure!(
        (1..=MAX_PARTS).contains(&options.parts),
        "a rebuild splits the records into 1 to {MAX_PARTS} parts, not {}",
        options.parts
    );
    let started = Instant::now();
    let deferred = Arc::new(
        create_shadow(db)
            .await
            .context("could not create the rebuild's tables")?,
    );
    let (batches, mut ready) = mpsc::channel(1);
    let reader = {
        let db = db.clone();
        tokio::spawn(async move { send_whole_log(&db, options.batch as usize, batches).await })
    };
    let parts: Vec<_> = PART_CHECKPOINTS[..options.parts]
        .iter()
        .map(|name| {
            let (to, from) = mpsc::channel(1);
            let part = RebuildPart {
                db: db.clone(),
                name,
                hold: options.hold / options.parts,
                deferred: deferred.clone(),
            };
            (to, tokio::spawn(part.run(from)))
        })
        .collect();
    let mut applied = 0;
    let mut reached = LogPosition::default();
    let mut failed = None;
    while let Some(events) = ready.recv().await {
        let events = match events {
            Ok(events) => events,
            Err(error) => {
                failed = Some(anyhow::Error::new(error).context("could not read the log"));
                break;
            }
        };
        let Some(last) = events.last().map(|e| e.at) else {
            break;
        };
        applied += events.len() as u64;
        reached = last;
        let mut split: Vec<Vec<ViewEvent>> = parts
            .iter()
            .map(|_| Vec::with_capacity(events.len() / parts.len() + 64))
            .collect();
        for event in events {
            split[part_of(&event.aggregate_id, parts.len())].push(event);
        }
        let mut sent = true;
        for ((to, _), events) in parts.iter().zip(split) {
            // A part that stopped failed; it says why below.
            sent &= to.send((events, last)).await.is_ok();
        }
        if !sent {
            break;
        }
    }
    // A reader still sending (when the applying stopped early) then stops too.
    drop(ready);
    let mut outcomes = Vec::with_capacity(parts.len());
    for (to, part) in parts {
        if failed.is_some() {
            // Nothing more of the rebuild is wanted.
            part.abort();
        }
        drop(to);
        outcomes.push(part);
    }
    reader.await.context("the rebuild's reader failed")?;
    for part in outcomes {
        match part.await {
            Ok(outcome) => outcome?,
            Err(error) if error.is_cancelled() => {}
            Err(error) => return Err(error).context("a rebuild part failed"),
        }
    }
    if let Some(error) = failed {
        return Err(error);
    }
    deferred.build_all(db, options.parts).await?;
    switch_in(db, reached).await?;
    tracing::info!(
        projector = PROJECTOR_NAME,
        events = applied,
        parts = options.parts,
        duration_ms = started.elapsed().as_millis() as u64,
        "views rebuilt and switched in"
    );
    Ok(applied)
}

/// Sends `docs` to a rebuild part's writer, to move its checkpoint to `at`; `new` says that
/// none is in the tables yet. Answers `false` when the writer has stopped.
async fn send_rows<'a>(
    written: &mpsc::Sender<(write::Rows, LogPosition)>,
    docs: impl IntoIterator<Item = &'a mut (Doc, i64)>,
    new: bool,
    at: LogPosition,
) -> anyhow::Result<bool> {
    let rows = rows_of(docs)?;
    let rows = if new { rows.all_new() } else { rows };
    Ok(written.send((rows, at)).await.is_ok())
}

/// Which of `parts` parts a record is in: the same for every event of its stream.
fn part_of(aggregate_id: &str, parts: usize) -> usize {
    // FNV-1a: ids are UUIDs and ODS codes, spread well enough by it, and it is cheap.
    let hash = aggregate_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % parts as u64) as usize
}

/// One part of a rebuild: the records whose streams [`part_of`] puts in it.
struct RebuildPart {
    db: Db,
    /// Its checkpoint (see [`PART_CHECKPOINTS`]).
    name: &'static str,
    /// Most documents it holds in memory.
    hold: usize,
    /// What its tables are made without until they are filled.
    deferred: Arc<Deferred>,
}

impl RebuildPart {
    /// Applies each batch of the part's events it is sent, with the log position the whole
    /// batch reached; writes each document once, when it is let go of or at the end, by a
    /// task of its own while the applying goes on.
    async fn run(
        self,
        mut ready: mpsc::Receiver<(Vec<ViewEvent>, LogPosition)>,
    ) -> anyhow::Result<()> {
        let (written, mut to_write) = mpsc::channel::<(write::Rows, LogPosition)>(1);
        let (landed, mut has_landed) = watch::channel(LogPosition::default());
        let writer = {
            let db = self.db.clone();
            let name = self.name;
            tokio::spawn(async move {
                let target = write::Target {
                    name,
                    suffix: SHADOW,
                    notify: None,
                };
                let mut from = LogPosition::default();
                while let Some((rows, last)) = to_write.recv().await {
                    let moved = write::write_batch(&db, &target, rows, from, last)
                        .await
                        .context("could not write the rebuilt views")?;
                    anyhow::ensure!(moved, "another rebuild is writing the same tables");
                    from = last;
                    landed.send_replace(last);
                }
                Ok::<_, anyhow::Error>(())
            })
        };
        // Every document is written once, when it is let go of or at the end, rather than
        // after each batch that changes it: a record's events are spread over many batches.
        let mut held = Docs::default();
        // The batch that last changed each held document.
        let mut changed_in: ByRecord<u64> = ByRecord::default();
        // Whether `held` has every document made so far, so one not there is new.
        let mut all_held = true;
        // The held documents read back from the tables: the only ones already there, so that
        // writing them replaces a row.
        let mut read_back = Records::default();
        let mut batches_applied = 0u64;
        let mut sent = LogPosition::default();
        let mut reached = LogPosition::default();
        let applying = async {
            while let Some((events, last)) = ready.recv().await {
                reached = last;
                let wanted = if all_held {
                    Vec::new()
                } else {
                    missing_docs(&events, &held)
                };
                let mut stored = if wanted.is_empty() {
                    Docs::default()
                } else {
                    // A document let go of may be in a batch the writer has not landed yet.
                    if has_landed.wait_for(|at| *at >= sent).await.is_err() {
                        break;
                    }
                    // Found by key, and from now on written over: the keys are needed.
                    self.deferred.build_unique(&self.db).await?;
                    let stored = load_docs(&self.db, SHADOW, wanted).await?;
                    read_back.extend(stored.keys().cloned());
                    stored
                };
                batches_applied += 1;
                for key in apply_events(&events, &mut held, &mut stored)? {
                    changed_in.insert(key, batches_applied);
                }
                if held.len() > self.hold {
                    // Let go of the half changed longest ago (most of them records whose story
                    // is told), writing them as they go.
                    let mut by_age: Vec<(u64, &String)> =
                        changed_in.iter().map(|(key, n)| (*n, key)).collect();
                    by_age.sort_unstable_by_key(|(n, _)| *n);
                    let going: Vec<String> = by_age
                        .into_iter()
                        .take(held.len() - self.hold / 2)
                        .map(|(_, key)| key.clone())
                        .collect();
                    let mut gone = Vec::with_capacity(going.len());
                    let mut new = true;
                    for key in going {
                        changed_in.remove(&key);
                        new &= !read_back.remove(&key);
                        gone.extend(held.remove(&key));
                    }
                    if !send_rows(&written, gone.iter_mut(), new, last).await? {
                        break;
                    }
                    sent = last;
                    all_held = false;
                }
            }
            // The rest, and the checkpoint to where the log ended.
            if reached != LogPosition::default() {
                let new = read_back.is_empty();
                send_rows(&written, held.values_mut(), new, reached).await?;
            }
            anyhow::Ok(())
        };
        let applied = applying.await;
        drop(written);
        // A writer that failed says why; else the applying's own failure.
        writer.await.context("the rebuild's writer failed")??;
        applied
    }
}

/// The advisory lock key of the views projector: "PLVIEWS1".
const LEASE_KEY: i64 = 0x504C_5649_4557_5331;
/// Sent on PostgreSQL when the views move, delivered at commit.
const VIEWS_CHANNEL: &str = "pl_views";

async fn load_checkpoint(db: &Db, name: &str) -> anyhow::Result<LogPosition> {
    const SQL: &str = "SELECT last_tx, last_position FROM projector_checkpoints WHERE name = $1";
    let row = on_db!(db, pool => sqlx::query(SQL).bind(name).fetch_optional(pool).await
        .map(|r| r.map(|r| LogPosition { tx: r.get(0), position: r.get(1) })))
    .context("could not read the projector checkpoint")?;
    Ok(row.unwrap_or_default())
}

impl Projector {
    /// Prepares the projector from its stored checkpoint.
    pub async fn new(db: Db) -> anyhow::Result<(Self, ProjectorHandle)> {
        let checkpoint = load_checkpoint(&db, PROJECTOR_NAME).await?;
        let (position, position_rx) = watch::channel(checkpoint);
        let (leading, leading_rx) = watch::channel(false);
        let (rebuild_tx, rebuild) = mpsc::channel(4);
        let wake = Arc::new(Notify::new());
        let held = Arc::new(HeldDocs::default());
        let seen = Arc::new(SeenVersions::default());
        let kept = Arc::new(KeptItems::default());
        let replica: Arc<str> = uuid::Uuid::new_v4().to_string().into();
        let handle = ProjectorHandle {
            wake: wake.clone(),
            position: position_rx,
            leading: leading_rx,
            rebuild: rebuild_tx,
            held: held.clone(),
            seen: seen.clone(),
            kept: kept.clone(),
            replica: replica.clone(),
        };
        Ok((
            Self {
                db,
                checkpoint,
                wake,
                position,
                leading,
                rebuild,
                lease: None,
                lease_checked: Instant::now(),
                checkpoint_known: false,
                listener: None,
                held,
                seen,
                kept,
                replica,
            },
            handle,
        ))
    }

    /// Whether this replica runs the projector, trying for the lease for up to `wait`: a
    /// replica that has just stopped lets it go a moment after it goes.
    async fn lead_within(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        loop {
            if self.lead().await {
                self.leading.send_replace(true);
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether this replica runs the projector: always on SQLite (one process); on PostgreSQL
    /// when it holds the lease, taking it if it is free.
    async fn lead(&mut self) -> bool {
        let Db::Postgres(pool) = &self.db else {
            return true;
        };
        if let Some(session) = &mut self.lease {
            // Checking the session each time round would cost a round trip per batch; a lost
            // lease found a second late is harmless, as each batch lands once (the checkpoint
            // moves only from where the batch started).
            if self.lease_checked.elapsed() < LEASE_CHECK {
                return true;
            }
            if sqlx::query("SELECT 1").execute(&mut *session).await.is_ok() {
                self.lease_checked = Instant::now();
                return true;
            }
            self.lease = None;
            self.held.clear();
            self.kept.clear();
            self.seen.stop_following();
            tracing::warn!(projector = PROJECTOR_NAME, "lost the projector lease");
        }
        let Ok(mut session) = pool.acquire().await.map(|c| c.detach()) else {
            return false;
        };
        let taken: Result<bool, _> = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LEASE_KEY)
            .fetch_one(&mut session)
            .await;
        if matches!(taken, Ok(true)) {
            tracing::info!(
                projector = PROJECTOR_NAME,
                "this replica now runs the projector"
            );
            self.lease = Some(session);
            self.lease_checked = Instant::now();
            // Whoever ran the projector before may have moved the views on.
            self.checkpoint_known = false;
            true
        } else {
            false
        }
    }

    /// Follows the replica that runs the projector: the views' position is its checkpoint.
    async fn follow(&mut self) -> anyhow::Result<()> {
        self.checkpoint = load_checkpoint(&self.db, PROJECTOR_NAME).await?;
        self.position.send_replace(self.checkpoint);
        Ok(())
    }

    /// Waits for a notification from another replica (this one's own, which it has acted on
    /// already, are passed over); never, without a listener.
    async fn notified(listener: &mut Option<sqlx::postgres::PgListener>, replica: &str) {
        let Some(l) = listener else {
            return std::future::pending().await;
        };
        loop {
            match l.recv().await {
                Ok(notification) if notification.payload() == replica => continue,
                Ok(_) => return,
                Err(_) => {
                    // Reconnects on the next call; the poll keeps things moving meanwhile.
                    tokio::time::sleep(POLL).await;
                    return;
                }
            }
        }
    }

    async fn listen(&mut self) {
        if let (Db::Postgres(pool), None) = (&self.db, &self.listener) {
            match sqlx::postgres::PgListener::connect_with(pool).await {
                Ok(mut listener) => {
                    if listener
                        .listen_all([LOG_CHANNEL, VIEWS_CHANNEL])
                        .await
                        .is_ok()
                    {
                        self.listener = Some(listener);
                    }
                }
                Err(error) => tracing::warn!(
                    error = format!("{error:#}"),
                    "could not listen for other replicas; polling"
                ),
            }
        }
    }

    /// Follows the log until `shutdown` completes. Failures are logged and retried.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        self.listen().await;
        let mut reported = Instant::now();
        loop {
            let leading = self.lead().await;
            self.leading
                .send_if_modified(|was| std::mem::replace(was, leading) != leading);
            let step = if leading {
                self.catch_up().await.map(|_| ())
            } else {
                self.follow().await
            };
            if let Err(error) = step {
                tracing::error!(
                    projector = PROJECTOR_NAME,
                    error = format!("{error:#}"),
                    "projection failed; retrying"
                );
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            if leading && reported.elapsed() >= REPORT_EVERY {
                reported = Instant::now();
                if let Ok(s) = super::status::status(&self.db).await {
                    tracing::info!(
                        projector = PROJECTOR_NAME,
                        log.position = s.position.position,
                        lag_events = s.lag_events,
                        lag_seconds = s.lag_seconds,
                        "projection status"
                    );
                }
            }
            let listener = &mut self.listener;
            tokio::select! {
                () = &mut shutdown => break,
                () = self.wake.notified() => {}
                () = Self::notified(listener, &self.replica) => {}
                () = tokio::time::sleep(POLL) => {}
                Some(reply) = self.rebuild.recv() => {
                    let answer = if leading || self.lead_within(LEASE_WAIT).await {
                        self.rebuild_now().await
                    } else {
                        Err(anyhow::anyhow!("another replica runs the projector; rebuild there"))
                    };
                    let _ = reply.send(answer);
                }
            }
        }
        self.leading.send_replace(false);
        self.seen.stop_following();
        tracing::info!(projector = PROJECTOR_NAME, "projector stopped");
    }

    /// Applies every event available after the checkpoint; answers with how many.
    pub async fn catch_up(&mut self) -> anyhow::Result<u64> {
        // The stored checkpoint is the truth: another process may have moved the views on
        // since this one last looked (a restart, or a previous owner of the projector). Once
        // read, this projector's own moves keep it known; a move made elsewhere makes the next
        // batch's write fail, and the checkpoint is read again then.
        if !self.checkpoint_known {
            self.forget();
            self.checkpoint = load_checkpoint(&self.db, PROJECTOR_NAME).await?;
            self.checkpoint_known = true;
            // The views are what the stored checkpoint says, whoever moved it (a rebuild's
            // switch-over, say).
            self.position.send_replace(self.checkpoint);
        }
        let mut applied = 0;
        loop {
            let started = Instant::now();
            let events = read_view_events_after(&self.db, self.checkpoint, BATCH)
                .await
                .context("could not read the log")?;
            let Some(last) = events.last().map(|e| e.at) else {
                return Ok(applied);
            };
            // Before anyone waiting on these events sees the views move.
            self.seen.saw(events.iter().map(|e| {
                (
                    e.aggregate_type.as_str(),
                    e.aggregate_id.as_str(),
                    e.sequence,
                )
            }));
            let written = async {
                let mut docs = self.apply_batch(&events).await?;
                let moved = self.write_batch(&mut docs, self.checkpoint, last).await?;
                anyhow::Ok(moved.then_some(docs))
            }
            .await;
            let written = written.inspect_err(|_| {
                // What the tables hold is not known for sure: read them again.
                self.held.clear();
                self.kept.clear();
                self.checkpoint_known = false;
            })?;
            let Some(docs) = written else {
                self.forget();
                // Another process moved the views on while this batch was being applied; its
                // work stands and this batch is dropped, then read again from the new checkpoint.
                tracing::debug!(
                    projector = PROJECTOR_NAME,
                    "views moved on elsewhere; re-reading"
                );
                self.checkpoint = load_checkpoint(&self.db, PROJECTOR_NAME).await?;
                self.position.send_replace(self.checkpoint);
                continue;
            };
            // Let go of the answers the batch changed, and hold its documents, before the views
            // move: a mutation waiting on this batch then finds its record, and a dashboard
            // read after it does not find an answer from before it.
            self.kept
                .written(Changes::of(docs.values().map(|(d, _)| d)));
            self.held.put(docs, last);
            self.checkpoint = last;
            self.position.send_replace(last);
            applied += events.len() as u64;
            let short = events.len() < BATCH as usize;
            tracing::debug!(
                projector = PROJECTOR_NAME,
                events = events.len(),
                log.position = last.position,
                duration_ms = started.elapsed().as_millis() as u64,
                "views updated"
            );
            if short {
                // That was all there was; what commits next wakes the projector again.
                return Ok(applied);
            }
        }
    }

    /// Lets go of what this projector knew of the tables and the log: another process may have
    /// written the views (and so read events this one never will).
    fn forget(&self) {
        self.held.clear();
        self.kept.clear();
        // Versions are noted only by a projector that `run` drives as the leader, not by one
        // driven by hand (a report, an as-of replay).
        if *self.leading.borrow() {
            self.seen.start_following();
        }
    }

    async fn rebuild_now(&mut self) -> anyhow::Result<u64> {
        let rebuilt = rebuild(&self.db).await;
        // New tables, or perhaps so: the next catch-up reads the checkpoint again and lets go
        // of what this projector held.
        self.checkpoint_known = false;
        let mut applied = rebuilt?;
        // Whatever was committed while the rebuild ran is in the views before this answers;
        // on PostgreSQL a transaction open elsewhere can hold reading back a moment.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            applied += self.catch_up().await?;
            if super::status::status(&self.db).await?.lag_events == 0 {
                return Ok(applied);
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "rebuild could not read the whole log within 60 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Applies the batch in memory, to the documents held or else read from the tables;
    /// answers with each changed document and the position that created it.
    async fn apply_batch(&self, events: &[ViewEvent]) -> anyhow::Result<Docs> {
        let keys: Records = events
            .iter()
            .map(|e| stream_key(&e.aggregate_type, &e.aggregate_id))
            .collect();
        let mut docs = self.held.take(keys.iter().map(String::as_str));
        let mut stored = load_docs(&self.db, "", missing_docs(events, &docs)).await?;
        apply_events(events, &mut docs, &mut stored)?;
        Ok(docs)
    }

    /// Writes the documents and moves the checkpoint from `from` to `last`, all or nothing.
    /// Answers `false`, writing nothing, when the stored checkpoint is no longer `from`.
    async fn write_batch(
        &self,
        docs: &mut Docs,
        from: LogPosition,
        last: LogPosition,
    ) -> anyhow::Result<bool> {
        let rows = rows_of(docs.values_mut())?;
        let target = write::Target {
            name: PROJECTOR_NAME,
            suffix: "",
            notify: Some(&*self.replica),
        };
        write::write_batch(&self.db, &target, rows, from, last)
            .await
            .context("could not write the views")
    }
}

/// The stored documents, in the tables with `suffix`, of the records `wanted` names (see
/// [`missing_docs`]), by `type/id`, in one round trip (one query per view table on SQLite).
async fn load_docs(db: &Db, suffix: &str, wanted: Wanted<'_>) -> anyhow::Result<Docs> {
    // The position that created a row (organisations' rows do not keep it: it is not used).
    let created = |table: &str| {
        if table == "view_organisations" {
            "CAST(0 AS BIGINT)"
        } else {
            "log_position"
        }
    };
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
                    .map(|(n, (aggregate_type, table, key, _))| {
                        format!(
                            "SELECT '{aggregate_type}', {key}, doc, {} FROM {table}{} \
                             WHERE {key} = ANY(${}::text[])",
                            created(table),
                            suffix,
                            n + 1
                        )
                    })
                    .collect();
                let sql = selects.join(" UNION ALL ");
                let mut query = sqlx::query_as(&sql);
                for (_, _, _, ids) in &wanted {
                    query = query.bind(ids.clone());
                }
                query.fetch_all(pool).await?
            }
        }
        Db::Sqlite(pool) => {
            let mut rows = Vec::new();
            for (aggregate_type, table, key, ids) in &wanted {
                for chunk in ids.chunks(BATCH as usize) {
                    let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
                    let sql = format!(
                        "SELECT '{aggregate_type}', {key}, doc, {} FROM {table}{} WHERE {key} IN ({})",
                        created(table),
                        suffix,
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
        let doc = match aggregate_type.as_str() {
            "Organisation" => Doc::Organisation(serde_json::from_str(&text)?),
            "Activity" => Doc::Activity(serde_json::from_str(&text)?),
            "InputItem" => Doc::InputItem(serde_json::from_str(&text)?),
            "Participant" => Doc::Participant(serde_json::from_str(&text)?),
            "Board" => Doc::Board(serde_json::from_str(&text)?),
            "Appointment" => Doc::Appointment(serde_json::from_str(&text)?),
            "BoardMeeting" => Doc::Meeting(serde_json::from_str(&text)?),
            _ => Doc::Action(serde_json::from_str(&text)?),
        };
        found.insert(stream_key(&aggregate_type, &id), (doc, created));
    }
    Ok(found)
}

/// The view table holding the documents of an aggregate type, and its key column.
fn view_of(aggregate_type: &str) -> Option<(&'static str, &'static str)> {
    Some(match aggregate_type {
        "Organisation" => ("view_organisations", "ods_code"),
        "Activity" => ("view_activities", "id"),
        "InputItem" => ("view_input_items", "id"),
        "Action" => ("view_actions", "id"),
        "Participant" => ("view_participants", "id"),
        "Board" => ("view_boards", "id"),
        "Appointment" => ("view_appointments", "id"),
        "BoardMeeting" => ("view_meetings", "id"),
        _ => return None,
    })
}

/// Documents to read from the tables: by aggregate type, with its table, key column and ids.
type Wanted<'a> = Vec<(&'a str, &'static str, &'static str, Vec<&'a str>)>;

/// The records `events` continue whose documents `known` lacks, so that they must be read from
/// the tables.
fn missing_docs<'a>(events: &'a [ViewEvent], known: &Docs) -> Wanted<'a> {
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
        let Some((table, key)) = view_of(aggregate_type) else {
            continue;
        };
        match wanted.iter_mut().find(|w| w.0 == aggregate_type) {
            Some(w) => w.3.push(event.aggregate_id.as_str()),
            None => wanted.push((aggregate_type, table, key, vec![&event.aggregate_id])),
        }
    }
    wanted
}

/// Applies `events` to the documents in `docs`, taking those not there yet from `stored` (the
/// tables' copies); answers with the keys of the documents changed.
fn apply_events(
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
        let id = event.aggregate_id.as_str();
        let at = event.recorded_at;
        let context = || {
            format!(
                "event at log position {} could not be applied",
                event.at.position
            )
        };
        // The event applied to the document's previous state (if of the kind its stream
        // projects to).
        macro_rules! apply {
            ($kind:ident, $apply:expr $(, $at:expr)?) => {
                Doc::$kind($apply(
                    previous.and_then(|d| if let Doc::$kind(d) = d { Some(d) } else { None }),
                    id,
                    serde_json::from_str(&event.payload).with_context(context)?,
                    $($at)?
                )?)
            };
        }
        let next = match event.aggregate_type.as_str() {
            "Organisation" => apply!(Organisation, apply_organisation, at),
            "Activity" => apply!(Activity, apply_activity, at),
            "InputItem" => apply!(InputItem, apply_input_item, at),
            "Action" => apply!(Action, apply_action, at),
            "Participant" => apply!(Participant, apply_participant, at),
            "Board" => apply!(Board, apply_board, at),
            "Appointment" => apply!(Appointment, apply_appointment),
            "BoardMeeting" => apply!(Meeting, apply_meeting),
            // Aggregates these views do not cover.
            _ => continue,
        };
        changed.insert(key.clone());
        docs.insert(key, (next, created_at));
    }
    Ok(changed)
}

/// The table rows of a batch's documents, each created at its position; the documents are
/// then written, as far as they know (an action's new progress notes are taken out of it).
fn rows_of<'a>(docs: impl IntoIterator<Item = &'a mut (Doc, i64)>) -> anyhow::Result<write::Rows> {
    use write::Value::{Bool, Date, Int, Text};
    let text = |s: &str| Text(Some(s.to_owned()));
    let mut rows = write::Rows::default();
    for (doc, created) in docs {
        let at = Int(*created);
        match doc {
            Doc::Organisation(d) => rows.doc(
                &write::ORGANISATIONS,
                vec![
                    text(d.ods_code.as_str()),
                    Text(d.ics.as_ref().map(|c| c.as_str().to_owned())),
                    Text(Some(serde_json::to_string(d)?)),
                ],
            ),
            Doc::Activity(d) => rows.doc(
                &write::ACTIVITIES,
                vec![
                    Text(Some(d.id.to_string())),
                    text(d.lead_organisation.as_str()),
                    Date(d.planned_on),
                    at,
                    Text(Some(serde_json::to_string(d)?)),
                ],
            ),
            Doc::InputItem(d) => rows.doc(
                &write::INPUT_ITEMS,
                vec![
                    Text(Some(d.id.to_string())),
                    text(d.organisation.as_str()),
                    Text(d.referred_to().map(|c| c.as_str().to_owned())),
                    Text(Some(d.activity_id.to_string())),
                    Date(d.raised_on),
                    at,
                    Text(Some(serde_json::to_string(d)?)),
                ],
            ),
            Doc::Action(d) => {
                rows.doc(
                    &write::ACTIONS,
                    vec![
                        Text(Some(d.id.to_string())),
                        text(d.owner_organisation.as_str()),
                        at,
                        Text(Some(serde_json::to_string(d)?)),
                    ],
                );
                for item in &d.input_items {
                    rows.link(
                        &write::ACTION_LINKS,
                        vec![item.to_string(), d.id.to_string()],
                    );
                }
                // The notes recorded since the document was last written, each once.
                let unwritten = std::mem::take(&mut d.unwritten_progress);
                let first = i64::from(d.progress_notes) - unwritten.len() as i64 + 1;
                for (seq, note) in (first..).zip(unwritten) {
                    rows.doc(
                        &write::ACTION_PROGRESS,
                        vec![
                            Text(Some(d.id.to_string())),
                            Int(seq),
                            Date(note.on),
                            Text(Some(note.text)),
                        ],
                    );
                }
            }
            Doc::Participant(d) => {
                rows.doc(
                    &write::PARTICIPANTS,
                    vec![
                        Text(Some(d.id.to_string())),
                        text(d.organisation.as_str()),
                        Bool(d.erasure.is_some()),
                        at,
                        Text(Some(serde_json::to_string(d)?)),
                    ],
                );
                for target in d.activities.iter().chain(&d.input_items) {
                    rows.link(
                        &write::PARTICIPANT_LINKS,
                        vec![d.id.to_string(), target.to_string()],
                    );
                }
            }
            Doc::Board(d) => rows.doc(
                &write::BOARDS,
                vec![
                    Text(Some(d.id.to_string())),
                    text(d.organisation.as_str()),
                    at,
                    Text(Some(serde_json::to_string(d)?)),
                ],
            ),
            Doc::Appointment(d) => rows.doc(
                &write::APPOINTMENTS,
                vec![
                    Text(Some(d.id.to_string())),
                    Text(Some(d.board_id.to_string())),
                    Text(Some(d.participant_id.to_string())),
                    text(d.organisation.as_str()),
                    at,
                    Text(Some(serde_json::to_string(d)?)),
                ],
            ),
            Doc::Meeting(d) => {
                rows.doc(
                    &write::MEETINGS,
                    vec![
                        Text(Some(d.id.to_string())),
                        Text(Some(d.board_id.to_string())),
                        text(d.organisation.as_str()),
                        at,
                        Text(Some(serde_json::to_string(d)?)),
                    ],
                );
                for decision in &d.decisions {
                    for item in &decision.cited_input_items {
                        rows.link(
                            &write::DECISION_CITATIONS,
                            vec![
                                item.to_string(),
                                d.id.to_string(),
                                decision.decision_id.to_string(),
                            ],
                        );
                    }
                }
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::{part_of, with_suffix, MAX_PARTS};

    #[test]
    fn a_rebuild_shares_records_out_evenly_and_each_always_to_the_same_part() {
        // Record ids are UUIDs (and ODS codes for organisations).
        let ids: Vec<String> = (0..8_000)
            .map(|_| uuid::Uuid::now_v7().to_string())
            .chain((0..2_000).map(|n| format!("R{n:04}")))
            .collect();
        for parts in 1..=MAX_PARTS {
            let mut counts = vec![0usize; parts];
            for id in &ids {
                let part = part_of(id, parts);
                assert_eq!(part, part_of(id, parts), "{id} stays in one part");
                counts[part] += 1;
            }
            let fair = ids.len() / parts;
            for count in counts {
                // Within a tenth of an even share: no part is left idle or does all the work.
                assert!(
                    count.abs_diff(fair) <= fair / 10,
                    "{parts} parts: {count} records of {}",
                    ids.len()
                );
            }
        }
    }

    #[test]
    fn only_whole_view_table_names_get_the_suffix() {
        assert_eq!(
            with_suffix(
                "INSERT INTO view_participant_links (x) SELECT 1 FROM view_participants, view_participants_org, my_view_actions",
                "__next"
            ),
            "INSERT INTO view_participant_links__next (x) SELECT 1 FROM view_participants__next, view_participants_org, my_view_actions"
        );
        assert_eq!(with_suffix("SELECT 1", "__next"), "SELECT 1");
    }
}
