//! The demo region: determinism, canonical headers, value ranges, planted
//! patterns and the context–results correlation.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use opora_demo::{write_demo, DemoOptions, DemoSummary, Pattern, Planting, Scale};

const YEARS: [i32; 3] = [2023, 2024, 2025];

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("opora-demo-tests")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The default region, generated once for all tests of this binary.
fn region() -> &'static (PathBuf, DemoSummary) {
    static REGION: OnceLock<(PathBuf, DemoSummary)> = OnceLock::new();
    REGION.get_or_init(|| {
        let dir = out_dir("default");
        let summary = write_demo(&dir, &DemoOptions::default()).expect("demo written");
        (dir, summary)
    })
}

/// A minimal CSV reader (quoted fields with doubled quotes).
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = split(lines.next().unwrap());
    let rows: Vec<Vec<String>> = lines.map(split).collect();
    for r in &rows {
        assert_eq!(r.len(), header.len(), "{}: {:?}", path.display(), r);
    }
    (header, rows)
}

fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', true) => quoted = false,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// One results row.
struct Res {
    year: i32,
    school: String,
    procedure: String,
    subject: String,
    grade: u8,
    key: String,
    score: u32,
    max: u32,
    mark: u32,
    journal: Option<u32>,
    tasks: Vec<u32>,
}

fn results(dir: &Path) -> &'static [Res] {
    static ROWS: OnceLock<Vec<Res>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let mut out = Vec::new();
        for year in YEARS {
            let (_, rows) = read_csv(&dir.join(format!("results_{year}.csv")));
            out.extend(rows.into_iter().map(|r| {
                Res {
                    year: r[0].parse().unwrap(),
                    school: r[1].clone(),
                    procedure: r[2].clone(),
                    subject: r[3].clone(),
                    grade: r[4].parse().unwrap(),
                    key: r[5].clone(),
                    score: r[6].parse().unwrap(),
                    max: r[7].parse().unwrap(),
                    mark: r[8].parse().unwrap(),
                    journal: (!r[9].is_empty()).then(|| r[9].parse().unwrap()),
                    tasks: r[10..]
                        .iter()
                        .filter(|t| !t.is_empty())
                        .map(|t| t.parse().unwrap())
                        .collect(),
                }
            }));
        }
        out
    })
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_differs() {
    let (dir, summary) = region();
    let again = out_dir("again");
    let other = out_dir("other");
    let s2 = write_demo(&again, &DemoOptions::default()).unwrap();
    write_demo(
        &other,
        &DemoOptions {
            seed: 7,
            ..DemoOptions::default()
        },
    )
    .unwrap();
    assert_eq!(summary.files.len(), s2.files.len());
    for file in &summary.files {
        let name = file.file_name().unwrap();
        let a = std::fs::read(dir.join(name)).unwrap();
        assert!(
            a == std::fs::read(again.join(name)).unwrap(),
            "{name:?} differs for the same seed"
        );
        if name != "scales.csv" {
            assert!(
                a != std::fs::read(other.join(name)).unwrap(),
                "{name:?} equal for another seed"
            );
        }
    }
    assert_eq!(summary.planted_non_objective, s2.planted_non_objective);
}

#[test]
fn headers_are_canonical() {
    let (dir, summary) = region();
    let expect = |file: &str, header: &str| {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(text.lines().next().unwrap(), header, "{file}");
    };
    expect(
        "schools.csv",
        "school_id,municipality,full_name,short_name,type,locality,address,website,enrolment",
    );
    expect(
        "scales.csv",
        "year,procedure,subject,grade,max_score,min_3,min_4,min_5",
    );
    expect(
        "context.csv",
        "school_id,year,low_income_share,parents_higher_ed_share,non_native_russian_share,disability_share,rural,enrolment",
    );
    expect(
        "checklist.csv",
        "school_id,year,continuation_rate,graduates,ege_below_min,olympiad_participants,pupils,kdn_pdn,noko_satisfaction",
    );
    expect("planted.csv", "school_id,pattern");
    expect(
        "teachers.csv",
        "school_id,personnel_no,full_name,position,subjects,grades,category,experience_years,education,education_subject,young_specialist",
    );
    expect(
        "courses.csv",
        "school_id,personnel_no,full_name,title,kind,hours,provider,start_date,end_date,certificate_no,subject_area",
    );
    expect(
        "diagnostics.csv",
        "round,held_on,school_id,personnel_no,full_name,subject,competence,score,weak_topics",
    );
    let tasks: Vec<String> = (1..=19).map(|j| format!("task_{j}")).collect();
    let results = format!(
        "year,school_id,procedure,subject,grade,student_key,score,max_score,mark,journal_mark,{}",
        tasks.join(",")
    );
    for year in YEARS {
        expect(&format!("results_{year}.csv"), &results);
    }
    let names: Vec<String> = summary
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into())
        .collect();
    for name in [
        "schools.csv",
        "scales.csv",
        "context.csv",
        "checklist.csv",
        "teachers.csv",
        "courses.csv",
        "diagnostics.csv",
        "planted.csv",
        "results_2024.csv",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from the summary"
        );
    }
}

