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
    /// The file: its text, or for a workbook its bytes in base64.
    content: String,
    /// Whether `content` is base64 (a workbook) rather than text.
    base64: bool,
    /// How many events, input items or rows it holds.
    rows: u64,
}

impl From<export::Download> for Download {
    fn from(d: export::Download) -> Self {
        Self {
            filename: d.filename,
            content_type: d.content_type.to_owned(),
            content: d.content,
            base64: false,
            rows: d.rows,
        }
    }
}

impl Download {
    /// A file of records or of a list: a workbook's bytes in base64, a CSV file as text.
    pub fn of(file: crate::reports::records::RecordsFile) -> Self {
        use base64::Engine as _;
        let base64 = file.content_type == crate::reports::records::XLSX;
        Self {
            filename: file.filename,
            content_type: file.content_type.to_owned(),
            content: if base64 {
                base64::engine::general_purpose::STANDARD.encode(&file.bytes)
            } else {
                String::from_utf8_lossy(&file.bytes).into_owned()
            },
            base64,
            rows: file.rows,
        }
    }

    /// A list a page shows (the scorecard, reach, a board's seats) as a file of `format`.
    pub fn listed(
        ctx: &Context<'_>,
        listed: &crate::reports::lists::Listed,
        format: RecordsFormat,
    ) -> ApiResult<Self> {
        Ok(Self::of(
            listed.file(format.into()).map_err(|e| internal(ctx, e))?,
        ))
    }
}

/// How an organisation's records are written.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::reports::records::RecordsFormat")]
pub enum RecordsFormat {
    /// A workbook, in base64: every sheet, or the one named.
    Xlsx,
    /// One sheet, named.
    Csv,
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

    /// An organisation's records in the import's format (see `partnership-ledger import
    /// --template`): every sheet as one workbook, which imports into another ledger as the same
    /// history, or one sheet (`sheet`, by its name: `Activities`, `Input`, `Actions`,
    /// `Feedback`, `Boards`, `Appointments`, `Meetings`, `Participants`...) as a workbook or
    /// CSV. The input sheet gives each item's verdict as of `asOf` (default today).
    /// Participants are named, with their contact details, only for a reader who may see
    /// personal details (the organisation's officers and board secretaries, and admins), and
    /// then each person's read is recorded in the access record; for anyone else, by reference
    /// only. Any reader of the organisation.
    #[graphql(complexity = "VERIFY_COST")]
    async fn records(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        sheet: Option<String>,
        #[graphql(default_with = "RecordsFormat::Xlsx")] format: RecordsFormat,
        as_of: Option<Date>,
    ) -> ApiResult<Download> {
        use crate::api::participant::linked::details_for_records;
        use crate::reports::records::{self, RecordsError};
        use crate::reports::sheets::{Sheet, SheetFormat};
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(not_found("organisation").into());
        }
        // Names and contact details go in only for a reader who may see them, and only when
        // the participants' sheet is written.
        let with_participants = sheet.as_deref().is_none_or(|name| {
            SheetFormat::named(name).is_some_and(|f| f.sheet == Sheet::Participants)
        });
        let details = match with_participants {
            true => details_for_records(ctx, &code).await?,
            false => Default::default(),
        };
        let db = ledger(ctx).db().clone();
        let as_of = as_of.map_or_else(today, |d| d.0);
        let format = format.into();
        let file = heavy(ctx)
            .run(async move {
                let asked = records::Asked {
                    organisation: &code,
                    sheet: sheet.as_deref(),
                    format,
                    as_of,
                };
                Ok(records::file(&db, &asked, &details).await)
            })
            .await
            .map_err(|e| internal(ctx, e))?
            .map_err(|e| match e {
                RecordsError::Asked(message) => ApiError::Validation(message),
                RecordsError::Failed(e) => internal(ctx, e),
            })?;
        Ok(Download::of(file))
    }
}
