//! The maintained tallies against the straightforward count.
//!
//! A random history is recorded through the API (see [`crate::tally_history`]). Then every
//! scope's roll-up read from the tallies is compared with the roll-up counted item by item, as
//! of many days, and so are the scorecard's cohorts and the officer's lists; a rebuild must
//! give the same tallies.

use chrono::NaiveDate;
use partnership_ledger::projections::tally::{self, Scope};
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::helpers::{spawn_app, tallies_caught_up, Backend, TestApp};
use crate::on_both;
use crate::tally_history::{after, record_history, Recorded};

on_both!(the_tallies_agree_with_counting_every_item);

/// Every scope the history made, as its roll-ups are asked for.
fn scopes(recorded: &Recorded) -> Vec<Scope> {
    let mut scopes: Vec<Scope> = ["QMJ", "RRV", "QOP", "RAL"]
        .into_iter()
        .map(|c| Scope::Organisation(c.to_owned()))
        .collect();
    scopes.extend(
        recorded
            .activities
            .iter()
            .map(|a| Scope::Activity(a.parse().expect("a uuid"))),
    );
    scopes.push(Scope::Ics("QOP".to_owned()));
    scopes.push(Scope::Ics("RAL".to_owned()));
    for theme in ["ACCESS", "Communication", "waiting times", "letters"] {
        scopes.push(Scope::Theme {
            organisation: "QMJ".to_owned(),
            theme: theme.to_owned(),
        });
    }
    scopes.push(Scope::Board(recorded.board.parse().expect("a uuid")));
    scopes
}

/// Every row of the tallies, in order.
async fn stored_tallies(app: &TestApp) -> Vec<(String, i32, i64, Vec<u8>)> {
    const SQL: &str =
        "SELECT scope, level, period, tally FROM view_tallies ORDER BY scope, level, period";
    match app.db() {
        partnership_ledger::store::Db::Postgres(pool) => sqlx::query_as(SQL).fetch_all(pool).await,
        partnership_ledger::store::Db::Sqlite(pool) => sqlx::query_as(SQL).fetch_all(pool).await,
    }
    .expect("the tallies")
}

/// Every row of the marks, in order.
type MarkRow = (String, i64, i32, i32, String, bool, i32, Option<i32>);
async fn stored_marks(app: &TestApp) -> Vec<MarkRow> {
    const SQL: &str =
        "SELECT id, month, from_day, to_day, verdict, loop_closed, respond_by, due_by \
        FROM view_item_marks ORDER BY id, month, from_day";
    match app.db() {
        partnership_ledger::store::Db::Postgres(pool) => sqlx::query_as(SQL).fetch_all(pool).await,
        partnership_ledger::store::Db::Sqlite(pool) => sqlx::query_as(SQL).fetch_all(pool).await,
    }
    .expect("the marks")
}

async fn the_tallies_agree_with_counting_every_item(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut rng = StdRng::seed_from_u64(25);
    let recorded = record_history(&app, &mut rng).await;
    tallies_caught_up(&app).await;
    let db = app.db();
    let mut days: Vec<NaiveDate> = (0..30)
        .map(|_| {
            after(
                &mut rng,
                NaiveDate::from_ymd_opt(2024, 12, 1).expect("a day"),
                760,
            )
        })
        .collect();
    days.push(chrono::Utc::now().date_naive());
    days.push(NaiveDate::from_ymd_opt(2027, 6, 1).expect("a day"));
    // Last days of a month and of a year, which read the month's and the year's rows.
    for (y, m, d) in [(2025, 1, 31), (2025, 12, 31), (2026, 2, 28), (2026, 3, 31)] {
        days.push(NaiveDate::from_ymd_opt(y, m, d).expect("a day"));
    }
    let mut counted_something = false;
    for scope in scopes(&recorded) {
        for on in &days {
            let kept = tally::tally_as_of(db, &scope.key(), *on)
                .await
                .expect("the tallies read")
                .expect("the tallies are complete");
            let counted = tally::counted(db, &scope, *on).await.expect("counted");
            counted_something |= counted.total > 0;
            assert_eq!(kept.rollup(), counted, "{scope:?} as of {on}");
        }
    }
    assert!(counted_something, "the history counted nothing");
    crate::cohorts::the_scorecard_agrees_with_counting_every_record(&app, &mut rng).await;

    crate::tally_lists::the_lists_agree_with_judging_every_item(&app, &days).await;

    // A rebuild makes the same tallies and marks afresh.
    let before = (stored_tallies(&app).await, stored_marks(&app).await);
    assert!(!before.0.is_empty() && !before.1.is_empty());
    app.ledger.projector().rebuild().await.expect("rebuilt");
    assert!(
        tally::checkpoint(db).await.expect("read").is_some(),
        "tallies made again"
    );
    assert_eq!(
        (stored_tallies(&app).await, stored_marks(&app).await),
        before
    );
    // And so does making them a few records at a time, across many pages' ends (the pages go
    // by organisation and log position, and a page may end inside an organisation's records).
    let at = tally::checkpoint(db).await.expect("read").expect("made");
    let made = tally::make_all_in_pages(db, at, 3)
        .await
        .expect("made in pages");
    assert!(made > 30, "only {made} items: no page ends crossed");
    assert_eq!(
        (stored_tallies(&app).await, stored_marks(&app).await),
        before
    );
}
