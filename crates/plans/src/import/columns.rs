//! Columns: the table laid on a grid, header rows mapped to fields by
//! their aliases (docs/plans.md), and columns guessed from content when no
//! header is found.

use super::numbering::number_path;
use crate::deadline::{normalize_space, parse_deadline, DeadlineKind};
use crate::document::{Table, VMerge};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    Number,
    Text,
    Deadline,
    Responsible,
    Form,
    Result,
    Note,
}

impl Field {
    pub(super) fn title(&self) -> &'static str {
        match self {
            Field::Number => "номер",
            Field::Text => "мероприятие",
            Field::Deadline => "срок",
            Field::Responsible => "ответственные",
            Field::Form => "форма проведения",
            Field::Result => "ожидаемый результат",
            Field::Note => "примечание",
        }
    }
}

pub(super) fn norm(s: &str) -> String {
    let s = s.to_lowercase().replace('ё', "е");
    normalize_space(
        &s.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '№' || c == '/' {
                    c
                } else {
                    ' '
                }
            })
            .collect::<String>(),
    )
}

/// The field a column header names (aliases in docs/plans.md).
pub(super) fn field_of_header(h: &str) -> Option<Field> {
    let n = norm(h);
    if n.is_empty() {
        return None;
    }
    let words: Vec<&str> = n.split(' ').collect();
    let word_starts = |p: &str| words.iter().any(|w| w.starts_with(p));
    if n.starts_with('№')
        || n.contains("п/п")
        || matches!(n.as_str(), "n" | "no" | "nn" | "номер" | "пп" | "n п п")
    {
        return Some(Field::Number);
    }
    if word_starts("срок")
        || word_starts("дата")
        || word_starts("даты")
        || n == "период"
        || n.starts_with("период ")
        || n == "когда"
    {
        return Some(Field::Deadline);
    }
    if word_starts("ответствен") || word_starts("исполнител") || word_starts("соисполнител")
    {
        return Some(Field::Responsible);
    }
    if word_starts("результат")
        || word_starts("продукт")
        || word_starts("выход")
        || word_starts("отчет")
        || n.contains("итоговый документ")
        || n.contains("подтверждающ")
        || word_starts("эффект")
    {
        return Some(Field::Result);
    }
    if word_starts("форм") {
        return Some(Field::Form);
    }
    if word_starts("мероприят")
        || word_starts("содержани")
        || word_starts("наименовани")
        || word_starts("действи")
        || word_starts("тема")
        || word_starts("направлени")
        || n.contains("вид работ")
        || n.contains("виды работ")
        || n == "работа"
        || n == "задачи"
        || word_starts("деятельност")
    {
        return Some(Field::Text);
    }
    Some(Field::Note)
}

#[derive(Clone, Debug)]
pub(super) struct Col {
    pub(super) idx: usize,
    pub(super) field: Field,
    pub(super) header: String,
    pub(super) part: Option<String>,
}

#[derive(Clone, Debug)]
pub(super) struct Mapping {
    pub(super) cols: Vec<Col>,
    pub(super) width: usize,
    /// Normalised header rows, to skip their repeats on later pages.
    pub(super) headers: Vec<String>,
    pub(super) guessed: bool,
}

impl Mapping {
    pub(super) fn col(&self, f: Field) -> Option<usize> {
        self.cols.iter().find(|c| c.field == f).map(|c| c.idx)
    }
    pub(super) fn cols_of(&self, f: Field) -> impl Iterator<Item = &Col> {
        self.cols.iter().filter(move |c| c.field == f)
    }
}

/// A table row laid on the grid: one text per grid column.
#[derive(Clone, Debug)]
pub(super) struct GRow {
    pub(super) cells: Vec<String>,
    /// Span of the cell that starts at each column (0 where a span covers it).
    pub(super) spans: Vec<usize>,
    /// Text of the cell above for vertically merged cells.
    pub(super) above: Vec<Option<String>>,
    pub(super) repeat_header: bool,
    pub(super) table: usize,
    pub(super) row: usize,
}

