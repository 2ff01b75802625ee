//! The activity view: an engagement or co-production activity, from planning to feedback.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use crate::domain::activity::{Activity, ActivityChanges, ActivityEvent};
use crate::domain::common::{
    AccessibleFormat, ActivityKind, Attendance, DemographicSnapshot, FeedbackChannel, OdsCode,
    Principle,
};
use crate::domain::correction::{put_right, Correction};
use crate::domain::feedback::FeedbackChanges;
use crate::projections::select::{parse_docs, PushIn, Scope, CHUNK};
use crate::projections::view::{missing, Dep, OutOfOrder, View};
use crate::projections::write::{Kind, Rows, Table, Value};
use crate::store::Db;

use super::correction::{CorrectionAction, CorrectionDoc};

/// Feedback given to participants, on an item or on a whole activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackDoc {
    pub given_on: NaiveDate,
    pub channel: FeedbackChannel,
    pub summary: String,
    pub recorded_at: DateTime<Utc>,
}

impl FeedbackDoc {
    /// Puts the feedback at `index` of `feedback` right, answering the correction that says
    /// so, its fields named by place (`feedback[0].givenOn`).
    pub fn amend(
        feedback: &mut [FeedbackDoc],
        index: usize,
        changes: FeedbackChanges,
        correction: Correction,
        at: DateTime<Utc>,
    ) -> CorrectionDoc {
        let fields: Vec<String> = changes
            .fields()
            .iter()
            .map(|f| format!("feedback[{index}].{f}"))
            .collect();
        if let Some(doc) = feedback.get_mut(index) {
            put_right(&mut doc.given_on, changes.given_on);
            put_right(&mut doc.channel, changes.channel);
            put_right(&mut doc.summary, changes.summary);
        }
        CorrectionDoc::new(CorrectionAction::Amended, correction, fields, at)
    }
}

/// One publication of information before an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InformationDoc {
    pub published_on: NaiveDate,
    pub accessible_formats: Vec<AccessibleFormat>,
}

/// The record of an activity having been held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldDoc {
    pub held_on: NaiveDate,
    pub attendance: Attendance,
    pub demographics: DemographicSnapshot,
}

/// A dated note: a published report, a cancellation, a progress update, an abandonment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatedText {
    pub on: NaiveDate,
    pub text: String,
}

/// A move of an activity to a later date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostponementDoc {
    /// The date it was planned for before.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub postponed_on: NaiveDate,
    pub reason: String,
}

impl PostponementDoc {
    /// Moves `day` to `to`, answering with the postponement that records the move.
    pub fn moving(day: &mut NaiveDate, to: NaiveDate, postponed_on: NaiveDate, reason: String) -> Self {
        let from = std::mem::replace(day, to);
        Self {
            from,
            to,
            postponed_on,
            reason,
        }
    }
}

/// An activity as projected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDoc {
    pub id: Uuid,
    pub kind: ActivityKind,
    pub title: String,
    pub topic: String,
    pub lead_organisation: OdsCode,
    pub partner_organisations: Vec<OdsCode>,
    pub principles: Vec<Principle>,
    pub planned_on: NaiveDate,
    /// Every postponement, oldest first (`planned_on` is the latest date).
    #[serde(default)]
    pub postponements: Vec<PostponementDoc>,
    pub information_published: Vec<InformationDoc>,
    pub held: Option<HeldDoc>,
    pub report: Option<DatedText>,
    pub cancelled: Option<DatedText>,
    pub feedback: Vec<FeedbackDoc>,
    pub recorded_at: DateTime<Utc>,
    /// Since when it has been on its organisation's public page; `None` while it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_since: Option<DateTime<Utc>>,
    /// Every correction, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionDoc>,
}

