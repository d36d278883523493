//! Helpers shared by the integration tests (each test file is its own
//! crate, so not every file uses every helper).
#![allow(dead_code)]

use std::time::Duration;

use autodispatch_milp::oracle::brute_force;
use autodispatch_milp::Milp;
use autodispatch_model::check::check;
use autodispatch_model::solver::Solution;
use autodispatch_model::{build_plan, Instance, Problem, SolveOptions, SolverInfo, SolverStatus};
use autodispatch_testkit::random_day;

pub fn opts(secs: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(secs),
        ..SolveOptions::default()
    }
}

/// A day small enough for brute force: 7 or 8 jobs, 2 or 3 technicians,
/// by the seed.
pub fn tiny_day(seed: u64) -> (Problem, Instance) {
    let p = random_day(seed, 7 + (seed % 2) as usize, 2 + (seed % 2) as usize);
    let inst = Instance::new(&p);
    (p, inst)
}

/// Builds the plan of `sol` and fails unless the checker finds it clean.
pub fn assert_clean(p: &Problem, inst: &Instance, sol: &Solution, what: &str) {
    let plan = build_plan(
        inst,
        &sol.schedule,
        SolverInfo {
            name: "milp".into(),
            status: sol.status,
            seconds: 0.0,
            bound: sol.bound,
            note: sol.note.clone(),
        },
    );
    let report = check(p, &plan.to_value());
    assert!(
        report.violations.is_empty(),
        "{what}: {:?}",
        report.violations
    );
}

/// The route model on `count` tiny days `random_day(base + k, 4–8 jobs,
/// 1–3 technicians)`: every plan clean, objective ≤ brute force ≤ bound,
/// and a plan called optimal equal to brute force. Returns how many were
/// proven optimal, and every run's note.
pub fn route_model_against_brute_force(base: u64, count: u64) -> (usize, Vec<Option<String>>) {
    route_model_against_brute_force_on(random_day, &Milp::default(), base, count)
}

/// [`route_model_against_brute_force`] on days made by `day`, with `milp`.
pub fn route_model_against_brute_force_on(
    day: fn(u64, usize, usize) -> Problem,
    milp: &Milp,
    base: u64,
    count: u64,
) -> (usize, Vec<Option<String>>) {
    let mut proven = 0;
    let mut notes = Vec::new();
    for k in 0..count {
        let seed = base + k;
        let jobs = 4 + (k % 5) as usize;
        let techs = 1 + (k % 3) as usize;
        let p = day(seed, jobs, techs);
        let inst = Instance::new(&p);
        let out = milp.run(&inst, &opts(5), None).expect("milp solves");
        assert_clean(&p, &inst, &out.solution, &format!("seed {seed}"));
        let bound = out.solution.bound.expect("a bound");
        assert!(
            bound >= out.objective - 1e-6,
            "seed {seed}: bound {bound} < objective {}",
            out.objective
        );
        let (opt, _) = brute_force(&inst).expect("a tiny day");
        assert!(
            out.objective <= opt + 1e-6,
            "seed {seed}: objective {} above brute force {opt}",
            out.objective
        );
        assert!(
            bound >= opt - 1e-6,
            "seed {seed}: bound {bound} below the optimum {opt}"
        );
        if out.solution.status == SolverStatus::Optimal {
            assert!(
                (out.objective - opt).abs() <= 1e-6 * opt.abs().max(1.0),
                "seed {seed}: optimal {} vs brute force {opt}",
                out.objective
            );
            proven += 1;
        }
        notes.push(out.solution.note);
    }
    (proven, notes)
}

/// Job prices from `seed`: between none and a little over each job's
/// weighted value, so some jobs add something to a route and some do not.
pub fn prices(inst: &Instance, seed: u64) -> Vec<f64> {
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    inst.jobs
        .iter()
        .map(|j| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            #[allow(clippy::cast_precision_loss)]
            let share = (x >> 11) as f64 / (1u64 << 53) as f64 * 1.2;
            share * j.weighted_value
        })
        .collect()
}
