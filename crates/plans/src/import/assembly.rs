//! Assembly: the plan table found, its rows read in order, the passport
//! read, and the plan built with the importer's warnings.

use super::columns::{
    complete_mapping, field_of_header, grid, guess_mapping, header_mapping, is_column_numbers,
    norm, Field, GRow, Mapping,
};
use super::dates::{impossible_dates, ImpossibleDates};
use super::numbering::{known_section_title, numbering_warnings};
use super::passport::{
    clean_line, find_approval, find_goal_tasks, find_level, find_owner, find_title, infer_period,
    period_of_lines, period_of_title,
};
use super::rows::{fields, section_of_row, Builder, RawActivity, Reader, RowContext};
use super::ImportOptions;
use crate::deadline::{normalize_space, parse_deadline, DeadlineKind, Period};
use crate::document::{Block, Document};
use crate::model::*;
use crate::PlanError;
use std::path::Path;

fn build_activity(r: RawActivity, period: Option<&Period>) -> Activity {
    let deadline = parse_deadline(&r.deadline, period);
    let mut responsibles = Vec::new();
    let several = r.responsibles.iter().filter(|(t, _)| !t.is_empty()).count() > 1;
    let mut texts = Vec::new();
    for (t, part) in &r.responsibles {
        if t.is_empty() {
            continue;
        }
        for x in Responsible::split(t, part.as_deref()) {
            if !responsibles
                .iter()
                .any(|y: &Responsible| y.name == x.name && y.part == x.part)
            {
                responsibles.push(x);
            }
        }
        texts.push(match part {
            Some(p) if several => format!("{p}: {}", normalize_space(t)),
            _ => normalize_space(t),
        });
    }
    let result = normalize_space(&r.result);
    let mut a = Activity::new(&r.text, deadline);
    a.number = r.number;
    a.responsible_text = texts.join("; ");
    a.responsibles = responsibles;
    a.form = Some(normalize_space(&r.form)).filter(|s| !s.is_empty());
    a.result_document = DocumentType::detect(&result);
    a.result = Some(result).filter(|s| !s.is_empty());
    a.notes = r
        .notes
        .into_iter()
        .map(|(h, v)| format!("{h}: {}", normalize_space(&v)))
        .collect();
    a.source = Some(r.source);
    a
}

fn to_section(b: &mut Builder, idx: usize, period: Option<&Period>) -> Section {
    let acts = std::mem::take(&mut b.nodes[idx].activities);
    let children = b.nodes[idx].children.clone();
    let mut s = Section::new(b.nodes[idx].number.clone(), &b.nodes[idx].title);
    s.activities = acts
        .into_iter()
        .map(|a| build_activity(a, period))
        .collect();
    s.sections = children
        .into_iter()
        .map(|c| to_section(b, c, period))
        .collect();
    s
}

/// Tables of a document on the grid: (index of the table's block, rows).
type Tables = Vec<(usize, Vec<GRow>)>;

/// Where the plan table starts.
struct PlanStart {
    /// Index into the tables.
    table: usize,
    /// The header row (`usize::MAX`: no header, columns guessed).
    header_row: usize,
    mapping: Mapping,
    /// The header took a second row (sub-headers).
    sub_header: bool,
}

/// The rows of the plan, across the tables it spans.
struct PlanRows {
    rows: Vec<(GRow, Mapping)>,
    tables: usize,
    /// The block of the last plan table (text after it is read as closing lines).
    last_block: usize,
    /// The mapping in force at the end (a later table may bring its own).
    mapping: Mapping,
}

