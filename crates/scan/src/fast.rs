//! Parallel reading of pupil-level results files in UTF-8 CSV (the national
//! batch): each file is cut into byte ranges at line boundaries, one worker
//! per core takes ranges from a shared queue, splits lines into fields at the
//! byte level (SSE2: 64 bytes classified per step) and feeds its own
//! [`StatsAccumulator`]; the parts are merged at the end.
//!
//! Semantics are those of the sequential reader (`opora_io` CSV +
//! `records::results::parse_row`), by construction:
//! - a row is taken on the fast path only when every field it reads is
//!   plainly valid (digits, marks 1–5, non-empty pupil key, a school id and
//!   an assessment seen before in a row that `parse_row` accepted); anything
//!   else — a decimal comma, a space, an empty score, an unknown assessment —
//!   goes through `parse_row` itself, which records the Russian row errors;
//! - row numbers are the file's line numbers: each range counts its lines
//!   and the errors are renumbered once every range is done;
//! - a file the byte splitter cannot read exactly like the CSV reader (a
//!   quote character, a bare carriage return, a control character (which the
//!   CSV reader refuses), bytes that are not UTF-8), or that is not a UTF-8
//!   pupil-level CSV, is read by the sequential reader.
//!
//! The files are mapped in memory (read in place from the page cache, each
//! range released once read; see `source` for the assumption a mapping
//! rests on), or read range by range when they are not mapped.
//!
//! Unsafe code lives in two places only: the mapping (`source`) and the
//! SSE2 byte classification (`classify`); each says why it is sound.

use opora_analytics::{PupilScore, StatsAccumulator};
use opora_io::records::results::{is_school_level, parse_row, KeyCache, ResultBody, PUPIL_SCHEMA};
use opora_io::records::{code, non_negative, Errors, Fields, MAX_REPORTED_ERRORS};
use opora_io::values::{parse_date, parse_mark};
use opora_io::{ColumnMap, Row, StringRecord, TableReader};
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::source::{read_exact_at, Mapped};

/// A file the fast path can read.
pub(crate) struct Plan {
    label: String,
    file: File,
    /// The file mapped in memory, when the system allows it.
    mapped: Option<Mapped>,
    len: u64,
    /// First byte after the header line.
    data_start: u64,
    /// Line number of the header (the first data line is the next one).
    header_row: u64,
    delim: u8,
    map: ColumnMap,
    cols: Cols,
}

/// Column positions the fast path reads.
#[derive(Clone)]
struct Cols {
    school: usize,
    year: usize,
    procedure: usize,
    subject: usize,
    grade: usize,
    student: usize,
    score: usize,
    max_score: Option<usize>,
    mark: Option<usize>,
    journal: Option<usize>,
    date: Option<usize>,
    tasks: Vec<usize>,
    /// Role of each column, by index.
    roles: Vec<Role>,
    /// (first column, count) of the task columns when they are adjacent and
    /// in task order (the usual layout), else (0, 0).
    task_run: (usize, usize),
    /// Fields a row must have for the fast path (the highest index read + 1).
    needed: usize,
    /// The key columns (school, year, procedure, subject, grade) all lie in
    /// the first `prefix` fields: rows whose first `prefix` fields are byte
    /// for byte those of the previous row belong to the same cell.
    prefix: usize,
}

