//! The annual-report involvement section over GraphQL: its figures with the records they count,
//! and the section rendered as Markdown and as a printable HTML page.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::scorecard::CountedRecord;
use crate::api::common::context::{internal, principal, today, Views};
use crate::api::common::enums::Date;
use crate::api::common::error::{ApiError, ApiResult};
use crate::api::common::heavy::replay_cost;
use crate::api::common::ids::parse_id;
use crate::api::common::lists::short;
use crate::api::common::period::{check_margin, PeriodRange};
use crate::reports::{annual_report, ReportFailure};

/// A counted figure of the report.
#[derive(SimpleObject)]
pub struct ReportFigure {
    /// Stable key, such as `activities_held`, `theme.access` or `feedback.letter`.
    key: String,
    label: String,
    count: u64,
    /// The total it is a share of, where it is one.
    of: Option<u64>,
    /// Exactly the records the figure counts.
    records: Vec<CountedRecord>,
}

/// An action shown, or that could be shown, as an example of change.
#[derive(SimpleObject)]
pub struct ReportExample {
    action: ID,
    title: String,
    completed_on: Date,
    outcome: String,
}

impl From<crate::reports::annual::Example> for ReportExample {
    fn from(e: crate::reports::annual::Example) -> Self {
        Self {
            action: ID(e.action.to_string()),
            title: e.title,
            completed_on: Date(e.completed_on),
            outcome: e.outcome,
        }
    }
}

/// The involvement section of an organisation's annual report.
#[derive(SimpleObject)]
pub struct AnnualReport {
    organisation: String,
    name: String,
    /// The financial year.
    year: PeriodRange,
    /// The days the figures cover: the year, or the year to date.
    covered: PeriodRange,
    figures: Vec<ReportFigure>,
    /// The actions shown as examples of change: those asked for, or by default the three most
    /// recently completed with an outcome.
    examples: Vec<ReportExample>,
    /// Every action that could be an example: completed with an outcome in the days covered,
    /// the most recent first.
    candidates: Vec<ReportExample>,
    /// The section as HTML to show within another page: its title a second-level heading,
    /// no styles of its own.
    body: String,
    /// The section as Markdown, sources as footnotes.
    markdown: String,
    /// The section as a self-contained, printable HTML page.
    html: String,
}

/// Queries for reports.
#[derive(Default)]
pub struct ReportQueries;

#[Object]
impl ReportQueries {
    /// The involvement section of `organisation`'s annual report for the financial year starting
    /// in April of `year`. `examples` names the actions to show as examples of change (by default
    /// the three most recently completed with an outcome). With `recordedAsOf`, the report as
    /// the record stood at that moment (before later corrections).
    #[graphql(complexity = "replay_cost(&recorded_as_of) + child_complexity + 1")]
    async fn annual_report(
        &self,
        ctx: &Context<'_>,
        organisation: String,
        year: i32,
        #[graphql(validator(custom = "short(\"examples\")"))] examples: Option<Vec<ID>>,
        #[graphql(default = 5.0)] margin_points: f64,
        recorded_as_of: Option<DateTime<Utc>>,
    ) -> ApiResult<AnnualReport> {
        let code = organisation.trim().to_ascii_uppercase();
        if !principal(ctx)?.can_read(&code) {
            return Err(ApiError::NotFound("organisation not found".into()).into());
        }
        check_margin(margin_points)?;
        let examples = examples
            .unwrap_or_default()
            .iter()
            .map(|id| parse_id("examples", id))
            .collect::<Result<Vec<_>, _>>()?;
        let views = Views::at(ctx, recorded_as_of).await?;
        let report = annual_report(
            views.db(ctx),
            &code,
            year,
            today(),
            &examples,
            margin_points,
        )
        .await
        .map_err(|e| match e {
            ReportFailure::UnknownOrganisation => {
                ApiError::NotFound("organisation not found".into())
            }
            ReportFailure::Invalid(e) => ApiError::Validation(e.to_string()),
            ReportFailure::Internal(e) => internal(ctx, e),
        })?;
        let page = report.page();
        Ok(AnnualReport {
            markdown: page.markdown(),
            html: page.html(),
            body: page.html_body(2),
            examples: report.examples.into_iter().map(Into::into).collect(),
            candidates: report.candidates.into_iter().map(Into::into).collect(),
            organisation: report.organisation,
            name: report.name,
            year: report.year.into(),
            covered: report.covered.into(),
            figures: report
                .figures
                .into_iter()
                .map(|f| ReportFigure {
                    key: f.key,
                    label: f.label,
                    count: f.count,
                    of: f.of,
                    records: f.records.into_iter().map(Into::into).collect(),
                })
                .collect(),
        })
    }
}
