//! The forms that move an input item on: deciding, revising the decision, proposing an
//! action answering it, and recording what participants were told.

use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::form_routes;
use crate::operation;
use crate::web::actions::links::link_fields;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::correction::{correcting, reason};
use crate::web::form::flow::{organisation_question, About, Done, Flow};
use crate::web::form::routes::Params;
use crate::web::form::{Field, Kind};
use crate::web::page::Section;
use crate::web::signed_in::SignedIn;
use crate::web::told::{self, Told};
use crate::web::words::{choices, INPUT_KINDS, OUTCOMES, RAISED_BY};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(form_routes!("/input/{id}/decide", decide))
        .merge(form_routes!("/input/{id}/revise", revise))
        .merge(form_routes!("/input/{id}/feedback", feedback))
        .merge(form_routes!("/input/{id}/action", action))
        .merge(form_routes!("/input/{id}/correct", correct))
        .merge(form_routes!("/input/{id}/withdraw", withdraw))
        .merge(form_routes!("/input/{id}/reinstate", reinstate))
        .merge(form_routes!("/input/{id}/link", link))
        .merge(form_routes!(
            "/input/{id}/feedback/{index}/correct",
            correct_feedback
        ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Heading {
    input_item: HeadingItem,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeadingItem {
    id: String,
    summary: String,
    organisation: String,
    referred_to: Option<String>,
}

/// Whose officers may answer an item owned by `owner` and referred to `partner`, if it is.
pub fn writers<'a>(owner: &'a str, partner: Option<&'a str>) -> impl Iterator<Item = &'a str> {
    std::iter::once(owner).chain(partner)
}

/// The item the address names, once the person may answer it (its owner's officers, or the
/// partner's it is referred to).
async fn item(state: &AppState, who: &SignedIn, params: &Params) -> Result<HeadingItem, Failure> {
    let heading: Heading = run(
        state,
        who,
        operation!("input_heading"),
        json!({ "id": params.get("id") }),
    )
    .await?;
    let item = heading.input_item;
    who.must_change(
        writers(&item.organisation, item.referred_to.as_deref()),
        "Only officers of the organisation that owns this input, or of the partner it is referred to, can answer it.",
    )?;
    Ok(item)
}

/// `about` the item the address names.
async fn about(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
    about: About,
) -> Result<Flow, Failure> {
    let item = item(state, who, params).await?;
    Ok(about.flow(
        format!("/input/{}", item.id),
        item.summary,
        "inputItemId",
        &item.id,
        Section::Activities,
    ))
}

/// The questions of a decision.
fn decision_fields() -> Vec<Field> {
    vec![
        Field::new("outcome", "Decision", Kind::One(choices(OUTCOMES))).needs("Select the decision"),
        Field::new("reason", "Why", Kind::Long)
            .hint("Participants will read this. For a decline, say why; for something already in place, say what and where.")
            .optional(),
        Field::new("referredTo", "Partner organisation's ODS code", Kind::Text)
            .hint("Only when you refer it to a partner, for example RX1")
            .optional(),
        Field::new("decidedOn", "Date decided", Kind::Date)
            .hint("For example, 27 3 2026. Leave it blank for today.")
            .optional(),
    ]
}

async fn decide(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "decide",
            title: "Decide on this input",
            fields: decision_fields(),
            operation: operation!("decide_input_item"),
            confirm: "Record the decision",
            note: "Decision recorded",
        },
    )
    .await
}

async fn revise(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let mut fields = decision_fields();
    fields.push(
        Field::new("why", "Why the decision is revised", Kind::Long)
            .needs("Enter why the decision is revised"),
    );
    about(
        state,
        who,
        params,
        About {
            tail: "revise",
            title: "Revise the decision",
            fields,
            operation: operation!("revise_decision"),
            confirm: "Record the revised decision",
            note: "Revised decision recorded",
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
            operation: operation!("record_input_feedback"),
            confirm: "Record the feedback",
            note: "Feedback recorded",
        },
    )
    .await
}

/// Proposing an action that answers the item: owned by one of the person's organisations.
async fn action(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let item = item(state, who, params).await?;
    let mut fixed = serde_json::Map::new();
    fixed.insert("inputItemIds".into(), json!([item.id]));
    let mut fields = vec![
        Field::new("title", "What will be done", Kind::Text).needs("Enter what will be done"),
        Field::new("ownerRole", "Who owns it, by role", Kind::Text)
            .hint("For example, Head of Outpatients")
            .needs("Enter who owns it, by role"),
        Field::new("decisionForum", "Where it was decided", Kind::Text)
            .hint("For example, Quality committee")
            .needs("Enter where it was decided"),
        Field::new("dueOn", "Date due", Kind::Date).hint("For example, 27 3 2026"),
        Field::new("proposedOn", "Date proposed", Kind::Date)
            .hint("For example, 27 3 2026. Leave it blank for today.")
            .optional(),
    ];
    organisation_question(
        who,
        "ownerOrganisation",
        "Owning organisation",
        &mut fields,
        &mut fixed,
    );
    Ok(Flow {
        title: "Propose an action".into(),
        caption: item.summary,
        action: format!("/input/{}/action", item.id),
        back: format!("/input/{}", item.id),
        section: Section::Activities,
        fields,
        fixed,
        operation: operation!("propose_action"),
        confirm: "Propose the action",
        done: Done::Created {
            field: "proposeAction",
            record: "action",
            path: "/actions",
            note: "Action proposed",
        },
        initial: Default::default(),
    })
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
                Field::new("summary", "What was said", Kind::Long),
                Field::new("kind", "Kind of input", Kind::One(choices(INPUT_KINDS))),
                Field::new("raisedBy", "Raised by", Kind::One(choices(RAISED_BY))),
                Field::new("raisedOn", "Date raised", Kind::Date),
            ]),
            operation: operation!("amend_input_item"),
            confirm: "Correct the record",
            note: "Record corrected",
        },
    )
    .await
}