#[test]
fn row_counts_match_the_summary() {
    let (dir, summary) = region();
    assert_eq!(summary.municipalities, 10);
    assert!(
        (230..=270).contains(&summary.schools),
        "{}",
        summary.schools
    );
    let (_, schools) = read_csv(&dir.join("schools.csv"));
    assert_eq!(schools.len(), summary.schools);
    let municipalities: HashSet<&str> = schools.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(municipalities.len(), 10);
    assert_eq!(
        read_csv(&dir.join("context.csv")).1.len(),
        3 * summary.schools
    );
    assert_eq!(
        read_csv(&dir.join("checklist.csv")).1.len(),
        3 * summary.schools
    );
    assert_eq!(read_csv(&dir.join("scales.csv")).1.len(), 3 * 17);
    let rows = results(dir);
    assert_eq!(rows.len() as u64, summary.pupil_results);
    assert!((250_000..500_000).contains(&rows.len()), "{}", rows.len());
    for year in YEARS {
        let n = rows.iter().filter(|r| r.year == year).count();
        assert!(n > 80_000, "{year}: {n}");
    }
}

#[test]
fn schools_look_real() {
    let (dir, _) = region();
    let (_, schools) = read_csv(&dir.join("schools.csv"));
    let ids: HashSet<&str> = schools.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), schools.len(), "school ids are unique");
    let short: HashSet<&str> = schools.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(short.len(), schools.len(), "short names are unique");
    for name in [
        "«СОШ № 1» г. Северск",
        "«Лицей № 1» г. Северск",
        "«Гимназия № 1» г. Северск",
        "«СОШ № 1» г. Берёзовск",
    ] {
        assert!(short.iter().any(|s| s.ends_with(name)), "{name}");
    }
    assert!(short
        .iter()
        .any(|s| s.starts_with("МКОУ «") && s.ends_with(" ООШ»")));
    assert!(short.iter().any(|s| s.ends_with(" НОШ»")));
    for r in &schools {
        let enrolment: u32 = r[8].parse().unwrap();
        match r[5].as_str() {
            "город" => assert!((80..=1300).contains(&enrolment), "{r:?}"),
            "село" => assert!((8..=600).contains(&enrolment), "{r:?}"),
            other => panic!("locality {other}"),
        }
        assert!(["СОШ", "ООШ", "НОШ", "лицей", "гимназия", "ЦО"].contains(&r[4].as_str()));
        assert!(r[6].contains("Северная область") && r[7].starts_with("https://"));
    }
}

#[test]
fn scores_and_marks_follow_the_scales() {
    let (dir, _) = region();
    let (_, scales) = read_csv(&dir.join("scales.csv"));
    let scale: HashMap<(i32, String, String, u8), [u32; 4]> = scales
        .iter()
        .map(|r| {
            let v = |i: usize| r[i].parse::<u32>().unwrap();
            (
                (
                    r[0].parse().unwrap(),
                    r[1].clone(),
                    r[2].clone(),
                    r[3].parse().unwrap(),
                ),
                [v(4), v(5), v(6), v(7)],
            )
        })
        .collect();
    let find = |p: &str, s: &str, g: u8| scale[&(2024, p.to_string(), s.to_string(), g)];
    assert_eq!(find("ВПР", "математика", 4), [20, 6, 12, 17]);
    assert_eq!(find("ВПР", "русский язык", 4)[0], 38);
    assert_eq!(find("ОГЭ", "математика", 9), [31, 8, 15, 22]);
    assert_eq!(find("ОГЭ", "русский язык", 9)[0], 33);
    assert_eq!(find("ЕГЭ", "математика", 11)[..2], [100, 27]);
    assert_eq!(find("ЕГЭ", "русский язык", 11)[..2], [100, 24]);
    let mut keys = HashSet::new();
    for r in results(dir) {
        let s = scale[&(r.year, r.procedure.clone(), r.subject.clone(), r.grade)];
        assert_eq!(r.max, s[0]);
        assert!(r.score <= s[0]);
        let mark = 2 + s[1..].iter().filter(|&&t| r.score >= t).count() as u32;
        assert_eq!(r.mark, mark, "score {} of {}", r.score, r.subject);
        assert!(
            keys.insert((r.year, &r.procedure, &r.subject, r.grade, &r.key)),
            "duplicate pupil"
        );
        assert!(r.key.len() == 10 && r.key.starts_with('P'));
        if r.procedure == "ВПР" {
            let j = r.journal.expect("ВПР rows carry a journal mark");
            assert!((2..=5).contains(&j));
            assert_eq!(
                r.tasks.iter().sum::<u32>(),
                r.score,
                "tasks sum to the score"
            );
            assert!(r.tasks.len() >= 7);
        } else {
            assert!(r.tasks.is_empty() && r.journal.is_none());
        }
    }
}

#[test]
fn journal_marks_mostly_agree() {
    let (dir, _) = region();
    let vpr: Vec<&Res> = results(dir)
        .iter()
        .filter(|r| r.procedure == "ВПР")
        .collect();
    let equal = vpr.iter().filter(|r| r.journal == Some(r.mark)).count() as f64 / vpr.len() as f64;
    let near = vpr
        .iter()
        .filter(|r| r.journal.unwrap().abs_diff(r.mark) <= 1)
        .count() as f64
        / vpr.len() as f64;
    assert!(
        equal > 0.5 && near > 0.95,
        "equal {equal}, within one {near}"
    );
}

#[test]
fn pupils_keep_their_keys_as_grades_advance() {
    let (dir, _) = region();
    let keys = |year: i32, grade: u8| -> HashSet<&str> {
        results(dir)
            .iter()
            .filter(|r| r.year == year && r.grade == grade && r.subject == "математика")
            .map(|r| r.key.as_str())
            .collect()
    };
    let (g4, g5) = (keys(2023, 4), keys(2024, 5));
    let kept = g4.intersection(&g5).count() as f64 / g4.len() as f64;
    assert!(kept > 0.85, "{kept}");
    let (g9, g11) = (keys(2023, 9), keys(2025, 11));
    assert!(g11.iter().filter(|k| g9.contains(*k)).count() as f64 > 0.9 * g11.len() as f64);
}

