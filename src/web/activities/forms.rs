//! The forms that record an activity's life: planning it, information published, held,
//! postponed, cancelled, its report. Each runs the [`Flow`] journey.

use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::form_routes;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::correction::correcting;
use crate::web::form::flow::{organisation_question, About, Done, Flow};
use crate::web::form::routes::Params;
use crate::web::form::{Field, Kind};
use crate::web::page::Section;
use crate::web::signed_in::SignedIn;
use crate::web::words::{choices, ACTIVITY_KINDS, FORMATS, PRINCIPLES};

use crate::web::form::correction::reason;
use crate::web::form::{date_answers, Sent};
use crate::web::told::{self, Told};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(form_routes!("/activities/new", plan))
        .merge(form_routes!("/activities/{id}/information", information))
        .merge(form_routes!("/activities/{id}/postpone", postpone))
        .merge(form_routes!("/activities/{id}/cancel", cancel))
        .merge(form_routes!("/activities/{id}/report", report))
        .merge(form_routes!("/activities/{id}/feedback", feedback))
        .merge(form_routes!("/activities/{id}/correct", correct))
        .merge(form_routes!(
            "/activities/{id}/information/{index}/correct",
            correct_information
        ))
        .merge(form_routes!(
            "/activities/{id}/feedback/{index}/correct",
            correct_feedback
        ))
}

async fn plan(_: &AppState, who: &SignedIn, _: &Params) -> Result<Flow, Failure> {
    if !who.records_engagement() {
        return Err(Failure::Forbidden(
            "Only engagement officers plan activities.".into(),
        ));
    }
    let mut fixed = serde_json::Map::new();
    let mut fields = vec![
        Field::new("title", "Title", Kind::Text).hint("As participants will know it"),
        Field::new("topic", "Topic or service area", Kind::Text)
            .hint("For example, maternity, outpatients, mental health"),
        Field::new(
            "kind",
            "Kind of activity",
            Kind::One(choices(ACTIVITY_KINDS)),
        ),
        Field::new("plannedOn", "Date planned", Kind::Date).hint("For example, 27 3 2026"),
        Field::new(
            "principles",
            "Principles it serves",
            Kind::Many(choices(PRINCIPLES)),
        )
        .hint("Select all that apply")
        .optional(),
    ];
    organisation_question(
        who,
        "leadOrganisation",
        "Lead organisation",
        &mut fields,
        &mut fixed,
    );
    Ok(Flow {
        title: "Plan an activity".into(),
        caption: String::new(),
        action: "/activities/new".into(),
        back: "/activities".into(),
        section: Section::Activities,
        fields,
        fixed,
        operation: operation!("plan_activity"),
        confirm: "Plan the activity",
        done: Done::Created {
            field: "planActivity",
            record: "activity",
            path: "/activities",
            note: "Activity planned",
        },
        initial: Default::default(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Heading {
    activity: HeadingActivity,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HeadingActivity {
    pub id: String,
    pub title: String,
    pub lead_organisation: String,
}

/// The activity the address names, once the person may change it.
pub(super) async fn heading(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
) -> Result<HeadingActivity, Failure> {
    let heading: Heading = run(
        state,
        who,
        operation!("activity_heading"),
        json!({ "id": params.get("id") }),
    )
    .await?;
    let activity = heading.activity;
    who.must_change(
        [activity.lead_organisation.as_str()],
        "Only officers of the organisation that leads this activity can change it.",
    )?;
    Ok(activity)
}

/// The form `about` for `activity`; saved, it leads back to the activity's page with its note.
pub(super) fn about_activity(activity: HeadingActivity, about: About) -> Flow {
    about.flow(
        format!("/activities/{}", activity.id),
        activity.title,
        "activityId",
        &activity.id,
        Section::Activities,
    )
}

/// The form `about` for the activity the address names, once the person may change it.
async fn about(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
    about: About,
) -> Result<Flow, Failure> {
    Ok(about_activity(heading(state, who, params).await?, about))
}

pub(super) fn today_hint() -> &'static str {
    "For example, 27 3 2026. Leave it blank for today."
}

async fn information(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "information",
            title: "Record information published",
            fields: vec![
                Field::new("publishedOn", "Date published", Kind::Date)
                    .hint(today_hint())
                    .optional(),
                Field::new(
                    "accessibleFormats",
                    "Accessible formats offered",
                    Kind::Many(choices(FORMATS)),
                )
                .hint("Select all that apply")
                .optional(),
            ],
            operation: operation!("record_information_published"),
            confirm: "Record information published",
            note: "Information published recorded",
        },
    )
    .await
}

async fn postpone(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "postpone",
            title: "Postpone the activity",
            fields: vec![
                Field::new("plannedOn", "New date", Kind::Date).hint("For example, 27 3 2026"),
                Field::new("reason", "Why it is postponed", Kind::Long),
            ],
            operation: operation!("postpone_activity"),
            confirm: "Postpone the activity",
            note: "Activity postponed",
        },
    )
    .await
}

