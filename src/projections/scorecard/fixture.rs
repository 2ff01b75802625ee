//! Builders of documents for the scorecard tests, and the check every measure goes through.

use chrono::{DateTime, NaiveDate};
use uuid::Uuid;

use super::{Measure, Period, RecordKind, RecordRef};
use crate::domain::board::{BoardKind, SeatRole};
use crate::domain::board_meeting::BoardDecision;
use crate::domain::common::{
    AccessibleFormat, ActivityKind, DecisionOutcome, InputKind, OdsCode, RaisedBy,
};
use crate::projections::boards::{AppointmentDoc, BoardDoc, MeetingDoc, SeatsDoc};
use crate::projections::docs::{
    ActionDoc, ActivityDoc, CompletedDoc, DecisionDoc, FeedbackDoc, HeldDoc, InformationDoc,
    InputItemDoc,
};
use crate::projections::read::ItemView;

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The period from `from` to `to`.
pub(super) fn span(from: NaiveDate, to: NaiveDate) -> Period {
    Period { from, to }
}

/// The second quarter of 2025, the period every measure is worked out for.
pub(super) fn q2() -> Period {
    Period::quarter(2025, 2).unwrap()
}

pub(super) fn ods(code: &str) -> OdsCode {
    OdsCode::parse("organisation", code).unwrap()
}

pub(super) fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub(super) fn activity(
    n: u128,
    lead: &str,
    partners: &[&str],
    held: Option<NaiveDate>,
    publications: Vec<(NaiveDate, Vec<AccessibleFormat>)>,
) -> ActivityDoc {
    ActivityDoc {
        title: "Activity".into(),
        topic: "Topic".into(),
        partner_organisations: partners.iter().map(|p| ods(p)).collect(),
        information_published: publications
            .into_iter()
            .map(|(published_on, accessible_formats)| InformationDoc {
                published_on,
                accessible_formats,
            })
            .collect(),
        held: held.map(|held_on| HeldDoc {
            held_on,
            attendance: Default::default(),
            demographics: Default::default(),
        }),
        ..ActivityDoc::new(
            id(n),
            ActivityKind::FocusGroup,
            ods(lead),
            day(2025, 1, 1),
            DateTime::UNIX_EPOCH,
        )
    }
}

pub(super) fn decision(
    outcome: DecisionOutcome,
    on: NaiveDate,
    by: &str,
    to: Option<&str>,
) -> DecisionDoc {
    DecisionDoc {
        outcome,
        reason: "Reason".into(),
        referred_to: to.map(ods),
        decided_on: on,
        decided_by: ods(by),
        revision_reason: None,
        recorded_at: DateTime::UNIX_EPOCH,
    }
}

pub(super) fn item(
    n: u128,
    org: &str,
    raised_on: NaiveDate,
    decisions: Vec<DecisionDoc>,
    feedback: &[NaiveDate],
    actions: Vec<ActionDoc>,
) -> ItemView {
    ItemView {
        doc: InputItemDoc {
            id: id(n),
            activity_id: Uuid::nil(),
            organisation: ods(org),
            kind: InputKind::Idea,
            summary: "Summary".into(),
            themes: vec![],
            raised_by: RaisedBy::Patient,
            raised_on,
            recorded_at: DateTime::UNIX_EPOCH,
            decisions,
            feedback: feedback
                .iter()
                .map(|&given_on| FeedbackDoc {
                    given_on,
                    channel: crate::domain::common::FeedbackChannel::Email,
                    summary: "Told".into(),
                    recorded_at: DateTime::UNIX_EPOCH,
                })
                .collect(),
            corrections: vec![],
            withdrawn: None,
        },
        log_position: 0,
        actions,
        activity_feedback: vec![],
        response_window_days: 60,
        referee_windows: Default::default(),
    }
}