impl ActivityDoc {
    /// A planned activity with nothing recorded since, and no title or topic yet; the one place
    /// a document is made from nothing, so that a new field needs no other change.
    pub fn new(
        id: Uuid,
        kind: ActivityKind,
        lead_organisation: OdsCode,
        planned_on: NaiveDate,
        recorded_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            kind,
            title: String::new(),
            topic: String::new(),
            lead_organisation,
            partner_organisations: vec![],
            principles: vec![],
            planned_on,
            postponements: vec![],
            information_published: vec![],
            held: None,
            report: None,
            cancelled: None,
            feedback: vec![],
            recorded_at,
            public_since: None,
            corrections: vec![],
        }
    }
}

const ACTIVITIES: Table = Table {
    name: "view_activities",
    columns: &[
        ("id", Kind::Text),
        ("organisation", Kind::Text),
        ("planned_on", Kind::Date),
        ("log_position", Kind::Int),
        ("doc", Kind::Text),
    ],
    on_conflict: "(id) DO UPDATE SET organisation = excluded.organisation, \
                  planned_on = excluded.planned_on, doc = excluded.doc",
};

/// Which organisations each activity names as partners, so that a partner's activities are
/// found by key. A partner taken off by a correction keeps its row: readers check the
/// document, and the row only makes the activity one to read.
const ACTIVITY_PARTNERS: Table = Table {
    name: "view_activity_partners",
    columns: &[("organisation", Kind::Text), ("activity_id", Kind::Text)],
    on_conflict: "DO NOTHING",
};

/// The activities each organisation has put on its public page, so that the page reads them
/// by key. One taken off again keeps its row: readers check the document.
const PUBLIC_ACTIVITIES: Table = Table {
    name: "view_public_activities",
    columns: &[("organisation", Kind::Text), ("activity_id", Kind::Text)],
    on_conflict: "DO NOTHING",
};

impl View for ActivityDoc {
    type Aggregate = Activity;
    type Event = ActivityEvent;
    const TABLES: &'static [&'static Table] = &[&ACTIVITIES, &ACTIVITY_PARTNERS, &PUBLIC_ACTIVITIES];

    fn apply(
        doc: Option<Self>,
        id: &str,
        event: ActivityEvent,
        at: DateTime<Utc>,
    ) -> Result<Self, OutOfOrder> {
        apply_activity(doc, id, event, at)
    }

    fn rows(&mut self, created: i64, rows: &mut Rows) -> anyhow::Result<()> {
        rows.doc(
            &ACTIVITIES,
            vec![
                Value::Text(Some(self.id.to_string())),
                Value::Text(Some(self.lead_organisation.as_str().to_owned())),
                Value::Date(self.planned_on),
                Value::Int(created),
                Value::Text(Some(serde_json::to_string(self)?)),
            ],
        );
        for partner in &self.partner_organisations {
            rows.link(
                &ACTIVITY_PARTNERS,
                vec![partner.as_str().to_owned(), self.id.to_string()],
            );
        }
        if self.public_since.is_some() {
            rows.link(
                &PUBLIC_ACTIVITIES,
                vec![
                    self.lead_organisation.as_str().to_owned(),
                    self.id.to_string(),
                ],
            );
        }
        Ok(())
    }

    fn touches(&self, touched: &mut HashSet<Dep>) {
        touched.insert(Dep::Record(self.id.to_string()));
        touched.insert(Dep::ActivitiesOf(self.lead_organisation.to_string()));
    }
}

impl ActivityDoc {
    /// Takes an amendment's corrected facts in.
    fn take_in(&mut self, changes: ActivityChanges) {
        put_right(&mut self.kind, changes.kind);
        put_right(&mut self.title, changes.title);
        put_right(&mut self.topic, changes.topic);
        put_right(&mut self.principles, changes.principles);
        put_right(&mut self.partner_organisations, changes.partner_organisations);
        put_right(&mut self.planned_on, changes.planned_on);
        if let Some(held) = self.held.as_mut() {
            put_right(&mut held.held_on, changes.held_on);
            put_right(&mut held.attendance, changes.attendance);
            put_right(&mut held.demographics, changes.demographics);
        }
    }
}

