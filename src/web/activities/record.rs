//! An activity's page: what it is, its input with verdicts, what happened when, and the
//! buttons to record what happens next (for those who may).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::list::status_tag;
use super::who_took_part::{Attendance, Demographics};
use crate::api::AppState;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::page::{long_date, render, Chrome, Section, Steps};
use crate::web::shapes::{DatedNote, Postponement};
use crate::web::signed_in::SignedIn;
use crate::web::verdict::{Verdict, VerdictTag};
use crate::web::words::{
    say, ACTIVITY_KINDS, ACTIVITY_STATUSES, FEEDBACK_CHANNELS, FORMATS, INPUT_KINDS, PRINCIPLES,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/activities/{id}", get(page))
}

#[derive(Deserialize)]
struct Data {
    activity: Activity,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Activity {
    id: String,
    title: String,
    topic: String,
    kind: String,
    status: String,
    lead_organisation: String,
    partner_organisations: Vec<String>,
    principles: Vec<String>,
    planned_on: String,
    held_on: Option<String>,
    attendance: Option<Attendance>,
    demographics: Option<Demographics>,
    information_published: Vec<Information>,
    postponements: Vec<Postponement>,
    report: Option<DatedNote>,
    cancellation: Option<DatedNote>,
    public_since: Option<String>,
    feedback: Vec<Feedback>,
    corrections: Vec<Correction>,
    input_items: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Information {
    published_on: String,
    accessible_formats: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Feedback {
    given_on: String,
    channel: String,
    summary: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Correction {
    detail: String,
    recorded_at: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: String,
    summary: String,
    kind: String,
    themes: Vec<String>,
    raised_on: String,
    verdict: Verdict,
}

#[derive(Template)]
#[template(path = "activities/record.html")]
struct RecordPage {
    chrome: Chrome,
    id: String,
    title: String,
    status: String,
    status_tag: &'static str,
    /// The summary list: what, and its answer.
    facts: Vec<(&'static str, String)>,
    items: Vec<ItemRow>,
    /// What happened when, oldest first: the day, and what.
    timeline: Vec<(String, String)>,
    /// What may be recorded next: address and words.
    steps: Steps,
}

struct ItemRow {
    id: String,
    summary: String,
    about: String,
    verdict: Verdict,
}

async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let data: Data = run(&state, &who, operation!("activity"), json!({ "id": id })).await?;
    let a = data.activity;
    let may_write = who.may_change([a.lead_organisation.as_str()]);
    let mut facts = vec![
        ("Kind", say(ACTIVITY_KINDS, &a.kind)),
        ("Topic", a.topic.clone()),
        ("Lead organisation", a.lead_organisation.clone()),
    ];
    if !a.partner_organisations.is_empty() {
        facts.push(("Partner organisations", a.partner_organisations.join(", ")));
    }
    facts.push(("Planned for", long_date(&a.planned_on)));
    if let Some(held) = &a.held_on {
        facts.push(("Held on", long_date(held)));
    }
    if let Some(at) = &a.attendance {
        facts.push((
            "Who took part",
            [
                (at.patients, "patient", "patients"),
                (at.carers, "carer", "carers"),
                (at.public, "member of the public", "members of the public"),
                (at.staff, "member of staff", "staff"),
            ]
            .iter()
            .map(|&(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
            .collect::<Vec<_>>()
            .join(", "),
        ));
    }
    if let Some(held) = &a.demographics {
        facts.extend(held.described());
    }
    if !a.principles.is_empty() {
        let said: Vec<String> = a.principles.iter().map(|p| say(PRINCIPLES, p)).collect();
        facts.push(("Principles it serves", said.join(", ")));
    }
    if let Some(since) = &a.public_since {
        let day = since.get(..10).unwrap_or(since);
        facts.push((
            "Public page",
            format!(
                "Shown since {} at /public/{}/activities/{}",
                long_date(day),
                a.lead_organisation,
                a.id
            ),
        ));
    }
    let timeline = timeline_of(&a);
    let steps = if may_write {
        next_steps(&a)
    } else {
        Steps::default()
    };
    Ok(render(&RecordPage {
        chrome: who.chrome(a.title.clone(), Section::Activities),
        status_tag: status_tag(&a.status),
        status: say(ACTIVITY_STATUSES, &a.status),
        facts,
        items: a
            .input_items
            .into_iter()
            .map(|i| ItemRow {
                about: format!(
                    "{}, raised {}{}",
                    say(INPUT_KINDS, &i.kind),
                    long_date(&i.raised_on),
                    if i.themes.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", i.themes.join(", "))
                    }
                ),
                id: i.id,
                summary: i.summary,
                verdict: i.verdict,
            })
            .collect(),
        timeline,
        steps,
        id: a.id,
        title: a.title,
    }))
}

/// What may be recorded next of the activity, by where it stands, and its corrections.
fn next_steps(a: &Activity) -> Steps {
    let base = format!("/activities/{}", a.id);
    let mut steps = Steps::default();
    let next: &[(&str, &str)] = match a.status.as_str() {
        "PLANNED" => &[
            ("information", "Record information published"),
            ("held", "Record that it was held"),
            ("postpone", "Postpone it"),
            ("cancel", "Cancel it"),
        ],
        "HELD" => &[
            ("input", "Record input raised"),
            ("report", "Publish its report"),
            ("feedback", "Record what participants were told"),
            ("information", "Record information published"),
        ],
        "REPORT_PUBLISHED" => &[
            ("input", "Record input raised"),
            ("feedback", "Record what participants were told"),
        ],
        _ => &[],
    };
    for (tail, words) in next {
        steps.then(&base, tail, words);
    }
    if a.status != "CANCELLED" {
        if a.public_since.is_some() {
            steps.then(&base, "unpublish", "Take it off the public page");
        } else {
            steps.then(&base, "publish", "Show it on the public page");
        }
    }
    steps.fix(&base, "correct", "Correct its details");
    if a.attendance.is_some() {
        steps.fix(&base, "held/correct", "Correct who took part");
    }
    for (i, entry) in a.information_published.iter().enumerate() {
        steps.fix(
            &base,
            &format!("information/{i}/correct"),
            format!(
                "Correct the information published on {}",
                long_date(&entry.published_on)
            ),
        );
    }
    for (i, told) in a.feedback.iter().enumerate() {
        steps.fix(
            &base,
            &format!("feedback/{i}/correct"),
            format!(
                "Correct what participants were told on {}",
                long_date(&told.given_on)
            ),
        );
    }
    steps
}

/// What happened to the activity, oldest first.
fn timeline_of(a: &Activity) -> Vec<(String, String)> {
    let mut events: Vec<(String, String)> = Vec::new();
    for p in &a.postponements {
        events.push((
            p.postponed_on.clone(),
            format!(
                "Postponed from {} to {}: {}",
                long_date(&p.from),
                long_date(&p.to),
                p.reason
            ),
        ));
    }
    for i in &a.information_published {
        let formats: Vec<String> = i
            .accessible_formats
            .iter()
            .map(|f| say(FORMATS, f))
            .collect();
        events.push((
            i.published_on.clone(),
            if formats.is_empty() {
                "Information published to participants".to_owned()
            } else {
                format!(
                    "Information published to participants, also as {}",
                    formats.join(", ")
                )
            },
        ));
    }
    if let Some(held) = &a.held_on {
        events.push((held.clone(), "Held".to_owned()));
    }
    if let Some(report) = &a.report {
        events.push((
            report.on.clone(),
            format!("Report published: {}", report.text),
        ));
    }
    if let Some(cancelled) = &a.cancellation {
        events.push((
            cancelled.on.clone(),
            format!("Cancelled: {}", cancelled.text),
        ));
    }
    for f in &a.feedback {
        events.push((
            f.given_on.clone(),
            format!(
                "Participants told ({}): {}",
                say(FEEDBACK_CHANNELS, &f.channel).to_lowercase(),
                f.summary
            ),
        ));
    }
    for c in &a.corrections {
        events.push((
            c.recorded_at.get(..10).unwrap_or_default().to_owned(),
            format!("Record corrected: {}", c.detail),
        ));
    }
    events.sort_by(|x, y| x.0.cmp(&y.0));
    events
        .into_iter()
        .map(|(day, what)| (long_date(&day), what))
        .collect()
}
