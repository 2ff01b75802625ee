//! Patient representation on a board as of a date: seats against target, vacancies and how long
//! they have stood, terms ending soon, attendance, and decisions citing patient input.

use chrono::{Days, NaiveDate};

use super::boards::{AppointmentDoc, BoardDoc, MeetingDoc};
use super::rollup::median;
use crate::domain::board::SeatRole;

/// How far back a vacancy is traced, in days.
const VACANCY_HORIZON_DAYS: u64 = 3_650;

/// One role's seats on one date.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleSeats {
    pub role: SeatRole,
    pub target: u32,
    pub voting: bool,
    pub filled: u32,
    pub filled_voting: u32,
    /// For each vacant seat, the days it has stood vacant up to and including the date.
    pub days_vacant: Vec<u64>,
}

/// Attendance of one appointee (or one role) over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    /// Meetings held while the seat was held.
    pub expected: u32,
    pub attended: u32,
}

impl Attendance {
    /// The share attended, in percent to one place; `None` with no meetings.
    pub fn rate(&self) -> Option<f64> {
        super::rollup::percent(u64::from(self.attended), u64::from(self.expected))
    }
}

fn filled_on(appointments: &[AppointmentDoc], role: SeatRole, day: NaiveDate) -> u32 {
    appointments
        .iter()
        .filter(|a| a.role == role && a.held_on(day))
        .count() as u32
}

/// Seats per role on `day`.
pub fn seats(board: &BoardDoc, appointments: &[AppointmentDoc], day: NaiveDate) -> Vec<RoleSeats> {
    SeatRole::ALL
        .iter()
        .filter_map(|&role| {
            let (target, voting) = board.seats_on(role, day);
            let holders: Vec<_> = appointments
                .iter()
                .filter(|a| a.role == role && a.held_on(day))
                .collect();
            if target == 0 && holders.is_empty() {
                return None;
            }
            let filled = holders.len() as u32;
            let days_vacant = (filled + 1..=target)
                .map(|seat| {
                    let mut days = 0;
                    let mut d = day;
                    while days < VACANCY_HORIZON_DAYS
                        && d >= board.established_on
                        && board.seats_on(role, d).0 >= seat
                        && filled_on(appointments, role, d) < seat
                    {
                        days += 1;
                        match d.checked_sub_days(Days::new(1)) {
                            Some(prev) => d = prev,
                            None => break,
                        }
                    }
                    days
                })
                .collect();
            Some(RoleSeats {
                role,
                target,
                voting,
                filled,
                filled_voting: holders.iter().filter(|a| a.voting).count() as u32,
                days_vacant,
            })
        })
        .collect()
}

/// Who held a seat on `day`.
pub fn members_on(appointments: &[AppointmentDoc], day: NaiveDate) -> Vec<&AppointmentDoc> {
    appointments.iter().filter(|a| a.held_on(day)).collect()
}

/// Terms in force on `day` that end within `within_days` after it.
pub fn terms_ending(
    appointments: &[AppointmentDoc],
    day: NaiveDate,
    within_days: u32,
) -> Vec<&AppointmentDoc> {
    let horizon = day
        .checked_add_days(Days::new(u64::from(within_days)))
        .unwrap_or(NaiveDate::MAX);
    appointments
        .iter()
        .filter(|a| a.held_on(day) && a.term_end_as_of(day) <= horizon)
        .collect()
}

/// Meetings held within `[from, to]`.
pub fn held_between(meetings: &[MeetingDoc], from: NaiveDate, to: NaiveDate) -> Vec<&MeetingDoc> {
    meetings
        .iter()
        .filter(|m| {
            m.held
                .as_ref()
                .is_some_and(|(on, _, _)| from <= *on && *on <= to)
        })
        .collect()
}

/// An appointee's attendance at the meetings held in the period while they held the seat.
pub fn attendance_of(appointment: &AppointmentDoc, meetings: &[&MeetingDoc]) -> Attendance {
    let mut result = Attendance {
        expected: 0,
        attended: 0,
    };
    for (held_on, attended, _) in meetings.iter().filter_map(|m| m.held.as_ref()) {
        if appointment.held_on(*held_on) {
            result.expected += 1;
            if attended.contains(&appointment.id) {
                result.attended += 1;
            }
        }
    }
    result
}

/// Decisions taken at `meetings` and how many cited patient input.
pub fn decisions_citing_input(meetings: &[&MeetingDoc]) -> (u64, u64) {
    let decisions = meetings.iter().flat_map(|m| &m.decisions);
    decisions.fold((0, 0), |(all, citing), d| {
        (all + 1, citing + u64::from(!d.cited_input_items.is_empty()))
    })
}

/// The median days from papers issued to the meeting.
pub fn median_days_papers_to_meeting(meetings: &[&MeetingDoc]) -> Option<f64> {
    median(
        meetings
            .iter()
            .filter_map(|m| Some((m.held.as_ref()?.0 - m.papers_issued_on?).num_days()))
            .collect(),
    )
}
