//! The program's standard output (see the `say!` macro in `main.rs`).

use std::io::Write;

/// Writes one line to stdout. A closed pipe (the reader, e.g. `head`, has
/// what it wanted) ends the program quietly with success, as the default
/// SIGPIPE action would; any other write error is reported.
pub fn line(args: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("Ошибка вывода: {e}");
        std::process::exit(1);
    }
}
