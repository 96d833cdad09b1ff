//! A calendar date without time zone, and inclusive date ranges.
//!
//! Kept here (rather than pulling in a date crate) because plans need only
//! validation, month arithmetic, ordering and two text forms: ISO
//! `YYYY-MM-DD` for storage and JSON, `dd.mm.yyyy` for people.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// A valid date or `None` (years 1900–2200 only: anything else in a plan is a typo).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1900..=2200).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    pub fn first_of_month(year: i32, month: u32) -> Option<Date> {
        Date::new(year, month, 1)
    }

    pub fn last_of_month(year: i32, month: u32) -> Option<Date> {
        if !(1..=12).contains(&month) {
            return None;
        }
        Date::new(year, month, days_in_month(year, month))
    }

    pub fn year(&self) -> i32 {
        self.year
    }
    pub fn month(&self) -> u32 {
        self.month
    }
    pub fn day(&self) -> u32 {
        self.day
    }

    /// `2021-08-27`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `27.08.2021`, as Russian documents write dates.
    pub fn ru(&self) -> String {
        format!("{:02}.{:02}.{:04}", self.day, self.month, self.year)
    }

    /// Parses `YYYY-MM-DD` or `dd.mm.yyyy`.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let nums: Vec<&str> = s.split(['-', '.']).collect();
        if nums.len() != 3 {
            return None;
        }
        let n: Vec<i64> = nums.iter().map(|x| x.trim().parse::<i64>().ok()).collect::<Option<_>>()?;
        let (y, m, d) = if s.contains('-') { (n[0], n[1], n[2]) } else { (n[2], n[1], n[0]) };
        if !(0..=9999).contains(&y) || !(0..=99).contains(&m) || !(0..=99).contains(&d) {
            return None;
        }
        Date::new(y as i32, m as u32, d as u32)
    }

    /// Days since 1970-01-01.
    pub fn days(&self) -> i64 {
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01 (`None` outside 1900–2200).
    pub fn from_days(z: i64) -> Option<Date> {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
        Date::new(i32::try_from(y).ok()?, m as u32, d as u32)
    }

    /// Today in UTC (the system clock).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        Date::from_days((secs / 86_400) as i64).unwrap_or(Date { year: 2000, month: 1, day: 1 })
    }

    /// Quarter of the year, 1–4.
    pub fn quarter(&self) -> u32 {
        (self.month - 1) / 3 + 1
    }
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ru())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("неверная дата «{s}»")))
    }
}

/// An inclusive range of days.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct DateRange {
    pub start: Date,
    pub end: Date,
}

impl DateRange {
    /// A range, or `None` when `end` precedes `start`.
    pub fn new(start: Date, end: Date) -> Option<DateRange> {
        (start <= end).then_some(DateRange { start, end })
    }

    pub fn month(year: i32, month: u32) -> Option<DateRange> {
        DateRange::new(Date::first_of_month(year, month)?, Date::last_of_month(year, month)?)
    }

    pub fn months(y1: i32, m1: u32, y2: i32, m2: u32) -> Option<DateRange> {
        DateRange::new(Date::first_of_month(y1, m1)?, Date::last_of_month(y2, m2)?)
    }

    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }

    /// `01.04.2020 – 30.04.2020`, or one date when start and end coincide.
    pub fn ru(&self) -> String {
        if self.start == self.end {
            self.start.ru()
        } else {
            format!("{} – {}", self.start.ru(), self.end.ru())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for z in [-25_567i64, -1, 0, 1, 11_016, 18_262, 19_000, 47_482] {
            let d = Date::from_days(z).unwrap();
            assert_eq!(d.days(), z, "{d:?}");
        }
        assert_eq!(Date::new(2024, 2, 29).unwrap().days() + 1, Date::new(2024, 3, 1).unwrap().days());
    }

    #[test]
    fn validation_and_text() {
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2024, 13, 1).is_none());
        assert_eq!(Date::parse("27.08.2021").unwrap().iso(), "2021-08-27");
        assert_eq!(Date::parse("2021-08-27").unwrap().ru(), "27.08.2021");
        assert!(Date::parse("2021-08").is_none());
        assert!(Date::parse("99999999999999999999.1.1").is_none());
        assert_eq!(serde_json::to_string(&Date::new(2020, 4, 1).unwrap()).unwrap(), "\"2020-04-01\"");
    }
}
