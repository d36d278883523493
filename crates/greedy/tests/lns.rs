//! Ruin and recreate: sound, checker-clean plans that lose nothing, never
//! below their start, deterministic for a seed, better than greedy's
//! local optimum where local search gets stuck, and hotter on long runs
//! where driving costs, with larger ruins where the plan has room.

mod common;

use std::time::{Duration, Instant};

use autodispatch_greedy::lns::{ruin_and_recreate, Budget};
use autodispatch_greedy::Lns;
use autodispatch_model::build::objective;
use autodispatch_model::{Instance, Solver, SolverStatus};

use common::*;

fn budget(inst: &Instance, seed: u64) -> Budget {
    Budget::new(
        inst,
        seed,
        Duration::from_millis(100),
        Instant::now() + Duration::from_secs(60),
    )
}

#[test]
fn lns_plans_are_sound_clean_and_never_below_their_start_on_120_days() {
    let (mut better, mut total_gain) = (0, 0.0);
    for k in 0..120u64 {
        let (jobs, techs) = size(k);
        let p = autodispatch_testkit::random_day(3000 + k, jobs, techs);
        let inst = Instance::new(&p);
        let what = format!("day {k} ({jobs}x{techs})");
        let start = solve(&inst, k);
        let run = ruin_and_recreate(&inst, &start.schedule, &budget(&inst, k));
        assert!(!run.cut, "{what}: a 60 s deadline cut the run");
        assert_sound(&inst, &run.schedule, &what);
        let plan = plan_of(&inst, &run.schedule);
        assert_checker_clean(&p, &plan, &what);
        let listed = plan.routes.iter().map(|r| r.stops.len()).sum::<usize>()
            + plan.unassigned.len()
            + plan.excluded.len();
        assert_eq!(listed, p.jobs.len(), "{what}: jobs lost or doubled");
        let (g, l) = (
            objective(&inst, &start.schedule),
            objective(&inst, &run.schedule),
        );
        assert!(l >= g - 1e-6, "{what}: lns {l} below its start {g}");
        if l > g + 1e-6 {
            better += 1;
            total_gain += l / g - 1.0;
        }
        // every route handed on (the MILP's columns) times under the rules
        for (t, stops) in &run.routes {
            assert!(
                autodispatch_model::route::schedule(&inst, *t, stops).is_ok(),
                "{what}: a kept route of technician {t} does not time"
            );
        }
    }
    // greedy stops at a local optimum; ruin and recreate gets past it often
    assert!(better >= 30, "lns beat greedy on only {better} of 120 days");
    assert!(total_gain > 0.0);
}

#[test]
fn lns_is_deterministic_for_a_seed_and_varies_with_it() {
    let p = autodispatch_testkit::bench_day(4, 100, 15);
    let inst = Instance::new(&p);
    let start = solve(&inst, 0);
    let a = ruin_and_recreate(&inst, &start.schedule, &budget(&inst, 7));
    let b = ruin_and_recreate(&inst, &start.schedule, &budget(&inst, 7));
    assert!(!a.cut && !b.cut);
    assert_eq!(a.schedule, b.schedule);
    assert_eq!(a.iterations, b.iterations);
    assert_eq!(a.work, b.work);
    let others: Vec<_> = (8..11)
        .map(|s| ruin_and_recreate(&inst, &start.schedule, &budget(&inst, s)).schedule)
        .collect();
    assert!(
        others.iter().any(|o| *o != a.schedule),
        "the seed changes nothing"
    );
}

#[test]
fn lns_solver_beats_greedy_on_a_prize_collecting_day_and_keeps_its_deadline() {
    // 100 jobs for 15 technicians: most jobs cannot all be done, which is
    // where moving several jobs at once pays
    let mut gains = 0;
    for seed in 1..4 {
        let p = autodispatch_testkit::bench_day(seed, 100, 15);
        let inst = Instance::new(&p);
        let o = opts(seed, 1);
        let g = solve(&inst, seed);
        let t0 = Instant::now();
        let l = Lns.solve(&inst, &o).expect("lns never fails");
        assert!(t0.elapsed() < o.time_limit);
        assert_eq!(l.status, SolverStatus::Feasible);
        assert_checker_clean(&p, &plan_of(&inst, &l.schedule), "lns");
        let (go, lo) = (objective(&inst, &g.schedule), objective(&inst, &l.schedule));
        assert!(lo >= go - 1e-6);
        if lo > go * 1.002 {
            gains += 1;
        }
    }
    assert_eq!(
        gains, 3,
        "lns gained 0.2% over greedy on only {gains} of 3 days"
    );
}

