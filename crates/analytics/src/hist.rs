//! Compact histogram of integral scores.
//!
//! A dense vector of counts from the lowest score seen: an assessment's scores
//! span a few dozen points, so this takes ~150 bytes per cell where a
//! `BTreeMap<i64, u64>` takes ~750 — the difference between a national batch
//! (a million cells) fitting in 1 GiB or not. It serialises exactly as
//! `BTreeMap<i64, u64>` does (a JSON object `{"12": 3, ...}`), so stored JSON
//! is the same either way.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// Widest score range kept: beyond it a score is not counted (the caller
/// records the pupil as missing from the histogram).
pub const MAX_SPAN: usize = 4096;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreHist {
    offset: i64,
    counts: Vec<u32>,
}

impl ScoreHist {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `count` pupils at `score`. Returns false (and counts nothing) when
    /// the score would stretch the range beyond [`MAX_SPAN`].
    pub fn add(&mut self, score: i64, count: u64) -> bool {
        // The usual case: a score within the range seen so far.
        if let Some(c) = score
            .checked_sub(self.offset)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.counts.get_mut(i))
        {
            *c = c.saturating_add(count.min(u32::MAX as u64) as u32);
            return true;
        }
        if count == 0 {
            return true;
        }
        if self.counts.is_empty() {
            self.offset = score;
            self.counts.push(0);
        }
        let lo = (self.offset as i128).min(score as i128);
        let hi = (self.offset as i128 + self.counts.len() as i128 - 1).max(score as i128);
        if hi - lo >= MAX_SPAN as i128 {
            return false;
        }
        if score < self.offset {
            let grow = (self.offset - score) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = score;
        }
        let i = (score - self.offset) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        // Counts saturate at u32::MAX: one cell never holds 4 billion pupils.
        self.counts[i] = self.counts[i].saturating_add(count.min(u32::MAX as u64) as u32);
        true
    }

    /// Pupils at exactly `score`.
    pub fn get(&self, score: i64) -> u64 {
        let i = score as i128 - self.offset as i128;
        if i < 0 || i >= self.counts.len() as i128 {
            return 0;
        }
        self.counts[i as usize] as u64
    }

    /// (score, count) for every score with a non-zero count, ascending.
    pub fn iter(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (self.offset + i as i64, *c as u64))
    }

    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|c| *c == 0)
    }

    /// Number of distinct scores present.
    pub fn len(&self) -> usize {
        self.counts.iter().filter(|c| **c > 0).count()
    }

    /// Pupils counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|c| *c as u64).sum()
    }

    /// Drops unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.counts.shrink_to_fit();
    }

    pub fn clear(&mut self) {
        self.counts = Vec::new();
        self.offset = 0;
    }

    /// Adds another histogram; returns the pupils that did not fit the range.
    pub fn merge(&mut self, other: &ScoreHist) -> u64 {
        other
            .iter()
            .filter(|(s, c)| !self.add(*s, *c))
            .map(|(_, c)| c)
            .sum()
    }

    pub fn to_map(&self) -> BTreeMap<i64, u64> {
        self.iter().collect()
    }

    /// The dense representation: the lowest score and the counts from it.
    pub fn raw(&self) -> (i64, &[u32]) {
        (self.offset, &self.counts)
    }

    /// Inverse of [`Self::raw`] (for compact storage; no range check),
    /// reusing this histogram's buffer.
    pub(crate) fn set_raw(&mut self, offset: i64, counts: impl Iterator<Item = u32>) {
        self.offset = offset;
        self.counts.clear();
        self.counts.extend(counts);
    }

    /// Empties the histogram, keeping its buffer for reuse.
    pub(crate) fn clear_keep(&mut self) {
        self.counts.clear();
        self.offset = 0;
    }
}

impl From<&BTreeMap<i64, u64>> for ScoreHist {
    fn from(m: &BTreeMap<i64, u64>) -> Self {
        let mut h = ScoreHist::new();
        for (s, c) in m {
            h.add(*s, *c);
        }
        h
    }
}

impl Serialize for ScoreHist {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(&k, &v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for ScoreHist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScoreHist;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from integral score to count")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<ScoreHist, A::Error> {
                let mut h = ScoreHist::new();
                while let Some((k, v)) = a.next_entry::<i64, u64>()? {
                    if !h.add(k, v) {
                        return Err(serde::de::Error::custom(
                            "score range too wide for a histogram",
                        ));
                    }
                }
                Ok(h)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_any_order_and_serialises_like_a_btreemap() {
        let mut h = ScoreHist::new();
        for s in [5, 3, 9, 5, -2] {
            assert!(h.add(s, 1));
        }
        assert_eq!(
            (h.get(5), h.get(4), h.get(-2), h.get(100), h.get(-50)),
            (2, 0, 1, 0, 0)
        );
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            vec![(-2, 1), (3, 1), (5, 2), (9, 1)]
        );
        assert_eq!((h.len(), h.total()), (4, 5));
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, serde_json::to_string(&h.to_map()).unwrap());
        assert_eq!(json, r#"{"-2":1,"3":1,"5":2,"9":1}"#);
        let back: ScoreHist = serde_json::from_str(&json).unwrap();
        assert_eq!(back, h);
        assert_eq!(ScoreHist::from(&h.to_map()), h);
    }

    #[test]
    fn refuses_absurd_ranges_and_merges() {
        let mut h = ScoreHist::new();
        assert!(h.add(0, 1));
        assert!(!h.add(10_000, 1));
        assert!(!h.add(i64::MIN, 1));
        let mut far = ScoreHist::new();
        far.add(9_000, 1);
        assert_eq!(h.merge(&far), 1);
        let mut near = ScoreHist::new();
        near.add(2, 3);
        assert_eq!(h.merge(&near), 0);
        assert_eq!(h.total(), 4);
        h.clear();
        assert!(h.is_empty());
    }
}
