//! `--created` times: RFC 3339 text to the unsigned seconds a tar header holds, and back
//! (the calendar is `core::time`'s).

use super::error::BuildError;
use crate::core::time::{rfc3339_utc, unix_seconds};

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
    let secs = unix_seconds(text).ok_or_else(|| BuildError::Invalid(format!("the time {} is not an RFC 3339 time such as 2024-05-01T12:00:00Z", text.escape_debug())))?;
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
    rfc3339_utc(i64::try_from(secs).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_before_1970_are_refused_with_their_reason() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z").unwrap(), 0);
        let err = parse_rfc3339("1969-12-31T23:59:59Z").unwrap_err().to_string();
        assert!(err.contains("before 1970"), "{err}");
        let err = parse_rfc3339("2024-05-01 12:00").unwrap_err().to_string();
        assert!(err.contains("not an RFC 3339 time"), "{err}");
    }
}
