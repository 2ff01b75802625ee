//! Putting an activity on its organisation's public "you said, we did" page, once an officer
//! has read what it will show, and taking it off again with the reason.

use axum::Router;

use super::forms::{about_activity, heading};
use crate::api::AppState;
use crate::web::failure::Failure;
use crate::web::form::flow::{About, Flow};
use crate::web::form::routes::Params;
use crate::web::form::{Field, Kind};
use crate::web::signed_in::SignedIn;
use crate::{form_routes, operation};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(form_routes!("/activities/{id}/publish", publish))
        .merge(form_routes!("/activities/{id}/unpublish", unpublish))
}

async fn publish(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let activity = heading(state, who, params).await?;
    let about = About {
        tail: "publish",
        title: "Show it on the public page",
        fields: vec![Field::new(
            "nothingPersonal",
            "What the public page will show",
            Kind::Yes(
                "I have read what it will show, and nothing in it names or identifies anyone"
                    .into(),
            ),
        )
        .hint(
            "Anyone may read it without signing in, once the organisation's public page is on: \
             each input item's summary, the decision and its reason, the actions and their \
             outcomes, the report, and when participants were told. Read it first: the \
             activity's page links to \"you said, we did\" as participants would read it.",
        )
        .needs("Confirm that you have read it and that nothing in it names anyone")],
        operation: operation!("publish_activity"),
        confirm: "Show it on the public page",
        note: "Shown on the public page",
    };
    Ok(about_activity(activity, about))
}

async fn unpublish(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let activity = heading(state, who, params).await?;
    let about = About {
        tail: "unpublish",
        title: "Take it off the public page",
        fields: vec![Field::new("reason", "Why it is taken off", Kind::Long)
            .hint("Kept in the activity's history; the public do not see it")],
        operation: operation!("unpublish_activity"),
        confirm: "Take it off the public page",
        note: "Taken off the public page",
    };
    Ok(about_activity(activity, about))
}
