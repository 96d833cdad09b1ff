//! The parallel reader against the sequential one: same tables, same row
//! errors with the same line numbers, whatever the workers and range sizes.

use crate::fast::{self, Outcome};
use crate::{read_results, FilesError, Parallel};
use opora_analytics::{StatsAccumulator, StatsTable};
use opora_io::identify_files;
use opora_io::TableOptions;
use std::path::PathBuf;

/// What reading gave: the table (when no row was bad), the bad rows as
/// printed, and how many there were.
fn read(paths: &[PathBuf], parallel: Option<Parallel>) -> (Option<StatsTable>, Vec<String>, usize) {
    let mut bad = Vec::new();
    let parts = match read_results(
        paths,
        &no_sheet(),
        &StatsAccumulator::new(),
        &mut bad,
        parallel,
    ) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    let errors: Vec<String> = bad
        .iter()
        .flat_map(|e| e.list.iter().map(|r| r.to_string()))
        .collect();
    let count = bad.iter().map(|e| e.count).sum();
    (
        bad.is_empty()
            .then(|| StatsAccumulator::combine(parts).to_table()),
        errors,
        count,
    )
}

fn no_sheet() -> TableOptions {
    TableOptions::default()
}

fn assert_same_as_sequential(paths: &[PathBuf]) -> (Option<StatsTable>, Vec<String>) {
    let (table, errors, count) = read(paths, None);
    for threads in [1, 3] {
        for chunk in [1, 7, 61, 4096, Parallel::CHUNK] {
            // Mapped and read in ranges.
            let map_files = threads == 3;
            let (t, e, c) = read(
                paths,
                Some(Parallel {
                    threads,
                    chunk,
                    map_files,
                }),
            );
            assert_eq!(e, errors, "threads {threads}, ranges of {chunk} bytes");
            assert_eq!(c, count);
            assert!(
                t == table,
                "threads {threads}, ranges of {chunk} bytes: tables differ"
            );
        }
    }
    (table, errors)
}

fn file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Pupil rows in no particular order, with what real files hold: several
/// schools and assessments, task scores, empty cells.
fn rows(n: usize, nl: &str) -> String {
    let mut s = format!("year,school_id,procedure,subject,grade,student_key,score,max_score,mark,journal_mark,task_1,task_2,task_3,extra{nl}");
    let mut x: u64 = 7;
    for i in 0..n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (x >> 33) as usize;
        let school = ["sch01", "sch02", "школа 3"][r % 3];
        let (proc_, subj, grade) = [
            ("ВПР", "математика", 5),
            ("впр", "Русский язык", 6),
            ("ОГЭ", "математика", 9),
        ][(r / 3) % 3];
        let score = r % 21;
        let mark = if i % 5 == 0 {
            String::new()
        } else {
            (2 + score / 6).min(5).to_string()
        };
        let journal = if i % 3 == 0 {
            String::new()
        } else {
            (2 + (r / 7) % 4).to_string()
        };
        let tasks = if proc_ == "ОГЭ" {
            ",,".to_string()
        } else {
            format!(
                "{},{},{}",
                r % 3,
                (r / 3) % 2,
                if i % 4 == 0 {
                    String::new()
                } else {
                    (r % 5).to_string()
                }
            )
        };
        s += &format!("2024,{school},{proc_},{subj},{grade},P{i:05},{score},20,{mark},{journal},{tasks},x{nl}");
    }
    s
}

