//! Stored visit logs on PostgreSQL: the same table, key and statements as SQLite's (see
//! `store::visit_logs`), so a team's logs are in the one database its jobs are in.

use super::super::visit_logs::{clock, seconds, utc_day};
use super::super::{Inserted, LogFilter, StoredLog};
use super::PgStore;
use crate::api::store::StoreError;
use crate::monitor::VisitLog;
use std::time::Duration;

type Result<T> = std::result::Result<T, StoreError>;

const WHERE: &str = "team = $1 AND ($2::text IS NULL OR day >= $2) AND ($3::text IS NULL OR day <= $3)
     AND ($4::text IS NULL OR staff = $4)";

impl PgStore {
    /// Stores `logs` of `team` received at `now_ms`, in one transaction; repeats are
    /// counted as duplicates.
    pub fn insert_logs(&self, team: &str, logs: &[VisitLog], now_ms: i64) -> Result<Inserted> {
        let today = utc_day(now_ms);
        let stored = self.with(|c| {
            let mut tx = c.transaction()?;
            let st = tx.prepare(
                "INSERT INTO visit_logs (team, staff, visit, client, date, day, arrived_s, started_s,
                 ended_s, note, received_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT DO NOTHING",
            )?;
            let mut stored = 0;
            for l in logs {
                let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                let day = l.date.clone().unwrap_or_else(|| today.clone());
                stored += tx.execute(
                    &st,
                    &[
                        &team,
                        &l.staff,
                        &opt(&l.visit),
                        &opt(&l.client),
                        &opt(&l.date),
                        &day,
                        &seconds(l.arrived),
                        &seconds(l.started),
                        &seconds(l.ended),
                        &l.note,
                        &now_ms,
                    ],
                )? as usize;
            }
            tx.commit()?;
            Ok(stored)
        })?;
        Ok(Inserted {
            stored,
            duplicates: logs.len() - stored,
        })
    }

    /// `team`'s stored records matching `filter`, by day, staff and start; at most `limit`.
    pub fn logs(&self, team: &str, filter: &LogFilter, limit: usize) -> Result<Vec<StoredLog>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT staff, visit, client, date, day, arrived_s, started_s, ended_s, note, received_ms
             FROM visit_logs WHERE {WHERE} ORDER BY day, staff, started_s, visit, client LIMIT $5"
        );
        let rows = self.with(|c| {
            c.query(
                sql.as_str(),
                &[&team, &filter.from, &filter.to, &filter.staff, &limit],
            )
        })?;
        let some = |s: String| Some(s).filter(|s| !s.is_empty());
        Ok(rows
            .iter()
            .map(|r| StoredLog {
                staff: r.get(0),
                visit: some(r.get(1)),
                client: some(r.get(2)),
                date: some(r.get(3)),
                day: r.get(4),
                arrived: clock(r.get(5)),
                started: clock(r.get(6)),
                ended: clock(r.get(7)),
                note: r.get(8),
                received_ms: r.get(9),
            })
            .collect())
    }

    /// Deletes `team`'s records matching `filter`; returns how many.
    pub fn erase_logs(&self, team: &str, filter: &LogFilter) -> Result<usize> {
        let sql = format!("DELETE FROM visit_logs WHERE {WHERE}");
        self.with(|c| c.execute(sql.as_str(), &[&team, &filter.from, &filter.to, &filter.staff]))
            .map(|n| n as usize)
    }

    /// Deletes every record received more than `retain` before `now_ms`; returns how many.
    pub fn sweep_logs(&self, now_ms: i64, retain: Duration) -> Result<usize> {
        let cutoff = now_ms.saturating_sub(i64::try_from(retain.as_millis()).unwrap_or(i64::MAX));
        self.with(|c| c.execute("DELETE FROM visit_logs WHERE received_ms < $1", &[&cutoff]))
            .map(|n| n as usize)
    }
}
