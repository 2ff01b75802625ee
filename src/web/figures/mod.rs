//! The figures, as pages people would rather look at than read: the scorecard per
//! organisation or system and period, each measure with a small chart and the records it
//! counts; reach, who took part against the population, with a new baseline uploaded;
//! verdicts month by month for an organisation or an activity; the annual report's
//! involvement section, previewed with its examples chosen, and downloaded. Charts are drawn by
//! [`crate::web::chart`] and [`crate::web::stacked`], each with its figures as a table.

mod annual;
mod period;
mod reach;
mod scorecard;
mod verdicts;

use axum::routing::get;
use axum::Router;

use crate::api::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/scorecard", get(scorecard::page))
        .route("/scorecard/records", get(scorecard::records))
        .route("/verdicts", get(verdicts::page))
        .route("/annual-report", get(annual::page))
        .route("/annual-report/download", get(annual::download_file))
        .route("/reach", get(reach::page))
        .route("/reach/baseline", axum::routing::post(reach::upload))
}
