//! Recording the input raised at an activity: several items on one page, each with what was
//! said, its kind, who raised it, its themes (from the lead organisation's list) and the day.
//! Without JavaScript, "Add another item" asks the server for one more; with it, the page
//! adds one in place. The items are checked, then shown to check, then recorded each with its
//! own idempotency key (the page's key and the item's number), so a second post records none
//! again.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::flow::{answer_of, view_of, FieldView};
use crate::web::form::{input_of, problems, refused, Choice, Field, Kind, Problem, Sent};
use crate::web::page::{render, Chrome, Section};
use crate::web::session::set_note;
use crate::web::signed_in::SignedIn;
use crate::web::words::{choices, INPUT_KINDS, RAISED_BY};

/// Items the page opens with, and the most one page takes.
const FIRST: usize = 3;
const MOST: usize = 30;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/activities/{id}/input", get(show).post(review))
        .route("/activities/{id}/input/confirm", post(commit))
}

/// The activity the page records input at, and the questions asked of each item.
struct Context {
    id: String,
    title: String,
    /// The day it was held: input not given a day was raised then.
    held_on: Option<String>,
    fields: Vec<Field>,
}

#[derive(Deserialize)]
struct ActivityData {
    activity: ActivityHead,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActivityHead {
    id: String,
    title: String,
    lead_organisation: String,
    held_on: Option<String>,
}

#[derive(Deserialize)]
struct ThemesData {
    organisation: Themes,
}

#[derive(Deserialize)]
struct Themes {
    themes: Vec<String>,
}

async fn context(state: &AppState, who: &SignedIn, id: &str) -> Result<Context, Failure> {
    let data: ActivityData =
        run(state, who, operation!("input_context"), json!({ "id": id })).await?;
    let activity = data.activity;
    who.must_change(
        [activity.lead_organisation.as_str()],
        "Only officers of the organisation that leads this activity can record its input.",
    )?;
    let themes: ThemesData = run(
        state,
        who,
        operation!("organisation"),
        json!({ "organisation": activity.lead_organisation }),
    )
    .await?;
    let mut fields = vec![
        Field::new("summary", "What was said", Kind::Long)
            .hint("As the people who said it put it, as far as you can")
            .needs("Enter what was said"),
        Field::new("kind", "Kind of input", Kind::One(choices(INPUT_KINDS))),
        Field::new("raisedBy", "Raised by", Kind::One(choices(RAISED_BY)))
            .needs("Select who raised it"),
        Field::new("raisedOn", "Date raised", Kind::Date)
            .hint("For example, 27 3 2026. Leave it blank for the day the activity was held.")
            .optional(),
    ];
    if !themes.organisation.themes.is_empty() {
        let list = themes
            .organisation
            .themes
            .iter()
            .map(|t| Choice::new(t, t))
            .collect();
        fields.insert(
            3,
            Field::new("themes", "Themes", Kind::Many(list))
                .hint("Select all that apply")
                .optional(),
        );
    }
    Ok(Context {
        id: activity.id,
        title: activity.title,
        held_on: activity.held_on,
        fields,
    })
}

/// The prefix of item `n`'s answers (from 1).
fn prefix(n: usize) -> String {
    format!("item{n}-")
}

/// Item `n`'s answers, named as the questions name them.
fn item_of(sent: &Sent, n: usize) -> Sent {
    let prefix = prefix(n);
    Sent(
        sent.0
            .iter()
            .filter_map(|(name, value)| {
                name.strip_prefix(&prefix)
                    .map(|rest| (rest.to_owned(), value.clone()))
            })
            .collect(),
    )
}

/// How many items the page holds.
fn count_of(sent: &Sent) -> usize {
    sent.one("count").parse().unwrap_or(FIRST).clamp(1, MOST)
}

/// The items given an answer, by number.
fn given(sent: &Sent) -> Vec<(usize, Sent)> {
    (1..=count_of(sent))
        .map(|n| (n, item_of(sent, n)))
        .filter(|(_, item)| item.0.iter().any(|(_, v)| !v.trim().is_empty()))
        .collect()
}

/// The problems of every item given, named as the page names the fields.
fn problems_of(fields: &[Field], items: &[(usize, Sent)]) -> Vec<Problem> {
    let mut found = Vec::new();
    if items.is_empty() {
        found.push(Problem {
            field: format!("{}summary", prefix(1)),
            message: "Enter what was said for at least one item".into(),
        });
    }
    for (n, item) in items {
        found.extend(problems(fields, item).into_iter().map(|p| numbered(*n, p)));
    }
    found
}

fn numbered(n: usize, problem: Problem) -> Problem {
    Problem {
        field: if problem.field.is_empty() {
            format!("{}summary", prefix(n))
        } else {
            format!("{}{}", prefix(n), problem.field)
        },
        message: format!("Item {n}: {}", problem.message),
    }
}

#[derive(Template)]
#[template(path = "activities/input.html")]
struct InputPage {
    chrome: Chrome,
    action: String,
    back: String,
    caption: String,
    items: Vec<(usize, Vec<FieldView>)>,
    count: usize,
    problems: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "activities/input_check.html")]
