//! `auto`, the default solver: the greedy plan, improved by ruin and
//! recreate, then the MILP warm-started from it (with every route the
//! search kept as a column), and the heuristic plan again when the MILP
//! fails or ends below it.

use std::time::Instant;

use autodispatch_greedy::lns::{ruin_and_recreate, Budget, Run};
use autodispatch_greedy::Greedy;
use autodispatch_model::build::objective;
use autodispatch_model::solver::Solution;
use autodispatch_model::{Instance, Schedule, SolveError, SolveOptions, Solver, SolverStatus};

use crate::{KnapsackRound, Milp};

/// Share of the time limit the greedy warm start may use.
const GREEDY_SHARE: f64 = 0.2;
/// Below this total limit `auto` gives greedy half the time.
const SHORT_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);
/// Less time than this left after greedy is not enough to set up the MILP
/// (pricing data for every technician) and return inside the limit.
const MILP_MIN_TIME: std::time::Duration = std::time::Duration::from_millis(300);

/// Runs the greedy planner on a share of the time limit; returns its
/// solution (when it has one) and the options for what is left.
pub(crate) fn greedy_start(
    inst: &Instance,
    opts: &SolveOptions,
) -> (Option<Solution>, SolveOptions) {
    let t0 = Instant::now();
    // under a short limit greedy's own plan matters most: let it finish
    let share = if opts.time_limit < SHORT_LIMIT {
        0.5
    } else {
        GREEDY_SHARE
    };
    let g_opts = SolveOptions {
        time_limit: opts.time_limit.mul_f64(share),
        ..opts.clone()
    };
    let warm = Greedy.solve(inst, &g_opts).ok();
    let rest = SolveOptions {
        time_limit: opts.time_limit.saturating_sub(t0.elapsed()),
        ..opts.clone()
    };
    (warm, rest)
}

/// Ruin and recreate's counted work is sized for the first share of the
/// limit and cut at the second at the latest. Where the MILP's pricing is
/// quick (short routes, a few dozen technicians: generated 100- and
/// 300-job days) the MILP makes better use of the time, so ruin and
/// recreate gets little of it; with long routes (TOPTW) it gets a third,
/// the MILP then combining its routes; with over 60 technicians, where
/// pricing them all is slow, it gets half. Measured (docs/benchmarks.md):
/// on 300-job days the MILP-first shares gained 0.3–2.4% on four days of
/// five over (0.35, 0.5); on TOPTW (0.5, 0.65) lost 0.25 points of the
/// mean against (0.35, 0.5); on 1000-job days it gained 0.2–0.3%. Under
/// a short limit greedy has half the time.
const LNS_SHARES_MILP_FIRST: (f64, f64) = (0.15, 0.25);
const LNS_SHARES_LONG_ROUTES: (f64, f64) = (0.35, 0.5);
const LNS_SHARES_MANY_TECHS: (f64, f64) = (0.5, 0.65);
const LNS_SHARES_SHORT: (f64, f64) = (0.15, 0.7);
/// Technicians above which pricing every one of them is slow: the MILP's
/// big days ([`Milp::is_big`]).
const MANY_TECHS: usize = crate::BIG_TECHS;
/// Mean stops per route of greedy's plan above which routes count as long.
const LONG_ROUTE: f64 = 8.0;
/// On days of many technicians the MILP's knapsack round runs beside ruin
/// and recreate when a second thread is free and the limit is not short,
/// until this share of the limit (before the search's counted work ends
/// on a machine as fast as its budget assumes, so the search does not
/// wait for it). Else the MILP runs it itself, aimed as the round beside
/// the search is (at greedy's value): the round depends on the day and
/// greedy's plan only, so the thread count changes the plan only where
/// the clock cuts it.
const KNAPSACK_BESIDE_END: f64 = 0.4;
/// On other days two searches run, the second with the seed changed by
/// this: their plans differ by a few tenths of a percent either way
/// (TOPTW pr20 with 2 tours: 1 168–1 220 over three seeds), so the better
/// of two is worth a second thread, and the MILP gets both runs' routes.
/// Measured (docs/benchmarks.md): TOPTW issue 3's set 99.51 → 99.63%,
/// pr11–pr20 98.51 → 98.78%; 300-job plans +0.0–0.15%.
const SECOND_SEARCH_SEED: u64 = 0x9E37_79B9;

