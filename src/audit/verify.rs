//! Verifying the log: every stream's hash chain recomputed, and the whole log set against a
//! signed checkpoint. Pure: feed it the events in commit order, then ask for the verdict.

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::projections::LoggedEvent;
use crate::store::{chain_hash, format_recorded_at, HashedFields, LogPosition, GENESIS_HASH};

/// Where the log fails, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Problem {
    /// The event's stored content no longer matches its hash: a changed byte.
    Altered,
    /// The event does not follow the hash of the previous event of its stream.
    BrokenLink,
    /// Events of the stream are missing before this one.
    Missing {
        from_sequence: i64,
        to_sequence: i64,
    },
    /// The event comes before an earlier event of its stream: the log was reordered.
    OutOfOrder { before_sequence: i64 },
    /// The event repeats a sequence number its stream already had.
    Repeated,
    /// The log ends before the position the checkpoint covers.
    CutShort {
        checkpoint_events: u64,
        log_events: u64,
    },
    /// The log up to the checkpoint's position is not the one the checkpoint signed.
    DiffersFromCheckpoint {
        checkpoint_events: u64,
        log_events: u64,
    },
}

/// The first point of failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The event named; for a log cut short, the last event left.
    pub position: Option<i64>,
    pub aggregate_type: Option<String>,
    pub aggregate_id: Option<String>,
    pub sequence: Option<i64>,
    #[serde(flatten)]
    pub problem: Problem,
}

impl Failure {
    fn at(event: &LoggedEvent, problem: Problem) -> Self {
        Self {
            position: Some(event.at.position),
            aggregate_type: Some(event.aggregate_type.clone()),
            aggregate_id: Some(event.aggregate_id.clone()),
            sequence: Some(event.sequence),
            problem,
        }
    }

    /// A sentence naming the event and what is wrong with it.
    pub fn describe(&self) -> String {
        let event = match (
            &self.position,
            &self.aggregate_type,
            &self.aggregate_id,
            self.sequence,
        ) {
            (Some(p), Some(t), Some(id), Some(s)) => {
                format!("event at position {p} ({t} {id}, sequence {s})")
            }
            _ => "the log".to_owned(),
        };
        match &self.problem {
            Problem::Altered => format!("{event} was altered: its content does not match its hash"),
            Problem::BrokenLink => {
                format!("{event} does not follow the previous event of its stream")
            }
            Problem::Missing {
                from_sequence,
                to_sequence,
            } if from_sequence == to_sequence => {
                format!("{event}: sequence {from_sequence} of its stream is missing before it")
            }
            Problem::Missing {
                from_sequence,
                to_sequence,
            } => format!(
                "{event}: sequences {from_sequence} to {to_sequence} of its stream are missing before it"
            ),
            Problem::OutOfOrder { before_sequence } => format!(
                "{event} comes before sequence {before_sequence} of its stream: the log was reordered"
            ),
            Problem::Repeated => format!("{event} repeats a sequence number of its stream"),
            Problem::CutShort {
                checkpoint_events,
                log_events,
            } => format!(
                "the log was cut short: the checkpoint covers {checkpoint_events} events, the log \
                 holds {log_events}; the events after {} are missing",
                self.position
                    .map_or("its start".to_owned(), |p| format!("position {p}"))
            ),
            Problem::DiffersFromCheckpoint {
                checkpoint_events,
                log_events,
            } => format!(
                "the log up to the checkpoint differs from what was signed: {log_events} events \
                 where the checkpoint counted {checkpoint_events}, or the same number changed or \
                 reordered"
            ),
        }
    }
}

/// What a checkpoint asserts about the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covered<'a> {
    pub at: LogPosition,
    pub events: u64,
    pub root_hash: &'a str,
}

/// The running digest over every event's hash in commit order: the log's root hash.
#[derive(Debug, Clone, Default)]
pub struct Root {
    hash: [u8; 32],
    pub events: u64,
    pub last: Option<LogPosition>,
}

impl Root {
    pub fn add(&mut self, event: &LoggedEvent) {
        let mut hasher = Sha256::new();
        hasher.update(self.hash);
        hasher.update(event.hash.as_bytes());
        self.hash = hasher.finalize().into();
        self.events += 1;
        self.last = Some(event.at);
    }

    pub fn hex(&self) -> String {
        hex::encode(self.hash)
    }
}

#[derive(Default)]
struct Stream {
    last_sequence: i64,
    last_hash: String,
    /// The failure recorded for a gap in this stream, to re-label if the missing events turn up.
    gap: Option<(usize, i64, i64)>,
}

/// Follows the log event by event.
#[derive(Default)]
pub struct Verifier {
    streams: HashMap<(String, String), Stream>,
    root: Root,
    /// The root as it stood at the checkpoint's position, once passed.
    at_checkpoint: Option<Root>,
    checkpoint: Option<LogPosition>,
    failures: Vec<Failure>,
}

