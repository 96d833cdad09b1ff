//! Compact cells: the whole table of sufficient statistics of a national batch
//! (≈ 1.5 million (school, assessment) cells) in a few hundred megabytes.
//!
//! [`AssessmentStats`] is the exchange form (the store persists it as JSON,
//! the importer fills it); it costs ≈ 0.7–1.3 KiB per cell once in a map with
//! its three key strings. A [`Cell`] keeps what every pass of the engine reads
//! inline — interned school and assessment ids (u32), n, Σscore, Σscore² — and
//! everything else (marks, journal table, histogram, task sums, published SD
//! and SE) in one byte string of LEB128 varints: a count below 128 takes one
//! byte, an integral score sum two or three, other floats their exact 8 bytes.
//! The encoding is lossless: `Cell::encode(s).stats() == s` for every cell
//! (tested), so the engine's numbers do not change; sums stay exact f64.
//!
//! The encoded parts of all cells live back to back in one byte vector (no
//! allocation per cell, no allocator overhead, and the memory goes back to
//! the system in one piece when the table is dropped).
//!
//! A [`CellTable`] holds the cells sorted by (school id, assessment) exactly
//! like `StatsTable`'s B-tree, so every pass visits them in the same order.

use crate::stats::{self, AssessmentKey, AssessmentStats, JournalTable, StatsTable};
use std::collections::BTreeSet;

/// One (school, assessment) cell: the moments inline, the rest encoded in
/// the byte vector of its table or accumulator (`blobs` below).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Index into [`CellTable::schools`].
    pub school: u32,
    /// Index into [`CellTable::keys`].
    pub key: u32,
    pub n: u64,
    pub sum: f64,
    pub sum_sq: f64,
    pub school_level: bool,
    /// Everything else of [`AssessmentStats`]: `len` bytes at `at` in the
    /// blobs; none when all of it is zero or absent.
    at: u64,
    len: u32,
}