/// Turns a document into a plan. Fails only when there is no plan table.
/// Stages: find the plan table, read the text before it, collect its rows
/// (across page breaks), build the tree, read the passport around it, settle
/// the period, and add the importer's warnings.
pub fn plan_from_document(
    doc: &Document,
    opts: &ImportOptions,
    format: &str,
) -> Result<Plan, PlanError> {
    let mut info = ImportInfo {
        file: opts.file_name.clone(),
        format: format.to_string(),
        ..Default::default()
    };
    let mut tables: Tables = Vec::new();
    for (bi, b) in doc.blocks.iter().enumerate() {
        if let Block::Table(t) = b {
            let no = tables.len() + 1;
            tables.push((bi, grid(t, no)));
        }
    }
    let start = find_plan_table(&tables, &mut info)
        .ok_or_else(|| no_plan_table(&tables, &opts.file_name))?;
    info.columns = column_titles(&start.mapping);
    let first_block = tables[start.table].0;
    let mut pre = text_before(doc, first_block);
    let plan_rows = collect_rows(&tables, start, &mut pre, &mut info);
    let impossible = impossible_dates(&plan_rows.rows);
    if !impossible.is_empty() {
        return Err(ImpossibleDates {
            file: opts.file_name.clone(),
            workbook: format == "xlsx",
            cells: impossible,
        }
        .into());
    }
    let mut b = build_tree(&plan_rows.rows, &mut info);
    info.rows = plan_rows.rows.len();
    info.tables = plan_rows.tables;
    let post = text_after(doc, plan_rows.last_block);
    let mut plan = passport_plan(opts, &pre, &post, &mut info);
    plan.period = plan_period(opts, &plan.title, &pre, &b, &mut info);
    let period = plan.period.clone();
    plan.activities = std::mem::take(&mut b.top_activities)
        .into_iter()
        .map(|a| build_activity(a, period.as_ref()))
        .collect();
    plan.sections = b
        .top
        .clone()
        .into_iter()
        .map(|i| to_section(&mut b, i, period.as_ref()))
        .collect();
    if plan_rows.mapping.guessed {
        info.warnings
            .push("проверьте соответствие столбцов: заголовок таблицы не распознан".into());
    }
    info.warnings.extend(content_warnings(&plan));
    if plan.activity_count() == 0 {
        return Err(PlanError::NoTable(format!(
            "в таблице плана файла «{}» не найдено ни одного мероприятия",
            opts.file_name
        )));
    }
    plan.import = Some(info);
    Ok(plan)
}

/// The first table with a header row; without one, the largest table with
/// its columns guessed from content (said in a warning).
fn find_plan_table(tables: &Tables, info: &mut ImportInfo) -> Option<PlanStart> {
    for (ti, (_, rows)) in tables.iter().enumerate() {
        for (ri, r) in rows.iter().enumerate() {
            if let Some((mut m, sub)) = header_mapping(r, rows.get(ri + 1)) {
                complete_mapping(&mut m, &rows[ri + 1..]);
                return Some(PlanStart {
                    table: ti,
                    header_row: ri,
                    mapping: m,
                    sub_header: sub,
                });
            }
        }
    }
    let (ti, (_, rows)) = tables
        .iter()
        .enumerate()
        .filter(|(_, (_, rows))| rows.len() >= 2)
        .max_by_key(|(_, (_, rows))| rows.len())?;
    let m = guess_mapping(rows)?;
    info.warnings.push(format!(
        "заголовок таблицы («Мероприятия», «Сроки», «Ответственные» …) не найден; столбцы определены по содержимому: {}",
        m.cols.iter().map(|c| format!("{} — {}", c.idx + 1, c.field.title())).collect::<Vec<_>>().join(", ")
    ));
    Some(PlanStart {
        table: ti,
        header_row: usize::MAX,
        mapping: m,
        sub_header: false,
    })
}

fn no_plan_table(tables: &Tables, file: &str) -> PlanError {
    PlanError::NoTable(if tables.is_empty() {
        format!("в файле «{file}» нет таблиц: план мероприятий ожидается таблицей")
    } else {
        format!(
            "в файле «{file}» не найдена таблица плана: нужны столбцы «Мероприятия» (или «Содержание работы»), «Сроки», «Ответственные»"
        )
    })
}

/// (header as written, the field it was read as) for the import report.
fn column_titles(mapping: &Mapping) -> Vec<(String, String)> {
    mapping
        .cols
        .iter()
        .map(|c| {
            (
                if c.header.is_empty() {
                    format!("столбец {}", c.idx + 1)
                } else {
                    c.header.clone()
                },
                c.field.title().to_string(),
            )
        })
        .collect()
}

/// Paragraph lines before the plan table, and the cells of tables there
/// (a title block laid out as a table).
fn text_before(doc: &Document, first_block: usize) -> Vec<String> {
    let mut pre: Vec<String> = Vec::new();
    for b in &doc.blocks[..first_block] {
        match b {
            Block::Paragraph(p) => pre.extend(p.split('\n').map(clean_line)),
            Block::Table(t) => {
                for r in &t.rows {
                    for c in &r.cells {
                        pre.extend(c.text.split('\n').map(clean_line));
                    }
                }
                pre.push(String::new());
            }
        }
    }
    pre
}

