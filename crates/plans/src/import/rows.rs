//! Rows to sections and activities: section rows recognised, rows continued
//! across a page break (or split line by line in a scan) merged into the
//! activity above, and the section tree built.

use super::columns::{Col, Field, GRow, Mapping};
use super::numbering::{
    ends_open, ends_sentence, is_block_title, known_section_title, number_path, roman_value,
    split_heading, starts_abbreviation, starts_lower,
};
use crate::deadline::{normalize_space, parse_deadline, DeadlineKind};
use crate::model::*;

#[derive(Clone, Debug, Default)]
pub(super) struct RawActivity {
    pub(super) number: Option<String>,
    pub(super) text: String,
    pub(super) deadline: String,
    /// (text, part)
    pub(super) responsibles: Vec<(String, Option<String>)>,
    pub(super) form: String,
    pub(super) result: String,
    pub(super) notes: Vec<(String, String)>,
    pub(super) source: SourceRef,
    /// The text of the last row merged in (to recognise a repeated fragment).
    last_fragment: String,
}

/// How a section nests: blocks («Инвариантная часть») hold everything,
/// Roman numerals hold Arabic numbers and plain headings, «1.» holds «1.1.».
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Nest {
    Container,
    Roman,
    /// A heading without a number: a sibling of «1.», a parent of «1.1».
    Plain,
    Arabic(Vec<u32>),
}

impl Nest {
    fn can_contain(&self, child: &Nest) -> bool {
        match (self, child) {
            (Nest::Container, Nest::Container) => false,
            (Nest::Container, _) => true,
            (Nest::Roman, Nest::Container | Nest::Roman) => false,
            (Nest::Roman, _) => true,
            (Nest::Plain, Nest::Arabic(p)) => p.len() >= 2,
            (Nest::Plain, _) => false,
            (Nest::Arabic(tp), Nest::Arabic(p)) => tp.len() < p.len() && p.starts_with(tp),
            (Nest::Arabic(_), _) => false,
        }
    }
}

#[derive(Debug)]
pub(super) struct SecNode {
    pub(super) number: Option<String>,
    pub(super) title: String,
    nest: Nest,
    pub(super) activities: Vec<RawActivity>,
    pub(super) children: Vec<usize>,
}

#[derive(Default)]
pub(super) struct Builder {
    pub(super) nodes: Vec<SecNode>,
    pub(super) top: Vec<usize>,
    pub(super) top_activities: Vec<RawActivity>,
    stack: Vec<usize>,
    /// The last thing added was an activity (rows may continue it).
    last_is_activity: bool,
}

impl Builder {
    fn add_section(&mut self, number: Option<String>, title: String) {
        let path = number.as_deref().and_then(number_path);
        let kind = match (&number, &path) {
            (Some(n), Some(_)) if roman_value(n).is_some() => Nest::Roman,
            (_, Some(p)) => Nest::Arabic(p.clone()),
            _ if is_block_title(&title) => Nest::Container,
            _ => Nest::Plain,
        };
        while let Some(t) = self.stack.last() {
            if self.nodes[*t].nest.can_contain(&kind) {
                break;
            }
            self.stack.pop();
        }
        let idx = self.nodes.len();
        self.nodes.push(SecNode {
            number,
            title,
            nest: kind,
            activities: Vec::new(),
            children: Vec::new(),
        });
        match self.stack.last() {
            Some(parent) => self.nodes[*parent].children.push(idx),
            None => self.top.push(idx),
        }
        self.stack.push(idx);
        self.last_is_activity = false;
    }

    fn add_activity(&mut self, a: RawActivity) {
        match self.stack.last() {
            Some(s) => self.nodes[*s].activities.push(a),
            None => self.top_activities.push(a),
        }
        self.last_is_activity = true;
    }

    fn last_activity(&mut self) -> Option<&mut RawActivity> {
        if !self.last_is_activity {
            return None;
        }
        match self.stack.last() {
            Some(s) => self.nodes[*s].activities.last_mut(),
            None => self.top_activities.last_mut(),
        }
    }
}

