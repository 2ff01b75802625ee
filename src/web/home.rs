//! Home, "what needs you": for each of the person's organisations, the input and actions that
//! need doing within 14 days, and how its input stands, each line opening its record.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::client::run;
use super::failure::Failure;
use super::page::{long_date, render, Chrome, Section};
use super::signed_in::SignedIn;
use super::verdict::{Verdict, VerdictTag};
use crate::api::AppState;
use crate::operation;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    chrome: Chrome,
    as_of: String,
    organisations: Vec<OrganisationNeeds>,
    /// An administrator with no organisation of their own and none registered yet.
    nothing_registered: bool,
    /// The person's organisations that are not registered yet.
    unregistered: Vec<String>,
    is_admin: bool,
    /// The person records things (not an auditor).
    may_write: bool,
    /// The person may import history: officers, secretaries and administrators.
    may_import: bool,
    /// The lists each organisation's records download as: the sheet, and what it holds.
    lists: &'static [(&'static str, &'static str)],
}

/// The lists offered for download, by the import format's sheet names.
const LISTS: &[(&str, &str)] = &[
    ("Activities", "Activities"),
    ("Input", "Input, with each item's verdict today"),
    ("Actions", "Actions"),
    ("Feedback", "Feedback"),
    ("Boards", "Boards"),
    ("Appointments", "Appointments"),
    ("Meetings", "Meetings"),
    ("Participants", "Board members and other participants"),
];

struct OrganisationNeeds {
    name: String,
    ods_code: String,
    /// Its public "you said, we did" page is on.
    public_page: bool,
    awaiting_total: i64,
    awaiting: Vec<HeldActivity>,
    lists: Vec<NeedList>,
    total: i64,
    counts: Vec<(Verdict, i64)>,
}

struct NeedList {
    heading: &'static str,
    /// What the list holds, for "none" and "see all".
    what: &'static str,
    total: i64,
    items: Vec<Listed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NeedsYouData {
    organisation: OrganisationData,
    awaiting_input: AwaitingInput,
    needs_attention: Attention,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AwaitingInput {
    total_count: i64,
    nodes: Vec<HeldActivity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeldActivity {
    id: String,
    title: String,
    held_on: Option<String>,
}

impl HeldActivity {
    fn held_long(&self) -> String {
        self.held_on.as_deref().map(long_date).unwrap_or_default()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrganisationData {
    ods_code: String,
    name: String,
    public_page: bool,
    rollup: Rollup,
}

#[derive(Deserialize)]
struct Rollup {
    total: i64,
    counts: Vec<VerdictCount>,
}

#[derive(Deserialize)]
struct VerdictCount {
    verdict: Verdict,
    count: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Attention {
    as_of: String,
    overdue: ListedPage,
    window_closing: ListedPage,
    stalled: ListedPage,
    action_due: ListedPage,
    loop_not_closed: ListedPage,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListedPage {
    total_count: i64,
    nodes: Vec<Listed>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    id: String,
    summary: String,
    respond_by: String,
    verdict: Verdict,
    activity: Option<ActivityTitle>,
}

impl Listed {
    fn respond_by_long(&self) -> String {
        long_date(&self.respond_by)
    }
}

#[derive(Deserialize)]
struct ActivityTitle {
    id: String,
    title: String,
}

#[derive(Deserialize)]
struct OrganisationsData {
    organisations: OrganisationCodes,
}

#[derive(Deserialize)]
struct OrganisationCodes {
    nodes: Vec<OrganisationCode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrganisationCode {
    ods_code: String,
}

async fn home(State(state): State<AppState>, who: SignedIn) -> Result<Response, Failure> {
    // A board secretary's work is the boards': their home is theirs.
    if who.who.role == crate::auth::Role::BoardSecretary {
        return super::boards::home::page(&state, &who).await;
    }
    let codes = match who.principal().read_scope() {
        Some(codes) => codes.to_vec(),
        None => {
            let all: OrganisationsData = run(
                &state,
                &who,
                operation!("organisations"),
                serde_json::json!({}),
            )
            .await?;
            all.organisations
                .nodes
                .into_iter()
                .map(|o| o.ods_code)
                .collect()
        }
    };
    let mut organisations = Vec::with_capacity(codes.len());
    let mut unregistered = Vec::new();
    let mut as_of = String::new();
    for code in &codes {
        let data = run::<NeedsYouData>(
            &state,
            &who,
            operation!("needs_you"),
            serde_json::json!({ "organisation": code }),
        )
        .await;
        match data {
            Ok(data) => {
                as_of = long_date(&data.needs_attention.as_of);
                organisations.push(needs_of(data));
            }
            Err(refusal) if refusal.code == "NOT_FOUND" => unregistered.push(code.clone()),
            Err(refusal) => return Err(refusal.into()),
        }
    }
    if as_of.is_empty() {
        as_of = long_date(&chrono::Utc::now().date_naive().to_string());
    }
    Ok(render(&Home {
        chrome: who.chrome("What needs you", Section::NeedsYou),
        as_of,
        nothing_registered: organisations.is_empty() && unregistered.is_empty(),
        organisations,
        unregistered,
        is_admin: who.who.role == crate::auth::Role::Admin,
        may_write: who.records_engagement(),
        may_import: who.records_engagement() || who.who.role == crate::auth::Role::BoardSecretary,
        lists: LISTS,
    }))
}

fn needs_of(data: NeedsYouData) -> OrganisationNeeds {
    let attention = data.needs_attention;
    let list = |heading, what, page: ListedPage| NeedList {
        heading,
        what,
        total: page.total_count,
        items: page.nodes,
    };
    OrganisationNeeds {
        name: data.organisation.name,
        ods_code: data.organisation.ods_code,
        public_page: data.organisation.public_page,
        awaiting_total: data.awaiting_input.total_count,
        awaiting: data.awaiting_input.nodes,
        lists: vec![
            list("Overdue for a decision", "input overdue", attention.overdue),
            list(
                "Decision due within 14 days",
                "input due a decision soon",
                attention.window_closing,
            ),
            list(
                "Actions stalled",
                "input whose actions are stalled",
                attention.stalled,
            ),
            list(
                "Actions due within 14 days",
                "input with actions due soon",
                attention.action_due,
            ),
            list(
                "Participants not yet told",
                "input whose participants have not been told",
                attention.loop_not_closed,
            ),
        ],
        total: data.organisation.rollup.total,
        counts: data
            .organisation
            .rollup
            .counts
            .into_iter()
            .map(|c| (c.verdict, c.count))
            .collect(),
    }
}
