//! Parsing cell text into typed values, with Russian error messages that say
//! what was expected. Formatting numbers and dates the Russian way.

/// A number with a decimal comma or point; spaces (also non-breaking) as
/// thousands separators are allowed: «1 234,5».
pub fn parse_number(s: &str) -> Result<f64, String> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let cleaned = cleaned.trim_end_matches('%').replace(',', ".");
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err("ожидается число (например, 12 или 12,5)".to_string()),
    }
}

/// A whole number; «12,0» is accepted, «12,5» is not.
pub fn parse_integer(s: &str) -> Result<i64, String> {
    let v = parse_number(s).map_err(|_| "ожидается целое число".to_string())?;
    if v.fract() != 0.0 || v.abs() > 9.0e15 {
        return Err("ожидается целое число".to_string());
    }
    Ok(v as i64)
}

/// A calendar year of an assessment: «2024»; an academic year «2023-2024»,
/// «2023/2024» or «2023-2024 учебный год» means the year it ends in (2024).
pub fn parse_year(s: &str) -> Result<i32, String> {
    let digits: Vec<i32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| p.len() == 4)
        .filter_map(|p| p.parse().ok())
        .collect();
    let err = || "ожидается год, например 2024 или 2023-2024".to_string();
    let year = match digits.as_slice() {
        [y] => *y,
        [a, b] if *b == *a + 1 => *b,
        _ => return Err(err()),
    };
    if (1990..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(err())
    }
}

/// A school mark 2..5 (1 is read as 2, the way journals sometimes record it).
pub fn parse_mark(s: &str) -> Result<u8, String> {
    match parse_integer(s) {
        Ok(m @ 2..=5) => Ok(m as u8),
        Ok(1) => Ok(2),
        _ => Err("ожидается отметка от 2 до 5".to_string()),
    }
}

/// A date `dd.mm.yyyy` (also `d.m.yyyy`) or `yyyy-mm-dd`, as (y, m, d).
pub fn parse_date(s: &str) -> Result<(i32, u32, u32), String> {
    let err = || "ожидается дата в формате ДД.ММ.ГГГГ (например, 01.09.2024)".to_string();
    let t = s.trim();
    let parts: Vec<&str> = if t.contains('.') {
        t.split('.').collect()
    } else {
        t.split('-').collect()
    };
    if parts.len() != 3 {
        return Err(err());
    }
    let n: Vec<i64> = parts
        .iter()
        .map(|p| p.trim().parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| err())?;
    let (y, m, d) = if t.contains('.') {
        (n[2], n[1], n[0])
    } else {
        (n[0], n[1], n[2])
    };
    if !(1900..=2100).contains(&y)
        || !(1..=12).contains(&m)
        || d < 1
        || d > days_in_month(y as i32, m as u32) as i64
    {
        return Err(err());
    }
    Ok((y as i32, m as u32, d as u32))
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// An Excel date serial (days since 1899-12-30) as dd.mm.yyyy.
pub fn excel_serial_to_text(serial: f64) -> String {
    let epoch = jiff::civil::date(1899, 12, 30);
    match epoch.checked_add(jiff::Span::new().days(serial.floor() as i64)) {
        Ok(d) => d.strftime("%d.%m.%Y").to_string(),
        Err(_) => format!("{serial}"), // beyond year 9999: shown as the number it is
    }
}

/// «2023-2024 учебный год» for the academic year ending in `year`.
pub fn academic_year(year: i32) -> String {
    format!("{}-{} учебный год", year - 1, year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_decimal_comma_and_spaces() {
        assert_eq!(parse_number("12,5").unwrap(), 12.5);
        assert_eq!(parse_number("1 234,5").unwrap(), 1234.5);
        assert!(parse_number("двенадцать").is_err());
        assert!(parse_integer("12,5").is_err());
        assert_eq!(parse_integer("12,0").unwrap(), 12);
    }

    #[test]
    fn years_and_academic_years() {
        assert_eq!(parse_year("2024").unwrap(), 2024);
        assert_eq!(parse_year("2023-2024 учебный год").unwrap(), 2024);
        assert_eq!(parse_year("2023/2024").unwrap(), 2024);
        assert!(parse_year("2023-2025").is_err());
        assert_eq!(academic_year(2024), "2023-2024 учебный год");
    }

    #[test]
    fn dates_and_excel_serials() {
        assert_eq!(parse_date("07.08.2021").unwrap(), (2021, 8, 7));
        assert_eq!(parse_date("2021-08-07").unwrap(), (2021, 8, 7));
        assert!(parse_date("31.02.2021").is_err());
        assert_eq!(excel_serial_to_text(45292.0), "01.01.2024");
    }

    #[test]
    fn russian_number_format() {
        assert_eq!(opora_analytics::text::num(12.5, 1), "12,5");
        assert_eq!(opora_analytics::text::num(-0.0001, 2), "0,00");
    }
}