/// Joins a continued cell: «Отдел образования … муниципального» + «района».
fn join_cell(a: &str, b: &str) -> String {
    let (a, b) = (a.trim(), b.trim());
    if b.is_empty() {
        a.to_string()
    } else if a.is_empty() {
        b.to_string()
    } else if a == b || a.ends_with(b) {
        a.to_string()
    } else {
        format!("{a} {b}")
    }
}

/// Joins text that may repeat the end of the previous part (a scanned page
/// repeating lines): the longest overlap (at least 20 characters) is kept once.
fn join_overlapping(a: &str, b: &str) -> String {
    let (a, b) = (a.trim(), b.trim());
    if a.contains(b) {
        return a.to_string();
    }
    if b.contains(a) {
        return b.to_string();
    }
    let bc: Vec<(usize, char)> = b.char_indices().collect();
    for k in (20..bc.len()).rev() {
        let cut = bc.get(k).map(|(i, _)| *i).unwrap_or(b.len());
        if a.ends_with(&b[..cut]) {
            return format!("{a}{}", &b[cut..]);
        }
    }
    join_cell(a, b)
}

/// True when row text `b` repeats part of activity text `a` (a scanned page
/// repeating lines): `b` starts with 30 characters found in `a`, or contains
/// the first 30 characters of the last row merged into `a`.
fn overlaps(a: &str, last: &str, b: &str) -> bool {
    let head = |s: &str| -> String { normalize_space(s).chars().take(30).collect() };
    let (hb, hl) = (head(b), head(last));
    (hb.chars().count() >= 30 && normalize_space(a).contains(&hb))
        || (hl.chars().count() >= 30 && normalize_space(b).contains(&hl))
}

pub(super) struct RowFields {
    pub(super) number: String,
    pub(super) text: String,
    pub(super) deadline: String,
    pub(super) responsibles: Vec<(String, Option<String>)>,
    pub(super) form: String,
    pub(super) result: String,
    pub(super) notes: Vec<(String, String)>,
}

impl RowFields {
    fn own_fields(&self) -> bool {
        !self.deadline.is_empty()
            || self.responsibles.iter().any(|(t, _)| !t.is_empty())
            || !self.form.is_empty()
            || !self.result.is_empty()
    }
}

pub(super) fn fields(r: &GRow, m: &Mapping, inherit: bool) -> RowFields {
    let get = |c: &Col| {
        let own = r.get(c.idx).trim().to_string();
        if own.is_empty() && inherit {
            r.above.get(c.idx).cloned().flatten().unwrap_or_default()
        } else {
            own
        }
    };
    let join = |f: Field, sep: &str| {
        m.cols_of(f)
            .map(get)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let mut notes = Vec::new();
    for c in m.cols_of(Field::Note) {
        let v = get(c);
        if !v.is_empty() {
            notes.push((
                if c.header.is_empty() {
                    format!("столбец {}", c.idx + 1)
                } else {
                    c.header.clone()
                },
                v,
            ));
        }
    }
    // Unmapped columns keep their content as notes: nothing is lost.
    for (i, v) in r.cells.iter().enumerate() {
        if !v.trim().is_empty() && !m.cols.iter().any(|c| c.idx == i) {
            notes.push((format!("столбец {}", i + 1), v.trim().to_string()));
        }
    }
    RowFields {
        number: m
            .col(Field::Number)
            .map(|c| r.get(c).trim().to_string())
            .unwrap_or_default(),
        text: m
            .col(Field::Text)
            .map(|c| r.get(c).trim().to_string())
            .unwrap_or_default(),
        deadline: join(Field::Deadline, " – "),
        responsibles: m
            .cols_of(Field::Responsible)
            .map(|c| (get(c), c.part.clone()))
            .collect(),
        form: join(Field::Form, "; "),
        result: join(Field::Result, "; "),
        notes,
    }
}

/// A section heading in a row, if the row is one.
/// What came before a row (for headings without numbers).
#[derive(Default, Clone, Copy)]
pub(super) struct RowContext<'a> {
    prev_is_activity: bool,
    prev_ends_sentence: bool,
    /// Number of the last numbered activity.
    prev_number: Option<&'a str>,
}

