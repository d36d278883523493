//! Property tests on generated days: sound, checker-clean plans that lose
//! nothing, never below the plain baseline, deterministic.

mod common;

use autodispatch_greedy::{baseline, Greedy};
use autodispatch_model::build::objective;
use autodispatch_model::plan::Action;
use autodispatch_model::{Instance, Solver, SolverStatus};

use common::*;

#[test]
fn greedy_plans_are_sound_and_not_below_baseline_on_200_days() {
    let mut wins = 0;
    let (mut kept, mut moved) = (0, 0);
    for k in 0..200u64 {
        let (jobs, techs) = size(k);
        let p = autodispatch_testkit::random_day(1000 + k, jobs, techs);
        let inst = Instance::new(&p);
        let what = format!("day {k} ({jobs}x{techs})");
        let sol = solve(&inst, k);
        assert!(matches!(sol.status, SolverStatus::Feasible));
        assert_sound(&inst, &sol.schedule, &what);
        let base = baseline(&inst);
        assert_sound(&inst, &base, &format!("{what} baseline"));
        let (g, b) = (objective(&inst, &sol.schedule), objective(&inst, &base));
        assert!(g >= b - 1e-6, "{what}: greedy {g} below baseline {b}");
        if g > b + 1e-6 {
            wins += 1;
        }
        // nothing lost: every job once in routes, unassigned or excluded
        let plan = plan_of(&inst, &sol.schedule);
        assert_checker_clean(&p, &plan, &what);
        assert_checker_clean(&p, &plan_of(&inst, &base), &format!("{what} baseline"));
        let listed = plan.routes.iter().map(|r| r.stops.len()).sum::<usize>()
            + plan.unassigned.len()
            + plan.excluded.len();
        assert_eq!(listed, p.jobs.len(), "{what}: jobs lost or doubled");
        assert!((plan.metrics.objective - objective(&inst, &sol.schedule)).abs() < 1e-3);
        for stop in plan.routes.iter().flat_map(|r| &r.stops) {
            match stop.action {
                Action::Kept => kept += 1,
                Action::Rescheduled | Action::Reassigned => moved += 1,
                _ => {}
            }
        }
    }
    // current assignments that still fit keep their start (action `kept`)
    assert!(kept >= 100 && moved > 0, "kept {kept}, moved {moved}");
    // regret insertion and local search should beat plain insertion often
    assert!(
        wins >= 40,
        "greedy beat the baseline on only {wins} of 200 days"
    );
}

#[test]
fn python_validator_accepts_greedy_plans() {
    let dir = scratch_dir("validate");
    for k in 0..24u64 {
        let (jobs, techs) = size(k * 5 + 3);
        let p = autodispatch_testkit::random_day(5000 + k, jobs, techs);
        let inst = Instance::new(&p);
        let sol = solve(&inst, 7);
        validate_py(&dir, &format!("day{k}"), &p, &plan_of(&inst, &sol.schedule));
        validate_py(
            &dir,
            &format!("base{k}"),
            &p,
            &plan_of(&inst, &baseline(&inst)),
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn same_seed_same_schedule_for_any_thread_count() {
    for k in 0..12u64 {
        let p = autodispatch_testkit::random_day(77 + k, 60, 8);
        let inst = Instance::new(&p);
        let a = Greedy.solve(&inst, &opts(k, 1)).unwrap();
        let b = Greedy.solve(&inst, &opts(k, 1)).unwrap();
        let c = Greedy.solve(&inst, &opts(k, 2)).unwrap();
        assert_eq!(a.schedule, b.schedule, "day {k}: same seed, other schedule");
        assert_eq!(
            a.schedule, c.schedule,
            "day {k}: threads changed the schedule"
        );
    }
}

#[test]
fn larger_bench_day_is_sound() {
    let p = autodispatch_testkit::bench_day(3, 300, 40);
    let inst = Instance::new(&p);
    let sol = solve(&inst, 0);
    assert_sound(&inst, &sol.schedule, "bench 300x40");
    assert!(objective(&inst, &sol.schedule) >= objective(&inst, &baseline(&inst)) - 1e-6);
}

#[test]
fn time_limit_cuts_search_but_plan_stays_valid() {
    let p = autodispatch_testkit::random_day(4242, 80, 10);
    let inst = Instance::new(&p);
    let mut o = opts(1, 1);
    o.time_limit = std::time::Duration::ZERO;
    let sol = Greedy.solve(&inst, &o).unwrap();
    assert_eq!(sol.status, SolverStatus::TimeLimit);
    assert!(sol.note.as_deref().unwrap_or("").contains("time limit"));
    assert_sound(&inst, &sol.schedule, "cut");
    assert_checker_clean(&p, &plan_of(&inst, &sol.schedule), "cut");
    assert!(objective(&inst, &sol.schedule) >= objective(&inst, &baseline(&inst)) - 1e-6);
    // with time, the search goes further
    let full = solve(&inst, 1);
    assert!(objective(&inst, &full.schedule) >= objective(&inst, &sol.schedule) - 1e-6);
}

#[test]
fn huge_time_limit_is_no_limit() {
    let p = autodispatch_testkit::random_day(9, 20, 3);
    let inst = Instance::new(&p);
    let mut o = opts(1, 1);
    o.time_limit = std::time::Duration::MAX;
    let sol = Greedy.solve(&inst, &o).unwrap();
    assert_eq!(sol.status, SolverStatus::Feasible);
    assert_eq!(sol.schedule, solve(&inst, 1).schedule);
}
