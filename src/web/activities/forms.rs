//! The forms that record an activity's life: planning it, information published, held,
//! postponed, cancelled, its report. Each runs the [`Flow`] journey.

use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::auth::Role;
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(form_routes!("/activities/new", plan))
        .merge(form_routes!("/activities/{id}/information", information))
        .merge(form_routes!("/activities/{id}/held", held))
        .merge(form_routes!("/activities/{id}/postpone", postpone))
        .merge(form_routes!("/activities/{id}/cancel", cancel))
        .merge(form_routes!("/activities/{id}/report", report))
        .merge(form_routes!("/activities/{id}/feedback", feedback))
        .merge(form_routes!("/activities/{id}/correct", correct))
}

async fn plan(_: &AppState, who: &SignedIn, _: &Params) -> Result<Flow, Failure> {
    if who.who.role == Role::Auditor {
        return Err(Failure::Forbidden(
            "Auditors cannot plan activities.".into(),
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
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Heading {
    activity: HeadingActivity,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeadingActivity {
    id: String,
    title: String,
    lead_organisation: String,
}

/// The form `about` for the activity the address names, once the person may change it; saved,
/// it leads back to the activity's page with its note.
async fn about(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
    about: About,
) -> Result<Flow, Failure> {
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
    Ok(about.flow(
        format!("/activities/{}", activity.id),
        activity.title,
        "activityId",
        &activity.id,
        Section::Activities,
    ))
}

fn today_hint() -> &'static str {
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

async fn held(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let count = |name, label| Field::new(name, label, Kind::Count).optional();
    about(
        state,
        who,
        params,
        About {
            tail: "held",
            title: "Record that the activity was held",
            fields: vec![
                Field::new("heldOn", "Date held", Kind::Date)
                    .hint(today_hint())
                    .optional(),
                count("attendance.patients", "Patients who took part"),
                count("attendance.carers", "Carers who took part"),
                count("attendance.public", "Members of the public who took part"),
                count("attendance.staff", "Staff who took part"),
            ],
            operation: operation!("record_activity_held"),
            confirm: "Record it as held",
            note: "Activity recorded as held",
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
            fields: crate::web::input::forms::feedback_fields(),
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
            title: "Put a mistake right",
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
