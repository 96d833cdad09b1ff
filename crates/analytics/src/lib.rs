//! Identification engine (methodology.md). Pure functions, no I/O.
//!
//! Data path: [`stats`] (sufficient statistics per school and assessment) →
//! [`standardise`] (step 1) → [`model`] + [`ols`] (step 2) → [`effects`] (step 3)
//! → [`categories`] (step 4) → [`checklist`] (step 5), [`objectivity`] (step 6)
//! → [`export`] (CSV, JSON, SVG, terminal summary). [`identify`] runs them all.

pub mod categories;
pub mod checklist;
pub mod compact;
pub mod context;
pub mod effects;
pub mod export;
pub mod fdr;
pub mod hist;
mod identify;
pub mod model;
pub mod objectivity;
pub mod ols;
mod par;
pub mod plain;
pub mod pvalue;
pub mod standardise;
pub mod stats;
pub mod text;

use serde::{Deserialize, Serialize};

pub use checklist::{ChecklistItem, ChecklistOutcome, ChecklistStatus};
pub use identify::identify;
pub use identify::{identify_cells, identify_cells_owned};
pub use model::{Coefficient, DroppedFactor, Model, YearModel};
pub use objectivity::{ObjectivitySign, SignTests};
pub use stats::{
    AssessmentKey, AssessmentStats, Cell, CellTable, PupilResult, PupilScore, SchoolResult,
    StatsAccumulator, StatsTable,
};

/// Errors of a run. Messages are in Russian: they reach the analyst unchanged.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AnalyticsError {
    #[error("нет ни одного результата оценочных процедур: рассчитывать нечего")]
    NoResults,
    #[error("некорректная настройка: {0}")]
    Config(String),
    #[error(
        "для выявления нужно не меньше двух школ с достаточными данными (не менее {min} результатов); найдено: {found}"
    )]
    TooFewSchools { min: u64, found: usize },
}

/// Optional school register entry: names for reports, type for sign O5.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchoolInfo {
    pub school_id: String,
    pub name: String,
    pub is_lyceum_or_gymnasium: bool,
}

/// Wide context table: one numeric column per candidate factor.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContextTable {
    pub factors: Vec<String>,
    pub rows: Vec<ContextRow>,
}

/// One school's context values (optionally for one year), aligned with `factors`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContextRow {
    pub school_id: String,
    pub year: Option<i32>,
    pub values: Vec<Option<f64>>,
}

/// Checklist data per school and year (methodology input 4). Percentages 0..100.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChecklistRow {
    pub school_id: String,
    pub year: i32,
    pub continuation_rate: Option<f64>,
    pub graduates: Option<u64>,
    pub ege_below_min: Option<u64>,
    pub olympiad_participants: Option<u64>,
    pub pupils: Option<u64>,
    pub kdn_pdn: Option<u64>,
    pub noko_satisfaction: Option<f64>,
}

/// Factor selection (step 2.2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Selection {
    /// Drop the factor with the largest p-value while it is above `p_remove`.
    Backward { p_remove: f64 },
    /// Keep every usable factor.
    All,
}

/// Regression weights (step 2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Weights {
    None,
    /// Weighted least squares with weights N_s.
    N,
}

/// Thresholds of the criteria checklist (step 5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChecklistThresholds {
    /// Criterion 2: continuation to grade 10 below this percentage.
    pub continuation_min: f64,
    /// Criterion 3: «да» when the share (%) of graduates below the ЕГЭ minimum exceeds this.
    pub ege_below_min_share: f64,
    /// Criterion 4: olympiad participants over the years below this % of pupils.
    pub olympiad_min_percent: f64,
    /// Criterion 5: «да» when pupils on КДН/ПДН registers per 100 pupils exceed this.
    pub kdn_per_100: f64,
    /// Criterion 6: НОКО satisfaction below this percentage.
    pub noko_min: f64,
    /// Criteria 1 and 4 look at this many last years.
    pub years: usize,
}

impl Default for ChecklistThresholds {
    fn default() -> Self {
        ChecklistThresholds {
            continuation_min: 60.0,
            ege_below_min_share: 0.0,
            olympiad_min_percent: 0.5,
            kdn_per_100: 0.0,
            noko_min: 70.0,
            years: 3,
        }
    }
}

/// Thresholds of the signs of non-objective results (step 6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectivityThresholds {
    /// A sign counts only in an assessment with at least this many pupils.
    pub min_pupils: u64,
    /// A school is listed with a sign only when the sign shows in at least
    /// this many of its assessments (1 = every single hit).
    pub min_assessments: usize,
    /// Procedures whose marks the school itself gives (O1 source, O2–O5).
    pub school_procedures: Vec<String>,
    /// External exams that should confirm them (O1).
    pub external_procedures: Vec<String>,
    /// O1: "top P%" of the region.
    pub o1_top_percent: f64,
    /// O2: percentile of the regional distribution of the share.
    pub o2_percentile: f64,
    /// O2: additionally require the count to be improbable (one-sided p below
    /// this) against the region at the school's own marks (None = the bare
    /// percentile rule).
    pub o2_guard_p: Option<f64>,
    /// O3: significance of the one-sided binomial test.
    pub o3_p: f64,
    /// O4: Spearman ρ above this.
    pub o4_rho: f64,
    /// O4: at least this many tasks.
    pub o4_min_tasks: usize,
    /// O4: additionally require the pattern the sign is named after (easier
    /// half of the tasks below the region, harder half above) with the gap
    /// between the halves beyond this many standard errors (None = ρ alone).
    pub o4_gap_z: Option<f64>,
    /// O5: number of binomial standard errors.
    pub o5_z: f64,
    /// O5: not shown when the school is among the region's top this-% in the
    /// closest external exam of the subject (None = the bare rule).
    pub o5_confirmed_top_percent: Option<f64>,
    /// False discovery rate of each sign over all (school, assessment) cells
    /// of the run (Benjamini–Hochberg): a sign is shown where its test is
    /// significant at this rate and the methodology's rule holds. None:
    /// every cell judged on its own by the rule and the per-cell guards
    /// (`o2_guard_p`, `o3_p`, `o4_gap_z`).
    pub fdr_q: Option<f64>,
}

