//! Mutations on boards: establish, set seats, rename, dissolve, and amend (a correction). Board
//! secretaries (and admins) of the organisation write; everyone else reads.

use async_graphql::{Context, InputObject, Object, ID};
use serde::Serialize;

use super::enums::{BoardKind, SeatRole};
use super::write::{board_answer, require_secretary, writable_board, BoardPayload};
use crate::api::common::context::{or_today, principal};
use crate::api::common::correction::CorrectionInput;
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::write::{command_context, new_record};
use crate::domain::board::{BoardChanges, BoardCommand};

/// Establish a board or committee.
#[derive(InputObject, Serialize)]
pub struct EstablishBoardInput {
    organisation: String,
    name: String,
    kind: BoardKind,
    /// Defaults to today.
    established_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Set the number of seats for a role, and whether they vote, from a date.
#[derive(InputObject, Serialize)]
pub struct SetBoardSeatsInput {
    board_id: ID,
    role: SeatRole,
    target: u32,
    voting: bool,
    /// Defaults to today.
    from: Option<Date>,
    idempotency_key: Option<String>,
}

/// Rename a board.
#[derive(InputObject, Serialize)]
pub struct RenameBoardInput {
    board_id: ID,
    name: String,
    idempotency_key: Option<String>,
}

/// Dissolve a board.
#[derive(InputObject, Serialize)]
pub struct DissolveBoardInput {
    board_id: ID,
    /// Defaults to today.
    dissolved_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// Put a board's recorded facts right: each field given replaces the recorded one, and the
/// reason is kept with the record. A new name the board has taken since is `renameBoard`; a
/// wrong seat setting is put right by setting the seats again from the same day.
#[derive(InputObject, Serialize)]
pub struct AmendBoardInput {
    board_id: ID,
    name: Option<String>,
    kind: Option<BoardKind>,
    /// Not in the future, nor after the board's first seat setting or its dissolution.
    /// Representation as of every date follows the corrected date; `recordedAsOf` before this
    /// correction still answers with the old one.
    established_on: Option<Date>,
    reason: CorrectionInput,
    idempotency_key: Option<String>,
}

/// Mutations on boards.
#[derive(Default)]
pub struct BoardMutations;

#[Object]
impl BoardMutations {
    /// Establishes a board or committee of one of the caller's organisations.
    async fn establish_board(
        &self,
        ctx: &Context<'_>,
        input: EstablishBoardInput,
    ) -> ApiResult<BoardPayload> {
        require_secretary(
            principal(ctx)?,
            &input.organisation.trim().to_ascii_uppercase(),
        )
        .map_err(|_| ApiError::Forbidden("organisation: not one of your organisations".into()))?;
        let mut cc = command_context(
            ctx,
            "establishBoard",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let id = new_record(ctx, &mut cc);
        let command = BoardCommand::Establish {
            board_id: id,
            organisation: input.organisation,
            name: input.name,
            kind: input.kind.into(),
            established_on: or_today(input.established_on),
        };
        board_answer(ctx, cc, id, command).await
    }

    /// Sets the target number of seats for a role and whether they vote, from a date.
    async fn set_board_seats(
        &self,
        ctx: &Context<'_>,
        input: SetBoardSeatsInput,
    ) -> ApiResult<BoardPayload> {
        let id = writable_board(ctx, &input.board_id).await?;
        let cc = command_context(ctx, "setBoardSeats", &input, input.idempotency_key.as_ref())?;
        let command = BoardCommand::SetSeats {
            role: input.role.into(),
            target: input.target,
            voting: input.voting,
            from: or_today(input.from),
        };
        board_answer(ctx, cc, id, command).await
    }

    /// Renames a board.
    async fn rename_board(
        &self,
        ctx: &Context<'_>,
        input: RenameBoardInput,
    ) -> ApiResult<BoardPayload> {
        let id = writable_board(ctx, &input.board_id).await?;
        let cc = command_context(ctx, "renameBoard", &input, input.idempotency_key.as_ref())?;
        board_answer(ctx, cc, id, BoardCommand::Rename { name: input.name }).await
    }

    /// Puts a board's recorded facts right (a dissolved board's too), keeping the reason and
    /// what the record said before.
    async fn amend_board(
        &self,
        ctx: &Context<'_>,
        input: AmendBoardInput,
    ) -> ApiResult<BoardPayload> {
        let id = writable_board(ctx, &input.board_id).await?;
        let cc = command_context(ctx, "amendBoard", &input, input.idempotency_key.as_ref())?;
        let command = BoardCommand::Amend {
            changes: BoardChanges {
                name: input.name,
                kind: input.kind.map(Into::into),
                established_on: input.established_on.map(|d| d.0),
            },
            correction: input.reason.into(),
        };
        board_answer(ctx, cc, id, command).await
    }

    /// Dissolves a board; no one can be appointed to it afterwards.
    async fn dissolve_board(
        &self,
        ctx: &Context<'_>,
        input: DissolveBoardInput,
    ) -> ApiResult<BoardPayload> {
        let id = writable_board(ctx, &input.board_id).await?;
        let cc = command_context(ctx, "dissolveBoard", &input, input.idempotency_key.as_ref())?;
        board_answer(
            ctx,
            cc,
            id,
            BoardCommand::Dissolve {
                dissolved_on: or_today(input.dissolved_on),
            },
        )
        .await
    }
}
