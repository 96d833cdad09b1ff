//! Russian number formatting and small helpers shared by the reason texts.

/// A number with a decimal comma and a typographic minus: `-0.456` → «−0,46».
pub fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = format!("{:.*}", decimals, x);
    // "-0,00" reads badly: a value that rounds to zero has no sign.
    let s = if s
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    };
    s.replace('-', "−").replace('.', ",")
}

/// Numbers with 2 decimals, the default in reason texts.
pub fn n2(x: f64) -> String {
    num(x, 2)
}

/// A p-value: small ones in scientific style, «p < 0,0001».
pub fn pval(p: f64) -> String {
    if p < 0.0001 {
        "< 0,0001".into()
    } else {
        format!("= {}", num(p, 4))
    }
}

/// "из N лет" needs the genitive: «из 1 года», «из 3 лет», «из 21 года».
pub fn of_years(n: usize) -> String {
    format!("из {n} {}", plural(n as u64, "года", "лет", "лет"))
}

/// The Russian plural form for n: one (1, 21), few (2–4, 22–24), many
/// (5–20, 0). The one rule for every count the product writes.
pub fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    }
}

/// Years as «2022, 2023».
pub fn years(y: &[i32]) -> String {
    y.iter()
        .map(|y| y.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Position of the cut-off rank for "the lowest P% of n": ⌈P·n/100⌉.
/// The tiny tolerance keeps 10% of 30 at 3 despite binary rounding.
pub fn cutoff(percent: f64, n: usize) -> u64 {
    if n == 0 {
        return 0;
    }
    let c = (percent * n as f64 / 100.0 - 1e-9).ceil();
    c.max(0.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_comma_and_minus() {
        assert_eq!(num(-0.456, 2), "−0,46");
        assert_eq!(num(1.5, 1), "1,5");
        assert_eq!(num(-0.001, 2), "0,00");
        assert_eq!(num(f64::NAN, 2), "—");
        assert_eq!(pval(0.00001), "< 0,0001");
        assert_eq!(
            (of_years(1), of_years(3), of_years(11)),
            ("из 1 года".into(), "из 3 лет".into(), "из 11 лет".into())
        );
    }

    #[test]
    fn cutoff_is_ceiling() {
        assert_eq!(cutoff(10.0, 30), 3);
        assert_eq!(cutoff(10.0, 31), 4);
        assert_eq!(cutoff(10.0, 3143), 315);
        assert_eq!(cutoff(10.0, 1), 1);
        assert_eq!(cutoff(10.0, 0), 0);
    }
}

/// Whether a spreadsheet opening `s` as a cell would take it for a formula
/// (or for the start of one): text beginning with `=`, `+`, `-`, `@`, or a
/// tab or carriage return that some programs strip before looking.
pub fn looks_like_formula(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// A text cell made safe for export to CSV or XLSX: text that a spreadsheet
/// would run as a formula gets a leading apostrophe (OWASP's advice against
/// CSV injection), so it is shown as text and never executed. Other text is
/// returned as is. Only for text cells: numbers written as numbers (also
/// negative ones) need nothing.
pub fn neutralise_formula(s: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod formula_tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_gets_an_apostrophe_and_other_text_is_kept() {
        assert_eq!(
            neutralise_formula("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        for s in ["+7", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise_formula(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(neutralise_formula("МБОУ «СОШ № 1»"), "МБОУ «СОШ № 1»");
    }
}
