//! The organisation as a GraphQL object: its registration, its boards' representation and the
//! verdicts over its input.

use async_graphql::{Context, Enum, Object};

use crate::api::board::representation::{organisation_representation, OrganisationRepresentation};
use crate::api::common::context::{or_today, Views};
use crate::api::common::enums::Date;
use crate::api::common::error::ApiResult;
use crate::api::input_item::rollup::VerdictRollup;
use crate::domain::common;
use crate::projections::docs::OrganisationDoc;
use crate::projections::tally::Scope;

/// What kind of body an organisation is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, serde::Serialize)]
#[graphql(remote = "common::OrganisationKind")]
pub enum OrganisationKind {
    IntegratedCareBoard,
    NhsTrust,
    GpPractice,
    PrimaryCareNetwork,
    Healthwatch,
    Vcse,
    LocalAuthority,
    Other,
}

/// An NHS or partner organisation, identified by its ODS code.
pub struct Organisation(pub OrganisationDoc, pub Views);

#[Object]
impl Organisation {
    /// The organisation's id among all records: its ODS code.
    pub(crate) async fn id(&self) -> async_graphql::ID {
        self.0.ods_code.as_str().into()
    }
    async fn ods_code(&self) -> &str {
        self.0.ods_code.as_str()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> OrganisationKind {
        self.0.kind.into()
    }
    /// The integrated care system, by its ICB's ODS code.
    async fn ics(&self) -> Option<&str> {
        self.0.ics.as_ref().map(|c| c.as_str())
    }
    /// Days input may wait for a decision before it is overdue.
    async fn response_window_days(&self) -> u32 {
        self.0.response_window_days
    }
    /// Whether its public "you said, we did" page is on, at `/public/<ODS code>`.
    async fn public_page(&self) -> bool {
        self.0.public_page
    }
    /// The themes the organisation codes its input with, in the order added. Input recorded
    /// under a renamed or merged theme counts, and shows, under the theme it became.
    async fn themes(&self) -> &[String] {
        &self.0.themes.themes
    }
    /// Patient representation across the organisation's boards, as of a date (default today);
    /// decisions over the year up to it.
    async fn representation(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> ApiResult<OrganisationRepresentation> {
        organisation_representation(ctx, &self.1, self.0.ods_code.as_str(), or_today(as_of)).await
    }
    /// Verdicts over all input owned by this organisation, or only that coded with `theme`
    /// (matched without regard to case, under the names its list now gives), as of a date
    /// (default today).
    async fn rollup(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
        theme: Option<String>,
    ) -> ApiResult<VerdictRollup> {
        let organisation = self.0.ods_code.to_string();
        let scope = match theme {
            Some(theme) => Scope::Theme {
                organisation,
                theme: theme.trim().to_owned(),
            },
            None => Scope::Organisation(organisation),
        };
        VerdictRollup::of_scope(ctx, &self.1, &scope, as_of).await
    }
}
