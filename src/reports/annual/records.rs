//! The records the annual report names: the actions it tells as examples of change (and those
//! it could), and what each record its figures count is called, for its sources.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use uuid::Uuid;

use super::{
    capitalise, completed_with_outcome, words, Example, ReportError, Request, DEFAULT_EXAMPLES,
};
use crate::domain::common::limits;
use crate::projections::docs::ActionDoc;
use crate::projections::scorecard::{Inputs, Period};

/// What each record a report may count is called: an activity's or action's title, an input
/// item's summary, a board decision's title, and a seat as its role on its board (never the
/// person holding it).
pub(super) fn titles(inputs: &Inputs) -> BTreeMap<Uuid, String> {
    let mut titles = BTreeMap::new();
    titles.extend(inputs.activities.iter().map(|a| (a.id, a.title.clone())));
    titles.extend(
        inputs
            .items
            .iter()
            .map(|i| (i.doc.id, i.doc.summary.clone())),
    );
    titles.extend(inputs.actions.iter().map(|a| (a.id, a.title.clone())));
    titles.extend(
        inputs
            .meetings
            .iter()
            .flat_map(|m| &m.decisions)
            .map(|d| (d.decision_id, d.title.clone())),
    );
    let boards: HashMap<Uuid, &str> = inputs
        .boards
        .iter()
        .map(|b| (b.id, b.name.as_str()))
        .collect();
    titles.extend(inputs.appointments.iter().map(|a| {
        let board = boards.get(&a.board_id).copied().unwrap_or("a board");
        (
            a.id,
            format!("{} seat on {board}", capitalise(&words(&a.role))),
        )
    }));
    titles
}

/// The examples of change the report shows, and every action that could be one.
pub(super) fn examples(
    inputs: &Inputs,
    request: &Request,
    covered: &Period,
) -> Result<(Vec<Example>, Vec<Example>), ReportError> {
    let code = request.organisation.ods_code.as_str();
    let ours = |a: &&ActionDoc| a.owner_organisation.as_str() == code;
    let mut done: Vec<(&ActionDoc, NaiveDate)> = inputs
        .actions
        .iter()
        .filter(ours)
        .filter_map(|a| completed_with_outcome(a, covered).map(|on| (a, on)))
        .collect();
    done.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.title.cmp(&b.0.title)));
    let chosen: Vec<(&ActionDoc, NaiveDate)> = if request.examples.is_empty() {
        done.iter().take(DEFAULT_EXAMPLES).copied().collect()
    } else {
        if request.examples.len() > limits::LIST {
            return Err(ReportError::TooManyExamples(request.examples.len()));
        }
        let by_id: HashMap<Uuid, &ActionDoc> = inputs
            .actions
            .iter()
            .filter(ours)
            .map(|a| (a.id, a))
            .collect();
        request
            .examples
            .iter()
            .map(|id| {
                let action = *by_id.get(id).ok_or(ReportError::NotAnAction(*id))?;
                let on = completed_with_outcome(action, covered)
                    .ok_or(ReportError::NotCompleted(*id))?;
                Ok((action, on))
            })
            .collect::<Result<_, _>>()?
    };
    let example = |(action, completed_on): (&ActionDoc, NaiveDate)| Example {
        action: action.id,
        title: action.title.clone(),
        completed_on,
        outcome: action
            .completed
            .as_ref()
            .map(|c| c.outcome.clone())
            .unwrap_or_default(),
        you_said: action
            .input_items
            .iter()
            .filter_map(|id| inputs.items.iter().find(|i| i.doc.id == *id))
            .map(|i| (i.doc.id, i.doc.summary.clone()))
            .collect(),
    };
    Ok((
        chosen.into_iter().map(example).collect(),
        done.into_iter().map(example).collect(),
    ))
}
