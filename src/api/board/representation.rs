//! Representation on boards: seats filled against targets, attendance, and decisions citing
//! patient input, for one board or across an organisation's boards.

use async_graphql::{ComplexObject, Context, SimpleObject, ID};
use chrono::{Days, NaiveDate};

use super::appointment::Appointment;
use super::enums::SeatRole;
use crate::api::audit::export::{Download, RecordsFormat};
use crate::api::common::context::{internal, Views};
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::domain::board as board_domain;
use crate::projections::board_read;
use crate::projections::boards::{AppointmentDoc, BoardDoc, MeetingDoc};
use crate::projections::representation as rep;
use crate::reports::lists::{self, Listed};

pub(super) async fn board_parts(
    ctx: &Context<'_>,
    views: &Views,
    board: &BoardDoc,
) -> ApiResult<(Vec<AppointmentDoc>, Vec<MeetingDoc>)> {
    let db = views.db(ctx);
    let appointments = board_read::appointments_to(db, board.id)
        .await
        .map_err(|e| internal(ctx, e))?;
    let meetings = board_read::meetings_of(db, board.id)
        .await
        .map_err(|e| internal(ctx, e))?;
    Ok((appointments, meetings))
}

/// One role's seats on a date.
#[derive(SimpleObject)]
pub struct RoleRepresentation {
    role: SeatRole,
    target: u32,
    voting: bool,
    filled: u32,
    filled_voting: u32,
    vacancies: u32,
    /// For each vacant seat, how many days it has stood vacant up to the date.
    days_vacant: Vec<u64>,
}

/// Attendance over a period.
#[derive(SimpleObject)]
pub struct AttendanceRate {
    /// The appointment, for an appointee's rate; absent for a role's.
    appointment_id: Option<ID>,
    role: SeatRole,
    /// Meetings held while the seat was held.
    meetings: u32,
    attended: u32,
    percent: Option<f64>,
}

/// Representation on a board as of a date, with attendance and decisions over a period.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Representation {
    as_of: Date,
    period_from: Date,
    period_to: Date,
    roles: Vec<RoleRepresentation>,
    /// Appointments whose term ends within the given number of days.
    terms_ending: Vec<Appointment>,
    attendance_by_appointee: Vec<AttendanceRate>,
    attendance_by_role: Vec<AttendanceRate>,
    decisions: u64,
    decisions_citing_patient_input: u64,
    percent_decisions_citing_patient_input: Option<f64>,
    median_days_papers_to_meeting: Option<f64>,
    #[graphql(skip)]
    listed: Listed,
}

#[ComplexObject]
impl Representation {
    /// The seats as a file to take away: each role's seats against its target on the date,
    /// how many are filled and vacant, and the longest vacancy.
    async fn file(&self, ctx: &Context<'_>, format: RecordsFormat) -> ApiResult<Download> {
        Download::listed(ctx, &self.listed, format)
    }
}

/// Representation on `board` as of `as_of`, over `[from, to]`.
pub fn representation(
    board: &BoardDoc,
    appointments: &[AppointmentDoc],
    meetings: &[MeetingDoc],
    as_of: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    terms_ending_within_days: u32,
) -> Representation {
    let held = rep::held_between(meetings, from, to);
    let by_appointee: Vec<(AppointmentDoc, rep::Attendance)> = appointments
        .iter()
        .map(|a| (a.clone(), rep::attendance_of(a, &held)))
        .filter(|(_, att)| att.expected > 0)
        .collect();
    let by_role = board_domain::SeatRole::ALL
        .iter()
        .filter_map(|role| {
            let (expected, attended) = by_appointee
                .iter()
                .filter(|(a, _)| a.role == *role)
                .fold((0, 0), |(e, t), (_, att)| {
                    (e + att.expected, t + att.attended)
                });
            (expected > 0).then(|| {
                let rate = rep::Attendance { expected, attended };
                AttendanceRate {
                    appointment_id: None,
                    role: (*role).into(),
                    meetings: expected,
                    attended,
                    percent: rate.rate(),
                }
            })
        })
        .collect();
    let (decisions, citing) = rep::decisions_citing_input(&held);
    let seats = rep::seats(board, appointments, as_of);
    Representation {
        listed: lists::representation(&board.name, &seats, as_of),
        as_of: Date(as_of),
        period_from: Date(from),
        period_to: Date(to),
        roles: seats
            .into_iter()
            .map(|s| RoleRepresentation {
                role: s.role.into(),
                target: s.target,
                voting: s.voting,
                filled: s.filled,
                filled_voting: s.filled_voting,
                vacancies: s.target.saturating_sub(s.filled),
                days_vacant: s.days_vacant,
            })
            .collect(),
        terms_ending: rep::terms_ending(appointments, as_of, terms_ending_within_days)
            .into_iter()
            .cloned()
            .map(Appointment)
            .collect(),
        attendance_by_appointee: by_appointee
            .iter()
            .map(|(a, att)| AttendanceRate {
                appointment_id: Some(a.id.into()),
                role: a.role.into(),
                meetings: att.expected,
                attended: att.attended,
                percent: att.rate(),
            })
            .collect(),
        attendance_by_role: by_role,
        decisions,
        decisions_citing_patient_input: citing,
        percent_decisions_citing_patient_input: crate::projections::rollup::percent(
            citing, decisions,
        ),
        median_days_papers_to_meeting: rep::median_days_papers_to_meeting(&held),
    }
}

/// Representation across all of an organisation's boards as of a date.
#[derive(SimpleObject)]
pub struct OrganisationRepresentation {
    as_of: Date,
    /// Boards in existence on the date.
    boards: u32,
    /// Seats per role summed over those boards.
    roles: Vec<RoleRepresentation>,
    decisions: u64,
    decisions_citing_patient_input: u64,
    percent_decisions_citing_patient_input: Option<f64>,
}

/// Rolls up representation over the organisation's boards.
pub async fn organisation_representation(
    ctx: &Context<'_>,
    views: &Views,
    organisation: &str,
    as_of: NaiveDate,
) -> ApiResult<OrganisationRepresentation> {
    let codes = [organisation.to_owned()];
    let boards = board_read::boards(views.db(ctx), Some(&codes))
        .await
        .map_err(|e| internal(ctx, e))?;
    let from = as_of.checked_sub_days(Days::new(364)).unwrap_or(as_of);
    let mut roles: Vec<RoleRepresentation> = Vec::new();
    let (mut decisions, mut citing, mut counted) = (0, 0, 0);
    for board in boards
        .iter()
        .filter(|b| b.established_on <= as_of && b.dissolved_on.is_none_or(|d| as_of < d))
    {
        counted += 1;
        let (appointments, meetings) = board_parts(ctx, views, board).await?;
        let one = representation(board, &appointments, &meetings, as_of, from, as_of, 90);
        decisions += one.decisions;
        citing += one.decisions_citing_patient_input;
        for r in one.roles {
            match roles.iter_mut().find(|x| x.role == r.role) {
                Some(sum) => {
                    sum.target += r.target;
                    sum.filled += r.filled;
                    sum.filled_voting += r.filled_voting;
                    sum.vacancies += r.vacancies;
                    sum.voting |= r.voting;
                    sum.days_vacant.extend(r.days_vacant);
                }
                None => roles.push(r),
            }
        }
    }
    Ok(OrganisationRepresentation {
        as_of: Date(as_of),
        boards: counted,
        roles,
        decisions,
        decisions_citing_patient_input: citing,
        percent_decisions_citing_patient_input: crate::projections::rollup::percent(
            citing, decisions,
        ),
    })
}