#[test]
fn small_schools_have_no_upper_grades_and_rural_classes_are_small() {
    let (dir, _) = region();
    let (_, schools) = read_csv(&dir.join("schools.csv"));
    let kind: HashMap<&str, (&str, &str)> = schools
        .iter()
        .map(|r| (r[0].as_str(), (r[4].as_str(), r[5].as_str())))
        .collect();
    let mut class: HashMap<(&str, u8), usize> = HashMap::new();
    for r in results(dir)
        .iter()
        .filter(|r| r.year == 2025 && r.subject == "русский язык")
    {
        let (t, _) = kind[r.school.as_str()];
        assert!(!(t == "НОШ" && r.grade > 4), "НОШ with grade {}", r.grade);
        assert!(!(t == "ООШ" && r.grade > 9), "ООШ with grade {}", r.grade);
        *class.entry((r.school.as_str(), r.grade)).or_default() += 1;
    }
    let median = |loc: &str| {
        let mut v: Vec<usize> = class
            .iter()
            .filter(|((s, g), _)| *g == 6 && kind[s].1 == loc)
            .map(|(_, &n)| n)
            .collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    assert!(
        median("село") <= 15 && median("город") >= 25,
        "{} {}",
        median("село"),
        median("город")
    );
}

/// Count, sum and sum of squares of scores per assessment.
type Moments<'a> = HashMap<(i32, &'a str, &'a str, u8), (f64, f64, f64)>;

/// Mean z-score of a school's results, and the low-income share.
#[test]
fn results_fall_with_social_disadvantage() {
    let (dir, _) = region();
    let mut moments: Moments = HashMap::new();
    for r in results(dir) {
        let m = moments
            .entry((r.year, &r.procedure, &r.subject, r.grade))
            .or_default();
        *m = (
            m.0 + 1.0,
            m.1 + r.score as f64,
            m.2 + (r.score as f64).powi(2),
        );
    }
    let mut school: HashMap<&str, (f64, f64)> = HashMap::new();
    for r in results(dir) {
        let (n, s, s2) = moments[&(r.year, r.procedure.as_str(), r.subject.as_str(), r.grade)];
        let (mean, sd) = (s / n, (s2 / n - (s / n).powi(2)).sqrt());
        let e = school.entry(&r.school).or_default();
        *e = (e.0 + 1.0, e.1 + (r.score as f64 - mean) / sd);
    }
    let (_, context) = read_csv(&dir.join("context.csv"));
    let income: HashMap<&str, f64> = context
        .iter()
        .filter(|r| r[1] == "2025")
        .map(|r| (r[0].as_str(), num(&r[2])))
        .collect();
    let pairs: Vec<(f64, f64)> = school
        .iter()
        .filter(|(_, v)| v.0 >= 30.0)
        .map(|(s, v)| (income[s], v.1 / v.0))
        .collect();
    let r = pearson(&pairs);
    assert!(r < -0.4, "correlation {r}");
    // The context is itself coherent: low income goes with fewer graduates' parents with degrees.
    let higher: Vec<(f64, f64)> = context.iter().map(|r| (num(&r[2]), num(&r[3]))).collect();
    assert!(pearson(&higher) < -0.5);
    for row in &context {
        for v in &row[2..6] {
            assert!((0.0..=100.0).contains(&num(v)));
        }
    }
}

fn pearson(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let cov: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let vx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let vy: f64 = pairs.iter().map(|p| (p.1 - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn checklist_is_plausible() {
    let (dir, _) = region();
    let (_, rows) = read_csv(&dir.join("checklist.csv"));
    let (_, schools) = read_csv(&dir.join("schools.csv"));
    let kind: HashMap<&str, &str> = schools
        .iter()
        .map(|r| (r[0].as_str(), r[4].as_str()))
        .collect();
    for r in &rows {
        let t = kind[r[0].as_str()];
        assert_eq!(
            r[2].is_empty(),
            t == "НОШ",
            "continuation rate only where there is a grade 9"
        );
        assert_eq!(
            r[3].is_empty(),
            matches!(t, "НОШ" | "ООШ"),
            "graduates only where there is a grade 11"
        );
        if !r[2].is_empty() {
            assert!((0.0..=100.0).contains(&num(&r[2])));
        }
        if !r[4].is_empty() {
            assert!(num(&r[4]) <= 2.0 * num(&r[3]));
        }
        assert!(num(&r[5]) <= num(&r[6]) && num(&r[7]) <= num(&r[6]));
        assert!((0.0..=100.0).contains(&num(&r[8])));
    }
}

/// Pooled per-school statistics of each sign: every planted school must
/// stand out above every clean school on the sign planted in it.
#[test]
fn planted_patterns_stand_out() {
    let (dir, summary) = region();
    let (_, planted) = read_csv(&dir.join("planted.csv"));
    assert!(planted.len() >= 5);
    let planted_ids: HashSet<&str> = planted.iter().map(|r| r[0].as_str()).collect();
    let mut listed: Vec<&str> = planted_ids.iter().copied().collect();
    listed.sort_unstable();
    let mut summary_ids: Vec<&str> = summary
        .planted_non_objective
        .iter()
        .map(String::as_str)
        .collect();
    summary_ids.sort_unstable();
    assert_eq!(listed, summary_ids);
    let patterns: HashSet<&str> = planted.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        patterns,
        ["O1", "O2", "O3", "O4", "O5"].into_iter().collect()
    );
    let (_, schools) = read_csv(&dir.join("schools.csv"));
    let kind: HashMap<&str, &str> = schools
        .iter()
        .map(|r| (r[0].as_str(), r[4].as_str()))
        .collect();
    let stats = signs::pooled(results(dir), &kind);
    for row in &planted {
        let (school, pattern) = (row[0].as_str(), row[1].as_str());
        let stat = &stats[pattern];
        let own = stat[school];
        let clean_max = stat
            .iter()
            .filter(|(s, _)| !planted_ids.contains(*s))
            .map(|(_, &v)| v)
            .fold(f64::MIN, f64::max);
        assert!(
            own > clean_max,
            "{pattern} of {school}: {own:.3} vs clean max {clean_max:.3}"
        );
    }
}

mod signs {
    //! Per-school statistics pooled over all ВПР assessments and years.

    use std::collections::HashMap;

    use super::Res;

    type Stat<'a> = HashMap<&'a str, f64>;

    pub fn pooled<'a>(
        rows: &'a [Res],
        kind: &HashMap<&str, &str>,
    ) -> HashMap<&'static str, Stat<'a>> {
        let by = group(rows);
        let mut out = HashMap::new();
        out.insert("O1", external_gap(rows));
        out.insert("O2", journal_share(rows));
        out.insert("O3", heaping(&by));
        out.insert("O4", easy_hard(&by));
        out.insert("O5", top_marks(&by, kind));
        out
    }

    type Key<'a> = (i32, &'a str, &'a str, u8);

    fn group(rows: &[Res]) -> HashMap<Key<'_>, HashMap<&str, Vec<&Res>>> {
        let mut by: HashMap<Key, HashMap<&str, Vec<&Res>>> = HashMap::new();
        for r in rows.iter().filter(|r| r.procedure == "ВПР") {
            by.entry((r.year, &r.subject, &r.procedure, r.grade))
                .or_default()
                .entry(&r.school)
                .or_default()
                .push(r);
        }
        by
    }

    /// O1: mean ВПР z-score minus mean ОГЭ/ЕГЭ z-score.
    fn external_gap(rows: &[Res]) -> Stat<'_> {
        let mut m: HashMap<Key, (f64, f64, f64)> = HashMap::new();
        for r in rows {
            let e = m
                .entry((r.year, &r.subject, &r.procedure, r.grade))
                .or_default();
            *e = (
                e.0 + 1.0,
                e.1 + r.score as f64,
                e.2 + (r.score as f64).powi(2),
            );
        }
        let mut acc: HashMap<&str, [f64; 4]> = HashMap::new();
        for r in rows {
            let (n, s, s2) = m[&(r.year, r.subject.as_str(), r.procedure.as_str(), r.grade)];
            let z = (r.score as f64 - s / n) / (s2 / n - (s / n).powi(2)).sqrt();
            let a = acc.entry(&r.school).or_default();
            let i = if r.procedure == "ВПР" { 0 } else { 2 };
            a[i] += 1.0;
            a[i + 1] += z;
        }
        acc.into_iter()
            .filter(|(_, a)| a[0] >= 30.0 && a[2] >= 30.0)
            .map(|(s, a)| (s, a[1] / a[0] - a[3] / a[2]))
            .collect()
    }

    /// O2: share of ВПР marks above the journal mark.
    fn journal_share(rows: &[Res]) -> Stat<'_> {
        let mut acc: HashMap<&str, (f64, f64)> = HashMap::new();
        for r in rows.iter().filter(|r| r.procedure == "ВПР") {
            let a = acc.entry(&r.school).or_default();
            *a = (a.0 + 1.0, a.1 + (Some(r.mark) > r.journal) as u8 as f64);
        }
        acc.into_iter()
            .filter(|(_, a)| a.0 >= 30.0)
            .map(|(s, a)| (s, a.1 / a.0))
            .collect()
    }

    /// O3: z-score of the count at thresholds against t−1, given the region's ratio.
    fn heaping<'a>(by: &HashMap<Key<'a>, HashMap<&'a str, Vec<&'a Res>>>) -> Stat<'a> {
        let mut acc: HashMap<&str, (f64, f64, f64)> = HashMap::new();
        for schools in by.values() {
            let all: Vec<&Res> = schools.values().flatten().copied().collect();
            let cuts = cuts(&all);
            let count = |rs: &[&Res], v: u32| rs.iter().filter(|r| r.score == v).count() as f64;
            for (school, rs) in schools {
                for &t in &cuts {
                    let (at, below) = (count(rs, t), count(rs, t - 1));
                    let (rat, rbelow) = (count(&all, t), count(&all, t - 1));
                    if at + below == 0.0 || rat + rbelow == 0.0 {
                        continue;
                    }
                    let p = rat / (rat + rbelow);
                    let n = at + below;
                    let a = acc.entry(school).or_default();
                    *a = (a.0 + at, a.1 + n * p, a.2 + n * p * (1.0 - p));
                }
            }
        }
        acc.into_iter()
            .filter(|(_, a)| a.2 > 4.0)
            .map(|(s, a)| (s, (a.0 - a.1) / a.2.sqrt()))
            .collect()
    }

    /// The lowest scores with marks 3, 4 and 5 (the thresholds, recovered from the rows).
    fn cuts(rows: &[&Res]) -> Vec<u32> {
        (3..=5)
            .filter_map(|m| rows.iter().filter(|r| r.mark == m).map(|r| r.score).min())
            .filter(|&t| t > 0)
            .collect()
    }

    /// O4: mean Spearman correlation, over assessments with at least 10
    /// pupils, of the school-minus-region logit success per task with task difficulty.
    fn easy_hard<'a>(by: &HashMap<Key<'a>, HashMap<&'a str, Vec<&'a Res>>>) -> Stat<'a> {
        let mut acc: HashMap<&str, (f64, f64)> = HashMap::new();
        for schools in by.values() {
            let all: Vec<&Res> = schools.values().flatten().copied().collect();
            let n = all[0].tasks.len();
            let max: Vec<f64> = (0..n)
                .map(|j| all.iter().map(|r| r.tasks[j]).max().unwrap().max(1) as f64)
                .collect();
            let success = |rs: &[&Res]| -> Vec<f64> {
                (0..n)
                    .map(|j| {
                        rs.iter().map(|r| r.tasks[j] as f64).sum::<f64>() / rs.len() as f64 / max[j]
                    })
                    .collect()
            };
            let region = success(&all);
            let difficulty: Vec<f64> = region.iter().map(|p| 1.0 - p).collect();
            for (school, rs) in schools.iter().filter(|(_, rs)| rs.len() >= 10 && n >= 8) {
                let diff: Vec<f64> = success(rs)
                    .iter()
                    .zip(&region)
                    .map(|(s, r)| logit(*s) - logit(*r))
                    .collect();
                let a = acc.entry(school).or_default();
                *a = (a.0 + 1.0, a.1 + spearman(&diff, &difficulty));
            }
        }
        acc.into_iter()
            .filter(|(_, a)| a.0 >= 5.0)
            .map(|(s, a)| (s, a.1 / a.0))
            .collect()
    }

    /// O5: excess share of 5s over the region's share (pooled; size-independent), not лицей / гимназия.
    fn top_marks<'a>(
        by: &HashMap<Key<'a>, HashMap<&'a str, Vec<&'a Res>>>,
        kind: &HashMap<&str, &str>,
    ) -> Stat<'a> {
        let mut acc: HashMap<&str, (f64, f64, f64)> = HashMap::new();
        for schools in by.values() {
            let all: Vec<&Res> = schools.values().flatten().copied().collect();
            let p = all.iter().filter(|r| r.mark == 5).count() as f64 / all.len() as f64;
            for (school, rs) in schools
                .iter()
                .filter(|(s, _)| !matches!(kind[*s], "лицей" | "гимназия"))
            {
                let n = rs.len() as f64;
                let fives = rs.iter().filter(|r| r.mark == 5).count() as f64;
                let a = acc.entry(school).or_default();
                *a = (a.0 + fives, a.1 + n * p, a.2 + n);
            }
        }
        acc.into_iter()
            .filter(|(_, a)| a.2 >= 30.0)
            .map(|(s, a)| (s, (a.0 - a.1) / a.2))
            .collect()
    }

    fn logit(p: f64) -> f64 {
        let p = p.clamp(0.02, 0.98);
        (p / (1.0 - p)).ln()
    }

    fn ranks(v: &[f64]) -> Vec<f64> {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        let mut i = 0;
        while i < idx.len() {
            let mut j = i;
            while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
                j += 1;
            }
            for &k in &idx[i..=j] {
                r[k] = (i + j) as f64 / 2.0;
            }
            i = j + 1;
        }
        r
    }

    fn spearman(a: &[f64], b: &[f64]) -> f64 {
        let pairs: Vec<(f64, f64)> = ranks(a).into_iter().zip(ranks(b)).collect();
        let r = super::pearson(&pairs);
        if r.is_nan() {
            0.0
        } else {
            r
        }
    }
}

