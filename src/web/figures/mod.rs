//! The figures, as pages people would rather look at than read: the scorecard per
//! organisation or system and period, each measure with a small chart and the records it
//! counts; reach, who took part against the population, with a new baseline uploaded. Charts are drawn by [`crate::web::chart`], each with its figures as a table.

mod period;
mod reach;
mod scorecard;

use axum::routing::get;
use axum::Router;

use crate::api::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/scorecard", get(scorecard::page))
        .route("/scorecard/records", get(scorecard::records))
        .route("/reach", get(reach::page))
        .route("/reach/baseline", axum::routing::post(reach::upload))
}
