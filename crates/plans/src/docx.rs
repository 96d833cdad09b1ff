//! Reading Word documents (DOCX): the body's paragraphs and tables in order,
//! with merged cells (`gridSpan`, `vMerge`), repeated header rows and
//! automatic list numbering (a «№ п/п» column numbered by Word has no text of
//! its own: the number is computed from `numbering.xml` as Word shows it).

use crate::document::{Block, Cell, Document, Row, Table, VMerge};
use crate::PlanError;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::Read;

/// The largest XML part read (a plan is kilobytes; this guards against zip bombs).
const MAX_PART: u64 = 64 << 20;

fn part(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, PlanError> {
    let Ok(f) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut s = String::new();
    f.take(MAX_PART)
        .read_to_string(&mut s)
        .map_err(|e| PlanError::Format(format!("часть «{name}» не читается: {e}")))?;
    Ok(Some(s))
}

/// Reads a DOCX file's main document.
pub fn read_docx(bytes: &[u8]) -> Result<Document, PlanError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(PlanError::Format(
            "это файл Word старого формата (DOC); откройте его в Word или LibreOffice и сохраните как DOCX".into(),
        ));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        PlanError::Format(format!(
            "файл не является документом DOCX (архив не читается: {e})"
        ))
    })?;
    let doc_name = part(&mut zip, "[Content_Types].xml")?
        .and_then(|ct| main_part_name(&ct))
        .unwrap_or_else(|| "word/document.xml".to_string());
    let xml = part(&mut zip, &doc_name)?.ok_or_else(|| {
        PlanError::Format(
            "в файле нет основной части документа (word/document.xml): это не DOCX".into(),
        )
    })?;
    let mut numbering = match part(&mut zip, "word/numbering.xml")? {
        Some(n) => Numbering::parse(&n),
        None => Numbering::default(),
    };
    if let Some(styles) = part(&mut zip, "word/styles.xml")? {
        numbering.style_numbers = style_numbers(&styles);
    }
    parse_document_xml(&xml, &mut numbering)
}

