//! Imports under way: each uploaded file is read, checked and tried on a scratch ledger in the
//! background while its page shows how far it has got, then waits for the person who uploaded
//! it to say "record"; recording runs in the background too. Jobs are held in memory for the
//! person who started them, for a day at most.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::api::AppState;
use crate::import::format::KeptBy;
use crate::import::prepare::{prepare, Prepared};
use crate::import::record::{self, Outcome, Recording};
use crate::import::trial::{self, Trial};
use crate::import::Problem;

/// How long a job is kept after it started.
const KEPT_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// Most jobs held at once, for everyone; the oldest finished ones go first.
const MOST_HELD: usize = 200;

/// Where an import has got to.
#[derive(Debug, Clone)]
pub enum Stage {
    /// Reading the file and checking its rows.
    Reading,
    /// Trying every row on a scratch ledger.
    Trying,
    /// Refused, with every problem found; nothing was recorded.
    Refused(Vec<Problem>),
    /// Every row passed: what recording it would give, waiting for the word.
    Ready(Arc<(Prepared, Trial)>),
    Recording(Arc<(Prepared, Trial)>),
    /// Recorded: what was recorded, and what an earlier import had recorded already.
    Recorded {
        recorded: usize,
        already: usize,
    },
    /// Recording met rows the ledger refused (records changed since the trial).
    Stopped(Outcome),
    /// The service failed; the detail is in the log.
    Failed,
}

/// What the person who uploaded a file may import: engagement records, boards' records.
#[derive(Debug, Clone, Copy)]
pub struct Rights {
    pub engagement: bool,
    pub boards: bool,
}

impl Rights {
    /// A problem for each sheet of `prepared` with rows the person may not import.
    fn refusals(self, prepared: &Prepared) -> Vec<Problem> {
        prepared
            .rows
            .iter()
            .filter(|(_, rows)| **rows > 0)
            .filter_map(|(sheet, rows)| {
                let (may, who) = match sheet.kept_by() {
                    KeptBy::Officers => (self.engagement, "engagement officers"),
                    KeptBy::Secretaries => (self.boards, "board secretaries"),
                    KeptBy::Either => (self.engagement || self.boards, "officers or secretaries"),
                };
                (!may).then(|| {
                    Problem::sheet(
                        sheet.name(),
                        &format!("{rows} rows"),
                        &format!(
                            "only rows you may record: the organisation's {who} import this \
                             sheet, so ask one to, or take it out of the file"
                        ),
                    )
                })
            })
            .collect()
    }
}

/// One uploaded file's import.
pub struct Job {
    pub id: String,
    /// The subject of the person who uploaded it: the only one who sees it.
    pub owner: String,
    pub organisation: String,
    /// The file's name, or the names of the CSV files sent together.
    pub file: String,
    started: Instant,
    /// Steps done and to do in the current stage.
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    stage: Mutex<Stage>,
}

impl Job {
    pub fn stage(&self) -> Stage {
        self.stage
            .lock()
            .map(|s| s.clone())
            .unwrap_or(Stage::Failed)
    }

    fn set(&self, stage: Stage) {
        if let Ok(mut held) = self.stage.lock() {
            *held = stage;
        }
    }

    /// Whether it is still at work (reading, trying or recording).
    pub fn working(&self) -> bool {
        matches!(
            self.stage(),
            Stage::Reading | Stage::Trying | Stage::Recording(_)
        )
    }

    fn progress(&self) -> impl Fn(usize) + Sync + '_ {
        move |n| self.done.store(n, Ordering::Relaxed)
    }

    fn begin(&self, total: usize, stage: Stage) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.set(stage);
    }
}

/// The jobs held.
#[derive(Default)]
pub struct Jobs {
    held: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    /// The job `id`, if `owner` started it and it is still held.
    pub fn find(&self, id: &str, owner: &str) -> Option<Arc<Job>> {
        let held = self.held.lock().ok()?;
        held.get(id).filter(|job| job.owner == owner).cloned()
    }

