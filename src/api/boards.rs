//! Boards, appointments and meetings over GraphQL, with representation as of any date.

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, Days, NaiveDate, Utc};

use super::context::{internal, ledger, or_today, principal, Views};
use super::enums::Date;
use super::error::{ApiError, ApiResult};
use super::heavy::replay_cost;
use super::pages::{page_cost, Page, Window};
use super::participants::Participant;
use super::query::parse_id;
use super::scorecard::MAX_PERIOD_DAYS;
use crate::domain::access::AccessPurpose;
use crate::domain::appointment as appointment_domain;
use crate::domain::board as board_domain;
use crate::projections::board_read;
use crate::projections::boards::{AppointmentDoc, BoardDoc, MeetingDoc};
use crate::projections::read;
use crate::projections::representation as rep;

/// The most days ahead `termsEndingWithinDays` may look: ten years.
const MAX_WITHIN_DAYS: u32 = 3_653;

/// What kind of body a board is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "board_domain::BoardKind")]
pub enum BoardKind {
    IcbBoard,
    TrustBoard,
    Committee,
    Ppg,
    PatientPanel,
    Other,
}

/// The role a person holds on a board.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "board_domain::SeatRole")]
pub enum SeatRole {
    PatientMember,
    LayMember,
    CarerRepresentative,
    HealthwatchRepresentative,
    VcseRepresentative,
}

/// Why an appointment ended.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "appointment_domain::EndReason")]
pub enum EndReason {
    Resigned,
    TermExpired,
    Removed,
}

/// A board or committee.
pub struct Board(pub BoardDoc, pub Views);

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
}

