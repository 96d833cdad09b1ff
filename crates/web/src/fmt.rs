//! Russian formatting for pages: dd.mm.yyyy dates, decimal comma, academic
//! years, and small URL helpers.

use opora_io::values::{civil_from_days, fmt_ru};

/// A stored UTC time (`YYYY-MM-DDTHH:MM:SSZ`) as `dd.mm.yyyy hh:mm` local
/// time (`offset_hours` from UTC).
pub fn datetime(at: &str, offset_hours: i64) -> String {
    match parse_utc(at) {
        Some(secs) => {
            let t = secs + offset_hours * 3600;
            let (y, m, d) = civil_from_days(t.div_euclid(86_400));
            let s = t.rem_euclid(86_400);
            format!("{d:02}.{m:02}.{y} {:02}:{:02}", s / 3600, s % 3600 / 60)
        }
        None => at.to_string(),
    }
}

/// A stored UTC time as a local `dd.mm.yyyy`.
pub fn date(at: &str, offset_hours: i64) -> String {
    datetime(at, offset_hours).split(' ').next().unwrap_or_default().to_string()
}

fn parse_utc(at: &str) -> Option<i64> {
    let b = at.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let n = |r: std::ops::Range<usize>| at.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, s) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A number with a decimal comma; «—» when absent.
pub fn num(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => fmt_ru(x, decimals),
        _ => "—".into(),
    }
}

/// A percentage «12,5%»; «—» when absent.
pub fn pct(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => format!("{}%", fmt_ru(x, decimals)),
        _ => "—".into(),
    }
}

/// «2023-2024 учебный год».
pub fn academic_year(year: i64) -> String {
    opora_io::values::academic_year(year as i32)
}

/// «2023-2024» (short form for tables and axes).
pub fn academic_year_short(year: i64) -> String {
    format!("{}-{}", year - 1, year)
}

/// The years of a run («2023, 2024, 2025») as academic years.
pub fn run_years(years: &str) -> String {
    let ys: Vec<i64> = years.split(',').filter_map(|y| y.trim().parse().ok()).collect();
    match (ys.first(), ys.last()) {
        (Some(a), Some(b)) if a != b => format!("{}–{} учебные годы", academic_year_short(*a), academic_year_short(*b)),
        (Some(a), _) => academic_year(*a),
        _ => years.to_string(),
    }
}

/// Percent-encoding for a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A query string from pairs, skipping empty values.
pub fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> =
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Russian plural: 1 школа, 2 школы, 5 школ.
pub fn plural(n: i64, one: &str, few: &str, many: &str) -> String {
    let w = match (n % 10, n % 100) {
        (1, 11) => many,
        (1, _) => one,
        (2..=4, 12..=14) => many,
        (2..=4, _) => few,
        _ => many,
    };
    format!("{n} {w}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers_the_russian_way() {
        assert_eq!(datetime("2024-12-31T22:30:00Z", 3), "01.01.2025 01:30");
        assert_eq!(date("2024-03-05T10:00:00Z", 0), "05.03.2024");
        assert_eq!(num(Some(12.345), 1), "12,3");
        assert_eq!(pct(Some(12.5), 1), "12,5%");
        assert_eq!(num(None, 1), "—");
        assert_eq!(academic_year(2024), "2023-2024 учебный год");
        assert_eq!(run_years("2023, 2024, 2025"), "2022-2023–2024-2025 учебные годы");
        assert_eq!(plural(21, "школа", "школы", "школ"), "21 школа");
        assert_eq!(plural(12, "школа", "школы", "школ"), "12 школ");
        assert_eq!(plural(3, "школа", "школы", "школ"), "3 школы");
    }

    #[test]
    fn urls() {
        assert_eq!(urlencode("/schools?a=б"), "/schools%3Fa%3D%D0%B1");
        assert_eq!(query(&[("q", "ёж".into()), ("page", String::new())]), "?q=%D1%91%D0%B6");
    }
}
