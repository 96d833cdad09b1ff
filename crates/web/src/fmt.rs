//! Russian formatting for pages: dd.mm.yyyy dates, decimal comma, academic
//! years, and small URL helpers.

use opora_analytics::text::num as fmt_ru;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// A stored UTC time (`YYYY-MM-DDTHH:MM:SSZ`) as `dd.mm.yyyy hh:mm` in the
/// region's time zone (one clock for the product: `opora_plans::clock`).
pub fn datetime(at: &str) -> String {
    opora_plans::clock::local_datetime_text(at).unwrap_or_else(|| at.to_string())
}

/// A stored UTC time as the region's `dd.mm.yyyy`.
pub fn date(at: &str) -> String {
    datetime(at)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// «основные сведения» → «Основные сведения»: a title at the start of a
/// sentence or a table's header.
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A number with a decimal comma; «—» when absent.
pub fn num(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => fmt_ru(x, decimals),
        _ => "—".into(),
    }
}

/// A signed number «+0,28» / «−0,28» (a change or a difference); «—» when absent.
pub fn signed(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) if x.is_finite() => {
            let s = fmt_ru(x, decimals);
            if s.starts_with('−') || s.chars().all(|c| c == '0' || c == ',') {
                s
            } else {
                format!("+{s}")
            }
        }
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
    let ys: Vec<i64> = years
        .split(',')
        .filter_map(|y| y.trim().parse().ok())
        .collect();
    match (ys.first(), ys.last()) {
        (Some(a), Some(b)) if a != b => format!(
            "{}–{} учебные годы",
            academic_year_short(*a),
            academic_year_short(*b)
        ),
        (Some(a), _) => academic_year(*a),
        _ => years.to_string(),
    }
}

/// What a path segment keeps as it is: the unreserved characters of
/// RFC 3986.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A query value keeps `/` too (`?next=/schools`).
const QUERY_VALUE: &AsciiSet = &SEGMENT.remove(b'/');

/// Percent-encoding for a query value.
pub fn urlencode(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// Percent-encoding for one path segment (school ids may hold any
/// characters, `/` included).
pub fn path_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// The school card's address.
pub fn school_href(code: &str) -> String {
    format!("/schools/{}", path_segment(code))
}

/// A query string from pairs, skipping empty values.
pub fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Russian plural: 1 школа, 2 школы, 5 школ.
pub fn plural(n: i64, one: &str, few: &str, many: &str) -> String {
    let w = opora_analytics::text::plural(n.unsigned_abs(), one, few, many);
    format!("{n} {w}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_numbers_the_russian_way() {
        assert_eq!(
            datetime("2024-12-31T22:30:00Z"),
            "01.01.2025 01:30",
            "Moscow, the default zone"
        );
        assert_eq!(date("2024-03-05T10:00:00Z"), "05.03.2024");
        assert_eq!(num(Some(12.345), 1), "12,3");
        assert_eq!(pct(Some(12.5), 1), "12,5%");
        assert_eq!(num(None, 1), "—");
        assert_eq!(num(Some(-0.456), 2), "−0,46", "one minus sign everywhere");
        assert_eq!(signed(Some(0.281), 2), "+0,28");
        assert_eq!(signed(Some(-0.281), 2), "−0,28");
        assert_eq!(signed(Some(0.0001), 2), "0,00");
        assert_eq!(academic_year(2024), "2023-2024 учебный год");
        assert_eq!(
            run_years("2023, 2024, 2025"),
            "2022-2023–2024-2025 учебные годы"
        );
        assert_eq!(plural(21, "школа", "школы", "школ"), "21 школа");
        assert_eq!(plural(12, "школа", "школы", "школ"), "12 школ");
        assert_eq!(plural(3, "школа", "школы", "школ"), "3 школы");
    }

    #[test]
    fn urls() {
        assert_eq!(urlencode("/schools?a=б"), "/schools%3Fa%3D%D0%B1");
        assert_eq!(path_segment("шк 1"), "%D1%88%D0%BA%201");
        assert_eq!(
            query(&[("q", "ёж".into()), ("page", String::new())]),
            "?q=%D1%91%D0%B6"
        );
    }
}
