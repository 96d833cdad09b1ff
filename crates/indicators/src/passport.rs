//! An indicator set from a programme passport: the Word or Excel table
//! where a programme lists its targets.
//!
//! The table is found by its header: a column of names («Показатели»,
//! «Наименование показателя», «Индикатор») and a column of targets
//! («Целевое значение», «Значение», «Индикаторы» beside «Показатели»). Rows
//! with a name and no target are group rows («По оценке процессов
//! управления качеством образования»): the indicators below them belong to
//! that group. A row of column numbers («1 | 2 | 3») is skipped. A target
//! that cannot be read fails the whole import with every such row listed
//! (file, row, the text): nothing is half-read.

use crate::model::{read_target, Indicator};
use opora_plans::document::{Block, Document};

/// Why a passport could not be read, in Russian.
#[derive(Debug, thiserror::Error)]
pub enum PassportError {
    /// The file is not a readable DOCX or XLSX.
    #[error("файл «{file}»: {source}")]
    File {
        file: String,
        #[source]
        source: opora_plans::PlanError,
    },
    #[error("в файле «{0}» не найдена таблица показателей: нужны столбцы «Показатели» (или «Наименование показателя») и «Целевое значение» (или «Индикаторы»)")]
    NoTable(String),
    #[error("в таблице показателей файла «{0}» нет ни одного показателя с целевым значением")]
    Empty(String),
    /// Rows whose target could not be read; nothing was imported.
    #[error("файл «{file}»: не поняты целевые значения ({}): {}; ничего не загружено", rows.len(), rows.join("; "))]
    Targets { file: String, rows: Vec<String> },
}

/// The indicators of the passport in `bytes` (a DOCX or XLSX file named `file`).
pub fn import_passport(bytes: &[u8], file: &str) -> Result<Vec<Indicator>, PassportError> {
    let (doc, _) = opora_plans::read_document(bytes).map_err(|source| PassportError::File {
        file: file.to_string(),
        source,
    })?;
    indicators_from_document(&doc, file)
}

/// Which columns hold the name and the target, and the header's row.
struct Columns {
    header_row: usize,
    name: usize,
    target: usize,
}