impl GRow {
    pub(super) fn get(&self, i: usize) -> &str {
        self.cells.get(i).map(|s| s.as_str()).unwrap_or("")
    }
    pub(super) fn non_empty(&self) -> Vec<usize> {
        (0..self.cells.len())
            .filter(|i| !self.cells[*i].trim().is_empty())
            .collect()
    }
    pub(super) fn joined(&self) -> String {
        self.cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub(super) fn grid(t: &Table, table_no: usize) -> Vec<GRow> {
    let width = t.columns();
    let mut above: Vec<Option<String>> = vec![None; width];
    let mut out = Vec::new();
    for (ri, r) in t.rows.iter().enumerate() {
        let mut g = GRow {
            cells: vec![String::new(); width],
            spans: vec![0; width],
            above: vec![None; width],
            repeat_header: r.repeat_header,
            table: table_no,
            row: ri + 1,
        };
        let mut col = 0;
        for c in &r.cells {
            if col >= width {
                break;
            }
            let span = c.span.max(1).min(width - col);
            let text = c.text.trim().to_string();
            match c.vmerge {
                VMerge::Continue => {
                    g.above[col] = above[col].clone();
                }
                _ => {
                    g.cells[col] = text.clone();
                    for a in above.iter_mut().skip(col).take(span) {
                        *a = Some(text.clone());
                    }
                }
            }
            g.spans[col] = span;
            col += span;
        }
        for s in g.spans.iter_mut().skip(col) {
            *s = 1;
        }
        out.push(g);
    }
    out
}

/// A header row's mapping, if `r` is one.
pub(super) fn header_mapping(r: &GRow, next: Option<&GRow>) -> Option<(Mapping, bool)> {
    let filled = r.non_empty();
    if filled.len() < 2 || filled.iter().any(|i| r.cells[*i].chars().count() > 100) {
        return None;
    }
    let fields: Vec<(usize, Field)> = filled
        .iter()
        .filter_map(|i| field_of_header(&r.cells[*i]).map(|f| (*i, f)))
        .collect();
    let has = |f: Field| fields.iter().any(|(_, x)| *x == f);
    let known = fields.iter().filter(|(_, f)| *f != Field::Note).count();
    if !has(Field::Text)
        || !(has(Field::Deadline) || has(Field::Responsible) || has(Field::Result))
        || known * 2 < filled.len()
    {
        return None;
    }
    let mut cols: Vec<Col> = Vec::new();
    let mut used_sub = false;
    // A second header row under spanned header cells («Ответственные» over
    // «ОО, оказывающая поддержку» | «ОО, которой оказывается поддержка»).
    // Without merged cells (text taken from a page) a header cell followed by
    // empty header cells spans them.
    let spans: Vec<usize> = if filled.iter().any(|i| r.spans[*i] > 1) {
        r.spans.clone()
    } else {
        let mut v = vec![1; r.cells.len()];
        for (k, i) in filled.iter().enumerate() {
            v[*i] = filled.get(k + 1).copied().unwrap_or(r.cells.len()) - i;
        }
        v
    };
    let sub = next.filter(|n| {
        let spanned: Vec<usize> = filled.iter().copied().filter(|i| spans[*i] > 1).collect();
        !spanned.is_empty()
            && n.non_empty().iter().all(|j| {
                spanned.iter().any(|i| *j >= *i && *j < i + spans[*i])
                    && n.cells[*j].chars().count() <= 80
            })
            && !n.non_empty().is_empty()
    });
    for (i, f) in &fields {
        let span = spans[*i].max(1);
        let header = normalize_space(&r.cells[*i]);
        match sub {
            Some(n) if span > 1 => {
                used_sub = true;
                for j in *i..(*i + span).min(r.cells.len()) {
                    let s = normalize_space(n.get(j));
                    if s.is_empty() {
                        continue;
                    }
                    let field = match (f, field_of_header(&s)) {
                        (Field::Note, Some(g)) => g,
                        _ => *f,
                    };
                    cols.push(Col {
                        idx: j,
                        field,
                        header: format!("{header}: {s}"),
                        part: Some(s),
                    });
                }
            }
            _ => cols.push(Col {
                idx: *i,
                field: *f,
                header,
                part: None,
            }),
        }
    }
    // One text column: «Мероприятие» rather than «Направление» or «Задачи»
    // (the others are kept as notes).
    let rank = |h: &str| {
        let n = norm(h);
        if n.contains("мероприят") {
            3
        } else if n.contains("содержани")
            || n.contains("наименовани")
            || n.contains("действи")
            || n.contains("работ")
        {
            2
        } else {
            1
        }
    };
    if let Some(best) = cols
        .iter()
        .filter(|c| c.field == Field::Text)
        .max_by_key(|c| (rank(&c.header), std::cmp::Reverse(c.idx)))
        .map(|c| c.idx)
    {
        for c in cols
            .iter_mut()
            .filter(|c| c.field == Field::Text && c.idx != best)
        {
            c.field = Field::Note;
        }
    }
    // One number column; further ones are notes.
    for f in [Field::Number] {
        let mut seen = false;
        for c in cols.iter_mut().filter(|c| c.field == f) {
            if seen {
                c.field = Field::Note;
            }
            seen = true;
        }
    }
    // Several responsible columns: each one's header is the part it plays.
    let n_resp = cols
        .iter()
        .filter(|c| c.field == Field::Responsible)
        .count();
    if n_resp > 1 {
        for c in cols
            .iter_mut()
            .filter(|c| c.field == Field::Responsible && c.part.is_none())
        {
            c.part = Some(c.header.clone());
        }
    }
    let mut headers = vec![norm(&r.joined())];
    if used_sub {
        if let Some(n) = next {
            headers.push(norm(&n.joined()));
        }
    }
    Some((
        Mapping {
            cols,
            width: r.cells.len(),
            headers,
            guessed: false,
        },
        used_sub,
    ))
}

/// A first column with no header that holds numbers («1.», «1.1.») is the
/// number column.
pub(super) fn complete_mapping(m: &mut Mapping, rows: &[GRow]) {
    if m.col(Field::Number).is_some() || m.cols.iter().any(|c| c.idx == 0) {
        return;
    }
    let cells: Vec<&str> = rows
        .iter()
        .map(|r| r.get(0).trim())
        .filter(|s| !s.is_empty())
        .collect();
    let numeric = cells
        .iter()
        .filter(|s| number_path(s).is_some() && s.chars().count() <= 8)
        .count();
    if !cells.is_empty() && numeric * 2 >= cells.len() {
        m.cols.insert(
            0,
            Col {
                idx: 0,
                field: Field::Number,
                header: String::new(),
                part: None,
            },
        );
    }
}

/// A row of column numbers under the header («1 | 2 | 3 | 4 | 5»).
pub(super) fn is_column_numbers(r: &GRow) -> bool {
    let filled = r.non_empty();
    filled.len() >= 3
        && filled
            .iter()
            .enumerate()
            .all(|(k, i)| r.cells[*i].trim().trim_end_matches('.') == (k + 1).to_string())
}

/// Guesses columns from content when no header row is found.
pub(super) fn guess_mapping(rows: &[GRow]) -> Option<Mapping> {
    let width = rows.iter().map(|r| r.cells.len()).max()?;
    if width < 2 || rows.len() < 2 {
        return None;
    }
    let cells = |c: usize| {
        rows.iter()
            .map(move |r| r.get(c).trim())
            .filter(|s| !s.is_empty())
    };
    let share = |c: usize, f: &dyn Fn(&str) -> bool| {
        let n = cells(c).count();
        if n == 0 {
            0.0
        } else {
            cells(c).filter(|s| f(s)).count() as f64 / n as f64
        }
    };
    let number =
        (share(0, &|s| number_path(s).is_some() && s.chars().count() <= 8) >= 0.5).then_some(0);
    let deadline = (0..width)
        .filter(|c| Some(*c) != number)
        .map(|c| {
            (
                c,
                share(c, &|s| {
                    !matches!(
                        parse_deadline(s, None).kind,
                        DeadlineKind::Text | DeadlineKind::Empty
                    )
                }),
            )
        })
        .filter(|(_, s)| *s >= 0.4)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)?;
    let avg_len = |c: usize| {
        let n = cells(c).count().max(1);
        cells(c).map(|s| s.chars().count()).sum::<usize>() as f64 / n as f64
    };
    let text = (0..width)
        .filter(|c| Some(*c) != number && *c != deadline)
        .max_by(|a, b| avg_len(*a).total_cmp(&avg_len(*b)))?;
    let mut cols = Vec::new();
    let mut push = |idx: usize, field: Field| {
        cols.push(Col {
            idx,
            field,
            header: String::new(),
            part: None,
        })
    };
    if let Some(n) = number {
        push(n, Field::Number);
    }
    push(text, Field::Text);
    push(deadline, Field::Deadline);
    let rest: Vec<usize> = (0..width)
        .filter(|c| Some(*c) != number && *c != text && *c != deadline)
        .collect();
    if let Some(first) = rest
        .iter()
        .copied()
        .find(|c| *c > deadline)
        .or(rest.first().copied())
    {
        push(first, Field::Responsible);
        if let Some(last) = rest.iter().copied().filter(|c| *c != first).max() {
            push(last, Field::Result);
        }
    }
    Some(Mapping {
        cols,
        width,
        headers: Vec::new(),
        guessed: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let cases = [
            ("№ п/п", Some(Field::Number)),
            ("№", Some(Field::Number)),
            ("Мероприятия", Some(Field::Text)),
            ("Содержание работы", Some(Field::Text)),
            ("Наименование раздела/мероприятия", Some(Field::Text)),
            ("Сроки", Some(Field::Deadline)),
            ("Срок исполнения", Some(Field::Deadline)),
            ("Ответственные", Some(Field::Responsible)),
            ("Ответственный исполнитель", Some(Field::Responsible)),
            ("Форма проведения", Some(Field::Form)),
            ("Планируемый результат", Some(Field::Result)),
            ("Ожидаемый результат", Some(Field::Result)),
            (
                "Представление результатов оценочной деятельности",
                Some(Field::Result),
            ),
            ("Примечание", Some(Field::Note)),
            ("", None),
        ];
        for (h, f) in cases {
            assert_eq!(field_of_header(h), f, "{h}");
        }
    }
}
