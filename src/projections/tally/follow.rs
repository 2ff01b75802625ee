//! Keeping the tallies in step with the views: after each batch the projector writes, the
//! input items, actions and activities its events can have changed are read again and their
//! parts replaced; when the tallies are missing (after a rebuild, or the first start of a
//! version that keeps them) every item's, action's and activity's part is made afresh, a page
//! at a time.

use std::collections::{BTreeSet, HashMap};

use sqlx::{QueryBuilder, Row};

use super::action::{self, action_key, action_of};
use super::activity::{self, activity_key, activity_of};
use super::item::{ItemTallies, Placing};
use super::store;
use crate::projections::boards::decisions_citing;
use crate::projections::log::{read_view_events_after, ViewEvent};
use crate::projections::read::{input_items_by_id, organisations_of};
use crate::projections::select::{PushIn, CHUNK};
use crate::store::{Db, LogPosition};

/// Items joined and written at a time: bounded memory, however large an organisation.
const PAGE: usize = 1000;
/// Events followed at a time when the tallies have fallen behind the views.
const CATCH_UP: i64 = 2000;

/// The parts of the items, actions (keyed by [`action_key`]) and activities (keyed by
/// [`activity_key`]) `keys` names, as the views now stand.
async fn parts_of(db: &Db, keys: &[String]) -> anyhow::Result<Vec<(String, ItemTallies)>> {
    let named = |of: fn(&str) -> Option<&str>| -> Vec<String> {
        keys.iter()
            .filter_map(|k| of(k).map(str::to_owned))
            .collect()
    };
    let (actions, activities) = (named(action_of), named(activity_of));
    let items: Vec<String> = keys
        .iter()
        .filter(|k| action_of(k).is_none() && activity_of(k).is_none())
        .cloned()
        .collect();
    let mut parts = item_parts(db, &items).await?;
    parts.extend(action::parts_of(db, &actions).await?);
    parts.extend(activity::parts_of(db, &activities).await?);
    Ok(parts)
}

/// The parts of the items `ids` names, as the views now stand.
async fn item_parts(db: &Db, ids: &[String]) -> anyhow::Result<Vec<(String, ItemTallies)>> {
    let views = input_items_by_id(db, ids).await?;
    let owners = organisations_of(db, views.iter().map(|v| &v.doc.organisation)).await?;
    let mut boards: HashMap<String, Vec<String>> = HashMap::new();
    for (meeting, decision) in decisions_citing(db, ids).await? {
        for item in &decision.cited_input_items {
            boards
                .entry(item.to_string())
                .or_default()
                .push(meeting.board_id.to_string());
        }
    }
    Ok(views
        .iter()
        .map(|view| {
            let id = view.doc.id.to_string();
            let placing = Placing {
                ics: owners
                    .get(view.doc.organisation.as_str())
                    .and_then(|o| o.ics.as_ref())
                    .map(|c| c.to_string()),
                boards: boards.remove(&id).unwrap_or_default(),
            };
            let part = ItemTallies::of(view, &placing);
            (id, part)
        })
        .collect())
}

/// Replaces the parts of the items `ids` names, a page at a time, and then moves the
/// checkpoint to `done` (with the last page) when given.
async fn replace(db: &Db, ids: &[String], done: Option<LogPosition>) -> anyhow::Result<()> {
    let pages: Vec<&[String]> = ids.chunks(PAGE).collect();
    if pages.is_empty() {
        if let Some(at) = done {
            store::move_checkpoint(db, at).await?;
        }
        return Ok(());
    }
    for (n, page) in pages.iter().enumerate() {
        let last = n + 1 == pages.len();
        // Read again when another process wrote parts meanwhile (see `store::replace_items`).
        loop {
            let seen = store::writes(db).await?;
            let parts = parts_of(db, page).await?;
            if store::replace_items(db, parts, done.filter(|_| last), seen).await? {
                break;
            }
            tracing::debug!("the tallies were written elsewhere meanwhile; reading again");
        }
    }
    Ok(())
}

/// `SELECT <column> FROM <table> WHERE <key> IN (keys)`, in chunks, into `out`.
async fn ids_where(
    db: &Db,
    select: &str,
    key: &str,
    keys: &BTreeSet<String>,
    out: &mut BTreeSet<String>,
) -> anyhow::Result<()> {
    let keys: Vec<String> = keys.iter().cloned().collect();
    for chunk in keys.chunks(CHUNK) {
        let found: Vec<String> = on_db!(db, pool => {
            let mut q = QueryBuilder::new(select);
            q.push(" WHERE ").push_in(key, chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| r.get(0)).collect()
        });
        out.extend(found);
    }
    Ok(())
}

