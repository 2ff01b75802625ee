//! The population baseline (principle 4) over GraphQL: upload from CSV, read the one in force.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use serde::Serialize;

use crate::api::common::context::{correlation_id, ledger, or_today, principal};
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::write::command_context;
use crate::auth::Role;
use crate::domain::baseline::{csv, BaselineCommand, PopulationBaseline};
use crate::ledger::CommandContext;

/// Upload the make-up of the population an organisation serves.
#[derive(InputObject, Serialize)]
pub struct UploadPopulationBaselineInput {
    organisation: String,
    /// CSV text: a header `dimension,category,count` (or `share`), then one line per category.
    /// Dimensions: age_band, sex, ethnic_group, deprivation_quintile, disability.
    csv: String,
    uploaded_on: Option<Date>,
    idempotency_key: Option<String>,
}

/// One category's share of the population.
#[derive(SimpleObject)]
pub struct BaselineShare {
    dimension: String,
    category: String,
    /// Share of the population in this dimension, 0 to 1.
    share: f64,
}

/// The baseline in force.
#[derive(SimpleObject)]
pub struct PopulationBaselineView {
    organisation: String,
    uploaded_on: Option<Date>,
    shares: Vec<BaselineShare>,
}

fn view(organisation: String, baseline: &PopulationBaseline) -> PopulationBaselineView {
    let shares = baseline
        .shares()
        .into_iter()
        .flatten()
        .flat_map(|(dimension, categories)| {
            let dimension = serde_json::to_value(dimension)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            categories
                .iter()
                .map(move |(category, share)| BaselineShare {
                    dimension: dimension.clone(),
                    category: category.clone(),
                    share: *share,
                })
        })
        .collect();
    PopulationBaselineView {
        organisation,
        uploaded_on: baseline.uploaded_on().map(Date),
        shares,
    }
}

/// Queries about baselines.
#[derive(Default)]
pub struct BaselineQueries;

#[Object]
impl BaselineQueries {
    /// The population baseline in force for an organisation.
    async fn population_baseline(
        &self,
        ctx: &Context<'_>,
        organisation: String,
    ) -> ApiResult<PopulationBaselineView> {
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(ApiError::NotFound("organisation not found".into()).into());
        }
        let ledger = ledger(ctx);
        let baseline = ledger
            .load_baseline(&code)
            .await
            .map_err(|e| ApiError::from_ledger(correlation_id(ctx), e))?;
        Ok(view(code, &baseline))
    }
}

/// Mutations on baselines.
#[derive(Default)]
pub struct BaselineMutations;

#[Object]
impl BaselineMutations {
    /// Replaces an organisation's population baseline from CSV. A malformed file is refused with
    /// the line and column at fault, and the previous baseline stays in force.
    async fn upload_population_baseline(
        &self,
        ctx: &Context<'_>,
        input: UploadPopulationBaselineInput,
    ) -> ApiResult<PopulationBaselineView> {
        let who = principal(ctx)?;
        let code = input.organisation.trim().to_ascii_uppercase();
        if !(matches!(who.role, Role::EngagementOfficer | Role::Admin) && who.can_write(&code)) {
            return Err(ApiError::Forbidden(
                "organisation: only its engagement officers upload its baseline".into(),
            )
            .into());
        }
        let shares =
            csv::parse(&input.csv).map_err(|e| ApiError::Validation(format!("csv: {e}")))?;
        let cc: CommandContext = command_context(
            ctx,
            "uploadPopulationBaseline",
            &input,
            input.idempotency_key.as_ref(),
        )?;
        let command = BaselineCommand::Upload {
            organisation: code.clone(),
            shares,
            uploaded_on: or_today(input.uploaded_on),
        };
        let ledger = ledger(ctx);
        ledger
            .baseline(&code, command, &cc)
            .await
            .map_err(|e| ApiError::from_ledger(correlation_id(ctx), e))?;
        let baseline = ledger
            .load_baseline(&code)
            .await
            .map_err(|e| ApiError::from_ledger(correlation_id(ctx), e))?;
        Ok(view(code, &baseline))
    }
}
