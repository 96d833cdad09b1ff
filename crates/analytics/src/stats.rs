//! Sufficient statistics per (school, assessment), filled in one streaming pass.
//!
//! The engine never rereads pupil rows: every quantity of methodology.md steps 1–6
//! is a function of these aggregates (counts, Σscore, Σscore², histograms, mark
//! counts, journal comparisons, task sums). Merging is associative, so the store
//! can persist cells and a batch run can stream files without holding them.

pub use crate::compact::{Cell, CellTable};
pub use crate::hist::ScoreHist;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// Cells an accumulator keeps open (in full form) at a time.
pub const OPEN_CELLS: usize = 16;

/// One assessment: (year, procedure, subject, grade).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AssessmentKey {
    pub year: i32,
    pub procedure: String,
    pub subject: String,
    pub grade: i32,
}

impl AssessmentKey {
    pub fn new(year: i32, procedure: &str, subject: &str, grade: i32) -> Self {
        AssessmentKey {
            year,
            procedure: procedure.to_string(),
            subject: subject.to_string(),
            grade,
        }
    }

    /// Human label for Russian texts, e.g. «ВПР, математика, 5 кл., 2023».
    pub fn label(&self) -> String {
        format!(
            "{}, {}, {} кл., {}",
            self.procedure, self.subject, self.grade, self.year
        )
    }
}

/// One pupil's result in one assessment (methodology input 1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PupilResult {
    pub year: i32,
    pub school_id: String,
    pub procedure: String,
    pub subject: String,
    pub grade: i32,
    pub student_key: String,
    pub score: f64,
    pub max_score: Option<f64>,
    pub mark: Option<u8>,
    pub journal_mark: Option<u8>,
    /// Task-level scores; may be empty.
    pub tasks: Vec<Option<f64>>,
}

/// One school's aggregate result in one assessment (methodology input 2).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchoolResult {
    pub year: i32,
    pub school_id: String,
    pub procedure: String,
    pub subject: String,
    pub grade: i32,
    pub n: u64,
    pub mean_score: f64,
    pub sd_score: Option<f64>,
    pub se: Option<f64>,
    /// Shares of marks 2, 3, 4, 5 in percent (0..100), as in the canonical
    /// file format (docs/formats.md: `share_2` … `share_5`).
    pub mark_shares: [Option<f64>; 4],
}

/// Sufficient statistics of one (school, assessment) cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentStats {
    pub n: u64,
    pub sum: f64,
    pub sum_sq: f64,
    /// Histogram of integral scores only (see `non_integral`); serialised as
    /// a JSON object score → count.
    pub score_hist: ScoreHist,
    /// Counts of marks 2, 3, 4, 5.
    pub mark_counts: [u64; 4],
    /// Pupils with both a ВПР mark and a journal mark.
    pub journal_n: u64,
    /// ВПР mark higher than the journal mark.
    pub journal_higher: u64,
    /// ВПР mark lower than the journal mark.
    pub journal_lower: u64,
    /// Pupils by (ВПР mark − 2, journal mark − 2): lets sign O2 compare a
    /// school with the region at the same marks. Boxed: only cells with
    /// journal marks pay for it.
    pub journal_table: Option<Box<JournalTable>>,
    pub task_sums: Vec<f64>,
    pub task_n: Vec<u64>,
    pub max_score: Option<f64>,
    /// School-level mode: the published standard deviation of pupil scores.
    pub sd_score: Option<f64>,
    /// School-level mode: the published standard error of the mean.
    pub se: Option<f64>,
    /// True when the cell comes from a school-level (aggregate) source.
    pub school_level: bool,
    /// Pupils missing from the histogram (score not integral, or far outside
    /// the range of the others): the heaping sign (O3) then skips the cell.
    pub non_integral: u64,
    /// Lowest score seen with each mark 2..5: the region's mark boundaries for
    /// O3 are estimated from these.
    pub mark_min: [Option<f64>; 4],
    /// Highest score seen per task: the task's maximum for success rates (O4).
    pub task_max: Vec<f64>,
}

/// A pupil's numbers in one assessment: what the accumulator reads of a
/// [`PupilResult`], without its strings (the batch parser fills it from the
/// bytes of a file).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PupilScore<'a> {
    pub score: f64,
    pub max_score: Option<f64>,
    pub mark: Option<u8>,
    pub journal_mark: Option<u8>,
    pub tasks: &'a [Option<f64>],
}