// Presence flags of the encoded part (two bytes at its start).
const F_SD: u16 = 1 << 0;
const F_SE: u16 = 1 << 1;
const F_MAX: u16 = 1 << 2;
const F_MARKS: u16 = 1 << 3;
const F_MARK_MIN: u16 = 1 << 4;
const F_JTABLE: u16 = 1 << 5;
const F_JCOUNTS: u16 = 1 << 6;
const F_HIST: u16 = 1 << 7;
const F_TASKS: u16 = 1 << 8;
const F_NONINT: u16 = 1 << 9;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// A float: integral values (|v| < 2^53, not −0) as a zigzag varint shifted
/// left by one (low bit 0), anything else as tag 1 and the 8 bytes of the f64.
fn put_num(out: &mut Vec<u8>, v: f64) {
    if v.fract() == 0.0 && v.abs() < 9.0e15 && !(v == 0.0 && v.is_sign_negative()) {
        put_varint(out, zigzag(v as i64) << 1);
    } else {
        put_varint(out, 1);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

fn put_f64(out: &mut Vec<u8>, v: f64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Reads the encoded part.
struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    #[inline(always)]
    fn varint(&mut self) -> u64 {
        // Most values (counts, task scores) take one byte.
        let first = self.b[self.pos];
        if first < 0x80 {
            self.pos += 1;
            return first as u64;
        }
        self.varint_long()
    }

    #[inline(never)]
    fn varint_long(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = self.b[self.pos];
            self.pos += 1;
            v |= ((byte & 0x7f) as u64) << shift;
            if byte < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn f64(&mut self) -> f64 {
        let bytes: [u8; 8] = self.b[self.pos..self.pos + 8].try_into().expect("8 bytes");
        self.pos += 8;
        f64::from_le_bytes(bytes)
    }

    #[inline(always)]
    fn num(&mut self) -> f64 {
        let v = self.varint();
        if v & 1 == 0 {
            unzigzag(v >> 1) as f64
        } else {
            self.f64()
        }
    }

    fn flags(&mut self) -> u16 {
        if self.b.is_empty() {
            return 0;
        }
        let f = u16::from_le_bytes([self.b[0], self.b[1]]);
        self.pos = 2;
        f
    }
}

/// (pupils, ВПР mark higher, ВПР mark lower) as the table says.
fn journal_counts(t: &JournalTable) -> (u64, u64, u64) {
    let (mut n, mut h, mut l) = (0u64, 0u64, 0u64);
    for (m, row) in t.iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            n += c as u64;
            if m > j {
                h += c as u64;
            } else if m < j {
                l += c as u64;
            }
        }
    }
    (n, h, l)
}

impl Cell {
    /// The compact form of `s` (lossless), its encoded part appended to `blobs`.
    pub fn encode(school: u32, key: u32, s: &AssessmentStats, blobs: &mut Vec<u8>) -> Cell {
        let at = blobs.len();
        blobs.extend_from_slice(&[0, 0]);
        let out = blobs;
        let mut flags = 0u16;
        if let Some(v) = s.sd_score {
            flags |= F_SD;
            put_f64(out, v);
        }
        if let Some(v) = s.se {
            flags |= F_SE;
            put_f64(out, v);
        }
        if let Some(v) = s.max_score {
            flags |= F_MAX;
            put_num(out, v);
        }
        if s.mark_counts.iter().any(|c| *c != 0) {
            flags |= F_MARKS;
            s.mark_counts.iter().for_each(|c| put_varint(out, *c));
        }
        if s.mark_min.iter().any(Option::is_some) {
            flags |= F_MARK_MIN;
            let bits = s
                .mark_min
                .iter()
                .enumerate()
                .fold(0u8, |b, (i, m)| b | ((m.is_some() as u8) << i));
            out.push(bits);
            s.mark_min.iter().flatten().for_each(|v| put_num(out, *v));
        }
        let counts = (s.journal_n, s.journal_higher, s.journal_lower);
        if let Some(t) = &s.journal_table {
            flags |= F_JTABLE;
            t.iter().flatten().for_each(|c| put_varint(out, *c as u64));
        }
        let derived = s
            .journal_table
            .as_deref()
            .map(journal_counts)
            .unwrap_or((0, 0, 0));
        if counts != derived {
            flags |= F_JCOUNTS;
            put_varint(out, counts.0);
            put_varint(out, counts.1);
            put_varint(out, counts.2);
        }
        let (offset, hist) = s.score_hist.raw();
        if !hist.is_empty() {
            flags |= F_HIST;
            put_varint(out, zigzag(offset));
            put_varint(out, hist.len() as u64);
            hist.iter().for_each(|c| put_varint(out, *c as u64));
        }
        // The three task vectors grow together; a stored cell with ragged
        // ones is padded with zeros (what an absent task means to O4).
        let tasks = s.task_sums.len().max(s.task_n.len()).max(s.task_max.len());
        if tasks > 0 {
            flags |= F_TASKS;
            let get = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(0.0);
            let zero = |i: usize| {
                s.task_n.get(i).copied().unwrap_or(0) == 0
                    && get(&s.task_sums, i).to_bits() == 0
                    && get(&s.task_max, i).to_bits() == 0
            };
            // Trailing unused tasks (columns of a longer assessment) cost nothing.
            let stored = (0..tasks).rev().find(|&i| !zero(i)).map_or(0, |i| i + 1);
            put_varint(out, tasks as u64);
            put_varint(out, stored as u64);
            for i in 0..stored {
                put_varint(out, s.task_n.get(i).copied().unwrap_or(0));
                put_num(out, get(&s.task_sums, i));
                put_num(out, get(&s.task_max, i));
            }
        }
        if s.non_integral > 0 {
            flags |= F_NONINT;
            put_varint(out, s.non_integral);
        }
        let len = if flags == 0 {
            out.truncate(at);
            0
        } else {
            out[at..at + 2].copy_from_slice(&flags.to_le_bytes());
            out.len() - at
        };
        Cell {
            school,
            key,
            n: s.n,
            sum: s.sum,
            sum_sq: s.sum_sq,
            school_level: s.school_level,
            at: at as u64,
            len: u32::try_from(len).expect("a cell's encoded part is far below 4 GiB"),
        }
    }

    /// This cell's encoded part in `blobs`.
    fn extra<'b>(&self, blobs: &'b [u8]) -> &'b [u8] {
        &blobs[self.at as usize..self.at as usize + self.len as usize]
    }

    /// The same cell with its encoded part `by` bytes further (its blobs
    /// appended after `by` others).
    pub(crate) fn shifted(mut self, by: usize) -> Cell {
        self.at += by as u64;
        self
    }

    /// The same cell with its encoded part copied from `from` to `to`.
    pub(crate) fn moved(&self, from: &[u8], to: &mut Vec<u8>) -> Cell {
        let at = to.len() as u64;
        to.extend_from_slice(self.extra(from));
        Cell { at, ..self.clone() }
    }

    /// The published SD and SE (school-level cells), read without decoding
    /// the rest.
    pub fn sd_se(&self, blobs: &[u8]) -> (Option<f64>, Option<f64>) {
        let mut r = Reader {
            b: self.extra(blobs),
            pos: 0,
        };
        let f = r.flags();
        let sd = (f & F_SD != 0).then(|| r.f64());
        let se = (f & F_SE != 0).then(|| r.f64());
        (sd, se)
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// As [`AssessmentStats::within_ss`].
    pub fn within_ss(&self, blobs: &[u8]) -> Option<f64> {
        let sd = if self.school_level {
            self.sd_se(blobs).0
        } else {
            None
        };
        stats::within_ss(self.n, self.sum, self.sum_sq, self.school_level, sd)
    }

    /// As [`AssessmentStats::se_of_mean`].
    pub fn se_of_mean(&self, blobs: &[u8]) -> Option<f64> {
        let (sd, se) = self.sd_se(blobs);
        stats::se_of_mean(self.n, self.sum, self.sum_sq, self.school_level, sd, se)
    }

    /// Bytes this cell's encoded part takes.
    pub fn heap_bytes(&self) -> usize {
        self.len as usize
    }

    /// The full statistics.
    pub fn stats(&self, blobs: &[u8]) -> AssessmentStats {
        let mut s = AssessmentStats::default();
        self.stats_into(blobs, &mut s);
        s
    }

    /// The full statistics into `s`, reusing its vectors (no allocation once
    /// they are large enough: the signs decode a million cells this way).
    pub fn stats_into(&self, blobs: &[u8], s: &mut AssessmentStats) {
        s.n = self.n;
        s.sum = self.sum;
        s.sum_sq = self.sum_sq;
        s.school_level = self.school_level;
        s.sd_score = None;
        s.se = None;
        s.max_score = None;
        s.mark_counts = [0; 4];
        s.mark_min = [None; 4];
        (s.journal_n, s.journal_higher, s.journal_lower) = (0, 0, 0);
        s.non_integral = 0;
        s.task_n.clear();
        s.task_sums.clear();
        s.task_max.clear();
        let mut r = Reader {
            b: self.extra(blobs),
            pos: 0,
        };
        let f = r.flags();
        if f & F_JTABLE == 0 {
            s.journal_table = None;
        }
        if f & F_HIST == 0 {
            s.score_hist.clear_keep();
        }
        if f == 0 {
            return;
        }
        if f & F_SD != 0 {
            s.sd_score = Some(r.f64());
        }
        if f & F_SE != 0 {
            s.se = Some(r.f64());
        }
        if f & F_MAX != 0 {
            s.max_score = Some(r.num());
        }
        if f & F_MARKS != 0 {
            s.mark_counts = std::array::from_fn(|_| r.varint());
        }
        if f & F_MARK_MIN != 0 {
            let bits = r.b[r.pos];
            r.pos += 1;
            for i in 0..4 {
                if bits & (1 << i) != 0 {
                    s.mark_min[i] = Some(r.num());
                }
            }
        }
        if f & F_JTABLE != 0 {
            let t = s.journal_table.get_or_insert_with(Default::default);
            t.iter_mut().flatten().for_each(|c| *c = r.varint() as u32);
            (s.journal_n, s.journal_higher, s.journal_lower) = journal_counts(t);
        }
        if f & F_JCOUNTS != 0 {
            s.journal_n = r.varint();
            s.journal_higher = r.varint();
            s.journal_lower = r.varint();
        }
        if f & F_HIST != 0 {
            let offset = unzigzag(r.varint());
            let len = r.varint() as usize;
            s.score_hist
                .set_raw(offset, (0..len).map(|_| r.varint() as u32));
        }
        if f & F_TASKS != 0 {
            let tasks = r.varint() as usize;
            let stored = r.varint() as usize;
            s.task_n.resize(tasks, 0);
            s.task_sums.resize(tasks, 0.0);
            s.task_max.resize(tasks, 0.0);
            for i in 0..stored {
                s.task_n[i] = r.varint();
                s.task_sums[i] = r.num();
                s.task_max[i] = r.num();
            }
        }
        if f & F_NONINT != 0 {
            s.non_integral = r.varint();
        }
    }
}

