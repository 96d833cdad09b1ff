//! Charts as PNG for the DOCX (Word shows SVG only from 2016, and a PNG is
//! what every office suite reads): the chart's SVG drawn by resvg with the
//! fonts compiled into the binary, at twice its size for print.

use crate::NoteError;
use resvg::tiny_skia;
use resvg::usvg;
use std::sync::{Arc, OnceLock};

/// How much larger than its SVG size a chart is drawn.
const SCALE: f32 = 2.0;

fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for data in typst_assets::fonts() {
            db.load_font_data(data.to_vec());
        }
        // The charts ask for a sans-serif face; the note's serif stands in.
        db.set_sans_serif_family("Libertinus Serif");
        db.set_serif_family("Libertinus Serif");
        usvg::Options {
            font_family: "Libertinus Serif".into(),
            fontdb: Arc::new(db),
            ..usvg::Options::default()
        }
    })
}

/// The chart as PNG bytes with its size in pixels.
pub fn png(svg: &str) -> Result<(Vec<u8>, u32, u32), NoteError> {
    let tree = usvg::Tree::from_str(svg, options()).map_err(|e| NoteError::Chart(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or_else(|| NoteError::Chart("пустой размер рисунка".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| NoteError::Chart("пустой размер рисунка".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap
        .encode_png()
        .map_err(|e| NoteError::Chart(e.to_string()))?;
    Ok((bytes, size.width(), size.height()))
}