impl PupilResult {
    pub fn as_score(&self) -> PupilScore<'_> {
        PupilScore {
            score: self.score,
            max_score: self.max_score,
            mark: self.mark,
            journal_mark: self.journal_mark,
            tasks: &self.tasks,
        }
    }
}

/// Σ(score − mean)² within a cell, when the within-school spread is known
/// (see [`AssessmentStats::within_ss`]).
pub(crate) fn within_ss(
    n: u64,
    sum: f64,
    sum_sq: f64,
    school_level: bool,
    sd: Option<f64>,
) -> Option<f64> {
    if n == 0 || (school_level && sd.is_none()) {
        return None;
    }
    Some((sum_sq - sum * sum / n as f64).max(0.0))
}

/// See [`AssessmentStats::se_of_mean`].
pub(crate) fn se_of_mean(
    n: u64,
    sum: f64,
    sum_sq: f64,
    school_level: bool,
    sd: Option<f64>,
    se: Option<f64>,
) -> Option<f64> {
    if let Some(se) = se {
        return Some(se);
    }
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    within_ss(n, sum, sum_sq, school_level, sd).map(|ss| (ss / (nf - 1.0)).sqrt() / nf.sqrt())
}

/// Counts of pupils by ВПР mark (rows, 2..5) and journal mark (columns, 2..5).
/// u32: one cell never holds 4 billion pupils, and the table is half the size.
pub type JournalTable = [[u32; 4]; 4];

fn mark_index(mark: Option<u8>) -> Option<usize> {
    match mark {
        Some(m @ 2..=5) => Some((m - 2) as usize),
        _ => None,
    }
}

fn min_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

impl AssessmentStats {
    /// Adds one pupil. Non-finite scores are ignored (the importer reports them).
    pub fn add_pupil(&mut self, p: &PupilResult) {
        self.add_score(&p.as_score(), true);
    }

    /// Adds one pupil's numbers; `detail`: also the histogram and the task
    /// sums (an identification run keeps them only where a sign reads them).
    pub fn add_score(&mut self, p: &PupilScore<'_>, detail: bool) {
        if let Some(score) = self.add_moments(p, detail) {
            if detail && !self.score_hist.add(score, 1) {
                self.non_integral += 1;
            }
        }
    }

    /// Everything of [`Self::add_score`] but the histogram; returns the score
    /// when it belongs in the histogram (integral), so the caller can count it.
    fn add_moments(&mut self, p: &PupilScore<'_>, tasks: bool) -> Option<i64> {
        if !p.score.is_finite() {
            return None;
        }
        self.n += 1;
        self.sum += p.score;
        self.sum_sq += p.score * p.score;
        if let Some(i) = mark_index(p.mark) {
            self.mark_counts[i] += 1;
            self.mark_min[i] = min_opt(self.mark_min[i], Some(p.score));
        }
        if let (Some(m), Some(j)) = (mark_index(p.mark), mark_index(p.journal_mark)) {
            self.journal_n += 1;
            self.journal_higher += (m > j) as u64;
            self.journal_lower += (m < j) as u64;
            let t = self.journal_table.get_or_insert_with(Default::default);
            t[m][j] = t[m][j].saturating_add(1);
        }
        if tasks && !p.tasks.is_empty() {
            self.add_tasks(p.tasks);
        }
        if let Some(m) = p.max_score.filter(|m| m.is_finite()) {
            self.max_score = max_opt(self.max_score, Some(m));
        }
        // Integral: `as` truncates; no call to libm's trunc on the hot path.
        if p.score.abs() < 9.0e15 && (p.score as i64) as f64 == p.score {
            Some(p.score as i64)
        } else {
            self.non_integral += 1;
            None
        }
    }

    fn add_tasks(&mut self, tasks: &[Option<f64>]) {
        if tasks.len() > self.task_sums.len() {
            self.task_sums.resize(tasks.len(), 0.0);
            self.task_n.resize(tasks.len(), 0);
            self.task_max.resize(tasks.len(), 0.0);
        }
        // Zipped (every vector is at least as long as `tasks` now): no bounds
        // checks in the hottest loop of a batch run.
        let slots = self
            .task_sums
            .iter_mut()
            .zip(self.task_n.iter_mut())
            .zip(self.task_max.iter_mut());
        for (t, ((sum, n), max)) in tasks.iter().zip(slots) {
            if let Some(v) = t.filter(|v| v.is_finite()) {
                *sum += v;
                *n += 1;
                if *n == 1 || v > *max {
                    *max = v;
                }
            }
        }
    }