/// The shares of ruin and recreate for a day, from greedy's plan of it (so
/// the choice depends on the day, never on the clock).
fn lns_shares(inst: &Instance, greedy: &Schedule, limit: std::time::Duration) -> (f64, f64) {
    if limit < SHORT_LIMIT {
        return LNS_SHARES_SHORT;
    }
    let used: Vec<usize> = greedy
        .routes
        .iter()
        .map(Vec::len)
        .filter(|&n| n > 0)
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let mean = used.iter().sum::<usize>() as f64 / used.len().max(1) as f64;
    if inst.techs.len() > MANY_TECHS {
        LNS_SHARES_MANY_TECHS
    } else if mean > LONG_ROUTE {
        LNS_SHARES_LONG_ROUTES
    } else {
        LNS_SHARES_MILP_FIRST
    }
}

/// Greedy, ruin and recreate from greedy's plan, then the MILP warm-started
/// with that plan and every route the search kept; the heuristic plan when
/// the MILP fails or finds nothing better in time (`--solver auto`).
#[derive(Debug, Clone)]
pub struct Auto {
    pub milp: Milp,
    /// Run ruin and recreate between greedy and the MILP.
    pub use_lns: bool,
}

impl Default for Auto {
    fn default() -> Self {
        Self {
            milp: Milp::default(),
            use_lns: true,
        }
    }
}

impl Auto {
    /// An `auto` whose MILP always fails, to test the fallback.
    #[must_use]
    pub fn with_failing_milp() -> Self {
        Self {
            milp: Milp::failing(),
            ..Self::default()
        }
    }

    /// Runs `search` on a day of many technicians, and the MILP's
    /// knapsack round from greedy's plan beside it when a second thread
    /// is free and the limit is not short; how the MILP is to get the
    /// round (its own, aimed as this one is, where this one panicked or
    /// did not run).
    fn beside_knapsack_round<R: Send>(
        &self,
        inst: &Instance,
        opts: &SolveOptions,
        t0: Instant,
        greedy: &Schedule,
        search: impl FnOnce() -> R + Send,
    ) -> (R, KnapsackRound) {
        let target = objective(inst, greedy);
        if opts.threads < 2 || opts.time_limit < SHORT_LIMIT {
            return (search(), KnapsackRound::AimAt(target));
        }
        std::thread::scope(|s| {
            let round = s.spawn(|| {
                self.milp.knapsack_start(
                    inst,
                    target,
                    t0 + opts.time_limit.mul_f64(KNAPSACK_BESIDE_END),
                    opts.threads - 1,
                )
            });
            let r = search();
            let round = round
                .join()
                .map_or(KnapsackRound::AimAt(target), KnapsackRound::Ran);
            (r, round)
        })
    }
}

/// Two ruin-and-recreate runs from greedy's plan, with `budgets` (seeds
/// apart): side by side on two threads or more, else one after the
/// other. The better plan (the first on a tie), cut if either was, with
/// both runs' routes; and each run's iterations. Each run depends on its
/// seed and counted work only, so the thread count changes the result
/// only where the clock cuts a run.
fn two_searches(
    inst: &Instance,
    start: &Schedule,
    budgets: [&Budget; 2],
    threads: usize,
) -> (Run, [u64; 2]) {
    let search = |b: &Budget| ruin_and_recreate(inst, start, b);
    let (a, b) = if threads >= 2 {
        std::thread::scope(|s| {
            let second = s.spawn(|| search(budgets[1]));
            let a = search(budgets[0]);
            // a panic in the second run costs its plan, not the first's
            (a, second.join().ok())
        })
    } else {
        let a = search(budgets[0]);
        let b = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| search(budgets[1]))).ok();
        (a, b)
    };
    let iterations = [a.iterations, b.as_ref().map_or(0, |b| b.iterations)];
    let Some(b) = b else {
        return (a, iterations);
    };
    let (va, vb) = (objective(inst, &a.schedule), objective(inst, &b.schedule));
    let (mut best, other) = if vb > va + 1e-9 * va.abs().max(1.0) {
        (b, a)
    } else {
        (a, b)
    };
    best.cut |= other.cut;
    best.routes.extend(other.routes);
    (best, iterations)
}

