//! The figures, as pages people would rather look at than read: the scorecard per
//! organisation or system and period, each measure with a small chart and the records it
//! counts. Charts are drawn by [`crate::web::chart`], each with its figures as a table.

mod period;
mod scorecard;

use axum::routing::get;
use axum::Router;

use crate::api::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/scorecard", get(scorecard::page))
        .route("/scorecard/records", get(scorecard::records))
}