    /// Back to empty, keeping the vectors' buffers.
    pub(crate) fn reset(&mut self) {
        let hist = std::mem::take(&mut self.score_hist);
        let (mut sums, mut n, mut max) = (
            std::mem::take(&mut self.task_sums),
            std::mem::take(&mut self.task_n),
            std::mem::take(&mut self.task_max),
        );
        *self = AssessmentStats::default();
        self.score_hist = hist;
        self.score_hist.clear_keep();
        sums.clear();
        n.clear();
        max.clear();
        (self.task_sums, self.task_n, self.task_max) = (sums, n, max);
    }

    /// Every field but the histogram, the task vectors and the journal table.
    fn clone_moments(&self) -> AssessmentStats {
        AssessmentStats {
            n: self.n,
            sum: self.sum,
            sum_sq: self.sum_sq,
            score_hist: ScoreHist::new(),
            mark_counts: self.mark_counts,
            journal_n: self.journal_n,
            journal_higher: self.journal_higher,
            journal_lower: self.journal_lower,
            journal_table: None,
            task_sums: Vec::new(),
            task_n: Vec::new(),
            task_max: Vec::new(),
            max_score: self.max_score,
            sd_score: self.sd_score,
            se: self.se,
            school_level: self.school_level,
            non_integral: self.non_integral,
            mark_min: self.mark_min,
        }
    }

    /// Cell from a school-level row. Σscore² is reconstructed from `sd_score`
    /// when given (sample SD), so pupil-level standardisation stays possible.
    pub fn from_school_result(r: &SchoolResult) -> Self {
        let n = r.n as f64;
        let sd = r
            .sd_score
            .filter(|s| s.is_finite() && *s >= 0.0 && r.n >= 2);
        let within = sd.map(|s| (n - 1.0) * s * s).unwrap_or(0.0);
        let mut mark_counts = [0u64; 4];
        for (i, s) in r.mark_shares.iter().enumerate() {
            if let Some(s) = s.filter(|s| s.is_finite() && *s >= 0.0) {
                mark_counts[i] = (s / 100.0 * n).round() as u64;
            }
        }
        AssessmentStats {
            n: r.n,
            sum: n * r.mean_score,
            sum_sq: within + n * r.mean_score * r.mean_score,
            mark_counts,
            sd_score: sd,
            se: r.se.filter(|s| s.is_finite() && *s >= 0.0),
            school_level: true,
            ..Default::default()
        }
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// Σ(score − mean)² within the cell, when the within-school spread is known.
    pub fn within_ss(&self) -> Option<f64> {
        within_ss(
            self.n,
            self.sum,
            self.sum_sq,
            self.school_level,
            self.sd_score,
        )
    }

    /// Standard error of the cell mean in score units: the given `se`, else
    /// from the within-school sample SD.
    pub fn se_of_mean(&self) -> Option<f64> {
        se_of_mean(
            self.n,
            self.sum,
            self.sum_sq,
            self.school_level,
            self.sd_score,
            self.se,
        )
    }

    /// Adds another cell of the same (school, assessment).
    pub fn merge(&mut self, o: &Self) {
        if o.n == 0 && o.journal_n == 0 && o.task_n.is_empty() {
            return;
        }
        if self.n == 0 && self.journal_n == 0 && self.task_n.is_empty() {
            *self = o.clone();
            return;
        }
        let se = self.merged_se(o);
        let spread_known = self.within_ss().is_some() && o.within_ss().is_some();
        self.n += o.n;
        self.sum += o.sum;
        self.sum_sq += o.sum_sq;
        self.non_integral += self.score_hist.merge(&o.score_hist);
        for i in 0..4 {
            self.mark_counts[i] += o.mark_counts[i];
            self.mark_min[i] = min_opt(self.mark_min[i], o.mark_min[i]);
        }
        self.merge_journal_table(o);
        self.journal_n += o.journal_n;
        self.journal_higher += o.journal_higher;
        self.journal_lower += o.journal_lower;
        self.merge_tasks(o);
        self.max_score = max_opt(self.max_score, o.max_score);
        self.non_integral += o.non_integral;
        if self.school_level || o.school_level {
            self.school_level = true;
            self.se = se;
            self.sd_score = if spread_known && self.n >= 2 {
                let n = self.n as f64;
                Some(((self.sum_sq - self.sum * self.sum / n).max(0.0) / (n - 1.0)).sqrt())
            } else {
                None
            };
        }
    }

    fn merged_se(&self, o: &Self) -> Option<f64> {
        let (a, b) = (self.se_of_mean()?, o.se_of_mean()?);
        let (n1, n2) = (self.n as f64, o.n as f64);
        Some(((n1 * a).powi(2) + (n2 * b).powi(2)).sqrt() / (n1 + n2))
    }

    /// The table stays only while both sides have it, so its totals always
    /// match `journal_n` (a cell from an older store without it drops it).
    /// Called before `journal_n` is summed.
    fn merge_journal_table(&mut self, o: &Self) {
        if o.journal_n == 0 {
            return;
        }
        match (self.journal_table.as_mut(), o.journal_table.as_ref()) {
            (Some(a), Some(b)) => {
                for (ra, rb) in a.iter_mut().zip(b.iter()) {
                    ra.iter_mut()
                        .zip(rb)
                        .for_each(|(x, y)| *x = x.saturating_add(*y));
                }
            }
            (None, Some(b)) if self.journal_n == 0 => self.journal_table = Some(b.clone()),
            _ => self.journal_table = None,
        }
    }

    fn merge_tasks(&mut self, o: &Self) {
        if o.task_sums.len() > self.task_sums.len() {
            self.task_sums.resize(o.task_sums.len(), 0.0);
            self.task_n.resize(o.task_sums.len(), 0);
            self.task_max.resize(o.task_sums.len(), 0.0);
        }
        for i in 0..o.task_sums.len() {
            let seen = self.task_n[i] > 0;
            self.task_sums[i] += o.task_sums[i];
            self.task_n[i] += o.task_n.get(i).copied().unwrap_or(0);
            let om = o.task_max.get(i).copied().unwrap_or(0.0);
            self.task_max[i] = if seen { self.task_max[i].max(om) } else { om };
        }
    }
}

/// Cell key: school id and assessment.
pub type CellKey = (String, AssessmentKey);

/// The whole table of cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsTable {
    pub cells: BTreeMap<CellKey, AssessmentStats>,
}

