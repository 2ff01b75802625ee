//! A histogram: how many of something had each key (days, or a group of participants), kept
//! as a sorted list that adds and subtracts.

use serde::{Deserialize, Serialize};

use crate::projections::rollup::median_counted;

/// How many items took each number of days (or, for participants, how many were in each
/// group), in order of key, with no count of nought. Kept as a sorted list rather than a map:
/// an answer sums dozens of stored tallies, and reading and adding lists is much cheaper than
/// building maps. It is stored as a map would be (a length, then each key and its count), so
/// tallies stored as maps read back the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Histogram<K>(pub Vec<(K, i64)>);

impl<K> Default for Histogram<K> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K: Ord + Clone> Histogram<K> {
    /// Adds `n` at `key`, leaving no nought behind.
    pub fn bump(&mut self, key: K, n: i64) {
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => {
                self.0[at].1 += n;
                if self.0[at].1 == 0 {
                    self.0.remove(at);
                }
            }
            Err(at) if n != 0 => self.0.insert(at, (key, n)),
            Err(_) => {}
        }
    }

    /// Adds `sign` times `other`, merging the two lists in order.
    pub fn add(&mut self, other: &Self, sign: i64) {
        use std::cmp::Ordering::{Equal, Greater, Less};
        if other.0.is_empty() {
            return;
        }
        let (mine, theirs) = (std::mem::take(&mut self.0), &other.0);
        let mut merged = Vec::with_capacity(mine.len() + theirs.len());
        let (mut mine, mut j) = (mine.into_iter().peekable(), 0);
        loop {
            let next = match (mine.peek(), theirs.get(j)) {
                (Some((k, _)), Some((l, m))) => match k.cmp(l) {
                    Less => mine.next(),
                    Equal => {
                        j += 1;
                        mine.next().map(|(k, n)| (k, n + sign * m))
                    }
                    Greater => {
                        j += 1;
                        Some((l.clone(), sign * m))
                    }
                },
                (Some(_), None) => mine.next(),
                (None, Some((l, m))) => {
                    j += 1;
                    Some((l.clone(), sign * m))
                }
                (None, None) => None,
            };
            let Some(next) = next else { break };
            if next.1 != 0 {
                merged.push(next);
            }
        }
        self.0 = merged;
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Puts a list read from storage in order, should it not be.
    pub fn ordered(mut self) -> Self {
        if !self.0.is_sorted_by(|(a, _), (b, _)| a <= b) {
            let mut sorted = Histogram::default();
            for (key, n) in self.0.drain(..) {
                sorted.bump(key, n);
            }
            return sorted;
        }
        self
    }

    /// Each key with its count, in order, counts below nought read as nought.
    pub fn counts(&self) -> impl Iterator<Item = (&K, u64)> {
        self.0
            .iter()
            .map(|(k, n)| (k, u64::try_from(*n).unwrap_or(0)))
    }
}

impl Histogram<i32> {
    /// How many it holds from `from` to `to`, both included.
    pub fn between(&self, (from, to): (i32, i32)) -> u64 {
        let sum: i64 = self
            .0
            .iter()
            .filter(|(days, _)| from <= *days && *days <= to)
            .map(|(_, n)| n)
            .sum();
        u64::try_from(sum).unwrap_or(0)
    }

    /// The median of the days it holds, as [`crate::projections::rollup::median`] takes it
    /// from a list.
    pub fn median(&self) -> Option<f64> {
        median_counted(
            &self
                .counts()
                .map(|(days, n)| (*days, n))
                .collect::<Vec<_>>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::projections::rollup;

    #[test]
    fn medians_from_histograms_are_the_medians_of_the_lists() {
        let lists: [&[i32]; 5] = [&[], &[7], &[3, 1], &[5, 5, 1, 9], &[-2, 4, 4, 4, 11, 30]];
        for list in lists {
            let mut histogram = Histogram::<i32>::default();
            for days in list {
                histogram.bump(*days, 1);
            }
            let expected = rollup::median(list.iter().map(|d| i64::from(*d)).collect());
            assert_eq!(histogram.median(), expected, "{list:?}");
        }
    }

    /// Histograms added and taken away as lists agree with the same done as maps.
    #[test]
    fn histograms_add_as_maps_would() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(25);
        for _ in 0..500 {
            let mut mine = (Histogram::<i32>::default(), BTreeMap::<i32, i64>::new());
            for _ in 0..rng.gen_range(0..6) {
                let mut theirs = (Histogram::<i32>::default(), BTreeMap::<i32, i64>::new());
                for _ in 0..rng.gen_range(0..8) {
                    let (days, n) = (rng.gen_range(-3..12), rng.gen_range(-2..3));
                    theirs.0.bump(days, n);
                    map_bump(&mut theirs.1, days, n);
                }
                let sign = if rng.gen_bool(0.5) { 1 } else { -1 };
                mine.0.add(&theirs.0, sign);
                for (days, n) in &theirs.1 {
                    map_bump(&mut mine.1, *days, sign * n);
                }
                assert_eq!(mine.0 .0, mine.1.clone().into_iter().collect::<Vec<_>>());
            }
        }
    }

    fn map_bump(map: &mut BTreeMap<i32, i64>, days: i32, n: i64) {
        let entry = map.entry(days).or_default();
        *entry += n;
        if *entry == 0 {
            map.remove(&days);
        }
    }
}
