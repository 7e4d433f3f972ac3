//! Clock times: minutes since the planning day's 00:00, written as `"HH:MM[:SS]"`.
//!
//! Inputs accept `"HH:MM"`, `"HH:MM:SS"` or a JSON number of minutes; hours may pass 23
//! when a horizon runs past midnight. Plans always write `"HH:MM:SS"` rounded to the
//! nearest second, so a human can read them and a booking system can parse them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A clock time as given in the input, before it is checked (so errors can name the field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawClock {
    /// Minutes since 00:00.
    Minutes(f64),
    /// `"HH:MM"` or `"HH:MM:SS"`.
    Text(String),
}

/// A clock time that cannot be read. `Display` is the message a scheduler sees after the
/// field path; validation turns the variant into the input error's kind.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClockError {
    /// A number of minutes below 0 (or not finite).
    #[error("time {0} is not a valid number of minutes (use a number >= 0 or \"HH:MM\")")]
    Minutes(f64),
    /// Text that is not `"HH:MM"` or `"HH:MM:SS"`.
    #[error("time \"{0}\" is not \"HH:MM\" or \"HH:MM:SS\" (for example \"09:30\")")]
    Text(String),
}

impl RawClock {
    /// Minutes since 00:00, or what is wrong with the value.
    pub fn minutes(&self) -> Result<f64, ClockError> {
        match self {
            RawClock::Minutes(m) if m.is_finite() && *m >= 0.0 => Ok(*m),
            RawClock::Minutes(m) => Err(ClockError::Minutes(*m)),
            RawClock::Text(s) => parse_clock(s),
        }
    }
}

impl From<f64> for RawClock {
    fn from(m: f64) -> Self {
        RawClock::Minutes(m)
    }
}

/// Parses `"HH:MM"` or `"HH:MM:SS"` into minutes.
pub fn parse_clock(s: &str) -> Result<f64, ClockError> {
    let bad = || ClockError::Text(s.to_string());
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let mut nums = [0u32; 3];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        nums[i] = p.parse().map_err(|_| bad())?;
    }
    if nums[1] > 59 || nums[2] > 59 {
        return Err(bad());
    }
    Ok(nums[0] as f64 * 60.0 + nums[1] as f64 + nums[2] as f64 / 60.0)
}

/// Formats minutes as `"HH:MM:SS"`, rounded to the nearest second.
pub fn format_clock(minutes: f64) -> String {
    let secs = (minutes * 60.0).round().max(0.0) as u64;
    format!("{:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60)
}

/// Formats minutes as `"HH:MM"` for messages (seconds dropped when zero).
pub fn format_short(minutes: f64) -> String {
    let secs = (minutes * 60.0).round().max(0.0) as u64;
    if secs % 60 == 0 {
        format!("{:02}:{:02}", secs / 3600, (secs / 60) % 60)
    } else {
        format_clock(minutes)
    }
}

/// Formats minutes as `"HH:MM"` rounded to the nearest minute: times for people to read
/// (summaries, change lists), where seconds are noise.
pub fn format_minute(minutes: f64) -> String {
    format_short(minutes.round())
}

/// A time in a plan: serialised as `"HH:MM:SS"`, read from any accepted clock form.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Clock(pub f64);

impl Clock {
    /// Minutes since 00:00.
    pub fn minutes(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_clock(self.0))
    }
}

impl Serialize for Clock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_clock(self.0))
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawClock::deserialize(d)?;
        raw.minutes().map(Clock).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        assert_eq!(parse_clock("09:30").unwrap(), 570.0);
        assert_eq!(parse_clock("26:30").unwrap(), 1590.0);
        assert!((parse_clock("08:12:30").unwrap() - 492.5).abs() < 1e-9);
        assert!(parse_clock("9h30").is_err());
        assert!(parse_clock("09:60").is_err());
        assert!(parse_clock("").is_err());
        assert_eq!(format_clock(492.5), "08:12:30");
        assert_eq!(format_clock(1590.0), "26:30:00");
        assert_eq!(format_short(570.0), "09:30");
        assert!(RawClock::Minutes(-1.0).minutes().is_err());
    }
}
