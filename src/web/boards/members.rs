//! Board members, for their secretaries: registering a person with their details, recording
//! their consents, and a member's page with their consents and every seat they have held; and
//! the appointments that seat them: appointing, renewing a term, ending one. An erased member
//! shows as erased everywhere, with no name.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::forms::board_about;
use super::{holder, named, Participant};
use crate::api::AppState;
use crate::form_routes;
use crate::operation;
use crate::web::client::run;
use crate::web::failure::Failure;
use crate::web::form::flow::{organisation_question, About, Done, Flow};
use crate::web::form::on_or_today;
use crate::web::form::routes::Params;
use crate::web::form::{Choice, Field, Kind};
use crate::web::page::{long_date, render, Chrome, Section, Steps};
use crate::web::signed_in::SignedIn;
use crate::web::words::{choices, say, CONSENT_PURPOSES, END_REASONS, SEAT_ROLES};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/members/{id}", get(page))
        .merge(form_routes!("/members/new", register))
        .merge(form_routes!("/members/{id}/consent", consent))
        .merge(form_routes!("/boards/{id}/appoint", appoint))
        .merge(form_routes!("/appointments/{id}/renew", renew))
        .merge(form_routes!("/appointments/{id}/end", end))
}

#[derive(Deserialize)]
struct Data {
    participant: Member,
    boards: Nodes<BoardSeats>,
}

