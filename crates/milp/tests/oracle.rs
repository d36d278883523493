//! The route-based optimum against brute force on random tiny days, with
//! every plan checker-clean and the bound never below the objective.

mod common;

use autodispatch_milp::oracle::{arc_milp, brute_force, brute_force_ts_fixed};
use autodispatch_milp::{Auto, Milp};
use autodispatch_model::{Instance, Solver, SolverStatus};
use autodispatch_testkit::random_day;
use common::{
    assert_clean, opts, route_model_against_brute_force, route_model_against_brute_force_on,
    tiny_day,
};

#[test]
fn route_based_optimum_equals_brute_force_on_tiny_days() {
    let (proven, _) = route_model_against_brute_force(0, 130);
    assert!(proven >= 100, "only {proven} days proven optimal");
}

/// Haversine travel: where no max drive is set, pricing leaves out jobs
/// of no reduced profit and still proves its best route.
#[test]
fn route_based_optimum_equals_brute_force_on_tiny_haversine_days() {
    let (proven, _) = route_model_against_brute_force_on(
        autodispatch_testkit::bench_day,
        &Milp::default(),
        1000,
        100,
    );
    assert!(proven >= 70, "only {proven} days proven optimal");
}

/// Quick pricing rounds that see only two jobs per technician: the exact
/// rounds still label every candidate, so the optimum is still proven
/// (a labelling short of jobs that may add value proves nothing).
#[test]
fn exact_rounds_label_every_candidate_when_quick_rounds_see_few() {
    let narrow = Milp {
        max_label_jobs: 2,
        ..Milp::default()
    };
    let (proven, _) = route_model_against_brute_force_on(random_day, &narrow, 0, 130);
    assert!(proven >= 100, "only {proven} days proven optimal");
}

#[test]
fn milp_plans_are_clean_and_bounded_on_small_days() {
    for seed in 0..12u64 {
        let p = random_day(
            1000 + seed,
            15 + (seed % 3) as usize * 5,
            2 + (seed % 4) as usize,
        );
        let inst = Instance::new(&p);
        let sol = Milp::default().solve(&inst, &opts(2)).expect("milp solves");
        assert_clean(&p, &inst, &sol, &format!("seed {seed}"));
        let obj = autodispatch_model::build::objective(&inst, &sol.schedule);
        assert!(sol.bound.expect("a bound") >= obj - 1e-6);
    }
}

#[test]
fn auto_falls_back_to_greedy_when_the_milp_fails() {
    let p = random_day(7, 12, 3);
    let inst = Instance::new(&p);
    let sol = Auto::with_failing_milp()
        .solve(&inst, &opts(2))
        .expect("auto always plans");
    assert_eq!(sol.status, SolverStatus::Fallback);
    assert!(
        sol.note.as_deref().is_some_and(|n| n.contains("greedy")),
        "{:?}",
        sol.note
    );
    assert_clean(&p, &inst, &sol, "fallback");
    let greedy = autodispatch_greedy::Greedy
        .solve(&inst, &opts(1))
        .expect("greedy");
    assert_eq!(
        autodispatch_model::build::objective(&inst, &sol.schedule),
        autodispatch_model::build::objective(&inst, &greedy.schedule)
    );
    assert!(Milp::failing().solve(&inst, &opts(1)).is_err());
}

#[test]
fn auto_keeps_the_milp_plan_when_it_is_at_least_as_good() {
    let p = random_day(11, 10, 2);
    let inst = Instance::new(&p);
    let sol = Auto::default().solve(&inst, &opts(3)).expect("auto plans");
    assert_ne!(sol.status, SolverStatus::Fallback, "{:?}", sol.note);
    assert!(sol.bound.is_some());
    assert_clean(&p, &inst, &sol, "auto");
}

/// A technician with two overlapping locked jobs is busy until the later
/// end: the compact MILP once started the next stop after the earlier one
/// (found on this day by the HiGHS tests).
#[test]
fn compact_arc_milp_waits_out_overlapping_locked_jobs() {
    let inst = Instance::new(&random_day(7019, 8, 2));
    let (kept, _) = brute_force_ts_fixed(&inst).expect("a tiny day");
    let arc = arc_milp(&inst, 30.0)
        .expect("microlp runs")
        .expect("solved in time");
    assert!(
        (arc - kept).abs() <= 1e-5 * kept.abs().max(1.0),
        "arc MILP {arc} vs brute force {kept}"
    );
}

#[test]
fn compact_arc_milp_agrees_with_brute_force_and_the_route_model() {
    let mut solved = 0;
    for seed in 0..110u64 {
        let jobs = 4 + (seed % 5) as usize;
        let techs = 1 + (seed % 3) as usize;
        let p = random_day(500 + seed, jobs, techs);
        let inst = Instance::new(&p);
        // the compact MILP keeps technician-specific jobs where they are
        let (kept, _) = brute_force_ts_fixed(&inst).expect("a tiny day");
        let Some(arc) = arc_milp(&inst, 10.0).expect("microlp runs") else {
            continue;
        };
        assert!(
            (arc - kept).abs() <= 1e-5 * kept.abs().max(1.0),
            "seed {seed}: arc MILP {arc} vs brute force {kept}"
        );
        // moving them can only help
        let (opt, _) = brute_force(&inst).expect("a tiny day");
        assert!(opt >= kept - 1e-9, "seed {seed}");
        let out = Milp::default()
            .run(&inst, &opts(5), None)
            .expect("milp solves");
        assert!(out.solution.bound.expect("bound") >= opt - 1e-6);
        if out.solution.status == SolverStatus::Optimal {
            assert!(
                (out.objective - opt).abs() <= 1e-6 * opt.abs().max(1.0),
                "seed {seed}"
            );
        }
        solved += 1;
    }
    assert!(solved >= 100, "the arc MILP proved only {solved} days");
}