impl StatsTable {
    /// Distinct years, ascending.
    pub fn years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.cells.keys().map(|(_, k)| k.year).collect();
        y.sort_unstable();
        y.dedup();
        y
    }

    /// Adds (merges) one cell.
    pub fn insert(&mut self, school_id: &str, key: AssessmentKey, stats: AssessmentStats) {
        self.cells
            .entry((school_id.to_string(), key))
            .or_default()
            .merge(&stats);
    }
}

/// Streaming accumulator. Keeps the cells being filled in full form outside
/// the table (the last [`OPEN_CELLS`] used), so that input sorted by school
/// and assessment (the usual case) costs one comparison per row and no
/// allocation, and input interleaving a few assessments (rows by pupil) costs
/// a short search; a cell that falls out of them is stored in compact form
/// ([`Cell`]), with the school id and the assessment interned. Input in any
/// order is accepted (a stored cell seen again is decoded and continued).
#[derive(Debug, Default)]
pub struct StatsAccumulator {
    school_ids: HashMap<String, u32>,
    schools: Vec<String>,
    key_ids: HashMap<AssessmentKey, u32>,
    keys: Vec<AssessmentKey>,
    /// Per key: whether its cells keep histograms and task sums.
    key_detail: Vec<bool>,
    /// (school, key) → position in `cells`.
    index: HashMap<(u32, u32), u32>,
    cells: Vec<Cell>,
    /// The cells' encoded parts ([`Cell`]), back to back.
    blobs: Vec<u8>,
    /// Bytes of `blobs` no cell uses any more (cells seen again and stored
    /// anew); compacted away when they outweigh the rest.
    garbage: usize,
    /// Cells being filled, the most recent last.
    open: VecDeque<Current>,
    /// None: histograms for every procedure; Some: only for these (lower case).
    hist_procedures: Option<Vec<String>>,
}

