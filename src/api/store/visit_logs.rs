//! Stored visit logs (`POST /v1/visit-logs`): ids and times only, per team, in the
//! `visit_logs` table of the job store (see `schema`).
//!
//! A record's key is (team, staff, visit, client, date, started): the (team,
//! staff, visit, started), with the client and date added so that a record without a visit
//! id (client + date) has a key too, and a visit id reused on another day is another
//! record when the date is given. Absent fields are stored as `''` (SQLite treats NULLs
//! as distinct in a UNIQUE key, which would let repeats in). Rows are inserted with `ON
//! CONFLICT DO NOTHING`, so a phone that re-sends a batch stores nothing twice; a batch is
//! one transaction (all its good records stored, or none).
//!
//! Each record has a `day` for filtering: its `date`, or the UTC day it was received when
//! it has none. Retention ([`SqliteStore::sweep_logs`]) goes by the received time, as for jobs
//! by their finish; erasure ([`SqliteStore::erase_logs`]) runs under `secure_delete` and
//! truncates the WAL, as job erasure does.

use super::retention::truncate_wal;
use super::SqliteStore;
use crate::model::time::Clock;
use crate::monitor::VisitLog;
use rusqlite::{params, Result};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A stored record, as `GET /v1/visit-logs` answers it. Times are `HH:MM:SS` from the
/// day's 00:00, as the readers take them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StoredLog {
    /// Staff id.
    pub staff: String,
    /// Visit id, when the log had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    /// Client id, when the log had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// The log's date `YYYY-MM-DD`, when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The day the filters go by: `date`, or the UTC day received.
    pub day: String,
    /// Arrival, `HH:MM:SS`.
    pub arrived: String,
    /// Start of care, `HH:MM:SS`.
    pub started: String,
    /// End of care, `HH:MM:SS`.
    pub ended: String,
    /// Reason code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When the server stored it, Unix milliseconds.
    pub received_ms: i64,
}

/// Which stored records a read or an erasure covers (all given filters apply; days are
/// `YYYY-MM-DD`, inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// First day.
    pub from: Option<String>,
    /// Last day.
    pub to: Option<String>,
    /// One staff member.
    pub staff: Option<String>,
}

/// What a batch insert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inserted {
    /// New records stored.
    pub stored: usize,
    /// Records already stored (or repeated within the batch), not stored again.
    pub duplicates: usize,
}

const WHERE: &str = "team = ?1 AND (?2 IS NULL OR day >= ?2) AND (?3 IS NULL OR day <= ?3)
     AND (?4 IS NULL OR staff = ?4)";

/// Minutes from 00:00 as whole seconds (what the key compares).
pub(super) fn seconds(min: f64) -> i64 {
    (min * 60.0).round() as i64
}

pub(super) fn clock(s: i64) -> String {
    Clock(s as f64 / 60.0).to_string()
}

