//! What a note says, independent of the file it is written to: a title,
//! whom it is about, the date it is for and the data snapshot behind it,
//! then sections of paragraphs, lists, tables and charts. The DOCX and the
//! PDF writers take the same [`Note`], so the two files say the same.

use serde::{Deserialize, Serialize};

/// An analytical note (аналитическая справка).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// «Аналитическая справка».
    pub title: String,
    /// Whom it is about: a school's, a municipality's or the region's name.
    pub subject: String,
    /// The date it is for, «01.12.2026».
    pub as_of: String,
    /// The data behind it, on the first page: «расчёт № 3 от 01.12.2026 …».
    pub snapshot: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
}

/// One block of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        text: String,
    },
    Bullets {
        items: Vec<String>,
    },
    /// A table; `widths` are relative column widths (one per column).
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        widths: Vec<u32>,
    },
    /// A chart drawn as SVG (`io::charts`); the writers embed it (the PDF
    /// as a vector image, the DOCX as a PNG).
    Chart {
        caption: String,
        svg: String,
        /// The name the PDF template reads it under.
        file: String,
    },
}

impl Note {
    /// The charts of the note in order, with the names they are read under.
    pub fn charts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sections.iter().flat_map(|s| {
            s.blocks.iter().filter_map(|b| match b {
                Block::Chart { svg, file, .. } => Some((file.as_str(), svg.as_str())),
                _ => None,
            })
        })
    }
}

impl Section {
    pub fn new(heading: impl Into<String>) -> Section {
        Section {
            heading: heading.into(),
            blocks: Vec::new(),
        }
    }

    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Paragraph { text: text.into() });
        self
    }

    pub fn bullets(&mut self, items: Vec<String>) -> &mut Self {
        if !items.is_empty() {
            self.blocks.push(Block::Bullets { items });
        }
        self
    }

    pub fn table(&mut self, header: &[&str], rows: Vec<Vec<String>>, widths: &[u32]) -> &mut Self {
        self.blocks.push(Block::Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
            widths: widths.to_vec(),
        });
        self
    }

    /// Adds a chart; `n` numbers it within the note (its file name).
    pub fn chart(&mut self, caption: impl Into<String>, svg: String, n: usize) -> &mut Self {
        self.blocks.push(Block::Chart {
            caption: caption.into(),
            svg,
            file: format!("chart-{n}.svg"),
        });
        self
    }
}