#[derive(Debug)]
struct Current {
    school: u32,
    key: u32,
    /// Position in `cells` when the cell was stored before.
    slot: Option<u32>,
    detail: bool,
    stats: AssessmentStats,
}

impl StatsAccumulator {
    /// Complete statistics, histograms of every procedure included.
    pub fn new() -> Self {
        Self::default()
    }

    /// Statistics for an identification run: score histograms and task sums
    /// only for the procedures the signs O3 and O4 examine. A national batch
    /// then needs a fraction of the memory.
    pub fn for_identification(cfg: &crate::Config) -> Self {
        Self::histograms_only_for(&cfg.objectivity.school_procedures)
    }

    /// Keeps score histograms and task sums only for these procedures
    /// (case-insensitive).
    pub fn histograms_only_for(procedures: &[String]) -> Self {
        let list = procedures.iter().map(|p| p.trim().to_lowercase()).collect();
        StatsAccumulator {
            hist_procedures: Some(list),
            ..Self::default()
        }
    }

    /// An empty accumulator with the same histogram policy.
    pub fn empty_like(&self) -> Self {
        StatsAccumulator {
            hist_procedures: self.hist_procedures.clone(),
            ..Self::default()
        }
    }

    fn wants_detail(&self, procedure: &str) -> bool {
        match &self.hist_procedures {
            None => true,
            Some(list) => list.iter().any(|p| *p == procedure.trim().to_lowercase()),
        }
    }

    /// The id of a school (interned).
    pub fn school_id(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.school_ids.get(id) {
            return i;
        }
        let i = self.schools.len() as u32;
        self.schools.push(id.to_string());
        self.school_ids.insert(id.to_string(), i);
        i
    }

    /// The id of an assessment (interned).
    pub fn key_id(&mut self, key: &AssessmentKey) -> u32 {
        if let Some(&i) = self.key_ids.get(key) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.key_detail.push(self.wants_detail(&key.procedure));
        self.keys.push(key.clone());
        self.key_ids.insert(key.clone(), i);
        i
    }

    /// The full statistics of the cell (school, key), made the most recent
    /// open cell.
    fn cell(&mut self, school: u32, key: u32) -> &mut Current {
        let is = |c: &Current| c.school == school && c.key == key;
        if !self.open.back().is_some_and(is) {
            match self.open.iter().position(is) {
                Some(i) => {
                    let c = self.open.remove(i).expect("position found");
                    self.open.push_back(c);
                }
                None => {
                    // The oldest open cell makes room, and lends its buffers.
                    let mut stats = AssessmentStats::default();
                    if self.open.len() >= OPEN_CELLS {
                        let oldest = self.open.pop_front().expect("open cells");
                        self.store_open_ref(&oldest);
                        stats = oldest.stats;
                    }
                    let slot = self.index.get(&(school, key)).copied();
                    match slot {
                        Some(i) => self.cells[i as usize].stats_into(&self.blobs, &mut stats),
                        None => stats.reset(),
                    }
                    self.open.push_back(Current {
                        school,
                        key,
                        slot,
                        detail: self.key_detail[key as usize],
                        stats,
                    });
                }
            }
        }
        self.open.back_mut().expect("the cell is open")
    }

    /// Stores every open cell.
    fn flush(&mut self) {
        while let Some(c) = self.open.pop_front() {
            self.store_open(c);
        }
    }

    fn store_open(&mut self, c: Current) {
        self.store_open_ref(&c);
    }

    /// Stores an open cell, leaving its buffers to be reused.
    fn store_open_ref(&mut self, c: &Current) {
        let cell = if c.detail {
            Cell::encode(c.school, c.key, &c.stats, &mut self.blobs)
        } else {
            let bare = AssessmentStats {
                score_hist: ScoreHist::new(),
                task_sums: Vec::new(),
                task_n: Vec::new(),
                task_max: Vec::new(),
                journal_table: c.stats.journal_table.clone(),
                ..c.stats.clone_moments()
            };
            Cell::encode(c.school, c.key, &bare, &mut self.blobs)
        };
        self.store(c.slot, cell);
    }

    /// Stores a cell (anew when `slot` is its old position).
    fn store(&mut self, slot: Option<u32>, cell: Cell) {
        match slot {
            Some(i) => {
                self.garbage += self.cells[i as usize].heap_bytes();
                self.cells[i as usize] = cell;
                self.compact_if_wasteful();
            }
            None => {
                self.index
                    .insert((cell.school, cell.key), self.cells.len() as u32);
                self.cells.push(cell);
            }
        }
    }

