//! A small DOCX writer: headings, paragraphs and bordered tables with a bold
//! header row repeated on every page — what reports need, in a file that
//! Word and LibreOffice open. Landscape A4, Times New Roman.

use crate::report::{QuarterReport, DETAIL_HEADER, SUMMARY_HEADER};
use std::io::Write;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Text for XML: the five escapes, and characters XML 1.0 forbids dropped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 does not allow.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Runs of `text` (a line break for each `\n`), bold and sized as asked.
pub fn runs(text: &str, bold: bool, size_half_points: Option<u32>) -> String {
    let mut rpr = String::new();
    if bold {
        rpr.push_str("<w:b/>");
    }
    if let Some(s) = size_half_points {
        rpr.push_str(&format!("<w:sz w:val=\"{s}\"/>"));
    }
    let rpr = if rpr.is_empty() {
        String::new()
    } else {
        format!("<w:rPr>{rpr}</w:rPr>")
    };
    text.split('\n')
        .enumerate()
        .map(|(i, line)| {
            let br = if i > 0 { "<w:br/>" } else { "" };
            format!(
                "<w:r>{rpr}{br}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
                esc(line)
            )
        })
        .collect()
}

/// A document being built.
#[derive(Default)]
pub struct DocxBuilder {
    body: String,
}

impl DocxBuilder {
    pub fn new() -> DocxBuilder {
        DocxBuilder::default()
    }

    pub fn heading(&mut self, text: &str) -> &mut Self {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:jc w:val=\"center\"/><w:spacing w:after=\"120\"/></w:pPr>{}</w:p>",
            runs(text, true, Some(28))
        ));
        self
    }

    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:spacing w:after=\"120\"/></w:pPr>{}</w:p>",
            runs(text, false, None)
        ));
        self
    }

    pub fn bold_paragraph(&mut self, text: &str) -> &mut Self {
        self.body.push_str(&format!(
            "<w:p><w:pPr><w:spacing w:before=\"240\" w:after=\"120\"/></w:pPr>{}</w:p>",
            runs(text, true, None)
        ));
        self
    }

    /// A table; `widths` in twentieths of a point, one per column.
    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>], widths: &[u32]) -> &mut Self {
        let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"]
            .iter()
            .map(|s| {
                format!("<w:{s} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>")
            })
            .collect();
        let total: u32 = widths.iter().sum();
        let grid: String = widths
            .iter()
            .map(|w| format!("<w:gridCol w:w=\"{w}\"/>"))
            .collect();
        let cell = |text: &str, w: u32, bold: bool| {
            format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr><w:p>{}</w:p></w:tc>",
                runs(text, bold, Some(20))
            )
        };
        let mut t = format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>\
             <w:tblCellMar><w:left w:w=\"60\" w:type=\"dxa\"/><w:right w:w=\"60\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
        );
        t.push_str("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
        for (i, h) in header.iter().enumerate() {
            t.push_str(&cell(h, widths.get(i).copied().unwrap_or(1000), true));
        }
        t.push_str("</w:tr>");
        for r in rows {
            t.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            for i in 0..header.len() {
                t.push_str(&cell(
                    r.get(i).map(|s| s.as_str()).unwrap_or(""),
                    widths.get(i).copied().unwrap_or(1000),
                    false,
                ));
            }
            t.push_str("</w:tr>");
        }
        t.push_str("</w:tbl><w:p/>");
        self.body.push_str(&t);
        self
    }

    /// The DOCX file's bytes.
    pub fn finish(&self) -> Vec<u8> {
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W}\"><w:body>{}\
             <w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/>\
             <w:pgMar w:top=\"851\" w:right=\"851\" w:bottom=\"851\" w:left=\"1134\" w:header=\"0\" w:footer=\"0\" w:gutter=\"0\"/></w:sectPr>\
             </w:body></w:document>",
            self.body
        );
        let styles = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W}\"><w:docDefaults><w:rPrDefault><w:rPr>\
             <w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/><w:sz w:val=\"24\"/><w:lang w:val=\"ru-RU\"/>\
             </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
             <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style></w:styles>"
        );
        let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
            <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
            <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
            <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
            <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
            <Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
            </Types>";
        let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
            <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
            <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
            </Relationships>";
        let doc_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
            <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
            <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
            </Relationships>";
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, data) in [
                ("[Content_Types].xml", content_types.to_string()),
                ("_rels/.rels", rels.to_string()),
                ("word/_rels/document.xml.rels", doc_rels.to_string()),
                ("word/styles.xml", styles),
                ("word/document.xml", document),
            ] {
                // Writing to memory cannot fail short of allocation failure.
                z.start_file(name, opts).expect("zip entry");
                z.write_all(data.as_bytes()).expect("zip write");
            }
            z.finish().expect("zip finish");
        }
        buf.into_inner()
    }
}

/// The quarterly execution report as a DOCX document.
pub fn quarterly_report_docx(r: &QuarterReport) -> Vec<u8> {
    let mut d = DocxBuilder::new();
    d.heading(&format!(
        "Отчёт об исполнении планов мероприятий: {}",
        r.title
    ));
    d.paragraph(&r.subtitle());
    d.bold_paragraph("Сводка");
    let mut summary: Vec<Vec<String>> = r.units.iter().map(|u| u.cells()).collect();
    summary.push(r.total.cells());
    d.table(
        &SUMMARY_HEADER,
        &summary,
        &[3600, 1300, 1500, 1700, 1400, 1500, 1300, 2300],
    );
    if r.dateless > 0 {
        d.paragraph(&format!(
            "Мероприятий без даты в сроке («по запросу», «по графику» и т. п.) в отчёт не вошло: {}.",
            r.dateless
        ));
    }
    let problems: Vec<Vec<String>> = r
        .rows
        .iter()
        .filter(|x| matches!(x.outcome, crate::report::Outcome::Overdue) || x.without_evidence)
        .map(|x| x.cells())
        .collect();
    if !problems.is_empty() {
        d.bold_paragraph("Просроченные мероприятия и мероприятия без подтверждающих документов");
        d.table(
            &DETAIL_HEADER,
            &problems,
            &[1900, 1900, 600, 4000, 1500, 1200, 1300, 1300, 900],
        );
    }
    d.bold_paragraph("Все мероприятия квартала");
    let all: Vec<Vec<String>> = r.rows.iter().map(|x| x.cells()).collect();
    d.table(
        &DETAIL_HEADER,
        &all,
        &[1900, 1900, 600, 4000, 1500, 1200, 1300, 1300, 900],
    );
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_by_our_reader() {
        let mut d = DocxBuilder::new();
        d.heading("Заголовок & <проверка>")
            .paragraph("Первая строка\nвторая");
        d.table(
            &["А", "Б"],
            &[vec!["1".into(), "два".into()]],
            &[1000, 2000],
        );
        let bytes = d.finish();
        let doc = crate::docx::read_docx(&bytes).unwrap();
        let texts: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| match b {
                crate::document::Block::Paragraph(p) => p.clone(),
                crate::document::Block::Table(t) => t
                    .rows
                    .iter()
                    .map(|r| {
                        r.cells
                            .iter()
                            .map(|c| c.text.clone())
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect::<Vec<_>>()
                    .join("/"),
            })
            .collect();
        assert_eq!(texts[0], "Заголовок & <проверка>");
        assert_eq!(texts[1], "Первая строка\nвторая");
        assert_eq!(texts[2], "А|Б/1|два");
    }
}
