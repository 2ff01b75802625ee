//! A board's representation as a file: its seats by role against their targets, as of the day
//! the page shows, with how long each stood vacant in the period.

use axum::response::Response;

use super::Representation;
use crate::reports::records::RecordsFormat;
use crate::web::failure::Failure;
use crate::web::import::download;
use crate::web::words::{say, SEAT_ROLES};

pub(super) fn file(
    board: &str,
    r: &Representation,
    format: RecordsFormat,
) -> Result<Response, Failure> {
    let rows = r
        .roles
        .iter()
        .map(|s| {
            vec![
                say(SEAT_ROLES, &s.role),
                s.target.to_string(),
                if s.voting { "Yes" } else { "No" }.to_owned(),
                s.filled.to_string(),
                s.filled_voting.to_string(),
                s.days_vacant.iter().sum::<i64>().to_string(),
                r.as_of.clone(),
                r.period_from.clone(),
                r.period_to.clone(),
            ]
        })
        .collect();
    let slug: String = board
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    download::list_file(
        format,
        "Representation",
        &format!("representation-{slug}-{}", r.as_of),
        &[
            "Role",
            "Target",
            "Voting",
            "Filled",
            "Filled by voting members",
            "Days vacant in the period",
            "As of",
            "Period from",
            "Period to",
        ],
        rows,
    )
}
