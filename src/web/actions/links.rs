//! Which input an action answers beyond what it was proposed for: linking more input to it
//! (from the action's page, or from the input's), and undoing a link made in error, with the
//! reason, which the action's history keeps.
//!
//! Records are named by their reference, shown at the foot of each record's page, as the
//! withdrawal of a repeat names the item it repeats.

use axum::Router;
use serde_json::json;

use super::{about, item_heading};
use crate::api::AppState;
use crate::form_routes;
use crate::operation;
use crate::web::failure::Failure;
use crate::web::form::correction::reason;
use crate::web::form::flow::{About, Flow};
use crate::web::form::on_or_today;
use crate::web::form::routes::Params;
use crate::web::form::{Field, Kind};
use crate::web::signed_in::SignedIn;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(form_routes!("/actions/{id}/link", link_input))
        .merge(form_routes!("/actions/{id}/unlink/{item}", unlink))
}

/// The questions of a link: the other record's reference, and the day.
pub fn link_fields(other: &'static str, label: &'static str, page: &str) -> Vec<Field> {
    vec![
        Field::new(other, label, Kind::Text)
            .hint(format!("Its reference, from the foot of the {page}'s page"))
            .needs(format!("Enter the {page}'s reference")),
        on_or_today("linkedOn", "Date it began to answer it"),
    ]
}

/// Link more input the action answers.
async fn link_input(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "link",
            title: "Link more input this action answers",
            fields: link_fields("inputItemId", "Input it answers", "input"),
            operation: operation!("link_input_item_to_action"),
            confirm: "Link the input",
            note: "Input linked",
        },
    )
    .await
}

/// Undo the link to the input the address names, made in error.
async fn unlink(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let mut flow = about(
        state,
        who,
        params,
        About {
            tail: "unlink",
            title: "Unlink input from this action",
            fields: reason(),
            operation: operation!("unlink_input_item_from_action"),
            confirm: "Unlink the input",
            note: "Input unlinked",
        },
    )
    .await?;
    let item = item_heading(state, who, params.get("item")).await?;
    flow.title = format!("Unlink “{}” from this action", shortened(&item.summary, 60));
    flow.action = format!("{}/unlink/{}", flow.back, item.id);
    flow.fixed.insert("inputItemId".into(), json!(item.id));
    Ok(flow)
}

/// `text` cut to at most about `most` characters at a word's end, marked as cut.
fn shortened(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let cut: String = text.chars().take(most).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |end| &cut[..end]);
    format!("{}…", at_word.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::shortened;

    #[test]
    fn a_long_summary_is_cut_at_a_word() {
        assert_eq!(shortened("Letters are late", 60), "Letters are late");
        assert_eq!(
            shortened(
                "Appointment letters arrive after the appointment, every time",
                30
            ),
            "Appointment letters arrive…"
        );
    }
}
