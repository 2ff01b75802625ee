//! Corrections of a board: amending its recorded facts (name, kind, the day established).

use chrono::NaiveDate;

use super::aggregate::Established;
use super::{Board, BoardChanges, BoardError, BoardEvent};
use crate::check_fields;
use crate::domain::common::{bounded_text, limits, FieldError};
use crate::domain::correction::{not_after_day, something_changes, Correction};
use crate::domain::rules::not_in_future;

impl Established {
    /// Takes the corrected facts in.
    pub(super) fn amend(&mut self, changes: BoardChanges) {
        let BoardChanges {
            name,
            kind,
            established_on,
        } = changes;
        self.name = name.unwrap_or_else(|| std::mem::take(&mut self.name));
        self.kind = kind.unwrap_or(self.kind);
        self.established_on = established_on.unwrap_or(self.established_on);
    }
}

impl Board {
    /// A new established-on date must not be in the future, nor after anything that followed
    /// the establishment: the first seat setting, or the dissolution.
    fn established_on_fits(&self, on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
        const FIELD: &str = "establishedOn";
        not_in_future(FIELD, on, today)?;
        not_after_day(
            FIELD,
            on,
            self.first_seats_from,
            "the first seat setting's start",
        )?;
        not_after_day(FIELD, on, self.dissolved_on, "the board's dissolution")
    }

    /// Amends an established board, dissolved or not: a correction records nothing new.
    pub(super) fn amend(
        &self,
        changes: BoardChanges,
        correction: Correction,
        today: NaiveDate,
    ) -> Result<BoardEvent, BoardError> {
        let established = self.established.as_ref().ok_or(BoardError::NotFound)?;
        check_fields! {
            name = changes
                .name
                .as_deref()
                .map(|n| bounded_text("name", n, limits::TITLE, true))
                .transpose();
            _established = changes
                .established_on
                .map_or(Ok(()), |on| self.established_on_fits(on, today));
            correction = correction.checked();
        }
        // Only what differs from the record is a change.
        let changes = BoardChanges {
            name: name.filter(|n| *n != established.name),
            kind: changes.kind.filter(|k| *k != established.kind),
            established_on: changes
                .established_on
                .filter(|d| *d != established.established_on),
        };
        something_changes(&changes.fields())?;
        Ok(BoardEvent::BoardAmended {
            changes,
            correction,
        })
    }
}