#[test]
fn parallel_reading_matches_the_sequential_reader() {
    let dir = tempfile::tempdir().unwrap();
    // Clean canonical files: LF, CRLF with a BOM and no final newline.
    let lf = file(&dir, "lf.csv", rows(300, "\n").as_bytes());
    let mut crlf = b"\xEF\xBB\xBF".to_vec();
    crlf.extend_from_slice(rows(200, "\r\n").trim_end().as_bytes());
    let crlf = file(&dir, "crlf.csv", &crlf);
    let (table, errors) = assert_same_as_sequential(&[lf.clone(), crlf.clone()]);
    assert!(errors.is_empty() && table.is_some_and(|t| t.cells.len() >= 9));
    // …and it was the parallel reader that read them.
    let how = |p: &PathBuf| {
        let plan = fast::plan(p, &identify_files::open(p, &no_sheet()).unwrap(), true);
        plan.map(|plan| {
            matches!(
                fast::read(&[plan], &StatsAccumulator::new(), 2, 64)[0],
                Outcome::Read { .. }
            )
        })
    };
    assert_eq!((how(&lf), how(&crlf)), (Some(true), Some(true)));

    // Valid but unusual cells: the rows go through `parse_row`.
    let mut odd = rows(50, "\n");
    odd += "\n,,,,,,,,,,,,,\n";
    odd += "2024,sch01,ВПР,математика,5,P1,\"12,5\",20,4,4,1,1,1,x\n";
    odd += "2024,sch01,ВПР,математика,5,P2, 7 ,20,1,5,0,0,,\n";
    odd += "2024 ,sch01 ,ВПР,математика,5, P3,12.5,20,3,,1,1,1\n";
    odd += "2024,sch01,ВПР,математика,5,P4,3%,20,3,3,1,1,1,x,more,cells\n";
    odd += "2024,sch02,ВПР,математика,5,P5,0000000000000012,20,3,3,1,1,1,x\n";
    odd += "2024,sch02,ВПР,математика,5,P6,1\n";
    let odd_path = file(
        &dir,
        "odd.csv",
        odd.replace("\"12,5\"", "12,5")
            .replace(",12,5,", ",12.5,")
            .as_bytes(),
    );
    assert_same_as_sequential(&[odd_path]);
    // A quote anywhere: the whole file goes to the CSV reader.
    let quoted = file(&dir, "quoted.csv", odd.as_bytes());
    assert_same_as_sequential(std::slice::from_ref(&quoted));
    assert_eq!(how(&quoted), Some(false));
    // Semicolons, and a Windows-1251 file (sequential by design).
    let semi = file(
        &dir,
        "semi.csv",
        rows(80, "\n").replace(',', ";").as_bytes(),
    );
    let cp1251 = file(&dir, "cp1251.csv", b"year;school_id;procedure;subject;grade;student_key;score\n2024;s1;\xc2\xcf\xd0;m;5;k1;3\n2024;s1;\xc2\xcf\xd0;m;5;k2;4\n");
    assert_same_as_sequential(&[semi.clone(), cp1251.clone()]);
    assert_eq!((how(&semi), how(&cp1251)), (Some(true), None));
}

#[test]
fn bad_rows_are_all_listed_with_their_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = rows(120, "\n");
    let bad = [
        (5, "2024,sch01,ВПР,математика,5,P9,abc,20,3,3,1,1,1,x"),
        (17, "2024,sch01,ВПР,математика,5,,7,20,3,3,1,1,1,x"),
        (40, "2024,sch01,ВПР,математика,5,P9,25,20,3,3,1,1,1,x"),
        (41, "2024,sch01,ВПР,математика,5,P9,5,20,6,3,1,-1,1,x"),
        (90, "2024,sch01,ВПР,математика,13,P9,5,20,3,3,1,1,1,x"),
        (121, "20x4,sch02,ВПР,математика,5,P9,5,20,3,3,1,1,1,x"),
    ];
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for (i, l) in bad {
        lines[i - 1] = l.to_string();
    }
    text = lines.join("\n") + "\n";
    let clean = file(&dir, "clean.csv", rows(30, "\n").as_bytes());
    let broken = file(&dir, "broken.csv", text.as_bytes());
    let (table, errors) = assert_same_as_sequential(&[clean, broken]);
    assert!(table.is_none());
    let rows_named: Vec<&str> = errors
        .iter()
        .map(|e| e.split(':').next().unwrap())
        .collect();
    assert_eq!(rows_named.len(), 7, "{errors:#?}");
    assert!(
        errors[0].starts_with("broken.csv, строка 5, столбец «score», значение «abc»"),
        "{}",
        errors[0]
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("broken.csv, строка 121, столбец «year»")),
        "{errors:#?}"
    );
}

#[test]
fn control_characters_are_refused_as_the_sequential_reader_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    let row = |key: &str| format!("2024,sch01,ВПР,математика,5,{key},5,20,3,3,1,1,1,x\n");
    // A tab or an invisible character in a pupil key: a row error.
    let text = rows(40, "\n") + &row("P\t7") + &row("P\u{200b}8");
    let keys = file(&dir, "keys.csv", text.as_bytes());
    let (table, errors) = assert_same_as_sequential(&[keys]);
    assert!(table.is_none());
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].contains("(табуляция)"), "{}", errors[0]);
    assert!(errors[1].contains("(невидимый символ)"), "{}", errors[1]);
    // A control character anywhere: the file is refused, naming the cell.
    for (i, bad) in ["P\u{1}9", "P\u{85}9", "P\u{7f}9"].into_iter().enumerate() {
        let text = rows(40, "\n") + &row(bad) + &row("P10");
        let path = file(&dir, &format!("control{i}.csv"), text.as_bytes());
        let message = |parallel| {
            let mut bad = Vec::new();
            match read_results(
                std::slice::from_ref(&path),
                &no_sheet(),
                &StatsAccumulator::new(),
                &mut bad,
                parallel,
            ) {
                Err(e @ FilesError::Read(_)) => e.to_string(),
                _ => panic!("{bad:?}: the file is refused"),
            }
        };
        let sequential = message(None);
        assert!(sequential.contains("строка 42"), "{sequential}");
        for chunk in [7, 4096] {
            for map_files in [true, false] {
                let parallel = Parallel {
                    threads: 2,
                    chunk,
                    map_files,
                };
                assert_eq!(message(Some(parallel)), sequential);
            }
        }
    }
}
