//! Matching file headers to canonical fields through an alias table.

use crate::error::{ColumnRef, IoError};
use std::collections::HashMap;

/// A canonical field of an import format with its accepted header spellings.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// The fields of one import format.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    pub fields: &'static [Field],
    /// Accept `task_1`…`task_N` (and «Задание 1», «З1») columns.
    pub tasks: bool,
    /// Keep every unmatched column as a free column (wide context files).
    pub keep_unknown: bool,
}

/// Lower case, `ё`→`е`, without spaces, quotes and punctuation, so that
/// «Код ОО», "код_оо" and "КОД-ОО" compare equal.
pub fn normalize_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| {
            !matches!(
                c,
                ' ' | '_' | '-' | '.' | '«' | '»' | '"' | '\'' | '№' | '(' | ')' | ':' | '\u{a0}'
            )
        })
        .flat_map(|c| c.to_lowercase())
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// Where each canonical field sits in the file, plus task and free columns.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    pub index: HashMap<&'static str, usize>,
    /// (task number starting at 1, column index), sorted by task number.
    pub tasks: Vec<(usize, usize)>,
    /// Columns kept by name (for `keep_unknown` schemas): (header, index).
    pub free: Vec<(String, usize)>,
    /// Headers that matched nothing and were ignored.
    pub ignored: Vec<String>,
    pub headers: Vec<String>,
}

impl ColumnMap {
    /// Resolves a header row. `explicit` maps canonical names to header text
    /// (from `--map field=Header`) and wins over aliases.
    pub fn resolve(
        file: &str,
        header: &[String],
        schema: &Schema,
        explicit: &[(String, String)],
    ) -> Result<ColumnMap, IoError> {
        let map = ColumnMap::resolve_partial(file, header, schema, explicit)?;
        let missing: Vec<&str> = schema
            .fields
            .iter()
            .filter(|f| f.required && !map.index.contains_key(f.name))
            .map(|f| describe(f))
            .collect();
        if !missing.is_empty() {
            return Err(IoError::MissingColumns {
                file: file.to_string(),
                missing: missing.join(", "),
                found: crate::error::quoted_list(
                    &header
                        .iter()
                        .filter(|h| !h.trim().is_empty())
                        .cloned()
                        .collect::<Vec<_>>(),
                ),
                sheet: None,
                sheets: Vec::new(),
            });
        }
        Ok(map)
    }

    /// As [`ColumnMap::resolve`], but a required field with no column is
    /// not an error: it is absent from `index` (and the columns nothing
    /// matched are in `ignored` or `free`), so that a mapping screen can
    /// show what was recognised and ask only for the rest.
    pub fn resolve_partial(
        file: &str,
        header: &[String],
        schema: &Schema,
        explicit: &[(String, String)],
    ) -> Result<ColumnMap, IoError> {
        let norm: Vec<String> = header.iter().map(|h| normalize_header(h)).collect();
        let mut map = ColumnMap {
            headers: header.to_vec(),
            ..Default::default()
        };
        let mut used = vec![false; header.len()];
        for (field, text) in explicit {
            let f = schema
                .fields
                .iter()
                .find(|f| f.name == field.as_str())
                .ok_or_else(|| {
                    let names: Vec<_> = schema.fields.iter().map(|f| f.name).collect();
                    IoError::Mapping(format!(
                        "неизвестное поле «{}»; допустимые поля: {}",
                        crate::text::preview(field),
                        names.join(", ")
                    ))
                })?;
            let wanted = normalize_header(text);
            let i = only_one(
                file,
                f.name,
                header,
                (0..header.len()).filter(|&i| norm[i] == wanted),
            )?
            .ok_or_else(|| {
                IoError::Mapping(format!(
                    "в файле «{file}» нет столбца «{}» для поля {field}",
                    crate::text::preview(text)
                ))
            })?;
            map.index.insert(f.name, i);
            used[i] = true;
        }
        for f in schema.fields {
            if map.index.contains_key(f.name) {
                continue;
            }
            let wanted: Vec<String> = std::iter::once(f.name)
                .chain(f.aliases.iter().copied())
                .map(normalize_header)
                .collect();
            let candidates = (0..header.len()).filter(|&i| !used[i] && wanted.contains(&norm[i]));
            if let Some(i) = only_one(file, f.name, header, candidates)? {
                map.index.insert(f.name, i);
                used[i] = true;
            }
        }
        for i in 0..header.len() {
            if used[i] || norm[i].is_empty() {
                continue;
            }
            if schema.tasks {
                if let Some(t) = task_number(&norm[i]) {
                    if let Some(&(_, first)) = map.tasks.iter().find(|(n, _)| *n == t) {
                        return Err(ambiguous(file, &format!("task_{t}"), header, first, i));
                    }
                    map.tasks.push((t, i));
                    continue;
                }
            }
            if schema.keep_unknown {
                if let Some(&(_, first)) = map.free.iter().find(|(_, j)| norm[*j] == norm[i]) {
                    return Err(ambiguous(file, header[first].trim(), header, first, i));
                }
                map.free.push((header[i].trim().to_string(), i));
            } else {
                map.ignored.push(header[i].clone());
            }
        }
        map.tasks.sort();
        Ok(map)
    }