    /// Input in no particular order stores cells again and again: once the
    /// bytes no cell uses outweigh the rest, the blobs are rewritten (memory
    /// stays within twice what the cells need).
    fn compact_if_wasteful(&mut self) {
        // Tests compact at once, to exercise it.
        let least = if cfg!(test) { 1 } else { 1 << 20 };
        if self.garbage >= least && self.garbage * 2 >= self.blobs.len() {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut blobs = Vec::with_capacity(self.blobs.len() - self.garbage);
        for c in &mut self.cells {
            *c = c.moved(&self.blobs, &mut blobs);
        }
        self.blobs = blobs;
        self.garbage = 0;
    }

    /// Whether `p` belongs to the most recent cell (cheap: no hashing).
    fn is_current(&self, school: &str, key: (i32, &str, &str, i32)) -> bool {
        let Some(c) = self.open.back() else {
            return false;
        };
        let k = &self.keys[c.key as usize];
        k.year == key.0
            && k.grade == key.3
            && self.schools[c.school as usize] == school
            && k.procedure == key.1
            && k.subject == key.2
    }

    fn ids(
        &mut self,
        school: &str,
        year: i32,
        procedure: &str,
        subject: &str,
        grade: i32,
    ) -> (u32, u32) {
        if self.is_current(school, (year, procedure, subject, grade)) {
            let c = self.open.back().expect("checked");
            return (c.school, c.key);
        }
        let s = self.school_id(school);
        let k = self.key_id(&AssessmentKey::new(year, procedure, subject, grade));
        (s, k)
    }

    pub fn add_pupil(&mut self, p: &PupilResult) {
        let (s, k) = self.ids(&p.school_id, p.year, &p.procedure, &p.subject, p.grade);
        self.add(s, k, &p.as_score());
    }

    /// Adds one pupil to the cell of ids from [`Self::school_id`] and
    /// [`Self::key_id`].
    pub fn add(&mut self, school: u32, key: u32, p: &PupilScore<'_>) {
        let c = self.cell(school, key);
        c.stats.add_score(p, c.detail);
    }

    pub fn add_school(&mut self, r: &SchoolResult) {
        let s = AssessmentStats::from_school_result(r);
        let (si, ki) = self.ids(&r.school_id, r.year, &r.procedure, &r.subject, r.grade);
        self.cell(si, ki).stats.merge(&s);
    }

    /// Merges a precomputed cell (e.g. read back from the store).
    pub fn add_stats(&mut self, school_id: &str, key: &AssessmentKey, s: &AssessmentStats) {
        let (si, ki) = self.ids(school_id, key.year, &key.procedure, &key.subject, key.grade);
        self.cell(si, ki).stats.merge(s);
    }

    /// Adds everything `other` accumulated (e.g. another thread's part of a
    /// file): its cells are merged into equal cells here, after those.
    pub fn merge(&mut self, mut other: StatsAccumulator) {
        other.flush();
        self.flush();
        let schools: Vec<u32> = other.schools.iter().map(|s| self.school_id(s)).collect();
        let keys: Vec<u32> = other.keys.iter().map(|k| self.key_id(k)).collect();
        self.cells.reserve(other.cells.len());
        self.blobs.reserve(other.blobs.len() - other.garbage);
        for c in std::mem::take(&mut other.cells) {
            let (s, k) = (schools[c.school as usize], keys[c.key as usize]);
            match self.index.get(&(s, k)).copied() {
                Some(i) => {
                    let mut a = self.cells[i as usize].stats(&self.blobs);
                    a.merge(&c.stats(&other.blobs));
                    let cell = Cell::encode(s, k, &a, &mut self.blobs);
                    self.store(Some(i), cell);
                }
                None => {
                    let mut c = c.moved(&other.blobs, &mut self.blobs);
                    (c.school, c.key) = (s, k);
                    self.store(None, c);
                }
            }
        }
    }

    /// The compact table of everything several accumulators hold (e.g. the
    /// threads' parts of a batch, in input order), as if one had read it all:
    /// equal cells are merged in the order of `parts`. Cheaper than
    /// [`Self::merge`]: no per-cell lookup, one sort.
    pub fn combine(parts: Vec<StatsAccumulator>) -> CellTable {
        let mut all = StatsAccumulator::default();
        let total: usize = parts.iter().map(|p| p.cells.len() + 1).sum();
        let bytes: usize = parts.iter().map(|p| p.blobs.len() - p.garbage).sum();
        all.cells.reserve(total);
        all.blobs.reserve(bytes);
        for mut p in parts {
            p.flush();
            if p.garbage > 0 {
                p.compact();
            }
            let schools: Vec<u32> = p.schools.iter().map(|s| all.school_id(s)).collect();
            let keys: Vec<u32> = p.keys.iter().map(|k| all.key_id(k)).collect();
            let base = all.blobs.len();
            all.blobs.extend_from_slice(&p.blobs);
            drop(std::mem::take(&mut p.blobs));
            all.cells.extend(p.cells.into_iter().map(|c| {
                let mut c = c.shifted(base);
                (c.school, c.key) = (schools[c.school as usize], keys[c.key as usize]);
                c
            }));
        }
        let StatsAccumulator {
            schools,
            keys,
            cells,
            blobs,
            ..
        } = all;
        CellTable::from_parts_merging(schools, keys, cells, blobs)
    }

    /// Cells so far (for progress and memory reports).
    pub fn len(&self) -> usize {
        self.cells.len() + self.open.iter().filter(|c| c.slot.is_none()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The compact table of every cell with at least one result.
    pub fn into_cells(mut self) -> CellTable {
        self.flush();
        if self.garbage > self.blobs.len() / 8 {
            self.compact();
        }
        let StatsAccumulator {
            schools,
            keys,
            mut cells,
            blobs,
            ..
        } = self;
        cells.retain(|c| c.n > 0);
        CellTable::from_parts(schools, keys, cells, blobs)
    }

    /// The table in exchange form ([`AssessmentStats`] per cell).
    pub fn into_table(self) -> StatsTable {
        self.into_cells().to_table()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pupil(school: &str, score: f64, mark: Option<u8>, journal: Option<u8>) -> PupilResult {
        PupilResult {
            year: 2023,
            school_id: school.into(),
            procedure: "ВПР".into(),
            subject: "математика".into(),
            grade: 5,
            student_key: "x".into(),
            score,
            max_score: Some(20.0),
            mark,
            journal_mark: journal,
            tasks: vec![Some(1.0), None, Some(2.0)],
        }
    }

    #[test]
    fn pupils_accumulate_and_merge_is_associative() {
        let rows = [
            pupil("A", 10.0, Some(4), Some(3)),
            pupil("A", 7.0, Some(3), Some(3)),
            pupil("B", 12.5, Some(5), Some(5)),
            pupil("A", 3.0, Some(2), Some(4)),
        ];
        let mut acc = StatsAccumulator::new();
        rows.iter().for_each(|r| acc.add_pupil(r));
        let t = acc.into_table();
        let a = &t.cells[&(
            "A".to_string(),
            AssessmentKey::new(2023, "ВПР", "математика", 5),
        )];
        assert_eq!(a.n, 3);
        assert_eq!(a.sum, 20.0);
        assert_eq!(a.sum_sq, 158.0);
        assert_eq!(a.mark_counts, [1, 1, 1, 0]);
        assert_eq!((a.journal_n, a.journal_higher, a.journal_lower), (3, 1, 1));
        let jt = a.journal_table.as_ref().unwrap();
        assert_eq!((jt[2][1], jt[1][1], jt[0][2]), (1, 1, 1));
        assert_eq!(a.task_n, vec![3, 0, 3]);
        assert_eq!(a.mark_min[1], Some(7.0));
        let b = &t.cells[&(
            "B".to_string(),
            AssessmentKey::new(2023, "ВПР", "математика", 5),
        )];
        assert_eq!(b.non_integral, 1);
        assert!(b.score_hist.is_empty());

        let mut x = AssessmentStats::default();
        x.add_pupil(&rows[0]);
        let mut y = AssessmentStats::default();
        y.add_pupil(&rows[1]);
        y.add_pupil(&rows[3]);
        x.merge(&y);
        assert_eq!(&x, a);
    }

    #[test]
    fn school_level_reconstructs_moments() {
        let r = SchoolResult {
            year: 2019,
            school_id: "1".into(),
            procedure: "KS4".into(),
            subject: "Attainment 8".into(),
            grade: 11,
            n: 100,
            mean_score: 45.0,
            sd_score: Some(10.0),
            se: None,
            mark_shares: [Some(10.0), Some(20.0), Some(30.0), Some(40.0)],
        };
        let s = AssessmentStats::from_school_result(&r);
        assert!((s.within_ss().unwrap() - 99.0 * 100.0).abs() < 1e-6);
        assert!((s.se_of_mean().unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(s.mark_counts, [10, 20, 30, 40]);
        let json = serde_json::to_string(&s).unwrap();
        let back: AssessmentStats = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        let no_sd = AssessmentStats::from_school_result(&SchoolResult {
            sd_score: None,
            ..r
        });
        assert_eq!(no_sd.within_ss(), None);
        assert_eq!(no_sd.se_of_mean(), None);
    }

    #[test]
    fn accumulator_matches_direct_adds_and_filters_histograms() {
        let mut rows: Vec<PupilResult> = (0..5).map(|i| pupil("A", i as f64, None, None)).collect();
        rows.push(pupil("A", 5000.0, None, None));
        rows.push(pupil("B", 3.0, None, None));
        rows.push(pupil("A", 3.0, None, None));
        let mut acc = StatsAccumulator::new();
        rows.iter().for_each(|r| acc.add_pupil(r));
        let t = acc.into_table();
        let mut direct = AssessmentStats::default();
        rows.iter()
            .filter(|r| r.school_id == "A")
            .for_each(|r| direct.add_pupil(r));
        let key = (
            "A".to_string(),
            AssessmentKey::new(2023, "ВПР", "математика", 5),
        );
        assert_eq!(t.cells[&key], direct);
        let mut lean = StatsAccumulator::histograms_only_for(&["ОГЭ".to_string()]);
        rows.iter().for_each(|r| lean.add_pupil(r));
        let t = lean.into_table();
        assert!(t.cells[&key].score_hist.is_empty());
        assert_eq!(t.cells[&key].n, 7);
    }

    #[test]
    fn any_order_and_merged_parts_give_the_same_table() {
        let mut rows = Vec::new();
        for i in 0..600u32 {
            let mut p = pupil(
                ["A", "B", "C"][(i % 3) as usize],
                (i % 17) as f64,
                Some(2 + (i % 4) as u8),
                Some(3),
            );
            p.grade = 4 + (i % 5) as i32;
            p.procedure = ["ВПР", "ОГЭ"][(i % 2) as usize].into();
            p.tasks = (0..(i % 7)).map(|t| Some((t + i) as f64 % 3.0)).collect();
            rows.push(p);
        }
        let mut sorted = rows.clone();
        sorted.sort_by(|a, b| {
            (&a.school_id, a.grade, &a.procedure).cmp(&(&b.school_id, b.grade, &b.procedure))
        });
        let table = |rows: &[PupilResult]| {
            let mut acc = StatsAccumulator::histograms_only_for(&["ВПР".to_string()]);
            rows.iter().for_each(|r| acc.add_pupil(r));
            acc.into_table()
        };
        let expected = table(&sorted);
        // Interleaved: every row switches cells, cells are stored again and
        // again and the blobs are compacted on the way.
        assert_eq!(table(&rows), expected);
        let mut whole = StatsAccumulator::histograms_only_for(&["ВПР".to_string()]);
        for part in rows.chunks(97) {
            let mut acc = whole.empty_like();
            part.iter().for_each(|r| acc.add_pupil(r));
            whole.merge(acc);
        }
        assert_eq!(whole.into_table(), expected);
        let parts: Vec<StatsAccumulator> = rows
            .chunks(97)
            .map(|part| {
                let mut acc = StatsAccumulator::histograms_only_for(&["ВПР".to_string()]);
                part.iter().for_each(|r| acc.add_pupil(r));
                acc
            })
            .collect();
        assert_eq!(StatsAccumulator::combine(parts).to_table(), expected);
        assert!(expected
            .cells
            .values()
            .all(|s| s.task_sums.is_empty() || s.score_hist.total() > 0));
    }

    #[test]
    fn histogram_roundtrips_through_json() {
        let mut s = AssessmentStats::default();
        s.add_pupil(&pupil("A", 10.0, Some(4), None));
        let back: AssessmentStats =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}