/// The cells of a run, sorted by (school id, assessment), with the school ids
/// and assessments interned (each stored once, sorted, so an id's order is
/// its string's order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CellTable {
    schools: Vec<String>,
    keys: Vec<AssessmentKey>,
    cells: Vec<Cell>,
    /// The cells' encoded parts.
    blobs: Vec<u8>,
}

/// Renumbers the cells' school and key ids in sorted order, dropping ids no
/// cell uses; returns the kept schools and keys.
fn renumber(
    schools: Vec<String>,
    keys: Vec<AssessmentKey>,
    cells: &mut [Cell],
) -> (Vec<String>, Vec<AssessmentKey>) {
    let (schools, school_map) = sorted_used(schools, cells.iter().map(|c| c.school));
    let (keys, key_map) = sorted_used(keys, cells.iter().map(|c| c.key));
    for c in cells.iter_mut() {
        c.school = school_map[c.school as usize];
        c.key = key_map[c.key as usize];
    }
    (schools, keys)
}

impl CellTable {
    /// From interned parts in any order: ids are renumbered in sorted order,
    /// cells sorted, and ids no cell uses dropped. Cells must be unique per
    /// (school, key).
    pub(crate) fn from_parts(
        schools: Vec<String>,
        keys: Vec<AssessmentKey>,
        mut cells: Vec<Cell>,
        mut blobs: Vec<u8>,
    ) -> CellTable {
        let (schools, keys) = renumber(schools, keys, &mut cells);
        cells.sort_unstable_by_key(|c| (c.school, c.key));
        cells.shrink_to_fit();
        blobs.shrink_to_fit();
        CellTable {
            schools,
            keys,
            cells,
            blobs,
        }
    }

