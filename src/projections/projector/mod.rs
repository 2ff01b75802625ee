//! The `views` projector: follows the log, keeps the view tables and its checkpoint in step.
//!
//! - this module: the handle the API holds, to nudge the projector and wait for it;
//! - `live`: the projector task, its lease (one replica runs it) and its loop;
//! - `batch`: a batch's documents read, the events applied, the rows written;
//! - `rebuild`: replaying the whole log into fresh tables, in parts side by side;
//! - `shadow`: the tables a rebuild fills beside the live ones, and their switch-in;
//! - `tallies`: the tallies' own task, following the views beside the projector's loop.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{mpsc, oneshot, watch, Notify};

use super::kept::{Kept, KeptItems, KeptPages};
use super::views::{Doc, Projected};
use crate::cache::{self, ByKey, Caching, SeenVersions};
use crate::store::{stream_key, LogPosition};

mod batch;
mod live;
mod rebuild;
mod shadow;
mod tallies;

pub use super::status::PROJECTOR_NAME;
pub use super::views::VIEW_TABLES;
pub use live::Projector;
pub use rebuild::{rebuild, rebuild_with, RebuildOptions};
pub use shadow::MAX_PARTS;

/// Documents by record (`type/id`), each with the position that created it.
pub(crate) type Docs = ByKey<(Doc, i64)>;
/// A set of records' keys.
pub(crate) type Records = std::collections::HashSet<String, foldhash::fast::RandomState>;
/// The documents the projector last wrote (see [`cache::HeldDocs`]).
type HeldDocs = cache::HeldDocs<Doc, LogPosition>;

/// A cheap handle the API uses to nudge the projector and to wait for its progress.
#[derive(Clone)]
pub struct ProjectorHandle {
    wake: Arc<Notify>,
    position: watch::Receiver<LogPosition>,
    /// Where the tallies stand (the views' position while they are being made afresh).
    tallies: watch::Receiver<LogPosition>,
    leading: watch::Receiver<bool>,
    rebuild: mpsc::Sender<oneshot::Sender<anyhow::Result<u64>>>,
    held: Arc<HeldDocs>,
    seen: Arc<SeenVersions>,
    kept: Arc<Kept>,
    replica: Arc<str>,
    caching: Caching,
}

impl ProjectorHandle {
    /// This replica's id, which its notifications to other replicas carry so that it can
    /// ignore its own.
    pub fn replica(&self) -> Arc<str> {
        self.replica.clone()
    }

    /// Whether this replica keeps caches (the write path's stream states follow it).
    pub fn caching(&self) -> Caching {
        self.caching
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

    /// Waits until the tallies reflect where the views stand now, or `timeout` passes; says
    /// whether they do. Writers wait for the views alone; readers of the tallies wait here, so
    /// that a roll-up read after a mutation counts it.
    pub async fn tallies_in_step(&self, timeout: Duration) -> bool {
        let target = self.position();
        let mut tallies = self.tallies.clone();
        tokio::time::timeout(timeout, tallies.wait_for(|t| *t >= target))
            .await
            .is_ok_and(|r| r.is_ok())
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
        self.leading().then_some(&self.kept.items)
    }

    /// The public pages this replica keeps, when it writes the views; `None` on a replica
    /// that only reads them, which renders each page afresh.
    pub fn kept_pages(&self) -> Option<&KeptPages> {
        self.leading().then_some(&self.kept.pages)
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