/// Whether `path` can take the fast path; `t` is the file opened by the
/// sequential reader (its header is the reference). With `map_file`, it is
/// mapped in memory when the system allows it; else it is read in ranges.
pub(crate) fn plan(path: &Path, t: &TableReader, map_file: bool) -> Option<Plan> {
    let file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = vec![0u8; (len.min(1 << 20)) as usize];
    read_exact_at(&file, &mut head, 0).ok()?;
    if head.starts_with(b"PK\x03\x04") {
        return None;
    }
    // The sequential reader's encoding rule on its first 64 KiB block.
    let block = &head[..head.len().min(64 * 1024)];
    let utf8 = match std::str::from_utf8(block) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if !utf8 || is_school_level(&t.file_name, &t.header, &[]) {
        return None;
    }
    let map = ColumnMap::resolve(&t.file_name, &t.header, &PUPIL_SCHEMA, &[]).ok()?;
    // The header is on line `header_row`; everything before it is blank.
    let mut pos = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let mut line = 1u64;
    while line < t.header_row {
        pos += head[pos..].iter().position(|&b| b == b'\n')? + 1;
        line += 1;
    }
    let end = pos + head[pos..].iter().position(|&b| b == b'\n')?;
    if head[..end].contains(&b'"') {
        return None;
    }
    let header_line = std::str::from_utf8(&head[pos..end]).ok()?;
    let header_line = header_line.strip_suffix('\r').unwrap_or(header_line);
    let delim = [b',', b';', b'\t'].into_iter().find(|&d| {
        let cells: Vec<&str> = header_line.split(d as char).map(str::trim).collect();
        cells == t.header
    })?;
    let idx = |f: &str| map.index.get(f).copied();
    let mut cols = Cols {
        school: idx("school_id")?,
        year: idx("year")?,
        procedure: idx("procedure")?,
        subject: idx("subject")?,
        grade: idx("grade")?,
        student: idx("student_key")?,
        score: idx("score")?,
        max_score: idx("max_score"),
        mark: idx("mark"),
        journal: idx("journal_mark"),
        date: idx("date"),
        tasks: map.tasks.iter().map(|(_, i)| *i).collect(),
        roles: Vec::new(),
        task_run: (0, 0),
        needed: 0,
        prefix: 0,
    };
    let keys = [
        cols.school,
        cols.year,
        cols.procedure,
        cols.subject,
        cols.grade,
    ];
    cols.prefix = keys.iter().max().expect("five key columns") + 1;
    if cols.prefix > MAX_PREFIX {
        return None;
    }
    cols.needed = [cols.student, cols.score]
        .into_iter()
        .chain(keys)
        .chain(cols.max_score)
        .chain(cols.mark)
        .chain(cols.journal)
        .chain(cols.date)
        .chain(cols.tasks.iter().copied())
        .max()
        .expect("columns")
        + 1;
    cols.roles = vec![Role::Other; cols.needed];
    let mut set = |i: Option<usize>, r: Role| i.into_iter().for_each(|i| cols.roles[i] = r);
    set(Some(cols.student), Role::Student);
    set(Some(cols.score), Role::Score);
    set(cols.max_score, Role::MaxScore);
    set(cols.mark, Role::Mark);
    set(cols.journal, Role::Journal);
    set(cols.date, Role::Date);
    for (j, &i) in cols.tasks.clone().iter().enumerate() {
        cols.roles[i] = Role::Task(j as u16);
    }
    if let Some(&first) = cols.tasks.first() {
        if cols.tasks.iter().enumerate().all(|(j, &i)| i == first + j) {
            cols.task_run = (first, cols.tasks.len());
        }
    }
    let mapped = if map_file {
        Mapped::new(&file, len)
    } else {
        None
    };
    Some(Plan {
        label: t.file_name.clone(),
        mapped,
        file,
        len,
        data_start: end as u64 + 1,
        header_row: t.header_row,
        delim,
        map,
        cols,
    })
}

/// What reading one file gave.
pub(crate) enum Outcome {
    /// Read: the parts to merge (in this order), and the bad rows if any.
    Read {
        parts: Vec<StatsAccumulator>,
        errors: Option<Errors>,
    },
    /// The byte splitter met something only the CSV reader handles exactly:
    /// read the file sequentially.
    Fallback,
    Failed(std::io::Error),
}