/// Applies an activity event.
pub fn apply_activity(
    doc: Option<ActivityDoc>,
    id: &str,
    event: ActivityEvent,
    at: DateTime<Utc>,
) -> Result<ActivityDoc, OutOfOrder> {
    if let ActivityEvent::ActivityPlanned {
        activity_id,
        kind,
        title,
        topic,
        lead_organisation,
        partner_organisations,
        principles,
        planned_on,
    } = event
    {
        return Ok(ActivityDoc {
            title,
            topic,
            partner_organisations,
            principles,
            ..ActivityDoc::new(activity_id, kind, lead_organisation, planned_on, at)
        });
    }
    let Some(mut doc) = doc else {
        return missing("activity event", "activity", id);
    };
    match event {
        ActivityEvent::ActivityPlanned { .. } => {}
        ActivityEvent::InformationPublished {
            published_on,
            accessible_formats,
        } => {
            doc.information_published.push(InformationDoc {
                published_on,
                accessible_formats,
            });
        }
        ActivityEvent::ActivityHeld {
            held_on,
            attendance,
            demographics,
        } => {
            doc.held = Some(HeldDoc {
                held_on,
                attendance,
                demographics,
            });
        }
        ActivityEvent::ReportPublished {
            published_on,
            summary,
        } => {
            doc.report = Some(DatedText {
                on: published_on,
                text: summary,
            });
        }
        ActivityEvent::ActivityPostponed {
            planned_on,
            postponed_on,
            reason,
        } => {
            let moved =
                PostponementDoc::moving(&mut doc.planned_on, planned_on, postponed_on, reason);
            doc.postponements.push(moved);
        }
        ActivityEvent::ActivityCancelled {
            cancelled_on,
            reason,
        } => {
            doc.cancelled = Some(DatedText {
                on: cancelled_on,
                text: reason,
            });
        }
        ActivityEvent::ActivityFeedbackGiven {
            given_on,
            channel,
            summary,
        } => {
            doc.feedback.push(FeedbackDoc {
                given_on,
                channel,
                summary,
                recorded_at: at,
            });
        }
        ActivityEvent::ActivityPublished {} => doc.public_since = Some(at),
        ActivityEvent::ActivityUnpublished { .. } => doc.public_since = None,
        ActivityEvent::ActivityAmended {
            changes,
            correction,
        } => {
            let amended = CorrectionDoc::amended(correction, &changes.fields(), at);
            doc.take_in(changes);
            doc.corrections.push(amended);
        }
        ActivityEvent::InformationAmended {
            index,
            changes,
            correction,
        } => {
            let fields: Vec<String> = changes
                .fields()
                .iter()
                .map(|f| format!("informationPublished[{index}].{f}"))
                .collect();
            if let Some(publication) = doc.information_published.get_mut(index) {
                put_right(&mut publication.published_on, changes.published_on);
                put_right(
                    &mut publication.accessible_formats,
                    changes.accessible_formats,
                );
            }
            let amended = CorrectionDoc::new(CorrectionAction::Amended, correction, fields, at);
            doc.corrections.push(amended);
        }
        ActivityEvent::ActivityFeedbackAmended {
            index,
            changes,
            correction,
        } => {
            let amended = FeedbackDoc::amend(&mut doc.feedback, index, changes, correction, at);
            doc.corrections.push(amended);
        }
    }
    Ok(doc)
}

/// One activity.
pub async fn activity(db: &Db, id: Uuid) -> anyhow::Result<Option<(ActivityDoc, i64)>> {
    Ok(activities_where(db, Some(("id", &[id.to_string()])))
        .await?
        .pop())
}