impl Solver for Auto {
    fn name(&self) -> &str {
        "auto"
    }

    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
        let t0 = Instant::now();
        let (warm, rest) = greedy_start(inst, opts);
        let Some(greedy) = warm else {
            // nothing to fall back on: the MILP alone
            return self.milp.run(inst, &rest, None).map(|o| o.solution);
        };
        let mut cut = greedy.status == SolverStatus::TimeLimit;
        // with no search to run beside, the MILP aims its round at the
        // plan it is given, as before
        let mut round = KnapsackRound::Own;
        let (heur, routes, what) = if self.use_lns {
            let (work, end) = lns_shares(inst, &greedy.schedule, opts.time_limit);
            let big = Milp::is_big(inst);
            // one after the other, two runs need the first's deadline plus
            // the second's share
            let end = if big || opts.threads >= 2 {
                end
            } else {
                end + work
            };
            // sized by the limit, not by what greedy left, so the plan does
            // not depend on how fast greedy ran
            let budget = |seed: u64| {
                Budget::new(
                    inst,
                    seed,
                    opts.time_limit.mul_f64(work),
                    t0 + opts.time_limit.mul_f64(end),
                )
            };
            let first = budget(opts.seed);
            let (run, runs) = if big {
                let (run, r) = self.beside_knapsack_round(inst, opts, t0, &greedy.schedule, || {
                    ruin_and_recreate(inst, &greedy.schedule, &first)
                });
                round = r;
                let runs = format!("{} iterations", run.iterations);
                (run, runs)
            } else {
                let second = budget(opts.seed ^ SECOND_SEARCH_SEED);
                let (run, [a, b]) =
                    two_searches(inst, &greedy.schedule, [&first, &second], opts.threads);
                (run, format!("2 runs, {a} and {b} iterations"))
            };
            cut |= run.cut;
            let what = format!(
                "greedy + ruin and recreate ({runs}{})",
                if run.cut { ", cut by the clock" } else { "" }
            );
            (run.schedule, run.routes, what)
        } else {
            (greedy.schedule, Vec::new(), "greedy".to_string())
        };
        let heur_obj = objective(inst, &heur);
        let rest = SolveOptions {
            time_limit: opts.time_limit.saturating_sub(t0.elapsed()),
            ..opts.clone()
        };
        if rest.time_limit < MILP_MIN_TIME {
            return Ok(Solution::heuristic(
                heur,
                cut,
                format!(
                    "{:.2} s left after {what} is too little for the MILP; that plan is used",
                    rest.time_limit.as_secs_f64()
                ),
            ));
        }
        let fallback = |why: String, bound: Option<f64>| Solution {
            schedule: heur.clone(),
            status: SolverStatus::Fallback,
            bound: bound.filter(|b| *b >= heur_obj - 1e-6),
            note: Some(why),
        };
        // a bug in the MILP must not cost the plan we already have
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.milp
                .run_with_start(inst, &rest, Some(&heur), &routes, round)
        }))
        .unwrap_or_else(|_| Err(SolveError::Failed("the MILP panicked".into())));
        match run {
            Err(e) => Ok(fallback(format!("{e}; the plan of {what} is used"), None)),
            Ok(o) if o.objective < heur_obj - 1e-6 * heur_obj.abs().max(1.0) => Ok(fallback(
                format!(
                    "the MILP found nothing better in time ({:.2} < {:.2}); the plan of {what} is used",
                    o.objective, heur_obj
                ),
                o.solution.bound,
            )),
            Ok(o) => Ok(Solution {
                note: o.solution.note.map(|n| format!("{what}, then MILP: {n}")),
                ..o.solution
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use autodispatch_model::{Instance, Schedule, Visit};

    use super::*;

    /// A schedule whose used routes have `len` stops each (jobs repeat:
    /// only the lengths matter here).
    fn routes_of(len: usize, techs: usize) -> Schedule {
        Schedule {
            routes: (0..techs)
                .map(|_| (0..len).map(|k| Visit { job: k, start: 0.0 }).collect())
                .collect(),
        }
    }

    #[test]
    fn two_searches_keep_the_better_plan_and_both_runs_routes_on_any_thread_count() {
        let inst = Instance::new(&autodispatch_testkit::bench_day(3, 60, 8));
        let greedy = Greedy
            .solve(&inst, &SolveOptions::default())
            .expect("greedy")
            .schedule;
        let far = Instant::now() + Duration::from_secs(600);
        let mut better_second = 0;
        for seed in 0..4u64 {
            let budgets = [
                Budget::new(&inst, seed, Duration::from_millis(40), far),
                Budget::new(
                    &inst,
                    seed ^ SECOND_SEARCH_SEED,
                    Duration::from_millis(40),
                    far,
                ),
            ];
            let alone = budgets
                .each_ref()
                .map(|b| ruin_and_recreate(&inst, &greedy, b));
            let values = alone.each_ref().map(|r| objective(&inst, &r.schedule));
            let (one, it1) = two_searches(&inst, &greedy, [&budgets[0], &budgets[1]], 1);
            let (two, it2) = two_searches(&inst, &greedy, [&budgets[0], &budgets[1]], 2);
            assert_eq!(format!("{:?}", one.schedule), format!("{:?}", two.schedule));
            assert_eq!(one.routes, two.routes);
            assert_eq!(it1, it2);
            assert_eq!(it1, [alone[0].iterations, alone[1].iterations]);
            let best = values[0].max(values[1]);
            assert!((objective(&inst, &one.schedule) - best).abs() <= 1e-9 * best.abs().max(1.0));
            assert_eq!(
                one.routes.len(),
                alone[0].routes.len() + alone[1].routes.len()
            );
            better_second += usize::from(values[1] > values[0] + 1e-9 * values[0].abs());
        }
        // the second run is not a copy of the first
        assert!(
            better_second > 0 || {
                let a = Budget::new(&inst, 0, Duration::from_millis(40), far);
                let b = Budget::new(&inst, SECOND_SEARCH_SEED, Duration::from_millis(40), far);
                ruin_and_recreate(&inst, &greedy, &a).routes
                    != ruin_and_recreate(&inst, &greedy, &b).routes
            }
        );
    }

    #[test]
    fn ruin_and_recreate_gets_the_time_its_kind_of_day_needs() {
        let ten = Duration::from_secs(10);
        let few = Instance::new(&autodispatch_testkit::bench_day(1, 40, 8));
        assert_eq!(
            lns_shares(&few, &routes_of(4, 8), ten),
            LNS_SHARES_MILP_FIRST
        );
        assert_eq!(
            lns_shares(&few, &routes_of(20, 8), ten),
            LNS_SHARES_LONG_ROUTES
        );
        let many = Instance::new(&autodispatch_testkit::bench_day(1, 100, MANY_TECHS + 1));
        assert_eq!(
            lns_shares(&many, &routes_of(4, 8), ten),
            LNS_SHARES_MANY_TECHS
        );
        // under a short limit, whatever the day
        let short = Duration::from_secs(1);
        assert_eq!(
            lns_shares(&many, &routes_of(20, 8), short),
            LNS_SHARES_SHORT
        );
        // empty routes do not count towards the mean
        let mut mixed = routes_of(20, 8);
        mixed.routes.extend((0..30).map(|_| Vec::new()));
        assert_eq!(lns_shares(&few, &mixed, ten), LNS_SHARES_LONG_ROUTES);
    }
}