#[test]
fn national_options_are_accepted() {
    // The national scale is exercised by the ignored test below and the
    // `national` example; here only option validation.
    let dir = out_dir("bad");
    let err = write_demo(
        &dir,
        &DemoOptions {
            scale: Scale::National,
            seed: 1,
            years: vec![],
            ..DemoOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

/// `cargo test -p opora-demo --release -- --ignored national` (writes ~6 GB).
#[test]
#[ignore]
fn national_scale() {
    let dir = out_dir("national");
    let start = std::time::Instant::now();
    let s = write_demo(
        &dir,
        &DemoOptions {
            scale: Scale::National,
            ..DemoOptions::default()
        },
    )
    .unwrap();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} rows, {:.2} GB, {:.0} rows/s",
        s.pupil_results,
        s.bytes as f64 / 1e9,
        s.pupil_results as f64 / secs
    );
    assert_eq!((s.municipalities, s.schools), (2_000, 40_000));
    assert!(s.pupil_results > 30_000_000);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The subjects a demo teacher may teach.
const SUBJECTS: [&str; 17] = [
    "Математика",
    "Русский язык",
    "Литература",
    "Физика",
    "Химия",
    "Биология",
    "География",
    "История",
    "Обществознание",
    "Информатика",
    "Английский язык",
    "Физическая культура",
    "Технология",
    "Музыка",
    "Изобразительное искусство",
    "ОБЗР",
    "Начальные классы",
];

#[test]
fn teachers_are_plausible() {
    let (dir, summary) = region();
    let (_, schools) = read_csv(&dir.join("schools.csv"));
    let (h, teachers) = read_csv(&dir.join("teachers.csv"));
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (school, no, name, position) = (
        col("school_id"),
        col("personnel_no"),
        col("full_name"),
        col("position"),
    );
    assert_eq!(teachers.len() as u64, summary.teachers);
    // Sorted by school and personnel number, numbers unique in a school.
    for pair in teachers.windows(2) {
        assert!(
            (&pair[0][school], &pair[0][no]) < (&pair[1][school], &pair[1][no]),
            "{:?} {:?}",
            pair[0],
            pair[1]
        );
    }
    for s in &schools {
        let staff: Vec<&Vec<String>> = teachers.iter().filter(|t| t[school] == s[0]).collect();
        let directors = staff.iter().filter(|t| t[position] == "директор").count();
        assert_eq!(directors, 1, "{}", s[0]);
        let enrolment: u32 = s[8].parse().unwrap();
        let teaching = staff.iter().filter(|t| t[position] == "учитель").count() as u32;
        assert_eq!(teaching, (enrolment / 12).clamp(8, 60), "{}", s[0]);
    }
    let mut women = 0;
    let mut higher = 0;
    let mut categories: HashMap<&str, usize> = HashMap::new();
    for t in &teachers {
        let n = &t[no];
        assert!(
            n.starts_with("ТН-")
                && n.chars().skip(3).all(|c| c.is_ascii_digit())
                && n.chars().count() == 7,
            "{n}"
        );
        let parts: Vec<&str> = t[name].split(' ').collect();
        assert_eq!(parts.len(), 3, "{t:?}");
        let masculine = ["ов", "ев", "ёв", "ин", "ий"];
        if parts[2].ends_with("на") {
            women += 1;
            assert!(!masculine.iter().any(|e| parts[0].ends_with(e)), "{t:?}");
        } else {
            assert!(parts[2].ends_with("ич"), "{t:?}");
            assert!(
                !parts[0].ends_with("ова") && !parts[0].ends_with("ая"),
                "{t:?}"
            );
        }
        let subjects: Vec<&str> = t[col("subjects")]
            .split("; ")
            .filter(|x| !x.is_empty())
            .collect();
        assert!(
            subjects.len() <= 2 && subjects.iter().all(|x| SUBJECTS.contains(x)),
            "{t:?}"
        );
        let grades = &t[col("grades")];
        if t[position] == "учитель" {
            assert!(!subjects.is_empty(), "{t:?}");
        }
        if subjects.is_empty() {
            assert!(grades.is_empty(), "{t:?}");
        } else {
            let (a, b) = grades.split_once('-').unwrap();
            let (a, b): (u8, u8) = (a.parse().unwrap(), b.parse().unwrap());
            assert!(1 <= a && a < b && b <= 11, "{t:?}");
            if subjects[0] == "Начальные классы" {
                assert_eq!((a, b), (1, 4), "{t:?}");
            }
        }
        let category = t[col("category")].as_str();
        *categories.entry(category).or_default() += 1;
        let experience: u32 = t[col("experience_years")].parse().unwrap();
        assert!(experience <= 40);
        match t[col("young_specialist")].as_str() {
            "да" => assert!(experience <= 3 && category == "без категории", "{t:?}"),
            "нет" => {}
            other => panic!("young_specialist {other}"),
        }
        match t[col("education")].as_str() {
            "высшее" => higher += 1,
            "среднее профессиональное" => {}
            other => panic!("education {other}"),
        }
        assert!(!t[col("education_subject")].is_empty(), "{t:?}");
    }
    let n = teachers.len() as f64;
    assert!((0.72..0.88).contains(&(women as f64 / n)), "{women}");
    assert!((0.85..0.95).contains(&(higher as f64 / n)), "{higher}");
    for (category, lo, hi) in [
        ("высшая", 0.25, 0.35),
        ("первая", 0.30, 0.40),
        ("соответствие занимаемой должности", 0.15, 0.25),
        ("без категории", 0.10, 0.20),
    ] {
        let share = categories.remove(category).unwrap_or(0) as f64 / n;
        assert!((lo..hi).contains(&share), "{category}: {share:.3}");
    }
    assert!(categories.is_empty(), "{categories:?}");
}

#[test]
fn courses_belong_to_teachers_and_fall_in_the_window() {
    let (dir, summary) = region();
    let (_, teachers) = read_csv(&dir.join("teachers.csv"));
    let (h, courses) = read_csv(&dir.join("courses.csv"));
    assert_eq!(courses.len() as u64, summary.courses);
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let names: HashMap<(&str, &str), &str> = teachers
        .iter()
        .map(|t| ((t[0].as_str(), t[1].as_str()), t[2].as_str()))
        .collect();
    let (start, end) = (col("start_date"), col("end_date"));
    let key = |c: &Vec<String>| (c[0].clone(), c[1].clone(), c[end].clone());
    for pair in courses.windows(2) {
        assert!(
            key(&pair[0]) <= key(&pair[1]),
            "{:?} {:?}",
            pair[0],
            pair[1]
        );
    }
    let mut certificates = HashSet::new();
    let mut with_course = HashSet::new();
    let mut retraining = 0;
    for c in &courses {
        let who = (c[0].as_str(), c[1].as_str());
        assert_eq!(names.get(&who), Some(&c[2].as_str()), "{c:?}");
        with_course.insert(who);
        for d in [&c[start], &c[end]] {
            assert!(
                d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-',
                "{d}"
            );
        }
        assert!(c[start] <= c[end], "{c:?}");
        assert!(
            ("2020-01-01".to_string()..="2025-11-30".to_string()).contains(&c[end]),
            "{c:?}"
        );
        let cert = &c[col("certificate_no")];
        assert!(
            cert.len() == 12 && cert.bytes().all(|b| b.is_ascii_digit()),
            "{cert}"
        );
        assert!(certificates.insert(cert.clone()), "{cert} repeats");
        let hours: u32 = c[col("hours")].parse().unwrap();
        match c[col("kind")].as_str() {
            "повышение квалификации" => {
                assert!([16, 36, 72, 108].contains(&hours), "{c:?}");
                assert!(c[col("subject_area")].is_empty(), "{c:?}");
            }
            "профессиональная переподготовка" => {
                retraining += 1;
                assert!((250..=520).contains(&hours), "{c:?}");
                assert!(!c[col("subject_area")].is_empty(), "{c:?}");
            }
            other => panic!("kind {other}"),
        }
        assert!(!c[col("title")].is_empty() && !c[col("provider")].is_empty());
    }
    let without = teachers.len() - with_course.len();
    let share = without as f64 / teachers.len() as f64;
    assert!((0.03..0.09).contains(&share), "{share:.3} without a course");
    assert!(retraining > 50, "{retraining} retrainings");
}

const SPRING: &str = "Диагностика профессиональных дефицитов, весна 2025";
const AUTUMN: &str = "Диагностика профессиональных дефицитов, осень 2025";

#[test]
fn diagnostics_is_written_after_courses_and_is_reproducible() {
    let (dir, summary) = region();
    let names: Vec<String> = summary
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into())
        .collect();
    let at = |name: &str| names.iter().position(|n| n == name).unwrap();
    assert_eq!(at("diagnostics.csv"), at("courses.csv") + 1);
    let again = out_dir("diagnostics-again");
    write_demo(&again, &DemoOptions::default()).unwrap();
    assert!(
        std::fs::read(dir.join("diagnostics.csv")).unwrap()
            == std::fs::read(again.join("diagnostics.csv")).unwrap(),
        "diagnostics.csv differs for the same seed"
    );
    std::fs::remove_dir_all(&again).unwrap();
}

#[test]
fn diagnostics_covers_the_weak_schools_teachers() {
    let (dir, summary) = region();
    let (_, teachers) = read_csv(&dir.join("teachers.csv"));
    let (h, rows) = read_csv(&dir.join("diagnostics.csv"));
    assert_eq!(rows.len() as u64, summary.diagnostics);
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (round, held_on, school, no, name) = (
        col("round"),
        col("held_on"),
        col("school_id"),
        col("personnel_no"),
        col("full_name"),
    );
    let (subject, competence, score, topics) = (
        col("subject"),
        col("competence"),
        col("score"),
        col("weak_topics"),
    );
    let staff: HashMap<(&str, &str), &Vec<String>> = teachers
        .iter()
        .map(|t| ((t[0].as_str(), t[1].as_str()), t))
        .collect();
    const COMPETENCES: [&str; 3] = ["предметная", "методическая", "психолого-педагогическая"];
    let key = |r: &Vec<String>| {
        (
            r[held_on].clone(),
            r[school].clone(),
            r[no].clone(),
            r[subject].clone(),
            COMPETENCES
                .iter()
                .position(|c| *c == r[competence])
                .unwrap(),
        )
    };
    for pair in rows.windows(2) {
        assert!(key(&pair[0]) < key(&pair[1]), "{:?} {:?}", pair[0], pair[1]);
    }
    let mut spring: HashMap<(&str, &str, &str, &str), u32> = HashMap::new();
    let mut autumn: HashMap<(&str, &str, &str, &str), u32> = HashMap::new();
    for r in &rows {
        match (r[round].as_str(), r[held_on].as_str()) {
            (SPRING, "2025-03-20") | (AUTUMN, "2025-10-15") => {}
            other => panic!("round {other:?}"),
        }
        let t = staff
            .get(&(r[school].as_str(), r[no].as_str()))
            .unwrap_or_else(|| panic!("not in teachers.csv: {r:?}"));
        assert_eq!(t[2], r[name], "{r:?}");
        assert_eq!(t[3], "учитель", "{r:?}");
        assert!(
            ["Математика", "Русский язык", "Начальные классы"].contains(&r[subject].as_str())
                && t[4].split("; ").any(|s| s == r[subject]),
            "{r:?} {t:?}"
        );
        let value: u32 = r[score].parse().unwrap();
        assert!(value <= 100, "{r:?}");
        let listed: Vec<&str> = r[topics].split("; ").filter(|x| !x.is_empty()).collect();
        if value < 50 {
            assert!((1..=3).contains(&listed.len()), "{r:?}");
        } else {
            assert!(listed.is_empty(), "{r:?}");
        }
        let cell = (
            r[school].as_str(),
            r[no].as_str(),
            r[subject].as_str(),
            r[competence].as_str(),
        );
        let by_round = if r[round] == SPRING {
            &mut spring
        } else {
            &mut autumn
        };
        assert!(by_round.insert(cell, value).is_none(), "{r:?} repeats");
    }
    // Every diagnosed person has all three competences per subject.
    assert_eq!(spring.len() % 3, 0);
    // About 30 % of the schools, the weakest by their latent mean.
    let (_, truth) = read_csv(&dir.join("truth.csv"));
    let mean: HashMap<&str, f64> = truth
        .iter()
        .map(|t| (t[0].as_str(), num(&t[2]) + num(&t[3])))
        .collect();
    let diagnosed: HashSet<&str> = spring.keys().map(|c| c.0).collect();
    let share = diagnosed.len() as f64 / summary.schools as f64;
    assert!((0.25..=0.32).contains(&share), "{share:.3} of schools");
    let worst_other = mean
        .iter()
        .filter(|(s, _)| !diagnosed.contains(*s))
        .map(|(_, m)| *m)
        .fold(f64::INFINITY, f64::min);
    let best_diagnosed = diagnosed
        .iter()
        .map(|s| mean[s])
        .fold(f64::NEG_INFINITY, f64::max);
    // Schools without a teacher of the three subjects would be left out;
    // the rounding of truth.csv allows a tie.
    assert!(
        best_diagnosed <= worst_other + 0.002,
        "{best_diagnosed} {worst_other}"
    );
    // Every teacher of those subjects in a diagnosed school is diagnosed.
    for t in &teachers {
        if diagnosed.contains(t[0].as_str()) && t[3] == "учитель" {
            for s in t[4].split("; ") {
                if ["Математика", "Русский язык", "Начальные классы"].contains(&s)
                {
                    assert!(
                        spring.contains_key(&(t[0].as_str(), t[1].as_str(), s, "предметная")),
                        "{t:?}"
                    );
                }
            }
        }
    }
    // Autumn: the same people, a few missing.
    assert!(autumn.keys().all(|c| spring.contains_key(c)));
    let kept = autumn.len() as f64 / spring.len() as f64;
    assert!((0.9..0.995).contains(&kept), "{kept:.3} in autumn");
    let deficits: Vec<_> = spring.iter().filter(|(_, &v)| v < 50).collect();
    let share = deficits.len() as f64 / spring.len() as f64;
    assert!((0.25..=0.50).contains(&share), "{share:.3} spring deficits");
    let followed: Vec<u32> = deficits
        .iter()
        .filter_map(|(c, _)| autumn.get(*c).copied())
        .collect();
    let closed = followed.iter().filter(|&&v| v >= 50).count() as f64 / followed.len() as f64;
    assert!(closed >= 0.20, "{closed:.3} of the spring deficits closed");
    let rise = autumn
        .iter()
        .map(|(c, &v)| v as f64 - spring[c] as f64)
        .sum::<f64>()
        / autumn.len() as f64;
    assert!((5.0..12.0).contains(&rise), "{rise:.1} points");
    let new = autumn
        .iter()
        .filter(|(c, &v)| v < 50 && spring[*c] >= 50)
        .count();
    assert!(new > 0, "no new deficits");
}

/// FNV-1a 64 of a file.
fn fnv1a(path: &Path) -> u64 {
    std::fs::read(path)
        .unwrap()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
        })
}

