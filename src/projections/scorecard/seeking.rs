//! Principle 5, seeking input: the verdict roll-up of the input items raised in the period.

use super::{refs, share, Inputs, Measure, Period, RecordKind};
use crate::domain::common::Principle;
use crate::projections::rollup::Rollup;

const P: Principle = Principle::SeekingInput;

pub(super) fn measures(inputs: &Inputs, period: &Period) -> Vec<Measure> {
    let items = inputs.raised_items(period);
    let rollup = Rollup::of(items.iter().map(|(i, a)| (i.doc.raised_on, a)));
    let records = refs(RecordKind::InputItem, items.iter().map(|(i, _)| i.doc.id));
    let total = rollup.total;
    [
        (
            "answered_within_window",
            "Input items answered within the response window",
            rollup.answered_within_window,
        ),
        ("acted_on", "Input items acted on", rollup.acted_on),
        (
            "loop_closed",
            "Input items whose loop was closed",
            rollup.loop_closed,
        ),
        (
            "genuinely_acted_on",
            "Input items genuinely acted on",
            rollup.genuinely_acted_on,
        ),
    ]
    .into_iter()
    .map(|(key, label, count)| share(P, key, label, (count, total), records.clone()))
    .collect()
}
