//! Every projected record of a set of organisations: what a scorecard or report is computed
//! from. (Read from the views and the log by `reports`, which loads the baselines too.)

use super::scorecard::Inputs;
use super::views::action::ActionDoc;
use super::views::activity::ActivityDoc;
use super::views::appointment::AppointmentDoc;
use super::views::board::BoardDoc;
use super::views::board_meeting::MeetingDoc;
use super::views::input_item::ItemView;
use crate::domain::baseline::Shares;

/// Every projected record of a set of organisations, with their population baselines: what a
/// scorecard or report is computed from.
#[derive(Debug, Default)]
pub struct Documents {
    pub activities: Vec<ActivityDoc>,
    pub items: Vec<ItemView>,
    pub actions: Vec<ActionDoc>,
    pub boards: Vec<BoardDoc>,
    pub appointments: Vec<AppointmentDoc>,
    pub meetings: Vec<MeetingDoc>,
    pub baselines: Vec<(String, Shares)>,
}

impl Documents {
    /// The scorecard's view of these documents, counting only `organisations`' records.
    pub fn inputs<'a>(&'a self, organisations: &'a [String], margin_points: f64) -> Inputs<'a> {
        Inputs {
            activities: &self.activities,
            items: &self.items,
            actions: &self.actions,
            boards: &self.boards,
            appointments: &self.appointments,
            meetings: &self.meetings,
            organisations,
            baselines: &self.baselines,
            margin_points,
            cohorts: &[],
        }
    }
}