#[test]
fn the_bound_is_above_any_other_plan_greedy_included() {
    // greedy may move technician-specific jobs, which our routes keep in
    // place, so this checks the bound against plans outside our columns too
    for seed in 0..60u64 {
        let p = random_day(
            3000 + seed,
            8 + (seed % 4) as usize * 6,
            1 + (seed % 5) as usize,
        );
        let inst = Instance::new(&p);
        let greedy = autodispatch_greedy::Greedy
            .solve(&inst, &opts(1))
            .expect("greedy");
        let g = autodispatch_model::build::objective(&inst, &greedy.schedule);
        let out = Milp {
            use_greedy: false,
            ..Milp::default()
        }
        .run(&inst, &opts(2), None)
        .expect("milp");
        let bound = out.solution.bound.expect("a bound");
        assert!(
            bound >= g - 1e-6 * g.abs().max(1.0),
            "seed {seed}: bound {bound} below greedy's {g}"
        );
    }
}

/// Where the LP leaves a gap, enumerating every route within it proves
/// the plan optimal: the bound falls to the brute-force optimum, which
/// column generation alone cannot show.
#[test]
fn routes_enumerated_within_the_gap_prove_the_optimum() {
    let mut closed = 0;
    for seed in 0..400u64 {
        let (p, inst) = tiny_day(5000 + seed);
        // (cuts close some of these gaps first: this is the enumeration's
        // own proof)
        let with = Milp {
            cuts: false,
            ..Milp::default()
        }
        .run(&inst, &opts(5), None)
        .expect("milp");
        assert_clean(&p, &inst, &with.solution, &format!("seed {seed}"));
        if !with
            .solution
            .note
            .as_deref()
            .is_some_and(|n| n.contains("enumerated"))
        {
            continue;
        }
        let (opt, _) = brute_force(&inst).expect("a tiny day");
        let bound = with.solution.bound.expect("a bound");
        assert_eq!(with.solution.status, SolverStatus::Optimal, "seed {seed}");
        assert!(
            (with.objective - opt).abs() <= 1e-6 * opt.abs().max(1.0)
                && (bound - opt).abs() <= 1e-6 * opt.abs().max(1.0),
            "seed {seed}: objective {} and bound {bound} against the optimum {opt}",
            with.objective
        );
        let without = Milp {
            enumerate: false,
            cuts: false,
            ..Milp::default()
        }
        .run(&inst, &opts(5), None)
        .expect("milp");
        // where the LP is integral the other phases reach the optimum too
        let lp_bound = without.solution.bound.expect("a bound");
        closed += usize::from(lp_bound > opt + 1e-6 * opt.abs().max(1.0));
    }
    assert!(closed >= 3, "only {closed} gaps closed by enumeration");
}

/// Subset-row cuts are valid for every plan: with them the bound may
/// fall below the LP's, never below the brute-force optimum. Days where
/// the LP packs halves of routes around three jobs get cuts, and there
/// the bound falls (the enumeration is off, so the bound is the LP's).
#[test]
fn subset_row_cuts_lower_the_bound_but_never_below_the_optimum() {
    let (mut cut, mut lower) = (0, 0);
    for seed in 0..1000u64 {
        let (p, inst) = tiny_day(7000 + seed);
        let run = |cuts| {
            Milp {
                enumerate: false,
                cuts,
                ..Milp::default()
            }
            .run(&inst, &opts(5), None)
            .expect("milp")
        };
        let with = run(true);
        assert_clean(&p, &inst, &with.solution, &format!("seed {seed}"));
        if with.cuts == 0 {
            continue;
        }
        cut += 1;
        let (opt, _) = brute_force(&inst).expect("a tiny day");
        let tol = 1e-6 * opt.abs().max(1.0);
        let bound = with.solution.bound.expect("a bound");
        assert!(
            bound >= opt - tol,
            "seed {seed}: bound {bound} below the optimum {opt}"
        );
        let without = run(false).solution.bound.expect("a bound");
        // the same rounds up to the cuts, whose rounds only lower it
        assert!(
            bound <= without + tol,
            "seed {seed}: {bound} above {without} without cuts"
        );
        lower += usize::from(bound < without - tol);
        // and the enumeration within the gap the cuts leave proves only
        // the optimum
        let both = Milp::default().run(&inst, &opts(5), None).expect("milp");
        let bound = both.solution.bound.expect("a bound");
        assert!(
            bound >= opt - tol,
            "seed {seed}: bound {bound} below the optimum {opt}"
        );
        assert!(
            both.solution.status != SolverStatus::Optimal || (both.objective - opt).abs() <= tol,
            "seed {seed}: {} called optimal against {opt}",
            both.objective
        );
    }
    assert!(
        cut >= 15 && lower >= 8,
        "{cut} days with cuts, {lower} with a lower bound"
    );
}