/// The UTC day (`YYYY-MM-DD`) of a Unix time in milliseconds (H. Hinnant's
/// `civil_from_days`).
pub fn utc_day(ms: i64) -> String {
    let z = ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl SqliteStore {
    /// Stores `logs` of `team` received at `now_ms`, in one transaction: records already
    /// stored are counted as duplicates and left as they were.
    pub fn insert_logs(&self, team: &str, logs: &[VisitLog], now_ms: i64) -> Result<Inserted> {
        let today = utc_day(now_ms);
        self.with(|c| {
            let tx = c.unchecked_transaction()?;
            let mut stored = 0;
            {
                let mut st = tx.prepare_cached(
                    "INSERT INTO visit_logs (team, staff, visit, client, date, day, arrived_s, started_s,
                     ended_s, note, received_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                     ON CONFLICT DO NOTHING",
                )?;
                for l in logs {
                    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                    let day = l.date.clone().unwrap_or_else(|| today.clone());
                    stored += st.execute(params![
                        team,
                        l.staff,
                        opt(&l.visit),
                        opt(&l.client),
                        opt(&l.date),
                        day,
                        seconds(l.arrived),
                        seconds(l.started),
                        seconds(l.ended),
                        l.note,
                        now_ms
                    ])?;
                }
            }
            tx.commit()?;
            Ok(Inserted {
                stored,
                duplicates: logs.len() - stored,
            })
        })
    }

    /// `team`'s stored records matching `filter`, by day, staff and start; at most
    /// `limit`.
    pub fn logs(&self, team: &str, filter: &LogFilter, limit: usize) -> Result<Vec<StoredLog>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT staff, visit, client, date, day, arrived_s, started_s, ended_s, note, received_ms
                 FROM visit_logs WHERE {WHERE} ORDER BY day, staff, started_s, visit, client LIMIT ?5"
            ))?;
            let some = |s: String| Some(s).filter(|s| !s.is_empty());
            let rows = st.query_map(params![team, filter.from, filter.to, filter.staff, limit], |r| {
                Ok(StoredLog {
                    staff: r.get(0)?,
                    visit: some(r.get(1)?),
                    client: some(r.get(2)?),
                    date: some(r.get(3)?),
                    day: r.get(4)?,
                    arrived: clock(r.get(5)?),
                    started: clock(r.get(6)?),
                    ended: clock(r.get(7)?),
                    note: r.get(8)?,
                    received_ms: r.get(9)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Deletes `team`'s records matching `filter` (overwritten on disk, WAL truncated);
    /// returns how many.
    pub fn erase_logs(&self, team: &str, filter: &LogFilter) -> Result<usize> {
        self.with(|c| {
            let n = c.execute(
                &format!("DELETE FROM visit_logs WHERE {WHERE}"),
                params![team, filter.from, filter.to, filter.staff],
            )?;
            if n > 0 {
                truncate_wal(c)?;
            }
            Ok(n)
        })
    }

    /// Deletes every record received more than `retain` before `now_ms`; returns how many.
    pub fn sweep_logs(&self, now_ms: i64, retain: Duration) -> Result<usize> {
        let cutoff = now_ms.saturating_sub(i64::try_from(retain.as_millis()).unwrap_or(i64::MAX));
        self.with(|c| {
            let n = c.execute("DELETE FROM visit_logs WHERE received_ms < ?1", params![cutoff])?;
            if n > 0 {
                truncate_wal(c)?;
            }
            Ok(n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::LogSource;

    fn log(staff: &str, visit: Option<&str>, started: f64) -> VisitLog {
        VisitLog {
            source: LogSource::Index(0),
            staff: staff.into(),
            visit: visit.map(str::to_string),
            client: visit.is_none().then(|| "c1".to_string()),
            date: visit.is_none().then(|| "2025-03-04".to_string()),
            arrived: started,
            started,
            ended: started + 30.0,
            note: None,
        }
    }

    #[test]
    fn utc_days() {
        assert_eq!(utc_day(0), "1970-01-01");
        assert_eq!(utc_day(951_782_400_000), "2000-02-29");
        assert_eq!(utc_day(1_741_046_400_000 + 86_399_999), "2025-03-04");
    }

    #[test]
    fn repeats_are_stored_once_and_retention_goes_by_receipt() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(dir.path()).expect("open");
        let batch = [
            log("ann", Some("v1"), 540.0),
            log("ann", None, 600.0),
            log("ann", None, 600.0),
        ];
        let now = 1_741_046_400_000;
        let first = store.insert_logs("north", &batch, now).expect("insert");
        assert_eq!((first.stored, first.duplicates), (2, 1));
        let again = store.insert_logs("north", &batch, now).expect("insert");
        assert_eq!((again.stored, again.duplicates), (0, 3));
        assert_eq!(
            store
                .insert_logs("south", &batch[..1], now)
                .expect("insert")
                .stored,
            1
        );
        let all = store.logs("north", &LogFilter::default(), 10).expect("logs");
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].day, "2025-03-04");
        let day = Duration::from_secs(86_400);
        assert_eq!(store.sweep_logs(now + 86_400_000, 2 * day).expect("sweep"), 0);
        assert_eq!(store.sweep_logs(now + 3 * 86_400_000, 2 * day).expect("sweep"), 3);
    }
}