fn main_part_name(content_types: &str) -> Option<String> {
    let mut r = Reader::from_str(content_types);
    loop {
        match r.read_event() {
            Ok(Event::Empty(e) | Event::Start(e)) if local(e.name().0) == "Override" => {
                let ct = attr(&e, "ContentType")?;
                if ct.contains("wordprocessingml.document.main")
                    || ct.contains("wordprocessingml.template.main")
                {
                    return attr(&e, "PartName").map(|p| p.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| local(a.key.0) == name)
        .map(|a| unescape(&a.value))
}

/// Resolves `&amp;`, `&lt;`, … and `&#NNN;` in an attribute value.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        match after.find(';') {
            Some(end) if end <= 10 => {
                let name = &after[..end];
                let c = if let Some(num) =
                    name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
                {
                    u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
                } else if let Some(num) = name.strip_prefix('#') {
                    num.parse::<u32>().ok().and_then(char::from_u32)
                } else {
                    entity(name)
                };
                match c {
                    Some(c) => out.push(c),
                    None => out.push_str(&rest[pos..pos + end + 2]),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// One level of a list definition.
#[derive(Clone, Debug, Default)]
struct Level {
    start: i64,
    fmt: String,
    text: String,
}

/// List definitions and the running counters of each list.
#[derive(Default)]
struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, level → start override)
    nums: HashMap<String, (String, HashMap<usize, i64>)>,
    counters: HashMap<String, [Option<i64>; 9]>,
    overridden: std::collections::HashSet<String>,
    /// Paragraph style id → (numId, level) for styles that number their paragraphs.
    style_numbers: HashMap<String, (String, usize)>,
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        let mut r = Reader::from_str(xml);
        let mut cur_abstract: Option<String> = None;
        let mut cur_level: Option<usize> = None;
        let mut cur_num: Option<String> = None;
        let mut cur_override: Option<usize> = None;
        while let Ok(ev) = r.read_event() {
            match ev {
                Event::Start(e) | Event::Empty(e) => {
                    let name = local(e.name().0).to_string();
                    match name.as_str() {
                        "abstractNum" => {
                            let id = attr(&e, "abstractNumId").unwrap_or_default();
                            n.abstracts
                                .entry(id.clone())
                                .or_insert_with(|| vec![Level::default(); 9]);
                            cur_abstract = Some(id);
                        }
                        "lvl" if cur_abstract.is_some() => {
                            cur_level = attr(&e, "ilvl")
                                .and_then(|v| v.parse().ok())
                                .filter(|l: &usize| *l < 9);
                            if let (Some(a), Some(l)) = (&cur_abstract, cur_level) {
                                if let Some(levels) = n.abstracts.get_mut(a) {
                                    levels[l] = Level {
                                        start: 1,
                                        fmt: "decimal".into(),
                                        text: format!("%{}.", l + 1),
                                    };
                                }
                            }
                        }
                        "start" | "numFmt" | "lvlText" => {
                            let v = attr(&e, "val").unwrap_or_default();
                            if let (Some(a), Some(l)) = (&cur_abstract, cur_level) {
                                if let Some(level) =
                                    n.abstracts.get_mut(a).and_then(|ls| ls.get_mut(l))
                                {
                                    match name.as_str() {
                                        "start" => level.start = v.parse().unwrap_or(1),
                                        "numFmt" => level.fmt = v,
                                        _ => level.text = v,
                                    }
                                }
                            }
                        }
                        "num" => {
                            let id = attr(&e, "numId").unwrap_or_default();
                            n.nums
                                .entry(id.clone())
                                .or_insert_with(|| (String::new(), HashMap::new()));
                            cur_num = Some(id);
                        }
                        "abstractNumId" => {
                            if let Some(id) = &cur_num {
                                let v = attr(&e, "val").unwrap_or_default();
                                if let Some(entry) = n.nums.get_mut(id) {
                                    entry.0 = v;
                                }
                            }
                        }
                        "lvlOverride" => {
                            cur_override = attr(&e, "ilvl").and_then(|v| v.parse().ok())
                        }
                        "startOverride" => {
                            if let (Some(id), Some(l)) = (&cur_num, cur_override) {
                                let v = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(1);
                                if let Some(entry) = n.nums.get_mut(id) {
                                    entry.1.insert(l, v);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match local(e.name().0) {
                    "abstractNum" => cur_abstract = None,
                    "lvl" => cur_level = None,
                    "num" => cur_num = None,
                    "lvlOverride" => cur_override = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        n
    }

    /// The label Word shows for the next paragraph of list `num_id` at `level`.
    fn next_label(&mut self, num_id: &str, level: usize) -> String {
        let Some((abstract_id, overrides)) = self.nums.get(num_id).cloned() else {
            return String::new();
        };
        let Some(levels) = self.abstracts.get(&abstract_id).cloned() else {
            return String::new();
        };
        let level = level.min(8);
        let counters = self
            .counters
            .entry(abstract_id.clone())
            .or_insert([None; 9]);
        if !overrides.is_empty() && self.overridden.insert(num_id.to_string()) {
            for (l, v) in &overrides {
                if *l < 9 {
                    counters[*l] = Some(v - 1);
                }
            }
        }
        let start = |l: usize| levels.get(l).map(|x| x.start).unwrap_or(1);
        counters[level] = Some(counters[level].map_or(start(level), |c| c + 1));
        for c in counters.iter_mut().skip(level + 1) {
            *c = None;
        }
        let def = &levels[level];
        if def.fmt == "bullet" {
            return "•".into();
        }
        if def.fmt == "none" {
            return String::new();
        }
        let mut label = def.text.clone();
        for l in (0..=level).rev() {
            let value = counters[l].unwrap_or(start(l));
            let fmt = if l == level {
                def.fmt.as_str()
            } else {
                levels[l].fmt.as_str()
            };
            label = label.replace(&format!("%{}", l + 1), &format_number(value, fmt));
        }
        label
    }
}

fn format_number(v: i64, fmt: &str) -> String {
    match fmt {
        "upperRoman" => roman(v),
        "lowerRoman" => roman(v).to_lowercase(),
        "upperLetter" => letter(v, 'A', 26),
        "lowerLetter" => letter(v, 'a', 26),
        "russianUpper" => russian_letter(v).to_uppercase(),
        "russianLower" => russian_letter(v),
        "decimalZero" => format!("{v:02}"),
        _ => v.to_string(),
    }
}

fn roman(mut v: i64) -> String {
    if v <= 0 || v > 3999 {
        return v.to_string();
    }
    let table = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (n, r) in table {
        while v >= n {
            s.push_str(r);
            v -= n;
        }
    }
    s
}

fn letter(v: i64, base: char, n: i64) -> String {
    if v <= 0 {
        return v.to_string();
    }
    let c = char::from_u32(base as u32 + ((v - 1) % n) as u32).unwrap_or(base);
    c.to_string().repeat(((v - 1) / n + 1) as usize)
}

fn russian_letter(v: i64) -> String {
    const LETTERS: &str = "абвгдежзиклмнопрстуфхцчшщэюя";
    let letters: Vec<char> = LETTERS.chars().collect();
    if v <= 0 {
        return v.to_string();
    }
    let i = ((v - 1) % letters.len() as i64) as usize;
    letters[i]
        .to_string()
        .repeat(((v - 1) / letters.len() as i64 + 1) as usize)
}

fn style_numbers(xml: &str) -> HashMap<String, (String, usize)> {
    let mut out = HashMap::new();
    let mut r = Reader::from_str(xml);
    let mut style: Option<String> = None;
    let mut num: Option<String> = None;
    let mut level = 0usize;
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => match local(e.name().0) {
                "style" => {
                    style = attr(&e, "styleId");
                    num = None;
                    level = 0;
                }
                "numId" => num = attr(&e, "val"),
                "ilvl" => level = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0),
                _ => {}
            },
            Ok(Event::End(e)) if local(e.name().0) == "style" => {
                if let (Some(s), Some(n)) = (style.take(), num.take()) {
                    if n != "0" {
                        out.insert(s, (n, level));
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    num_id: Option<String>,
    level: usize,
    style: Option<String>,
}

struct CellBuf {
    paras: Vec<String>,
    span: usize,
    vmerge: VMerge,
}

fn parse_document_xml(xml: &str, numbering: &mut Numbering) -> Result<Document, PlanError> {
    let mut r = Reader::from_str(xml);
    let mut blocks = Vec::new();
    // Tables being read (nested tables are flattened into the outer cell).
    let mut tables: Vec<Table> = Vec::new();
    let mut row: Option<Row> = None;
    let mut grid_before = 0usize;
    let mut cell: Option<CellBuf> = None;
    let mut para_depth = 0usize;
    let mut para = Para::default();
    let mut in_text = false;
    let mut skip_depth = 0usize; // inside mc:Fallback or w:del
    let mut in_ppr = false;
    let mut nested_rows: Vec<String> = Vec::new();

    loop {
        let ev = r
            .read_event()
            .map_err(|e| PlanError::Format(format!("документ DOCX повреждён (XML): {e}")))?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => {
                let name = local(e.name().0);
                if skip_depth > 0 {
                    skip_depth += 1;
                    continue;
                }
                match name {
                    "Fallback" | "del" | "moveFrom" => skip_depth = 1,
                    "tbl" => {
                        if tables.len() == 1 && cell.is_some() {
                            nested_rows.clear();
                        }
                        tables.push(Table::default());
                    }
                    "tr" if tables.len() == 1 => {
                        row = Some(Row::default());
                        grid_before = 0;
                    }
                    "tc" if tables.len() == 1 => {
                        cell = Some(CellBuf {
                            paras: Vec::new(),
                            span: 1,
                            vmerge: VMerge::None,
                        })
                    }
                    "p" => {
                        if para_depth == 0 {
                            para = Para::default();
                        } else {
                            para.text.push('\n');
                        }
                        para_depth += 1;
                    }
                    "pPr" => in_ppr = true,
                    "t" => in_text = true,
                    "vMerge" => set_vmerge(&mut cell, &e, tables.len()),
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip_depth > 0 {
                    continue;
                }
                match local(e.name().0) {
                    "tab" if para_depth > 0 && !in_ppr => para.text.push('\t'),
                    "br" | "cr" if para_depth > 0 => para.text.push('\n'),
                    "noBreakHyphen" if para_depth > 0 => para.text.push('-'),
                    "numId" if in_ppr => para.num_id = attr(&e, "val"),
                    "ilvl" if in_ppr => {
                        para.level = attr(&e, "val").and_then(|v| v.parse().ok()).unwrap_or(0)
                    }
                    "pStyle" if in_ppr => para.style = attr(&e, "val"),
                    "gridSpan" if tables.len() == 1 => {
                        if let Some(c) = cell.as_mut() {
                            c.span = attr(&e, "val")
                                .and_then(|v| v.parse().ok())
                                .filter(|s: &usize| *s >= 1 && *s <= 64)
                                .unwrap_or(1);
                        }
                    }
                    "gridBefore" if tables.len() == 1 => {
                        grid_before = attr(&e, "val")
                            .and_then(|v| v.parse().ok())
                            .filter(|s: &usize| *s <= 64)
                            .unwrap_or(0);
                    }
                    "vMerge" => set_vmerge(&mut cell, &e, tables.len()),
                    "tblHeader" if tables.len() == 1 => {
                        let on = attr(&e, "val")
                            .map(|v| v != "0" && v != "false")
                            .unwrap_or(true);
                        if let Some(rw) = row.as_mut() {
                            rw.repeat_header = on;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if skip_depth == 0 && in_text && para_depth > 0 => {
                para.text.push_str(&t.xml10_content());
            }
            Event::CData(t) if skip_depth == 0 && in_text && para_depth > 0 => {
                para.text.push_str(&t.xml10_content());
            }
            Event::GeneralRef(g) if skip_depth == 0 && in_text && para_depth > 0 => {
                let c = match g.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => entity(&g),
                };
                if let Some(c) = c {
                    para.text.push(c);
                }
            }
            Event::End(e) => {
                let name = local(e.name().0);
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match name {
                    "t" => in_text = false,
                    "pPr" => in_ppr = false,
                    "p" => {
                        para_depth = para_depth.saturating_sub(1);
                        if para_depth == 0 {
                            let mut text = std::mem::take(&mut para.text);
                            let num = para.num_id.clone().map(|n| (n, para.level)).or_else(|| {
                                para.style
                                    .as_ref()
                                    .and_then(|s| numbering.style_numbers.get(s).cloned())
                            });
                            if let Some((num_id, level)) = num.filter(|(n, _)| n != "0") {
                                let label = numbering.next_label(&num_id, level);
                                if !label.is_empty() {
                                    text = if text.trim().is_empty() {
                                        label
                                    } else {
                                        format!("{label} {}", text.trim_start())
                                    };
                                }
                            }
                            if tables.len() >= 2 {
                                nested_rows.push(text);
                            } else if let Some(c) = cell.as_mut() {
                                c.paras.push(text);
                            } else if tables.is_empty() {
                                blocks.push(Block::Paragraph(text));
                            }
                        }
                    }
                    "tc" if tables.len() >= 2 => {
                        // A nested table's cell: its paragraphs become lines of the outer cell.
                    }
                    "tc" => {
                        if let (Some(c), Some(rw)) = (cell.take(), row.as_mut()) {
                            let text = c.paras.join("\n");
                            rw.cells.push(Cell {
                                text: text.trim_end_matches('\n').to_string(),
                                span: c.span,
                                vmerge: c.vmerge,
                            });
                        }
                    }
                    "tr" if tables.len() == 1 => {
                        if let Some(mut rw) = row.take() {
                            if grid_before > 0 {
                                rw.cells.insert(
                                    0,
                                    Cell {
                                        text: String::new(),
                                        span: grid_before,
                                        vmerge: VMerge::None,
                                    },
                                );
                            }
                            if let Some(t) = tables.last_mut() {
                                t.rows.push(rw);
                            }
                        }
                    }
                    "tbl" => {
                        if let Some(t) = tables.pop() {
                            if tables.is_empty() {
                                blocks.push(Block::Table(t));
                            } else if tables.len() == 1 {
                                if let Some(c) = cell.as_mut() {
                                    c.paras.append(&mut nested_rows);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(Document { blocks })
}

fn set_vmerge(cell: &mut Option<CellBuf>, e: &quick_xml::events::BytesStart, depth: usize) {
    if depth != 1 {
        return;
    }
    if let Some(c) = cell.as_mut() {
        c.vmerge = match attr(e, "val").as_deref() {
            Some("restart") => VMerge::Restart,
            _ => VMerge::Continue,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(roman(14), "XIV");
        assert_eq!(format_number(3, "lowerLetter"), "c");
        assert_eq!(format_number(2, "russianLower"), "б");
        let xml = r#"<w:numbering xmlns:w="x"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;
        let mut n = Numbering::parse(xml);
        assert_eq!(n.next_label("5", 0), "1.");
        assert_eq!(n.next_label("5", 1), "1.1.");
        assert_eq!(n.next_label("5", 1), "1.2.");
        assert_eq!(n.next_label("5", 0), "2.");
        assert_eq!(n.next_label("5", 1), "2.1.");
        assert_eq!(n.next_label("9", 0), "");
    }

    #[test]
    fn body() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>Дорожная карта</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> A &amp; B &#1071;</w:t></w:r></w:p>
<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:p><w:r><w:t>№</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p/></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc><w:tc><w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><w:r><w:t>kept</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>
<w:p><mc:AlternateContent xmlns:mc="m"><mc:Choice><w:r><w:t>choice</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>fallback</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>
</w:body></w:document>"#;
        let doc = parse_document_xml(xml, &mut Numbering::default()).unwrap();
        assert_eq!(doc.blocks.len(), 3);
        assert_eq!(
            doc.blocks[0],
            Block::Paragraph("Дорожная карта\t A & B Я".into())
        );
        let Block::Table(t) = &doc.blocks[1] else {
            panic!()
        };
        assert!(t.rows[0].repeat_header);
        assert_eq!(t.rows[0].cells[1].span, 2);
        assert_eq!(t.rows[0].cells[1].text, "a\nb");
        assert_eq!(t.rows[1].cells[0].vmerge, VMerge::Restart);
        assert_eq!(t.rows[1].cells[1].text, "inner");
        assert_eq!(t.rows[1].cells[2].text, "kept");
        assert_eq!(t.rows[2].cells[0].vmerge, VMerge::Continue);
        assert_eq!(t.columns(), 3);
        assert_eq!(doc.blocks[2], Block::Paragraph("choice".into()));
    }
}
