//! A small hand-built ledger for the scorecard tests: organisation AAA, its partner BBB, and a
//! third organisation CCC that only appears as a referee.

use super::fixture::*;
use super::Inputs;
use crate::domain::baseline::Shares;
use crate::domain::board::SeatRole;
use crate::domain::common::{AccessibleFormat, DecisionOutcome};
use crate::projections::Documents;

pub(super) const I0: u128 = 0x1000;
pub(super) const I1: u128 = 0x1001;
pub(super) const I2: u128 = 0x1002;
pub(super) const I3: u128 = 0x1003;
pub(super) const I4: u128 = 0x1004;
pub(super) const I5: u128 = 0x1005;
pub(super) const I6: u128 = 0x1006;
pub(super) const X1: u128 = 0x2001;
pub(super) const X2: u128 = 0x2002;
pub(super) const X3: u128 = 0x2003;
pub(super) const X4: u128 = 0x2004;
pub(super) const X5: u128 = 0x2005;
pub(super) const X6: u128 = 0x2006;
pub(super) const ACT1: u128 = 0x3001;
pub(super) const ACT2: u128 = 0x3002;
pub(super) const ACT3: u128 = 0x3003;
pub(super) const ACT4: u128 = 0x3004;
pub(super) const ACT5: u128 = 0x3005;
pub(super) const ACT6: u128 = 0x3006;
pub(super) const A1: u128 = 0x4001;
pub(super) const A2: u128 = 0x4002;
pub(super) const A3: u128 = 0x4003;
pub(super) const A4: u128 = 0x4004;
pub(super) const A5: u128 = 0x4005;
const B1: u128 = 0x5001;
const B2: u128 = 0x5002;
const B3: u128 = 0x5003;
pub(super) const D1: u128 = 0x7001;
pub(super) const D2: u128 = 0x7002;
pub(super) const D3: u128 = 0x7003;
const D4: u128 = 0x7004;
const D5: u128 = 0x7005;

/// The documents the tests' scorecards are computed from.
pub(super) struct Ledger {
    docs: Documents,
    organisations: Vec<String>,
}

