//! The verdict as a step function of happened time: an item's assessment changes only on days
//! its dates name (raised, the end of a window, a decision, a link, an agreement, a due date, a
//! completion, an abandonment, feedback). Between two such days it stays as it is, so answers
//! as of any date can be kept as changes on those days rather than judged item by item.

use chrono::NaiveDate;

use super::{days_after, Assessment, DecisionOutcome, ItemDates};

/// The day after `day` (the end of time stays where it is).
fn next(day: NaiveDate) -> NaiveDate {
    day.succ_opt().unwrap_or(NaiveDate::MAX)
}

impl ItemDates {
    /// The days on which the assessment can differ from the day before, in order, each once.
    /// On every other day it is the same as the day before.
    pub fn change_days(&self) -> Vec<NaiveDate> {
        let window_end = days_after(self.raised_on, self.response_window_days);
        let mut days = vec![self.raised_on, next(window_end)];
        for decision in &self.decisions {
            days.push(decision.decided_on);
            if decision.outcome == DecisionOutcome::Referred {
                let window = decision
                    .referee_window_days
                    .unwrap_or(self.response_window_days);
                days.push(next(days_after(decision.decided_on, window)));
            }
        }
        for action in &self.actions {
            days.push(action.answers_from());
            days.extend(action.agreed_on);
            days.push(next(action.due_on));
            for (changed_on, due_on) in &action.due_changes {
                days.push(*changed_on);
                days.push(next(*due_on));
            }
            days.extend(action.completed.map(|(on, _)| on));
            days.extend(action.abandoned_on);
        }
        days.extend(self.feedback.iter().copied());
        days.sort_unstable();
        days.dedup();
        days
    }

    /// The assessment from each change day on, in order of day.
    pub fn steps(&self) -> Vec<(NaiveDate, Assessment)> {
        self.change_days()
            .into_iter()
            .map(|day| (day, self.assess(day)))
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::domain::verdict::{ActionDates, DatedDecision};

    fn day(rng: &mut StdRng, from: NaiveDate, within: u64) -> NaiveDate {
        from + chrono::Days::new(rng.gen_range(0..=within))
    }

    /// A random history: decisions (referrals among them), actions with links, agreements,
    /// moved due dates, completions and abandonments, and feedback.
    pub(crate) fn history(rng: &mut StdRng) -> ItemDates {
        let raised_on = day(
            rng,
            NaiveDate::from_ymd_opt(2025, 1, 1).expect("a day"),
            300,
        );
        let mut decided = raised_on;
        let decisions = (0..rng.gen_range(0..=3))
            .map(|_| {
                decided = day(rng, decided, 60);
                let outcome = [
                    DecisionOutcome::Accepted,
                    DecisionOutcome::Declined,
                    DecisionOutcome::AlreadyInPlace,
                    DecisionOutcome::Referred,
                ][rng.gen_range(0..4)];
                DatedDecision {
                    outcome,
                    decided_on: decided,
                    referee_window_days: (outcome == DecisionOutcome::Referred)
                        .then(|| rng.gen_range(1..90)),
                }
            })
            .collect();
        let actions = (0..rng.gen_range(0..=2))
            .map(|_| {
                let proposed_on = day(rng, raised_on - chrono::Days::new(30), 90);
                let agreed_on = rng.gen_bool(0.7).then(|| day(rng, proposed_on, 20));
                let due_on = day(rng, proposed_on, 120);
                let due_changes = (0..rng.gen_range(0..=2))
                    .map(|_| (day(rng, proposed_on, 150), day(rng, proposed_on, 200)))
                    .collect::<Vec<_>>();
                let mut due_changes = due_changes;
                due_changes.sort();
                ActionDates {
                    proposed_on,
                    linked_on: rng.gen_bool(0.3).then(|| day(rng, proposed_on, 60)),
                    agreed_on,
                    due_on,
                    due_changes,
                    completed: agreed_on
                        .filter(|_| rng.gen_bool(0.5))
                        .map(|on| (day(rng, on, 150), rng.gen_bool(0.7))),
                    abandoned_on: rng.gen_bool(0.2).then(|| day(rng, proposed_on, 150)),
                }
            })
            .collect();
        let feedback = (0..rng.gen_range(0..=2))
            .map(|_| day(rng, raised_on, 250))
            .collect();
        ItemDates {
            raised_on,
            response_window_days: rng.gen_range(1..90),
            decisions,
            actions,
            feedback,
            withdrawn: rng.gen_bool(0.05),
        }
    }

    #[test]
    fn the_assessment_changes_only_on_change_days() {
        let mut rng = StdRng::seed_from_u64(24);
        for _ in 0..400 {
            let item = history(&mut rng);
            let days = item.change_days();
            let first = item.raised_on - chrono::Days::new(60);
            let mut before = item.assess(first);
            for offset in 1..=500 {
                let on = first + chrono::Days::new(offset);
                let now = item.assess(on);
                if !days.contains(&on) {
                    assert_eq!(
                        now, before,
                        "changed on {on}, not a change day, for {item:?}"
                    );
                }
                before = now;
            }
        }
    }

    #[test]
    fn each_step_holds_until_the_next() {
        let mut rng = StdRng::seed_from_u64(25);
        for _ in 0..100 {
            let item = history(&mut rng);
            let steps = item.steps();
            for pair in steps.windows(2) {
                let ((from, held), (to, _)) = (&pair[0], &pair[1]);
                let last = to.pred_opt().expect("a day before");
                assert_eq!(&item.assess(last), held, "{from} to {last} for {item:?}");
            }
        }
    }
}
