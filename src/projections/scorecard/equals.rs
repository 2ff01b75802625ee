//! Principle 1, equals: patient, lay and carer seats on the organisations' boards.

use uuid::Uuid;

use super::{refs, share, Inputs, Measure, Period, RecordKind, Unit};
use crate::domain::common::Principle;
use crate::projections::boards::{AppointmentDoc, BoardDoc, MeetingDoc};
use crate::projections::representation::{attendance_of, held_between, seats, terms_ending};

const P: Principle = Principle::Equals;

/// How far ahead a term ending counts as expiring soon.
const EXPIRY_WINDOW_DAYS: u32 = 90;

/// Patient seats summed over the boards in existence on the period's last day.
#[derive(Default)]
struct SeatTotals {
    target: u64,
    filled: u64,
    filled_voting: u64,
    days_vacant: Vec<u64>,
    holders: Vec<Uuid>,
}

pub(super) fn measures(inputs: &Inputs, period: &Period) -> Vec<Measure> {
    let seats = seat_totals(inputs, period);
    let holders = refs(RecordKind::Seat, seats.holders.iter().copied());
    let vacant_days: u64 = seats.days_vacant.iter().sum();
    vec![
        share(
            P,
            "patient_seats_filled",
            "Patient, lay and carer seats filled against target",
            (seats.filled, seats.target),
            holders.clone(),
        ),
        share(
            P,
            "voting_share",
            "Filled patient seats that vote",
            (seats.filled_voting, seats.filled),
            holders,
        ),
        Measure {
            principle: P,
            key: "days_vacant",
            label: "Days the vacant patient seats have stood vacant",
            unit: Unit::Days,
            numerator: vacant_days as f64,
            denominator: seats.days_vacant.len() as f64,
            value: (seats.target > 0).then_some(vacant_days as f64),
            records: vec![],
            listed: None,
        },
        attendance(inputs, period),
        terms_expiring(inputs, period),
    ]
}

fn patient_appointments<'a>(inputs: &Inputs<'a>) -> Vec<&'a AppointmentDoc> {
    inputs
        .appointments
        .iter()
        .filter(|a| a.role.is_patient_seat() && inputs.in_scope(&a.organisation))
        .collect()
}

fn seat_totals(inputs: &Inputs, period: &Period) -> SeatTotals {
    let day = period.to;
    let boards = inputs.boards.iter().filter(|b| {
        inputs.in_scope(&b.organisation)
            && b.established_on <= day
            && b.dissolved_on.is_none_or(|d| d > day)
    });
    let mut totals = SeatTotals::default();
    for board in boards {
        let appointments = of_board(inputs, board);
        for role in seats(board, &appointments, day)
            .into_iter()
            .filter(|r| r.role.is_patient_seat())
        {
            totals.target += u64::from(role.target);
            totals.filled += u64::from(role.filled);
            totals.filled_voting += u64::from(role.filled_voting);
            totals.days_vacant.extend(role.days_vacant);
        }
        totals.holders.extend(
            appointments
                .iter()
                .filter(|a| a.role.is_patient_seat() && a.held_on(day))
                .map(|a| a.id),
        );
    }
    totals
}

fn of_board(inputs: &Inputs, board: &BoardDoc) -> Vec<AppointmentDoc> {
    inputs
        .appointments
        .iter()
        .filter(|a| a.board_id == board.id)
        .cloned()
        .collect()
}

/// Meetings attended out of meetings held in the period while the patient seat was held.
fn attendance(inputs: &Inputs, period: &Period) -> Measure {
    let meetings = held_between(inputs.meetings, period.from, period.to);
    let (mut expected, mut attended, mut counted) = (0, 0, Vec::new());
    for appointment in patient_appointments(inputs) {
        let theirs: Vec<&MeetingDoc> = meetings
            .iter()
            .copied()
            .filter(|m| m.board_id == appointment.board_id)
            .collect();
        let record = attendance_of(appointment, &theirs);
        if record.expected > 0 {
            expected += u64::from(record.expected);
            attended += u64::from(record.attended);
            counted.push(appointment.id);
        }
    }
    share(
        P,
        "patient_attendance",
        "Board meetings attended by patient-seat members",
        (attended, expected),
        refs(RecordKind::Appointment, counted),
    )
}

/// Patient-seat terms in force on the last day that end within 90 days of it.
fn terms_expiring(inputs: &Inputs, period: &Period) -> Measure {
    let in_force: Vec<AppointmentDoc> = patient_appointments(inputs)
        .into_iter()
        .filter(|a| a.held_on(period.to))
        .cloned()
        .collect();
    let expiring = terms_ending(&in_force, period.to, EXPIRY_WINDOW_DAYS).len();
    Measure {
        principle: P,
        key: "terms_expiring_90_days",
        label: "Patient-seat terms ending within 90 days",
        unit: Unit::Count,
        numerator: expiring as f64,
        denominator: in_force.len() as f64,
        value: (!in_force.is_empty()).then_some(expiring as f64),
        records: refs(RecordKind::Appointment, in_force.iter().map(|a| a.id)),
        listed: None,
    }
}