/// Reads the files in parallel on `threads` workers, in ranges of about
/// `chunk` bytes, each part accumulating with the histogram policy of
/// `template`.
pub(crate) fn read(
    plans: &[Plan],
    template: &StatsAccumulator,
    threads: usize,
    chunk: u64,
) -> Vec<Outcome> {
    let chunk = chunk.max(1);
    // Ranges of every file in one queue, so no core waits at a file's end.
    let mut ranges = Vec::new();
    for (f, p) in plans.iter().enumerate() {
        let data = p.len.saturating_sub(p.data_start);
        let n = data.div_ceil(chunk).max(1);
        for c in 0..n {
            let lo = p.data_start + c * chunk;
            ranges.push((f, c as usize, lo, (lo + chunk).min(p.len)));
        }
    }
    let next = AtomicUsize::new(0);
    let abort: Vec<AtomicBool> = plans.iter().map(|_| AtomicBool::new(false)).collect();
    let failed: Mutex<Vec<Option<std::io::Error>>> =
        Mutex::new(plans.iter().map(|_| None).collect());
    let results: Vec<WorkerResult> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut w = WorkerResult::default();
                    let mut buf = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(f, c, lo, hi)) = ranges.get(i) else {
                            break;
                        };
                        if abort[f].load(Ordering::Relaxed) {
                            continue;
                        }
                        let part = w
                            .parts
                            .entry(f)
                            .or_insert_with(|| Part::new(template.empty_like()));
                        match read_range(&plans[f], part, lo, hi, &mut buf) {
                            Ok(Some((lines, errors))) => w.ranges.push((f, c, lines, errors)),
                            Ok(None) => abort[f].store(true, Ordering::Relaxed),
                            Err(e) => {
                                abort[f].store(true, Ordering::Relaxed);
                                failed.lock().expect("no panics holding the lock")[f]
                                    .get_or_insert(e);
                            }
                        }
                    }
                    w
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    });
    let mut failed = failed.into_inner().expect("no panics holding the lock");
    let mut parts: Vec<Vec<StatsAccumulator>> = plans.iter().map(|_| Vec::new()).collect();
    let mut done: Vec<Vec<(usize, u64, Option<Errors>)>> =
        plans.iter().map(|_| Vec::new()).collect();
    for w in results {
        for (f, p) in w.parts {
            parts[f].push(p.acc);
        }
        for (f, c, lines, e) in w.ranges {
            done[f].push((c, lines, e));
        }
    }
    plans
        .iter()
        .enumerate()
        .map(|(f, p)| {
            if let Some(e) = failed[f].take() {
                return Outcome::Failed(e);
            }
            if abort[f].load(Ordering::Relaxed) {
                return Outcome::Fallback;
            }
            let mut ranges = std::mem::take(&mut done[f]);
            ranges.sort_by_key(|r| r.0);
            Outcome::Read {
                parts: std::mem::take(&mut parts[f]),
                errors: renumber(p, ranges),
            }
        })
        .collect()
}

/// Row numbers of each range's errors from range-local to file lines, all
/// ranges' errors in one list (in file order, capped like the reader's).
fn renumber(p: &Plan, ranges: Vec<(usize, u64, Option<Errors>)>) -> Option<Errors> {
    let mut base = p.header_row;
    let mut all = Errors::new(&p.label);
    for (_, lines, errors) in ranges {
        if let Some(e) = errors {
            all.count += e.count;
            for mut r in e.list {
                if all.list.len() < MAX_REPORTED_ERRORS {
                    r.row += base;
                    all.list.push(r);
                }
            }
        }
        base += lines;
    }
    (all.count > 0).then_some(all)
}

#[derive(Default)]
struct WorkerResult {
    parts: HashMap<usize, Part>,
    /// (file, range index, lines in the range, its errors).
    ranges: Vec<(usize, usize, u64, Option<Errors>)>,
}

/// One worker's accumulator for one file, with caches from raw bytes to ids.
struct Part {
    acc: StatsAccumulator,
    /// The first `prefix` fields of the last fast row and their cell.
    last_prefix: Vec<u8>,
    last_ids: Option<(u32, u32)>,
    schools: HashMap<Vec<u8>, u32>,
    keys: HashMap<Vec<u8>, u32>,
    key_buf: Vec<u8>,
    key_cache: KeyCache,
    tasks: Vec<Option<f64>>,
}

