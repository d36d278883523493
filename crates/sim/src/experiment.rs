//! Experiments: days × solvers replayed in parallel, and their outputs.
//!
//! Each (day, solver) run is independent and seeded from (seed, day), so
//! results are the same whatever thread ran them; they are sorted by day
//! and solver order before anything is written. Wall-clock solver times
//! are kept out of `days.csv` and `summary.md` (which must be
//! byte-identical for any thread count) and go to `timings.csv`.

use std::fmt::Write as _;

use autodispatch_model::Solver;
use rayon::prelude::*;
use serde::Serialize;

use crate::generate::generate_sim_day;
use crate::replay::{replay, AuditEntry, DayMetrics, DayOutcome, ReplayOptions};
use crate::scenario::Scenario;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    pub days: u32,
    pub seed: u64,
    pub solvers: Vec<String>,
    pub replay: ReplayOptions,
    /// Worker threads (0: rayon's default).
    pub threads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error("unknown solver {0:?}")]
    UnknownSolver(String),
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

/// One replayed day with one solver.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub day: u32,
    /// Index into [`Experiment::solvers`].
    pub solver: usize,
    pub outcome: DayOutcome,
}

/// Makes a solver by name; `None` for an unknown name.
pub type SolverFactory<'a> = &'a (dyn Fn(&str) -> Option<Box<dyn Solver>> + Sync);

/// Replays every day with every solver, in parallel; `progress` is called
/// once per finished run (from worker threads).
///
/// # Errors
/// An unknown solver name (checked before anything runs), or the thread pool.
pub fn run(
    sc: &Scenario,
    exp: &Experiment,
    make: SolverFactory<'_>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Run>, ExperimentError> {
    let mut runs = Vec::new();
    run_streaming(sc, exp, make, progress, &mut |r| runs.push(r))?;
    Ok(runs)
}

/// Like [`run`], but hands each run to `sink` in (day, solver) order as
/// soon as its block of days is done, so a caller that writes and drops
/// the bulky parts keeps memory flat however many days there are. Days go
/// in blocks of a few per worker; within a block they run in parallel.
///
/// # Errors
/// An unknown solver name (checked before anything runs), or the thread pool.
pub fn run_streaming(
    sc: &Scenario,
    exp: &Experiment,
    make: SolverFactory<'_>,
    progress: &(dyn Fn() + Sync),
    sink: &mut dyn FnMut(Run),
) -> Result<(), ExperimentError> {
    for name in &exp.solvers {
        if make(name).is_none() {
            return Err(ExperimentError::UnknownSolver(name.clone()));
        }
    }
    let pool = pool(exp.threads)?;
    let block = u32::try_from(pool.current_num_threads() * 4)
        .unwrap_or(u32::MAX)
        .max(8);
    let mut first = 0;
    while first < exp.days {
        let last = first.saturating_add(block).min(exp.days);
        let tasks: Vec<(u32, usize)> = (first..last)
            .flat_map(|d| (0..exp.solvers.len()).map(move |s| (d, s)))
            .collect();
        let mut runs: Vec<Run> = pool.install(|| {
            tasks
                .par_iter()
                .map(|&(day, s)| {
                    let solver = make(&exp.solvers[s]).expect("names checked above");
                    let sim_day = generate_sim_day(sc, exp.seed, day);
                    let outcome =
                        replay(sc, &sim_day, solver.as_ref(), &exp.replay, &mut |_, _| {});
                    progress();
                    Run {
                        day,
                        solver: s,
                        outcome,
                    }
                })
                .collect()
        });
        runs.sort_by_key(|r| (r.day, r.solver));
        for r in runs {
            sink(r);
        }
        first = last;
    }
    Ok(())
}

/// A worker pool of `threads` threads (0: rayon's default).
pub(crate) fn pool(threads: usize) -> Result<rayon::ThreadPool, ExperimentError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| ExperimentError::Threads(threads, e.to_string()))
}

impl Run {
    /// Drops what only the audit trail and the day-0 board need (audit,
    /// visits, jobs left, locations), keeping metrics, technicians and timings.
    pub fn lighten(&mut self) {
        let o = &mut self.outcome;
        o.audit = Vec::new();
        o.visits = Vec::new();
        o.left = Vec::new();
        o.homes = Vec::new();
        o.job_locations = std::collections::BTreeMap::new();
    }
}