/// The verdict on the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub events: u64,
    pub streams: u64,
    pub root_hash: String,
    pub last: Option<LogPosition>,
    /// The first failure in log order; `None` when the log verifies.
    pub first_failure: Option<Failure>,
    /// How many failures were found in all.
    pub failures: u64,
}

impl Verifier {
    /// A verifier that will also set the log against `checkpoint`.
    pub fn new(checkpoint: Option<LogPosition>) -> Self {
        Self {
            checkpoint,
            ..Self::default()
        }
    }

    pub fn push(&mut self, event: &LoggedEvent) {
        if let Some(cp) = self.checkpoint {
            if event.at > cp && self.at_checkpoint.is_none() {
                self.at_checkpoint = Some(self.root.clone());
            }
        }
        self.root.add(event);
        let recomputed = chain_hash(&HashedFields {
            prev_hash: &event.prev_hash,
            aggregate_type: &event.aggregate_type,
            aggregate_id: &event.aggregate_id,
            sequence: event.sequence,
            event_type: &event.event_type,
            event_version: &event.event_version,
            recorded_at: &format_recorded_at(&event.recorded_at),
            metadata: &event.metadata,
            payload: &event.payload,
        });
        let key = (event.aggregate_type.clone(), event.aggregate_id.clone());
        let stream = self.streams.entry(key).or_default();
        let expected = stream.last_sequence + 1;
        let problem = if recomputed != event.hash {
            Some(Problem::Altered)
        } else if event.sequence == expected {
            let previous = if expected == 1 {
                GENESIS_HASH
            } else {
                stream.last_hash.as_str()
            };
            (event.prev_hash != previous).then_some(Problem::BrokenLink)
        } else if event.sequence > expected {
            Some(Problem::Missing {
                from_sequence: expected,
                to_sequence: event.sequence - 1,
            })
        } else {
            Some(Problem::Repeated)
        };
        match (problem, stream.gap) {
            (None, _) => {}
            // A missing event that turns up later was moved, not deleted: the event named at
            // the gap came before it.
            (Some(Problem::Repeated), Some((index, from, to)))
                if (from..=to).contains(&event.sequence) =>
            {
                self.failures[index].problem = Problem::OutOfOrder {
                    before_sequence: event.sequence,
                };
            }
            (Some(problem), _) => {
                if let Problem::Missing {
                    from_sequence,
                    to_sequence,
                } = problem
                {
                    stream.gap = Some((self.failures.len(), from_sequence, to_sequence));
                }
                self.failures.push(Failure::at(event, problem));
            }
        }
        if event.sequence >= expected {
            stream.last_sequence = event.sequence;
            stream.last_hash = event.hash.clone();
        }
    }