impl Part {
    fn new(acc: StatsAccumulator) -> Part {
        Part {
            acc,
            last_prefix: Vec::new(),
            last_ids: None,
            schools: HashMap::new(),
            keys: HashMap::new(),
            key_buf: Vec::new(),
            key_cache: KeyCache::default(),
            tasks: Vec::new(),
        }
    }
}

/// The first byte of the first line starting at or after `pos`.
fn line_start(p: &Plan, pos: u64) -> std::io::Result<u64> {
    if pos <= p.data_start {
        return Ok(p.data_start);
    }
    let mut at = pos - 1;
    let mut window = vec![0u8; 64 * 1024];
    while at < p.len {
        let n = window.len().min((p.len - at) as usize);
        read_exact_at(&p.file, &mut window[..n], at)?;
        if let Some(i) = window[..n].iter().position(|&b| b == b'\n') {
            return Ok(at + i as u64 + 1);
        }
        at += n as u64;
    }
    Ok(p.len)
}

/// Reads the lines starting in [lo, hi). `Ok(None)`: the file needs the
/// sequential reader. Otherwise the number of lines and the bad rows (row
/// numbers relative to the range: its first line is 1).
fn read_range(
    p: &Plan,
    part: &mut Part,
    lo: u64,
    hi: u64,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<(u64, Option<Errors>)>> {
    let start = line_start(p, lo)?;
    let end = if hi >= p.len {
        p.len
    } else {
        line_start(p, hi)?
    };
    if end <= start {
        return Ok(Some((0, None)));
    }
    let n = (end - start) as usize;
    let bytes: &[u8] = match &p.mapped {
        Some(m) => &m.bytes()[start as usize..end as usize],
        None => {
            if buf.len() < n {
                buf.resize(n, 0);
            }
            read_exact_at(&p.file, &mut buf[..n], start)?;
            &buf[..n]
        }
    };
    let mut errors = Errors::new(&p.label);
    let lines = split(p, part, bytes, &mut errors);
    if let Some(m) = &p.mapped {
        m.release(start as usize, end as usize);
    }
    let Some(lines) = lines else { return Ok(None) };
    Ok(Some((lines, (errors.count > 0).then_some(errors))))
}

/// Per 64 bytes: positions of the delimiter, of '\n', of the special bytes
/// ([`is_special`]), and of bytes ≥ 0x80, as bit masks.
#[inline(always)]
fn classify(block: &[u8; 64], delim: u8) -> (u64, u64, u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86_64 baseline; the loads are
        // unaligned loads of 16 bytes within the 64-byte array.
        unsafe {
            let d = _mm_set1_epi8(delim as i8);
            let nl = _mm_set1_epi8(b'\n' as i8);
            let q = _mm_set1_epi8(b'"' as i8);
            let tab = _mm_set1_epi8(b'\t' as i8);
            let c0_max = _mm_set1_epi8(0x1f);
            let del = _mm_set1_epi8(0x7f);
            let c2 = _mm_set1_epi8(0xc2_u8 as i8);
            let (mut md, mut mn, mut ms, mut mh) = (0u64, 0u64, 0u64, 0u64);
            for i in 0..4 {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * i) as *const __m128i);
                let bits = |m: __m128i| (_mm_movemask_epi8(m) as u32 & 0xffff) as u64;
                let is_nl = _mm_cmpeq_epi8(v, nl);
                // C0 controls (unsigned v ≤ 0x1f, '\r' among them) but tab and '\n'.
                let c0 = _mm_andnot_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, tab), is_nl),
                    _mm_cmpeq_epi8(_mm_min_epu8(v, c0_max), v),
                );
                let special = _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, q), c0),
                    _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmpeq_epi8(v, c2)),
                );
                md |= bits(_mm_cmpeq_epi8(v, d)) << (16 * i);
                mn |= bits(is_nl) << (16 * i);
                ms |= bits(special) << (16 * i);
                mh |= bits(v) << (16 * i);
            }
            (md, mn, ms, mh)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let (mut md, mut mn, mut ms, mut mh) = (0u64, 0u64, 0u64, 0u64);
        for (i, &b) in block.iter().enumerate() {
            md |= ((b == delim) as u64) << i;
            mn |= ((b == b'\n') as u64) << i;
            ms |= (is_special(b) as u64) << i;
            mh |= ((b >= 0x80) as u64) << i;
        }
        (md, mn, ms, mh)
    }
}

