//! Deadlines as people write them («до 15.10», «ежеквартально», «декабрь-август»),
//! with and without the plan's academic period.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let period = opora_plans::Period::academic_years(2025, 2026);
    let _ = opora_plans::try_parse_deadline(text, None);
    let _ = opora_plans::try_parse_deadline(text, period.as_ref());
});