    /// The verdict, setting the log against `covered` when a checkpoint was given.
    pub fn finish(mut self, covered: Option<Covered<'_>>) -> Verification {
        if let Some(cp) = covered {
            let root = self
                .at_checkpoint
                .take()
                .unwrap_or_else(|| self.root.clone());
            let reached = self.root.last.is_some_and(|last| last >= cp.at);
            let problem = if !reached && root.events < cp.events {
                Some(Problem::CutShort {
                    checkpoint_events: cp.events,
                    log_events: root.events,
                })
            } else if root.events != cp.events || root.hex() != cp.root_hash {
                Some(Problem::DiffersFromCheckpoint {
                    checkpoint_events: cp.events,
                    log_events: root.events,
                })
            } else {
                None
            };
            if let Some(problem) = problem {
                let cut = matches!(problem, Problem::CutShort { .. });
                let failure = Failure {
                    position: if cut {
                        root.last.map(|l| l.position)
                    } else {
                        None
                    },
                    aggregate_type: None,
                    aggregate_id: None,
                    sequence: None,
                    problem,
                };
                // Failures inside the log come first; the checkpoint's verdict follows them.
                self.failures.push(failure);
            }
        }
        Verification {
            events: self.root.events,
            streams: self.streams.len() as u64,
            root_hash: self.root.hex(),
            last: self.root.last,
            failures: self.failures.len() as u64,
            first_failure: self.failures.into_iter().next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    /// A well-formed log: streams A (three events) and B (two), interleaved.
    fn log() -> Vec<LoggedEvent> {
        let mut heads: HashMap<&str, (i64, String)> = HashMap::new();
        ["A", "B", "A", "B", "A"]
            .iter()
            .enumerate()
            .map(|(i, stream)| {
                let (sequence, prev_hash) = heads
                    .get(stream)
                    .map_or((1, GENESIS_HASH.to_owned()), |(s, h)| (s + 1, h.clone()));
                let recorded_at: DateTime<Utc> = DateTime::UNIX_EPOCH;
                let payload = format!("{{\"n\":{i}}}");
                let hash = chain_hash(&HashedFields {
                    prev_hash: &prev_hash,
                    aggregate_type: "Activity",
                    aggregate_id: stream,
                    sequence,
                    event_type: "Noted",
                    event_version: "1",
                    recorded_at: &format_recorded_at(&recorded_at),
                    metadata: "{}",
                    payload: &payload,
                });
                heads.insert(stream, (sequence, hash.clone()));
                LoggedEvent {
                    at: LogPosition {
                        tx: 0,
                        position: i as i64 + 1,
                    },
                    aggregate_type: "Activity".into(),
                    aggregate_id: (*stream).into(),
                    sequence,
                    event_type: "Noted".into(),
                    event_version: "1".into(),
                    payload,
                    metadata: "{}".into(),
                    recorded_at,
                    prev_hash,
                    hash,
                }
            })
            .collect()
    }

    fn run(events: &[LoggedEvent], checkpoint: Option<(LogPosition, u64, &str)>) -> Verification {
        let mut verifier = Verifier::new(checkpoint.map(|c| c.0));
        for e in events {
            verifier.push(e);
        }
        verifier.finish(checkpoint.map(|(at, events, root_hash)| Covered {
            at,
            events,
            root_hash,
        }))
    }

    fn first(v: &Verification) -> (Option<i64>, Problem) {
        let f = v.first_failure.clone().expect("a failure");
        (f.position, f.problem)
    }

    #[test]
    fn an_untouched_log_verifies_against_its_checkpoint() {
        let events = log();
        let whole = run(&events, None);
        assert_eq!((whole.events, whole.streams, whole.failures), (5, 2, 0));
        let at = LogPosition { tx: 0, position: 5 };
        let v = run(&events, Some((at, 5, &whole.root_hash)));
        assert_eq!(v.first_failure, None);
        // A checkpoint over the first three events still holds as the log grows.
        let three = run(&events[..3], None);
        let at = LogPosition { tx: 0, position: 3 };
        assert_eq!(
            run(&events, Some((at, 3, &three.root_hash))).first_failure,
            None
        );
    }

    #[test]
    fn a_flipped_byte_names_its_event() {
        let mut events = log();
        events[2].payload = events[2].payload.replace("2", "3");
        assert_eq!(first(&run(&events, None)), (Some(3), Problem::Altered));
    }

    #[test]
    fn a_deleted_middle_event_names_the_one_after_it() {
        let mut events = log();
        events.remove(2);
        let missing = Problem::Missing {
            from_sequence: 2,
            to_sequence: 2,
        };
        assert_eq!(first(&run(&events, None)), (Some(5), missing));
        let v = run(&events, None);
        assert!(v
            .first_failure
            .expect("failure")
            .describe()
            .contains("sequence 2 of its stream is missing"));
    }

    #[test]
    fn swapped_events_name_the_one_moved_forward() {
        let mut events = log();
        events.swap(0, 2);
        let moved = Problem::OutOfOrder { before_sequence: 1 };
        assert_eq!(first(&run(&events, None)), (Some(3), moved));
        assert_eq!(run(&events, None).failures, 1);
    }

    #[test]
    fn a_recomputed_hash_still_breaks_the_next_link() {
        let mut events = log();
        events[0].payload = "{\"n\":9}".into();
        events[0].hash = chain_hash(&HashedFields {
            prev_hash: GENESIS_HASH,
            aggregate_type: "Activity",
            aggregate_id: "A",
            sequence: 1,
            event_type: "Noted",
            event_version: "1",
            recorded_at: &format_recorded_at(&events[0].recorded_at),
            metadata: "{}",
            payload: &events[0].payload,
        });
        assert_eq!(first(&run(&events, None)), (Some(3), Problem::BrokenLink));
    }

    #[test]
    fn a_log_cut_after_a_checkpoint_is_named() {
        let events = log();
        let whole = run(&events, None);
        let at = LogPosition { tx: 0, position: 5 };
        let v = run(&events[..3], Some((at, 5, &whole.root_hash)));
        let cut = Problem::CutShort {
            checkpoint_events: 5,
            log_events: 3,
        };
        assert_eq!(first(&v), (Some(3), cut));
        assert!(v
            .first_failure
            .expect("failure")
            .describe()
            .contains("the events after position 3 are missing"));
    }

    #[test]
    fn a_removed_stream_tail_shows_against_the_checkpoint() {
        let events = log();
        let whole = run(&events, None);
        let at = LogPosition { tx: 0, position: 5 };
        // B's last event goes: every chain still holds, but the checkpoint does not.
        let mut shorter = events.clone();
        shorter.remove(3);
        assert_eq!(run(&shorter, None).failures, 0);
        let differs = Problem::DiffersFromCheckpoint {
            checkpoint_events: 5,
            log_events: 4,
        };
        assert_eq!(
            first(&run(&shorter, Some((at, 5, &whole.root_hash)))),
            (None, differs)
        );
    }
}