/// What a column is to the fast path.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Other,
    Student,
    Score,
    MaxScore,
    Mark,
    Journal,
    Date,
    Task(u16),
}

/// The row being read: what its fields gave so far.
struct RowState {
    /// Still on the fast path (every field read so far was plainly valid).
    fast: bool,
    /// End of each of the first `prefix` fields (the key columns).
    key_ends: [usize; MAX_PREFIX],
    /// The first `prefix` fields equal those of the last fast row.
    same: bool,
    score: Option<f64>,
    max_score: Option<f64>,
    mark: Option<u8>,
    journal: Option<u8>,
}

/// Key columns must lie in the first this many fields for the fast path.
const MAX_PREFIX: usize = 32;

impl RowState {
    fn new() -> RowState {
        RowState {
            fast: true,
            key_ends: [0; MAX_PREFIX],
            same: false,
            score: None,
            max_score: None,
            mark: None,
            journal: None,
        }
    }

    /// Ready for the next row (`key_ends` is written before it is read).
    fn reset(&mut self) {
        self.fast = true;
        self.same = false;
        self.score = None;
        self.max_score = None;
        self.mark = None;
        self.journal = None;
    }
}

/// Splits `buf` (whole lines) into rows and fields and reads every row, in
/// one pass: each field is parsed as soon as its end is found.
/// Returns the number of lines, or None when the file needs the CSV reader.
fn split(p: &Plan, part: &mut Part, buf: &[u8], errors: &mut Errors) -> Option<u64> {
    let c = &p.cols;
    let mut tasks = std::mem::take(&mut part.tasks);
    tasks.clear();
    tasks.resize(c.tasks.len(), None);
    let mut row_start = 0usize;
    let mut field_start = 0usize;
    let mut field = 0usize;
    let mut st = RowState::new();
    let mut line = 0u64;
    // Position + 1 of the last byte ≥ 0x80 seen in earlier blocks (0: none).
    let mut pending_high = 0usize;
    let mut block_start = 0usize;
    // Padding of the last block: a space is none of the bytes classified.
    let mut tail = [b' '; 64];
    let mut ok = true;
    'blocks: while block_start < buf.len() {
        let block: &[u8; 64] = match buf.get(block_start..block_start + 64) {
            Some(b) => b.try_into().expect("64 bytes"),
            None => {
                // The range's last block (once per range), padded.
                let rest = &buf[block_start..];
                tail[..rest.len()].copy_from_slice(rest);
                &tail
            }
        };
        let (md, mn, ms, mut mh) = classify(block, p.delim);
        if ms != 0 && !specials_ok(buf, block_start, ms) {
            ok = false;
            break;
        }
        let mut structural = md | mn;
        while structural != 0 {
            let bit = structural.trailing_zeros();
            let pos = block_start + bit as usize;
            let newline = mn & (1u64 << bit) != 0;
            // The field [field_start, end): the last one without its '\r'.
            let end = if newline && pos > field_start && buf[pos - 1] == b'\r' {
                pos - 1
            } else {
                pos
            };
            if st.fast {
                read_field(
                    p,
                    part,
                    &mut st,
                    &mut tasks,
                    buf,
                    row_start,
                    field,
                    field_start,
                    end,
                );
            }
            if newline {
                line += 1;
                let below = mh & ((1u64 << bit) - 1);
                let last_high = if below != 0 {
                    Some(block_start + 63 - below.leading_zeros() as usize)
                } else if pending_high > row_start {
                    Some(pending_high - 1)
                } else {
                    None
                };
                mh &= !((1u64 << bit) - 1);
                let fields = field + 1;
                if !end_row(
                    p, part, &mut st, &tasks, buf, row_start, end, fields, last_high, line, errors,
                ) {
                    ok = false;
                    break 'blocks;
                }
                st.reset();
                row_start = pos + 1;
                field = 0;
            } else {
                field += 1;
            }
            field_start = pos + 1;
            structural &= structural - 1;
        }
        if mh != 0 {
            pending_high = block_start + 64 - mh.leading_zeros() as usize;
        }
        block_start += 64;
    }
    if ok && row_start < buf.len() {
        // The file's last line, without a newline.
        line += 1;
        let end = if buf.ends_with(b"\r") {
            buf.len() - 1
        } else {
            buf.len()
        };
        if st.fast {
            read_field(
                p,
                part,
                &mut st,
                &mut tasks,
                buf,
                row_start,
                field,
                field_start,
                end,
            );
        }
        let last_high = buf[row_start..]
            .iter()
            .rposition(|&b| b >= 0x80)
            .map(|i| row_start + i);
        ok = end_row(
            p,
            part,
            &mut st,
            &tasks,
            buf,
            row_start,
            end,
            field + 1,
            last_high,
            line,
            errors,
        );
    }
    part.tasks = tasks;
    ok.then_some(line)
}

