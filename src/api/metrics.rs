//! Prometheus text metrics, kept by hand (a few counters and two histograms do not need a
//! metrics framework): requests by route and status, request latency and solve time
//! histograms; visit-log rows stored and refused and erasures carried out (counts only:
//! no team, staff or client); jobs by state are read from the store when scraped.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Histogram bucket upper bounds, seconds.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Debug, Clone, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (c, &b) in self.counts.iter_mut().zip(BUCKETS.iter()) {
            if secs <= b {
                *c += 1;
            }
        }
        self.count += 1;
        self.sum += secs;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (c, b) in self.counts.iter().zip(BUCKETS.iter()) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{b}\"}} {c}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}", self.count);
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Debug, Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    solves: Histogram,
    logs_stored: u64,
    logs_refused: u64,
    log_erasures: u64,
}

/// The server's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a finished request.
    pub fn request(&self, method: &str, route: &str, status: u16, secs: f64) {
        let mut m = self.lock();
        *m.requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        m.latency.entry(route.to_string()).or_default().observe(secs);
    }

    /// Records a finished solve.
    pub fn solve(&self, secs: f64) {
        self.lock().solves.observe(secs);
    }

    /// Records a batch of visit logs: rows newly stored and rows refused (duplicates are
    /// neither).
    pub fn visit_logs(&self, stored: usize, refused: usize) {
        let mut m = self.lock();
        m.logs_stored += stored as u64;
        m.logs_refused += refused as u64;
    }

    /// Records an erasure of visit logs carried out (one request, however many rows).
    pub fn visit_log_erasure(&self) {
        self.lock().log_erasures += 1;
    }

    /// The Prometheus text exposition, with `jobs` (state, count) added.
    pub fn render(&self, jobs: &[(&str, i64)], running_solves: usize) -> String {
        let m = self.lock();
        let mut out = String::new();
        out.push_str("# HELP carerounds_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE carerounds_http_requests_total counter\n");
        for ((method, route, status), n) in &m.requests {
            let _ = writeln!(
                out,
                "carerounds_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP carerounds_http_request_duration_seconds Request latency by route.\n");
        out.push_str("# TYPE carerounds_http_request_duration_seconds histogram\n");
        for (route, h) in &m.latency {
            h.write(
                &mut out,
                "carerounds_http_request_duration_seconds",
                &format!("route=\"{route}\""),
            );
        }
        out.push_str(
            "# HELP carerounds_solve_duration_seconds Wall-clock seconds per solve (jobs and /v1/plans).\n",
        );
        out.push_str("# TYPE carerounds_solve_duration_seconds histogram\n");
        m.solves.write(&mut out, "carerounds_solve_duration_seconds", "");
        out.push_str("# HELP carerounds_jobs Jobs in the store by state.\n");
        out.push_str("# TYPE carerounds_jobs gauge\n");
        for (state, n) in jobs {
            let _ = writeln!(out, "carerounds_jobs{{state=\"{state}\"}} {n}");
        }
        out.push_str("# HELP carerounds_solves_running Solves running now.\n");
        out.push_str("# TYPE carerounds_solves_running gauge\n");
        let _ = writeln!(out, "carerounds_solves_running {running_solves}");
        for (name, help, n) in [
            (
                "carerounds_visit_logs_stored_total",
                "Visit-log rows stored (new records; duplicates not counted).",
                m.logs_stored,
            ),
            (
                "carerounds_visit_logs_refused_total",
                "Visit-log rows refused as unreadable.",
                m.logs_refused,
            ),
            (
                "carerounds_visit_log_erasures_total",
                "Visit-log erasure requests carried out (DELETE /v1/visit-logs).",
                m.log_erasures,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            let _ = writeln!(out, "{name} {n}");
        }
        out
    }
}
