//! Times as Tarsier reads and prints them: RFC 3339 text (`2024-05-01T12:00:00Z`, `…+02:00`,
//! fractions) to Unix seconds and back, and dates in UTC, without a calendar crate. The calendar
//! is Howard Hinnant's `days_from_civil` / `civil_from_days`
//! (<https://howardhinnant.github.io/date_algorithms.html>), the proleptic Gregorian one GNU
//! date uses. Every date the product shows or writes goes through here: file times (`tarsier
//! ls`, the Files view), key dates, SBOM timestamps, `tarsier build --created`.

/// Unix seconds of an RFC 3339 time, `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` (`t` and `z`, and
/// a space for the `T`, as RFC 3339's note allows), with a real date; fractions are dropped and
/// the leap second `:60` is the second before. `None` when the text is not one.
///
/// ```
/// use tarsier::core::time::unix_seconds;
/// assert_eq!(unix_seconds("1970-01-02T00:00:00Z"), Some(86_400));
/// assert_eq!(unix_seconds("2024-02-29T01:00:00.5+01:00"), Some(1_709_164_800));
/// assert_eq!(unix_seconds("1969-12-31T23:59:59Z"), Some(-1));
/// assert_eq!(unix_seconds("2023-02-29T00:00:00Z"), None);
/// ```
pub fn unix_seconds(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r| num_in(text, r);
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = text.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = frac.get(digits..)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.get(3..4) == Some(":") => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let (hh, mm) = (num_in(rest, 1..3)?, num_in(rest, 4..6)?);
            if hh > 23 || mm > 59 {
                return None;
            }
            sign * (hh * 60 + mm) * 60
        }
        _ => return None,
    };
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s.min(59) - offset)
}

/// The decimal number in `text[r]`, digits only (no sign, no space).
fn num_in(text: &str, r: std::ops::Range<usize>) -> Option<i64> {
    text.get(r).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse().ok()
}

/// Unix seconds as RFC 3339 in UTC to the second (`2024-05-01T12:00:00Z`), as `date -u
/// +%Y-%m-%dT%H:%M:%SZ` prints them.
///
/// ```
/// assert_eq!(tarsier::core::time::rfc3339_utc(1_714_564_800), "2024-05-01T12:00:00Z");
/// assert_eq!(tarsier::core::time::rfc3339_utc(-1), "1969-12-31T23:59:59Z");
/// ```
pub fn rfc3339_utc(t: i64) -> String {
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// A Unix time as `YYYY-MM-DD HH:MM` in UTC, the way `TZ=UTC tar -tv` prints dates.
///
/// ```
/// assert_eq!(tarsier::core::time::utc_minutes(1_700_000_000), "2023-11-14 22:13");
/// assert_eq!(tarsier::core::time::utc_minutes(-1), "1969-12-31 23:59");
/// ```
pub fn utc_minutes(t: i64) -> String {
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// The proleptic Gregorian date of a day count since 1970-01-01: year, month 1–12, day 1–31.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1–12, day 1–31).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
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
            ("2024-03-01T00:30:00+01:00", 1_709_249_400),
            ("2024-05-01t12:00:00z", 1_714_564_800),
            ("2024-05-01 12:00:00Z", 1_714_564_800),
        ] {
            assert_eq!(unix_seconds(t), Some(want), "{t}");
        }
        for bad in [
            "",
            "2023-11-14",
            "2024-02-30T00:00:00Z",
            "2024-05-01 12:00",
            "2024-05-01T12:00:00",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12:00:00+2:00",
            "2024-05-01T12:00:00+02-00",
            "2024-05-01T12:00:00*02:00",
            "2024-05-01T12:00:00+0200",
            "2024-05-01T12:00:00Zz",
            "２０２３-11-14T22:13:20Z",
            "2024-05-01T12:00:00+-2:00",
            "2016-00-01T00:00:00Z",
            "2016-13-01T00:00:00Z",
            "2016-12-00T00:00:00Z",
            "2016-12-32T00:00:00Z",
            "2024x05-01T12:00:00Z",
            "2024-05x01T12:00:00Z",
            "2024-05-01x12:00:00Z",
            "2024-05-01T12x00:00Z",
            "2024-05-01T12:00x00Z",
        ] {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
        // Hour 24 and minute 60 are invalid dates to `date` too; second 61 and offsets past
        // 23:59 are outside RFC 3339 (`date` takes `+24:00`; RFC 3339's time-numoffset does not).
        for bad in ["2024-05-01T24:00:00Z", "2024-05-01T23:60:00Z", "2024-05-01T23:59:61Z", "2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00+23:60"] {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
        assert_eq!(unix_seconds("2024-05-01T12:00:00+23:59"), Some(1_714_564_800 - 86_340));
        // RFC 3339's leap second (`date` refuses it) is the second before.
        assert_eq!(unix_seconds("2016-12-31T23:59:60Z"), Some(1_483_228_799));
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 12, 31)), (2024, 12, 31));
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
    }
}
