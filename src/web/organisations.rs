//! Setting an organisation up: an administrator registers it by its ODS code; its officers
//! keep the list of themes they code input with.

use axum::Router;
use serde_json::json;

use super::failure::Failure;
use super::form::flow::{Done, Flow};
use super::form::routes::Params;
use super::form::{Field, Kind};
use super::page::Section;
use super::signed_in::SignedIn;
use super::words::{choices, ORGANISATION_KINDS};
use crate::api::AppState;
use crate::auth::Role;
use crate::{form_routes, operation};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(form_routes!("/organisations/new", register))
        .merge(form_routes!("/organisations/{code}/themes", add_theme))
        .merge(form_routes!(
            "/organisations/{code}/public-page",
            public_page
        ))
}

async fn register(_: &AppState, who: &SignedIn, _: &Params) -> Result<Flow, Failure> {
    if who.who.role != Role::Admin {
        return Err(Failure::Forbidden(
            "Only administrators register organisations.".into(),
        ));
    }
    Ok(Flow {
        title: "Register an organisation".into(),
        caption: String::new(),
        action: "/organisations/new".into(),
        back: "/".into(),
        section: Section::NeedsYou,
        fields: vec![
            Field::new("odsCode", "ODS code", Kind::Text)
                .hint("The organisation's code in the Organisation Data Service, for example RX1"),
            Field::new("name", "Name", Kind::Text),
            Field::new(
                "kind",
                "Kind of organisation",
                Kind::One(choices(ORGANISATION_KINDS)),
            ),
            Field::new("ics", "Integrated care board's ODS code", Kind::Text)
                .hint("The board of the integrated care system it belongs to, if any")
                .optional(),
        ],
        fixed: serde_json::Map::new(),
        operation: operation!("register_organisation"),
        confirm: "Register the organisation",
        done: Done::Back("Organisation registered"),
        initial: Default::default(),
    })
}

async fn add_theme(_: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let code = params.get("code").to_ascii_uppercase();
    who.must_change(
        [code.as_str()],
        "Only the organisation's own officers keep its list of themes.",
    )?;
    let mut fixed = serde_json::Map::new();
    fixed.insert("odsCode".into(), json!(code));
    Ok(Flow {
        title: "Add a theme".into(),
        caption: code.clone(),
        action: format!("/organisations/{code}/themes"),
        back: "/".into(),
        section: Section::NeedsYou,
        fields: vec![Field::new("name", "Theme", Kind::Text)
            .hint("A word or two that input is coded with, for example Communication")
            .needs("Enter the theme")],
        fixed,
        operation: operation!("add_theme"),
        confirm: "Add the theme",
        done: Done::Back("Theme added"),
        initial: Default::default(),
    })
}

/// Turn the organisation's public page on or off: an administrator's choice, off at first.
async fn public_page(_: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    if who.who.role != Role::Admin {
        return Err(Failure::Forbidden(
            "Only administrators turn an organisation's public page on or off.".into(),
        ));
    }
    let code = params.get("code").to_ascii_uppercase();
    let mut fixed = serde_json::Map::new();
    fixed.insert("odsCode".into(), json!(code));
    Ok(Flow {
        title: "Public page".into(),
        caption: code.clone(),
        action: format!("/organisations/{code}/public-page"),
        back: "/".into(),
        section: Section::NeedsYou,
        fields: vec![Field::new(
            "published",
            "Show a public \"you said, we did\" page?",
            Kind::YesNo,
        )
        .hint(format!(
            "Anyone may read it, without signing in, at /public/{code}. It shows only the \
             activities its officers publish: what people said, what was decided and why, \
             what was done, and when they were told. Nothing about who took part."
        ))
        .needs("Select whether to show a public page")],
        fixed,
        operation: operation!("set_public_page"),
        confirm: "Save the public page setting",
        done: Done::Back("Public page setting saved"),
        initial: Default::default(),
    })
}