async fn withdraw(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let mut fields = reason();
    fields.push(
        Field::new("duplicateOf", "The item it repeats", Kind::Text)
            .hint("Only when it repeats another: that item's reference, from the foot of its page")
            .optional(),
    );
    about(
        state,
        who,
        params,
        About {
            tail: "withdraw",
            title: "Withdraw this input",
            fields,
            operation: operation!("withdraw_input_item"),
            confirm: "Withdraw it",
            note: "Input withdrawn: it stays on record and counts in no figure",
        },
    )
    .await
}

async fn reinstate(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "reinstate",
            title: "Reinstate this input",
            fields: reason(),
            operation: operation!("reinstate_input_item"),
            confirm: "Reinstate it",
            note: "Input reinstated",
        },
    )
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entries {
    input_item: ItemEntries,
}

#[derive(Deserialize)]
struct ItemEntries {
    feedback: Vec<Told>,
}

/// Correct one time participants were told about the item.
async fn correct_feedback(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
) -> Result<Flow, Failure> {
    let item = item(state, who, params).await?;
    let entries: Entries = run(
        state,
        who,
        operation!("input_entries"),
        json!({ "id": item.id }),
    )
    .await?;
    let flow = About {
        tail: "feedback",
        title: "Correct what participants were told",
        fields: Vec::new(),
        operation: operation!("amend_input_feedback"),
        confirm: "Correct the record",
        note: "Record corrected",
    }
    .flow(
        format!("/input/{}", item.id),
        item.summary,
        "inputItemId",
        &item.id,
        Section::Activities,
    );
    told::correcting(flow, &entries.input_item.feedback, params)
}

/// Link the item to an action already proposed, which answers it too.
async fn link(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "link",
            title: "Link it to an action already proposed",
            fields: link_fields("actionId", "The action that answers it", "action"),
            operation: operation!("link_input_item_to_action"),
            confirm: "Link it to the action",
            note: "Linked to the action",
        },
    )
    .await
}
