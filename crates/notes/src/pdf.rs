//! The note as PDF, typeset by Typst (the library, not a program): the
//! layout is `note.typ`, the content is the note as JSON, the charts are
//! SVG files, and the fonts are those `typst-assets` compiles into the
//! binary (Libertinus Serif with Cyrillic). Nothing is read from the disk
//! or the network; no system font is needed.

use crate::model::Note;
use crate::NoteError;
use std::collections::HashMap;
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("note.typ");

/// The fonts compiled into the binary, loaded once.
fn fonts() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// The note's world: the template, its JSON and its charts.
struct NoteWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

/// The id of a file of the note's world (`/note.json`, `/chart-1.svg`).
fn id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("the world's own paths are valid");
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_without_slash().into())
}

impl NoteWorld {
    fn new(note: &Note) -> Result<NoteWorld, NoteError> {
        let mut files = HashMap::new();
        let json = serde_json::to_vec(note).map_err(|e| NoteError::Pdf(e.to_string()))?;
        files.insert(id("/note.json"), Bytes::new(json));
        for (name, svg) in note.charts() {
            files.insert(id(&format!("/{name}")), Bytes::new(svg.as_bytes().to_vec()));
        }
        Ok(NoteWorld {
            main: Source::new(id("/note.typ"), TEMPLATE.to_string()),
            files,
        })
    }
}

impl World for NoteWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // The note names its own date; the template never asks.
        None
    }
}

/// Typesets the note; returns the PDF's bytes.
pub fn write(note: &Note) -> Result<Vec<u8>, NoteError> {
    let world = NoteWorld::new(note)?;
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| {
        NoteError::Pdf(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        NoteError::Pdf(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