pub(super) fn action(
    n: u128,
    owner: &str,
    items: &[u128],
    proposed_on: NaiveDate,
    completed: Option<NaiveDate>,
) -> ActionDoc {
    ActionDoc {
        id: id(n),
        title: "Action".into(),
        owner_organisation: ods(owner),
        owner_role: "Lead".into(),
        decision_forum: "Board".into(),
        input_items: items.iter().map(|&i| id(i)).collect(),
        proposed_on,
        first_due_on: day(2025, 12, 31),
        due_changes: vec![],
        agreed_on: None,
        progress_notes: 0,
        unwritten_progress: vec![],
        completed: completed.map(|completed_on| CompletedDoc {
            completed_on,
            outcome: "Done".into(),
            evidence: "Minutes".into(),
        }),
        abandoned: None,
        recorded_at: DateTime::UNIX_EPOCH,
        links: vec![],
        corrections: vec![],
    }
}

pub(super) fn board(
    n: u128,
    org: &str,
    established_on: NaiveDate,
    seats: &[(SeatRole, u32, bool)],
    dissolved_on: Option<NaiveDate>,
) -> BoardDoc {
    BoardDoc {
        id: id(n),
        organisation: ods(org),
        name: "Board".into(),
        kind: BoardKind::Committee,
        established_on,
        seats: seats
            .iter()
            .map(|&(role, target, voting)| SeatsDoc {
                role,
                target,
                voting,
                from: established_on,
            })
            .collect(),
        dissolved_on,
        recorded_at: DateTime::UNIX_EPOCH,
        corrections: vec![],
    }
}

pub(super) fn appointment(
    n: u128,
    (board, org): (u128, &str),
    role: SeatRole,
    voting: bool,
    (term_start, first_term_end): (NaiveDate, NaiveDate),
) -> AppointmentDoc {
    AppointmentDoc {
        id: id(n),
        board_id: id(board),
        participant_id: id(n + 0x100),
        organisation: ods(org),
        role,
        voting,
        term_start,
        first_term_end,
        renewals: vec![],
        ended: None,
        corrections: vec![],
    }
}

pub(super) fn meeting(
    (board, org): (u128, &str),
    held: Option<(NaiveDate, &[u128])>,
    decisions: &[(u128, &[u128])],
) -> MeetingDoc {
    MeetingDoc {
        id: Uuid::new_v4(),
        board_id: id(board),
        organisation: ods(org),
        scheduled_for: held.map_or(day(2025, 6, 20), |(on, _)| on),
        papers_issued_on: None,
        held: held.map(|(on, attended)| (on, attended.iter().map(|&a| id(a)).collect(), true)),
        decisions: decisions
            .iter()
            .map(|&(n, cited)| BoardDecision {
                decision_id: id(n),
                title: "Decision".into(),
                summary: "Summary".into(),
                cited_input_items: cited.iter().map(|&i| id(i)).collect(),
                cited_actions: vec![],
                patient_members_present: true,
                patient_members_voted: true,
            })
            .collect(),
        postponements: vec![],
        cancelled: None,
        corrections: vec![],
    }
}

/// The measure called `key`.
pub(super) fn measure<'a>(measures: &'a [Measure], key: &str) -> &'a Measure {
    measures
        .iter()
        .find(|m| m.key == key)
        .unwrap_or_else(|| panic!("no measure {key}"))
}

/// Asserts numerator, denominator, value and records (in order) of one measure.
pub(super) fn check(
    measures: &[Measure],
    key: &str,
    (numerator, denominator): (f64, f64),
    value: Option<f64>,
    records: &[(RecordKind, u128)],
) {
    let m = measure(measures, key);
    assert_eq!(
        (m.numerator, m.denominator, m.value),
        (numerator, denominator, value),
        "{key}"
    );
    let expected: Vec<RecordRef> = records
        .iter()
        .map(|&(kind, n)| RecordRef { kind, id: id(n) })
        .collect();
    assert_eq!(m.records, expected, "{key} records");
}
