//! The maintained tallies against the straightforward count.
//!
//! Random histories are recorded through the API, as officers would record them: items raised
//! over two years at several organisations of one integrated care system and one outside it,
//! decisions and revisions, referrals and the partners' answers, actions proposed, linked,
//! agreed, moved, completed and abandoned, feedback on items and on whole activities, board
//! decisions citing input, and corrections (items redated, re-themed, withdrawn; links undone;
//! a response window changed; themes renamed and merged). Mutations the rules refuse are
//! simply not recorded. Then every scope's roll-up read from the tallies is compared with the
//! roll-up counted item by item, as of many days; a rebuild must give the same tallies.

use chrono::{Days, NaiveDate};
use partnership_ledger::auth::Role;
use partnership_ledger::domain::verdict::InputVerdict;
use partnership_ledger::projections::read::{input_items, ItemFilter};
use partnership_ledger::projections::tally::{
    self, ListAsked, Place, Scope, Standing, ANSWERED_VERDICTS,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::helpers::{plan_activity, spawn_app, Backend, TestApp};
use crate::on_both;

on_both!(the_tallies_agree_with_counting_every_item);

fn day(on: NaiveDate) -> String {
    on.to_string()
}

/// A day `0..=within` days after `from`, kept before the end of November 2026.
fn after(rng: &mut StdRng, from: NaiveDate, within: u64) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a day");
    (from + Days::new(rng.gen_range(0..=within))).min(last)
}

/// Sends a mutation, recorded or refused; answers with the data when recorded.
async fn send(
    app: &TestApp,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
) -> Option<Value> {
    let mut input_type = field[..1].to_ascii_uppercase();
    input_type.push_str(&field[1..]);
    let query =
        format!("mutation($i: {input_type}Input!) {{ {field}(input: $i) {{ {selection} }} }}");
    let (_, body) = app.post(Some(token), &query, json!({ "i": input })).await;
    if body.get("errors").is_some() {
        return None;
    }
    Some(body["data"][field].clone())
}

fn correction(detail: &str) -> Value {
    json!({ "category": "WRONG_DATE", "detail": detail })
}

struct Recorded {
    activities: Vec<String>,
    board: String,
}