struct CheckPage {
    chrome: Chrome,
    action: String,
    caption: String,
    items: Vec<(usize, Vec<(String, String)>)>,
    carried: Vec<(String, String)>,
    count: usize,
    idempotency_key: String,
}

fn page(ctx: &Context, who: &SignedIn, sent: &Sent, count: usize, found: &[Problem]) -> Response {
    let items = (1..=count)
        .map(|n| {
            let fields: Vec<FieldView> = ctx
                .fields
                .iter()
                .map(|f| view_of(f, &prefix(n), sent, found))
                .collect();
            (n, fields)
        })
        .collect::<Vec<_>>();
    let problems = found
        .iter()
        .map(|p| {
            let target = items
                .iter()
                .flat_map(|(_, fields)| fields)
                .find(|f: &&FieldView| f.name == p.field)
                .map_or_else(|| p.field.clone(), FieldView::first_id);
            (target, p.message.clone())
        })
        .collect();
    let mut chrome = who.chrome("Record input raised", Section::Activities);
    chrome.has_errors = !found.is_empty();
    let html = render(&InputPage {
        chrome,
        action: format!("/activities/{}/input", ctx.id),
        back: format!("/activities/{}", ctx.id),
        caption: ctx.title.clone(),
        items,
        count,
        problems,
    });
    if found.is_empty() {
        html
    } else {
        (StatusCode::BAD_REQUEST, html).into_response()
    }
}

async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let ctx = context(&state, &who, &id).await?;
    Ok(page(&ctx, &who, &Sent::default(), FIRST, &[]))
}

async fn review(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = context(&state, &who, &id).await?;
    let sent = Sent::parse(&body);
    let count = count_of(&sent);
    if !sent.one("add").is_empty() || !sent.one("change").is_empty() {
        // Another item asked for (without JavaScript), or back from checking: the page again.
        let more = if sent.one("add").is_empty() {
            count
        } else {
            (count + 1).min(MOST)
        };
        return Ok(page(&ctx, &who, &sent, more, &[]));
    }
    let items = given(&sent);
    let found = problems_of(&ctx.fields, &items);
    if !found.is_empty() {
        return Ok(page(&ctx, &who, &sent, count, &found));
    }
    let carried = sent
        .0
        .iter()
        .filter(|(name, _)| name.starts_with("item"))
        .cloned()
        .collect();
    let shown = items
        .iter()
        .map(|(n, item)| {
            let rows = ctx
                .fields
                .iter()
                .map(|f| (f.label.clone(), answer_of(f, item)))
                .collect();
            (*n, rows)
        })
        .collect();
    Ok(render(&CheckPage {
        chrome: who.chrome("Check your answers", Section::Activities),
        action: format!("/activities/{}/input", ctx.id),
        caption: ctx.title.clone(),
        items: shown,
        carried,
        count,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
    }))
}

async fn commit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let ctx = context(&state, &who, &id).await?;
    let sent = Sent::parse(&body);
    let count = count_of(&sent);
    let items = given(&sent);
    let found = problems_of(&ctx.fields, &items);
    if !found.is_empty() {
        return Ok(page(&ctx, &who, &sent, count, &found));
    }
    let key = sent.one("idempotency_key");
    for (n, item) in &items {
        let mut input = input_of(&ctx.fields, item);
        input.insert("activityId".into(), json!(ctx.id));
        if let (false, Some(held)) = (input.contains_key("raisedOn"), &ctx.held_on) {
            input.insert("raisedOn".into(), json!(held));
        }
        if !key.is_empty() {
            input.insert("idempotencyKey".into(), json!(format!("{key}-{n}")));
        }
        let answer = run::<serde_json::Value>(
            &state,
            &who,
            operation!("record_input_item"),
            json!({ "input": input }),
        )
        .await;
        match answer {
            Ok(_) => {}
            Err(refusal) if matches!(refusal.code.as_str(), "VALIDATION" | "CONFLICT") => {
                let found: Vec<Problem> = refused(&ctx.fields, &refusal.message)
                    .into_iter()
                    .map(|p| numbered(*n, p))
                    .collect();
                return Ok(page(&ctx, &who, &sent, count, &found));
            }
            Err(refusal) => return Err(refusal.into()),
        }
    }
    let note = match items.len() {
        1 => "1 input item recorded".to_owned(),
        n => format!("{n} input items recorded"),
    };
    if let Err(error) = set_note(&who.session, &note).await {
        tracing::warn!(error = %error, "could not keep a note for the next page");
    }
    Ok(Redirect::to(&format!("/activities/{}", ctx.id)).into_response())
}
