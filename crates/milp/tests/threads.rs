//! `--threads` and `--gap`: the thread count never changes a result when
//! the time limit does not bind, and a gap stops the search early, with
//! the plan within it and the status still honest.

use std::time::Duration;

use autodispatch_milp::{Auto, Milp, Outcome};
use autodispatch_model::build::objective;
use autodispatch_model::solver::Solution;
use autodispatch_model::{Instance, SolveOptions, Solver, SolverStatus};
use autodispatch_testkit::random_day;

/// Days of 20 to 60 jobs: (seed, jobs, technicians).
const DAYS: [(u64, usize, usize); 4] = [(11, 20, 4), (12, 35, 5), (13, 48, 7), (14, 60, 8)];

fn opts(threads: usize, gap: f64) -> SolveOptions {
    SolveOptions {
        // far beyond what these days take, so the clock never cuts a phase
        time_limit: Duration::from_secs(300),
        seed: 3,
        threads,
        gap,
    }
}

/// Everything a run reports but its timing, as text to compare.
fn fingerprint(sol: &Solution) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}",
        sol.schedule,
        sol.status,
        sol.bound.map(f64::to_bits),
        sol.note
    )
}

fn outcome_fingerprint(o: &Outcome) -> String {
    format!(
        "{}|{}|{}|{}|{:?}",
        fingerprint(&o.solution),
        o.rounds,
        o.columns,
        o.converged,
        o.lp_value.map(f64::to_bits)
    )
}

#[test]
fn milp_results_do_not_depend_on_the_thread_count() {
    for (seed, jobs, techs) in DAYS {
        let inst = Instance::new(&random_day(seed, jobs, techs));
        let runs: Vec<String> = [1, 2, 4]
            .iter()
            .map(|&th| {
                let o = Milp::default()
                    .run(&inst, &opts(th, 0.0), None)
                    .expect("plans");
                outcome_fingerprint(&o)
            })
            .collect();
        assert!(
            runs[0].contains("pricing rounds"),
            "day {seed}: {}",
            runs[0]
        );
        for (k, r) in runs.iter().enumerate().skip(1) {
            assert_eq!(
                &runs[0], r,
                "day {seed} ({jobs} jobs): threads 1 vs run {k}"
            );
        }
    }
}

#[test]
fn auto_results_do_not_depend_on_the_thread_count() {
    for (seed, jobs, techs) in DAYS {
        let inst = Instance::new(&random_day(seed, jobs, techs));
        let runs: Vec<String> = [1, 2, 4]
            .iter()
            .map(|&th| fingerprint(&Auto::default().solve(&inst, &opts(th, 0.0)).expect("plans")))
            .collect();
        for r in &runs[1..] {
            assert_eq!(&runs[0], r, "day {seed} ({jobs} jobs)");
        }
    }
}

#[test]
fn a_gap_stops_early_within_the_gap_and_keeps_the_status_honest() {
    for (seed, jobs, techs) in DAYS {
        let inst = Instance::new(&random_day(seed, jobs, techs));
        let full = Milp::default()
            .run(&inst, &opts(1, 0.0), None)
            .expect("plans");
        for gap in [0.05, 0.2] {
            let o = Milp::default()
                .run(&inst, &opts(2, gap), None)
                .expect("plans");
            let obj = objective(&inst, &o.solution.schedule);
            let bound = o.solution.bound.expect("a bound");
            assert!(bound >= obj - 1e-6, "day {seed}: bound {bound} < {obj}");
            assert!(
                bound - obj <= gap * bound.abs() + 1e-6,
                "day {seed}, gap {gap}: {obj} is not within the gap of {bound}"
            );
            assert!(
                o.rounds <= full.rounds,
                "day {seed}, gap {gap}: more rounds"
            );
            let proven = bound - obj <= 1e-6 * bound.abs().max(1.0);
            let want = if proven {
                SolverStatus::Optimal
            } else {
                SolverStatus::Feasible
            };
            assert_eq!(o.solution.status, want, "day {seed}, gap {gap}");
            let note = o.solution.note.clone().unwrap_or_default();
            assert!(
                proven || note.contains(&format!("within the gap {gap}")),
                "day {seed}: {note}"
            );
        }
    }
}

#[test]
fn a_gap_of_one_takes_the_first_plan_without_any_lp() {
    // any plan of non-negative value is within 100% of a non-negative bound
    let inst = Instance::new(&random_day(21, 60, 8));
    let o = Milp::default()
        .run(&inst, &opts(1, 1.0), None)
        .expect("plans");
    assert_eq!(o.rounds, 0, "{:?}", o.solution.note);
    assert!(o.objective >= 0.0);
    let full = Milp::default()
        .run(&inst, &opts(1, 0.0), None)
        .expect("plans");
    assert!(full.rounds > 0);
    assert!(o.solution.bound.unwrap() >= full.solution.bound.unwrap() - 1e-6);
}

#[test]
fn auto_on_a_day_of_many_technicians_does_not_depend_on_the_thread_count() {
    // over 60 technicians the knapsack round runs beside ruin and recreate
    // on two threads and before it on one: the same round, the same plan
    let inst = Instance::new(&random_day(15, 70, 62));
    assert!(Milp::is_big(&inst));
    let runs: Vec<Solution> = [1, 2]
        .iter()
        .map(|&th| Auto::default().solve(&inst, &opts(th, 0.0)).expect("plans"))
        .collect();
    let bound = runs[0].bound.expect("a bound");
    assert!(bound >= objective(&inst, &runs[0].schedule) - 1e-6 * bound.abs().max(1.0));
    assert_eq!(fingerprint(&runs[0]), fingerprint(&runs[1]));
}