    /// From interned parts in any order where equal (school, key) cells may
    /// repeat (several threads' parts of one input): ids renumbered in sorted
    /// order, cells sorted, equal cells merged in the order given, cells
    /// without results dropped.
    pub(crate) fn from_parts_merging(
        schools: Vec<String>,
        keys: Vec<AssessmentKey>,
        mut cells: Vec<Cell>,
        mut blobs: Vec<u8>,
    ) -> CellTable {
        let (schools, keys) = renumber(schools, keys, &mut cells);
        // Stable: repeated cells keep the order of their parts.
        cells.sort_by_key(|c| (c.school, c.key));
        let mut out: Vec<Cell> = Vec::with_capacity(cells.len());
        let mut pending: Option<AssessmentStats> = None;
        for c in cells {
            match out.last() {
                Some(last) if (last.school, last.key) == (c.school, c.key) => {
                    let acc = pending.get_or_insert_with(|| last.stats(&blobs));
                    acc.merge(&c.stats(&blobs));
                }
                _ => {
                    if let Some(s) = pending.take() {
                        let last = out.pop().expect("a pending merge has its cell");
                        out.push(Cell::encode(last.school, last.key, &s, &mut blobs));
                    }
                    out.push(c);
                }
            }
        }
        if let Some(s) = pending.take() {
            let last = out.pop().expect("a pending merge has its cell");
            out.push(Cell::encode(last.school, last.key, &s, &mut blobs));
        }
        out.retain(|c| c.n > 0);
        // Ids no cell with results uses (all of a school's results non-finite).
        let used_schools: Vec<bool> = {
            let mut u = vec![false; schools.len()];
            out.iter().for_each(|c| u[c.school as usize] = true);
            u
        };
        let used_keys: Vec<bool> = {
            let mut u = vec![false; keys.len()];
            out.iter().for_each(|c| u[c.key as usize] = true);
            u
        };
        if used_schools.iter().all(|u| *u) && used_keys.iter().all(|u| *u) {
            out.shrink_to_fit();
            blobs.shrink_to_fit();
            return CellTable {
                schools,
                keys,
                cells: out,
                blobs,
            };
        }
        CellTable::from_parts(schools, keys, out, blobs)
    }

