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

/// Turns a document into a plan. Fails only when there is no plan table.
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
    // Tables on the grid.
    let mut tables: Vec<(usize, Vec<GRow>)> = Vec::new(); // (block index, rows)
    for (bi, b) in doc.blocks.iter().enumerate() {
        if let Block::Table(t) = b {
            let no = tables.len() + 1;
            tables.push((bi, grid(t, no)));
        }
    }
    // The first table with a header row starts the plan.
    let mut first: Option<(usize, usize, Mapping, bool)> = None; // (table, row, mapping, sub-header used)
    'find: for (ti, (_, rows)) in tables.iter().enumerate() {
        for (ri, r) in rows.iter().enumerate() {
            if let Some((mut m, sub)) = header_mapping(r, rows.get(ri + 1)) {
                complete_mapping(&mut m, &rows[ri + 1..]);
                first = Some((ti, ri, m, sub));
                break 'find;
            }
        }
    }
    if first.is_none() {
        // No header: the largest table, columns guessed from content.
        let best = tables
            .iter()
            .enumerate()
            .filter(|(_, (_, rows))| rows.len() >= 2)
            .max_by_key(|(_, (_, rows))| rows.len());
        if let Some((ti, (_, rows))) = best {
            if let Some(m) = guess_mapping(rows) {
                info.warnings.push(format!(
                    "заголовок таблицы («Мероприятия», «Сроки», «Ответственные» …) не найден; столбцы определены по содержимому: {}",
                    m.cols.iter().map(|c| format!("{} — {}", c.idx + 1, c.field.title())).collect::<Vec<_>>().join(", ")
                ));
                first = Some((ti, usize::MAX, m, false));
            }
        }
    }
    let Some((first_table, header_row, mut mapping, sub_used)) = first else {
        return Err(PlanError::NoTable(if tables.is_empty() {
            format!(
                "в файле «{}» нет таблиц: план мероприятий ожидается таблицей",
                opts.file_name
            )
        } else {
            format!(
                "в файле «{}» не найдена таблица плана: нужны столбцы «Мероприятия» (или «Содержание работы»), «Сроки», «Ответственные»",
                opts.file_name
            )
        }));
    };
    info.columns = mapping
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
        .collect();

    // Paragraph lines before the plan table (and title rows inside it), and after.
    let mut pre: Vec<String> = Vec::new();
    let first_block = tables[first_table].0;
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

    let mut reader = Reader {
        b: Builder::default(),
        info: &mut info,
        table_started: false,
        last_number: None,
    };
    let mut plan_tables = 0;
    let mut last_plan_block = first_block;
    let mut data_rows: Vec<(GRow, Mapping)> = Vec::new();
    for (ti, (bi, rows)) in tables.iter().enumerate().skip(first_table) {
        let mut start = 0;
        if ti == first_table {
            if header_row != usize::MAX {
                // Rows above the header: sections («1. Результаты обучения») or title lines.
                for r in &rows[..header_row] {
                    let f = fields(r, &mapping, false);
                    let numbered = |(n, _): &(Option<String>, String)| n.is_some();
                    let section = section_of_row(r, &mapping, &f, None, RowContext::default())
                        .filter(|s| numbered(s) || known_section_title(&s.1));
                    if section.is_some() {
                        data_rows.push((r.clone(), mapping.clone()));
                    } else {
                        pre.push(clean_line(&r.joined()));
                    }
                }
                start = header_row + 1 + usize::from(sub_used);
            }
        } else {
            // A later table: its own header, or a continuation of the plan
            // table on the next page (same columns, or deadlines in the deadline column).
            let own =
                rows.iter().enumerate().take(5).find_map(|(ri, r)| {
                    header_mapping(r, rows.get(ri + 1)).map(|(m, s)| (ri, m, s))
                });
            match own {
                Some((ri, mut m, s)) => {
                    complete_mapping(&mut m, &rows[ri + 1..]);
                    mapping = m;
                    start = ri + 1 + usize::from(s);
                }
                None => {
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
                    // A header of another kind («№ | Показатель | Значение»): another table.
                    let other_header = rows.iter().take(2).any(|r| {
                        let f = r.non_empty();
                        f.len() >= 2
                            && f.iter().all(|i| r.cells[*i].chars().count() <= 60)
                            && f.iter()
                                .any(|i| field_of_header(&r.cells[*i]) == Some(Field::Number))
                    });
                    if !(same || fits) || other_header {
                        break;
                    }
                }
            }
        }
        plan_tables += 1;
        last_plan_block = *bi;
        let mut first_row = true;
        for r in &rows[start..] {
            if r.non_empty().is_empty() || !r.joined().chars().any(|c| c.is_alphanumeric()) {
                continue;
            }
            let is_header_repeat = r.repeat_header && data_rows.is_empty()
                || mapping.headers.contains(&norm(&r.joined()))
                || header_mapping(r, None).is_some();
            if is_header_repeat || is_column_numbers(r) {
                reader.info.skipped_rows += 1;
                continue;
            }
            let mut r = r.clone();
            if first_row {
                // Marks the first data row of a table (a page break before it).
                r.repeat_header = true;
            }
            first_row = false;
            data_rows.push((r, mapping.clone()));
        }
    }
    let impossible = impossible_dates(&data_rows);
    if !impossible.is_empty() {
        return Err(ImpossibleDates {
            file: opts.file_name.clone(),
            workbook: format == "xlsx",
            cells: impossible,
        }
        .into());
    }
    // Rows to the tree, with a look ahead at the next number for «1.» over «1.1.».
    let numbers: Vec<String> = data_rows
        .iter()
        .map(|(r, m)| {
            m.col(Field::Number)
                .map(|c| r.get(c).trim().to_string())
                .unwrap_or_default()
        })
        .collect();
    for (k, (r, m)) in data_rows.iter().enumerate() {
        let next = numbers[k + 1..]
            .iter()
            .find(|n| !n.is_empty())
            .map(|s| s.as_str());
        reader.table_started = r.repeat_header;
        reader.row(r, m, next);
    }
    reader.info.rows = data_rows.len();
    reader.info.tables = plan_tables;
    let mut b = std::mem::take(&mut reader.b);

    let mut post: Vec<String> = Vec::new();
    for blk in &doc.blocks[last_plan_block + 1..] {
        if let Block::Paragraph(p) = blk {
            post.extend(p.split('\n').map(clean_line));
        }
    }

    // Text around the table.
    let title = opts
        .title
        .clone()
        .or_else(|| find_title(&pre))
        .unwrap_or_else(|| {
            info.warnings
                .push("название плана не найдено в тексте перед таблицей; взято имя файла".into());
            Path::new(&opts.file_name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "План мероприятий".into())
        });
    let (goal, tasks) = find_goal_tasks(&pre);
    let approval = find_approval(&pre);
    let owner = opts
        .owner
        .clone()
        .unwrap_or_else(|| find_owner(&pre, &post, approval.as_ref()));
    let level = opts
        .level
        .unwrap_or_else(|| find_level(&owner, &title, approval.as_ref()));

    // The period: given, written in the title, or inferred from the deadlines.
    let raw_deadlines: Vec<String> = {
        let mut v: Vec<String> = b
            .top_activities
            .iter()
            .map(|a| a.deadline.clone())
            .collect();
        v.extend(
            b.nodes
                .iter()
                .flat_map(|n| n.activities.iter().map(|a| a.deadline.clone())),
        );
        v
    };
    let period = match opts.period.clone() {
        Some(p) => Some(p),
        None => match period_of_title(&title).or_else(|| period_of_lines(&pre)) {
            Some(p) => Some(p),
            None => {
                let refs: Vec<&str> = raw_deadlines.iter().map(|s| s.as_str()).collect();
                let p = infer_period(&refs);
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
        },
    };

    let activities = std::mem::take(&mut b.top_activities)
        .into_iter()
        .map(|a| build_activity(a, period.as_ref()))
        .collect();
    let sections = b
        .top
        .clone()
        .into_iter()
        .map(|i| to_section(&mut b, i, period.as_ref()))
        .collect();
    let status = if approval
        .as_ref()
        .is_some_and(|a| a.date.is_some() || a.number.is_some())
    {
        PlanStatus::Approved
    } else {
        PlanStatus::Draft
    };
    let mut plan = Plan {
        id: None,
        level,
        owner,
        title,
        period,
        goal,
        tasks,
        approval,
        status,
        activities,
        sections,
        import: None,
    };

    if mapping.guessed {
        info.warnings
            .push("проверьте соответствие столбцов: заголовок таблицы не распознан".into());
    }
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
        info.warnings.push(format!(
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
        info.warnings.push(format!(
            "мероприятий без текста: {empty_text} (проверьте таблицу)"
        ));
    }
    info.warnings.extend(numbering_warnings(&plan));
    if plan.activity_count() == 0 {
        return Err(PlanError::NoTable(format!(
            "в таблице плана файла «{}» не найдено ни одного мероприятия",
            opts.file_name
        )));
    }
    plan.import = Some(info);
    Ok(plan)
}