/// Activities led by or partnered with an organisation in scope, oldest first.
pub async fn activities(db: &Db, scope: Scope<'_>) -> anyhow::Result<Vec<(ActivityDoc, i64)>> {
    let Some(codes) = scope else {
        return activities_where(db, None).await;
    };
    // Led by one of them (by key), or naming one of them among the partners: the documents
    // that mention one of the codes are read, not every activity, and judged here.
    let mut found = activities_led_by(db, codes).await?;
    found.extend(mentioning(db, codes).await?);
    found.retain(|(a, _)| {
        codes.iter().any(|c| c == a.lead_organisation.as_str())
            || a.partner_organisations
                .iter()
                .any(|p| codes.iter().any(|c| c == p.as_str()))
    });
    found.sort_by_key(|(a, position)| (*position, a.id));
    found.dedup_by_key(|(a, _)| a.id);
    Ok(found)
}

/// Activities led by one of `codes` (by key), oldest first: partners' activities left out.
pub async fn activities_led_by(
    db: &Db,
    codes: &[String],
) -> anyhow::Result<Vec<(ActivityDoc, i64)>> {
    let mut found = Vec::new();
    for chunk in codes.chunks(CHUNK) {
        found.extend(activities_where(db, Some(("organisation", chunk))).await?);
    }
    found.sort_by_key(|(a, position)| (*position, a.id));
    Ok(found)
}

/// Activities led by none of `codes` that name one of them as a partner (or did: the caller
/// checks the documents).
async fn mentioning(db: &Db, codes: &[String]) -> anyhow::Result<Vec<(ActivityDoc, i64)>> {
    let mut found = Vec::new();
    for chunk in codes.chunks(CHUNK) {
        let rows: Vec<(String, i64)> = on_db!(db, pool => {
            let mut q = QueryBuilder::new(
                "SELECT a.doc, a.log_position FROM view_activity_partners p \
                 JOIN view_activities a ON a.id = p.activity_id WHERE ",
            );
            q.push_in("p.organisation", chunk).push(" AND NOT ");
            q.push_in("a.organisation", chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
        });
        found.extend(parse_docs(rows)?);
    }
    Ok(found)
}

/// The activities `code` has on its public page, the latest put there first.
pub async fn public_activities(db: &Db, code: &str) -> anyhow::Result<Vec<ActivityDoc>> {
    let rows: Vec<(String, i64)> = on_db!(db, pool => sqlx::query(
        "SELECT a.doc, a.log_position FROM view_public_activities p \
         JOIN view_activities a ON a.id = p.activity_id WHERE p.organisation = $1",
    )
    .bind(code)
    .fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect());
    let mut found: Vec<ActivityDoc> = parse_docs(rows)?
        .into_iter()
        .map(|(a, _): (ActivityDoc, i64)| a)
        .filter(|a| a.public_since.is_some() && a.lead_organisation.as_str() == code)
        .collect();
    found.sort_by_key(|a| std::cmp::Reverse((a.public_since, a.id)));
    Ok(found)
}

async fn activities_where(
    db: &Db,
    by: Option<(&str, &[String])>,
) -> anyhow::Result<Vec<(ActivityDoc, i64)>> {
    let rows: Vec<(String, i64)> = on_db!(db, pool => {
        let mut q = QueryBuilder::new("SELECT doc, log_position FROM view_activities");
        if let Some((key, ids)) = by {
            q.push(" WHERE ").push_in(key, ids);
        }
        q.push(" ORDER BY log_position");
        q.build().fetch_all(pool).await?.into_iter().map(|r| (r.get(0), r.get(1))).collect()
    });
    parse_docs(rows)
}

/// Which of the activities `ids` have at least one input item recorded.
pub async fn with_input_recorded(db: &Db, ids: &[String]) -> anyhow::Result<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<String> = on_db!(db, pool => {
            let mut q = QueryBuilder::new("SELECT DISTINCT activity_id FROM view_input_items WHERE ");
            q.push_in("activity_id", chunk);
            q.build().fetch_all(pool).await?.into_iter().map(|r| r.get(0)).collect()
        });
        found.extend(rows);
    }
    Ok(found)
}
