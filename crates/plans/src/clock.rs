//! One clock for the whole product, in the region's time zone.
//!
//! Deadlines, «overdue», reports and the times shown on pages all ask this
//! module what day it is, so a deadline of 15.10 turns overdue at midnight in
//! the region, not at 03:00 (UTC midnight in Moscow). The zone is an IANA
//! name (default `Europe/Moscow`), set once at start from the configuration;
//! the time-zone database is compiled into the binary (jiff's bundled tzdb),
//! so the result does not depend on the machine's /usr/share/zoneinfo.
//! Stored times stay UTC text (`YYYY-MM-DDTHH:MM:SSZ`): they sort and compare
//! the same on both databases.

use crate::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::sync::RwLock;

/// The zone used until the configuration sets another.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";

static ZONE: RwLock<Option<TimeZone>> = RwLock::new(None);

/// An unknown time-zone name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("часовой пояс «{0}» неизвестен: укажите название из базы IANA, например Europe/Moscow, Asia/Yekaterinburg, Asia/Vladivostok")]
pub struct UnknownTimeZone(pub String);

/// The zone of a name, checked.
pub fn time_zone(name: &str) -> Result<TimeZone, UnknownTimeZone> {
    jiff::tz::db()
        .get(name.trim())
        .map_err(|_| UnknownTimeZone(name.trim().to_string()))
}

/// Sets the region's time zone for the whole process.
pub fn set_region_time_zone(name: &str) -> Result<(), UnknownTimeZone> {
    let zone = time_zone(name)?;
    *ZONE.write().unwrap_or_else(|e| e.into_inner()) = Some(zone);
    Ok(())
}

/// The region's time zone.
pub fn region_time_zone() -> TimeZone {
    if let Some(zone) = ZONE.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return zone.clone();
    }
    time_zone(DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC)
}

/// Today in the region.
pub fn today() -> Date {
    date_at(Timestamp::now())
}

/// The region's date at an instant.
pub fn date_at(at: Timestamp) -> Date {
    let d = at.to_zoned(region_time_zone()).date();
    Date::new(
        d.year().into(),
        d.month().unsigned_abs().into(),
        d.day().unsigned_abs().into(),
    )
    .unwrap_or_else(|| {
        Date::new(2000, 1, 1).expect("a valid date") // outside 1900–2200: a broken system clock
    })
}

/// Now, as stored: UTC `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_utc_text() -> String {
    utc_text_in(0)
}

/// The UTC time `secs_from_now` seconds from now, as stored.
pub fn utc_text_in(secs_from_now: i64) -> String {
    let at = Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(secs_from_now))
        .unwrap_or(Timestamp::now());
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A stored UTC time as the region's local `dd.mm.yyyy hh:mm`; `None` when
/// the text is not a stored time.
pub fn local_datetime_text(stored: &str) -> Option<String> {
    let at: Timestamp = stored.trim().parse().ok()?;
    Some(
        at.to_zoned(region_time_zone())
            .strftime("%d.%m.%Y %H:%M")
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_day_in_moscow_begins_three_hours_before_utc_midnight() {
        let moscow = time_zone("Europe/Moscow").unwrap();
        let local = |s: &str| at(s).to_zoned(moscow.clone()).date();
        assert_eq!(local("2026-10-15T20:59:59Z").to_string(), "2026-10-15");
        assert_eq!(local("2026-10-15T21:00:00Z").to_string(), "2026-10-16");
    }

    #[test]
    fn stored_times_are_shown_in_the_region_zone_and_unknown_zones_are_refused() {
        // The process-wide zone is Moscow unless set: tests never set another.
        assert_eq!(
            local_datetime_text("2026-11-30T21:30:00Z").as_deref(),
            Some("01.12.2026 00:30")
        );
        assert_eq!(local_datetime_text("вчера"), None);
        let err = time_zone("Europe/Moskva").unwrap_err();
        assert!(
            err.to_string().contains("«Europe/Moskva» неизвестен"),
            "{err}"
        );
        assert!(
            time_zone("Asia/Vladivostok").is_ok(),
            "the bundled database has every Russian zone"
        );
    }

    #[test]
    fn stored_time_text_round_trips() {
        let text = now_utc_text();
        assert_eq!(text.len(), 20);
        assert!(text.ends_with('Z'));
        assert!(local_datetime_text(&text).is_some());
    }
}
