//! Empty import templates: the header row a file of each kind should have
//! (the first name of every field), in CSV and in XLSX. The XLSX has a
//! second sheet that says, per column, whether it is required and which
//! other headers are accepted for it.

use crate::columns::Schema;
use crate::xlsx_out::{workbook, Cell, Sheet};

/// The header of a template: each field's first (preferred) name, then two
/// task columns when the format takes per-task scores.
pub fn header(schema: &Schema) -> Vec<String> {
    let mut h: Vec<String> = schema
        .fields
        .iter()
        .map(|f| f.aliases.first().copied().unwrap_or(f.name).to_string())
        .collect();
    if schema.tasks {
        h.extend(["Задание 1".to_string(), "Задание 2".to_string()]);
    }
    h
}

/// The CSV template: UTF-8 with a byte-order mark (Excel opens it with the
/// right letters), «;» as the delimiter, as Russian Excel writes it.
pub fn csv(schema: &Schema) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(header(schema)).expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// The XLSX template: the header sheet named after the kind, and
/// «Пояснения» with the rules of every column.
pub fn xlsx(schema: &Schema, title: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let names = header(schema);
    let mut notes: Vec<Vec<Cell>> = schema
        .fields
        .iter()
        .zip(&names)
        .map(|(f, name)| {
            vec![
                Cell::Text(name.clone()),
                Cell::Text(if f.required { "да" } else { "нет" }.into()),
                Cell::Text(
                    f.aliases
                        .iter()
                        .skip(1)
                        .copied()
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ]
        })
        .collect();
    if schema.tasks {
        notes.push(vec![
            Cell::Text("Задание 1, Задание 2, …".into()),
            Cell::Text("нет".into()),
            Cell::Text("баллы за задания: З1, З2, …; task_1, task_2, …".into()),
        ]);
    }
    let sheet_name: String = title.chars().take(31).collect();
    workbook(&[
        Sheet {
            name: sheet_name,
            header: names,
            rows: Vec::new(),
        },
        Sheet {
            name: "Пояснения".into(),
            header: vec![
                "Столбец".into(),
                "Обязательный".into(),
                "Другие допустимые заголовки".into(),
            ],
            rows: notes,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records;

    #[test]
    fn a_template_is_read_back_with_every_required_column_recognised() {
        for schema in [
            &records::schools::SCHEMA,
            &records::results::PUPIL_SCHEMA,
            &records::context::SCHEMA,
            &records::checklist::SCHEMA,
            &records::scales::SCHEMA,
        ] {
            let bytes = csv(schema);
            let text = String::from_utf8(bytes).unwrap();
            let line = text.trim_start_matches('\u{feff}').trim_end();
            let names: Vec<String> = line.split(';').map(str::to_string).collect();
            assert_eq!(names, header(schema));
            let map = crate::ColumnMap::resolve("template.csv", &names, schema, &[]);
            assert!(map.is_ok(), "{names:?}: {:?}", map.err());
            let book = xlsx(schema, "Реестр школ").unwrap();
            assert_eq!(&book[..2], b"PK");
        }
    }
}