/// Paragraph lines after the last plan table (signatures, owners).
fn text_after(doc: &Document, last_block: usize) -> Vec<String> {
    let mut post: Vec<String> = Vec::new();
    for blk in &doc.blocks[last_block + 1..] {
        if let Block::Paragraph(p) = blk {
            post.extend(p.split('\n').map(clean_line));
        }
    }
    post
}

/// The data rows of the plan table and of the tables that continue it
/// (its own header again, or the same columns on the next page). Title
/// lines inside the first table above its header go to `pre`.
fn collect_rows(
    tables: &Tables,
    start: PlanStart,
    pre: &mut Vec<String>,
    info: &mut ImportInfo,
) -> PlanRows {
    let mut mapping = start.mapping;
    let mut out = PlanRows {
        rows: Vec::new(),
        tables: 0,
        last_block: tables[start.table].0,
        mapping: mapping.clone(),
    };
    for (ti, (bi, rows)) in tables.iter().enumerate().skip(start.table) {
        let mut first = 0;
        if ti == start.table {
            if start.header_row != usize::MAX {
                // Rows above the header: sections («1. Результаты обучения») or title lines.
                for r in &rows[..start.header_row] {
                    let f = fields(r, &mapping, false);
                    let numbered = |(n, _): &(Option<String>, String)| n.is_some();
                    let section = section_of_row(r, &mapping, &f, None, RowContext::default())
                        .filter(|s| numbered(s) || known_section_title(&s.1));
                    if section.is_some() {
                        out.rows.push((r.clone(), mapping.clone()));
                    } else {
                        pre.push(clean_line(&r.joined()));
                    }
                }
                first = start.header_row + 1 + usize::from(start.sub_header);
            }
        } else {
            match continuation(rows, &mapping) {
                Continuation::OwnHeader(m, from) => {
                    mapping = m;
                    first = from;
                }
                Continuation::SameColumns => {}
                Continuation::OtherTable => break,
            }
        }
        out.tables += 1;
        out.last_block = *bi;
        let mut first_row = true;
        for r in &rows[first..] {
            if r.non_empty().is_empty() || !r.joined().chars().any(|c| c.is_alphanumeric()) {
                continue;
            }
            let is_header_repeat = r.repeat_header && out.rows.is_empty()
                || mapping.headers.contains(&norm(&r.joined()))
                || header_mapping(r, None).is_some();
            if is_header_repeat || is_column_numbers(r) {
                info.skipped_rows += 1;
                continue;
            }
            let mut r = r.clone();
            if first_row {
                // Marks the first data row of a table (a page break before it).
                r.repeat_header = true;
            }
            first_row = false;
            out.rows.push((r, mapping.clone()));
        }
    }
    out.mapping = mapping;
    out
}

/// What a table after the plan table is.
enum Continuation {
    /// It has its own plan header: its mapping and the first data row.
    OwnHeader(Mapping, usize),
    /// The plan table on the next page: the same columns, or deadlines in
    /// the deadline column.
    SameColumns,
    /// Another table («№ | Показатель | Значение»): the plan has ended.
    OtherTable,
}

fn continuation(rows: &[GRow], mapping: &Mapping) -> Continuation {
    let own = rows
        .iter()
        .enumerate()
        .take(5)
        .find_map(|(ri, r)| header_mapping(r, rows.get(ri + 1)).map(|(m, s)| (ri, m, s)));
    if let Some((ri, mut m, s)) = own {
        complete_mapping(&mut m, &rows[ri + 1..]);
        return Continuation::OwnHeader(m, ri + 1 + usize::from(s));
    }
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let dl = mapping.col(Field::Deadline);
    let cells: Vec<&str> = rows
        .iter()
        .filter_map(|r| dl.map(|c| r.get(c)))
        .filter(|s| !s.trim().is_empty())
        .collect();
    let dated = cells
        .iter()
        .filter(|s| {
            !matches!(
                parse_deadline(s, None).kind,
                DeadlineKind::Text | DeadlineKind::Empty
            )
        })
        .count();
    let same = width == mapping.width;
    let fits = width > mapping.col(Field::Text).unwrap_or(0)
        && !cells.is_empty()
        && dated * 2 >= cells.len();
    let other_header = rows.iter().take(2).any(|r| {
        let f = r.non_empty();
        f.len() >= 2
            && f.iter().all(|i| r.cells[*i].chars().count() <= 60)
            && f.iter()
                .any(|i| field_of_header(&r.cells[*i]) == Some(Field::Number))
    });
    if (same || fits) && !other_header {
        Continuation::SameColumns
    } else {
        Continuation::OtherTable
    }
}