/// The default region is pinned byte for byte: the generator uses no
/// platform maths, so these values must hold on every machine and Rust
/// version. A deliberate change of the model updates them (the failure
/// message prints the new values).
#[test]
fn default_region_is_pinned() {
    let (dir, _) = region();
    let pinned: [(&str, u64); 12] = [
        ("schools.csv", 0xa3e42da2680ef97c),
        ("scales.csv", 0x886f6480f95df7e4),
        ("context.csv", 0x69495fb9155ff7f8),
        ("checklist.csv", 0x1daa00d0d57cb7f5),
        ("planted.csv", 0x96246f0210a8ff06),
        ("truth.csv", 0xaa523cc2ac9e45d5),
        ("teachers.csv", 0x4b10b44d380f36d5),
        ("courses.csv", 0x967a399ba2c6534b),
        ("diagnostics.csv", 0x31677936edea86ac),
        ("results_2023.csv", 0xe43d4ae2dc333c15),
        ("results_2024.csv", 0xc5970fbe04df9fd2),
        ("results_2025.csv", 0xc196a746c2b62613),
    ];
    let actual: Vec<(&str, u64)> = pinned
        .iter()
        .map(|(f, _)| (*f, fnv1a(&dir.join(f))))
        .collect();
    let listing: String = actual
        .iter()
        .map(|(f, h)| format!("(\"{f}\", {h:#018x}),\n"))
        .collect();
    assert!(
        actual == pinned,
        "generated files changed; new values:\n{listing}"
    );
}

