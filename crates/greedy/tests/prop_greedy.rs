//! Property tests of the greedy planner over random testkit days and edge
//! days (no technicians, no jobs, everything locked, nobody managed, no
//! drive home, no driving allowed, free driving, every place the same):
//! checker-clean plans, nothing lost, never below the plain baseline, and
//! the same schedule for any thread count.
//!
//! Fixed, seeded budget for CI; `PROPTEST_CASES` / `PROPTEST_RNG_SEED`
//! override it (docs/robustness.md).

use std::collections::BTreeMap;
use std::time::Duration;

use autodispatch_greedy::{baseline, Greedy};
use autodispatch_model::build::objective;
use autodispatch_model::check::check_plan;
use autodispatch_model::plan::{Plan, SolverInfo};
use autodispatch_model::problem::Travel;
use autodispatch_model::{build_plan, Instance, Problem, Schedule, SolveOptions, Solver};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};

const CASES: u32 = 1500;
const SEED: u64 = 0x6EED_2026;

fn config(cases: u32) -> Config {
    let mut c = Config {
        // shrunk failures are kept here and replayed first (commit them once they pass)
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/prop_greedy.txt",
        ))),
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = cases;
    }
    if c.rng_seed == RngSeed::Random {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    c
}

/// A way to make a random day an edge case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    None,
    /// Every job's type disabled: the optimizer may move nothing.
    AllTypesDisabled,
    /// Every job's Dispatch Pro toggle off.
    AllJobsOff,
    /// Every job dispatched where it is (unassigned ones stay unassigned).
    AllDispatched,
    /// No technician managed by the optimizer.
    AllTechsUnmanaged,
    NoReturnHome,
    MaxDriveZero,
    DriveCostZero,
    /// Every location the same: an all-zero matrix.
    ZeroMatrix,
    /// Two edges at once that interact: no drive home and free driving.
    NoReturnHomeFreeDrive,
}

const EDGES: [Edge; 10] = [
    Edge::None,
    Edge::AllTypesDisabled,
    Edge::AllJobsOff,
    Edge::AllDispatched,
    Edge::AllTechsUnmanaged,
    Edge::NoReturnHome,
    Edge::MaxDriveZero,
    Edge::DriveCostZero,
    Edge::ZeroMatrix,
    Edge::NoReturnHomeFreeDrive,
];

fn edge_day(seed: u64, jobs: usize, techs: usize, edge: Edge) -> Problem {
    use autodispatch_model::problem::JobStatus;
    let mut p = autodispatch_testkit::random_day(seed, jobs, techs);
    let s = &mut p.settings;
    match edge {
        Edge::None => {}
        Edge::AllTypesDisabled => s.enabled_job_types = Some(Vec::new()),
        Edge::AllJobsOff => p.jobs.iter_mut().for_each(|j| j.dispatch_pro = false),
        Edge::AllDispatched => {
            for j in &mut p.jobs {
                if j.assignment.is_some() && j.status == JobStatus::Scheduled {
                    j.status = JobStatus::Dispatched;
                }
            }
        }
        Edge::AllTechsUnmanaged => p
            .technicians
            .iter_mut()
            .for_each(|t| t.dispatch_pro = false),
        Edge::NoReturnHome => s.return_home = false,
        Edge::MaxDriveZero => s.max_drive_minutes = Some(0.0),
        Edge::DriveCostZero => s.drive_cost_per_minute = 0.0,
        Edge::ZeroMatrix => {
            let n = p.technicians.len() + p.jobs.len();
            p.travel = Travel::Matrix {
                minutes: vec![vec![0.0; n]; n],
            };
        }
        Edge::NoReturnHomeFreeDrive => {
            s.return_home = false;
            s.drive_cost_per_minute = 0.0;
        }
    }
    p
}

fn opts(seed: u64, threads: usize) -> SolveOptions {
    // a limit far beyond what these days take, so the clock never cuts the
    // search and the result cannot depend on machine load
    SolveOptions {
        time_limit: Duration::from_secs(120),
        seed,
        threads,
        gap: 0.0,
    }
}

fn plan_of(inst: &Instance, s: &Schedule) -> Plan {
    let info = SolverInfo {
        name: "greedy".into(),
        status: autodispatch_model::SolverStatus::Feasible,
        seconds: 0.0,
        bound: None,
        note: None,
    };
    build_plan(inst, s, info)
}

/// Every job id of the problem exactly once in routes, unassigned or excluded.
fn nothing_lost(p: &Problem, plan: &Plan) -> Result<(), String> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let listed = plan
        .routes
        .iter()
        .flat_map(|r| r.stops.iter().map(|s| s.job.as_str()))
        .chain(plan.unassigned.iter().map(|u| u.job.as_str()))
        .chain(plan.excluded.iter().map(|e| e.job.as_str()));
    for id in listed {
        *seen.entry(id).or_default() += 1;
    }
    for j in &p.jobs {
        match seen.remove(j.id.as_str()) {
            Some(1) => {}
            Some(n) => return Err(format!("job {} listed {n} times", j.id)),
            None => return Err(format!("job {} lost", j.id)),
        }
    }
    if let Some(extra) = seen.keys().next() {
        return Err(format!("plan lists {extra}, not a job of the problem"));
    }
    Ok(())
}

