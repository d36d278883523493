//! autodispatch-greedy: fast construction (priority-ordered regret
//! insertion over all technicians, around locked and technician-specific
//! stops) followed by local search (relocate, swap, 2-opt*, insert and
//! replace unassigned jobs) until no move improves or the time limit. The
//! always-available planner and the MILP's warm start.
//!
//! Single-threaded, so the result is the same for any thread count; the
//! seed only orders the local search.
//!
//! ```
//! use autodispatch_greedy::{baseline, Greedy};
//! use autodispatch_model::build::objective;
//! use autodispatch_model::{build_plan, Instance, SolveOptions, Solver, SolverInfo};
//!
//! let problem = autodispatch_testkit::random_day(7, 30, 4);
//! let inst = Instance::new(&problem);
//! let sol = Greedy.solve(&inst, &SolveOptions::default()).unwrap();
//! assert!(objective(&inst, &sol.schedule) >= objective(&inst, &baseline(&inst)) - 1e-6);
//! let info = SolverInfo { name: "greedy".into(), status: sol.status, seconds: 0.0, bound: None, note: sol.note };
//! let plan = build_plan(&inst, &sol.schedule, info);
//! assert!(autodispatch_model::check::check_plan(&problem, &plan).is_valid());
//! ```

mod construct;
mod eval;
pub mod lns;
mod search;
mod state;

use std::time::{Duration, Instant};

use autodispatch_model::solver::Solution;
use autodispatch_model::{Instance, Schedule, SolveError, SolveOptions, Solver, SolverStatus};

use crate::state::{Ctx, Scratch, Sol};

/// The greedy planner.
#[derive(Debug, Clone, Copy, Default)]
pub struct Greedy;

impl Solver for Greedy {
    fn name(&self) -> &str {
        "greedy"
    }

    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
        let deadline = deadline_after(opts.time_limit);
        let ctx = Ctx::new(inst);
        let mut scratch = Scratch::default();
        // Small days search from every start and keep the best; large ones
        // search only from the better of regret insertion and the baseline
        // (on generated 1000-job days the regret start always won). The
        // choice depends on the day alone, never on the clock.
        let work: usize = ctx.managed.iter().map(|&j| ctx.cands[j].len()).sum();
        let small = work <= SMALL_WORK;
        let near = search::neighbours(&ctx, search::NEIGHBOURS);
        let mut total = search::Outcome::default();
        let mut build = |start: Start| -> Sol {
            if let Start::Baseline = start {
                return construct::baseline(&ctx);
            }
            let mut sol = Sol::initial(inst);
            let cut = match start {
                Start::Baseline => false,
                Start::Regret(w) => construct::regret(&ctx, &mut sol, w, deadline, &mut scratch),
                Start::Warm => {
                    construct::warm_start(&ctx, &mut sol, &mut scratch);
                    construct::regret(&ctx, &mut sol, 1.0, deadline, &mut scratch)
                }
            };
            total.cut |= cut;
            sol
        };
        let starts: Vec<Sol> = if small {
            Start::ALL.iter().map(|&s| build(s)).collect()
        } else {
            let a = build(Start::Regret(1.0));
            let b = build(Start::Baseline);
            vec![if b.objective(inst) > a.objective(inst) + state::EPS {
                b
            } else {
                a
            }]
        };
        let mut best: Option<(Sol, f64)> = None;
        for mut sol in starts {
            let out = search::improve(&ctx, &near, &mut sol, opts.seed, deadline, small);
            total.moves += out.moves;
            total.passes += out.passes;
            total.cut |= out.cut;
            let obj = sol.objective(inst);
            if best.as_ref().map_or(true, |b| obj > b.1 + state::EPS) {
                best = Some((sol, obj));
            }
            if out.cut {
                break;
            }
        }
        let (mut sol, obj) = best.expect("at least one start ran");
        if total.cut {
            // never below the plain baseline, even when the clock cut the search
            let base = construct::baseline(&ctx);
            if base.objective(inst) > obj + state::EPS {
                sol = base;
            }
        }
        Ok(finish(inst, &sol, &total))
    }
}

/// Greedy, then ruin and recreate ([`lns`]) for the rest of the time
/// (`--solver lns`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lns;

/// Share of the time limit greedy may take before ruin and recreate.
const LNS_GREEDY_SHARE: f64 = 0.2;
/// Share of the time limit ruin and recreate's counted work is sized for;
/// the rest is the margin for a slow machine (its deadline is at 95%).
const LNS_WORK_SHARE: f64 = 0.7;

impl Solver for Lns {
    fn name(&self) -> &str {
        "lns"
    }

    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
        let deadline = deadline_after(opts.time_limit.mul_f64(0.95));
        let g_opts = SolveOptions {
            time_limit: opts.time_limit.mul_f64(LNS_GREEDY_SHARE),
            ..opts.clone()
        };
        let greedy = Greedy.solve(inst, &g_opts)?;
        // sized by the limit, not by what greedy left, so the plan does
        // not depend on how fast greedy ran
        let budget = lns::Budget::new(
            inst,
            opts.seed,
            opts.time_limit.mul_f64(LNS_WORK_SHARE),
            deadline,
        );
        let run = lns::ruin_and_recreate(inst, &greedy.schedule, &budget);
        let cut = run.cut || greedy.status == SolverStatus::TimeLimit;
        Ok(Solution::heuristic(
            run.schedule,
            cut,
            format!(
                "greedy, then ruin and recreate: {} iterations, {} improvements, {} work{}",
                run.iterations,
                run.improvements,
                run.work,
                if run.cut {
                    ", stopped by the time limit"
                } else {
                    ""
                }
            ),
        ))
    }
}

/// The instant `limit` from now; a limit too large for the clock means no
/// limit.
fn deadline_after(limit: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(limit)
        .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600))
}

/// Total candidate (job, technician) pairs up to which every start runs.
const SMALL_WORK: usize = 20_000;

/// A construction the local search starts from.
#[derive(Debug, Clone, Copy)]
enum Start {
    /// Regret insertion with this regret weight.
    Regret(f64),
    /// The plain baseline.
    Baseline,
    /// Current assignments first, then regret insertion.
    Warm,
}

impl Start {
    const ALL: [Self; 5] = [
        Self::Regret(1.0),
        Self::Baseline,
        Self::Regret(2.0),
        Self::Regret(0.5),
        Self::Warm,
    ];
}

fn finish(inst: &Instance, sol: &Sol, outcome: &search::Outcome) -> Solution {
    Solution::heuristic(
        sol.schedule(inst),
        outcome.cut,
        format!(
            "regret insertion + local search from several starts: {} improving moves in {} passes{}",
            outcome.moves,
            outcome.passes,
            if outcome.cut {
                ", stopped by the time limit"
            } else {
                ""
            }
        ),
    )
}

/// The plain priority-ordered cheapest insertion (jobs by descending value,
/// each at its cheapest feasible place over all technicians; no regret, no
/// local search): the yardstick greedy must never fall below.
#[must_use]
pub fn baseline(inst: &Instance) -> Schedule {
    construct::baseline(&Ctx::new(inst)).schedule(inst)
}