    /// Whether `owner` has an import at work already.
    pub fn busy(&self, owner: &str) -> bool {
        self.held
            .lock()
            .map(|held| held.values().any(|j| j.owner == owner && j.working()))
            .unwrap_or(false)
    }

    /// Starts reading, checking and trying `files` for `organisation`, as `owner`.
    pub fn start(
        &self,
        state: &AppState,
        owner: &str,
        organisation: &str,
        rights: Rights,
        files: Vec<(String, Vec<u8>)>,
    ) -> Arc<Job> {
        let job = Arc::new(Job {
            id: uuid::Uuid::new_v4().simple().to_string(),
            owner: owner.to_owned(),
            organisation: organisation.to_owned(),
            file: files
                .iter()
                .map(|(name, _)| name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            started: Instant::now(),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            stage: Mutex::new(Stage::Reading),
        });
        if let Ok(mut held) = self.held.lock() {
            held.retain(|_, j| j.started.elapsed() < KEPT_FOR);
            while held.len() >= MOST_HELD {
                let Some(oldest) = held
                    .values()
                    .filter(|j| !j.working())
                    .min_by_key(|j| j.started)
                    .map(|j| j.id.clone())
                else {
                    break;
                };
                held.remove(&oldest);
            }
            held.insert(job.id.clone(), job.clone());
        }
        let (db, running) = (state.ledger.db().clone(), job.clone());
        tokio::spawn(async move {
            let org = running.organisation.clone();
            let read = tokio::task::spawn_blocking(move || prepare(&files, &org)).await;
            let prepared = match read {
                Ok(Ok(prepared)) => prepared,
                Ok(Err(unreadable)) => {
                    let problem =
                        Problem::sheet(&running.file, "a file that could not be read", &unreadable);
                    return running.set(Stage::Refused(vec![problem]));
                }
                Err(panicked) => {
                    tracing::error!(error = %panicked, "reading an uploaded file failed");
                    return running.set(Stage::Failed);
                }
            };
            if !prepared.problems.is_empty() {
                return running.set(Stage::Refused(prepared.problems));
            }
            let refused = rights.refusals(&prepared);
            if !refused.is_empty() {
                return running.set(Stage::Refused(refused));
            }
            running.begin(prepared.steps.len(), Stage::Trying);
            let tried = trial::trial(
                &db,
                &running.organisation,
                &prepared.steps,
                &running.progress(),
            )
            .await;
            match tried {
                Ok(trial) if trial.problems.is_empty() => {
                    running.set(Stage::Ready(Arc::new((prepared, trial))));
                }
                Ok(trial) => running.set(Stage::Refused(trial.problems)),
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "the trial of an import failed");
                    running.set(Stage::Failed);
                }
            }
        });
        job
    }

    /// Records a job that is ready, as its owner; false if it is not ready.
    pub fn record(&self, state: &AppState, job: &Arc<Job>) -> bool {
        let Stage::Ready(ready) = job.stage() else {
            return false;
        };
        job.begin(ready.1.to_record.len(), Stage::Recording(ready.clone()));
        let (schema, running) = (state.schema.schema().clone(), job.clone());
        tokio::spawn(async move {
            let (prepared, trial) = &*ready;
            let run = Recording {
                schema: &schema,
                organisation: &running.organisation,
                file_sha256: &prepared.sha256,
                by: &running.owner,
            };
            let outcome = record::record(&run, &trial.to_record, &running.progress()).await;
            tracing::info!(
                recorded = outcome.recorded,
                refused = outcome.problems.len(),
                "an uploaded import was recorded"
            );
            if outcome.problems.is_empty() {
                let already = prepared.steps.len() - trial.to_record.len() + outcome.already;
                running.set(Stage::Recorded {
                    recorded: outcome.recorded,
                    already,
                });
            } else {
                running.set(Stage::Stopped(outcome));
            }
        });
        true
    }
}
