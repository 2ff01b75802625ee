//! Corrections of a board meeting: amending the day it is scheduled for, the day it was held,
//! who attended, whether it was quorate, and what a decision taken at it cites.

use chrono::NaiveDate;

use super::rules::{attendees_seated, citations_exist};
use super::{
    BoardMeeting, BoardMeetingError, BoardMeetingEvent, DecisionCitations, MeetingChanges,
};
use crate::check_fields;
use crate::domain::common::FieldError;
use crate::domain::correction::{put_right, something_changes, Correction};
use crate::domain::rules::{dedupe, not_in_future, short_list};
use crate::domain::services::Services;

impl BoardMeeting {
    /// Takes the corrected facts in.
    pub(super) fn take_in(&mut self, changes: MeetingChanges) {
        if let (Some(day), Some(scheduled)) = (changes.scheduled_for, self.scheduled.as_mut()) {
            scheduled.scheduled_for = day;
        }
        self.papers_issued_on = changes.papers_issued_on.or(self.papers_issued_on);
        if let Some(held) = self.held.as_mut() {
            put_right(&mut held.held_on, changes.held_on);
            put_right(&mut held.attended, changes.attended);
            put_right(&mut held.quorate, changes.quorate);
        }
        let Some(cited) = changes.decision else {
            return;
        };
        if let Some(decision) = self
            .decisions
            .iter_mut()
            .find(|d| d.id == cited.decision_id)
        {
            if let Some(items) = cited.cited_input_items {
                decision.input_items = items;
            }
            if let Some(actions) = cited.cited_actions {
                decision.actions = actions;
            }
        }
    }

    /// A corrected day in force must still follow the day a postponement moved it from.
    fn scheduled_for_fits(&self, day: NaiveDate) -> Result<(), FieldError> {
        match self.postponed_from.filter(|from| day <= *from) {
            Some(from) => Err(FieldError::new(
                "scheduledFor",
                format!("{day} is not after the day the meeting was postponed from, {from}"),
            )),
            None => Ok(()),
        }
    }

    /// A corrected day the papers went out: recorded already, and not in the future.
    fn papers_issued_fits(&self, day: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
        if self.papers_issued_on.is_none() {
            return Err(FieldError::new(
                "papersIssuedOn",
                "no papers have been recorded as issued; record them instead",
            ));
        }
        not_in_future("papersIssuedOn", day, today).map(drop)
    }

    /// The corrected citations of a recorded decision, keeping only the lists that differ.
    pub(super) fn citations_differing(
        &self,
        cited: Option<DecisionCitations>,
    ) -> Result<Option<DecisionCitations>, BoardMeetingError> {
        let Some(cited) = cited else {
            return Ok(None);
        };
        let recorded = self
            .decisions
            .iter()
            .find(|d| d.id == cited.decision_id)
            .ok_or(BoardMeetingError::DecisionNotFound)?;
        let items = cited.cited_input_items.map(dedupe);
        let actions = cited.cited_actions.map(dedupe);
        let differing = DecisionCitations {
            decision_id: cited.decision_id,
            cited_input_items: items.filter(|i| *i != recorded.input_items),
            cited_actions: actions.filter(|a| *a != recorded.actions),
        };
        let changed = differing.cited_input_items.is_some() || differing.cited_actions.is_some();
        Ok(changed.then_some(differing))
    }

    /// Amends a scheduled meeting; what holding it recorded only once held. A cancelled
    /// meeting's day may be put right too: a correction records nothing new.
    pub(super) async fn amend(
        &self,
        services: &Services,
        changes: MeetingChanges,
        correction: Correction,
    ) -> Result<BoardMeetingEvent, BoardMeetingError> {
        let scheduled = self.scheduled.as_ref().ok_or(BoardMeetingError::NotFound)?;
        let of_holding = changes.held_on.is_some()
            || changes.attended.is_some()
            || changes.quorate.is_some()
            || changes.decision.is_some();
        let held = self.held.as_ref();
        if of_holding && held.is_none() {
            return Err(BoardMeetingError::NotHeld);
        }
        let cited = changes.decision.as_ref();
        let count = |list: Option<&Vec<_>>| list.map_or(0, Vec::len);
        check_fields! {
            _scheduled = changes
                .scheduled_for
                .map_or(Ok(()), |day| self.scheduled_for_fits(day));
            _papers = changes
                .papers_issued_on
                .map_or(Ok(()), |day| self.papers_issued_fits(day, services.today()));
            _held = changes
                .held_on
                .map_or(Ok(()), |day| not_in_future("heldOn", day, services.today()).map(drop));
            _items = short_list(
                "decision.citedInputItemIds",
                count(cited.and_then(|c| c.cited_input_items.as_ref())),
            );
            _actions = short_list(
                "decision.citedActionIds",
                count(cited.and_then(|c| c.cited_actions.as_ref())),
            );
            correction = correction.checked();
        }
        // Only what differs from the record is a change.
        let changes = MeetingChanges {
            scheduled_for: changes
                .scheduled_for
                .filter(|d| *d != scheduled.scheduled_for),
            papers_issued_on: changes
                .papers_issued_on
                .filter(|d| Some(*d) != self.papers_issued_on),
            held_on: changes
                .held_on
                .filter(|d| held.is_some_and(|h| *d != h.held_on)),
            attended: changes
                .attended
                .filter(|a| held.is_some_and(|h| *a != h.attended)),
            quorate: changes
                .quorate
                .filter(|q| held.is_some_and(|h| *q != h.quorate)),
            decision: self.citations_differing(changes.decision)?,
        };
        something_changes(&changes.fields())?;
        if let Some(held) = held.filter(|_| changes.held_on.is_some() || changes.attended.is_some())
        {
            let held_on = changes.held_on.unwrap_or(held.held_on);
            let attended = changes.attended.as_ref().unwrap_or(&held.attended);
            attendees_seated(services, scheduled.board_id, held_on, attended).await?;
        }
        if let Some(cited) = &changes.decision {
            let items = cited.cited_input_items.as_deref().unwrap_or_default();
            let actions = cited.cited_actions.as_deref().unwrap_or_default();
            citations_exist(services, items, actions).await?;
        }
        Ok(BoardMeetingEvent::MeetingAmended {
            changes,
            correction,
        })
    }
}
