//! Roadmaps uploaded as DOCX or XLSX: the document reader and the whole
//! import (tables, numbering, deadlines, responsibles) from bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    // The reader turns a dependency's panic into an error (catch_unwind):
    // only a panic that escapes it is a crash, so libFuzzer's abort-on-any-
    // panic hook is replaced by the default one.
    init: {
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
        let _ = opora_plans::import_bytes(data, &opora_plans::ImportOptions::default());
    }
);
