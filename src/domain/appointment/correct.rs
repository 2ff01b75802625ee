//! Corrections of an appointment: amending its role, voting and term dates.

use super::aggregate::Made;
use super::rules::seat_taken;
use super::{Appointment, AppointmentChanges, AppointmentError, AppointmentEvent};
use crate::check_fields;
use crate::domain::common::FieldError;
use crate::domain::correction::{not_after_day, not_before_day, something_changes, Correction};
use crate::domain::services::Services;

impl Made {
    /// Takes the corrected facts in.
    pub(super) fn amend(&mut self, changes: AppointmentChanges) {
        let AppointmentChanges {
            role,
            voting,
            term_start,
            term_end,
        } = changes;
        self.role = role.unwrap_or(self.role);
        self.voting = voting.unwrap_or(self.voting);
        self.term_start = term_start.unwrap_or(self.term_start);
        self.term_end = term_end.unwrap_or(self.term_end);
    }
}

impl Appointment {
    /// The corrected term must run forwards, reach past the end its latest renewal extended,
    /// and still hold the day the appointment ended, if it did; every fault names both dates.
    fn term_fits(&self, made: &Made, changes: &AppointmentChanges) -> Result<(), FieldError> {
        let start = changes.term_start.unwrap_or(made.term_start);
        let end = changes.term_end.unwrap_or(made.term_end);
        let fault = |field, problem: String| Err(FieldError::new(field, problem));
        if changes.term_end.is_some() {
            if end <= start {
                return fault(
                    "termEnd",
                    format!("{end} is not after the term start, {start}"),
                );
            }
            if let Some(extended) = made.extended_from.filter(|from| end <= *from) {
                let problem = format!(
                    "{end} is not after the term end its latest renewal extended, {extended}"
                );
                return fault("termEnd", problem);
            }
            not_before_day(
                "termEnd",
                end,
                self.ended_on,
                "the day the appointment ended",
            )?;
        }
        if changes.term_start.is_some() {
            if start >= end {
                return fault(
                    "termStart",
                    format!("{start} is not before the term end, {end}"),
                );
            }
            not_after_day(
                "termStart",
                start,
                self.ended_on,
                "the day the appointment ended",
            )?;
        }
        Ok(())
    }

    /// Amends an appointment, ended or not: a correction records nothing new.
    pub(super) async fn amend(
        &self,
        services: &Services,
        changes: AppointmentChanges,
        correction: Correction,
    ) -> Result<AppointmentEvent, AppointmentError> {
        let made = self.made.as_ref().ok_or(AppointmentError::NotFound)?;
        // Only what differs from the record is a change.
        let changes = AppointmentChanges {
            role: changes.role.filter(|r| *r != made.role),
            voting: changes.voting.filter(|v| *v != made.voting),
            term_start: changes.term_start.filter(|d| *d != made.term_start),
            term_end: changes.term_end.filter(|d| *d != made.term_end),
        };
        check_fields! {
            _term = self.term_fits(made, &changes);
            correction = correction.checked();
        }
        something_changes(&changes.fields())?;
        if changes.term_start.is_some() || changes.term_end.is_some() {
            let start = changes.term_start.unwrap_or(made.term_start);
            let end = changes.term_end.unwrap_or(made.term_end);
            let served_to = self.ended_on.map_or(end, |ended| ended.min(end));
            let (participant, board) = (made.participant_id, made.board_id);
            if seat_taken(
                services,
                participant,
                board,
                Some(made.id),
                start,
                served_to,
            )
            .await?
            {
                let field = if changes.term_end.is_some() {
                    "termEnd"
                } else {
                    "termStart"
                };
                return Err(AppointmentError::TermOverlaps { field });
            }
        }
        Ok(AppointmentEvent::Amended {
            changes,
            correction,
        })
    }
}
