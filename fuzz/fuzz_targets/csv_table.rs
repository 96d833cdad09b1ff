//! CSV uploads: encodings, delimiters, quotes, title rows.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "table.rs"]
mod table;

fuzz_target!(
    // The readers turn a dependency's panic into an error (catch_unwind):
    // only a panic that escapes them is a crash, so libFuzzer's abort-on-
    // any-panic hook is replaced by the default one.
    init: {
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| table::read_table(data, "csv")
);