/// A metric's column name and how to read it from a day's metrics.
type Column = (&'static str, fn(&DayMetrics) -> f64, bool);

#[allow(clippy::cast_precision_loss)]
const COLUMNS: [Column; 17] = [
    ("jobs", |m| m.jobs as f64, true),
    ("canceled", |m| m.canceled as f64, true),
    ("completed", |m| m.completed as f64, true),
    ("unassigned_end", |m| m.unassigned_end as f64, true),
    ("revenue_realised", |m| m.revenue_realised, false),
    ("revenue_expected", |m| m.revenue_expected, false),
    ("drive_minutes", |m| m.drive_minutes, false),
    ("late_arrivals", |m| m.late_arrivals as f64, true),
    ("overtime_minutes", |m| m.overtime_minutes, false),
    ("reassignments", |m| m.reassignments as f64, true),
    ("churn", |m| m.churn, false),
    ("double_bookings", |m| m.double_bookings as f64, true),
    ("manual_overrides", |m| m.manual_overrides as f64, true),
    ("callouts", |m| m.callouts as f64, true),
    ("cycles", |m| m.cycles as f64, true),
    ("faults", |m| m.faults as f64, true),
    (
        "revenue_per_job",
        |m| {
            if m.completed == 0 {
                0.0
            } else {
                m.revenue_realised / m.completed as f64
            }
        },
        false,
    ),
];

/// Metrics compared in the summary (a subset of the columns).
pub(crate) const SUMMARY: [&str; 10] = [
    "revenue_realised",
    "revenue_expected",
    "completed",
    "unassigned_end",
    "drive_minutes",
    "late_arrivals",
    "overtime_minutes",
    "churn",
    "double_bookings",
    "faults",
];

fn tags(runs: &[Run]) -> Vec<String> {
    tags_of(runs.iter().map(|r| &r.outcome.metrics))
}

/// Every tag some day's metrics count, sorted.
pub(crate) fn tags_of<'a>(metrics: impl Iterator<Item = &'a DayMetrics>) -> Vec<String> {
    let mut t: Vec<String> = metrics
        .flat_map(|m| m.unassigned_by_tag.keys().cloned())
        .collect();
    t.sort();
    t.dedup();
    t
}

/// Two decimals, without a negative zero.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    if s == "-0.00" {
        "0.00".into()
    } else {
        s
    }
}

/// Quotes a CSV field when it needs it.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `days.csv`: one row per day × solver with every metric.
#[must_use]
pub fn days_csv(exp: &Experiment, runs: &[Run]) -> String {
    let tags = tags(runs);
    let mut out = String::from("day,solver");
    out.push_str(&metric_header(&tags));
    out.push('\n');
    for r in runs {
        let _ = write!(out, "{},{}", r.day, csv_field(&exp.solvers[r.solver]));
        out.push_str(&metric_cells(&r.outcome.metrics, &tags));
        out.push('\n');
    }
    out
}

/// The metric columns of a per-day CSV header, each after a comma: every
/// metric, then unassigned at day end per tag.
pub(crate) fn metric_header(tags: &[String]) -> String {
    let mut out = String::new();
    for (name, _, _) in COLUMNS {
        out.push(',');
        out.push_str(name);
    }
    for t in tags {
        let _ = write!(
            out,
            ",unassigned_tag_{}",
            t.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
    }
    out
}

/// The cells of [`metric_header`]'s columns for one day.
pub(crate) fn metric_cells(m: &DayMetrics, tags: &[String]) -> String {
    let mut out = String::new();
    for (_, f, integer) in COLUMNS {
        if integer {
            let _ = write!(out, ",{}", f(m));
        } else {
            let _ = write!(out, ",{}", num(f(m)));
        }
    }
    for t in tags {
        let _ = write!(out, ",{}", m.unassigned_by_tag.get(t).copied().unwrap_or(0));
    }
    out
}

/// `timings.csv`: solver wall-clock time per cycle (mean, p95), per day × solver.
#[must_use]
pub fn timings_csv(exp: &Experiment, runs: &[Run]) -> String {
    let mut out = String::from("day,solver,cycles,solver_ms_mean,solver_ms_p95,solver_ms_max\n");
    for r in runs {
        let (mean, p95, max) = mean_p95_max(&r.outcome.solver_seconds);
        let _ = writeln!(
            out,
            "{},{},{},{:.3},{:.3},{:.3}",
            r.day,
            csv_field(&exp.solvers[r.solver]),
            r.outcome.solver_seconds.len(),
            mean * 1e3,
            p95 * 1e3,
            max * 1e3
        );
    }
    out
}

/// Mean, 95th percentile (nearest rank) and maximum.
#[must_use]
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn mean_p95_max(xs: &[f64]) -> (f64, f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let rank = ((0.95 * v.len() as f64).ceil() as usize).clamp(1, v.len());
    (mean, v[rank - 1], v[v.len() - 1])
}

/// Two-sided 95% Student t critical value for `df` degrees of freedom.
fn t95(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => T[df - 1],
        31..=60 => 2.000,
        61..=120 => 1.980,
        _ => 1.960,
    }
}