async fn board_parts(
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
    Representation {
        as_of: Date(as_of),
        period_from: Date(from),
        period_to: Date(to),
        roles: rep::seats(board, appointments, as_of)
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

#[Object]
impl Board {
    pub(super) async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn organisation(&self) -> &str {
        self.0.organisation.as_str()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> BoardKind {
        self.0.kind.into()
    }
    async fn established_on(&self) -> Date {
        Date(self.0.established_on)
    }
    async fn dissolved_on(&self) -> Option<Date> {
        self.0.dissolved_on.map(Date)
    }
    /// Every appointment, past and present, by term start.
    async fn appointments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Appointment>> {
        Ok(board_parts(ctx, &self.1, &self.0)
            .await?
            .0
            .into_iter()
            .map(Appointment)
            .collect())
    }
    /// Who sat on the board on a date (default today).
    async fn members(&self, ctx: &Context<'_>, on: Option<Date>) -> ApiResult<Vec<Appointment>> {
        let day = or_today(on);
        let (appointments, _) = board_parts(ctx, &self.1, &self.0).await?;
        Ok(rep::members_on(&appointments, day)
            .into_iter()
            .cloned()
            .map(Appointment)
            .collect())
    }
    /// The board's meetings by date (the day held, or else the day scheduled).
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<BoardMeeting>> {
        let window = Window::new(first, after, last, before)?;
        let (_, meetings) = board_parts(ctx, &self.1, &self.0).await?;
        let items = meetings
            .into_iter()
            .map(|m| (board_read::meeting_order(&m), BoardMeeting(m)))
            .collect();
        Ok(window.page(items)?)
    }
    /// Representation as of a date (default today); attendance and decisions over a period
    /// (default the year up to that date); terms ending within a number of days (default 90).
    async fn representation(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        from: Option<Date>,
        to: Option<Date>,
        #[graphql(default = 90)] terms_ending_within_days: u32,
    ) -> ApiResult<Representation> {
        let as_of = or_today(as_of);
        let to = to.map_or(as_of, |d| d.0);
        let from = from.map_or_else(
            || to.checked_sub_days(Days::new(364)).unwrap_or(to),
            |d| d.0,
        );
        if from > to {
            return Err(ApiError::Validation("from: must not be after to".into()).into());
        }
        if (to - from).num_days() >= MAX_PERIOD_DAYS {
            return Err(ApiError::Validation(format!(
                "from: the period must not be longer than {MAX_PERIOD_DAYS} days (ten years)"
            ))
            .into());
        }
        if terms_ending_within_days > MAX_WITHIN_DAYS {
            return Err(ApiError::Validation(format!(
                "termsEndingWithinDays: must be between 0 and {MAX_WITHIN_DAYS}"
            ))
            .into());
        }
        let (appointments, meetings) = board_parts(ctx, &self.1, &self.0).await?;
        Ok(representation(
            &self.0,
            &appointments,
            &meetings,
            as_of,
            from,
            to,
            terms_ending_within_days,
        ))
    }
}

/// One person's seat on one board, for a term.
pub struct Appointment(pub AppointmentDoc);

/// The end of an appointment.
#[derive(SimpleObject)]
pub struct AppointmentEnd {
    reason: EndReason,
    ended_on: Date,
}

#[Object]
impl Appointment {
    pub(super) async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn board_id(&self) -> ID {
        self.0.board_id.into()
    }
    async fn role(&self) -> SeatRole {
        self.0.role.into()
    }
    async fn voting(&self) -> bool {
        self.0.voting
    }
    async fn term_start(&self) -> Date {
        Date(self.0.term_start)
    }
    /// The term end now in force (after any renewals).
    async fn term_end(&self) -> Date {
        Date(self.0.term_end())
    }
    /// Each renewal's new term end, in order.
    async fn renewed_to(&self) -> Vec<Date> {
        self.0.renewals.iter().map(|(_, end)| Date(*end)).collect()
    }
    async fn ended(&self) -> Option<AppointmentEnd> {
        self.0.ended.map(|(reason, on)| AppointmentEnd {
            reason: reason.into(),
            ended_on: Date(on),
        })
    }
    /// The person holding the seat; a tombstone once erased.
    async fn participant(&self, ctx: &Context<'_>) -> ApiResult<Option<Participant>> {
        let found = read::participant(ledger(ctx).db(), self.0.participant_id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let who = principal(ctx)?;
        Ok(found
            .filter(|(doc, _)| super::participants::may_see(who, doc.organisation.as_str()))
            .map(|(doc, _)| Participant::new(doc, AccessPurpose::ViewRecord)))
    }
}

/// A decision taken at a board meeting.
#[derive(SimpleObject)]
pub struct BoardDecision {
    #[graphql(owned)]
    pub(super) id: ID,
    meeting_id: ID,
    board_id: ID,
    held_on: Option<Date>,
    title: String,
    summary: String,
    cited_input_item_ids: Vec<ID>,
    cited_action_ids: Vec<ID>,
    cites_patient_input: bool,
    patient_members_present: bool,
    patient_members_voted: bool,
}

/// The decision `d` of meeting `m`.
pub fn decision(m: &MeetingDoc, d: &crate::domain::board_meeting::BoardDecision) -> BoardDecision {
    BoardDecision {
        id: d.decision_id.into(),
        meeting_id: m.id.into(),
        board_id: m.board_id.into(),
        held_on: m.held.as_ref().map(|h| Date(h.0)),
        title: d.title.clone(),
        summary: d.summary.clone(),
        cited_input_item_ids: d.cited_input_items.iter().map(|i| (*i).into()).collect(),
        cited_action_ids: d.cited_actions.iter().map(|i| (*i).into()).collect(),
        cites_patient_input: !d.cited_input_items.is_empty(),
        patient_members_present: d.patient_members_present,
        patient_members_voted: d.patient_members_voted,
    }
}

/// A board meeting.
pub struct BoardMeeting(pub MeetingDoc);

#[Object]
impl BoardMeeting {
    pub(super) async fn id(&self) -> ID {
        self.0.id.into()
    }
    async fn board_id(&self) -> ID {
        self.0.board_id.into()
    }
    async fn scheduled_for(&self) -> Date {
        Date(self.0.scheduled_for)
    }
    async fn papers_issued_on(&self) -> Option<Date> {
        self.0.papers_issued_on.map(Date)
    }
    async fn held_on(&self) -> Option<Date> {
        self.0.held.as_ref().map(|h| Date(h.0))
    }
    async fn quorate(&self) -> Option<bool> {
        self.0.held.as_ref().map(|h| h.2)
    }
    /// The appointments whose holders attended.
    async fn attended_appointment_ids(&self) -> Vec<ID> {
        self.0
            .held
            .as_ref()
            .map(|h| h.1.iter().map(|a| (*a).into()).collect())
            .unwrap_or_default()
    }
    async fn decisions(&self) -> Vec<BoardDecision> {
        self.0
            .decisions
            .iter()
            .map(|d| decision(&self.0, d))
            .collect()
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

/// Queries about boards.
#[derive(Default)]
pub struct BoardQueries;

#[Object]
impl BoardQueries {
    /// One board by id; with `recordedAsOf`, as the record stood at that moment.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(super) async fn board(
        &self,
        ctx: &Context<'_>,
        id: ID,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> ApiResult<Board> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = ledger(ctx).db();
        let visible_now = async {
            let found = board_read::board(live, id).await?;
            Ok(found
                .as_ref()
                .is_some_and(|doc| who.can_read(doc.organisation.as_str())))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "board").await?;
        let found = board_read::board(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some(doc) = found.filter(|doc| who.can_read(doc.organisation.as_str())) else {
            return Err(ApiError::NotFound("board not found".into()).into());
        };
        Ok(Board(doc, views))
    }

    /// Boards of the caller's organisations, by the day established; with `recordedAsOf`, as
    /// recorded at that moment.
    #[graphql(
        complexity = "replay_cost(&recorded_as_of) + page_cost(first, last, child_complexity)"
    )]
    async fn boards(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Board>> {
        let window = Window::new(first, after, last, before)?;
        let scope = principal(ctx)?.read_scope();
        let views = Views::at(ctx, recorded_as_of).await?;
        let docs = board_read::boards(views.db(ctx), scope)
            .await
            .map_err(|e| internal(ctx, e))?;
        let items = docs
            .into_iter()
            .map(|d| ((d.established_on, d.id), Board(d, views.clone())))
            .collect();
        Ok(window.page(items)?)
    }

    /// One board meeting by id; with `recordedAsOf`, as recorded at that moment.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(super) async fn board_meeting(
        &self,
        ctx: &Context<'_>,
        id: ID,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> ApiResult<BoardMeeting> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = ledger(ctx).db();
        let visible_now = async {
            let found = board_read::meeting(live, id).await?;
            Ok(found
                .as_ref()
                .is_some_and(|doc| who.can_read(doc.organisation.as_str())))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "board meeting").await?;
        let found = board_read::meeting(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some(doc) = found.filter(|doc| who.can_read(doc.organisation.as_str())) else {
            return Err(ApiError::NotFound("board meeting not found".into()).into());
        };
        Ok(BoardMeeting(doc))
    }
}