/// The input items whose parts `events` can have changed: items the events are about, those
/// an action is or was linked to, those of an activity whose feedback was given or put right,
/// those owned by or referred to an organisation whose window, themes or system changed, and
/// those a board meeting's decisions cite or cited; then the actions (by [`action_key`]) the
/// events are about or linked to those items, and the activities (by [`activity_key`]) the
/// events are about.
async fn touched_by(db: &Db, events: &[ViewEvent]) -> anyhow::Result<Vec<String>> {
    let (mut items, mut held) = (BTreeSet::new(), BTreeSet::new());
    let (mut actions, mut activities, mut organisations, mut meetings) = (
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
    );
    for event in events {
        let id = event.aggregate_id.clone();
        match event.aggregate_type.as_str() {
            "InputItem" => {
                items.insert(id);
            }
            "Action" => {
                actions.insert(id);
            }
            "Activity" => {
                held.insert(activity_key(&id));
                if event.payload.contains("Feedback") {
                    activities.insert(id);
                }
            }
            "Organisation" => {
                organisations.insert(id);
            }
            "BoardMeeting" => {
                meetings.insert(id);
            }
            _ => {}
        }
    }
    // Link and citation rows outlive an unlinking, so they name the items that were linked.
    let lookups = [
        (
            "SELECT input_item_id FROM view_action_links",
            "action_id",
            &actions,
        ),
        (
            "SELECT id FROM view_input_items",
            "activity_id",
            &activities,
        ),
        (
            "SELECT id FROM view_input_items",
            "organisation",
            &organisations,
        ),
        (
            "SELECT id FROM view_input_items",
            "referred_to",
            &organisations,
        ),
        (
            "SELECT input_item_id FROM view_decision_citations",
            "meeting_id",
            &meetings,
        ),
    ];
    for (select, key, keys) in lookups {
        if !keys.is_empty() {
            ids_where(db, select, key, keys, &mut items).await?;
        }
    }
    let items: Vec<String> = items.into_iter().collect();
    actions.extend(action::linked_to(db, &items).await?);
    let mut keys = items;
    keys.extend(actions.iter().map(|id| action_key(id)));
    keys.extend(held);
    Ok(keys)
}

/// Brings the tallies up to the views after a batch of `events` that moved them from `from`
/// to `last`. Another process (a service beside the command line) may have moved the tallies
/// elsewhere meanwhile: they then follow on from where they stand, so that no batch is passed
/// over.
pub async fn follow(
    db: &Db,
    from: LogPosition,
    events: &[ViewEvent],
    last: LogPosition,
) -> anyhow::Result<()> {
    if store::checkpoint(db).await? == Some(from) {
        replace(db, &touched_by(db, events).await?, Some(last)).await
    } else {
        catch_up(db, last, &|| ()).await.map(drop)
    }
}

/// Brings the tallies up to the views at `views_at`: made afresh when missing (after a
/// rebuild, or on the first start of a version that keeps them), else following the events
/// they have not seen, many batches of the views' at a time when they have fallen behind.
/// Calls `committed` after each step it commits. Answers with where the tallies now stand.
pub async fn catch_up(
    db: &Db,
    views_at: LogPosition,
    committed: &(dyn Fn() + Sync),
) -> anyhow::Result<LogPosition> {
    match store::checkpoint(db).await? {
        Some(at) => follow_after(db, at, views_at, committed).await,
        None => {
            make_all(db, views_at).await?;
            Ok(views_at)
        }
    }
}

/// Follows the events after `at`, where the tallies stand, up to the views at `views_at`, as
/// [`catch_up`] does once the tallies exist.
pub async fn follow_after(
    db: &Db,
    mut at: LogPosition,
    views_at: LogPosition,
    committed: &(dyn Fn() + Sync),
) -> anyhow::Result<LogPosition> {
    while at < views_at {
        let events: Vec<ViewEvent> = read_view_events_after(db, at, CATCH_UP)
            .await?
            .into_iter()
            .filter(|e| e.at <= views_at)
            .collect();
        let Some(last) = events.last().map(|e| e.at) else {
            break;
        };
        replace(db, &touched_by(db, &events).await?, Some(last)).await?;
        committed();
        at = last;
    }
    Ok(at)
}

/// Makes every item's, action's and activity's part afresh from the views as they stand at `views_at`,
/// and says the tallies are complete up to there; answers with how many items were counted.
pub async fn make_all(db: &Db, views_at: LogPosition) -> anyhow::Result<u64> {
    make_all_in_pages(db, views_at, PAGE).await
}

