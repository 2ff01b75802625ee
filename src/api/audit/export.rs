//! Exports for auditors and officers: an organisation's audit trail, and "you said, we did".

use async_graphql::{Context, Enum, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::checkpoint::{heavy, require_auditor};
use crate::api::common::context::{internal, ledger, principal, today};
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::heavy::VERIFY_COST;
use crate::api::common::ids::{not_found, parse_id};
use crate::audit::export;

/// How an audit trail is written.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::audit::export::TrailFormat")]
pub enum TrailFormat {
    Csv,
    /// One JSON object per line.
    JsonLines,
}

/// How "you said, we did" is written.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::audit::export::ReportFormat")]
pub enum YouSaidFormat {
    Csv,
    /// A page that reads well when printed.
    Html,
}

/// A file to save.
#[derive(SimpleObject)]
pub struct Download {
    filename: String,
    content_type: String,
    content: String,
    /// How many events or input items it holds.
    rows: u64,
}

impl From<export::Download> for Download {
    fn from(d: export::Download) -> Self {
        Self {
            filename: d.filename,
            content_type: d.content_type.to_owned(),
            content: d.content,
            rows: d.rows,
        }
    }
}

/// Exports for auditors and officers.
#[derive(Default)]
pub struct ExportQueries;

#[Object]
impl ExportQueries {
    /// The audit trail of an organisation's records: every event recorded from `recordedFrom`
    /// (inclusive) to `recordedTo` (exclusive), one per line, exactly as stored with its
    /// position and hashes. For auditors and admins.
    #[graphql(complexity = "VERIFY_COST")]
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        recorded_from: DateTime<Utc>,
        recorded_to: DateTime<Utc>,
        #[graphql(default_with = "TrailFormat::JsonLines")] format: TrailFormat,
    ) -> ApiResult<Download> {
        require_auditor(ctx)?;
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(not_found("organisation").into());
        }
        if recorded_from >= recorded_to {
            return Err(
                ApiError::Validation("recordedFrom: must be before recordedTo".into()).into(),
            );
        }
        let db = ledger(ctx).db().clone();
        let format = format.into();
        let file = heavy(ctx)
            .run(async move {
                export::audit_trail(&db, &code, (recorded_from, recorded_to), format).await
            })
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(file.into())
    }

    /// "You said, we did" for an organisation, or one of its activities: each input item, the
    /// decision, what was done, the outcome, and when people were told. `raisedFrom` and
    /// `raisedTo` (each included, either may be left out) keep to the input raised on those
    /// days, with what came of it as it stands today.
    async fn you_said_we_did(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        activity_id: Option<ID>,
        raised_from: Option<Date>,
        raised_to: Option<Date>,
        #[graphql(default_with = "YouSaidFormat::Html")] format: YouSaidFormat,
    ) -> ApiResult<Download> {
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(not_found("organisation").into());
        }
        let (raised_from, raised_to) = (raised_from.map(|d| d.0), raised_to.map(|d| d.0));
        if raised_from
            .zip(raised_to)
            .is_some_and(|(from, to)| to < from)
        {
            return Err(
                ApiError::Validation("raisedTo: must not be before raisedFrom".into()).into(),
            );
        }
        let raised = crate::reports::you_said::Raised {
            from: raised_from,
            to: raised_to,
        };
        let activity = activity_id
            .as_ref()
            .map(|id| parse_id("activityId", id))
            .transpose()?;
        let file = export::you_said_we_did(
            ledger(ctx).db(),
            &code,
            activity,
            raised,
            today(),
            format.into(),
        )
        .await
        .map_err(|e| internal(ctx, e))?;
        Ok(file.into())
    }
}