    /// The compact form of a table (e.g. one read from the store).
    pub fn from_table(t: &StatsTable) -> CellTable {
        let keys: Vec<AssessmentKey> = t
            .cells
            .keys()
            .map(|(_, k)| k)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .cloned()
            .collect();
        let mut schools: Vec<String> = Vec::new();
        let mut cells = Vec::with_capacity(t.cells.len());
        let mut blobs = Vec::new();
        for ((school, key), s) in &t.cells {
            if schools.last() != Some(school) {
                schools.push(school.clone());
            }
            let k = keys.binary_search(key).expect("key collected above") as u32;
            cells.push(Cell::encode(schools.len() as u32 - 1, k, s, &mut blobs));
        }
        CellTable {
            schools,
            keys,
            cells,
            blobs,
        }
    }

    /// Back to the exchange form.
    pub fn to_table(&self) -> StatsTable {
        StatsTable {
            cells: self
                .cells
                .iter()
                .map(|c| {
                    (
                        (self.school(c).to_string(), self.key(c).clone()),
                        self.stats(c),
                    )
                })
                .collect(),
        }
    }

    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The full statistics of a cell of this table.
    pub fn stats(&self, c: &Cell) -> AssessmentStats {
        c.stats(&self.blobs)
    }

    /// [`Self::stats`] into `s`, reusing its vectors.
    pub fn stats_into(&self, c: &Cell, s: &mut AssessmentStats) {
        c.stats_into(&self.blobs, s)
    }

    /// As [`AssessmentStats::within_ss`].
    pub fn within_ss(&self, c: &Cell) -> Option<f64> {
        c.within_ss(&self.blobs)
    }

    /// As [`AssessmentStats::se_of_mean`].
    pub fn se_of_mean(&self, c: &Cell) -> Option<f64> {
        c.se_of_mean(&self.blobs)
    }

    /// Assessments, sorted; a cell's `key` indexes this.
    pub fn keys(&self) -> &[AssessmentKey] {
        &self.keys
    }

    /// School ids, sorted; a cell's `school` indexes this.
    pub fn schools(&self) -> &[String] {
        &self.schools
    }

    pub fn school(&self, c: &Cell) -> &str {
        &self.schools[c.school as usize]
    }

    pub fn key(&self, c: &Cell) -> &AssessmentKey {
        &self.keys[c.key as usize]
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Distinct years of the cells, ascending.
    pub fn years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.keys.iter().map(|k| k.year).collect();
        y.sort_unstable();
        y.dedup();
        y
    }

    /// Approximate memory held, in bytes (inline cells, encoded parts, ids).
    pub fn memory_bytes(&self) -> usize {
        self.cells.capacity() * std::mem::size_of::<Cell>()
            + self.blobs.capacity()
            + self
                .schools
                .iter()
                .map(|s| s.capacity() + 24)
                .sum::<usize>()
            + self.keys.len() * std::mem::size_of::<AssessmentKey>()
    }
}