/// Mean and half-width of the 95% confidence interval (NaN half-width for one sample).
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let n = xs.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (mean, f64::NAN);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    (mean, t95(n - 1) * (var / n as f64).sqrt())
}

/// `mean ± half-width` (just the mean when the interval is unknown).
pub(crate) fn pm(mean: f64, hw: f64) -> String {
    if hw.is_nan() {
        num(mean)
    } else {
        format!("{} ± {}", num(mean), num(hw))
    }
}

/// How to read a metric column from a day's metrics (0 for an unknown name).
pub(crate) fn metric(name: &str) -> fn(&DayMetrics) -> f64 {
    COLUMNS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or(|_| 0.0, |(_, f, _)| *f)
}

/// Per solver, the metric over days (in day order).
fn series(runs: &[Run], s: usize, f: fn(&DayMetrics) -> f64) -> Vec<f64> {
    runs.iter()
        .filter(|r| r.solver == s)
        .map(|r| f(&r.outcome.metrics))
        .collect()
}

/// The re-planning policy in words.
pub(crate) fn policy(sc: &Scenario, replay: &ReplayOptions) -> String {
    if replay.static_plan {
        "static (planned once before business hours)".to_string()
    } else {
        format!(
            "dynamic (re-planned every {} minutes{})",
            replay.cycle_minutes.unwrap_or(sc.replay.cycle_minutes),
            if sc.replay.resolve_on_events {
                " and on call-ins and call-outs"
            } else {
                ""
            }
        )
    }
}

/// `summary.md`: per-solver means with 95% confidence intervals, and paired
/// differences against the first solver over the same days.
#[must_use]
pub fn summary_md(sc: &Scenario, exp: &Experiment, runs: &[Run]) -> String {
    let mut out = String::new();
    let policy = policy(sc, &exp.replay);
    let _ = writeln!(out, "# Simulation summary: {}\n", sc.name);
    let _ = writeln!(
        out,
        "{} days from seed {}, solvers {}, policy {}. Means over days with 95% confidence intervals (Student t).\n",
        exp.days,
        exp.seed,
        exp.solvers.join(", "),
        policy
    );
    let _ = write!(out, "| metric |");
    for s in &exp.solvers {
        let _ = write!(out, " {s} |");
    }
    out.push_str("\n|---|");
    for _ in &exp.solvers {
        out.push_str("---:|");
    }
    out.push('\n');
    for name in SUMMARY {
        let _ = write!(out, "| {name} |");
        for s in 0..exp.solvers.len() {
            let (m, hw) = mean_ci(&series(runs, s, metric(name)));
            let _ = write!(out, " {} |", pm(m, hw));
        }
        out.push('\n');
    }
    let tags = tags(runs);
    if !tags.is_empty() {
        let _ = writeln!(out, "\n## Unassigned at day end, by tag\n");
        let _ = write!(out, "| tag |");
        for s in &exp.solvers {
            let _ = write!(out, " {s} |");
        }
        out.push_str("\n|---|");
        for _ in &exp.solvers {
            out.push_str("---:|");
        }
        out.push('\n');
        for t in &tags {
            let _ = write!(out, "| {t} |");
            for s in 0..exp.solvers.len() {
                #[allow(clippy::cast_precision_loss)]
                let xs: Vec<f64> = runs
                    .iter()
                    .filter(|r| r.solver == s)
                    .map(|r| {
                        r.outcome
                            .metrics
                            .unassigned_by_tag
                            .get(t)
                            .copied()
                            .unwrap_or(0) as f64
                    })
                    .collect();
                let (m, hw) = mean_ci(&xs);
                let _ = write!(out, " {} |", pm(m, hw));
            }
            out.push('\n');
        }
    }
    if exp.solvers.len() > 1 {
        let _ = writeln!(
            out,
            "\n## Paired differences against {}\n\nEach solver minus {} on the same days (common random numbers), mean with 95% confidence interval; an interval that excludes 0 is marked *.\n",
            exp.solvers[0], exp.solvers[0]
        );
        let _ = write!(out, "| metric |");
        for s in &exp.solvers[1..] {
            let _ = write!(out, " {s} − {} |", exp.solvers[0]);
        }
        out.push_str("\n|---|");
        for _ in &exp.solvers[1..] {
            out.push_str("---:|");
        }
        out.push('\n');
        for name in SUMMARY {
            let _ = write!(out, "| {name} |");
            let base = series(runs, 0, metric(name));
            for s in 1..exp.solvers.len() {
                let other = series(runs, s, metric(name));
                let d: Vec<f64> = other.iter().zip(&base).map(|(a, b)| a - b).collect();
                let (m, hw) = mean_ci(&d);
                let sig = if !hw.is_nan() && (m - hw > 0.0 || m + hw < 0.0) {
                    " *"
                } else {
                    ""
                };
                let _ = write!(out, " {}{sig} |", pm(m, hw));
            }
            out.push('\n');
        }
    }
    out
}

