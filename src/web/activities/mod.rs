//! Activities: the list (filtered, in pages of 25), planning one, its page (its input with
//! verdicts, and what happened when), and what is recorded of it as it goes: information
//! published, held, postponed, cancelled, its report; and putting it on the public page.

mod forms;
mod input;
mod list;
mod publishing;
mod record;
mod who_took_part;
mod you_said;

use axum::Router;

use crate::api::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(list::routes())
        .merge(record::routes())
        .merge(forms::routes())
        .merge(who_took_part::routes())
        .merge(input::routes())
        .merge(you_said::routes())
        .merge(publishing::routes())
}
