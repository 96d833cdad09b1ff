//! When an event takes place: its first day, an optional last day (an
//! internship or a course runs for days), and optional start and end
//! times of the day, as people write them («10:00», «10.00», «9:30»).
//! Times are the region's wall clock: the region's people meet in it.

pub use jiff::civil::Time;
use opora_plans::date::Date;

/// Why a schedule cannot be: in Russian, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("время «{0}» не распознано: напишите часы и минуты, например 10:00 или 14.30")]
    BadTime(String),
    #[error("последний день {last} раньше первого {first}: исправьте даты")]
    EndsBeforeStart { first: String, last: String },
    #[error("окончание {end} не позже начала {start}: исправьте время")]
    EndTimeBeforeStart { start: String, end: String },
    #[error("мероприятие длится больше года ({first}–{last}): проверьте даты")]
    TooLong { first: String, last: String },
}

/// When an event takes place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub starts_on: Date,
    /// The last day of an event of several days; `None`: one day.
    pub ends_on: Option<Date>,
    pub starts_at: Option<Time>,
    pub ends_at: Option<Time>,
}

/// Reads a time of day: «10:00», «10.00», «9:30», «9 30», «10».
pub fn parse_time(text: &str) -> Result<Option<Time>, ScheduleError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || ScheduleError::BadTime(t.to_string());
    let mut parts = t.split([':', '.', ' ', 'ч']).filter(|p| !p.is_empty());
    let hour: i8 = parts.next().and_then(|h| h.parse().ok()).ok_or_else(bad)?;
    let minute: i8 = match parts.next() {
        Some(m) if m.len() == 2 => m.parse().map_err(|_| bad())?,
        Some(_) => return Err(bad()),
        None => 0,
    };
    if parts.next().is_some() {
        return Err(bad());
    }
    Time::new(hour, minute, 0, 0).map(Some).map_err(|_| bad())
}

/// «10:00».
pub fn time_text(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

impl Schedule {
    /// Checks the parts together: the last day not before the first, the
    /// end time after the start on a one-day event, at most a year.
    pub fn new(
        starts_on: Date,
        ends_on: Option<Date>,
        starts_at: Option<Time>,
        ends_at: Option<Time>,
    ) -> Result<Schedule, ScheduleError> {
        let ends_on = ends_on.filter(|e| *e != starts_on);
        if let Some(last) = ends_on {
            if last < starts_on {
                return Err(ScheduleError::EndsBeforeStart {
                    first: starts_on.ru(),
                    last: last.ru(),
                });
            }
            if last.days() - starts_on.days() > 365 {
                return Err(ScheduleError::TooLong {
                    first: starts_on.ru(),
                    last: last.ru(),
                });
            }
        }
        if let (None, Some(start), Some(end)) = (ends_on, starts_at, ends_at) {
            if end <= start {
                return Err(ScheduleError::EndTimeBeforeStart {
                    start: time_text(start),
                    end: time_text(end),
                });
            }
        }
        Ok(Schedule {
            starts_on,
            ends_on,
            starts_at,
            ends_at,
        })
    }

    /// The last day (the first for a one-day event).
    pub fn last_day(&self) -> Date {
        self.ends_on.unwrap_or(self.starts_on)
    }

    /// Whether it takes place on `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.starts_on <= day && day <= self.last_day()
    }

    /// Whether it is over by `today` (its last day is before it).
    pub fn is_past(&self, today: Date) -> bool {
        self.last_day() < today
    }

    /// «05.12.2026, 10:00–12:00», «01.12.2026–05.12.2026, с 09:00».
    pub fn ru(&self) -> String {
        let days = match self.ends_on {
            Some(last) => format!("{}–{}", self.starts_on.ru(), last.ru()),
            None => self.starts_on.ru(),
        };
        match self.times_ru() {
            Some(times) => format!("{days}, {times}"),
            None => days,
        }
    }

    /// «10:00–12:00», «с 10:00», «до 12:00».
    pub fn times_ru(&self) -> Option<String> {
        match (self.starts_at, self.ends_at) {
            (Some(s), Some(e)) => Some(format!("{}–{}", time_text(s), time_text(e))),
            (Some(s), None) => Some(format!("с {}", time_text(s))),
            (None, Some(e)) => Some(format!("до {}", time_text(e))),
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn t(s: &str) -> Option<Time> {
        parse_time(s).unwrap()
    }

    #[test]
    fn times_are_read_as_people_write_them() {
        assert_eq!(t("10:00"), Some(Time::constant(10, 0, 0, 0)));
        assert_eq!(t("14.30"), Some(Time::constant(14, 30, 0, 0)));
        assert_eq!(t(" 9:05 "), Some(Time::constant(9, 5, 0, 0)));
        assert_eq!(t("9 30"), Some(Time::constant(9, 30, 0, 0)));
        assert_eq!(t("10"), Some(Time::constant(10, 0, 0, 0)));
        assert_eq!(t(""), None);
        for bad in ["25:00", "10:75", "10:5", "десять", "10:00:00"] {
            let e = parse_time(bad).unwrap_err().to_string();
            assert!(e.contains(bad) && e.contains("10:00"), "{e}");
        }
    }

    #[test]
    fn a_one_day_event_is_shown_with_its_hours() {
        let s = Schedule::new(d("05.12.2026"), None, t("10:00"), t("12:30")).unwrap();
        assert_eq!(s.ru(), "05.12.2026, 10:00–12:30");
        assert!(s.covers(d("05.12.2026")));
        assert!(!s.covers(d("06.12.2026")));
        assert!(!s.is_past(d("05.12.2026")));
        assert!(s.is_past(d("06.12.2026")));
    }

    #[test]
    fn an_event_of_several_days_covers_each_of_them() {
        let s = Schedule::new(d("01.12.2026"), Some(d("05.12.2026")), t("9:00"), None).unwrap();
        assert_eq!(s.ru(), "01.12.2026–05.12.2026, с 09:00");
        assert!(s.covers(d("03.12.2026")));
        assert_eq!(s.last_day(), d("05.12.2026"));
        // The same day twice is one day.
        let one = Schedule::new(d("01.12.2026"), Some(d("01.12.2026")), None, None).unwrap();
        assert_eq!(one.ends_on, None);
        assert_eq!(one.ru(), "01.12.2026");
    }

    #[test]
    fn impossible_schedules_are_refused_with_the_fix() {
        let e = Schedule::new(d("05.12.2026"), Some(d("01.12.2026")), None, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "последний день 01.12.2026 раньше первого 05.12.2026: исправьте даты"
        );
        let e = Schedule::new(d("05.12.2026"), None, t("12:00"), t("10:00")).unwrap_err();
        assert!(e
            .to_string()
            .contains("окончание 10:00 не позже начала 12:00"));
        let e = Schedule::new(d("05.12.2026"), Some(d("06.12.2027")), None, None).unwrap_err();
        assert!(e.to_string().contains("больше года"));
        // Over several days the end time may be earlier than the start.
        assert!(Schedule::new(
            d("05.12.2026"),
            Some(d("06.12.2026")),
            t("14:00"),
            t("12:00")
        )
        .is_ok());
    }
}
