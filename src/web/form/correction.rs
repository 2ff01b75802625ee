//! Putting a mistake right: the questions every correction asks (why, in a category and in
//! words, shown in the record's history), after the fields to change, each left blank to keep
//! what the record says.

use super::{Field, Kind};
use crate::web::words::{choices, CORRECTION_CATEGORIES};

/// The hint every field of a correction carries.
const KEEP: &str = "Leave it blank to keep what the record says";

/// `fields` (each made optional, with the hint to leave it blank), then the reason.
pub fn correcting(fields: Vec<Field>) -> Vec<Field> {
    let mut all: Vec<Field> = fields
        .into_iter()
        .map(|f| {
            let hint = if f.hint.is_empty() {
                KEEP.to_owned()
            } else {
                format!("{}. {KEEP}.", f.hint.trim_end_matches('.'))
            };
            let mut field = f.hint(hint).optional();
            field.keeps_when_blank = true;
            field
        })
        .collect();
    all.extend(reason());
    all
}

/// Why a record is corrected (or withdrawn, or reinstated).
pub fn reason() -> Vec<Field> {
    vec![
        Field::new(
            "reason.category",
            "What kind of mistake",
            Kind::One(choices(CORRECTION_CATEGORIES)),
        )
        .needs("Select what kind of mistake it was"),
        Field::new(
            "reason.detail",
            "What was wrong, and how it came to light",
            Kind::Long,
        )
        .hint("Everyone who can read the record will see this: no personal details")
        .needs("Enter what was wrong"),
    ]
}
