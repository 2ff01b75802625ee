//! The officer's lists of items by where they stand (a verdict, a window closing, an action
//! due, a loop open), paged from the marks, against judging every item; and the same lists
//! with their totals through the API. Run on the random history of [`crate::tallies`].

use chrono::{Days, NaiveDate};
use partnership_ledger::auth::Role;
use partnership_ledger::domain::verdict::InputVerdict;
use partnership_ledger::projections::read::{input_items, ItemFilter};
use partnership_ledger::projections::tally::{
    self, ListAsked, Place, Scope, Standing, ANSWERED_VERDICTS,
};
use serde_json::json;

use crate::helpers::TestApp;

/// Every list of each organisation of the history, as of each of `days`, and the API's
/// answers for one organisation today.
pub async fn the_lists_agree_with_judging_every_item(app: &TestApp, days: &[NaiveDate]) {
    let db = app.db();
    // Every list of items by where they stand, paged from the marks, against judging every
    // item: each item's verdict, loop and day its answer is due as the page says them, and
    // each total.
    let standings: Vec<Standing> = InputVerdict::ALL
        .into_iter()
        .chain([InputVerdict::Withdrawn])
        .map(Standing::Verdict)
        .chain([
            Standing::WindowClosing(14),
            Standing::WindowClosing(366),
            Standing::ActionDue(30),
            Standing::ActionDue(366),
            Standing::LoopOpen,
        ])
        .collect();
    let mut listed_something = false;
    for code in ["QMJ", "RRV", "QOP", "RAL"] {
        let filter = ItemFilter {
            organisation: Some(code.to_owned()),
            ..ItemFilter::default()
        };
        let items = input_items(db, None, &filter).await.expect("items");
        for on in days.iter().step_by(3) {
            for standing in &standings {
                let within = |due: NaiveDate, days: u32| {
                    *on <= due && due <= *on + Days::new(u64::from(days))
                };
                let expected: Vec<_> = items
                    .iter()
                    .filter(|v| v.doc.raised_on <= *on)
                    .map(|v| (v, v.assess(*on)))
                    .filter(|(v, a)| match standing {
                        Standing::Verdict(verdict) => a.verdict == *verdict,
                        Standing::WindowClosing(days) => {
                            [InputVerdict::Unanswered, InputVerdict::Referred].contains(&a.verdict)
                                && within(a.respond_by, *days)
                        }
                        Standing::ActionDue(days) => {
                            a.verdict == InputVerdict::Planned
                                && v.dates().next_due(*on).is_some_and(|d| within(d, *days))
                        }
                        Standing::LoopOpen => {
                            ANSWERED_VERDICTS.contains(&a.verdict) && !a.loop_closed
                        }
                    })
                    .map(|(v, a)| (v.doc.id.to_string(), a.verdict, a.loop_closed, a.respond_by))
                    .collect();
                let mut asked = ListAsked {
                    place: Place::Organisation {
                        code: code.to_owned(),
                        activity: None,
                    },
                    standing: *standing,
                    as_of: *on,
                    after: None,
                    limit: 3,
                };
                let mut got = Vec::new();
                loop {
                    let page = tally::page(db, &asked).await.expect("a page");
                    let Some(last) = page.last() else { break };
                    asked.after = Some(last.log_position);
                    got.extend(
                        page.into_iter()
                            .map(|l| (l.id, l.verdict, l.loop_closed, l.respond_by)),
                    );
                }
                assert_eq!(got, expected, "{code} {standing:?} as of {on}");
                let counted = tally::count(db, &asked).await.expect("a count");
                assert_eq!(
                    counted,
                    expected.len() as u64,
                    "{code} {standing:?} as of {on}"
                );
                // The total the API gives, from the organisation's tally.
                let kept = tally::tally_as_of(db, &Scope::Organisation(code.into()).key(), *on)
                    .await
                    .expect("the tallies read")
                    .expect("the tallies are complete");
                assert_eq!(
                    standing.counted_in(&kept, *on),
                    expected.len() as u64,
                    "the tally's {code} {standing:?} as of {on}"
                );
                listed_something |= !expected.is_empty();
            }
        }
    }
    assert!(listed_something, "the lists held nothing");

    // Through the API too: the organisation's roll-up today.
    let officer = app.token(Role::EngagementOfficer, &["QMJ"]);
    let data = app
        .ok(
            &officer,
            "{ organisation(odsCode: \"QMJ\") { rollup { total actedOn } } }",
            json!({}),
        )
        .await;
    let today = tally::counted(
        db,
        &Scope::Organisation("QMJ".into()),
        chrono::Utc::now().date_naive(),
    )
    .await
    .expect("counted");
    assert_eq!(data["organisation"]["rollup"]["total"], json!(today.total));
    assert_eq!(
        data["organisation"]["rollup"]["actedOn"],
        json!(today.acted_on)
    );

    // A verdict's list and what needs the officer, with their totals, as the API answers.
    let overdue = tally::counted(
        db,
        &Scope::Organisation("QMJ".into()),
        chrono::Utc::now().date_naive(),
    )
    .await
    .expect("counted")
    .count(InputVerdict::Overdue);
    let data = app
        .ok(
            &officer,
            "{ inputItems(filter: { organisation: \"QMJ\", verdict: OVERDUE }, first: 2) {
                 totalCount edges { node { verdict genuinelyActedOn actions { id } } }
                 pageInfo { hasNextPage } }
               needsAttention(organisation: \"QMJ\") { overdue(first: 1) { totalCount }
                 windowClosing { totalCount } stalled { totalCount } actionDue { totalCount }
                 loopNotClosed(first: 3) { totalCount edges { node { loopClosed } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["inputItems"]["totalCount"], json!(overdue));
    assert_eq!(
        data["needsAttention"]["overdue"]["totalCount"],
        json!(overdue)
    );
    let page = data["inputItems"]["edges"].as_array().expect("edges");
    assert_eq!(page.len() as u64, overdue.min(2));
    // The verdict as the marks say it; the rest of the judgement, and the actions, joined
    // when asked for (an overdue item was not acted on).
    assert!(page.iter().all(|e| e["node"]["verdict"] == json!("OVERDUE")
        && e["node"]["genuinelyActedOn"] == json!(false)
        && e["node"]["actions"].is_array()));
    assert_eq!(
        data["inputItems"]["pageInfo"]["hasNextPage"],
        json!(overdue > 2)
    );
    for edge in data["needsAttention"]["loopNotClosed"]["edges"]
        .as_array()
        .expect("edges")
    {
        assert_eq!(edge["node"]["loopClosed"], json!(false));
    }

    // Themes on pages read from the marks, as QMJ names them now: "letters" was renamed
    // "Correspondence", which was merged into "Communication".
    let mut themes = Vec::new();
    for verdict in InputVerdict::ALL {
        let verdict = serde_json::to_value(verdict).expect("a verdict");
        let data = app
            .ok(
                &officer,
                "query($v: InputVerdict!) { inputItems(
                     filter: { organisation: \"QMJ\", verdict: $v }, first: 100) {
                     edges { node { themes } } } }",
                json!({ "v": verdict }),
            )
            .await;
        for edge in data["inputItems"]["edges"].as_array().expect("edges") {
            themes.extend(edge["node"]["themes"].as_array().expect("themes").clone());
        }
    }
    assert!(themes.contains(&json!("Communication")), "{themes:?}");
    assert!(
        !themes.contains(&json!("letters")) && !themes.contains(&json!("Correspondence")),
        "themes as recorded, not as named now: {themes:?}"
    );

    // While the tallies are being made afresh (no checkpoint yet), a verdict's list is judged
    // item by item, its total with it, and what needs the officer says to ask again.
    let delete = format!(
        "DELETE FROM projector_checkpoints WHERE name = '{}'",
        tally::TALLIES_CHECKPOINT
    );
    let deleted = match db {
        partnership_ledger::store::Db::Postgres(pool) => sqlx::query(&delete)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
        partnership_ledger::store::Db::Sqlite(pool) => sqlx::query(&delete)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
    };
    assert_eq!(deleted.expect("the checkpoint taken away"), 1);
    let data = app
        .ok(
            &officer,
            "{ inputItems(filter: { organisation: \"QMJ\", verdict: OVERDUE }, first: 200) {
                 totalCount edges { node { verdict } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["inputItems"]["totalCount"], json!(overdue));
    let edges = data["inputItems"]["edges"].as_array().expect("edges");
    assert_eq!(edges.len() as u64, overdue.min(200));
    assert!(edges
        .iter()
        .all(|e| e["node"]["verdict"] == json!("OVERDUE")));
    let (_, body) = app
        .post(
            Some(&officer),
            "{ needsAttention(organisation: \"QMJ\") { overdue { totalCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!("LAGGING"),
        "{body}"
    );
}
