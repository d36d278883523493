//! Wall-clock times as minutes since a fixed epoch.
//!
//! FORMAT.md times are local date-times without offset; every rule compares
//! them with a one-second tolerance, so the whole model works in `f64`
//! minutes and converts only at the edges.

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};

/// One second, in minutes: two times this close compare equal (FORMAT.md "Time").
pub const TIME_TOL: f64 = 1.0 / 60.0;

fn epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("2000-01-01 is a valid date")
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]]` into minutes since 2000-01-01T00:00.
///
/// # Errors
/// A sentence saying what is wrong with the text.
pub fn parse_time(text: &str) -> Result<f64, String> {
    let bad = || format!("not a date-time YYYY-MM-DDTHH:MM[:SS[.fff]]: {text:?}");
    // byte positions below slice the text: a multi-byte character would
    // put a slice boundary inside it (a panic), and none belongs in a time
    if !text.is_ascii() {
        return Err(bad());
    }
    let b = text.as_bytes();
    if b.len() < 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return Err(bad());
    }
    let digits = |r: std::ops::Range<usize>| -> Result<u32, String> {
        let s = &text[r];
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse::<u32>().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let (y, mo, d, h, mi) = (
        digits(0..4)?,
        digits(5..7)?,
        digits(8..10)?,
        digits(11..13)?,
        digits(14..16)?,
    );
    let mut sec = 0;
    let mut frac = 0.0;
    if b.len() > 16 {
        if b[16] != b':' || b.len() < 19 {
            return Err(bad());
        }
        sec = digits(17..19)?;
        if b.len() > 19 {
            if b[19] != b'.' || b.len() == 20 {
                return Err(bad());
            }
            let f = &text[19..];
            if !f[1..].bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            frac = f.parse::<f64>().map_err(|_| bad())?;
        }
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).map_err(|_| bad())?, mo, d)
        .ok_or_else(|| format!("no such date: {text:?}"))?;
    let dt = date
        .and_hms_opt(h, mi, sec)
        .ok_or_else(|| format!("no such time of day: {text:?}"))?;
    let delta = dt - epoch();
    #[allow(clippy::cast_precision_loss)]
    let minutes = delta.num_seconds() as f64 / 60.0;
    Ok(minutes + frac / 60.0)
}

/// Minutes from the epoch to the latest time written (year 9999): later
/// (or non-finite) values, which only arise in sentences about impossible
/// arrivals, are written as that bound instead of overflowing.
const MAX_WRITTEN: f64 = 4_200_000_000.0;

/// Formats minutes since the epoch as `YYYY-MM-DDTHH:MM[:SS[.fff]]`,
/// rounded to the millisecond, with the shortest exact form.
#[must_use]
pub fn format_time(minutes: f64) -> String {
    let minutes = if minutes.is_nan() {
        0.0
    } else {
        minutes.clamp(-MAX_WRITTEN / 4.0, MAX_WRITTEN)
    };
    #[allow(clippy::cast_possible_truncation)]
    let ms = (minutes * 60_000.0).round() as i64;
    let dt = epoch() + Duration::milliseconds(ms);
    let frac = ms.rem_euclid(1000);
    if frac != 0 {
        format!("{}.{frac:03}", dt.format("%Y-%m-%dT%H:%M:%S"))
    } else if dt.second() != 0 {
        dt.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M").to_string()
    }
}

/// `HH:MM` of a time, for sentences a dispatcher reads.
#[must_use]
pub fn clock(minutes: f64) -> String {
    let t = format_time(minutes);
    t.get(11..16).unwrap_or(&t).to_string()
}

/// Minutes since the epoch of midnight on the day holding `minutes`.
#[must_use]
pub fn midnight(minutes: f64) -> f64 {
    (minutes / 1440.0).floor() * 1440.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_minutes_seconds_and_fractions() {
        for text in [
            "2026-11-26T08:00",
            "2026-11-26T08:06:59",
            "2026-11-26T23:59:59.250",
        ] {
            let m = parse_time(text).unwrap();
            assert_eq!(format_time(m), text);
        }
        let a = parse_time("2026-11-26T08:00").unwrap();
        let b = parse_time("2026-11-26T09:30:30").unwrap();
        assert!((b - a - 90.5).abs() < 1e-9);
    }

    #[test]
    fn rejects_malformed_and_impossible_times() {
        for text in [
            "",
            "2026-11-26",
            "2026-11-26 08:00",
            "2026-13-01T08:00",
            "2026-02-30T08:00",
            "2026-11-26T25:00",
            "2026-11-26T08:00Z",
            "2026-11-26T08:00:00.",
            "NaN",
            "2026-11-26T08:0\u{e9}",
            "2026-11-26T08:00:0\u{e9}",
        ] {
            assert!(parse_time(text).is_err(), "{text} accepted");
        }
    }

    #[test]
    fn far_and_non_finite_times_format_without_panic() {
        for m in [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e300,
            -1e300,
            4.3e9,
        ] {
            let t = format_time(m);
            assert!(t.len() >= 16, "{t}");
        }
    }

    #[test]
    fn clock_reads_hours_and_minutes() {
        assert_eq!(clock(parse_time("2026-11-26T13:05:40").unwrap()), "13:05");
    }
}