/// [`make_all`], reading and writing `page` records at a time (the tests make pages small, to
/// cross many page ends with a small ledger).
pub async fn make_all_in_pages(db: &Db, views_at: LogPosition, page: usize) -> anyhow::Result<u64> {
    store::clear(db).await?;
    let started = std::time::Instant::now();
    let counted = make_every(db, "view_input_items", str::to_owned, page).await?;
    let actions = make_every(db, "view_actions", action_key, page).await?;
    let activities = make_every(db, "view_activities", activity_key, page).await?;
    store::move_checkpoint(db, views_at).await?;
    tracing::info!(
        items = counted,
        actions,
        activities,
        duration_ms = started.elapsed().as_millis() as u64,
        "tallies made"
    );
    Ok(counted)
}

/// Where a page of records ends: its last record's organisation and log position.
type PlaceOrder = (String, i64);

/// Makes the part of every record of `table` (the items', actions' or activities' view)
/// afresh, `page` records at a time, each kept under `key` of its id; answers with how many.
/// The pages go in order of organisation and then of log position: a page's records then
/// share their organisation's, system's, activities' and themes' rows and mostly their days.
/// In order of id, each page held records spread over every organisation and day, and a
/// change for each of the many tally rows they touched.
async fn make_every(
    db: &Db,
    table: &'static str,
    key: fn(&str) -> String,
    page: usize,
) -> anyhow::Result<u64> {
    let (mut after, mut made): (PlaceOrder, u64) = ((String::new(), i64::MIN), 0);
    loop {
        let records: Vec<(String, String, i64)> = on_db!(db, pool => sqlx::query_as(&format!(
            "SELECT id, organisation, log_position FROM {table} \
             WHERE (organisation, log_position) > ($1, $2) \
             ORDER BY organisation, log_position LIMIT $3"))
            .bind(&after.0).bind(after.1).bind(page as i64).fetch_all(pool).await?);
        let Some((_, organisation, position)) = records.last() else {
            break;
        };
        after = (organisation.clone(), *position);
        made += records.len() as u64;
        let keys: Vec<String> = records.iter().map(|(id, ..)| key(id)).collect();
        replace(db, &keys, None).await?;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projections::tally::counts::Tally;

    fn part(scope: &str, day: i32) -> ItemTallies {
        ItemTallies {
            scopes: vec![scope.to_owned()],
            steps: vec![(day, Tally::default())],
            listing: None,
        }
    }

    async fn stored(db: &Db, id: &str) -> Option<ItemTallies> {
        let Db::Sqlite(pool) = db else { unreachable!() };
        let bytes: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT tallies FROM view_item_tallies WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
                .expect("read");
        bytes.map(|b| ItemTallies::decode(&b).expect("decoded"))
    }

    /// Two processes following the log at once: a part read before the other's write came is
    /// not written over it, and the checkpoint is not moved with it.
    #[tokio::test]
    async fn a_part_read_before_another_write_is_not_written() {
        let dir = tempfile::tempdir().expect("a folder");
        let db = Db::open_sqlite(dir.path()).await.expect("opened");
        db.migrate().await.expect("migrated");
        let (older, newer) = (part("org:RX1", 739_000), part("board:B1", 739_001));
        let at = |position| LogPosition { tx: 0, position };

        let seen_by_first = store::writes(&db).await.expect("counted");
        let seen_by_second = store::writes(&db).await.expect("counted");
        assert!(store::replace_items(
            &db,
            vec![("I1".into(), newer.clone())],
            Some(at(9)),
            seen_by_second
        )
        .await
        .expect("written"));
        let written =
            store::replace_items(&db, vec![("I1".into(), older)], Some(at(5)), seen_by_first)
                .await
                .expect("asked");
        assert!(!written, "the older part was refused");
        assert_eq!(stored(&db, "I1").await, Some(newer.clone()));
        assert_eq!(store::checkpoint(&db).await.expect("read"), Some(at(9)));

        // Read again after that write, it goes in; emptying the tallies counts as a write too.
        let seen = store::writes(&db).await.expect("counted");
        store::clear(&db).await.expect("emptied");
        assert!(
            !store::replace_items(&db, vec![("I1".into(), newer.clone())], None, seen)
                .await
                .expect("asked")
        );
        let seen = store::writes(&db).await.expect("counted");
        assert!(
            store::replace_items(&db, vec![("I1".into(), newer.clone())], None, seen)
                .await
                .expect("written")
        );
        assert_eq!(stored(&db, "I1").await, Some(newer));
    }
}
