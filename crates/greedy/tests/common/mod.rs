//! Shared checks for the greedy tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use autodispatch_greedy::Greedy;
use autodispatch_model::build::is_fixed_stop;
use autodispatch_model::route::{schedule, RouteStop};
use autodispatch_model::solver::Solution;
use autodispatch_model::{
    build_plan, Instance, JobClass, Plan, Problem, Schedule, SolveOptions, Solver, SolverInfo,
};

pub fn opts(seed: u64, threads: usize) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(30),
        seed,
        threads,
        gap: 0.0,
    }
}

pub fn solve(inst: &Instance, seed: u64) -> Solution {
    Greedy
        .solve(inst, &opts(seed, 1))
        .expect("greedy never fails")
}

pub fn plan_of(inst: &Instance, s: &Schedule) -> Plan {
    build_plan(
        inst,
        s,
        SolverInfo {
            name: "greedy".into(),
            status: autodispatch_model::SolverStatus::Feasible,
            seconds: 0.0,
            bound: None,
            note: None,
        },
    )
}

/// Structural checks that need no checker: every job at most once, locked
/// stops where they were, technician-specific jobs with their technician,
/// managed jobs only with eligible technicians, and each route exactly the
/// timing `route::schedule` gives its stops.
pub fn assert_sound(inst: &Instance, s: &Schedule, what: &str) {
    assert_eq!(
        s.routes.len(),
        inst.techs.len(),
        "{what}: one route per technician"
    );
    let mut seen = vec![false; inst.jobs.len()];
    for (t, visits) in s.routes.iter().enumerate() {
        let mut stops = Vec::new();
        for v in visits {
            assert!(!seen[v.job], "{what}: job {} twice", inst.jobs[v.job].id);
            seen[v.job] = true;
            let job = &inst.jobs[v.job];
            match job.class {
                JobClass::Locked => {
                    assert_eq!(
                        job.assignment,
                        Some((t, v.start)),
                        "{what}: locked {} moved",
                        job.id
                    );
                }
                JobClass::TechSpecific => {
                    assert_eq!(
                        job.assignment.map(|a| a.0),
                        Some(t),
                        "{what}: {} left its technician",
                        job.id
                    );
                }
                JobClass::Managed => {
                    assert!(inst.fit(v.job, t).is_yes(), "{what}: {} ineligible", job.id);
                }
                _ => panic!("{what}: {} is not the optimizer's", job.id),
            }
            stops.push(if is_fixed_stop(inst, v.job, t, v.start) {
                RouteStop {
                    job: v.job,
                    fixed: Some(v.start),
                }
            } else {
                RouteStop::movable(v.job)
            });
        }
        let timed = schedule(inst, t, &stops).unwrap_or_else(|f| {
            panic!(
                "{what}: route of {} breaks {:?}: {}",
                inst.techs[t].id, f.rule, f.detail
            )
        });
        for (v, &w) in visits.iter().zip(&timed.starts) {
            assert!(
                v.start >= w - 1e-9,
                "{what}: {} starts before its earliest start",
                inst.jobs[v.job].id
            );
        }
    }
    for (j, job) in inst.jobs.iter().enumerate() {
        if matches!(job.class, JobClass::Locked | JobClass::TechSpecific) {
            assert!(seen[j], "{what}: fixed job {} lost", job.id);
        }
    }
}

/// The model's checker finds nothing wrong with the plan.
pub fn assert_checker_clean(problem: &Problem, plan: &Plan, what: &str) {
    let report = autodispatch_model::check::check_plan(problem, plan);
    let all: Vec<String> = report.violations.iter().map(ToString::to_string).collect();
    assert!(
        report.is_valid(),
        "{what}: checker finds\n{}",
        all.join("\n")
    );
}

/// Writes the problem and the plan and runs the independent Python checker.
pub fn validate_py(dir: &Path, name: &str, problem: &Problem, plan: &Plan) {
    let pp = dir.join(format!("{name}-problem.json"));
    let lp = dir.join(format!("{name}-plan.json"));
    std::fs::write(&pp, problem.to_json()).unwrap();
    std::fs::write(&lp, plan.to_json()).unwrap();
    let out = Command::new("python3")
        .arg(validate_script())
        .arg(&pp)
        .arg(&lp)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{name}: validate.py rejects the plan:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn validate_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/validate.py")
}

pub fn scratch_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("autodispatch-greedy-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Sizes from 5 to 80 jobs, cycling.
pub fn size(k: u64) -> (usize, usize) {
    let jobs = 5 + (k as usize * 13) % 76;
    let techs = 1 + jobs / 6 + (k as usize % 3);
    (jobs, techs)
}
