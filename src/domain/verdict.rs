//! The verdict: was a piece of input genuinely acted on, as of a given date?
//!
//! Computed from the dates things happened, so a year of history entered on one day gives the
//! same answers as if it had been entered as it happened.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::common::DecisionOutcome;

/// The verdict on one input item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InputVerdict {
    Unanswered,
    Overdue,
    Declined,
    AlreadyInPlace,
    Referred,
    Planned,
    Stalled,
    ActedOn,
    /// Withdrawn as recorded in error or as a duplicate: it counts in nothing.
    Withdrawn,
}

impl InputVerdict {
    /// Every verdict an item that counts can have, in the order reports list them (a withdrawn
    /// item counts in no list).
    pub const ALL: [InputVerdict; 8] = [
        Self::Unanswered,
        Self::Overdue,
        Self::Declined,
        Self::AlreadyInPlace,
        Self::Referred,
        Self::Planned,
        Self::Stalled,
        Self::ActedOn,
    ];
}

/// Something about an item's handling that undermines the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerdictWarning {
    /// A linked action was agreed before the input was raised: consultation after the fact.
    DecidedBeforeInput,
    /// A linked action was completed with no outcome text or no evidence.
    NoOutcomeEvidence,
    /// The first decision came after the response window.
    LateResponse,
    /// Accepted, but no action has been linked to it yet.
    NoLinkedAction,
}

/// A decision as the verdict needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedDecision {
    pub outcome: DecisionOutcome,
    pub decided_on: NaiveDate,
    /// For a referral, the response window of the organisation it names: its answer is due
    /// that many days after the referral.
    pub referee_window_days: Option<u32>,
}

/// `days` after `from`, or the end of time when that overflows.
fn days_after(from: NaiveDate, days: u32) -> NaiveDate {
    from.checked_add_days(chrono::Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// A linked action as the verdict needs it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActionDates {
    pub proposed_on: NaiveDate,
    /// The day a later link tied the action to this item; none when it answered the item from
    /// its proposal.
    pub linked_on: Option<NaiveDate>,
    pub agreed_on: Option<NaiveDate>,
    /// The due date first set, then each change as (date changed, new due date), in order.
    pub due_on: NaiveDate,
    pub due_changes: Vec<(NaiveDate, NaiveDate)>,
    /// Completion date, and whether both outcome and evidence were recorded.
    pub completed: Option<(NaiveDate, bool)>,
    pub abandoned_on: Option<NaiveDate>,
}

impl ActionDates {
    /// The day the action began to answer the item: its proposal, or a later link.
    fn answers_from(&self) -> NaiveDate {
        self.linked_on.unwrap_or(self.proposed_on)
    }

    fn due_as_of(&self, as_of: NaiveDate) -> NaiveDate {
        self.due_changes
            .iter()
            .filter(|(changed_on, _)| *changed_on <= as_of)
            .fold(self.due_on, |_, (_, due)| *due)
    }

    fn completed_by(&self, as_of: NaiveDate) -> Option<(NaiveDate, bool)> {
        self.completed.filter(|(on, _)| *on <= as_of)
    }

    fn abandoned_by(&self, as_of: NaiveDate) -> bool {
        self.abandoned_on.is_some_and(|on| on <= as_of)
    }
}

/// Everything the verdict of one input item depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemDates {
    pub raised_on: NaiveDate,
    pub response_window_days: u32,
    /// Decisions in the order they were taken (first decision, then revisions).
    pub decisions: Vec<DatedDecision>,
    pub actions: Vec<ActionDates>,
    /// Dates participants were told: feedback on the item and on its whole activity.
    pub feedback: Vec<NaiveDate>,
    /// Withdrawn (recorded in error or a duplicate): as of every date, since it never was.
    pub withdrawn: bool,
}

/// The verdict and what goes with it, as of one date.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub verdict: InputVerdict,
    pub loop_closed: bool,
    pub warnings: Vec<VerdictWarning>,
    pub genuinely_acted_on: bool,
    /// The first decision's date, if decided by then.
    pub first_decided_on: Option<NaiveDate>,
    /// Answered, each step within its window: the owner's first decision within the response
    /// window and, where that referred the item, the partner's answer within the partner's
    /// window counted from the referral. A referral alone is not an answer.
    pub answered_in_time: bool,
    /// The first completion of a linked action, if acted on by then.
    pub outcome_on: Option<NaiveDate>,
    /// The feedback that closed the loop, if it is closed.
    pub loop_closed_on: Option<NaiveDate>,
    /// The last day a decision was due without being late.
    pub respond_by: NaiveDate,
}

/// How the decisions so far answer an item.
struct Answer {
    /// A step came after its window: the first decision, or a partner's answer to a referral.
    late: bool,
    /// A decision other than a referral has been taken.
    answered: bool,
    /// The day the answer was (or is) due: the owner's, or after a referral the partner's.
    due: NaiveDate,
}