/// Reads field `i` ([s, e)) of the row on the fast path; anything not
/// plainly valid takes the row off it.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn read_field(
    p: &Plan,
    part: &Part,
    st: &mut RowState,
    tasks: &mut [Option<f64>],
    buf: &[u8],
    row_start: usize,
    i: usize,
    s: usize,
    e: usize,
) {
    let c = &p.cols;
    let b = &buf[s..e.max(s)];
    // Task scores first: most fields are (a run of columns, usually one
    // character each), and a range check predicts better than a jump table.
    let j = i.wrapping_sub(c.task_run.0);
    if j < c.task_run.1 {
        match b {
            [] => tasks[j] = None,
            [d @ b'0'..=b'9'] => tasks[j] = Some((d - b'0') as f64),
            _ => match opt_number(b) {
                Ok(v) => tasks[j] = v,
                Err(()) => st.fast = false,
            },
        }
        return;
    }
    if i < c.prefix {
        st.key_ends[i] = e;
        if i + 1 == c.prefix {
            st.same = part.last_ids.is_some() && part.last_prefix.as_slice() == &buf[row_start..e];
        }
    }
    let Some(&role) = c.roles.get(i) else { return };
    let ok = match role {
        Role::Other => true,
        Role::Task(j) => match opt_number(b) {
            Ok(v) => {
                tasks[j as usize] = v;
                true
            }
            Err(()) => false,
        },
        Role::Score => match opt_number(b) {
            Ok(Some(v)) => {
                st.score = Some(v);
                true
            }
            _ => false,
        },
        Role::MaxScore => opt_number(b).map(|v| st.max_score = v).is_ok(),
        Role::Mark => opt_mark(b).map(|v| st.mark = v).is_ok(),
        Role::Journal => opt_mark(b).map(|v| st.journal = v).is_ok(),
        Role::Student => plain_key(b),
        Role::Date => {
            b.is_empty()
                || match std::str::from_utf8(b).map(str::trim) {
                    Ok("") => true,
                    Ok(t) => parse_date(t).is_ok(),
                    Err(_) => false,
                }
        }
    };
    st.fast &= ok;
}

