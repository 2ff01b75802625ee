//! Amending an activity's recorded facts: what was planned, when and how it was held, each
//! publication of information and each piece of feedback. A cancelled activity can be
//! corrected too: the record of it should still be right.

use chrono::NaiveDate;

use super::aggregate::{Held, Planned};
use super::events::{ActivityChanges, PublicationChanges};
use super::rules::{check_attendance, check_demographics, organisations_exist, partner_codes};
use super::{Activity, ActivityError, ActivityEvent};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError};
use crate::domain::correction::{put_right, something_changes, Correction};
use crate::domain::feedback::{self, FeedbackChanges};
use crate::domain::rules::{dedupe, not_after, not_in_future, short_list};
use crate::domain::services::Services;

impl Activity {
    /// Takes the corrected facts in.
    pub(super) fn take_in(&mut self, changes: ActivityChanges) {
        if let Some(planned) = self.planned.as_mut() {
            put_right(&mut planned.kind, changes.kind);
            put_right(&mut planned.title, changes.title);
            put_right(&mut planned.topic, changes.topic);
            put_right(&mut planned.principles, changes.principles);
            put_right(
                &mut planned.partner_organisations,
                changes.partner_organisations,
            );
            put_right(&mut planned.planned_on, changes.planned_on);
        }
        if let Some(held) = self.held.as_mut() {
            put_right(&mut held.held_on, changes.held_on);
            put_right(&mut held.attendance, changes.attendance);
            put_right(&mut held.demographics, changes.demographics);
        }
    }

    /// A corrected held date: not in the future, and not after the report or any feedback,
    /// which followed the holding.
    fn held_on_fits(&self, held_on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
        not_in_future("heldOn", held_on, today)?;
        if let Some(report_on) = self.report_on {
            not_after("heldOn", held_on, report_on, "its report was published")?;
        }
        feedback::none_before("heldOn", held_on, &self.feedback)
    }

    /// The holding, for an amendment of what it recorded.
    fn held_for(&self, changes: &ActivityChanges) -> Result<Option<&Held>, FieldError> {
        let touches_holding = changes.held_on.is_some()
            || changes.attendance.is_some()
            || changes.demographics.is_some();
        if touches_holding && self.held.is_none() {
            let field = changes
                .fields()
                .into_iter()
                .find(|f| ["heldOn", "attendance", "demographics"].contains(f));
            return Err(FieldError::new(
                field.unwrap_or("heldOn"),
                "the activity has not been held; record that it was held instead",
            ));
        }
        Ok(self.held.as_ref())
    }

    pub(super) async fn amend(
        &self,
        changes: ActivityChanges,
        partners: Option<Vec<String>>,
        correction: Correction,
        services: &Services,
    ) -> Result<ActivityEvent, ActivityError> {
        let planned = self.planned.as_ref().ok_or(ActivityError::NotFound)?;
        let text = |field, value: &Option<String>| {
            value
                .as_deref()
                .map(|v| bounded_text(field, v, limits::TITLE, true))
                .transpose()
        };
        let lead = Some(&planned.lead_organisation);
        check_fields! {
            title = text("title", &changes.title);
            topic = text("topic", &changes.topic);
            partners = partners.as_deref().map(|p| partner_codes(lead, p)).transpose();
            _principles = changes
                .principles
                .as_ref()
                .map_or(Ok(()), |p| short_list("principles", p.len()));
            held = self.held_for(&changes);
            _held_on = changes
                .held_on
                .map_or(Ok(()), |on| self.held_on_fits(on, services.today()));
            _attendance = changes.attendance.as_ref().map_or(Ok(()), check_attendance);
            _demographics = changes.demographics.as_ref().map_or(Ok(()), check_demographics);
            correction = correction.checked();
        }
        if let Some(partners) = &partners {
            organisations_exist(services, &planned.lead_organisation, partners).await?;
        }
        let partners = partners.map(|p| p.into_iter().map(|(_, code)| code).collect());
        let changes = Self::differences(
            planned,
            held,
            ActivityChanges {
                title,
                topic,
                principles: changes.principles.map(dedupe),
                partner_organisations: partners,
                ..changes
            },
        );
        something_changes(&changes.fields())?;
        Ok(ActivityEvent::ActivityAmended {
            changes,
            correction,
        })
    }

    /// Only what differs from the record is a change.
    fn differences(planned: &Planned, held: Option<&Held>, c: ActivityChanges) -> ActivityChanges {
        ActivityChanges {
            kind: c.kind.filter(|k| *k != planned.kind),
            title: c.title.filter(|t| *t != planned.title),
            topic: c.topic.filter(|t| *t != planned.topic),
            principles: c.principles.filter(|p| *p != planned.principles),
            partner_organisations: c
                .partner_organisations
                .filter(|p| *p != planned.partner_organisations),
            planned_on: c.planned_on.filter(|d| *d != planned.planned_on),
            held_on: c.held_on.filter(|d| Some(*d) != held.map(|h| h.held_on)),
            attendance: c
                .attendance
                .filter(|a| Some(a) != held.map(|h| &h.attendance)),
            demographics: c
                .demographics
                .filter(|d| Some(d) != held.map(|h| &h.demographics)),
        }
    }

    pub(super) fn amend_information(
        &self,
        index: usize,
        changes: PublicationChanges,
        correction: Correction,
        today: NaiveDate,
    ) -> Result<ActivityEvent, ActivityError> {
        self.planned.as_ref().ok_or(ActivityError::NotFound)?;
        let Some(current) = self.publications.get(index) else {
            let problem = match self.publications.len() {
                0 => "no publication of information has been recorded".to_owned(),
                n => format!("there is no publication {index}: the last is {}", n - 1),
            };
            return Err(FieldError::new("index", problem).into());
        };
        check_fields! {
            _published = changes
                .published_on
                .map_or(Ok(()), |on| not_in_future("publishedOn", on, today).map(drop));
            _formats = changes
                .accessible_formats
                .as_ref()
                .map_or(Ok(()), |f| short_list("accessibleFormats", f.len()));
            correction = correction.checked();
        }
        let changes = PublicationChanges {
            published_on: changes.published_on.filter(|d| *d != current.published_on),
            accessible_formats: changes
                .accessible_formats
                .map(dedupe)
                .filter(|f| *f != current.accessible_formats),
        };
        something_changes(&changes.fields())?;
        Ok(ActivityEvent::InformationAmended {
            index,
            changes,
            correction,
        })
    }

    pub(super) fn amend_feedback(
        &self,
        index: usize,
        changes: FeedbackChanges,
        correction: Correction,
        today: NaiveDate,
    ) -> Result<ActivityEvent, ActivityError> {
        self.planned.as_ref().ok_or(ActivityError::NotFound)?;
        let held_on = self.held_on().ok_or(ActivityError::NotHeld)?;
        let earliest = (held_on, "the activity was held");
        check_fields! {
            changes = feedback::amend(&self.feedback, index, changes, earliest, today);
            correction = correction.checked();
        }
        Ok(ActivityEvent::ActivityFeedbackAmended {
            index,
            changes,
            correction,
        })
    }
}
