//! The input files of an identification run read into the engine's tables:
//! the results files (in parallel where the fast path can take them, else by
//! `opora_io::identify_files::read_results`), and the small files beside them.

use crate::fast::{self, Outcome};
use opora_analytics::{
    CellTable, ChecklistRow, Config, ContextTable, SchoolInfo, StatsAccumulator,
};
use opora_io::identify_files::{self as files, FilesError};
use opora_io::records::Errors;
use opora_io::TableOptions;
use std::path::{Path, PathBuf};

/// How the parallel reader runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallel {
    /// Workers (at least one).
    pub threads: usize,
    /// Bytes per range of a file ([`Parallel::CHUNK`] outside tests).
    pub chunk: u64,
    /// Map the files in memory (else read them range by range).
    pub map_files: bool,
}

impl Parallel {
    /// Bytes per range: large enough that per-range costs vanish, small
    /// enough that the last ranges of a run keep every core busy.
    pub const CHUNK: u64 = 16 << 20;

    /// `threads` workers, the usual ranges, files mapped.
    pub fn with_threads(threads: usize) -> Parallel {
        Parallel {
            threads,
            chunk: Parallel::CHUNK,
            map_files: true,
        }
    }
}

/// The files of a run over files.
pub struct InputPaths<'a> {
    pub results: &'a [PathBuf],
    pub context: &'a Path,
    pub checklist: Option<&'a Path>,
    pub schools: Option<&'a Path>,
    /// The XLSX sheet to read, for every file.
    pub table: TableOptions,
}

/// Inputs read from files.
pub struct FileInputs {
    /// Compact: a national batch holds ~1.5 million cells.
    pub stats: CellTable,
    pub context: ContextTable,
    pub schools: Vec<SchoolInfo>,
    pub checklist: Vec<ChecklistRow>,
}

/// Reads every input file of a run configured by `cfg`, the results files
/// in `parallel` where they can be ([`read_results`]). Bad rows of all the
/// files come back together as [`FilesError::Rows`].
pub fn read_inputs(
    paths: &InputPaths,
    cfg: &Config,
    parallel: Option<Parallel>,
) -> Result<FileInputs, FilesError> {
    let table = &paths.table;
    // The small files are read beside the results.
    let (results, others) = std::thread::scope(|s| {
        let others = s.spawn(|| -> Result<_, FilesError> {
            let mut bad = Vec::new();
            let context = files::read_context(paths.context, table)
                .or_else(|e| e.collect_rows(&mut bad, ContextTable::default()))?;
            let checklist = match paths.checklist {
                Some(p) => files::read_checklist(p, table)
                    .or_else(|e| e.collect_rows(&mut bad, Vec::new()))?,
                None => Vec::new(),
            };
            let schools = match paths.schools {
                Some(p) => files::read_school_infos(p, table)
                    .or_else(|e| e.collect_rows(&mut bad, Vec::new()))?,
                None => Vec::new(),
            };
            Ok((context, checklist, schools, bad))
        });
        // Score histograms only where a sign needs them (memory at national scale).
        let mut bad = Vec::new();
        let parts = read_results(
            paths.results,
            table,
            &StatsAccumulator::for_identification(cfg),
            &mut bad,
            parallel,
        );
        (
            parts.map(|p| (p, bad)),
            others
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    let (parts, mut bad) = results?;
    let (context, checklist, schools, mut other_bad) = others?;
    bad.append(&mut other_bad);
    if !bad.is_empty() {
        return Err(FilesError::Rows(bad));
    }
    Ok(FileInputs {
        stats: StatsAccumulator::combine(parts),
        context,
        schools,
        checklist,
    })
}

/// Reads every results file into accumulators (with the histogram policy of
/// `template`), returned in file order. UTF-8 pupil-level CSV files are read
/// in parallel when `parallel` is given; other files (Windows-1251, XLSX,
/// school level), and all of them without `parallel`, by the sequential
/// reader. Bad rows of every file are collected in `bad`.
pub fn read_results(
    paths: &[PathBuf],
    table: &TableOptions,
    template: &StatsAccumulator,
    bad: &mut Vec<Errors>,
    parallel: Option<Parallel>,
) -> Result<Vec<StatsAccumulator>, FilesError> {
    let mut plans = Vec::new();
    let mut which = Vec::with_capacity(paths.len());
    for path in paths {
        let t = files::open(path, table)?;
        match parallel.and_then(|p| fast::plan(path, &t, p.map_files)) {
            Some(p) => {
                which.push(Some(plans.len()));
                plans.push(p);
            }
            None => which.push(None),
        }
    }
    let (threads, chunk) = parallel.map_or((1, Parallel::CHUNK), |p| (p.threads, p.chunk));
    let mut outcomes: Vec<Option<Outcome>> = fast::read(&plans, template, threads, chunk)
        .into_iter()
        .map(Some)
        .collect();
    let mut all = Vec::new();
    for (path, w) in paths.iter().zip(which) {
        let sequential = match w.and_then(|i| outcomes[i].take()) {
            Some(Outcome::Read { parts, errors }) => {
                match errors {
                    Some(e) => bad.push(e),
                    None => all.extend(parts),
                }
                Ok(())
            }
            Some(Outcome::Failed(cause)) => {
                return Err(FilesError::System {
                    path: path.clone(),
                    cause,
                });
            }
            Some(Outcome::Fallback) | None => {
                let mut acc = template.empty_like();
                let r = files::read_results(path, table, &mut acc);
                all.push(acc);
                r
            }
        };
        sequential.or_else(|e| e.collect_rows(bad, ()))?;
    }
    Ok(all)
}