/// The row [row_start, row_end) is read: adds it on the fast path, or sends
/// it through `parse_row`. False when the file needs the CSV reader.
#[allow(clippy::too_many_arguments)]
fn end_row(
    p: &Plan,
    part: &mut Part,
    st: &mut RowState,
    tasks: &[Option<f64>],
    buf: &[u8],
    row_start: usize,
    row_end: usize,
    fields: usize,
    last_high: Option<usize>,
    line: u64,
    errors: &mut Errors,
) -> bool {
    if row_end == row_start {
        return true; // an empty line: the CSV reader skips it
    }
    let c = &p.cols;
    if st.fast && fields >= c.needed {
        let prefix_end = st.key_ends[c.prefix - 1];
        // Bytes ≥ 0x80 are fine inside a prefix taken before from a checked
        // line; anywhere else the line must be checked as UTF-8.
        let checked = match last_high {
            None => true,
            Some(h) if st.same && h < prefix_end => true,
            Some(_) => std::str::from_utf8(&buf[row_start..row_end]).is_ok(),
        };
        if !checked {
            return false;
        }
        let ids = if st.same {
            part.last_ids
        } else {
            let field = |i: usize| {
                let s = if i == 0 {
                    row_start
                } else {
                    st.key_ends[i - 1] + 1
                };
                &buf[s..st.key_ends[i].max(s)]
            };
            let ids = cached_ids(c, part, field);
            if ids.is_some() {
                part.last_prefix.clear();
                part.last_prefix
                    .extend_from_slice(&buf[row_start..prefix_end]);
                part.last_ids = ids;
            }
            ids
        };
        if let (Some((school, key)), Some(score)) = (ids, st.score) {
            if !st.max_score.is_some_and(|m| score > m) {
                let score = PupilScore {
                    score,
                    max_score: st.max_score,
                    mark: st.mark,
                    journal_mark: st.journal,
                    tasks,
                };
                part.acc.add(school, key, &score);
                return true;
            }
        }
    }
    slow(p, part, &buf[row_start..row_end], line, errors)
}

/// Bytes the splitter looks at one by one: a quote, C0 control characters
/// other than tab and '\n' (the carriage return among them), DEL, and 0xC2
/// (the first byte of the C1 controls U+0080–U+009F in UTF-8).
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
fn is_special(b: u8) -> bool {
    matches!(b, b'"' | 0x7f | 0xc2) || (b < 0x20 && b != b'\t' && b != b'\n')
}

/// Every special byte of the block ([`is_special`]). A carriage return is
/// fine right before a newline, and 0xC2 when no C1 control follows. A quote
/// needs the CSV reader; so does a control character: the CSV reader refuses
/// the file with its own message naming the cell (`IoError::ControlChar`),
/// which the scanner leaves to it rather than repeat.
fn specials_ok(buf: &[u8], block_start: usize, mut ms: u64) -> bool {
    while ms != 0 {
        let pos = block_start + ms.trailing_zeros() as usize;
        let next = buf.get(pos + 1);
        let ok = match buf[pos] {
            b'\r' => next.is_none_or(|&b| b == b'\n'),
            0xc2 => !next.is_some_and(|b| (0x80..=0x9f).contains(b)),
            _ => false,
        };
        if !ok {
            return false;
        }
        ms &= ms - 1;
    }
    true
}

/// A pupil key `parse_row` takes as it is: printable ASCII, or text without
/// control or invisible characters (`records::code`), not blank.
#[inline]
fn plain_key(b: &[u8]) -> bool {
    if b.iter().all(|&x| x.is_ascii_graphic() || x == b' ') {
        return b.iter().any(|&x| x != b' ');
    }
    matches!(std::str::from_utf8(b), Ok(t) if !t.trim().is_empty() && code(t).is_ok())
}

/// Digits only (at most 15: exact in f64, as the reader's parse gives them).
#[inline]
fn digits(b: &[u8]) -> Option<f64> {
    if b.is_empty() || b.len() > 15 {
        return None;
    }
    let mut v = 0u64;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u64;
    }
    Some(v as f64)
}

