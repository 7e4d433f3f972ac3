//! API keys: bearer tokens bound to teams. Only SHA-256 digests of the keys are on disk,
//! and a presented key's digest is compared with every configured digest in constant time.

use super::error::ApiError;
use super::requests::RequestLog;
use super::{AppState, ServerError};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::Path;
use subtle::ConstantTimeEq;

/// Team of requests when the server runs without keys (loopback only).
pub const LOCAL_TEAM: &str = "local";

/// One entry of the keys file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyEntry {
    team: String,
    key_sha256: String,
}

/// What is wrong with a keys file's text, by entry (`[2].key_sha256: ...`).
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    /// Not a JSON list of `{"team", "key_sha256"}` objects.
    #[error("{0}")]
    Json(serde_json::Error),
    /// An empty list would lock every client out.
    #[error("no keys: list at least one {{\"team\", \"key_sha256\"}}")]
    Empty,
    /// Entry `i` has no team name.
    #[error("[{0}].team: must be a non-empty string")]
    Team(usize),
    /// Entry `i`'s digest is not 64 hex digits.
    #[error("[{0}].key_sha256: must be 64 hex digits (the SHA-256 of the key)")]
    Digest(usize),
}

/// The configured keys: `(team, SHA-256 of the key)`.
#[derive(Debug, Clone, Default)]
pub struct Keys(Vec<(String, [u8; 32])>);

impl Keys {
    /// Reads a keys file: `[{"team": "north", "key_sha256": "<64 hex digits>"}]`.
    pub fn load(path: &Path) -> Result<Keys, ServerError> {
        let text = std::fs::read_to_string(path).map_err(|error| ServerError::ReadKeys {
            path: path.into(),
            error,
        })?;
        Keys::parse(&text).map_err(|error| ServerError::Keys {
            path: path.into(),
            error,
        })
    }

    /// Parses the keys file's text.
    pub fn parse(text: &str) -> Result<Keys, KeysError> {
        let entries: Vec<KeyEntry> = serde_json::from_str(text).map_err(KeysError::Json)?;
        if entries.is_empty() {
            return Err(KeysError::Empty);
        }
        let mut out = Vec::with_capacity(entries.len());
        for (i, e) in entries.into_iter().enumerate() {
            if e.team.trim().is_empty() {
                return Err(KeysError::Team(i));
            }
            let digest = parse_hex32(&e.key_sha256).ok_or(KeysError::Digest(i))?;
            out.push((e.team, digest));
        }
        Ok(Keys(out))
    }

    /// A key list from `(team, key)` pairs (for tests and tools).
    pub fn from_plain(pairs: &[(&str, &str)]) -> Keys {
        Keys(
            pairs
                .iter()
                .map(|(t, k)| (t.to_string(), sha256(k.as_bytes())))
                .collect(),
        )
    }

    /// The team a presented key belongs to. Every digest is compared, whatever matches.
    pub fn team(&self, key: &str) -> Option<&str> {
        let d = sha256(key.as_bytes());
        let mut found = None;
        for (team, k) in &self.0 {
            if bool::from(k.ct_eq(&d)) {
                found = Some(team.as_str());
            }
        }
        found
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&Sha256::digest(data));
    out
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex32(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The team making the request (from its bearer key, or [`LOCAL_TEAM`] without keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team(pub String);

impl FromRequestParts<AppState> for Team {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let team = team_of(parts, state)?;
        // The request's log line names the team (never the key).
        if let Some(log) = parts.extensions.get::<RequestLog>() {
            log.set_team(&team.0);
        }
        Ok(team)
    }
}

fn team_of(parts: &Parts, state: &AppState) -> Result<Team, ApiError> {
    let Some(keys) = &state.config().keys else {
        return Ok(Team(LOCAL_TEAM.to_string()));
    };
    let token = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(ApiError::Unauthorized)?;
    keys.team(token)
        .map(|t| Team(t.to_string()))
        .ok_or(ApiError::Unauthorized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_by_digest() {
        let digest = hex(&sha256(b"secret-north"));
        let keys =
            Keys::parse(&format!(r#"[{{"team": "north", "key_sha256": "{digest}"}}]"#)).expect("valid keys");
        assert_eq!(keys.team("secret-north"), Some("north"));
        assert_eq!(keys.team("secret-south"), None);
        assert!(Keys::parse(r#"[{"team": "x", "key_sha256": "abc"}]"#).is_err());
        assert!(Keys::parse("[]").is_err());
    }

    /// An operator reads these on the terminal: they name the file, the entry and the fix.
    #[test]
    fn keys_file_errors_name_the_file_and_the_entry() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("keys.json");
        let missing = Keys::load(&path).expect_err("no file");
        assert!(
            missing
                .to_string()
                .starts_with(&format!("cannot read keys file {}: ", path.display())),
            "{missing}"
        );
        std::fs::write(&path, r#"[{"team": "north", "key_sha256": "abc"}]"#)?;
        let bad = Keys::load(&path).expect_err("bad digest");
        assert_eq!(
            bad.to_string(),
            format!(
                "keys file {}: [0].key_sha256: must be 64 hex digits (the SHA-256 of the key)",
                path.display()
            )
        );
        Ok(())
    }
}
