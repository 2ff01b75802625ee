//! The `Activity` aggregate: its state, rules and how events change it.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{check_attendance, check_demographics, organisations_exist, partner_codes};
use super::{ActivityCommand, ActivityError, ActivityEvent};
use crate::check_fields;
use crate::domain::common::{
    bounded_text, limits, AccessibleFormat, ActivityKind, Attendance, DemographicSnapshot,
    FieldError, OdsCode, Principle,
};
use crate::domain::correction::put_right;
use crate::domain::feedback::Given;
use crate::domain::rules::{dedupe, not_before, not_in_future, short_list};
use crate::domain::services::{ActivityFacts, Services};

/// An activity as its events left it; empty until planned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub(super) planned: Option<Planned>,
    /// Every publication of information, in the order recorded.
    pub(super) publications: Vec<Publication>,
    pub(super) held: Option<Held>,
    pub(super) report_on: Option<NaiveDate>,
    cancelled_on: Option<NaiveDate>,
    /// Feedback on the whole activity, in the order recorded.
    pub(super) feedback: Vec<Given>,
    /// Whether it is on its organisation's public page.
    #[serde(default)]
    published: bool,
}

/// What planning recorded, as amended since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Planned {
    pub(super) id: Uuid,
    pub(super) kind: ActivityKind,
    pub(super) title: String,
    pub(super) topic: String,
    pub(super) lead_organisation: OdsCode,
    pub(super) partner_organisations: Vec<OdsCode>,
    pub(super) principles: Vec<Principle>,
    pub(super) planned_on: NaiveDate,
}

/// One publication of information.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Publication {
    pub(super) published_on: NaiveDate,
    pub(super) accessible_formats: Vec<AccessibleFormat>,
}

/// What holding the activity recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Held {
    pub(super) held_on: NaiveDate,
    pub(super) attendance: Attendance,
    pub(super) demographics: DemographicSnapshot,
}

impl Activity {
    /// What other aggregates may know of this activity; `None` before it is planned.
    pub fn facts(&self) -> Option<ActivityFacts> {
        self.planned.as_ref().map(|p| ActivityFacts {
            id: p.id,
            lead_organisation: p.lead_organisation.clone(),
            partner_organisations: p.partner_organisations.clone(),
            planned_on: p.planned_on,
            cancelled: self.cancelled_on.is_some(),
        })
    }

    /// The activity's id, once planned.
    pub fn id(&self) -> Option<Uuid> {
        self.planned.as_ref().map(|p| p.id)
    }

    /// The organisation leading the activity, once planned.
    pub fn lead_organisation(&self) -> Option<&OdsCode> {
        self.planned.as_ref().map(|p| &p.lead_organisation)
    }

    /// The partner organisations; empty before planning.
    pub fn partner_organisations(&self) -> &[OdsCode] {
        self.planned
            .as_ref()
            .map_or(&[], |p| p.partner_organisations.as_slice())
    }

    /// The planned date, once planned.
    pub fn planned_on(&self) -> Option<NaiveDate> {
        self.planned.as_ref().map(|p| p.planned_on)
    }

    /// When the activity was held, if it was.
    pub fn held_on(&self) -> Option<NaiveDate> {
        self.held.as_ref().map(|h| h.held_on)
    }

