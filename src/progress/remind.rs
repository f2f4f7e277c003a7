//! Reminder times: "HH:MM" in an IANA time zone on some days of the week, and the next moment
//! (in UTC) a reminder is due after a given one. Daylight saving is the zone's: a time that does
//! not exist that day (clocks jump forward) moves to the first minute after the gap.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::interview::Millis;

/// A parsed reminder setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub time: NaiveTime,
    pub zone: Tz,
    /// Empty: every day.
    pub days: Vec<Weekday>,
}

const DAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

/// Parses what the user typed; `Err` says what is wrong (nothing is stored then).
pub fn parse(time: &str, zone: &str, days: Option<&str>) -> Result<Spec, String> {
    let t = time.trim();
    let parsed = NaiveTime::parse_from_str(t, "%H:%M").ok().filter(|_| t.len() == 5 || t.len() == 4);
    let Some(time) = parsed else {
        return Err(format!(
            "`{t}` is not a time: give it as HH:MM on a 24-hour clock, e.g. 08:30 or 19:00."
        ));
    };
    let zone: Tz = zone.trim().parse().map_err(|_| {
        format!(
            "`{}` is not a time zone I know: use an Area/City name such as Europe/Berlin, America/New_York or Asia/Tokyo.",
            zone.trim()
        )
    })?;
    Ok(Spec {
        time,
        zone,
        days: parse_days(days.unwrap_or("daily"))?,
    })
}

fn parse_days(s: &str) -> Result<Vec<Weekday>, String> {
    let s = s.trim().to_lowercase();
    match s.as_str() {
        "" | "daily" | "every day" => return Ok(Vec::new()),
        "weekdays" => return Ok(DAYS[..5].iter().map(|d| d.1).collect()),
        "weekends" => return Ok(DAYS[5..].iter().map(|d| d.1).collect()),
        _ => {}
    }
    let mut out = Vec::new();
    for word in s.split([',', ' ']).filter(|w| !w.is_empty()) {
        let Some(&(_, d)) = DAYS.iter().find(|(n, _)| word.starts_with(n)) else {
            return Err(format!(
                "`{word}` is not a day: use daily, weekdays, weekends, or days like mon,wed,fri."
            ));
        };
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out.sort_by_key(|d| d.num_days_from_monday());
    Ok(out)
}

/// The days as stored and shown: "daily" or "mon,wed,fri".
pub fn days_text(days: &[Weekday]) -> String {
    if days.is_empty() {
        return "daily".into();
    }
    days.iter()
        .filter_map(|d| DAYS.iter().find(|(_, w)| w == d).map(|(n, _)| *n))
        .collect::<Vec<_>>()
        .join(",")
}

/// The first moment strictly after `after` when the reminder is due.
pub fn next_after(spec: &Spec, after: Millis) -> Millis {
    let now = Utc.timestamp_millis_opt(after).single().unwrap_or_default();
    let today: NaiveDate = now.with_timezone(&spec.zone).date_naive();
    for offset in 0..=8 {
        let day = today + Duration::days(offset);
        if !spec.days.is_empty() && !spec.days.contains(&day.weekday()) {
            continue;
        }
        if let Some(at) = local_moment(spec, day) {
            if at > after {
                return at;
            }
        }
    }
    // Unreachable for any valid spec (a week always holds an allowed day); a day on is safe.
    after + 86_400_000
}

fn local_moment(spec: &Spec, day: NaiveDate) -> Option<Millis> {
    let local = day.and_time(spec.time);
    // In a gap (clocks jump forward) try the following minutes until the clock exists again.
    (0..=180).find_map(|m| {
        spec.zone
            .from_local_datetime(&(local + Duration::minutes(m)))
            .earliest()
            .map(|t| t.timestamp_millis())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Millis {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().timestamp_millis()
    }

    #[test]
    fn next_is_the_local_time_in_the_zone() {
        let s = parse("09:00", "Europe/Berlin", None).unwrap();
        // Winter: Berlin is UTC+1, so 09:00 there is 08:00 UTC.
        assert_eq!(next_after(&s, utc(2026, 12, 1, 7, 0)), utc(2026, 12, 1, 8, 0));
        assert_eq!(next_after(&s, utc(2026, 12, 1, 8, 0)), utc(2026, 12, 2, 8, 0), "strictly after");
        // Summer: UTC+2.
        assert_eq!(next_after(&s, utc(2026, 7, 1, 0, 0)), utc(2026, 7, 1, 7, 0));
        let ny = parse("19:30", "America/New_York", Some("fri")).unwrap();
        // 2026-12-01 is a Tuesday; the next Friday is the 4th, 19:30 EST = 00:30 UTC on the 5th.
        assert_eq!(next_after(&ny, utc(2026, 12, 1, 12, 0)), utc(2026, 12, 5, 0, 30));
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_past_it() {
        // Berlin, 2026-03-29: clocks go from 02:00 to 03:00.
        let s = parse("02:30", "Europe/Berlin", None).unwrap();
        assert_eq!(next_after(&s, utc(2026, 3, 29, 0, 0)), utc(2026, 3, 29, 1, 0), "03:00 CEST");
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        assert!(parse("9am", "Europe/Berlin", None).unwrap_err().contains("HH:MM"));
        assert!(parse("25:00", "Europe/Berlin", None).is_err());
        assert!(parse("09:00", "Mars/Olympus", None).unwrap_err().contains("Area/City"));
        assert!(parse("09:00", "Europe/Berlin", Some("someday")).unwrap_err().contains("not a day"));
        let s = parse("07:05", "Asia/Tokyo", Some("Fri, mon wed")).unwrap();
        assert_eq!(days_text(&s.days), "mon,wed,fri");
        assert_eq!(
            days_text(&parse("07:05", "UTC", Some("weekdays")).unwrap().days),
            "mon,tue,wed,thu,fri"
        );
    }
}
