//! Principle 4: who took part, against the population the organisation serves. Participants'
//! aggregate demographic snapshots (taken when each activity was held) are set against the
//! uploaded baseline, and groups under-represented by more than a margin are named.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::docs::ActivityDoc;
use super::period::Period;
use crate::domain::baseline::{Dimension, Shares};
use crate::domain::common::DemographicSnapshot;

/// One group's share among participants against its share of the population.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupReach {
    pub dimension: Dimension,
    pub category: String,
    /// Share of the population, 0 to 1.
    pub baseline_share: f64,
    /// Participants in this group, and their share of the participants counted for the dimension.
    pub participants: u32,
    pub participant_share: Option<f64>,
    /// Under-represented by more than the margin (in percentage points).
    pub under_represented: bool,
}

/// Reach over a set of activities.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    pub activities: Vec<Uuid>,
    pub groups: Vec<GroupReach>,
}

/// Participants in each group (a dimension and one of its categories).
pub type Participants = BTreeMap<(Dimension, String), u64>;

const DIMENSIONS: [Dimension; 5] = [
    Dimension::AgeBand,
    Dimension::Sex,
    Dimension::EthnicGroup,
    Dimension::DeprivationQuintile,
    Dimension::Disability,
];

fn dimension_counts(
    snapshot: &DemographicSnapshot,
    dimension: Dimension,
) -> &BTreeMap<String, u32> {
    match dimension {
        Dimension::AgeBand => &snapshot.age_band,
        Dimension::Sex => &snapshot.sex,
        Dimension::EthnicGroup => &snapshot.ethnic_group,
        Dimension::DeprivationQuintile => &snapshot.deprivation_quintile,
        Dimension::Disability => &snapshot.disability,
    }
}

/// Each group a snapshot counts, with its participants.
pub fn participants_of(
    snapshot: &DemographicSnapshot,
) -> impl Iterator<Item = ((Dimension, String), u32)> + '_ {
    DIMENSIONS.into_iter().flat_map(move |dimension| {
        dimension_counts(snapshot, dimension)
            .iter()
            .map(move |(category, n)| ((dimension, category.clone()), *n))
    })
}

/// Adds the participants `snapshot` counts, group by group, to `participants`.
pub fn add_participants(participants: &mut Participants, snapshot: &DemographicSnapshot) {
    for (group, n) in participants_of(snapshot) {
        *participants.entry(group).or_default() += u64::from(n);
    }
}

/// Reach of the activities held in `period` (or of all given activities when `None`) against
/// `baseline`, naming groups more than `margin_points` percentage points below their share.
pub fn reach(
    activities: &[&ActivityDoc],
    period: Option<&Period>,
    baseline: &Shares,
    margin_points: f64,
) -> Reach {
    let held: Vec<&ActivityDoc> = activities
        .iter()
        .copied()
        .filter(|a| {
            a.held
                .as_ref()
                .is_some_and(|h| period.is_none_or(|p| p.from <= h.held_on && h.held_on <= p.to))
        })
        .collect();
    let mut participants = Participants::new();
    for held in held.iter().filter_map(|a| a.held.as_ref()) {
        add_participants(&mut participants, &held.demographics);
    }
    Reach {
        activities: held.iter().map(|a| a.id).collect(),
        groups: groups(&participants, baseline, margin_points),
    }
}

/// Each group of `baseline` against `participants`, named when more than `margin_points`
/// percentage points below its share of the population.
pub fn groups(
    participants: &Participants,
    baseline: &Shares,
    margin_points: f64,
) -> Vec<GroupReach> {
    let mut groups = Vec::new();
    for (dimension, categories) in baseline {
        let counted = |(d, _): &&(Dimension, String)| d == dimension;
        let total = participants
            .iter()
            .filter(|(group, _)| counted(group))
            .fold(0_u32, |sum, (_, n)| sum.saturating_add(clamped(*n)));
        for (category, baseline_share) in categories {
            let participants = participants
                .get(&(*dimension, category.clone()))
                .map_or(0, |n| clamped(*n));
            let participant_share = (total > 0).then(|| f64::from(participants) / f64::from(total));
            let under_represented = participant_share
                .is_some_and(|s| (baseline_share - s) * 100.0 > margin_points + 1e-9);
            groups.push(GroupReach {
                dimension: *dimension,
                category: category.clone(),
                baseline_share: *baseline_share,
                participants,
                participant_share,
                under_represented,
            });
        }
    }
    groups
}

/// A count of participants as a group reports it: at most `u32::MAX`.
fn clamped(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Utc};

    use super::*;
    use crate::domain::baseline::csv;
    use crate::domain::common::{ActivityKind, Attendance, OdsCode};
    use crate::projections::docs::HeldDoc;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn activity(held_on: &str, ages: &[(&str, u32)]) -> ActivityDoc {
        ActivityDoc {
            held: Some(HeldDoc {
                held_on: day(held_on),
                attendance: Attendance::default(),
                demographics: DemographicSnapshot {
                    age_band: ages.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect(),
                    ..DemographicSnapshot::default()
                },
            }),
            ..ActivityDoc::new(
                Uuid::new_v4(),
                ActivityKind::FocusGroup,
                OdsCode::parse("org", "QMJ").expect("code"),
                day(held_on),
                Utc::now(),
            )
        }
    }

    #[test]
    fn names_groups_below_their_share_by_more_than_the_margin() {
        let baseline = csv::parse(
            "dimension,category,count\nage_band,18-44,50\nage_band,45-64,30\nage_band,65+,20\n",
        )
        .expect("valid");
        let a = activity("2026-02-01", &[("18-44", 2), ("65+", 6)]);
        let b = activity("2026-03-01", &[("45-64", 2)]);
        let outside = activity("2026-09-01", &[("18-44", 100)]);
        let period = Period {
            from: day("2026-01-01"),
            to: day("2026-06-30"),
        };
        let r = reach(&[&a, &b, &outside], Some(&period), &baseline, 5.0);
        assert_eq!(r.activities, vec![a.id, b.id]);
        let group = |c: &str| r.groups.iter().find(|g| g.category == c).expect("group");
        // 10 participants: 18-44 is 20% against 50%; 45-64 is 20% against 30%; 65+ is 60% against 20%.
        assert_eq!(
            (
                group("18-44").participants,
                group("18-44").under_represented
            ),
            (2, true)
        );
        assert_eq!(group("45-64").participant_share, Some(0.2));
        assert!(group("45-64").under_represented, "10 points below");
        assert!(!group("65+").under_represented);
        let wide = reach(&[&a, &b], Some(&period), &baseline, 15.0);
        assert!(
            !wide
                .groups
                .iter()
                .find(|g| g.category == "45-64")
                .expect("group")
                .under_represented
        );
    }

    #[test]
    fn no_participants_means_no_verdict() {
        let baseline =
            csv::parse("dimension,category,count\nsex,female,1\nsex,male,1\n").expect("valid");
        let r = reach(&[], None, &baseline, 5.0);
        assert!(r
            .groups
            .iter()
            .all(|g| g.participant_share.is_none() && !g.under_represented));
    }
}