#[derive(Deserialize)]
struct Nodes<T> {
    nodes: Vec<T>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    id: String,
    organisation: String,
    status: String,
    display_name: Option<String>,
    contact: Option<Contact>,
    registered_on: String,
    consents: Vec<Consent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Contact {
    email: Option<String>,
    phone: Option<String>,
    postal_address: Option<String>,
}

#[derive(Deserialize)]
struct Consent {
    purpose: String,
    given: bool,
    on: String,
}

#[derive(Deserialize)]
struct BoardSeats {
    id: String,
    name: String,
    appointments: Vec<Seat>,
    representation: Attendance,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Attendance {
    attendance_by_appointee: Vec<Rate>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rate {
    appointment_id: Option<String>,
    meetings: u64,
    attended: u64,
}

/// How far back a member's attendance is counted: the longest period the API counts over.
const ATTENDANCE_DAYS: u64 = 3649;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Seat {
    id: String,
    role: String,
    voting: bool,
    term_start: String,
    term_end: String,
    ended: Option<Ended>,
    participant: Option<SeatHolder>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ended {
    reason: String,
    ended_on: String,
}

#[derive(Deserialize)]
struct SeatHolder {
    id: String,
}

#[derive(Template)]
#[template(path = "boards/member.html")]
struct MemberPage {
    chrome: Chrome,
    id: String,
    name: String,
    erased: bool,
    facts: Vec<(&'static str, String)>,
    /// Each seat: the board's id and name, the seat, the term, where it stands, and the
    /// meetings attended.
    seats: Vec<(String, String, String, String, String, String)>,
    /// Meetings attended of those held while they sat, over every seat.
    attended: Option<(u64, u64)>,
    steps: Steps,
}

async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let since = crate::api::common::context::today() - chrono::Days::new(ATTENDANCE_DAYS);
    let data: Data = run(
        &state,
        &who,
        operation!("member"),
        json!({ "id": id, "since": since }),
    )
    .await?;
    let mut attended = None::<(u64, u64)>;
    let m = data.participant;
    let erased = m.status == "ERASED";
    let name = named(m.display_name.as_deref(), &m.status);
    let mut facts = vec![
        ("Organisation", m.organisation.clone()),
        ("Registered", long_date(&m.registered_on)),
    ];
    if let Some(contact) = &m.contact {
        for (key, value) in [
            ("Email", &contact.email),
            ("Phone", &contact.phone),
            ("Postal address", &contact.postal_address),
        ] {
            if let Some(value) = value {
                facts.push((key, value.clone()));
            }
        }
    }
    for purpose in CONSENT_PURPOSES {
        let latest = m.consents.iter().rev().find(|c| c.purpose == purpose.0);
        facts.push((
            purpose.1,
            match latest {
                Some(c) if c.given => format!("Given {}", long_date(&c.on)),
                Some(c) => format!("Withdrawn {}", long_date(&c.on)),
                None => "Not asked".to_owned(),
            },
        ));
    }
    let seats = data
        .boards
        .nodes
        .iter()
        .flat_map(|b| {
            b.appointments
                .iter()
                .filter(|a| a.participant.as_ref().is_some_and(|p| p.id == m.id))
                .map(|a| {
                    let rate = b
                        .representation
                        .attendance_by_appointee
                        .iter()
                        .find(|r| r.appointment_id.as_deref() == Some(a.id.as_str()));
                    let (came, held) = rate.map_or((0, 0), |r| (r.attended, r.meetings));
                    let total = attended.get_or_insert((0, 0));
                    *total = (total.0 + came, total.1 + held);
                    (
                        b.id.clone(),
                        b.name.clone(),
                        format!(
                            "{}{}",
                            say(SEAT_ROLES, &a.role),
                            if a.voting { ", voting" } else { "" }
                        ),
                        format!("{} to {}", long_date(&a.term_start), long_date(&a.term_end)),
                        match &a.ended {
                            Some(e) => format!(
                                "Ended {} ({})",
                                long_date(&e.ended_on),
                                say(END_REASONS, &e.reason).to_lowercase()
                            ),
                            None => "Serving".to_owned(),
                        },
                        meetings_attended(came, held),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut steps = Steps::default();
    if !erased && who.may_keep_boards([m.organisation.as_str()]) {
        steps.then(&format!("/members/{}", m.id), "consent", "Record a consent");
    }
    Ok(render(&MemberPage {
        chrome: who.chrome(name.clone(), Section::Boards),
        id: m.id,
        name,
        erased,
        facts: if erased { Vec::new() } else { facts },
        seats,
        attended,
        steps,
    }))
}

/// "3 of 4 (75%)", or that none was held.
fn meetings_attended(came: u64, held: u64) -> String {
    if held == 0 {
        "No meeting held yet".to_owned()
    } else {
        format!(
            "{came} of {held} ({:.0}%)",
            came as f64 * 100.0 / held as f64
        )
    }
}

async fn register(_: &AppState, who: &SignedIn, _: &Params) -> Result<Flow, Failure> {
    if !who.may_keep_boards(who.who.organisations.iter().map(String::as_str))
        && who.who.role != crate::auth::Role::Admin
    {
        return Err(Failure::Forbidden(
            "Only board secretaries register members here.".into(),
        ));
    }
    let mut fixed = serde_json::Map::new();
    let mut fields = vec![
        Field::new("details.displayName", "Name", Kind::Text)
            .hint("As they would like to be named in papers"),
        Field::new("details.email", "Email address", Kind::Text).optional(),
        Field::new("details.phone", "Phone number", Kind::Text).optional(),
        Field::new("details.postalAddress", "Postal address", Kind::Long).optional(),
        on_or_today("registeredOn", "Date registered"),
    ];
    organisation_question(who, "organisation", "Organisation", &mut fields, &mut fixed);
    Ok(Flow {
        title: "Register a member".into(),
        caption: String::new(),
        action: "/members/new".into(),
        back: "/boards".into(),
        section: Section::Boards,
        fields,
        fixed,
        operation: operation!("register_participant"),
        confirm: "Register them",
        done: Done::Created {
            field: "registerParticipant",
            record: "participant",
            path: "/members",
            note: "Member registered",
        },
        initial: Default::default(),
    })
}

#[derive(Deserialize)]
struct MemberHeading {
    participant: HeadingMember,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeadingMember {
    id: String,
    organisation: String,
    status: String,
    display_name: Option<String>,
}

async fn consent(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let heading: MemberHeading = run(
        state,
        who,
        operation!("member_heading"),
        json!({ "id": params.get("id") }),
    )
    .await?;
    let m = heading.participant;
    who.must_keep_boards(
        [m.organisation.as_str()],
        "Only the secretaries of the member's organisation can record their consent.",
    )?;
    if m.status == "ERASED" {
        return Err(Failure::NotFound);
    }
    Ok(About {
        tail: "consent",
        title: "Record a consent",
        fields: vec![
            Field::new(
                "purpose",
                "What it is for",
                Kind::One(choices(CONSENT_PURPOSES)),
            )
            .needs("Select what the consent is for"),
            Field::new("given", "Did they give it?", Kind::YesNo)
                .hint("No records that they withdrew it, or did not give it")
                .needs("Select whether they gave it"),
            on_or_today("on", "Date"),
        ],
        operation: operation!("record_consent"),
        confirm: "Record the consent",
        note: "Consent recorded",
    }
    .flow(
        format!("/members/{}", m.id),
        m.display_name.unwrap_or_default(),
        "participantId",
        &m.id,
        Section::Boards,
    ))
}

#[derive(Deserialize)]
struct Registered {
    participants: Nodes<HeadingMember>,
}

/// Appoint a member of the board's organisation to one of its seats.
async fn appoint(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    let (board, mut flow) = board_about(
        state,
        who,
        params,
        About {
            tail: "appoint",
            title: "Appoint a member",
            fields: Vec::new(),
            operation: operation!("appoint_to_board"),
            confirm: "Appoint them",
            note: "Member appointed",
        },
    )
    .await?;
    let registered: Registered = run(state, who, operation!("members"), json!({})).await?;
    let people: Vec<Choice> = registered
        .participants
        .nodes
        .into_iter()
        .filter(|p| p.organisation == board.organisation && p.status != "ERASED")
        .map(|p| Choice::new(p.id, p.display_name.unwrap_or_default()))
        .collect();
    if people.is_empty() {
        return Err(Failure::BadForm(
            "Register the member with the board's organisation first.".into(),
        ));
    }
    flow.fields = vec![
        Field::new("participantId", "Who", Kind::One(people)).needs("Select who is appointed"),
        Field::new("role", "Seat", Kind::One(choices(SEAT_ROLES))).needs("Select the seat"),
        Field::new("voting", "Do they vote?", Kind::YesNo).needs("Select whether they vote"),
        Field::new("termStart", "Term starts", Kind::Date).hint("For example, 1 4 2026"),
        Field::new("termEnd", "Term ends", Kind::Date).hint("For example, 31 3 2029"),
    ];
    Ok(flow)
}

#[derive(Deserialize)]
struct AppointmentHeading {
    node: HeadingAppointment,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HeadingAppointment {
    id: String,
    board_id: String,
    role: String,
    term_end: String,
    participant: Option<Participant>,
}

/// The form `about` the appointment the address names, once the person may keep its board.
async fn about_appointment(
    state: &AppState,
    who: &SignedIn,
    params: &Params,
    about: About,
) -> Result<Flow, Failure> {
    let heading: AppointmentHeading = run(
        state,
        who,
        operation!("appointment_heading"),
        json!({ "id": params.get("id") }),
    )
    .await?;
    let a = heading.node;
    let board_params = Params::of_path(vec![("id".into(), a.board_id.clone())]);
    let (_, mut flow) = board_about(state, who, &board_params, about).await?;
    flow.caption = format!(
        "{}, {} until {}",
        holder(&a.participant),
        say(SEAT_ROLES, &a.role).to_lowercase(),
        long_date(&a.term_end)
    );
    flow.action = format!(
        "/appointments/{}/{}",
        a.id,
        flow.action.rsplit('/').next().unwrap_or_default()
    );
    flow.fixed.remove("boardId");
    flow.fixed.insert("appointmentId".into(), json!(a.id));
    Ok(flow)
}

async fn renew(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about_appointment(
        state,
        who,
        params,
        About {
            tail: "renew",
            title: "Renew the term",
            fields: vec![
                Field::new("termEnd", "New term end", Kind::Date).hint("For example, 31 3 2029"),
                on_or_today("renewedOn", "Date renewed"),
            ],
            operation: operation!("renew_appointment"),
            confirm: "Renew the term",
            note: "Term renewed",
        },
    )
    .await
}

async fn end(state: &AppState, who: &SignedIn, params: &Params) -> Result<Flow, Failure> {
    about_appointment(
        state,
        who,
        params,
        About {
            tail: "end",
            title: "End the appointment",
            fields: vec![
                Field::new("reason", "Why it ends", Kind::One(choices(END_REASONS)))
                    .needs("Select why it ends"),
                on_or_today("endedOn", "The last day served"),
            ],
            operation: operation!("end_appointment"),
            confirm: "End the appointment",
            note: "Appointment ended",
        },
    )
    .await
}