    /// Whether the activity was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled_on.is_some()
    }

    /// Every date information was published, in the order recorded.
    pub fn information_published_on(&self) -> Vec<NaiveDate> {
        self.publications.iter().map(|p| p.published_on).collect()
    }

    /// Every format information has been offered in, across all publications.
    pub fn accessible_formats(&self) -> Vec<AccessibleFormat> {
        dedupe(
            self.publications
                .iter()
                .flat_map(|p| p.accessible_formats.iter().copied())
                .collect(),
        )
    }

    /// Every command but Plan: the activity must exist and not be cancelled, then each rule.
    fn follow_up(
        &self,
        command: ActivityCommand,
        today: NaiveDate,
    ) -> Result<ActivityEvent, ActivityError> {
        let planned = self.planned.as_ref().ok_or(ActivityError::NotFound)?;
        if self.cancelled_on.is_some() {
            return Err(ActivityError::Cancelled);
        }
        let event = match command {
            ActivityCommand::Plan { .. } => return Err(ActivityError::AlreadyExists),
            ActivityCommand::Amend { .. }
            | ActivityCommand::AmendInformation { .. }
            | ActivityCommand::AmendFeedback { .. } => {
                unreachable!("corrections are handled before the follow-up rules")
            }
            ActivityCommand::RecordInformationPublished {
                published_on,
                accessible_formats,
            } => {
                check_fields! {
                    published_on = not_in_future("publishedOn", published_on, today);
                    _formats = short_list("accessibleFormats", accessible_formats.len());
                }
                ActivityEvent::InformationPublished {
                    published_on,
                    accessible_formats: dedupe(accessible_formats),
                }
            }
            ActivityCommand::RecordHeld {
                held_on,
                attendance,
                demographics,
                before_planned_date,
            } => {
                if self.held.is_some() {
                    return Err(ActivityError::AlreadyHeld);
                }
                let before_planned = |held_on: NaiveDate| {
                    if held_on < planned.planned_on && !before_planned_date {
                        let problem = format!(
                            "{held_on} is before the date it was planned for, {}; set \
                             beforePlannedDate to confirm it",
                            planned.planned_on
                        );
                        return Err(FieldError::new("heldOn", problem));
                    }
                    Ok(held_on)
                };
                check_fields! {
                    _held = not_in_future("heldOn", held_on, today).and_then(before_planned);
                    _attendance = check_attendance(&attendance);
                    _demographics = check_demographics(&demographics);
                }
                ActivityEvent::ActivityHeld {
                    held_on,
                    attendance,
                    demographics,
                }
            }
            ActivityCommand::PublishReport {
                published_on,
                summary,
            } => {
                self.held_on().ok_or(ActivityError::NotHeld)?;
                check_fields! {
                    published_on = self.after_held("publishedOn", published_on, today);
                    summary = bounded_text("summary", &summary, limits::TEXT, true);
                }
                ActivityEvent::ReportPublished {
                    published_on,
                    summary,
                }
            }
            ActivityCommand::Postpone {
                planned_on,
                postponed_on,
                reason,
            } => {
                if self.held.is_some() {
                    return Err(ActivityError::AlreadyHeld);
                }
                let later = |to: NaiveDate| {
                    if to > planned.planned_on {
                        Ok(to)
                    } else {
                        let problem = format!(
                            "{to} is not after the date it is planned for, {}",
                            planned.planned_on
                        );
                        Err(FieldError::new("plannedOn", problem))
                    }
                };
                check_fields! {
                    planned_on = later(planned_on);
                    postponed_on = not_in_future("postponedOn", postponed_on, today);
                    reason = bounded_text("reason", &reason, limits::TEXT, true);
                }
                ActivityEvent::ActivityPostponed {
                    planned_on,
                    postponed_on,
                    reason,
                }
            }
            ActivityCommand::Cancel {
                cancelled_on,
                reason,
            } => {
                if self.held.is_some() {
                    return Err(ActivityError::WasHeld);
                }
                check_fields! {
                    cancelled_on = not_in_future("cancelledOn", cancelled_on, today);
                    reason = bounded_text("reason", &reason, limits::TEXT, true);
                }
                ActivityEvent::ActivityCancelled {
                    cancelled_on,
                    reason,
                }
            }
            ActivityCommand::Publish if self.published => {
                return Err(ActivityError::AlreadyPublished)
            }
            ActivityCommand::Publish => ActivityEvent::ActivityPublished {},
            ActivityCommand::Unpublish { reason } => {
                if !self.published {
                    return Err(ActivityError::NotPublished);
                }
                check_fields! {
                    reason = bounded_text("reason", &reason, limits::TEXT, true);
                }
                ActivityEvent::ActivityUnpublished { reason }
            }
            ActivityCommand::GiveFeedback {
                given_on,
                channel,
                summary,
            } => {
                self.held_on().ok_or(ActivityError::NotHeld)?;
                check_fields! {
                    given_on = self.after_held("givenOn", given_on, today);
                    summary = bounded_text("summary", &summary, limits::TEXT, true);
                }
                ActivityEvent::ActivityFeedbackGiven {
                    given_on,
                    channel,
                    summary,
                }
            }
        };
        Ok(event)
    }

    /// Checks a date recorded after the activity was held: not future, not before it was held.
    fn after_held(
        &self,
        field: &'static str,
        date: NaiveDate,
        today: NaiveDate,
    ) -> Result<NaiveDate, FieldError> {
        let Some(held_on) = self.held_on() else {
            return Ok(date);
        };
        not_in_future(field, date, today)?;
        not_before(field, date, held_on, "the activity was held")?;
        Ok(date)
    }
}

