// Shared by the table targets: the bytes as a file of the given extension,
// opened, resolved against the schools' schema (header aliases, `--map`
// rules) and every row parsed as the schools import parses it.
use opora_io::records::{schools, Errors, Fields};
use opora_io::{open_table, TableOptions};

pub fn read_table(data: &[u8], extension: &str) {
    let dir = std::env::temp_dir().join(format!("opora-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("input.{extension}"));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(table) = open_table(&path, &TableOptions::default()) else {
        return;
    };
    let Ok(map) = table.resolve(&schools::SCHEMA, &[]) else {
        // Still read the rows: a file without the columns is read to the end
        // by the preview.
        for row in table.take(10_000) {
            let _ = row;
        }
        return;
    };
    let mut errors = Errors::new("input");
    for row in table.take(10_000) {
        let Ok(row) = row else { continue };
        let mut fields = Fields::new(&map, &row, &mut errors);
        let _ = schools::parse_row(&mut fields);
    }
}
