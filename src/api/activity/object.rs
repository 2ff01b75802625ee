//! The activity as a GraphQL object: what was planned, held and reported, the input raised at
//! it, the people linked to it and the verdicts over its input.

use async_graphql::{Context, Object, SimpleObject};

use super::enums::{AccessibleFormat, ActivityKind, ActivityStatus};
use super::record::Activity;
use crate::api::common::context::{or_today, principal};
use crate::api::common::correction::Correction;
use crate::api::common::enums::{Date, Principle};
use crate::api::common::error::ApiResult;
use crate::api::common::notes::{DatedNote, Feedback, Postponement};
use crate::api::input_item::object::InputItem;
use crate::api::input_item::rollup::VerdictRollup;
use crate::api::participant::linked::linked;
use crate::api::participant::object::Participant;
use crate::projections::read::ItemFilter;
use crate::projections::tally::Scope;

/// A publication of information to participants before an activity.
#[derive(SimpleObject)]
pub struct InformationPublication {
    published_on: Date,
    accessible_formats: Vec<AccessibleFormat>,
}

/// Attendance counts by role.
#[derive(SimpleObject)]
pub struct AttendanceCounts {
    patients: u32,
    carers: u32,
    public: u32,
    staff: u32,
}

/// One category's head count in a demographic snapshot.
#[derive(SimpleObject)]
pub struct CategoryCount {
    category: String,
    count: u32,
}

/// Aggregate demographic counts taken when the activity was held.
#[derive(SimpleObject)]
pub struct Demographics {
    age_band: Vec<CategoryCount>,
    sex: Vec<CategoryCount>,
    ethnic_group: Vec<CategoryCount>,
    deprivation_quintile: Vec<CategoryCount>,
    disability: Vec<CategoryCount>,
}

fn counts(map: &std::collections::BTreeMap<String, u32>) -> Vec<CategoryCount> {
    map.iter()
        .map(|(category, count)| CategoryCount {
            category: category.clone(),
            count: *count,
        })
        .collect()
}

#[Object]
impl Activity {
    pub(crate) async fn id(&self) -> async_graphql::ID {
        self.0.id.into()
    }
    async fn kind(&self) -> ActivityKind {
        self.0.kind.into()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn topic(&self) -> &str {
        &self.0.topic
    }
    async fn lead_organisation(&self) -> &str {
        self.0.lead_organisation.as_str()
    }
    async fn partner_organisations(&self) -> Vec<&str> {
        self.0
            .partner_organisations
            .iter()
            .map(|c| c.as_str())
            .collect()
    }
    async fn principles(&self) -> Vec<Principle> {
        self.0.principles.iter().map(|p| (*p).into()).collect()
    }
    async fn planned_on(&self) -> Date {
        Date(self.0.planned_on)
    }
    async fn status(&self) -> ActivityStatus {
        ActivityStatus::of(&self.0)
    }
    async fn information_published(&self) -> Vec<InformationPublication> {
        self.0
            .information_published
            .iter()
            .map(|i| InformationPublication {
                published_on: Date(i.published_on),
                accessible_formats: i.accessible_formats.iter().map(|f| (*f).into()).collect(),
            })
            .collect()
    }
    async fn held_on(&self) -> Option<Date> {
        self.0.held.as_ref().map(|h| Date(h.held_on))
    }
    async fn attendance(&self) -> Option<AttendanceCounts> {
        self.0.held.as_ref().map(|h| AttendanceCounts {
            patients: h.attendance.patients,
            carers: h.attendance.carers,
            public: h.attendance.public,
            staff: h.attendance.staff,
        })
    }
    async fn demographics(&self) -> Option<Demographics> {
        self.0.held.as_ref().map(|h| Demographics {
            age_band: counts(&h.demographics.age_band),
            sex: counts(&h.demographics.sex),
            ethnic_group: counts(&h.demographics.ethnic_group),
            deprivation_quintile: counts(&h.demographics.deprivation_quintile),
            disability: counts(&h.demographics.disability),
        })
    }
    async fn report(&self) -> Option<DatedNote> {
        self.0.report.as_ref().map(DatedNote::from)
    }
    /// Every move to a later date, oldest first; `plannedOn` is the latest date.
    async fn postponements(&self) -> Vec<Postponement> {
        self.0
            .postponements
            .iter()
            .map(Postponement::from)
            .collect()
    }
    async fn cancellation(&self) -> Option<DatedNote> {
        self.0.cancelled.as_ref().map(DatedNote::from)
    }
    /// Since when the activity has been on its organisation's public page (shown there while
    /// that page is on); null while it is not.
    async fn public_since(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.public_since
    }
    /// Feedback given to participants about the activity's input as a whole.
    async fn feedback(&self) -> Vec<Feedback> {
        self.0.feedback.iter().map(Feedback::from).collect()
    }
    /// Every correction of this activity's record, oldest first, each with its reason.
    async fn corrections(&self) -> Vec<Correction> {
        self.0.corrections.iter().map(Correction::from).collect()
    }
    /// The input items raised at this activity that the caller may see, with verdicts as of a date.
    async fn input_items(
        &self,
        ctx: &Context<'_>,
        as_of: Option<Date>,
    ) -> ApiResult<Vec<InputItem>> {
        let as_of = or_today(as_of);
        let filter = ItemFilter {
            activity: Some(self.0.id),
            ..ItemFilter::default()
        };
        let items = self
            .1
            .input_items(ctx, principal(ctx)?.read_scope(), &filter)
            .await?;
        Ok(items
            .into_iter()
            .filter(|v| v.doc.raised_on <= as_of)
            .map(|v| InputItem::new(v, as_of, self.1.clone()))
            .collect())
    }
    /// People linked to this activity (erased people appear as tombstones).
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participant>> {
        linked(ctx, vec![self.0.id.to_string()]).await
    }
    /// Verdicts over this activity's input that the caller may see, as of a date (default
    /// today).
    async fn rollup(&self, ctx: &Context<'_>, as_of: Option<Date>) -> ApiResult<VerdictRollup> {
        // The input belongs to the lead; a partner sees only what was referred to it.
        if principal(ctx)?.can_read(self.0.lead_organisation.as_str()) {
            return VerdictRollup::of_scope(ctx, &self.1, &Scope::Activity(self.0.id), as_of).await;
        }
        let filter = ItemFilter {
            activity: Some(self.0.id),
            ..ItemFilter::default()
        };
        VerdictRollup::over(ctx, &self.1, &filter, as_of).await
    }
}
