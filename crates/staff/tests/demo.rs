//! The demo region's teachers.csv and courses.csv read through this crate's
//! rules: every value parses, one director per school, and the shares the
//! demo promises (overdue ≈ 25 %, due within the year ≈ 20 %, subjects
//! outside the diploma ≈ 6 %, half of them covered by a retraining) hold.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use opora_demo::{write_demo, DemoOptions};
use opora_staff::{
    clock, covers, is_principal, parse_grades, parse_yes_no, split_list, uncovered, Category,
    CourseKind, Date, Light, ProviderKind, Thresholds,
};

/// A minimal CSV reader (quoted fields with doubled quotes), rows as maps.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = split(lines.next().unwrap());
    lines
        .map(|l| {
            let cells = split(l);
            assert_eq!(cells.len(), header.len(), "{l}");
            header.iter().cloned().zip(cells).collect()
        })
        .collect()
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

fn demo() -> (PathBuf, opora_demo::DemoSummary) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("opora-staff-demo");
    let _ = std::fs::remove_dir_all(&dir);
    let summary = write_demo(
        &dir,
        &DemoOptions {
            years: vec![2024, 2025],
            ..DemoOptions::default()
        },
    )
    .unwrap();
    (dir, summary)
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole as f64
}

#[test]
fn the_demo_staff_follow_the_rules() {
    let (dir, summary) = demo();
    let teachers = read_csv(&dir.join("teachers.csv"));
    let courses = read_csv(&dir.join("courses.csv"));
    assert_eq!(teachers.len() as u64, summary.teachers);
    assert_eq!(courses.len() as u64, summary.courses);

    // Every teacher's cells parse.
    let mut directors: BTreeMap<&str, usize> = BTreeMap::new();
    let mut categories: HashMap<Category, usize> = HashMap::new();
    for t in &teachers {
        let category = Category::parse(&t["category"]).unwrap();
        *categories.entry(category).or_default() += 1;
        let young = parse_yes_no(&t["young_specialist"]).unwrap();
        if young {
            assert_eq!(category, Category::None, "{t:?}");
            assert!(t["experience_years"].parse::<u32>().unwrap() <= 3);
        }
        let grades = parse_grades(&t["grades"]).unwrap();
        let subjects = split_list(&t["subjects"]);
        assert_eq!(grades.is_empty(), subjects.is_empty(), "{t:?}");
        assert_eq!(
            subjects.join("; "),
            t["subjects"],
            "written as split_list reads it"
        );
        if is_principal(&t["position"]) {
            *directors.entry(&t["school_id"]).or_default() += 1;
        }
    }
    assert_eq!(
        directors.len(),
        summary.schools,
        "every school has a director"
    );
    assert!(directors.values().all(|&n| n == 1), "exactly one each");
    let n = teachers.len();
    let highest = share(categories[&Category::Highest], n);
    let first = share(categories[&Category::First], n);
    let fits = share(categories[&Category::Fits], n);
    let none = share(categories[&Category::None], n);
    assert!((0.25..0.35).contains(&highest), "высшая {highest:.3}");
    assert!((0.30..0.40).contains(&first), "первая {first:.3}");
    assert!((0.15..0.25).contains(&fits), "соответствие {fits:.3}");
    assert!((0.10..0.20).contains(&none), "без категории {none:.3}");

    // Every course parses; certificate numbers are unique.
    let today = Date::new(2025, 11, 30).unwrap();
    let window = Date::new(2020, 1, 1).unwrap();
    let mut latest: HashMap<(&str, &str), Date> = HashMap::new();
    let mut retraining: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    let mut certificates = std::collections::HashSet::new();
    let mut providers: HashMap<ProviderKind, usize> = HashMap::new();
    for c in &courses {
        let key = (c["school_id"].as_str(), c["personnel_no"].as_str());
        let end = Date::parse(&c["end_date"]).unwrap();
        let start = Date::parse(&c["start_date"]).unwrap();
        assert!(start <= end && window <= end && end <= today, "{c:?}");
        assert!(certificates.insert(c["certificate_no"].clone()), "{c:?}");
        *providers
            .entry(ProviderKind::guess(&c["provider"]))
            .or_default() += 1;
        let hours: u32 = c["hours"].parse().unwrap();
        match CourseKind::parse(&c["kind"]).unwrap() {
            CourseKind::Upgrade => {
                assert!([16, 36, 72, 108].contains(&hours), "{c:?}");
                assert!(c["subject_area"].is_empty());
                let e = latest.entry(key).or_insert(end);
                *e = (*e).max(end);
            }
            CourseKind::Retraining => {
                assert!((250..=520).contains(&hours), "{c:?}");
                assert!(covers(&c["subject_area"], &c["title"]), "{c:?}");
                retraining.entry(key).or_default().push(&c["subject_area"]);
            }
        }
    }
    for kind in ProviderKind::ALL {
        assert!(providers.contains_key(kind), "no course by {kind:?}");
    }

    // The three-year rule on the demo's «today».
    let mut lights: HashMap<Light, usize> = HashMap::new();
    let mut without_course = 0;
    let (mut mismatched, mut still_mismatched) = (0, 0);
    for t in &teachers {
        let key = (t["school_id"].as_str(), t["personnel_no"].as_str());
        let last = latest.get(&key).copied();
        without_course += last.is_none() as usize;
        *lights
            .entry(clock(last, today, &Thresholds::default()).light)
            .or_default() += 1;
        let taught = split_list(&t["subjects"]);
        if !uncovered(&taught, &t["education_subject"], &[]).is_empty() {
            mismatched += 1;
        }
        let retrained = retraining.get(&key).cloned().unwrap_or_default();
        if !uncovered(&taught, &t["education_subject"], &retrained).is_empty() {
            still_mismatched += 1;
        }
    }
    let red = share(lights[&Light::Red], n);
    let amber = share(lights[&Light::Amber], n);
    let none = share(without_course, n);
    println!(
        "{n} teachers, {} courses; red {red:.3}, amber {amber:.3}, no course {none:.3}; \
         outside the diploma {mismatched} ({:.3}), after retraining {still_mismatched}",
        courses.len(),
        share(mismatched, n)
    );
    assert!((0.21..0.29).contains(&red), "overdue {red:.3}");
    assert!((0.16..0.24).contains(&amber), "amber {amber:.3}");
    assert!((0.03..0.07).contains(&none), "no course {none:.3}");
    let mismatch = share(mismatched, n);
    assert!((0.035..0.07).contains(&mismatch), "mismatch {mismatch:.3}");
    assert!(
        still_mismatched > mismatched / 4 && still_mismatched < mismatched * 3 / 4,
        "{still_mismatched} of {mismatched} remain after retraining"
    );
}
