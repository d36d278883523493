//! The knapsack relaxation of pricing and the Lagrangian bound built on
//! it: each technician's knapsack bounds its best route at any prices
//! (time off, events and the drive home included), and the bound the
//! subgradient steps reach is above every plan, the optimum included,
//! below the knapsacks at no prices, and the same on every run.

mod common;

use std::time::{Duration, Instant};

use autodispatch_greedy::Greedy;
use autodispatch_milp::lagrange::{candidate_rows, knapsack_dual};
use autodispatch_milp::oracle::brute_force;
use autodispatch_milp::pricing::{price, PriceLimits, Skip, TechData, MAX_LABEL_JOBS};
use autodispatch_milp::{KnapsackRound, Milp};
use autodispatch_model::build::objective;
use autodispatch_model::problem::{Shift, ShiftKind, Time};
use autodispatch_model::{Instance, SolveOptions, Solver};
use autodispatch_testkit::{bench_day, random_day};

fn exact() -> PriceLimits {
    PriceLimits {
        max_labels: 2_000_000,
        bucket_cap: usize::MAX,
        skip: Skip::Never,
        max_columns: 5,
        deadline: Instant::now() + Duration::from_secs(60),
        bidirectional: false,
    }
}

fn techs(inst: &Instance) -> Vec<TechData> {
    (0..inst.techs.len())
        .map(|t| TechData::new(inst, t, MAX_LABEL_JOBS, 16))
        .collect()
}

