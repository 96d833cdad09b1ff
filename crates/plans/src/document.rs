//! A document as the importer sees it: paragraphs and tables in order. DOCX
//! and XLSX readers produce it; the importer turns it into a [`crate::Plan`].

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Block {
    Paragraph(String),
    Table(Table),
}

#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Document {
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Table {
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Marked as a header row repeated on every page (`w:tblHeader`).
    pub repeat_header: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub enum VMerge {
    #[default]
    None,
    /// The first cell of a vertically merged group.
    Restart,
    /// A cell merged with the one above it (its text is that cell's).
    Continue,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Cell {
    /// Text of the cell; paragraphs separated by `\n`.
    pub text: String,
    /// Grid columns the cell spans (1 for an ordinary cell).
    pub span: usize,
    pub vmerge: VMerge,
}

impl Cell {
    pub fn new(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            span: 1,
            vmerge: VMerge::None,
        }
    }
}

impl Table {
    /// A table from rows of texts (tests, tab-separated text).
    pub fn from_texts(rows: &[Vec<&str>]) -> Table {
        Table {
            rows: rows
                .iter()
                .map(|r| Row {
                    cells: r.iter().map(|t| Cell::new(t)).collect(),
                    repeat_header: false,
                })
                .collect(),
        }
    }

    /// Grid columns: the widest row.
    pub fn columns(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.span.max(1)).sum::<usize>())
            .max()
            .unwrap_or(0)
    }
}

impl Document {
    /// Reads tab-separated text as the seed documents are written: lines
    /// with a tab are table rows, other lines paragraphs; a blank line between
    /// two rows ends the table (a page break) and the next row starts a new one.
    pub fn from_tsv_text(text: &str) -> Document {
        let mut blocks = Vec::new();
        let mut table: Option<Table> = None;
        for line in text.lines() {
            if line.contains('\t') {
                table.get_or_insert_with(Table::default).rows.push(Row {
                    cells: line.split('\t').map(Cell::new).collect(),
                    repeat_header: false,
                });
            } else {
                if let Some(t) = table.take() {
                    blocks.push(Block::Table(t));
                }
                blocks.push(Block::Paragraph(line.to_string()));
            }
        }
        if let Some(t) = table.take() {
            blocks.push(Block::Table(t));
        }
        Document { blocks }
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}
