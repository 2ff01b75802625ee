//! A random history for the tallies' tests, recorded through the API as officers would
//! record it: items raised over two years at several organisations of one integrated care
//! system and one outside it, decisions and revisions, referrals and the partners' answers,
//! actions proposed, linked, agreed, moved, completed and abandoned, feedback on items and on
//! whole activities, board decisions citing input, and corrections (items redated,
//! re-themed, withdrawn; links undone; a response window changed; themes renamed and
//! merged); activities held, with information published and participants' make-up recorded,
//! and put right (see [`crate::activity_history`]). Mutations the rules refuse are simply not
//! recorded.

use chrono::{Days, NaiveDate};
use partnership_ledger::auth::Role;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use crate::helpers::{plan_activity, TestApp};

fn day(on: NaiveDate) -> String {
    on.to_string()
}

/// A day `0..=within` days after `from`, kept before the end of November 2026.
pub fn after(rng: &mut StdRng, from: NaiveDate, within: u64) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a day");
    (from + Days::new(rng.gen_range(0..=within))).min(last)
}

/// Sends a mutation, recorded or refused; answers with the data when recorded.
pub async fn send(
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

pub struct Recorded {
    pub activities: Vec<String>,
    pub board: String,
}

pub async fn record_history(app: &TestApp, rng: &mut StdRng) -> Recorded {
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
    crate::activity_history::record_activities(app, rng, &officers).await;
    Recorded { activities, board }
}
