//! RFC 3339 times (`2024-05-01T12:00:00Z`, `…+02:00`, fractions) to Unix seconds and back,
//! without a calendar crate: the days-from-civil algorithm of Howard Hinnant
//! (<https://howardhinnant.github.io/date_algorithms.html>).

use super::error::BuildError;

/// Unix seconds of an RFC 3339 time (fractions dropped: tar headers hold whole seconds).
///
/// # Errors
/// A sentence when the text is not `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` with a real date, or is
/// before 1970 (tar's unsigned field).
///
/// ```
/// use tarsier::core::build::parse_rfc3339;
/// assert_eq!(parse_rfc3339("1970-01-02T00:00:00Z").unwrap(), 86_400);
/// assert_eq!(parse_rfc3339("2024-02-29T01:00:00+01:00").unwrap(), 1_709_164_800);
/// ```
pub fn parse_rfc3339(text: &str) -> Result<u64, BuildError> {
    let bad = || BuildError::Invalid(format!("the time {} is not an RFC 3339 time such as 2024-05-01T12:00:00Z", text.escape_debug()));
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, BuildError> {
        let s = text.get(r).ok_or_else(bad)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = text.get(19..).ok_or_else(bad)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        rest = frac.get(digits..).ok_or_else(bad)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) && rest.get(3..4) == Some(":") => {
            let two = |r: std::ops::Range<usize>| rest.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit())).and_then(|s| s.parse::<i64>().ok()).ok_or_else(bad);
            let (hh, mm) = (two(1..3)?, two(4..6)?);
            if hh > 23 || mm > 59 {
                return Err(bad());
            }
            (hh * 60 + mm) * 60 * if rest.starts_with('-') { -1 } else { 1 }
        }
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return Err(bad());
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s.min(59) - offset;
    u64::try_from(secs).map_err(|_| BuildError::Invalid(format!("the time {text} is before 1970, which tar cannot hold")))
}

/// Unix seconds as RFC 3339 in UTC (`2024-05-01T12:00:00Z`), what `--created now` writes.
///
/// ```
/// use tarsier::core::build::{format_rfc3339, parse_rfc3339};
/// assert_eq!(format_rfc3339(1_714_564_800), "2024-05-01T12:00:00Z");
/// assert_eq!(parse_rfc3339(&format_rfc3339(951_868_799)).unwrap(), 951_868_799);
/// ```
pub fn format_rfc3339(secs: u64) -> String {
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = crate::core::image::civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_against_date_1() {
        // `date -u -d 2000-03-01T00:00:00Z +%s` and friends (GNU coreutils).
        for (t, want) in [
            ("2000-03-01T00:00:00Z", 951_868_800),
            ("1999-12-31T23:59:59Z", 946_684_799),
            ("2038-01-19T03:14:08Z", 2_147_483_648),
            ("2024-05-01T12:00:00.123456789Z", 1_714_564_800),
            ("2024-05-01T12:00:00-07:30", 1_714_591_800),
        ] {
            assert_eq!(parse_rfc3339(t).unwrap(), want, "{t}");
        }
        for bad in ["", "2024-02-30T00:00:00Z", "2024-05-01 12:00", "1969-12-31T23:59:59Z", "2024-05-01T12:00:00", "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+2:00"] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
        // Hour 24 and minute 60 are invalid dates to `date` too; second 61 and offsets past
        // 23:59 are outside RFC 3339 (`date` takes `+24:00`; RFC 3339's time-numoffset does not).
        for bad in ["2024-05-01T24:00:00Z", "2024-05-01T23:60:00Z", "2024-05-01T23:59:61Z", "2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00+23:60"] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
        // RFC 3339's leap second (`date` refuses it) is the second before.
        assert_eq!(parse_rfc3339("2016-12-31T23:59:60Z").unwrap(), 1_483_228_799);
    }
}
