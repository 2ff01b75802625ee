//! Summing stored tallies. An answer sums dozens of rows (the years, months and days up to
//! its day); each row's counts are added and its histograms' entries summed into one list of
//! counts per day as the row is read, rather than a tally built for every row and merged into
//! the sum list by list.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use super::counts::{Group, Tally, COUNTS};
use super::histogram::Histogram;

/// A sum of tallies being read.
#[derive(Debug, Default)]
pub struct Summing {
    /// Whether only what the lists read is summed: the counts, and the days answers and
    /// actions fall due (the other histograms are passed over as the rows are read).
    for_lists: bool,
    counts: [i64; COUNTS],
    /// The histograms of days, in the order the tally stores them.
    days: [DayCounts; 6],
    participants: Vec<(Group, i64)>,
}

impl Summing {
    /// A sum of what the lists of items read of a tally: its counts, and the days answers and
    /// actions fall due. Its other histograms (days to a decision, an outcome and feedback;
    /// activities' days informed and participants) are left empty.
    pub fn for_lists() -> Self {
        Self {
            for_lists: true,
            ..Self::default()
        }
    }

    /// Adds a tally as stored (see [`Tally::encode`]).
    pub fn add_stored(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        let mut read = postcard::Deserializer::from_bytes(bytes);
        RowSeed(self).deserialize(&mut read)?;
        Ok(())
    }

    /// Adds a tally read already.
    pub fn add(&mut self, tally: &Tally) {
        let (counts, days, participants) = tally.parts();
        self.add_counts(counts);
        for (summed, histogram) in self.days.iter_mut().zip(days) {
            for (day, n) in &histogram.0 {
                summed.put(*day, *n);
            }
        }
        self.participants.extend_from_slice(&participants.0);
    }

    fn add_counts(&mut self, counts: &[i64; COUNTS]) {
        for (mine, theirs) in self.counts.iter_mut().zip(counts) {
            *mine += theirs;
        }
    }

    /// The sum.
    pub fn finish(self) -> Tally {
        Tally::from_parts(
            self.counts,
            self.days.map(DayCounts::finish),
            in_order(self.participants),
        )
    }
}

/// Where the entries of a histogram go as they are read.
trait Collect<K> {
    fn put(&mut self, key: K, n: i64);
}

impl<K> Collect<K> for Vec<(K, i64)> {
    fn put(&mut self, key: K, n: i64) {
        self.push((key, n));
    }
}

/// Most days one list of counts spans; a histogram spanning more (days that overflowed, say)
/// is summed by sorting its entries instead.
const SPAN: usize = 1 << 16;

/// A histogram of days being summed: a count for every day from the first, or, should the
/// days span more than [`SPAN`], every entry as read, put in order at the end.
#[derive(Debug)]
enum DayCounts {
    Span { first: i32, counts: Vec<i64> },
    Entries(Vec<(i32, i64)>),
}

impl Default for DayCounts {
    fn default() -> Self {
        Self::Span {
            first: 0,
            counts: Vec::new(),
        }
    }
}

impl Collect<i32> for DayCounts {
    fn put(&mut self, day: i32, n: i64) {
        match self {
            Self::Span { first, counts } => {
                if counts.is_empty() {
                    *first = day;
                }
                let (low, high) = ((*first).min(day), (*first).max(day));
                let end = i64::from(*first) + counts.len() as i64 - 1;
                let span = i64::from(high).max(end) - i64::from(low) + 1;
                if span > SPAN as i64 {
                    let mut entries = self.entries();
                    entries.push((day, n));
                    *self = Self::Entries(entries);
                    return;
                }
                if day < *first {
                    let before = (*first - day) as usize;
                    counts.splice(0..0, std::iter::repeat_n(0, before));
                    *first = day;
                }
                let at = (day - *first) as usize;
                if at >= counts.len() {
                    counts.resize(at + 1, 0);
                }
                counts[at] += n;
            }
            Self::Entries(entries) => entries.push((day, n)),
        }
    }
}

impl DayCounts {
    /// Every day with a count, in order, as entries.
    fn entries(&self) -> Vec<(i32, i64)> {
        match self {
            Self::Span { first, counts } => (*first..)
                .zip(counts.iter().copied())
                .filter(|(_, n)| *n != 0)
                .collect(),
            Self::Entries(entries) => entries.clone(),
        }
    }

    fn finish(self) -> Histogram<i32> {
        match self {
            Self::Span { .. } => Histogram(self.entries()),
            Self::Entries(entries) => in_order(entries),
        }
    }
}

/// A histogram of `entries` (keys in any order, perhaps repeated): each key once, in order,
/// with the sum of its counts, and none whose counts cancel out.
fn in_order<K: Ord>(mut entries: Vec<(K, i64)>) -> Histogram<K> {
    entries.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
    let mut summed: Vec<(K, i64)> = Vec::with_capacity(entries.len());
    for (key, n) in entries {
        match summed.last_mut() {
            Some((last, m)) if *last == key => *m += n,
            _ => summed.push((key, n)),
        }
    }
    summed.retain(|(_, n)| *n != 0);
    Histogram(summed)
}

/// Reads one stored tally into the sum: the fields in the order [`Tally`] declares them.
struct RowSeed<'a>(&'a mut Summing);

