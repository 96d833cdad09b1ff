//! A large pupil-level results file for load and fault tests: three schools,
//! ВПР mathematics in grades 4–8 (15 groups of equal size), written row by
//! row so that millions of rows need no memory.

use std::io::Write;
use std::path::Path;

/// The registry the results file refers to (schools S1, S2, S3).
pub const SCHOOLS_CSV: &str =
    "school_id,municipality,full_name\nS1,Город,Школа 1\nS2,Город,Школа 2\nS3,Район,Школа 3\n";

/// Writes the registry to `path`.
pub fn write_schools(path: &Path) -> std::io::Result<()> {
    std::fs::write(path, SCHOOLS_CSV)
}

/// Writes `rows` results to `path`. `version` shifts every score, so two
/// versions of the same size differ in every group: a visible state that
/// mixes them is detectable group by group.
pub fn write_results(path: &Path, rows: usize, version: usize) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        f,
        "year,school_id,procedure,subject,grade,student_key,score"
    )?;
    let per_group = rows.div_ceil(15);
    let mut written = 0;
    'outer: for school in ["S1", "S2", "S3"] {
        for grade in 4..=8 {
            for p in 0..per_group {
                if written == rows {
                    break 'outer;
                }
                writeln!(
                    f,
                    "2024,{school},ВПР,Математика,{grade},{school}-{grade}-{p:08},{}",
                    (p * 7 + grade + version) % 21
                )?;
                written += 1;
            }
        }
    }
    f.flush()
}
