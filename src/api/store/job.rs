//! What the store holds about a job: where it is in its life, its row, and how it ended.

use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a solver slot.
    Queued,
    /// Being solved.
    Running,
    /// Solved: the plan is there.
    Done,
    /// Could not be solved: the error says why.
    Failed,
    /// Stopped by DELETE: the best plan found so far is there if the solve had started.
    Cancelled,
}

impl JobStatus {
    /// Every status, in order.
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    /// As stored and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    pub(super) fn parse(s: &str) -> JobStatus {
        match s {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "cancelled" => JobStatus::Cancelled,
            _ => JobStatus::Failed,
        }
    }

    /// Whether the job will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed | JobStatus::Cancelled)
    }
}

/// A stored job, without its problem.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    /// Job id.
    pub id: String,
    /// Owning team.
    pub team: String,
    /// Status.
    pub status: JobStatus,
    /// Visits in the problem.
    pub visits: i64,
    /// The plan JSON, when there is one.
    pub plan: Option<String>,
    /// Why the job failed (or a note on how it ended).
    pub error: Option<String>,
    /// Why the solver stopped: `completed`, `time_limit`, `cancelled`, `shutdown`.
    pub stop: Option<String>,
    /// Objective of the stored plan.
    pub objective: Option<f64>,
    /// Solve seconds.
    pub solve_s: Option<f64>,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub started_ms: Option<i64>,
    /// Unix milliseconds.
    pub finished_ms: Option<i64>,
    /// Times the job was re-queued after a restart (or, on PostgreSQL, taken over from a
    /// worker whose lease ran out).
    pub restarts: i64,
    /// A running job's progress as its worker last reported it (PostgreSQL: the worker
    /// may be another process; SQLite keeps progress in memory and leaves this `None`).
    pub progress: Option<StoredProgress>,
}

/// A running job's progress, as its worker writes it with each heartbeat so that any API
/// process can show it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredProgress {
    /// Seconds since the solve started.
    pub elapsed_s: f64,
    /// Objective of the best plan so far (none until the solver reports one).
    pub objective: Option<f64>,
    /// Required visits the best plan so far leaves out.
    pub unassigned: Option<i64>,
}

/// A job a worker has taken under a lease (PostgreSQL): what it needs to solve it, and
/// the token that proves the lease is still its own when it writes back.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    /// Job id.
    pub id: String,
    /// The problem JSON.
    pub problem: String,
    /// The best plan of an earlier attempt, to resume from.
    pub best_plan: Option<String>,
    /// Attempts before this one that were cut off.
    pub restarts: i64,
    /// This lease's token: every write of the worker compares it.
    pub lease: String,
    /// A DELETE asked the job to stop before this worker took it (its last worker died).
    pub cancel: bool,
}

/// How a job ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Final status.
    pub status: JobStatus,
    /// Plan JSON.
    pub plan: Option<String>,
    /// Error or note.
    pub error: Option<String>,
    /// Stop reason.
    pub stop: Option<String>,
    /// Objective of the plan.
    pub objective: Option<f64>,
    /// Solve seconds.
    pub solve_s: Option<f64>,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
