//! One hot standby: how far it has replayed the views and the tallies, and how far behind the
//! primary that leaves it, read by a task of its own.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{watch, Notify};

use crate::projections::status::PROJECTOR_NAME;
use crate::projections::tally::TALLIES_CHECKPOINT;
use crate::projections::ProjectorHandle;
use crate::store::{Db, LogPosition};
use crate::telemetry::metrics as names;

/// How often a standby's checkpoints are read while nobody waits on it.
const EVERY: Duration = Duration::from_millis(100);
/// How often while a reader waits for it to reach a position.
const HURRIED: Duration = Duration::from_millis(5);
/// Longest one read of its checkpoints may take before the standby counts as not answering.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);
/// How far back the primary's moves are remembered, to tell a standby's lag by.
const REMEMBERED: Duration = Duration::from_secs(300);
/// The most moves remembered.
const MOST_MOVES: usize = 4096;

/// What a standby has replayed, as last read.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Replayed {
    /// The views' checkpoint.
    pub views: LogPosition,
    /// The tallies' checkpoint; `None` while they are being made afresh.
    pub tallies: Option<LogPosition>,
    /// How long ago the primary's views first held something this standby's still lack; zero
    /// when it has all they held when last read. `None` while the standby does not answer.
    pub lag: Option<Duration>,
    /// Whether it has been read at all yet.
    pub read: bool,
}

/// A hot standby the views are read from.
pub struct Standby {
    /// Its number in `DATABASE_READ_URL`, from 1: what logs and metrics call it.
    pub(super) number: String,
    pub(super) db: Db,
    replayed: watch::Sender<Replayed>,
    /// Readers waiting for it to reach a position: while there are any, it is read more often.
    waiting: AtomicUsize,
    hurry: Notify,
}

impl Standby {
    pub(super) fn new(number: usize, db: Db) -> Arc<Self> {
        Arc::new(Self {
            number: number.to_string(),
            db,
            replayed: watch::channel(Replayed::default()).0,
            waiting: AtomicUsize::new(0),
            hurry: Notify::new(),
        })
    }

    /// What it had replayed when last read.
    pub fn replayed(&self) -> Replayed {
        *self.replayed.borrow()
    }

    /// Waits until what it has replayed satisfies `reached`, or `timeout` passes; says
    /// whether it does.
    pub async fn wait_until(&self, timeout: Duration, reached: impl Fn(&Replayed) -> bool) -> bool {
        if reached(&self.replayed()) {
            return true;
        }
        let mut replayed = self.replayed.subscribe();
        self.waiting.fetch_add(1, Ordering::Relaxed);
        self.hurry.notify_one();
        let done = tokio::time::timeout(timeout, replayed.wait_for(|r| reached(r)))
            .await
            .is_ok_and(|r| r.is_ok());
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        done
    }

    /// Reads its checkpoints over and over, until the standby is let go.
    pub(super) async fn follow(self: Arc<Self>, primary: ProjectorHandle) {
        let mut moves = Moves::default();
        let mut answering = true;
        loop {
            // The primary's position is taken before the standby is read, so that the standby
            // is never counted ahead of what the primary held.
            let primary_at = primary.position();
            moves.note(primary_at, Instant::now());
            let read = tokio::time::timeout(ANSWER_WITHIN, checkpoints(&self.db)).await;
            let replayed = match read {
                Ok(Ok((views, tallies))) => {
                    if !answering {
                        tracing::info!(standby = %self.number, "the standby answers again");
                    }
                    answering = true;
                    let lag = if views >= primary_at {
                        Duration::ZERO
                    } else {
                        moves.since_passed(views, Instant::now())
                    };
                    Replayed {
                        views,
                        tallies,
                        lag: Some(lag),
                        read: true,
                    }
                }
                failed => {
                    if answering {
                        let why = match failed {
                            Ok(Err(error)) => format!("{error:#}"),
                            _ => format!("no answer within {} s", ANSWER_WITHIN.as_secs()),
                        };
                        tracing::warn!(
                            standby = %self.number,
                            error = why,
                            "the standby does not answer; reads go elsewhere until it does"
                        );
                    }
                    answering = false;
                    Replayed {
                        lag: None,
                        read: true,
                        ..self.replayed()
                    }
                }
            };
            let label = self.number.clone();
            metrics::gauge!(names::STANDBY_UP, "standby" => label.clone())
                .set(if replayed.lag.is_some() { 1.0 } else { 0.0 });
            if let Some(lag) = replayed.lag {
                metrics::gauge!(names::STANDBY_LAG_SECONDS, "standby" => label)
                    .set(lag.as_secs_f64());
            }
            self.replayed.send_replace(replayed);
            let pause = if self.waiting.load(Ordering::Relaxed) > 0 {
                HURRIED
            } else {
                EVERY
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = self.hurry.notified() => {}
            }
        }
    }
}

