//! Principle 3, shared decisions: board decisions citing input, actions tracing to input, and
//! how long input took to reach a board decision.

use super::{
    cohort_share, dedup, median_days, refs, share, Cohort, Inputs, Listed, Measure, Period,
    RecordKind, RecordRef,
};
use crate::domain::common::Principle;
use crate::projections::boards::MeetingDoc;
use crate::projections::representation::{decisions_citing_input, held_between};

const P: Principle = Principle::SharedDecisions;

pub(super) fn measures(inputs: &Inputs, period: &Period, cohort: &Cohort) -> Vec<Measure> {
    let meetings: Vec<&MeetingDoc> = held_between(inputs.meetings, period.from, period.to)
        .into_iter()
        .filter(|m| inputs.in_scope(&m.organisation))
        .collect();
    let (all, citing) = decisions_citing_input(&meetings);
    let decisions = refs(
        RecordKind::BoardDecision,
        meetings
            .iter()
            .flat_map(|m| &m.decisions)
            .map(|d| d.decision_id),
    );
    vec![
        share(
            P,
            "decisions_citing_input",
            "Board decisions citing patient input",
            (citing, all),
            decisions,
        ),
        cohort_share(
            inputs,
            period,
            (
                P,
                "actions_tracing_to_input",
                "Actions proposed that trace to input",
            ),
            (cohort.traced, cohort.proposed),
            Listed::ActionsProposed,
        ),
        input_to_decision(inputs, &meetings),
    ]
}

/// Median days from a cited item being raised to the meeting whose decision cited it, over every
/// citation at the meetings (citations of items not among the inputs cannot be timed and are left
/// out).
fn input_to_decision(inputs: &Inputs, meetings: &[&MeetingDoc]) -> Measure {
    let items = inputs.items_by_id();
    let mut days = Vec::new();
    let mut records = Vec::new();
    for meeting in meetings {
        let Some((held_on, _, _)) = &meeting.held else {
            continue;
        };
        for decision in &meeting.decisions {
            for item in decision
                .cited_input_items
                .iter()
                .filter_map(|id| items.get(id))
            {
                days.push((*held_on - item.raised_on).num_days());
                records.push(RecordRef {
                    kind: RecordKind::BoardDecision,
                    id: decision.decision_id,
                });
                records.push(RecordRef {
                    kind: RecordKind::InputItem,
                    id: item.id,
                });
            }
        }
    }
    median_days(
        P,
        "days_input_to_board_decision",
        "Median days from input being raised to a board decision citing it",
        days,
        dedup(records),
    )
}