#[test]
fn a_short_deadline_cuts_the_run_and_still_gives_a_valid_plan() {
    let p = autodispatch_testkit::bench_day(2, 300, 40);
    let inst = Instance::new(&p);
    let start = solve(&inst, 0);
    let b = Budget::new(
        &inst,
        1,
        Duration::from_secs(100),
        Instant::now() + Duration::from_millis(50),
    );
    let t0 = Instant::now();
    let run = ruin_and_recreate(&inst, &start.schedule, &b);
    assert!(run.cut);
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert_checker_clean(&p, &plan_of(&inst, &run.schedule), "cut lns");
    assert!(objective(&inst, &run.schedule) >= objective(&inst, &start.schedule) - 1e-6);
}

/// A long run starts hotter on days with a drive cost (its temperature
/// takes worse plans more often, so the search goes elsewhere) and only
/// there: on a day without one its own temperatures hold.
#[test]
fn a_long_run_searches_hotter_only_where_driving_costs() {
    let (mut differ, mut drive_days) = (0, 0);
    for k in 0..12u64 {
        let mut p = autodispatch_testkit::bench_day(k, 40, 4);
        let driving = k % 3 != 0;
        if !driving {
            p.settings.drive_cost_per_minute = 0.0;
        }
        let inst = Instance::new(&p);
        let start = solve(&inst, k);
        let deadline = Instant::now() + Duration::from_secs(60);
        let long = Budget::new(&inst, k, Duration::from_secs(3), deadline);
        let short = Budget::new(&inst, k, Duration::from_millis(100), deadline);
        assert!(long.warmth > 1.0 && (short.warmth - 1.0).abs() < 1e-12);
        // the same count of work and ruin size, long run's warmth or not
        let hot = Budget {
            max_work: short.max_work,
            mean_removed: short.mean_removed,
            ..long
        };
        let a = ruin_and_recreate(&inst, &start.schedule, &short);
        let b = ruin_and_recreate(&inst, &start.schedule, &hot);
        assert_sound(&inst, &b.schedule, &format!("day {k}"));
        if driving {
            drive_days += 1;
            differ += usize::from(
                a.schedule.routes != b.schedule.routes || a.improvements != b.improvements,
            );
        } else {
            assert_eq!(
                a.schedule.routes, b.schedule.routes,
                "day {k}: no drive cost, yet warmth changed the run"
            );
            assert_eq!(a.iterations, b.iterations, "day {k}");
        }
    }
    assert!(
        differ * 2 >= drive_days,
        "warmth changed only {differ} of {drive_days} runs"
    );
}

/// A long run removes up to twice as many jobs per iteration (fewer,
/// larger moves for the same work); where a quarter of the routed jobs is
/// fewer than either size, the two are the same search.
#[test]
fn a_long_run_ruins_more_per_iteration_where_the_plan_has_room() {
    let deadline = Instant::now() + Duration::from_secs(120);
    let runs = |p: &autodispatch_model::Problem, k: u64| {
        let inst = Instance::new(p);
        let start = solve(&inst, k);
        let long = Budget::new(&inst, k, Duration::from_secs(3), deadline);
        let short = Budget::new(&inst, k, Duration::from_millis(100), deadline);
        assert!(long.mean_removed > short.mean_removed);
        // the same work and temperatures: only the ruin size differs
        let wide = Budget {
            mean_removed: long.mean_removed,
            ..short
        };
        let a = ruin_and_recreate(&inst, &start.schedule, &short);
        let b = ruin_and_recreate(&inst, &start.schedule, &wide);
        assert!(!a.cut && !b.cut, "day {k}: cut by the clock");
        assert_sound(&inst, &b.schedule, &format!("day {k}"));
        assert_checker_clean(p, &plan_of(&inst, &b.schedule), &format!("day {k}"));
        (a, b)
    };
    for k in 0..3u64 {
        let p = autodispatch_testkit::bench_day(k, 150, 15);
        let (a, b) = runs(&p, k);
        assert!(
            b.iterations * 4 < a.iterations * 3,
            "day {k}: {} iterations with larger ruins against {}",
            b.iterations,
            a.iterations
        );
    }
    for k in 0..3u64 {
        let p = autodispatch_testkit::bench_day(k, 24, 2);
        let (a, b) = runs(&p, k);
        assert_eq!(a.schedule.routes, b.schedule.routes, "small day {k}");
        assert_eq!(a.iterations, b.iterations, "small day {k}");
    }
}
