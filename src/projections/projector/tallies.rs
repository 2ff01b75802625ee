//! The tallies' own task, beside the projector's loop on the replica that runs it.
//!
//! The tallies follow the views: each batch the projector writes can change the parts of the
//! items and actions its events touch, and each part counts in a few dozen rows. Kept in the
//! projector's loop, that work would be added to every batch, and every mutation (which waits
//! for the views) would wait for it too: writers would go at the tallies' pace. Apart, writers
//! wait for the views alone; the tallies follow as fast as they can, many batches in one go
//! when they fall behind, so that the rows a batch's items share (their organisation's day,
//! month and year) are written once for all of them.
//!
//! Readers of the tallies wait instead (see [`super::ProjectorHandle::tallies_in_step`]): a
//! roll-up asked for waits until the tallies reach where the views stood when it was asked,
//! so it counts every mutation its caller has seen answered. While the tallies are being made
//! afresh, the views' position is published for them, and roll-ups are counted item by item.

use std::time::Duration;

use std::sync::Arc;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::projections::status::PROJECTOR_NAME;
use crate::projections::tally;
use crate::store::{Db, LogPosition};

/// Where the views stand, told to the tallies' task, which publishes what both have reached.
pub(super) struct TallyFollower {
    views: watch::Sender<LogPosition>,
    task: JoinHandle<()>,
}

impl TallyFollower {
    /// Starts following, from the views at `views_at`; publishes where the tallies stand to
    /// `position`, while `leading` says this replica runs the projector.
    pub(super) fn start(
        db: Db,
        wake: Arc<Notify>,
        views_at: LogPosition,
        position: watch::Sender<LogPosition>,
        leading: watch::Receiver<bool>,
    ) -> Self {
        let (views, moved) = watch::channel(views_at);
        let task = tokio::spawn(follow(db, wake, moved, position, leading));
        Self { views, task }
    }

    /// The views now stand at `at`.
    pub(super) fn views_moved(&self, at: LogPosition) {
        self.views.send_replace(at);
    }

    /// Stops once the tallies' current step is done.
    pub(super) async fn stop(self) {
        drop(self.views);
        let _ = self.task.await;
    }
}

async fn follow(
    db: Db,
    wake: Arc<Notify>,
    mut views: watch::Receiver<LogPosition>,
    position: watch::Sender<LogPosition>,
    leading: watch::Receiver<bool>,
) {
    // Only forward: waiters already let through stay through.
    let publish = |at: LogPosition| {
        position.send_if_modified(|p| {
            let forward = at > *p;
            if forward {
                *p = at;
            }
            forward
        });
    };
    loop {
        let views_at = *views.borrow_and_update();
        if *leading.borrow() {
            // Events committed while the tallies held a transaction open waited for it (the
            // log is read below the oldest open writer): the projector is woken to read them.
            let committed = || wake.notify_one();
            match step(&db, &mut views, views_at, &publish, &committed).await {
                Ok(tallies_at) => publish(tallies_at),
                Err(error) => {
                    tracing::error!(
                        projector = PROJECTOR_NAME,
                        error = format!("{error:#}"),
                        "could not bring the tallies up to the views; retrying"
                    );
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
        }
        if *views.borrow() != views_at {
            // The views moved while the tallies were being made afresh.
            continue;
        }
        if views.changed().await.is_err() {
            return;
        }
    }
}

/// Brings the tallies up to `views_at`. While they are being made afresh (which reads every
/// item), the views' moves are published as they come, and roll-ups are counted item by item.
async fn step(
    db: &Db,
    views: &mut watch::Receiver<LogPosition>,
    views_at: LogPosition,
    publish: &impl Fn(LogPosition),
    committed: &(dyn Fn() + Sync),
) -> anyhow::Result<LogPosition> {
    if let Some(at) = tally::checkpoint(db).await? {
        return tally::follow_after(db, at, views_at, committed).await;
    }
    publish(views_at);
    let made = async {
        tally::make_all(db, views_at).await?;
        anyhow::Ok(views_at)
    };
    tokio::pin!(made);
    loop {
        tokio::select! {
            made = &mut made => return made,
            moved = views.changed() => match moved {
                Ok(()) => publish(*views.borrow()),
                Err(_) => return (&mut made).await,
            },
        }
    }
}
