//! Rebuilding the views: the whole log replayed into fresh tables beside the live ones, split by
//! record into parts applied and written side by side, then switched in.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use tokio::sync::{mpsc, watch};

use super::batch::{apply_events, load_docs, missing_docs, rows_of};
use super::shadow::{create_shadow, switch_in, Deferred, MAX_PARTS, PART_CHECKPOINTS, SHADOW};
use super::{Docs, Records};
use crate::cache::ByKey;
use crate::projections::log::{send_whole_log, ViewEvent};
use crate::projections::status::PROJECTOR_NAME;
use crate::projections::views::Doc;
use crate::projections::write;
use crate::store::{Db, LogPosition};
use crate::telemetry::metrics::{REBUILD_EVENTS, REBUILD_RUNNING};

/// Events a rebuild applies at a time: large, as it has no one waiting on each batch, and
/// a record's events land in one document write however many of them a batch holds.
const REBUILD_BATCH: i64 = 10_000;
/// Most documents a rebuild holds in memory (about 1 KB each): it writes each when it lets it
/// go, or at the end.
const REBUILD_HELD: usize = 20_000;

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
    metrics::gauge!(REBUILD_RUNNING).set(1.0);
    metrics::gauge!(REBUILD_EVENTS).set(0.0);
    let rebuilt = rebuild_from_scratch(db, options).await;
    metrics::gauge!(REBUILD_RUNNING).set(0.0);
    let applied = rebuilt?;
    tracing::info!(
        projector = PROJECTOR_NAME,
        events = applied,
        parts = options.parts,
        duration_ms = started.elapsed().as_millis() as u64,
        "views rebuilt and switched in"
    );
    Ok(applied)
}

async fn rebuild_from_scratch(db: &Db, options: RebuildOptions) -> anyhow::Result<u64> {
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
        metrics::gauge!(REBUILD_EVENTS).set(applied as f64);
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
        let mut changed_in: ByKey<u64> = ByKey::default();
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

#[cfg(test)]
mod tests {
    use super::{part_of, MAX_PARTS};

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
}