fn assert_properties(p: &Problem, seed: u64) -> Result<(), TestCaseError> {
    let inst = Instance::new(p);
    let sol = Greedy
        .solve(&inst, &opts(seed, 1))
        .map_err(|e| TestCaseError::fail(format!("greedy failed: {e}")))?;
    let plan = plan_of(&inst, &sol.schedule);
    let report = check_plan(p, &plan);
    prop_assert!(report.is_valid(), "{}", report);
    nothing_lost(p, &plan).map_err(TestCaseError::fail)?;

    let base = baseline(&inst);
    let (g, b) = (objective(&inst, &sol.schedule), objective(&inst, &base));
    prop_assert!(g >= b - 1e-6, "greedy {} below baseline {}", g, b);

    for threads in [2, 8] {
        let other = Greedy
            .solve(&inst, &opts(seed, threads))
            .map_err(|e| TestCaseError::fail(format!("greedy failed: {e}")))?;
        prop_assert!(
            other.schedule == sol.schedule,
            "schedule differs between 1 and {} threads",
            threads
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn greedy_plans_are_clean_complete_deterministic_and_beat_baseline(
        seed in 0u64..1_000_000,
        jobs in 0usize..60,
        techs in 0usize..8,
        edge in prop::sample::select(EDGES.to_vec()),
    ) {
        let p = edge_day(seed, jobs, techs, edge);
        assert_properties(&p, seed)?;
    }
}

/// Paths (JSON pointers) of every number in a document.
fn numbers(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                numbers(c, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                numbers(c, &format!("{at}/{i}"), out);
            }
        }
        Value::Number(_) => out.push(at.to_string()),
        _ => {}
    }
}

/// Extreme numbers; the loader refuses some where they land, and whatever
/// it accepts the planner must plan.
const EXTREMES: [f64; 10] = [0.0, -0.0, 1e-300, 1e-9, 0.5, 1e7, 1e12, 1e300, -1.0, 6000.0];

proptest! {
    #![proptest_config(config(CASES / 3))]

    /// Days the loader accepts after extreme numbers are written into them
    /// (speeds, durations, values, weights, matrix entries, limits): greedy
    /// plans them without a panic, checker-clean and losing nothing.
    #[test]
    fn greedy_plans_every_day_the_loader_accepts(
        seed in 0u64..1_000_000,
        jobs in 0usize..25,
        techs in 0usize..5,
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(EXTREMES.to_vec())), 1..4),
    ) {
        let day = autodispatch_testkit::random_day(seed, jobs, techs);
        let mut v: serde_json::Value = serde_json::from_str(&day.to_json()).unwrap();
        let mut all = Vec::new();
        numbers(&v, "", &mut all);
        if all.is_empty() {
            return Ok(());
        }
        for (i, x) in &edits {
            *v.pointer_mut(i.get(&all).as_str()).unwrap() = serde_json::Value::from(*x);
        }
        let Ok(p) = autodispatch_model::parse_problem(&v.to_string()) else {
            return Ok(());
        };
        let inst = Instance::new(&p);
        let sol = Greedy
            .solve(&inst, &opts(seed, 1))
            .map_err(|e| TestCaseError::fail(format!("greedy failed: {e}")))?;
        let plan = plan_of(&inst, &sol.schedule);
        let report = check_plan(&p, &plan);
        prop_assert!(report.is_valid(), "{}", report);
        nothing_lost(&p, &plan).map_err(TestCaseError::fail)?;
    }
}

/// Every edge on the degenerate sizes (no technicians, no jobs, one of each)
/// and a mid-size day, each with a few seeds: small enough to run them all.
#[test]
fn every_edge_on_degenerate_sizes() {
    for edge in EDGES {
        for (jobs, techs) in [(0, 0), (0, 4), (25, 0), (1, 1), (40, 6)] {
            for seed in 0..3 {
                let p = edge_day(seed, jobs, techs, edge);
                if let Err(e) = assert_properties(&p, seed) {
                    panic!("{edge:?} {jobs}x{techs} seed {seed}: {e}");
                }
            }
        }
    }
}

/// With every place the same and driving free, the objective has no drive
/// term, and a plan keeps the same jobs as without the matrix: a test that
/// the zero matrix really reaches the solver.
#[test]
fn zero_matrix_means_no_drive() {
    for seed in 0..5 {
        let p = edge_day(seed, 30, 4, Edge::ZeroMatrix);
        let inst = Instance::new(&p);
        let sol = Greedy.solve(&inst, &opts(seed, 1)).unwrap();
        let plan = plan_of(&inst, &sol.schedule);
        assert!(plan.metrics.drive_minutes.abs() < 1e-9, "seed {seed}");
        assert!(plan.routes.iter().all(|r| r.drive_minutes.abs() < 1e-9));
    }
}
