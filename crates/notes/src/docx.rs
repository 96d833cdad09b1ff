//! The note as DOCX, editable in Word and LibreOffice: real styles (the
//! title, «Заголовок 1», the body text with a first-line indent, table
//! text, captions) so that a methodologist changes the look in one place,
//! bordered tables with a header row repeated on every page, and the charts
//! as pictures. A4 portrait, Times New Roman 12 pt, margins as office
//! documents have them (left 2,5 cm).

use crate::model::{Block, Note};
use crate::raster;
use crate::NoteError;
use opora_plans::docx_out::{esc, runs};
use std::io::Write;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn run(text: &str, bold: bool) -> String {
    runs(text, bold, None)
}

fn paragraph(style: &str, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>",
        run(text, false)
    )
}

/// A picture of `cx`×`cy` EMU, relationship `rid`, number `n`.
fn picture(rid: &str, n: usize, cx: u64, cy: u64) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"Picture\"/></w:pPr><w:r><w:drawing>\
<wp:inline xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\">\
<wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{n}\" name=\"Рисунок {n}\"/>\
<a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">\
<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
<pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
<pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"chart-{n}.png\"/><pic:cNvPicPr/></pic:nvPicPr>\
<pic:blipFill><a:blip r:embed=\"{rid}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>\
</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
}

/// The text width of the page in twentieths of a point (A4 less 2,5 and
/// 1,5 cm margins: 17 cm).
const TEXT_WIDTH_TWIPS: u32 = 9638;

fn table(header: &[String], rows: &[Vec<String>], widths: &[u32]) -> String {
    let total: u32 = widths.iter().sum::<u32>().max(1);
    let twips: Vec<u32> = widths
        .iter()
        .map(|w| TEXT_WIDTH_TWIPS * w / total)
        .collect();
    let cell = |text: &str, width: u32, bold: bool| {
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr>{}</w:p></w:tc>",
            run(text, bold)
        )
    };
    let mut out = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"NoteTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/></w:tblPr><w:tblGrid>",
    );
    for w in &twips {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
    for (h, w) in header.iter().zip(&twips) {
        out.push_str(&cell(h, *w, true));
    }
    out.push_str("</w:tr>");
    for row in rows {
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (v, w) in row.iter().zip(&twips) {
            out.push_str(&cell(v, *w, false));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman"/><w:sz w:val="24"/><w:lang w:val="ru-RU"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:ind w:firstLine="709"/><w:jc w:val="both"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLine="0"/><w:jc w:val="center"/><w:spacing w:after="60"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLine="0"/><w:jc w:val="center"/><w:spacing w:after="120"/></w:pPr><w:rPr><w:sz w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:firstLine="0"/><w:jc w:val="left"/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Snapshot"><w:name w:val="Snapshot"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLine="0"/><w:jc w:val="left"/><w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/></w:pPr><w:rPr><w:sz w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListDash"><w:name w:val="List Dash"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="709" w:hanging="284"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLine="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="20"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Picture"><w:name w:val="Picture"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:firstLine="0"/><w:jc w:val="center"/><w:spacing w:before="120"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLine="0"/><w:jc w:val="center"/><w:spacing w:after="120"/></w:pPr><w:rPr><w:i/><w:sz w:val="20"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="NoteTable"><w:name w:val="Note Table"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:color="808080"/><w:left w:val="single" w:sz="4" w:color="808080"/><w:bottom w:val="single" w:sz="4" w:color="808080"/><w:right w:val="single" w:sz="4" w:color="808080"/><w:insideH w:val="single" w:sz="4" w:color="808080"/><w:insideV w:val="single" w:sz="4" w:color="808080"/></w:tblBorders><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>"#;

/// Writes the note; returns the DOCX's bytes.
pub fn write(note: &Note) -> Result<Vec<u8>, NoteError> {
    let mut body = String::new();
    let mut images: Vec<Vec<u8>> = Vec::new();
    body.push_str(&paragraph("Title", &note.title));
    body.push_str(&paragraph(
        "Subtitle",
        &format!("{}\nна {}", note.subject, note.as_of),
    ));
    body.push_str(&format!(
        "<w:p><w:pPr><w:pStyle w:val=\"Snapshot\"/></w:pPr>{}</w:p>",
        run("Данные, на которых основана справка", true)
    ));
    for line in &note.snapshot {
        body.push_str(&paragraph("Snapshot", line));
    }
    for (i, section) in note.sections.iter().enumerate() {
        body.push_str(&paragraph(
            "Heading1",
            &format!("{}. {}", i + 1, section.heading),
        ));
        for block in &section.blocks {
            match block {
                Block::Paragraph { text } => body.push_str(&paragraph("Normal", text)),
                Block::Bullets { items } => {
                    for item in items {
                        body.push_str(&paragraph("ListDash", &format!("–\u{a0}{item}")));
                    }
                }
                Block::Table {
                    header,
                    rows,
                    widths,
                } => {
                    body.push_str(&table(header, rows, widths));
                    body.push_str(&paragraph("Normal", ""));
                }
                Block::Chart { caption, svg, .. } => {
                    let (png, w, h) = raster::png(svg)?;
                    images.push(png);
                    let n = images.len();
                    // 16 cm wide, the height in proportion.
                    let cx: u64 = 16 * 360_000;
                    let cy = cx * u64::from(h) / u64::from(w.max(1));
                    body.push_str(&picture(&format!("rIdImage{n}"), n, cx, cy));
                    body.push_str(&paragraph("Caption", &format!("Рисунок {n} — {caption}")));
                }
            }
        }
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>{body}\
<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"1134\" w:right=\"851\" w:bottom=\"1134\" w:left=\"1418\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr>\
</w:body></w:document>"
    );
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
    );
    for n in 1..=images.len() {
        rels.push_str(&format!(
            "<Relationship Id=\"rIdImage{n}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/chart-{n}.png\"/>"
        ));
    }
    rels.push_str("</Relationships>");
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>Опора</dc:creator>\
<dc:subject>{}</dc:subject></cp:coreProperties>",
        esc(&note.title),
        esc(&note.subject)
    );
    let parts: Vec<(String, Vec<u8>)> = [
        (
            "[Content_Types].xml".to_string(),
            CONTENT_TYPES.as_bytes().to_vec(),
        ),
        ("_rels/.rels".to_string(), ROOT_RELS.as_bytes().to_vec()),
        ("docProps/core.xml".to_string(), core.into_bytes()),
        ("word/document.xml".to_string(), document.into_bytes()),
        ("word/styles.xml".to_string(), STYLES.as_bytes().to_vec()),
        (
            "word/_rels/document.xml.rels".to_string(),
            rels.into_bytes(),
        ),
    ]
    .into_iter()
    .chain(
        images
            .into_iter()
            .enumerate()
            .map(|(i, png)| (format!("word/media/chart-{}.png", i + 1), png)),
    )
    .collect();
    zip_parts(&parts)
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

fn zip_parts(parts: &[(String, Vec<u8>)]) -> Result<Vec<u8>, NoteError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options)
            .map_err(|e| NoteError::Docx(e.to_string()))?;
        zip.write_all(bytes)
            .map_err(|e| NoteError::Docx(e.to_string()))?;
    }
    let cursor = zip.finish().map_err(|e| NoteError::Docx(e.to_string()))?;
    Ok(cursor.into_inner())
}