/// Sorts `items`, keeps those whose old index is in `used`, and returns them
/// with the map old index → new index.
fn sorted_used<T: Ord>(items: Vec<T>, used: impl Iterator<Item = u32>) -> (Vec<T>, Vec<u32>) {
    let mut seen = vec![false; items.len()];
    used.for_each(|i| seen[i as usize] = true);
    let mut order: Vec<(T, u32)> = items
        .into_iter()
        .enumerate()
        .filter(|(i, _)| seen[*i])
        .map(|(i, t)| (t, i as u32))
        .collect();
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut map = vec![u32::MAX; seen.len()];
    let mut out = Vec::with_capacity(order.len());
    for (new, (t, old)) in order.into_iter().enumerate() {
        map[old as usize] = new as u32;
        out.push(t);
    }
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{PupilResult, SchoolResult};

    fn pupil(
        score: f64,
        mark: Option<u8>,
        journal: Option<u8>,
        tasks: Vec<Option<f64>>,
    ) -> PupilResult {
        PupilResult {
            year: 2023,
            school_id: "A".into(),
            procedure: "ВПР".into(),
            subject: "математика".into(),
            grade: 5,
            score,
            max_score: Some(20.0),
            mark,
            journal_mark: journal,
            tasks,
            ..Default::default()
        }
    }

    fn roundtrip(s: &AssessmentStats) {
        let mut blobs = vec![7u8; 5];
        let c = Cell::encode(3, 4, s, &mut blobs);
        assert_eq!(&c.stats(&blobs), s);
        let mut other = vec![1u8];
        let m = c.moved(&blobs, &mut other);
        assert_eq!(&m.stats(&other), s);
        // Decoding over a cell that had everything leaves nothing behind.
        let mut full = AssessmentStats::default();
        full.add_pupil(&pupil(7.0, Some(3), Some(5), vec![Some(1.0); 20]));
        full.se = Some(1.0);
        c.stats_into(&blobs, &mut full);
        assert_eq!(&full, s);
        assert_eq!(
            (c.within_ss(&blobs), c.se_of_mean(&blobs)),
            (s.within_ss(), s.se_of_mean())
        );
    }

    #[test]
    fn encoding_is_lossless() {
        roundtrip(&AssessmentStats::default());
        let mut s = AssessmentStats::default();
        s.add_pupil(&pupil(
            10.0,
            Some(4),
            Some(3),
            vec![Some(1.0), None, Some(2.5), None, None],
        ));
        s.add_pupil(&pupil(12.5, Some(5), Some(5), vec![Some(0.0), Some(7.0)]));
        s.add_pupil(&pupil(-3.0, Some(2), None, vec![]));
        s.add_pupil(&pupil(1e300, None, Some(2), vec![Some(f64::MAX)]));
        s.add_pupil(&pupil(5000.0, Some(3), Some(4), vec![]));
        roundtrip(&s);
        assert!(Cell::encode(0, 0, &s, &mut Vec::new()).heap_bytes() > 0);
        // Journal counts that the table does not explain (a store cell).
        let mut odd = s.clone();
        odd.journal_n += 7;
        roundtrip(&odd);
        odd.journal_table = None;
        roundtrip(&odd);
        odd.task_sums.push(-0.0);
        odd.task_n.push(0);
        odd.task_max.push(0.0);
        roundtrip(&odd);
        let school = AssessmentStats::from_school_result(&SchoolResult {
            year: 2019,
            school_id: "1".into(),
            procedure: "KS4".into(),
            subject: "A8".into(),
            grade: 11,
            n: 100,
            mean_score: 45.3,
            sd_score: Some(10.1),
            se: Some(1.2),
            mark_shares: [Some(10.0), None, Some(30.0), Some(40.0)],
        });
        roundtrip(&school);
        let bare = AssessmentStats {
            n: 5,
            sum: 10.0,
            sum_sq: 30.0,
            ..Default::default()
        };
        assert_eq!(Cell::encode(0, 0, &bare, &mut Vec::new()).heap_bytes(), 0);
        roundtrip(&bare);
    }

    #[test]
    fn table_roundtrip_keeps_order_and_ids() {
        let mut t = StatsTable::default();
        for (school, year, proc_) in [
            ("B", 2023, "ВПР"),
            ("A", 2024, "ОГЭ"),
            ("A", 2023, "ВПР"),
            ("C", 2024, "ВПР"),
        ] {
            let mut s = AssessmentStats::default();
            s.add_pupil(&PupilResult {
                score: year as f64 - 2000.0,
                ..pupil(1.0, Some(3), None, vec![])
            });
            t.insert(school, AssessmentKey::new(year, proc_, "математика", 5), s);
        }
        let c = CellTable::from_table(&t);
        assert_eq!(c.schools(), ["A", "B", "C"]);
        assert_eq!(c.years(), vec![2023, 2024]);
        let order: Vec<(&str, i32)> = c
            .cells()
            .iter()
            .map(|x| (c.school(x), c.key(x).year))
            .collect();
        assert_eq!(
            order,
            vec![("A", 2023), ("A", 2024), ("B", 2023), ("C", 2024)]
        );
        assert_eq!(c.to_table(), t);
        let mut blobs = Vec::new();
        let cells = vec![
            Cell::encode(0, 0, &t.cells.values().next().unwrap().clone(), &mut blobs),
            Cell::encode(3, 1, &AssessmentStats::default(), &mut blobs),
            Cell::encode(1, 0, &AssessmentStats::default(), &mut blobs),
        ];
        let parts = CellTable::from_parts(
            vec!["Z".into(), "B".into(), "unused".into(), "A".into()],
            c.keys().to_vec(),
            cells,
            blobs,
        );
        assert_eq!(parts.schools(), ["A", "B", "Z"]);
        let order: Vec<(&str, u32)> = parts
            .cells()
            .iter()
            .map(|x| (parts.school(x), x.key))
            .collect();
        assert_eq!(order, vec![("A", 1), ("B", 0), ("Z", 0)]);
    }
}