/// A capitalised short line that does not read as a sentence continued.
fn is_title_like(s: &str) -> bool {
    let s = s.trim();
    !starts_lower(s)
        && !starts_abbreviation(s)
        && s.chars().count() <= 150
        && !ends_open(s)
        && !s.ends_with(';')
}

pub(super) fn section_of_row(
    r: &GRow,
    m: &Mapping,
    f: &RowFields,
    next_number: Option<&str>,
    ctx: RowContext<'_>,
) -> Option<(Option<String>, String)> {
    let filled = r.non_empty();
    let first = *filled.first()?;
    let number_col = m.col(Field::Number);
    let text_col = m.col(Field::Text);
    let own = f.own_fields();
    // One cell across the table.
    let wide =
        filled.len() == 1 && r.spans[first] >= 2 && r.spans[first] * 2 >= r.cells.len().max(2);
    let joined = normalize_space(&r.joined());
    if wide && !(starts_lower(&joined) && split_heading(&joined).is_none()) {
        // (A lowercase line across the table continues the text above.)
        return Some(split_heading(&joined).unwrap_or((None, joined)));
    }
    if known_section_title(&f.text) && !own {
        let num = number_col
            .map(|c| r.get(c).trim().to_string())
            .filter(|n| !n.is_empty() && number_path(n).is_some());
        return Some(match num {
            Some(n) => (Some(n), f.text.clone()),
            None => split_heading(&f.text).unwrap_or((None, f.text.clone())),
        });
    }
    if let Some(nc) = number_col {
        let num = r.get(nc).trim();
        // «I. Организационно-управленческие мероприятия» in the number cell.
        if !num.is_empty() && num.chars().any(|c| c.is_alphabetic()) && roman_value(num).is_none() {
            if let Some((n, title)) = split_heading(num) {
                if !own && (f.text.is_empty() || n.is_some()) {
                    let title = if f.text.is_empty() {
                        title
                    } else {
                        format!("{title} {}", f.text)
                    };
                    return Some((n, title));
                }
            }
            if !own && f.text.is_empty() && known_section_title(num) {
                return Some((None, num.to_string()));
            }
        }
        // A Roman numeral in the number cell.
        if roman_value(num).is_some() && !f.text.is_empty() && !own {
            return Some((Some(num.to_string()), f.text.clone()));
        }
        // «1.» with a title and nothing else, followed by «1.1.»: a section.
        if let (Some(p), Some(next)) = (number_path(num), next_number.and_then(number_path)) {
            if !own && !f.text.is_empty() && next.len() > p.len() && next.starts_with(&p) {
                return Some((Some(num.to_string()), f.text.clone()));
            }
        }
        // Only the text cell, starting with «Раздел …».
        if num.is_empty() && !own && f.text.to_lowercase().starts_with("раздел") {
            return split_heading(&f.text);
        }
        // Only the text, a capitalised title («Работа с педагогическими кадрами»),
        // where a new block of numbers begins: a heading without a number.
        if num.is_empty()
            && !own
            && filled.len() == 1
            && Some(first) == text_col
            && is_title_like(&f.text)
        {
            let starts_block = match (
                ctx.prev_number.and_then(number_path),
                next_number.and_then(number_path),
            ) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(p), Some(n)) => p.first() != n.first() || n.len() < p.len(),
            };
            let short = f.text.chars().count() <= 80 && next_number.is_some();
            if starts_block || !ctx.prev_is_activity || (ctx.prev_ends_sentence && short) {
                return Some(split_heading(&f.text).unwrap_or((None, f.text.clone())));
            }
        }
        return None;
    }
    // No number column: a numbered heading in the first cell and no date.
    if let Some(tc) = text_col {
        if first != tc && !(first < tc && r.get(first).trim().is_empty()) {
            return None;
        }
        let deadline_has_date = !matches!(
            parse_deadline(&f.deadline, None).kind,
            DeadlineKind::Text | DeadlineKind::Empty
        );
        if deadline_has_date {
            return None;
        }
        let short_rest = filled
            .iter()
            .filter(|i| **i != tc)
            .all(|i| r.cells[*i].chars().count() <= 40);
        if let Some((n, title)) = split_heading(&f.text) {
            if n.is_some() && short_rest && (f.text.chars().count() <= 150) {
                let rest: Vec<&str> = filled
                    .iter()
                    .filter(|i| **i != tc)
                    .map(|i| r.cells[*i].trim())
                    .collect();
                let title = if rest.is_empty() {
                    title
                } else {
                    format!("{title} {}", rest.join(" "))
                };
                return Some((n, normalize_space(&title)));
            }
        }
        if f.text.to_lowercase().starts_with("раздел") && !own {
            return split_heading(&f.text);
        }
    }
    None
}