async fn record_history(app: &TestApp, rng: &mut StdRng) -> Recorded {
    let admin = app.admin();
    for (code, kind, ics) in [
        ("QOP", "INTEGRATED_CARE_BOARD", None),
        ("QMJ", "NHS_TRUST", Some("QOP")),
        ("RRV", "NHS_TRUST", Some("QOP")),
        ("RAL", "NHS_TRUST", None),
    ] {
        send(app, &admin, "registerOrganisation", "__typename",
            json!({ "odsCode": code, "name": format!("Organisation {code}"), "kind": kind, "ics": ics }))
            .await
            .expect("registered");
    }
    let officers: Vec<(&str, String)> = ["QMJ", "RRV", "QOP", "RAL"]
        .into_iter()
        .map(|code| (code, app.token(Role::EngagementOfficer, &[code])))
        .collect();
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a day");
    let mut activities = Vec::new();
    let mut items: Vec<(String, usize, NaiveDate)> = Vec::new();
    let mut actions: Vec<(String, usize)> = Vec::new();
    for (owner, (code, token)) in officers.iter().enumerate() {
        for _ in 0..if *code == "QMJ" { 2 } else { 1 } {
            let activity = plan_activity(&app.api, token, code, "2024-12-01").await;
            activities.push(activity.clone());
            for n in 0..rng.gen_range(6..14) {
                let raised_on = after(rng, start, 640);
                let themes = [["access"], ["Waiting times"], ["letters"]][rng.gen_range(0..3)];
                let Some(data) = send(
                    app,
                    token,
                    "recordInputItem",
                    "inputItem { id }",
                    json!({
                        "activityId": activity, "kind": "IDEA", "summary": format!("Idea {n}"),
                        "themes": themes, "raisedBy": "PATIENT", "raisedOn": day(raised_on)
                    }),
                )
                .await
                else {
                    continue;
                };
                let id = data["inputItem"]["id"].as_str().expect("id").to_owned();
                items.push((id, owner, raised_on));
            }
        }
    }
    for (item, owner, raised_on) in items.clone() {
        let token = &officers[owner].1;
        // Who takes the action: the owner, or sometimes the partner it was referred to.
        let mut actor = owner;
        // Decided (perhaps late), or left to become overdue.
        if rng.gen_bool(0.8) {
            let outcome = [
                "ACCEPTED",
                "ACCEPTED",
                "DECLINED",
                "ALREADY_IN_PLACE",
                "REFERRED",
            ][rng.gen_range(0..5)];
            let partner = ["RAL", "RRV"][rng.gen_range(0..2)];
            let decided_on = after(rng, raised_on, 120);
            let referred = send(app, token, "decideInputItem", "__typename", json!({
                "inputItemId": item, "outcome": outcome, "reason": "Considered",
                "referredTo": (outcome == "REFERRED").then_some(partner), "decidedOn": day(decided_on)
            }))
            .await
            .is_some()
                && outcome == "REFERRED";
            if referred && rng.gen_bool(0.5) {
                actor = officers
                    .iter()
                    .position(|(c, _)| *c == partner)
                    .expect("partner");
            }
            if referred && rng.gen_bool(0.7) {
                let partner_token = &officers
                    .iter()
                    .find(|(c, _)| *c == partner)
                    .expect("partner")
                    .1;
                send(
                    app,
                    partner_token,
                    "decideInputItem",
                    "__typename",
                    json!({
                        "inputItemId": item, "outcome": "ACCEPTED",
                        "decidedOn": day(after(rng, decided_on, 90))
                    }),
                )
                .await;
            }
            if rng.gen_bool(0.15) {
                send(
                    app,
                    token,
                    "reviseDecision",
                    "__typename",
                    json!({
                        "inputItemId": item, "outcome": "DECLINED", "reason": "Not affordable",
                        "decidedOn": day(after(rng, decided_on, 60)), "why": "The money went"
                    }),
                )
                .await;
            }
        }
        // An action answering it.
        if rng.gen_bool(0.6) {
            let (owner, token) = (actor, &officers[actor].1);
            let proposed_on = after(rng, raised_on - Days::new(30), 90);
            let Some(data) = send(
                app,
                token,
                "proposeAction",
                "action { id }",
                json!({
                    "title": "Do it", "ownerOrganisation": officers[owner].0,
                    "ownerRole": "Head of Patient Experience", "decisionForum": "Quality Committee",
                    "dueOn": day(after(rng, proposed_on, 150)), "inputItemIds": [item],
                    "proposedOn": day(proposed_on)
                }),
            )
            .await
            else {
                continue;
            };
            let action = data["action"]["id"].as_str().expect("id").to_owned();
            actions.push((action.clone(), owner));
            let agreed_on = after(rng, proposed_on, 30);
            if rng.gen_bool(0.8) {
                send(
                    app,
                    token,
                    "agreeAction",
                    "__typename",
                    json!({ "actionId": action, "agreedOn": day(agreed_on) }),
                )
                .await;
            }
            if rng.gen_bool(0.3) {
                send(
                    app,
                    token,
                    "changeActionDueDate",
                    "__typename",
                    json!({
                        "actionId": action, "changedOn": day(after(rng, agreed_on, 60)),
                        "dueOn": day(after(rng, agreed_on, 300)), "reason": "Staff shortage"
                    }),
                )
                .await;
            }
            match rng.gen_range(0..10) {
                0..=4 => {
                    let evidence = if rng.gen_bool(0.8) { "Minutes" } else { "" };
                    send(
                        app,
                        token,
                        "completeAction",
                        "__typename",
                        json!({
                            "actionId": action, "completedOn": day(after(rng, agreed_on, 200)),
                            "outcome": "Done", "evidence": evidence
                        }),
                    )
                    .await;
                }
                5 => {
                    send(
                        app,
                        token,
                        "abandonAction",
                        "__typename",
                        json!({
                            "actionId": action, "abandonedOn": day(after(rng, agreed_on, 200)),
                            "reason": "Superseded"
                        }),
                    )
                    .await;
                }
                _ => {}
            }
        }
        if rng.gen_bool(0.5) {
            send(
                app,
                token,
                "recordInputFeedback",
                "__typename",
                json!({
                    "inputItemId": item, "givenOn": day(after(rng, raised_on, 300)),
                    "channel": "EMAIL", "summary": "We told them"
                }),
            )
            .await;
        }
    }
    // Feedback on a whole activity, covering its items.
    send(
        app,
        &officers[0].1,
        "recordActivityFeedback",
        "__typename",
        json!({
            "activityId": activities[0], "givenOn": "2026-06-01", "channel": "NEWSLETTER",
            "summary": "What happened to your ideas"
        }),
    )
    .await;
    // A board of QMJ whose decision cites some of its input.
    let secretary = app.token(Role::BoardSecretary, &["QMJ"]);
    let board = send(
        app,
        &secretary,
        "establishBoard",
        "board { id }",
        json!({
            "organisation": "QMJ", "name": "Quality Committee", "kind": "COMMITTEE",
            "establishedOn": "2024-06-01"
        }),
    )
    .await
    .expect("a board")["board"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let meeting = send(
        app,
        &secretary,
        "scheduleBoardMeeting",
        "meeting { id }",
        json!({ "boardId": board, "scheduledFor": "2026-02-10" }),
    )
    .await
    .expect("a meeting")["meeting"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    send(
        app,
        &secretary,
        "recordBoardMeetingHeld",
        "__typename",
        json!({ "meetingId": meeting, "heldOn": "2026-02-10", "quorate": true }),
    )
    .await
    .expect("held");
    let qmj_items: Vec<&String> = items
        .iter()
        .filter(|(_, o, _)| *o == 0)
        .map(|(i, _, _)| i)
        .collect();
    send(
        app,
        &secretary,
        "recordBoardDecision",
        "__typename",
        json!({
            "meetingId": meeting, "title": "Evening clinics",
            "citedInputItemIds": qmj_items.iter().take(4).collect::<Vec<_>>()
        }),
    )
    .await
    .expect("a decision");
    // Corrections.
    let qmj = &officers[0].1;
    for (item, owner, raised_on) in &items {
        if !rng.gen_bool(0.15) {
            continue;
        }
        send(
            app,
            &officers[*owner].1,
            "amendInputItem",
            "__typename",
            json!({
                "inputItemId": item, "raisedOn": day(after(rng, *raised_on - Days::new(40), 80)),
                "themes": ["letters"], "reason": correction("Entered wrongly")
            }),
        )
        .await;
    }
    for (item, owner, _) in &items {
        if !rng.gen_bool(0.06) {
            continue;
        }
        send(
            app,
            &officers[*owner].1,
            "withdrawInputItem",
            "__typename",
            json!({
                "inputItemId": item, "reason": correction("Recorded in error"),
                "withdrawDecision": true
            }),
        )
        .await;
    }
    for (action, owner) in &actions {
        if !rng.gen_bool(0.2) {
            continue;
        }
        let (other, _, _) = &items[rng.gen_range(0..items.len())];
        send(
            app,
            &officers[*owner].1,
            "linkInputItemToAction",
            "__typename",
            json!({
                "actionId": action, "inputItemId": other, "linkedOn": "2026-03-01"
            }),
        )
        .await;
        send(
            app,
            &officers[*owner].1,
            "unlinkInputItemFromAction",
            "__typename",
            json!({
                "actionId": action, "inputItemId": items[rng.gen_range(0..items.len())].0,
                "reason": correction("Linked to the wrong item")
            }),
        )
        .await;
    }
    send(
        app,
        qmj,
        "setResponseWindow",
        "__typename",
        json!({ "odsCode": "QMJ", "days": 30 }),
    )
    .await;
    for name in ["access", "letters", "Waiting times", "Communication"] {
        send(
            app,
            qmj,
            "addTheme",
            "__typename",
            json!({ "odsCode": "QMJ", "name": name }),
        )
        .await;
    }
    send(
        app,
        qmj,
        "renameTheme",
        "__typename",
        json!({ "odsCode": "QMJ", "from": "letters", "to": "Correspondence" }),
    )
    .await;
    send(
        app,
        qmj,
        "mergeThemes",
        "__typename",
        json!({ "odsCode": "QMJ", "from": ["Correspondence"], "into": "Communication" }),
    )
    .await;
    Recorded { activities, board }
}

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

/// Waits for the tallies to reach the views: writers do not wait for them, and this test
/// reads them straight from the tables rather than through the API (whose readers wait).
pub async fn tallies_caught_up(app: &TestApp) {
    assert!(
        app.ledger
            .projector()
            .tallies_in_step(std::time::Duration::from_secs(30))
            .await,
        "the tallies did not reach the views"
    );
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

    // Every list of items by where they stand, paged from the marks, against judging every
    // item: each item's verdict, loop and day its answer is due as the page says them, and
    // each total.
    let standings: Vec<Standing> = InputVerdict::ALL
        .into_iter()
        .chain([InputVerdict::Withdrawn])
        .map(Standing::Verdict)
        .chain([
            Standing::WindowClosing(14),
            Standing::ActionDue(30),
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
}