impl ItemDates {
    /// Follows `decisions` (those taken by the date asked) from the first: each is due by the
    /// window in force, the owner's from the raising and, after a referral, the partner's
    /// from the referral. The first that is not a referral answers the item.
    fn answer(&self, decisions: &[&DatedDecision], respond_by: NaiveDate) -> Answer {
        let mut due = respond_by;
        let mut late = false;
        for decision in decisions {
            late |= decision.decided_on > due;
            if decision.outcome != DecisionOutcome::Referred {
                return Answer {
                    late,
                    answered: true,
                    due,
                };
            }
            let window = decision
                .referee_window_days
                .unwrap_or(self.response_window_days);
            due = days_after(decision.decided_on, window);
        }
        Answer {
            late,
            answered: false,
            due,
        }
    }

    /// The earliest day a linked action still open (neither completed nor abandoned) is due,
    /// as of `as_of`.
    pub fn next_due(&self, as_of: NaiveDate) -> Option<NaiveDate> {
        self.actions
            .iter()
            .filter(|a| a.answers_from() <= as_of && !a.abandoned_by(as_of))
            .filter(|a| a.completed_by(as_of).is_none())
            .map(|a| a.due_as_of(as_of))
            .min()
    }

    /// Assesses the item as of `as_of`, counting only what had happened by then.
    pub fn assess(&self, as_of: NaiveDate) -> Assessment {
        let respond_by = days_after(self.raised_on, self.response_window_days);
        if self.withdrawn {
            return Assessment {
                verdict: InputVerdict::Withdrawn,
                loop_closed: false,
                warnings: Vec::new(),
                genuinely_acted_on: false,
                first_decided_on: None,
                answered_in_time: false,
                outcome_on: None,
                loop_closed_on: None,
                respond_by,
            };
        }
        let decisions: Vec<_> = self
            .decisions
            .iter()
            .filter(|d| d.decided_on <= as_of)
            .collect();
        let actions: Vec<_> = self
            .actions
            .iter()
            .filter(|a| a.answers_from() <= as_of)
            .collect();
        let first_decided_on = decisions.first().map(|d| d.decided_on);
        let latest = decisions.last();

        let outcome_on = actions
            .iter()
            .filter_map(|a| a.completed_by(as_of))
            .map(|(on, _)| on)
            .min();
        let Answer {
            late,
            answered,
            due,
        } = self.answer(&decisions, respond_by);
        let verdict = match latest.map(|d| d.outcome) {
            None if as_of > respond_by => InputVerdict::Overdue,
            None => InputVerdict::Unanswered,
            Some(DecisionOutcome::Declined) => InputVerdict::Declined,
            Some(DecisionOutcome::AlreadyInPlace) => InputVerdict::AlreadyInPlace,
            // A referral unanswered past the partner's window is as overdue as input never
            // answered.
            Some(DecisionOutcome::Referred) if as_of > due => InputVerdict::Overdue,
            Some(DecisionOutcome::Referred) => InputVerdict::Referred,
            Some(DecisionOutcome::Accepted) if outcome_on.is_some() => InputVerdict::ActedOn,
            Some(DecisionOutcome::Accepted) => {
                let live: Vec<_> = actions.iter().filter(|a| !a.abandoned_by(as_of)).collect();
                let all_abandoned = !actions.is_empty() && live.is_empty();
                if all_abandoned || live.iter().any(|a| a.due_as_of(as_of) < as_of) {
                    InputVerdict::Stalled
                } else {
                    InputVerdict::Planned
                }
            }
        };

        let mut warnings = Vec::new();
        if actions.iter().any(|a| {
            a.agreed_on
                .is_some_and(|on| on <= as_of && on < self.raised_on)
        }) {
            warnings.push(VerdictWarning::DecidedBeforeInput);
        }
        if actions.iter().any(|a| {
            a.completed_by(as_of)
                .is_some_and(|(_, evidenced)| !evidenced)
        }) {
            warnings.push(VerdictWarning::NoOutcomeEvidence);
        }
        if late {
            warnings.push(VerdictWarning::LateResponse);
        }
        if latest.is_some_and(|d| d.outcome == DecisionOutcome::Accepted) && actions.is_empty() {
            warnings.push(VerdictWarning::NoLinkedAction);
        }

        // Feedback closes the loop when it came after the decision now in force and, for input
        // acted on, after the outcome too.
        let loop_closed_on = latest.and_then(|decision| {
            let after = match verdict {
                InputVerdict::ActedOn => {
                    outcome_on.map_or(decision.decided_on, |o| o.max(decision.decided_on))
                }
                _ => decision.decided_on,
            };
            self.feedback
                .iter()
                .copied()
                .filter(|f| *f >= after && *f <= as_of)
                .min()
        });
        let loop_closed = loop_closed_on.is_some();
        let genuinely_acted_on = verdict == InputVerdict::ActedOn
            && loop_closed
            && !warnings.contains(&VerdictWarning::DecidedBeforeInput);
        Assessment {
            verdict,
            loop_closed,
            warnings,
            genuinely_acted_on,
            first_decided_on,
            answered_in_time: answered && !late,
            outcome_on,
            loop_closed_on,
            respond_by: due,
        }
    }
}

mod steps;
/// A random history of one item, for tests that go over many.
#[cfg(test)]
pub(crate) use steps::tests::history as random_history;
#[cfg(test)]
mod tests;