    pub fn has(&self, field: &str) -> bool {
        self.index.contains_key(field)
    }

    /// The cell of `field` in `cells`, trimmed; `None` when the column is
    /// absent or the cell is empty.
    pub fn get<'a>(&self, cells: &'a csv::StringRecord, field: &str) -> Option<&'a str> {
        let i = *self.index.get(field)?;
        cells.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// The header text of a field as written in the file.
    pub fn header_of(&self, field: &str) -> String {
        self.index
            .get(field)
            .and_then(|&i| self.headers.get(i))
            .cloned()
            .unwrap_or_else(|| field.to_string())
    }
}

/// The one column among `candidates` for `field`: `None` when there is
/// none, an error naming the first two when there are several.
fn only_one(
    file: &str,
    field: &str,
    header: &[String],
    mut candidates: impl Iterator<Item = usize>,
) -> Result<Option<usize>, IoError> {
    let Some(first) = candidates.next() else {
        return Ok(None);
    };
    match candidates.next() {
        None => Ok(Some(first)),
        Some(second) => Err(ambiguous(file, field, header, first, second)),
    }
}

fn ambiguous(file: &str, field: &str, header: &[String], first: usize, second: usize) -> IoError {
    IoError::AmbiguousColumns {
        file: file.to_string(),
        field: field.to_string(),
        first: ColumnRef::new(first, Some(&header[first])),
        second: ColumnRef::new(second, Some(&header[second])),
    }
}

fn describe(f: &Field) -> &'static str {
    f.aliases.first().copied().unwrap_or(f.name)
}

/// `task_3`, `задание3`, `з3`, `t3` → 3.
fn task_number(norm: &str) -> Option<usize> {
    for prefix in ["task", "задание", "з", "t"] {
        if let Some(rest) = norm.strip_prefix(prefix) {
            if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) {
                return rest.parse().ok().filter(|&n| n > 0);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    const F: &[Field] = &[
        Field {
            name: "school_id",
            aliases: &["Код ОО", "Логин ОО"],
            required: true,
        },
        Field {
            name: "score",
            aliases: &["Балл", "Первичный балл"],
            required: true,
        },
        Field {
            name: "mark",
            aliases: &["Отметка"],
            required: false,
        },
    ];
    const S: Schema = Schema {
        fields: F,
        tasks: true,
        keep_unknown: false,
    };

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn russian_aliases_tasks_and_ignored() {
        let m = ColumnMap::resolve(
            "f",
            &h(&["ЛОГИН ОО", "Первичный  балл", "Задание 2", "З1", "ФИО"]),
            &S,
            &[],
        )
        .unwrap();
        assert_eq!(m.index["school_id"], 0);
        assert_eq!(m.index["score"], 1);
        assert_eq!(m.tasks, vec![(1, 3), (2, 2)]);
        assert_eq!(m.ignored, vec!["ФИО".to_string()]);
    }

    #[test]
    fn explicit_mapping_wins_and_missing_is_named_in_russian() {
        let m = ColumnMap::resolve(
            "f",
            &h(&["Код ОО", "Итог"]),
            &S,
            &[("score".into(), "итог".into())],
        )
        .unwrap();
        assert_eq!(m.index["score"], 1);
        let e = ColumnMap::resolve("f.csv", &h(&["Код ОО"]), &S, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("Балл") && e.contains("f.csv"), "{e}");
    }

    #[test]
    fn a_partial_resolution_keeps_what_was_recognised() {
        let m =
            ColumnMap::resolve_partial("f", &h(&["Код ОО", "Итог", "Отметка"]), &S, &[]).unwrap();
        assert_eq!(m.index.get("school_id"), Some(&0));
        assert_eq!(m.index.get("mark"), Some(&2));
        assert!(!m.has("score"));
        assert_eq!(m.ignored, vec!["Итог".to_string()]);
    }
}