/// Rows to the section tree, with a look ahead at the next number for «1.» over «1.1.».
fn build_tree(data_rows: &[(GRow, Mapping)], info: &mut ImportInfo) -> Builder {
    let numbers: Vec<String> = data_rows
        .iter()
        .map(|(r, m)| {
            m.col(Field::Number)
                .map(|c| r.get(c).trim().to_string())
                .unwrap_or_default()
        })
        .collect();
    let mut reader = Reader {
        b: Builder::default(),
        info,
        table_started: false,
        last_number: None,
    };
    for (k, (r, m)) in data_rows.iter().enumerate() {
        let next = numbers[k + 1..]
            .iter()
            .find(|n| !n.is_empty())
            .map(|s| s.as_str());
        reader.table_started = r.repeat_header;
        reader.row(r, m, next);
    }
    std::mem::take(&mut reader.b)
}

/// The plan's passport from the text around the table: title, goal and
/// tasks, approval, owner, level and status (no activities yet).
fn passport_plan(
    opts: &ImportOptions,
    pre: &[String],
    post: &[String],
    info: &mut ImportInfo,
) -> Plan {
    let title = opts
        .title
        .clone()
        .or_else(|| find_title(pre))
        .unwrap_or_else(|| {
            info.warnings
                .push("название плана не найдено в тексте перед таблицей; взято имя файла".into());
            Path::new(&opts.file_name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "План мероприятий".into())
        });
    let (goal, tasks) = find_goal_tasks(pre);
    let approval = find_approval(pre);
    let owner = opts
        .owner
        .clone()
        .unwrap_or_else(|| find_owner(pre, post, approval.as_ref()));
    let level = opts
        .level
        .unwrap_or_else(|| find_level(&owner, &title, approval.as_ref()));
    let status = if approval
        .as_ref()
        .is_some_and(|a| a.date.is_some() || a.number.is_some())
    {
        PlanStatus::Approved
    } else {
        PlanStatus::Draft
    };
    let mut plan = Plan::new(level, &title);
    plan.owner = owner;
    plan.goal = goal;
    plan.tasks = tasks;
    plan.approval = approval;
    plan.status = status;
    plan
}

/// The period: given, written in the title or the text before the table,
/// or inferred from the deadlines (said in a warning either way).
fn plan_period(
    opts: &ImportOptions,
    title: &str,
    pre: &[String],
    b: &Builder,
    info: &mut ImportInfo,
) -> Option<Period> {
    if let Some(p) = opts.period.clone() {
        return Some(p);
    }
    if let Some(p) = period_of_title(title).or_else(|| period_of_lines(pre)) {
        return Some(p);
    }
    let deadlines: Vec<&str> = b
        .top_activities
        .iter()
        .chain(b.nodes.iter().flat_map(|n| n.activities.iter()))
        .map(|a| a.deadline.as_str())
        .collect();
    let p = infer_period(&deadlines);
    match &p {
        Some(p) => info.warnings.push(format!(
            "период плана в названии не указан; по срокам мероприятий это {} — месяцы без года отнесены к нему",
            p.text
        )),
        None => info.warnings.push(
            "период плана не найден: месяцы без года оставлены без дат; укажите период (например, --period 2022-2023)".into(),
        ),
    }
    p
}

/// Warnings about what was read: deadlines left as text, activities
/// without text, numbering that skips or repeats.
fn content_warnings(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let unparsed: Vec<String> = plan
        .all_activities()
        .iter()
        .filter(|l| l.activity.deadline.kind == DeadlineKind::Text)
        .map(|l| {
            format!(
                "{}«{}»",
                l.activity
                    .number
                    .as_ref()
                    .map(|n| format!("{n} "))
                    .unwrap_or_default(),
                l.activity.deadline.text
            )
        })
        .collect();
    if !unparsed.is_empty() {
        out.push(format!(
            "сроки без дат сохранены текстом ({}): {}",
            unparsed.len(),
            unparsed.join("; ")
        ));
    }
    let empty_text = plan
        .all_activities()
        .iter()
        .filter(|l| l.activity.text.is_empty())
        .count();
    if empty_text > 0 {
        out.push(format!(
            "мероприятий без текста: {empty_text} (проверьте таблицу)"
        ));
    }
    out.extend(numbering_warnings(plan));
    out
}
