//! The forms that keep a board: establishing one, setting a role's seats (how many, and
//! whether they vote), renaming it and dissolving it. Each runs the [`Flow`] journey, for the
//! board's organisation's secretaries.

use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::api::AppState;
use crate::form_routes;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::flow::{organisation_question, About, Done, Flow};
use crate::web::form::on_or_today;
use crate::web::form::routes::Params;
use crate::web::form::{Field, Kind};
use crate::web::page::Section;
use crate::web::signed_in::SignedIn;
use crate::web::words::{choices, BOARD_KINDS, SEAT_ROLES};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(form_routes!("/boards/new", establish))
        .merge(form_routes!("/boards/{id}/seats", seats))
        .merge(form_routes!("/boards/{id}/rename", rename))
        .merge(form_routes!("/boards/{id}/dissolve", dissolve))
}

async fn establish(_: &AppState, who: &SignedIn, _: &Params) -> Result<Flow, Failure> {
    if !who.may_keep_boards(who.who.organisations.iter().map(String::as_str))
        && who.who.role != crate::auth::Role::Admin
    {
        return Err(Failure::Forbidden(
            "Only board secretaries establish boards.".into(),
        ));
    }
    let mut fixed = serde_json::Map::new();
    let mut fields = vec![
        Field::new("name", "Name", Kind::Text).hint("For example, Quality committee"),
        Field::new("kind", "Kind of board", Kind::One(choices(BOARD_KINDS)))
            .needs("Select the kind of board"),
        on_or_today("establishedOn", "Date established"),
    ];
    organisation_question(who, "organisation", "Organisation", &mut fields, &mut fixed);
    Ok(Flow {
        title: "Establish a board".into(),
        caption: String::new(),
        action: "/boards/new".into(),
        back: "/boards".into(),
        section: Section::Boards,
        fields,
        fixed,
        operation: operation!("establish_board"),
        confirm: "Establish the board",
        done: Done::Created {
            field: "establishBoard",
            record: "board",
            path: "/boards",
            note: "Board established",
        },
        initial: Default::default(),
    })
}

#[derive(Deserialize)]
struct Heading {
    board: HeadingBoard,
}

#[derive(Deserialize)]
pub(super) struct HeadingBoard {
    pub id: String,
    pub name: String,
    pub organisation: String,
}

/// The board the address names and the form `about` it, once the person may keep it.
pub(super) async fn board_about(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
    about: About,
) -> Result<(HeadingBoard, Flow), Failure> {
    let heading: Heading = run(
        state,
        who,
        operation!("board_heading"),
        json!({ "id": params.get("id") }),
    )
    .await?;
    let board = heading.board;
    who.must_keep_boards(
        [board.organisation.as_str()],
        "Only the secretaries of the organisation whose board it is can change it.",
    )?;
    let flow = about.flow(
        format!("/boards/{}", board.id),
        board.name.clone(),
        "boardId",
        &board.id,
        Section::Boards,
    );
    Ok((board, flow))
}

/// The form `about` for the board the address names, once the person may keep it.
async fn about(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
    about: About,
) -> Result<Flow, Failure> {
    Ok(board_about(state, who, params, about).await?.1)
}

async fn seats(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "seats",
            title: "Set the seats for a role",
            fields: vec![
                Field::new("role", "Role", Kind::One(choices(SEAT_ROLES))).needs("Select the role"),
                Field::new("target", "How many seats", Kind::Count)
                    .hint("The number the board should have; 0 ends the role's seats"),
                Field::new("voting", "Do these seats vote?", Kind::YesNo)
                    .needs("Select whether these seats vote"),
                on_or_today("from", "From"),
            ],
            operation: operation!("set_board_seats"),
            confirm: "Set the seats",
            note: "Seats set",
        },
    )
    .await
}

async fn rename(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "rename",
            title: "Rename the board",
            fields: vec![Field::new("name", "New name", Kind::Text).hint(
                "The name the board has taken. To put a mistaken name right, correct it instead.",
            )],
            operation: operation!("rename_board"),
            confirm: "Rename the board",
            note: "Board renamed",
        },
    )
    .await
}

async fn dissolve(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about(
        state,
        who,
        params,
        About {
            tail: "dissolve",
            title: "Dissolve the board",
            fields: vec![on_or_today("dissolvedOn", "Date dissolved")],
            operation: operation!("dissolve_board"),
            confirm: "Dissolve the board",
            note: "Board dissolved",
        },
    )
    .await
}
