//! Queries about boards and their meetings; with `recordedAsOf`, as recorded at a moment.

use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

use super::meeting::BoardMeeting;
use super::object::Board;
use crate::api::common::context::{internal, principal, reads, Views};
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::parse_id;
use crate::api::common::pages::{page_cost, Page, Window};
use crate::projections::board_read;

/// Queries about boards.
#[derive(Default)]
pub struct BoardQueries;

#[Object]
impl BoardQueries {
    /// One board by id; with `recordedAsOf`, as the record stood at that moment.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(crate) async fn board(
        &self,
        ctx: &Context<'_>,
        id: ID,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> ApiResult<Board> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = reads(ctx).db();
        let visible_now = async {
            let found = board_read::board(live, id).await?;
            Ok(found
                .as_ref()
                .is_some_and(|doc| who.can_read(doc.organisation.as_str())))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "board").await?;
        let found = board_read::board(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some(doc) = found.filter(|doc| who.can_read(doc.organisation.as_str())) else {
            return Err(ApiError::NotFound("board not found".into()).into());
        };
        Ok(Board(doc, views))
    }

    /// Boards of the caller's organisations, by the day established; with `recordedAsOf`, as
    /// recorded at that moment.
    #[graphql(
        complexity = "replay_cost(&recorded_as_of) + page_cost(first, last, child_complexity)"
    )]
    async fn boards(
        &self,
        ctx: &Context<'_>,
        recorded_as_of: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<Page<Board>> {
        let window = Window::new(first, after, last, before)?;
        let scope = principal(ctx)?.read_scope();
        let views = Views::at(ctx, recorded_as_of).await?;
        let docs = board_read::boards(views.db(ctx), scope)
            .await
            .map_err(|e| internal(ctx, e))?;
        let items = docs
            .into_iter()
            .map(|d| ((d.established_on, d.id), Board(d, views.clone())))
            .collect();
        Ok(window.page(items)?)
    }

    /// One board meeting by id; with `recordedAsOf`, as recorded at that moment.
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    pub(crate) async fn board_meeting(
        &self,
        ctx: &Context<'_>,
        id: ID,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> ApiResult<BoardMeeting> {
        let id = parse_id("id", &id)?;
        let who = principal(ctx)?;
        let live = reads(ctx).db();
        let visible_now = async {
            let found = board_read::meeting(live, id).await?;
            Ok(found
                .as_ref()
                .is_some_and(|doc| who.can_read(doc.organisation.as_str())))
        };
        let views = Views::at_visible(ctx, recorded_as_of, visible_now, "board meeting").await?;
        let found = board_read::meeting(views.db(ctx), id)
            .await
            .map_err(|e| internal(ctx, e))?;
        let Some(doc) = found.filter(|doc| who.can_read(doc.organisation.as_str())) else {
            return Err(ApiError::NotFound("board meeting not found".into()).into());
        };
        Ok(BoardMeeting(doc))
    }
}
