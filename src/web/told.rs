//! What participants were told ("you said, we did"), of an activity or of one input item:
//! the questions that record it, and the correction of one time it was recorded, which opens
//! on what the record says.

use serde::Deserialize;
use serde_json::json;

use crate::web::failure::Failure;
use crate::web::form::correction::reason;
use crate::web::form::flow::Flow;
use crate::web::form::routes::Params;
use crate::web::form::{date_answers, Field, Kind, Sent};
use crate::web::words::{choices, FEEDBACK_CHANNELS};

/// One time participants were told, as a record holds it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Told {
    pub given_on: String,
    pub channel: String,
    pub summary: String,
}

/// The questions of feedback to participants, the answers named `names` (channel, summary,
/// date).
fn questions(names: [&'static str; 3]) -> Vec<Field> {
    let [channel, summary, given_on] = names;
    vec![
        Field::new(
            channel,
            "How they were told",
            Kind::One(choices(FEEDBACK_CHANNELS)),
        )
        .needs("Select how they were told"),
        Field::new(summary, "What they were told", Kind::Long)
            .hint("You said, we did: what happened as a result of what they said"),
        Field::new(given_on, "Date told", Kind::Date)
            .hint("For example, 27 3 2026. Leave it blank for today.")
            .optional(),
    ]
}

/// The questions that record feedback to participants.
pub fn feedback_fields() -> Vec<Field> {
    questions(["channel", "summary", "givenOn"])
}

/// Which of a record's `told` the address's `index` names, or not found.
pub fn entry<'a, T>(list: &'a [T], params: &Params) -> Result<(usize, &'a T), Failure> {
    let index: usize = params.get("index").parse().map_err(|_| Failure::NotFound)?;
    list.get(index)
        .map(|entry| (index, entry))
        .ok_or(Failure::NotFound)
}

/// Makes `flow` (a form about the record, saved back to its page) correct the time
/// participants were told that the address's `index` names, of `told`: the questions open on
/// what it says.
pub fn correcting(mut flow: Flow, told: &[Told], params: &Params) -> Result<Flow, Failure> {
    let (index, entry) = entry(told, params)?;
    let mut fields = questions(["feedback.channel", "feedback.summary", "feedback.givenOn"]);
    if let Some(date) = fields.last_mut() {
        date.hint = "For example, 27 3 2026".into();
        date.optional = false;
    }
    fields.extend(reason());
    let mut initial = vec![
        ("feedback.channel".to_owned(), entry.channel.clone()),
        ("feedback.summary".to_owned(), entry.summary.clone()),
    ];
    initial.extend(date_answers("feedback.givenOn", &entry.given_on));
    flow.fields = fields;
    flow.fixed
        .insert("feedback".into(), json!({ "index": index }));
    flow.initial = Sent(initial);
    flow.action = format!("{}/feedback/{index}/correct", flow.back);
    Ok(flow)
}