/// True when a row has cells of its own besides the text — typed in it or
/// merged down into it: a deadline, a responsible, a form or a result.
fn has_own_cells(r: &GRow, m: &Mapping) -> bool {
    let filled = |c: &Col| {
        let merged_down = r
            .above
            .get(c.idx)
            .and_then(|a| a.as_deref())
            .is_some_and(|t| !t.trim().is_empty());
        !r.get(c.idx).trim().is_empty() || merged_down
    };
    m.cols
        .iter()
        .filter(|c| {
            matches!(
                c.field,
                Field::Deadline | Field::Responsible | Field::Form | Field::Result
            )
        })
        .any(filled)
}

/// A row without a number in a table with a number column (numbered or left
/// empty) continues the activity above only when what it adds cannot stand
/// alone: no text of its own, text going on mid-sentence (a lower-case
/// start), or text after an unfinished sentence with no cells of its own.
/// A row with its own deadline, responsible, form or result is an activity.
fn continues_in_numbered_table(prev: &RawActivity, r: &GRow, m: &Mapping, f: &RowFields) -> bool {
    f.text.is_empty()
        || starts_lower(&f.text)
        || (!ends_sentence(&prev.text) && !has_own_cells(r, m))
}

/// A row of a table without a number column (often a scanned page, where
/// every line of a cell is a row of its own) continues the activity above
/// by how its text reads.
fn continues_without_numbers(prev: &RawActivity, f: &RowFields, table_start: bool) -> bool {
    if f.text.is_empty() {
        true
    } else if !starts_lower(&f.text) {
        // «ОУ» continuing «… руководителей всех»: an abbreviation
        // after an unfinished phrase, with no deadline of its own.
        starts_abbreviation(&f.text) && f.deadline.is_empty() && !ends_sentence(&prev.text)
    } else if !f.deadline.is_empty() && !prev.deadline.is_empty() && !ends_open(&prev.text) {
        // A row with its own deadline after one that had one starts
        // a new activity, unless the previous text stops mid-phrase.
        false
    } else if table_start {
        // Right after a page break: only an unfinished sentence continues.
        !ends_sentence(&prev.text)
    } else {
        true
    }
}

/// Adds a continued row's cells to the activity above (`repeated`: its text
/// repeats the end of the activity's text, kept once).
fn merge_row(prev: &mut RawActivity, r: &GRow, m: &Mapping, repeated: bool) {
    let row = fields(r, m, false);
    prev.text = if repeated {
        join_overlapping(&prev.text, &row.text)
    } else {
        join_cell(&prev.text, &row.text)
    };
    prev.deadline = join_cell(&prev.deadline, &row.deadline);
    for (i, (t, part)) in row.responsibles.iter().enumerate() {
        match prev.responsibles.get_mut(i) {
            Some(p) => p.0 = join_cell(&p.0, t),
            None => prev.responsibles.push((t.clone(), part.clone())),
        }
    }
    prev.form = join_cell(&prev.form, &row.form);
    prev.result = join_cell(&prev.result, &row.result);
    for (h, v) in row.notes {
        match prev.notes.iter_mut().find(|(ph, _)| *ph == h) {
            Some(n) => n.1 = join_cell(&n.1, &v),
            None => prev.notes.push((h, v)),
        }
    }
    prev.source.rows.push([r.table, r.row]);
    prev.last_fragment = normalize_space(&row.text);
}