/// The standby's checkpoints of the views and the tallies, in one read.
async fn checkpoints(db: &Db) -> anyhow::Result<(LogPosition, Option<LogPosition>)> {
    const SQL: &str = "SELECT name, last_tx, last_position FROM projector_checkpoints \
                       WHERE name = $1 OR name = $2";
    let rows: Vec<(String, i64, i64)> = on_db!(db, pool => sqlx::query_as(SQL)
        .bind(PROJECTOR_NAME)
        .bind(TALLIES_CHECKPOINT)
        .fetch_all(pool)
        .await)?;
    let mut views = LogPosition::default();
    let mut tallies = None;
    for (name, tx, position) in rows {
        let at = LogPosition { tx, position };
        if name == PROJECTOR_NAME {
            views = at;
        } else {
            tallies = Some(at);
        }
    }
    Ok((views, tallies))
}

/// When the primary's views moved, as seen here: a standby's lag is the time since the primary
/// first went past what the standby holds.
#[derive(Default)]
struct Moves {
    seen: VecDeque<(LogPosition, Instant)>,
}

impl Moves {
    /// Notes where the primary stands at `now`, when it has moved.
    fn note(&mut self, at: LogPosition, now: Instant) {
        if self.seen.back().is_none_or(|(last, _)| *last != at) {
            self.seen.push_back((at, now));
        }
        while self.seen.len() > MOST_MOVES
            || self
                .seen
                .front()
                .is_some_and(|(_, when)| now.duration_since(*when) > REMEMBERED)
        {
            // The newest move is always kept: it is where the primary stands.
            if self.seen.len() == 1 {
                break;
            }
            self.seen.pop_front();
        }
    }

    /// How long ago the primary first held more than `standby`: from the earliest move
    /// remembered past it (at least as long ago as the oldest remembered, when all are).
    fn since_passed(&self, standby: LogPosition, now: Instant) -> Duration {
        self.seen
            .iter()
            .find(|(at, _)| *at > standby)
            .map_or(Duration::ZERO, |(_, when)| now.duration_since(*when))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(position: i64) -> LogPosition {
        LogPosition { tx: 0, position }
    }

    #[test]
    fn lag_is_the_time_since_the_primary_first_went_past_the_standby() {
        let start = Instant::now();
        let mut moves = Moves::default();
        moves.note(at(10), start);
        moves.note(at(10), start + Duration::from_secs(1));
        moves.note(at(20), start + Duration::from_secs(2));
        moves.note(at(30), start + Duration::from_secs(5));
        let now = start + Duration::from_secs(6);
        // Holding 10, it lacks what the primary held from its move to 20.
        assert_eq!(moves.since_passed(at(10), now), Duration::from_secs(4));
        assert_eq!(moves.since_passed(at(25), now), Duration::from_secs(1));
        assert_eq!(moves.since_passed(at(30), now), Duration::ZERO);
        // Behind everything remembered: at least as long as remembered.
        assert_eq!(moves.since_passed(at(5), now), Duration::from_secs(6));
    }

    #[test]
    fn old_moves_are_let_go_but_where_the_primary_stands_is_kept() {
        let start = Instant::now();
        let mut moves = Moves::default();
        moves.note(at(1), start);
        moves.note(at(2), start + Duration::from_secs(1));
        let later = start + REMEMBERED + Duration::from_secs(10);
        moves.note(at(2), later);
        assert_eq!(moves.seen.len(), 1);
        assert_eq!(
            moves.since_passed(at(1), later),
            REMEMBERED + Duration::from_secs(9)
        );
        for position in 3..(MOST_MOVES as i64 + 100) {
            moves.note(at(position), later);
        }
        assert_eq!(moves.seen.len(), MOST_MOVES);
    }
}