/// An optional non-negative number as the reader reads it: Ok(None) when
/// empty, Err when the row must go through `parse_row`.
#[inline]
fn opt_number(b: &[u8]) -> Result<Option<f64>, ()> {
    if b.is_empty() {
        return Ok(None);
    }
    if let Some(v) = digits(b) {
        return Ok(Some(v));
    }
    let t = std::str::from_utf8(b).map_err(|_| ())?.trim();
    if t.is_empty() {
        return Ok(None);
    }
    non_negative(t).map(Some).map_err(|_| ())
}

#[inline]
fn opt_mark(b: &[u8]) -> Result<Option<u8>, ()> {
    match b {
        [] => Ok(None),
        [c @ b'2'..=b'5'] => Ok(Some(c - b'0')),
        [b'1'] => Ok(Some(2)),
        _ => {
            let t = std::str::from_utf8(b).map_err(|_| ())?.trim();
            if t.is_empty() {
                return Ok(None);
            }
            parse_mark(t).map(Some).map_err(|_| ())
        }
    }
}

/// The assessment's raw cells, length-prefixed (a cache key).
fn key_bytes<'b>(c: &Cols, field: impl Fn(usize) -> &'b [u8], out: &mut Vec<u8>) {
    out.clear();
    for i in [c.year, c.procedure, c.subject, c.grade] {
        let f = field(i);
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
}

/// The ids of the row's school and assessment when both were seen in rows
/// the reader accepted.
fn cached_ids<'b>(
    c: &Cols,
    part: &mut Part,
    field: impl Fn(usize) -> &'b [u8],
) -> Option<(u32, u32)> {
    let school = *part.schools.get(field(c.school))?;
    key_bytes(c, field, &mut part.key_buf);
    let key = *part.keys.get(part.key_buf.as_slice())?;
    Some((school, key))
}

/// The row through the reader's own parsing (errors recorded with the
/// range-local line number). False when the line is not UTF-8.
fn slow(p: &Plan, part: &mut Part, bytes: &[u8], line: u64, errors: &mut Errors) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let cells: StringRecord = text.split(p.delim as char).collect();
    let row = Row {
        number: line,
        cells,
    };
    if row.is_blank() {
        return true;
    }
    let mut f = Fields::new(&p.map, &row, errors);
    let Some(rec) = parse_row(&mut f, false, &mut part.key_cache, &|_| true, &|_| None) else {
        return true;
    };
    if let ResultBody::Pupil { result, .. } = rec.body {
        let s = part.acc.school_id(&rec.school_code);
        let k = part.acc.key_id(&rec.key);
        let c = &p.cols;
        let field = |i: usize| row.cells.get(i).unwrap_or("").as_bytes();
        part.schools.entry(field(c.school).to_vec()).or_insert(s);
        key_bytes(c, field, &mut part.key_buf);
        if !part.keys.contains_key(part.key_buf.as_slice()) {
            part.keys.insert(part.key_buf.clone(), k);
        }
        part.acc.add(s, k, &result.as_score());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vector classification marks exactly the bytes the scalar rules
    /// name, at every position of a block.
    #[test]
    fn classify_marks_every_byte_by_its_kind() {
        for delim in [b',', b';', b'\t'] {
            for b in 0..=255u8 {
                for pos in [0, 15, 16, 40, 63] {
                    let mut block = [b'a'; 64];
                    block[pos] = b;
                    let (md, mn, ms, mh) = classify(&block, delim);
                    let bit = |on: bool| (on as u64) << pos;
                    assert_eq!(md, bit(b == delim), "{b:#x}");
                    assert_eq!(mn, bit(b == b'\n'), "{b:#x}");
                    assert_eq!(ms, bit(is_special(b)), "{b:#x}");
                    assert_eq!(mh, bit(b >= 0x80), "{b:#x}");
                }
            }
        }
    }
}