impl Aggregate for Activity {
    const TYPE: &'static str = "Activity";
    type Command = ActivityCommand;
    type Event = ActivityEvent;
    type Error = ActivityError;
    type Services = Services;

    async fn handle(
        &mut self,
        command: Self::Command,
        services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let event = match command {
            ActivityCommand::Plan {
                activity_id,
                kind,
                title,
                topic,
                lead_organisation,
                partner_organisations,
                principles,
                planned_on,
            } => {
                if self.planned.is_some() {
                    return Err(ActivityError::AlreadyExists);
                }
                check_fields! {
                    title = bounded_text("title", &title, limits::TITLE, true);
                    topic = bounded_text("topic", &topic, limits::TITLE, true);
                    lead = OdsCode::parse("leadOrganisation", &lead_organisation);
                    partners = partner_codes(lead.as_ref(), &partner_organisations);
                    _principles = short_list("principles", principles.len());
                }
                organisations_exist(services, &lead, &partners).await?;
                ActivityEvent::ActivityPlanned {
                    activity_id,
                    kind,
                    title,
                    topic,
                    lead_organisation: lead,
                    partner_organisations: partners.into_iter().map(|(_, code)| code).collect(),
                    principles: dedupe(principles),
                    planned_on,
                }
            }
            ActivityCommand::Amend {
                changes,
                partner_organisations,
                correction,
            } => {
                self.amend(changes, partner_organisations, correction, services)
                    .await?
            }
            ActivityCommand::AmendInformation {
                index,
                changes,
                correction,
            } => self.amend_information(index, changes, correction, services.today())?,
            ActivityCommand::AmendFeedback {
                index,
                changes,
                correction,
            } => self.amend_feedback(index, changes, correction, services.today())?,
            other => self.follow_up(other, services.today())?,
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            ActivityEvent::ActivityPlanned {
                activity_id,
                kind,
                title,
                topic,
                lead_organisation,
                partner_organisations,
                principles,
                planned_on,
            } => {
                self.planned = Some(Planned {
                    id: activity_id,
                    kind,
                    title,
                    topic,
                    lead_organisation,
                    partner_organisations,
                    principles,
                    planned_on,
                });
            }
            ActivityEvent::InformationPublished {
                published_on,
                accessible_formats,
            } => self.publications.push(Publication {
                published_on,
                accessible_formats,
            }),
            ActivityEvent::ActivityHeld {
                held_on,
                attendance,
                demographics,
            } => {
                self.held = Some(Held {
                    held_on,
                    attendance,
                    demographics,
                });
            }
            ActivityEvent::ActivityPostponed { planned_on, .. } => {
                if let Some(planned) = &mut self.planned {
                    planned.planned_on = planned_on;
                }
            }
            ActivityEvent::ActivityCancelled { cancelled_on, .. } => {
                self.cancelled_on = Some(cancelled_on);
            }
            ActivityEvent::ReportPublished { published_on, .. } => {
                self.report_on = Some(published_on);
            }
            ActivityEvent::ActivityFeedbackGiven {
                given_on,
                channel,
                summary,
            } => self.feedback.push(Given {
                given_on,
                channel,
                summary,
            }),
            ActivityEvent::ActivityPublished {} => self.published = true,
            ActivityEvent::ActivityUnpublished { .. } => self.published = false,
            ActivityEvent::ActivityAmended { changes, .. } => self.take_in(changes),
            ActivityEvent::InformationAmended { index, changes, .. } => {
                if let Some(publication) = self.publications.get_mut(index) {
                    put_right(&mut publication.published_on, changes.published_on);
                    put_right(
                        &mut publication.accessible_formats,
                        changes.accessible_formats,
                    );
                }
            }
            ActivityEvent::ActivityFeedbackAmended { index, changes, .. } => {
                if let Some(given) = self.feedback.get_mut(index) {
                    given.take_in(changes);
                }
            }
        }
    }
}