/// Builds the plan's tree from the plan tables' rows.
pub(super) struct Reader<'a> {
    pub(super) b: Builder,
    pub(super) info: &'a mut ImportInfo,
    pub(super) table_started: bool,
    /// Number of the last numbered activity.
    pub(super) last_number: Option<String>,
}

impl Reader<'_> {
    pub(super) fn row(&mut self, r: &GRow, m: &Mapping, next_number: Option<&str>) {
        let f = fields(r, m, false);
        let prev_number = self.last_number.clone();
        let ctx = match self.b.last_activity() {
            Some(prev) => RowContext {
                prev_is_activity: true,
                prev_ends_sentence: ends_sentence(&prev.text),
                prev_number: prev_number.as_deref(),
            },
            None => RowContext {
                prev_number: prev_number.as_deref(),
                ..Default::default()
            },
        };
        if let Some((number, title)) = section_of_row(r, m, &f, next_number, ctx) {
            self.b.add_section(number, title);
            self.table_started = false;
            return;
        }
        let has_number_col = m.col(Field::Number).is_some();
        let table_start = std::mem::take(&mut self.table_started);
        let mut text = f.text.clone();
        let mut number = f.number.clone();
        if !has_number_col {
            // A number written at the start of the text («1.2. Провести …»).
            if let Some((Some(n), t)) = split_heading(&text) {
                if number_path(&n).is_some_and(|p| p.len() >= 2 || n.ends_with('.')) {
                    number = n;
                    text = t;
                }
            }
        }
        if number.is_empty() {
            if let Some(prev) = self.b.last_activity() {
                let continued = if has_number_col {
                    continues_in_numbered_table(prev, r, m, &f)
                } else {
                    continues_without_numbers(prev, &f, table_start)
                };
                let repeated = !has_number_col
                    && !f.text.is_empty()
                    && overlaps(&prev.text, &prev.last_fragment, &f.text);
                if continued || repeated {
                    merge_row(prev, r, m, repeated);
                    self.info.merged_rows += 1;
                    return;
                }
            }
        }
        // A new activity: merged cells from above fill empty cells.
        let f = fields(r, m, true);
        if text.is_empty()
            && f.deadline.is_empty()
            && f.responsibles.iter().all(|(t, _)| t.is_empty())
            && f.result.is_empty()
        {
            // A number with nothing else: keep it as an activity so nothing is lost.
            if number.is_empty() {
                return;
            }
        }
        if !number.is_empty() {
            self.last_number = Some(number.clone());
        }
        self.b.add_activity(RawActivity {
            number: (!number.is_empty()).then_some(number),
            text: normalize_space(&text),
            deadline: f.deadline,
            responsibles: f.responsibles,
            form: f.form,
            result: f.result,
            notes: f.notes,
            source: SourceRef {
                rows: vec![[r.table, r.row]],
            },
            last_fragment: normalize_space(&text),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins() {
        assert_eq!(
            join_cell("Отдел образования администрации", "района"),
            "Отдел образования администрации района"
        );
        assert_eq!(join_cell("РМК", "РМК"), "РМК");
        let a =
            "Создание условий для повышения компетентности педагогов в области практики развития";
        let b = "компетентности педагогов в области практики развития функциональной грамотности";
        assert_eq!(join_overlapping(a, b), "Создание условий для повышения компетентности педагогов в области практики развития функциональной грамотности");
        assert!(overlaps(a, a, b));
        assert!(!overlaps(
            "Анализ результатов ВПР",
            "Анализ результатов ВПР",
            "Проведение совещания"
        ));
        let p58 = "Разработка и утверждение программ по работе со слабоуспевающими обучающимися в 2022-2023 учебном году.";
        let p59 = "Проведение совещания с руководителями ОУ округа по реализации программ по работе со слабоуспевающими обучающимися в 2022-2023 учебном году.";
        assert!(!overlaps(p58, p58, p59));
    }
}