#[test]
fn the_region_can_be_resized_and_planted_on_request() {
    let dir = out_dir("resized");
    let clean = write_demo(
        &dir,
        &DemoOptions {
            schools: Some(300),
            planting: Planting::None,
            years: vec![2025],
            ..DemoOptions::default()
        },
    )
    .unwrap();
    assert_eq!((clean.municipalities, clean.schools), (10, 300));
    assert!(clean.planted_non_objective.is_empty());
    let (_, rows) = read_csv(&dir.join("planted.csv"));
    assert!(rows.is_empty());
    let planted = write_demo(
        &dir,
        &DemoOptions {
            schools: Some(60),
            planting: Planting::Cycle {
                count: 4,
                patterns: vec![Pattern::O3, Pattern::O2],
            },
            years: vec![2025],
            ..DemoOptions::default()
        },
    )
    .unwrap();
    assert_eq!(planted.schools, 60);
    let (_, rows) = read_csv(&dir.join("planted.csv"));
    let patterns: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        patterns.iter().filter(|p| **p == "O3").count(),
        2,
        "{patterns:?}"
    );
    assert_eq!(
        patterns.iter().filter(|p| **p == "O2").count(),
        2,
        "{patterns:?}"
    );
    for bad in [Some(9), Some(5_001)] {
        let opts = DemoOptions {
            schools: bad,
            ..DemoOptions::default()
        };
        assert_eq!(
            write_demo(&dir, &opts).unwrap_err().kind(),
            std::io::ErrorKind::InvalidInput
        );
    }
    let national = DemoOptions {
        scale: Scale::National,
        schools: Some(300),
        ..DemoOptions::default()
    };
    assert_eq!(
        write_demo(&dir, &national).unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