impl Default for ObjectivityThresholds {
    fn default() -> Self {
        ObjectivityThresholds {
            min_pupils: 10,
            min_assessments: 2,
            school_procedures: vec!["ВПР".into(), "VPR".into()],
            external_procedures: vec!["ОГЭ".into(), "ЕГЭ".into(), "OGE".into(), "EGE".into()],
            o1_top_percent: 10.0,
            o2_percentile: 90.0,
            o2_guard_p: Some(0.001),
            o3_p: 0.01,
            o4_rho: 0.5,
            o4_min_tasks: 8,
            o4_gap_z: Some(3.0),
            o5_z: 3.0,
            o5_confirmed_top_percent: Some(25.0),
            fdr_q: Some(fdr::DEFAULT_Q),
        }
    }
}

/// Run configuration; `Default` is the methodology's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// P: "lowest P%" for ШНОР and low results.
    pub low_percent: f64,
    /// Q: "lowest Q%" of the social index for ШНСУ.
    pub shnsu_percent: f64,
    /// K of the "K of Y years" rule.
    pub years_k: usize,
    /// Y: the window is the last Y years present in the data.
    pub years_y: usize,
    /// Schools with fewer results (N_s) are «недостаточно данных».
    pub min_results: u64,
    pub select: Selection,
    pub weights: Weights,
    pub checklist: ChecklistThresholds,
    pub objectivity: ObjectivityThresholds,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            low_percent: 10.0,
            shnsu_percent: 10.0,
            years_k: 2,
            years_y: 3,
            min_results: 10,
            select: Selection::Backward { p_remove: 0.05 },
            weights: Weights::None,
            checklist: ChecklistThresholds::default(),
            objectivity: ObjectivityThresholds::default(),
        }
    }
}

/// Everything a run reads.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub stats: &'a StatsTable,
    pub context: &'a ContextTable,
    pub schools: &'a [SchoolInfo],
    pub checklist: &'a [ChecklistRow],
}

/// Everything a run reads, the statistics in compact form (a national batch:
/// see [`identify_cells`]).
#[derive(Debug, Clone, Copy)]
pub struct CellInput<'a> {
    pub stats: &'a CellTable,
    pub context: &'a ContextTable,
    pub schools: &'a [SchoolInfo],
    pub checklist: &'a [ChecklistRow],
}

/// Whether the run standardised pupil scores or school means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// Every assessment had pupil-level data (or published SDs).
    Pupil,
    /// At least one assessment was standardised across school means.
    School,
}

/// One row of schools.csv.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchoolOutcome {
    pub school_id: String,
    /// N_s: results behind the index in the whole window.
    pub n: u64,
    pub result_index: Option<f64>,
    pub result_se: Option<f64>,
    pub expected: Option<f64>,
    pub social_index: Option<f64>,
    pub residual: Option<f64>,
    pub effect: Option<f64>,
    pub effect_se: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Rank of the effect among the schools of the fit (1 = lowest).
    pub rank: Option<u64>,
    pub percentile: Option<f64>,
    pub is_shnor: bool,
    pub is_low_results: bool,
    pub is_shnsu: bool,
    pub is_resilient: bool,
    pub insufficient_data: bool,
    /// Years in which the ШНОР condition held.
    pub years_flagged: Vec<i32>,
    pub reason: String,
    /// The verdict in one plain sentence (`plain::summary`); the numbers
    /// behind it are in `reason`. Empty in runs saved before it existed.
    #[serde(default)]
    pub summary: String,
    /// Left out of the fit for missing context values.
    pub no_context: bool,
    /// Reliability λ_s of step 3.
    pub reliability: Option<f64>,
    /// Rank of the result index among all schools with sufficient data.
    pub index_rank: Option<u64>,
    /// Years in which the absolute low-results condition held.
    pub years_low_results: Vec<i32>,
    /// Short category label in Russian.
    pub category: String,
}

/// A finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub schools: Vec<SchoolOutcome>,
    pub model: Model,
    pub objectivity: Vec<ObjectivitySign>,
    /// How each sign was tested over the run (O1..O5): cells tested,
    /// significant, expected by chance. Empty in runs saved before it existed.
    #[serde(default)]
    pub objectivity_tests: Vec<SignTests>,
    pub checklist: Vec<ChecklistOutcome>,
    /// Remarks in Russian (standardisation used, factors dropped, edge cases).
    pub notes: Vec<String>,
    /// Years of the window.
    pub years: Vec<i32>,
    pub mode: Mode,
    pub config: Config,
}
