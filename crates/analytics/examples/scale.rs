//! Scale check of the engine alone: streams synthetic pupil results of a
//! national-size batch through the accumulator, then runs `identify`.
//! Prints times and peak memory (VmHWM).
//!
//!     cargo run --release -p opora-analytics --example scale -- [schools] [pupils_per_cell] [vpr_tasks]

use opora_analytics::{
    identify, Config, ContextRow, ContextTable, Input, PupilResult, StatsAccumulator,
};
use std::time::Instant;

fn peak_mib() -> f64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let schools = args.first().copied().unwrap_or(40_000);
    let per_cell = args.get(1).copied().unwrap_or(25);
    let n_tasks = args.get(2).copied().unwrap_or(0);
    let assessments = [
        ("ВПР", "математика", 5, 20),
        ("ВПР", "русский язык", 5, 38),
        ("ВПР", "математика", 7, 19),
        ("ВПР", "русский язык", 7, 47),
        ("ОГЭ", "математика", 9, 31),
        ("ОГЭ", "русский язык", 9, 33),
        ("ЕГЭ", "математика", 11, 100),
        ("ЕГЭ", "русский язык", 11, 100),
    ];
    let t = Instant::now();
    let mut acc = if std::env::var("NOHIST").is_ok() {
        StatsAccumulator::histograms_only_for(&[])
    } else {
        StatsAccumulator::for_identification(&Config::default())
    };
    let mut x: u64 = 12345;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut p = PupilResult::default();
    let mut rows = 0u64;
    for year in 2021..=2023 {
        for s in 0..schools {
            p.school_id = format!("{s:06}");
            for (proc_, subj, grade, max) in assessments {
                p.year = year;
                p.procedure = proc_.into();
                p.subject = subj.into();
                p.grade = grade;
                for _ in 0..per_cell {
                    let score = (next() % (max as u64 + 1)) as f64;
                    p.score = score;
                    p.mark = Some(2 + (score * 4.0 / (max as f64 + 1.0)) as u8);
                    p.journal_mark = p.mark;
                    p.tasks.clear();
                    if proc_ == "ВПР" {
                        p.tasks
                            .extend((0..n_tasks).map(|t| Some(((score as usize + t) % 3) as f64)));
                    }
                    acc.add_pupil(&p);
                    rows += 1;
                }
            }
        }
    }
    let stats = acc.into_table();
    let t_acc = t.elapsed();
    let peak_table = peak_mib();
    let context = ContextTable {
        factors: vec!["poverty".into(), "rural".into()],
        rows: (0..schools)
            .map(|s| ContextRow {
                school_id: format!("{s:06}"),
                year: None,
                values: vec![Some((s % 97) as f64), Some((s % 2) as f64)],
            })
            .collect(),
    };
    let t = Instant::now();
    let run = identify(
        &Input {
            stats: &stats,
            context: &context,
            schools: &[],
            checklist: &[],
        },
        &Config::default(),
    )
    .expect("run");
    let t_run = t.elapsed();
    println!(
        "{rows} pupil results, {} cells: accumulate {:.2?} (peak {:.0} MiB), identify {:.2?} ({} schools, {} signs), peak {:.0} MiB",
        stats.cells.len(),
        t_acc,
        peak_table,
        t_run,
        run.schools.len(),
        run.objectivity.len(),
        peak_mib()
    );
}