async fn cancel(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "cancel",
            title: "Cancel the activity",
            fields: vec![Field::new("reason", "Why it is cancelled", Kind::Long)
                .hint("Participants who were told about it will read this")],
            operation: operation!("cancel_activity"),
            confirm: "Cancel the activity",
            note: "Activity cancelled",
        },
    )
    .await
}

async fn report(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "report",
            title: "Publish the activity's report",
            fields: vec![
                Field::new("summary", "Summary of the report", Kind::Long)
                    .hint("What was heard, in a few sentences"),
                Field::new("publishedOn", "Date published", Kind::Date)
                    .hint(today_hint())
                    .optional(),
            ],
            operation: operation!("publish_activity_report"),
            confirm: "Publish the report",
            note: "Report published",
        },
    )
    .await
}

async fn feedback(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "feedback",
            title: "Record what participants were told",
            fields: told::feedback_fields(),
            operation: operation!("record_activity_feedback"),
            confirm: "Record the feedback",
            note: "Feedback recorded",
        },
    )
    .await
}

async fn correct(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "correct",
            title: "Correct its details",
            fields: correcting(vec![
                Field::new("title", "Title", Kind::Text),
                Field::new("topic", "Topic or service area", Kind::Text),
                Field::new(
                    "kind",
                    "Kind of activity",
                    Kind::One(choices(ACTIVITY_KINDS)),
                ),
                Field::new("plannedOn", "Date planned", Kind::Date),
                Field::new("heldOn", "Date held", Kind::Date),
            ]),
            operation: operation!("amend_activity"),
            confirm: "Correct the record",
            note: "Record corrected",
        },
    )
    .await
}

#[derive(Deserialize)]
struct Entries {
    activity: ActivityEntries,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActivityEntries {
    information_published: Vec<Publication>,
    feedback: Vec<Told>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Publication {
    published_on: String,
    accessible_formats: Vec<String>,
}

/// The activity the address names, once the person may change it, and what it records of
/// information published and of what participants were told.
async fn entries(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
) -> Result<(HeadingActivity, ActivityEntries), Failure> {
    let activity = heading(state, who, params).await?;
    let entries: Entries = run(
        state,
        who,
        operation!("activity_entries"),
        json!({ "id": activity.id }),
    )
    .await?;
    Ok((activity, entries.activity))
}

/// Correct one time information was published: the questions open on what it says, and the
/// formats ticked are the whole corrected list.
async fn correct_information(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
) -> Result<Flow, Failure> {
    let (activity, entries) = entries(state, who, params).await?;
    let (index, entry) = told::entry(&entries.information_published, params)?;
    let mut fields = vec![
        Field::new("publishedOn", "Date published", Kind::Date).hint("For example, 27 3 2026"),
        Field::new(
            "accessibleFormats",
            "Accessible formats offered",
            Kind::Many(choices(FORMATS)),
        )
        .hint("Select all that were offered")
        .optional(),
    ];
    fields.extend(reason());
    let mut initial = date_answers("publishedOn", &entry.published_on);
    initial.extend(
        entry
            .accessible_formats
            .iter()
            .map(|f| ("accessibleFormats".to_owned(), f.clone())),
    );
    let mut flow = about_activity(
        activity,
        About {
            tail: "information",
            title: "Correct the information published",
            fields,
            operation: operation!("amend_information_published"),
            confirm: "Correct the record",
            note: "Record corrected",
        },
    );
    flow.fixed.insert("index".into(), json!(index));
    flow.action = format!("{}/information/{index}/correct", flow.back);
    flow.initial = Sent(initial);
    Ok(flow)
}

/// Correct one time participants were told of the activity's input as a whole.
async fn correct_feedback(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
) -> Result<Flow, Failure> {
    let (activity, entries) = entries(state, who, params).await?;
    let flow = about_activity(
        activity,
        About {
            tail: "feedback",
            title: "Correct what participants were told",
            fields: Vec::new(),
            operation: operation!("amend_activity_feedback"),
            confirm: "Correct the record",
            note: "Record corrected",
        },
    );
    told::correcting(flow, &entries.feedback, params)
}