#[test]
fn each_technicians_knapsack_bounds_its_best_route() {
    // random days: mid-day starts, time off, on-call shifts, events, split
    // shifts, locked and technician-specific stops, both travel models
    let mut checked = 0;
    for seed in 0..80u64 {
        let inst = Instance::new(&random_day(7000 + seed, 14, 3));
        for (k, pi) in [vec![0.0; inst.jobs.len()], common::prices(&inst, seed)]
            .iter()
            .enumerate()
        {
            for td in techs(&inst) {
                for td in std::iter::once(&td).chain(td.ts_variant.as_deref()) {
                    let best = price(&inst, td, pi, 0.0, &exact());
                    assert!(best.exact, "seed {seed}: the labelling finishes");
                    let relaxed = td.relaxed_bound(&inst, pi);
                    assert!(
                        relaxed >= best.best - 1e-6 * best.best.abs().max(1.0),
                        "seed {seed} prices {k} tech {}: knapsack {relaxed} below the best route {}",
                        td.t,
                        best.best
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 480, "only {checked} technicians checked");
}

#[test]
fn time_off_leaves_the_knapsack_only_the_free_time() {
    // one technician, its regular shift 08:00–18:00, time off taking all
    // but two hours of it: whatever the drives, no route's visits last
    // more than 120 minutes
    let (before, inst, td) = (0..40)
        .find_map(|seed| {
            let mut p = bench_day(seed, 30, 1);
            let shift = p.technicians[0]
                .shifts
                .iter()
                .find(|s| s.kind == ShiftKind::Regular)
                .cloned()?;
            let before = Instance::new(&p);
            p.technicians[0].shifts.push(Shift {
                start: shift.start,
                end: Time(shift.end.0 - 120.0),
                kind: ShiftKind::TimeOff,
            });
            let inst = Instance::new(&p);
            let td = TechData::new(&inst, 0, MAX_LABEL_JOBS, 16);
            // a technician with no fixed stops: its routes are its jobs
            (td.fixed.is_empty() && !td.cands.is_empty()).then_some((before, inst, td))
        })
        .expect("a day whose technician has no fixed stops");
    let free = 120.0;
    // the most any jobs could be worth in 120 minutes of visits
    let mut by_rate: Vec<(f64, f64)> = td
        .cands
        .iter()
        .map(|&j| (inst.profit(j, 0).max(0.0), inst.jobs[j].duration))
        .collect();
    by_rate.sort_by(|a, b| (b.0 / b.1).total_cmp(&(a.0 / a.1)));
    let (mut most, mut left) = (0.0, free);
    for (v, d) in by_rate {
        let share = (left / d).min(1.0);
        most += v * share;
        left -= d * share;
        if left <= 0.0 {
            break;
        }
    }
    let zero = vec![0.0; inst.jobs.len()];
    let relaxed = td.relaxed_bound(&inst, &zero);
    assert!(
        relaxed <= most + 1e-6,
        "knapsack {relaxed} above what 120 minutes of visits can hold ({most})"
    );
    let open = TechData::new(&before, 0, MAX_LABEL_JOBS, 16).relaxed_bound(&before, &zero);
    assert!(
        open > relaxed * 1.5,
        "without the time off the day holds far more: {open} against {relaxed}"
    );
}

#[test]
fn the_knapsack_lagrangian_bounds_the_optimum_on_tiny_days() {
    let mut below_zero_prices = 0;
    let mut solved = 0;
    for seed in 0..100u64 {
        let p = random_day(
            8000 + seed,
            4 + (seed % 5) as usize,
            1 + (seed % 3) as usize,
        );
        let inst = Instance::new(&p);
        let Some((best, _)) = brute_force(&inst) else {
            continue;
        };
        solved += 1;
        let techs = techs(&inst);
        let rows = candidate_rows(&techs);
        let zero = vec![0.0; inst.jobs.len()];
        let far = Instant::now() + Duration::from_secs(60);
        let kd = knapsack_dual(&inst, &techs, &rows, &zero, best, 1000, far);
        assert!(
            kd.bound >= best - 1e-6 * best.abs().max(1.0),
            "seed {seed}: knapsack Lagrangian {} below the optimum {best}",
            kd.bound
        );
        // a technician whose technician-specific jobs may move is bounded
        // by the larger of its two knapsacks
        let at_zero: f64 = techs
            .iter()
            .map(|td| {
                std::iter::once(td)
                    .chain(td.ts_variant.as_deref())
                    .map(|v| v.relaxed_bound(&inst, &zero))
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .sum();
        assert!(kd.bound <= at_zero + 1e-9);
        below_zero_prices += usize::from(kd.bound < at_zero - 1e-6);
    }
    assert!(solved >= 90, "brute force solved only {solved} days");
    assert!(
        below_zero_prices >= 30,
        "prices lowered the bound on only {below_zero_prices} days"
    );
}

#[test]
fn the_knapsack_lagrangian_is_above_every_plan_and_the_same_each_run() {
    for seed in 0..6u64 {
        let p = bench_day(seed, 60, 8);
        let inst = Instance::new(&p);
        let opts = common::opts(1);
        let greedy = objective(&inst, &Greedy.solve(&inst, &opts).expect("greedy").schedule);
        let milp = Milp::default().run(&inst, &opts, None).expect("milp");
        let techs = techs(&inst);
        let rows = candidate_rows(&techs);
        let zero = vec![0.0; inst.jobs.len()];
        let far = Instant::now() + Duration::from_secs(60);
        let kd = knapsack_dual(&inst, &techs, &rows, &zero, greedy, 1000, far);
        let plan = greedy.max(milp.objective);
        assert!(
            kd.bound >= plan - 1e-6 * plan.abs(),
            "seed {seed}: knapsack Lagrangian {} below a plan's {plan}",
            kd.bound
        );
        let again = knapsack_dual(&inst, &techs, &rows, &zero, greedy, 1000, far);
        assert_eq!(kd.bound.to_bits(), again.bound.to_bits(), "seed {seed}");
        assert_eq!(kd.steps, again.steps, "seed {seed}");
    }
}

#[test]
fn days_of_many_technicians_get_a_bound_above_every_plan() {
    // over 60 technicians the MILP takes its bound from the knapsack
    // round before column generation: never above the knapsack
    // Lagrangian's own, and never below a plan
    for seed in 0..2u64 {
        let p = random_day(9100 + seed, 160, 64);
        let inst = Instance::new(&p);
        let opts = common::opts(3);
        let greedy = Greedy.solve(&inst, &opts).expect("greedy");
        let g = objective(&inst, &greedy.schedule);
        let out = Milp::default().run(&inst, &opts, None).expect("milp");
        common::assert_clean(&p, &inst, &out.solution, "64 technicians");
        let bound = out.solution.bound.expect("a bound");
        let plan = g.max(out.objective);
        assert!(
            bound >= plan - 1e-6 * plan.abs().max(1.0),
            "seed {seed}: bound {bound} below a plan's {plan}"
        );
        assert!(out.bound_duals.is_some(), "seed {seed}: the bound's prices");
        let techs = techs(&inst);
        let zero = vec![0.0; inst.jobs.len()];
        let far = Instant::now() + Duration::from_secs(60);
        let kd = knapsack_dual(&inst, &techs, &candidate_rows(&techs), &zero, g, 1000, far);
        assert!(
            bound <= kd.bound + 1e-6 * kd.bound.abs().max(1.0),
            "seed {seed}: bound {bound} above the knapsack Lagrangian's {}",
            kd.bound
        );
    }
}

#[test]
fn a_knapsack_round_run_before_the_milp_bounds_its_plan_as_its_own_would() {
    // `auto` runs the knapsack round of a day of many technicians before
    // the MILP (beside ruin and recreate): the MILP takes its routes and
    // bound, plans as well as with its own round, and claims no bound
    // below a plan nor above the round's
    let p = random_day(9200, 160, 64);
    let inst = Instance::new(&p);
    assert!(Milp::is_big(&inst));
    let opts = common::opts(3);
    let greedy = Greedy.solve(&inst, &opts).expect("greedy");
    let g = objective(&inst, &greedy.schedule);
    let far = Instant::now() + Duration::from_secs(60);
    let start = Milp::default().knapsack_start(&inst, g, far, 2);
    let again = Milp::default().knapsack_start(&inst, g, far, 1);
    assert_eq!(start.bound().to_bits(), again.bound().to_bits());
    assert!(start.bound() >= g - 1e-6 * g.abs().max(1.0));
    let round = start.bound();
    let run = |opts: &SolveOptions, start| {
        Milp::default()
            .run_with_start(
                &inst,
                opts,
                Some(&greedy.schedule),
                &[],
                KnapsackRound::Ran(start),
            )
            .expect("milp")
    };
    let out = run(&opts, start);
    common::assert_clean(&p, &inst, &out.solution, "64 technicians, knapsack start");
    let bound = out.solution.bound.expect("a bound");
    assert!(
        bound >= out.objective.max(g) - 1e-6 * bound.abs().max(1.0),
        "bound {bound} below a plan ({} or greedy's {g})",
        out.objective
    );
    assert!(
        bound <= round + 1e-6 * round.abs(),
        "bound {bound} above the round's {round}"
    );
    assert!(out.objective >= g - 1e-6 * g.abs().max(1.0));
    // the MILP takes the round it is given: one aimed elsewhere gives
    // another bound, which a run that stops before any LP reports as is
    let aimed = Milp::default().knapsack_start(&inst, 1.02 * g, far, 2);
    let aimed_bound = aimed.bound();
    assert_ne!(aimed_bound.to_bits(), round.to_bits());
    let stop = SolveOptions { gap: 1.0, ..opts };
    let first = run(&stop, aimed);
    assert_eq!(first.rounds, 0);
    assert_eq!(
        first.solution.bound.map(f64::to_bits),
        Some(aimed_bound.to_bits())
    );
}
