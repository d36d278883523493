//! autodispatch-greedy: fast construction (priority-ordered regret
//! insertion over all technicians, around locked and technician-specific
//! stops) followed by local search (relocate, swap, 2-opt*, insert and
//! replace unassigned jobs) until no move improves or the time limit. The
//! always-available planner and the MILP's warm start.
//!
//! Single-threaded, so the result is the same for any thread count; the
//! seed only orders the local search.

mod construct;
mod eval;
mod search;
mod state;

use std::time::Instant;

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
        let started = Instant::now();
        let deadline = started + opts.time_limit;
        let ctx = Ctx::new(inst);
        let mut scratch = Scratch::default();

        let mut warm = Sol::initial(inst);
        construct::warm_start(&ctx, &mut warm, &mut scratch);
        construct::regret(&ctx, &mut warm, &mut scratch);
        let mut best = warm;
        let mut best_obj = best.objective(inst);

        let mut cold = Sol::initial(inst);
        construct::regret(&ctx, &mut cold, &mut scratch);
        if cold.objective(inst) > best_obj + state::EPS {
            best = cold;
        }

        let outcome = search::improve(&ctx, &mut best, opts.seed, deadline);
        best_obj = best.objective(inst);

        // never below the plain baseline: search from it too when it wins
        let mut base = construct::baseline(&ctx);
        if base.objective(inst) > best_obj + state::EPS {
            let o2 = search::improve(&ctx, &mut base, opts.seed, deadline);
            if base.objective(inst) > best_obj {
                best = base;
            }
            if o2.cut {
                return Ok(finish(inst, &best, true, &outcome));
            }
        }
        Ok(finish(inst, &best, outcome.cut, &outcome))
    }
}

fn finish(inst: &Instance, sol: &Sol, cut: bool, outcome: &search::Outcome) -> Solution {
    Solution {
        schedule: sol.schedule(inst),
        status: if cut {
            SolverStatus::TimeLimit
        } else {
            SolverStatus::Feasible
        },
        bound: None,
        note: Some(format!(
            "regret insertion + local search: {} improving moves in {} passes{}",
            outcome.moves,
            outcome.passes,
            if cut {
                ", stopped by the time limit"
            } else {
                ""
            }
        )),
    }
}

/// The plain priority-ordered cheapest insertion (jobs by descending value,
/// each at its cheapest feasible place over all technicians; no regret, no
/// local search): the yardstick greedy must never fall below.
#[must_use]
pub fn baseline(inst: &Instance) -> Schedule {
    construct::baseline(&Ctx::new(inst)).schedule(inst)
}