impl Ledger {
    pub(super) fn build() -> Self {
        use AccessibleFormat::*;
        use DecisionOutcome::*;
        use SeatRole::*;
        let actions = vec![
            action(X1, "AAA", &[I1], day(2025, 4, 25), Some(day(2025, 6, 1))),
            action(X2, "AAA", &[], day(2025, 5, 5), None),
            action(X3, "AAA", &[I5], day(2025, 5, 1), Some(day(2025, 6, 15))),
            action(X4, "AAA", &[I6], day(2025, 6, 1), None),
            action(X5, "BBB", &[I3], day(2025, 5, 25), None),
            action(X6, "AAA", &[I0], day(2025, 2, 5), Some(day(2025, 3, 1))),
        ];
        let linked = |n: usize| vec![actions[n].clone()];
        let items = vec![
            item(
                I0,
                "AAA",
                day(2025, 2, 1),
                vec![decision(Accepted, day(2025, 2, 10), "AAA", None)],
                &[day(2025, 3, 5)],
                linked(5),
            ),
            item(
                I1,
                "AAA",
                day(2025, 4, 1),
                vec![decision(Accepted, day(2025, 4, 20), "AAA", None)],
                &[day(2025, 6, 10)],
                linked(0),
            ),
            item(
                I2,
                "AAA",
                day(2025, 4, 5),
                vec![decision(Declined, day(2025, 7, 15), "AAA", None)],
                &[],
                vec![],
            ),
            item(
                I3,
                "AAA",
                day(2025, 5, 1),
                vec![
                    decision(Referred, day(2025, 5, 10), "AAA", Some("BBB")),
                    decision(Accepted, day(2025, 5, 20), "BBB", None),
                ],
                &[],
                vec![],
            ),
            item(
                I4,
                "AAA",
                day(2025, 6, 1),
                vec![decision(Referred, day(2025, 6, 5), "AAA", Some("CCC"))],
                &[day(2025, 6, 10)],
                vec![],
            ),
            item(
                I5,
                "BBB",
                day(2025, 4, 2),
                vec![
                    decision(Referred, day(2025, 4, 3), "BBB", Some("AAA")),
                    decision(Accepted, day(2025, 4, 20), "AAA", None),
                ],
                &[],
                linked(2),
            ),
            item(I6, "BBB", day(2025, 5, 20), vec![], &[], linked(3)),
        ];
        let activities = vec![
            activity(
                ACT1,
                "AAA",
                &["BBB"],
                Some(day(2025, 4, 20)),
                vec![
                    (day(2025, 4, 1), vec![EasyRead]),
                    (day(2025, 4, 10), vec![]),
                ],
            ),
            activity(
                ACT2,
                "AAA",
                &[],
                Some(day(2025, 5, 10)),
                vec![(day(2025, 5, 10), vec![])],
            ),
            activity(
                ACT3,
                "AAA",
                &[],
                Some(day(2025, 6, 1)),
                vec![
                    (day(2025, 5, 25), vec![]),
                    (day(2025, 6, 5), vec![LargePrint]),
                ],
            ),
            activity(ACT4, "AAA", &[], None, vec![(day(2025, 6, 1), vec![Audio])]),
            activity(
                ACT5,
                "AAA",
                &[],
                Some(day(2025, 3, 1)),
                vec![(day(2025, 2, 1), vec![Audio])],
            ),
            activity(ACT6, "BBB", &["AAA"], Some(day(2025, 5, 5)), vec![]),
        ];
        let since_2024 = day(2024, 1, 1);
        let boards = vec![
            board(
                B1,
                "AAA",
                since_2024,
                &[
                    (PatientMember, 2, true),
                    (LayMember, 1, false),
                    (HealthwatchRepresentative, 1, true),
                ],
                None,
            ),
            board(B2, "BBB", since_2024, &[(PatientMember, 1, true)], None),
            board(
                B3,
                "AAA",
                day(2024, 6, 1),
                &[(PatientMember, 1, true)],
                Some(day(2025, 5, 1)),
            ),
        ];
        let to_2027 = (since_2024, day(2027, 12, 31));
        let appointments = vec![
            appointment(
                A1,
                (B1, "AAA"),
                PatientMember,
                true,
                (since_2024, day(2025, 8, 31)),
            ),
            appointment(
                A2,
                (B1, "AAA"),
                PatientMember,
                true,
                (since_2024, day(2025, 3, 31)),
            ),
            appointment(
                A3,
                (B1, "AAA"),
                LayMember,
                false,
                (day(2025, 1, 1), day(2027, 12, 31)),
            ),
            appointment(A4, (B1, "AAA"), HealthwatchRepresentative, true, to_2027),
            appointment(A5, (B2, "BBB"), PatientMember, true, to_2027),
        ];
        let meetings = vec![
            meeting(
                (B1, "AAA"),
                Some((day(2025, 4, 10), &[A1, A3, A4])),
                &[(D1, &[I1]), (D2, &[])],
            ),
            meeting(
                (B1, "AAA"),
                Some((day(2025, 5, 15), &[A3])),
                &[(D3, &[I1, I2])],
            ),
            meeting(
                (B1, "AAA"),
                Some((day(2025, 2, 10), &[A1, A2])),
                &[(D4, &[I0])],
            ),
            meeting((B2, "BBB"), Some((day(2025, 4, 20), &[A5])), &[(D5, &[I5])]),
            meeting((B1, "AAA"), None, &[]),
        ];
        Ledger {
            docs: Documents {
                activities,
                items,
                actions,
                boards,
                appointments,
                meetings,
                baselines: vec![],
            },
            organisations: vec!["AAA".to_owned()],
        }
    }

    /// Records the age make-up of the participants of activity `n`.
    pub(super) fn set_ages(&mut self, n: u128, ages: &[(&str, u32)]) {
        let activity = self
            .docs
            .activities
            .iter_mut()
            .find(|a| a.id == id(n))
            .expect("activity in the ledger");
        let held = activity.held.as_mut().expect("activity was held");
        held.demographics.age_band = ages.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect();
    }

    pub(super) fn inputs(&self) -> Inputs<'_> {
        self.docs.inputs(&self.organisations, 5.0)
    }

    pub(super) fn set_baselines(&mut self, baselines: Vec<(String, Shares)>) {
        self.docs.baselines = baselines;
    }
}