/// `technicians.csv`: the Technician Performance Report's rows, per day × solver × technician.
#[must_use]
pub fn technicians_csv(exp: &Experiment, runs: &[Run]) -> String {
    let mut out = String::from(TECHNICIANS_HEADER);
    for r in runs {
        out.push_str(&technician_rows(exp, r));
    }
    out
}

/// The header line of `technicians.csv`.
pub const TECHNICIANS_HEADER: &str = "day,solver,technician,name,jobs,revenue,estimates,sold,conversion,drive_minutes,work_minutes,utilisation,overtime_minutes,double_bookings,reassigned_away,called_out\n";

/// The `technicians.csv` rows of one run.
#[must_use]
pub fn technician_rows(exp: &Experiment, r: &Run) -> String {
    let mut out = String::new();
    {
        for t in &r.outcome.technicians {
            #[allow(clippy::cast_precision_loss)]
            let conv = if t.estimates == 0 {
                0.0
            } else {
                t.sold as f64 / t.estimates as f64
            };
            let util = if t.shift_minutes > 0.0 {
                t.work_minutes / t.shift_minutes
            } else {
                0.0
            };
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                r.day,
                csv_field(&exp.solvers[r.solver]),
                csv_field(&t.technician),
                csv_field(&t.name),
                t.jobs,
                num(t.revenue),
                t.estimates,
                t.sold,
                num(conv),
                num(t.drive_minutes),
                num(t.work_minutes),
                num(util),
                num(t.overtime_minutes),
                t.double_bookings,
                t.reassigned_away,
                t.called_out
            );
        }
    }
    out
}

#[derive(Serialize)]
struct AuditLine<'a> {
    day: u32,
    solver: &'a str,
    #[serde(flatten)]
    entry: &'a AuditEntry,
}

/// `audit.jsonl`: every optimizer action and toggle change, one JSON object a line.
#[must_use]
pub fn audit_jsonl(exp: &Experiment, runs: &[Run]) -> String {
    runs.iter().map(|r| audit_lines(exp, r)).collect()
}

/// The `audit.jsonl` lines of one run.
#[must_use]
pub fn audit_lines(exp: &Experiment, r: &Run) -> String {
    let mut out = String::new();
    {
        for e in &r.outcome.audit {
            let line = AuditLine {
                day: r.day,
                solver: &exp.solvers[r.solver],
                entry: e,
            };
            out.push_str(&serde_json::to_string(&line).expect("audit lines serialize"));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_intervals_and_percentiles() {
        let (m, hw) = mean_ci(&[1.0, 2.0, 3.0, 4.0]);
        assert!((m - 2.5).abs() < 1e-12);
        // sd = 1.291, se = 0.6455, t(3) = 3.182
        assert!((hw - 3.182 * 0.645_497).abs() < 1e-3, "{hw}");
        assert!(mean_ci(&[5.0]).1.is_nan());
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let (mean, p95, max) = mean_p95_max(&xs);
        assert!((mean - 50.5).abs() < 1e-12);
        assert!((p95 - 95.0).abs() < 1e-12);
        assert!((max - 100.0).abs() < 1e-12);
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("Ana Ortiz"), "Ana Ortiz");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