fn cell_texts(row: &opora_plans::document::Row) -> Vec<String> {
    row.cells
        .iter()
        .map(|c| c.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The header among the first rows of a table.
fn find_columns(rows: &[Vec<String>]) -> Option<Columns> {
    let is = |t: &str, words: &[&str]| {
        let t = t.to_lowercase();
        words.iter().any(|w| t.contains(w))
    };
    for (r, cells) in rows.iter().enumerate().take(3) {
        let target = cells
            .iter()
            .position(|t| is(t, &["целев", "значени", "плановое"]));
        let name = cells
            .iter()
            .position(|t| is(t, &["показател", "наименование"]));
        let (name, target) = match (name, target) {
            (Some(n), Some(t)) if n != t => (n, t),
            // «Показатели» | «Индикаторы»: the indicators column holds the targets.
            (Some(n), None) => match cells
                .iter()
                .enumerate()
                .position(|(i, t)| i != n && is(t, &["индикатор"]))
            {
                Some(t) => (n, t),
                None => continue,
            },
            // «Индикатор» | «Целевое значение».
            (None, Some(t)) => match cells
                .iter()
                .enumerate()
                .position(|(i, c)| i != t && is(c, &["индикатор"]))
            {
                Some(n) => (n, t),
                None => continue,
            },
            _ => continue,
        };
        return Some(Columns {
            header_row: r,
            name,
            target,
        });
    }
    None
}

/// A row of column numbers under the header («1 | 2 | 3»).
fn is_column_numbers(cells: &[String]) -> bool {
    cells
        .iter()
        .filter(|t| !t.is_empty())
        .all(|t| t.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The indicators of the first indicator table of a document.
pub fn indicators_from_document(
    doc: &Document,
    file: &str,
) -> Result<Vec<Indicator>, PassportError> {
    for block in &doc.blocks {
        let Block::Table(t) = block else { continue };
        let rows: Vec<Vec<String>> = t.rows.iter().map(cell_texts).collect();
        let Some(cols) = find_columns(&rows) else {
            continue;
        };
        return read_rows(&rows, &cols, file);
    }
    Err(PassportError::NoTable(file.to_string()))
}

fn read_rows(
    rows: &[Vec<String>],
    cols: &Columns,
    file: &str,
) -> Result<Vec<Indicator>, PassportError> {
    let mut group = String::new();
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, cells) in rows.iter().enumerate().skip(cols.header_row + 1) {
        if cells.iter().all(|t| t.is_empty()) || is_column_numbers(cells) {
            continue;
        }
        let get = |c: usize| cells.get(c).map(String::as_str).unwrap_or("");
        let (name, target) = (get(cols.name), get(cols.target));
        // A row merged across the table, or a name without a target: a group.
        let distinct: std::collections::BTreeSet<&str> = cells
            .iter()
            .map(String::as_str)
            .filter(|t| !t.is_empty())
            .collect();
        if distinct.len() == 1 || target.is_empty() {
            group = if name.is_empty() {
                distinct
                    .into_iter()
                    .max_by_key(|t| t.chars().count())
                    .unwrap_or_default()
                    .to_string()
            } else {
                name.to_string()
            };
            continue;
        }
        if name.is_empty() {
            continue;
        }
        match read_target(target, name) {
            Ok((unit, target_value, direction)) => out.push(Indicator {
                name: name.to_string(),
                group: group.clone(),
                unit,
                target: target_value,
                direction,
                target_text: target.to_string(),
            }),
            Err(e) => bad.push(format!("строка {} («{}»): {e}", i + 1, short(name))),
        }
    }
    if !bad.is_empty() {
        return Err(PassportError::Targets {
            file: file.to_string(),
            rows: bad,
        });
    }
    if out.is_empty() {
        return Err(PassportError::Empty(file.to_string()));
    }
    Ok(out)
}

fn short(s: &str) -> String {
    let t: String = s.chars().take(50).collect();
    if s.chars().count() > 50 {
        format!("{t}…")
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Target, Unit};

    const PASSPORT: &str = "Паспорт программы\n\
Показатели\tИндикаторы\n\
По оценке процессов управления качеством образования\tПо оценке процессов управления качеством образования\n\
Доля ШНОР и ШНСУ, на сайтах которых размещена школьная программа повышения качества образования\t100%\n\
Участие в мероприятиях межрегионального уровня\tДа\n\
По учёту педагогических работников, прошедших диагностику\t\n\
Доля учителей, прошедших профессиональную диагностику/самодиагностику, от общего числа педагогов ШНОР и ШНСУ\t50 %\n\
По выявлению динамики образовательных результатов\t\n\
Доля школ, от общего числа ШНОР и ШНСУ, достигших положительной динамики в результатах ОГЭ по математике\t20%\n";

    #[test]
    fn a_two_column_passport_gives_indicators_with_their_groups() {
        let doc = Document::from_tsv_text(PASSPORT);
        let v = indicators_from_document(&doc, "паспорт.docx").unwrap();
        assert_eq!(v.len(), 4);
        assert_eq!(
            v[0].group,
            "По оценке процессов управления качеством образования"
        );
        assert_eq!(
            (v[0].unit, v[0].target.clone()),
            (Unit::Percent, Target::Number(100.0))
        );
        assert_eq!((v[1].unit, v[1].direction), (Unit::YesNo, Direction::Equal));
        assert_eq!(
            v[2].group,
            "По учёту педагогических работников, прошедших диагностику"
        );
        assert_eq!(v[2].target, Target::Number(50.0));
        assert_eq!(
            v[3].group,
            "По выявлению динамики образовательных результатов"
        );
    }

    #[test]
    fn a_three_column_passport_with_numbers_and_a_column_numbers_row() {
        let doc = Document::from_tsv_text(
            "№\tНаименование показателя\tЦелевое значение\n1\t2\t3\n1.\tКоличество проведённых семинаров\tне менее 4\n2.\tСредний балл ОГЭ по математике\t3,8\n",
        );
        let v = indicators_from_document(&doc, "п.xlsx").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(
            (v[0].unit, v[0].target.clone()),
            (Unit::Count, Target::Number(4.0))
        );
        assert_eq!(
            (v[1].unit, v[1].target.clone()),
            (Unit::Score, Target::Number(3.8))
        );
        assert_eq!(v[0].group, "");
    }

    #[test]
    fn unreadable_targets_fail_the_whole_import_naming_each_row() {
        let doc = Document::from_tsv_text(
            "Показатели\tЦелевое значение\nДоля школ\tвысокая\nДоля учителей\t50%\nУровень\tсредний\n",
        );
        let e = indicators_from_document(&doc, "п.docx").unwrap_err();
        let m = e.to_string();
        assert!(m.contains("строка 2") && m.contains("«высокая»"), "{m}");
        assert!(
            m.contains("строка 4") && m.contains("ничего не загружено"),
            "{m}"
        );
    }

    #[test]
    fn a_document_without_an_indicator_table_is_refused() {
        let doc = Document::from_tsv_text("Мероприятие\tСрок\nСеминар\tмай\n");
        assert!(matches!(
            indicators_from_document(&doc, "план.docx"),
            Err(PassportError::NoTable(_))
        ));
    }
}
