//! Live updates over WebSocket (graphql-transport-ws), for the caller's organisations: events as
//! the views apply them, and input items whose verdict changed. They follow this replica's
//! views, which follow the log whichever replica wrote it.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use async_graphql::futures_util::stream::{self, Stream};
use async_graphql::{Context, SimpleObject, Subscription, ID};
use chrono::SecondsFormat;
use uuid::Uuid;

use crate::api::common::access::can_read_item;
use crate::api::common::context::{ledger, principal};
use crate::api::common::enums::InputVerdict;
use crate::api::common::error::{ApiError, ApiResult};
use crate::auth::Principal;
use crate::domain::verdict;
use crate::ledger::Ledger;
use crate::projections::{read, read_log_after, LoggedEvent};
use crate::store::LogPosition;

/// An event recorded on a record of the caller's organisations.
#[derive(SimpleObject, Clone)]
pub struct LedgerEvent {
    /// `tx:position`, as receipts give it.
    log_position: String,
    recorded_at: String,
    aggregate_type: String,
    aggregate_id: ID,
    sequence: i64,
    event_type: String,
}

/// An input item's verdict, sent when it changes.
#[derive(SimpleObject, Clone)]
pub struct VerdictChange {
    input_item_id: ID,
    verdict: InputVerdict,
    /// The event that changed it.
    log_position: String,
}

/// What a subscription sends.
#[derive(Clone)]
enum Note {
    Event(LedgerEvent),
    Verdict(VerdictChange),
}

/// One subscription's place in the log.
struct Follower {
    ledger: Arc<Ledger>,
    principal: Principal,
    position: tokio::sync::watch::Receiver<LogPosition>,
    last: LogPosition,
    pending: VecDeque<Note>,
    verdicts: HashMap<Uuid, verdict::InputVerdict>,
    want_verdicts: bool,
}

fn parse_position(text: &str) -> Option<LogPosition> {
    let (tx, position) = text.trim().split_once(':')?;
    Some(LogPosition {
        tx: tx.parse().ok()?,
        position: position.parse().ok()?,
    })
}

fn position_text(p: LogPosition) -> String {
    format!("{}:{}", p.tx, p.position)
}

impl Follower {
    /// Follows from `after` (a receipt's `tx:position`), or from the views' position now.
    fn new(ctx: &Context<'_>, after: Option<String>, want_verdicts: bool) -> ApiResult<Self> {
        let ledger = ledger(ctx).clone();
        let position = ledger.projector().watch();
        let last = match after {
            Some(text) => parse_position(&text).ok_or_else(|| {
                ApiError::Validation("after: give a logPosition such as 0:42".into())
            })?,
            None => *position.borrow(),
        };
        Ok(Self {
            principal: principal(ctx)?.clone(),
            ledger,
            position,
            last,
            pending: VecDeque::new(),
            verdicts: HashMap::new(),
            want_verdicts,
        })
    }

    /// The next note, waiting for the views to move when there is none.
    async fn next(mut self) -> Option<(Note, Self)> {
        loop {
            if let Some(note) = self.pending.pop_front() {
                return Some((note, self));
            }
            let last = self.last;
            let applied = *self.position.wait_for(|p| *p > last).await.ok()?;
            match read_log_after(self.ledger.db(), last, 500).await {
                Ok(events) => {
                    for event in events.iter().filter(|e| e.at <= applied) {
                        self.last = event.at;
                        if let Err(error) = self.note(event).await {
                            tracing::warn!(
                                error = format!("{error:#}"),
                                "subscription skipped an event"
                            );
                        }
                    }
                    if events.is_empty() {
                        self.last = applied;
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error, "subscription could not read the log");
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
            }
        }
    }

    async fn note(&mut self, event: &LoggedEvent) -> anyhow::Result<()> {
        let db = self.ledger.db();
        let owners = read::owners_of(db, &event.aggregate_type, &event.aggregate_id).await?;
        if !owners.iter().any(|o| self.principal.can_read(o)) {
            return Ok(());
        }
        if !self.want_verdicts {
            self.pending.push_back(Note::Event(LedgerEvent {
                log_position: position_text(event.at),
                recorded_at: event
                    .recorded_at
                    .to_rfc3339_opts(SecondsFormat::Micros, true),
                aggregate_type: event.aggregate_type.clone(),
                aggregate_id: event.aggregate_id.clone().into(),
                sequence: event.sequence,
                event_type: event.event_type.clone(),
            }));
            return Ok(());
        }
        let Ok(id) = event.aggregate_id.parse::<Uuid>() else {
            return Ok(());
        };
        let affected: Vec<Uuid> = match event.aggregate_type.as_str() {
            "InputItem" => vec![id],
            "Action" => read::action(db, id)
                .await?
                .map(|a| a.input_items)
                .unwrap_or_default(),
            "Activity" => {
                let filter = read::ItemFilter {
                    activity: Some(id),
                    ..read::ItemFilter::default()
                };
                read::input_items(db, None, &filter)
                    .await?
                    .iter()
                    .map(|i| i.doc.id)
                    .collect()
            }
            _ => vec![],
        };
        let today = chrono::Utc::now().date_naive();
        for item in affected {
            let Some(view) = read::input_item(db, item).await? else {
                continue;
            };
            let visible = can_read_item(&self.principal, &view.doc);
            let now = view.assess(today).verdict;
            if visible && self.verdicts.insert(item, now) != Some(now) {
                self.pending.push_back(Note::Verdict(VerdictChange {
                    input_item_id: item.into(),
                    verdict: now.into(),
                    log_position: position_text(event.at),
                }));
            }
        }
        Ok(())
    }
}

/// Live updates.
#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Events on records of the caller's organisations (or referred to them), as this
    /// replica's views apply them, whichever replica wrote them: from now on, or from after
    /// `after` (a `logPosition`, to resume without missing any).
    async fn events(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = LedgerEvent>> {
        let follower = Follower::new(ctx, after, false)?;
        Ok(stream::unfold(follower, |f| async move {
            let (note, f) = f.next().await?;
            match note {
                Note::Event(e) => Some((e, f)),
                Note::Verdict(_) => None,
            }
        }))
    }

    /// Input items of the caller's organisations whose verdict changed, from now on or from
    /// after `after` (an item's first change is sent with its verdict then).
    async fn verdict_changes(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = VerdictChange>> {
        let follower = Follower::new(ctx, after, true)?;
        Ok(stream::unfold(follower, |f| async move {
            let (note, f) = f.next().await?;
            match note {
                Note::Verdict(v) => Some((v, f)),
                Note::Event(_) => None,
            }
        }))
    }
}
