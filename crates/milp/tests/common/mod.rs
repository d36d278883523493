//! Helpers shared by the integration tests (each test file is its own
//! crate, so not every file uses every helper).
#![allow(dead_code)]

use std::time::Duration;

use autodispatch_model::check::check;
use autodispatch_model::solver::Solution;
use autodispatch_model::{build_plan, Instance, Problem, SolveOptions, SolverInfo};

pub fn opts(secs: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(secs),
        ..SolveOptions::default()
    }
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