const FIELDS: [&str; 8] = [
    "counts",
    "to_decision",
    "to_outcome",
    "to_feedback",
    "informed_before",
    "participants",
    "respond_by",
    "due_by",
];

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_struct("Tally", &FIELDS, self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a stored tally")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let missing = |at: usize| de::Error::invalid_length(at, &"the eight fields of a tally");
        let counts: [i64; COUNTS] = seq.next_element()?.ok_or_else(|| missing(0))?;
        self.0.add_counts(&counts);
        let keep = !self.0.for_lists;
        let [decision, outcome, feedback, informed, respond, due] = &mut self.0.days;
        for (at, summed) in [decision, outcome, feedback, informed]
            .into_iter()
            .enumerate()
        {
            seq.next_element_seed(gather(summed, keep))?
                .ok_or_else(|| missing(at + 1))?;
        }
        seq.next_element_seed(gather(&mut self.0.participants, keep))?
            .ok_or_else(|| missing(5))?;
        for (at, summed) in [respond, due].into_iter().enumerate() {
            seq.next_element_seed(gather(summed, true))?
                .ok_or_else(|| missing(at + 6))?;
        }
        Ok(())
    }
}

/// Reads one stored histogram's entries (stored as a length, then each key and its count,
/// keys of type `K`) into a sum, or passes over them when not kept.
struct Gather<'a, C, K> {
    sum: &'a mut C,
    keep: bool,
    key: PhantomData<K>,
}

fn gather<C, K>(sum: &mut C, keep: bool) -> Gather<'_, C, K> {
    Gather {
        sum,
        keep,
        key: PhantomData,
    }
}

impl<'de, K: Deserialize<'de>, C: Collect<K>> DeserializeSeed<'de> for Gather<'_, C, K> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, K: Deserialize<'de>, C: Collect<K>> Visitor<'de> for Gather<'_, C, K> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a histogram's entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some((key, n)) = seq.next_element::<(K, i64)>()? {
            if self.keep {
                self.sum.put(key, n);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::common::DecisionOutcome;
    use crate::domain::verdict::{DatedDecision, InputVerdict, ItemDates};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).expect("a day")
    }

    /// An item raised on `raised`, decided `decided` days later (if at all), as of day 28.
    fn item(raised: u32, decided: Option<u32>) -> Tally {
        let dates = ItemDates {
            raised_on: day(raised),
            response_window_days: 10,
            decisions: decided
                .map(|d| {
                    vec![DatedDecision {
                        outcome: DecisionOutcome::Declined,
                        decided_on: day(raised + d),
                        referee_window_days: None,
                    }]
                })
                .unwrap_or_default(),
            actions: vec![],
            feedback: vec![],
            withdrawn: false,
        };
        let assessment = dates.assess(day(28));
        Tally::of(day(raised), &assessment).with_due(&assessment, None)
    }

    #[test]
    fn summing_stored_rows_gives_what_adding_tallies_gives() {
        let rows = [
            item(1, Some(3)),
            item(2, Some(3)),
            item(3, None),
            item(20, None),
            item(4, Some(9)),
            // A change taking an item's old part out.
            Tally::default().minus(&item(2, Some(3))),
        ];
        let mut added = Tally::default();
        let mut summing = Summing::default();
        for row in &rows {
            added.add(row, 1);
            summing.add_stored(&row.encode()).expect("reads");
        }
        let summed = summing.finish();
        assert_eq!(summed, added);
        assert_eq!(summed.rollup().median_days_to_decision, Some(6.0));
        assert_eq!(summed.count(InputVerdict::Overdue), 1);
        // Read tallies add the same way.
        let mut again = Summing::default();
        for row in &rows {
            again.add(row);
        }
        assert_eq!(again.finish(), added);
    }

    #[test]
    fn the_lists_sum_counts_and_falling_due_alone() {
        let rows = [item(1, Some(3)), item(3, None), item(20, None)];
        let mut all = Summing::default();
        let mut lists = Summing::for_lists();
        for row in &rows {
            all.add_stored(&row.encode()).expect("reads");
            lists.add_stored(&row.encode()).expect("reads");
        }
        let (all, lists) = (all.finish(), lists.finish());
        let (counts, days, _) = all.parts();
        let (list_counts, list_days, list_participants) = lists.parts();
        assert_eq!(list_counts, counts);
        assert_eq!(list_days[4], days[4], "the days answers fall due");
        assert!(!days[4].is_empty());
        assert!(!days[0].is_empty() && list_days[0].is_empty());
        assert!(list_participants.is_empty());
        assert_eq!(lists.count(InputVerdict::Unanswered), 1);
    }

    #[test]
    fn days_sum_in_order_however_they_come_and_however_far_apart() {
        let mut near = DayCounts::default();
        for (day, n) in [(10, 1), (5, 2), (12, 1), (10, -1), (-3, 4), (12, -1)] {
            near.put(day, n);
        }
        assert_eq!(near.finish().0, vec![(-3, 4), (5, 2)]);
        // Days that overflowed sit at the end of time: summed by sorting instead.
        let mut far = DayCounts::default();
        for (day, n) in [
            (3, 1),
            (i32::MAX, 1),
            (1, 1),
            (3, 1),
            (i32::MIN, -1),
            (i32::MIN, 1),
        ] {
            far.put(day, n);
        }
        assert!(matches!(far, DayCounts::Entries(_)));
        assert_eq!(far.finish().0, vec![(1, 1), (3, 2), (i32::MAX, 1)]);
    }

    #[test]
    fn a_row_that_is_not_a_tally_is_refused() {
        let mut summing = Summing::default();
        assert!(summing.add_stored(&[1, 2, 3]).is_err());
    }
}
