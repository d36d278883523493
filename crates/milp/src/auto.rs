//! `auto`, the default solver: the greedy plan first, then the MILP warm-started
//! from it, and the greedy plan again when the MILP fails or ends below it.

use std::time::Instant;

use autodispatch_greedy::Greedy;
use autodispatch_model::build::objective;
use autodispatch_model::solver::Solution;
use autodispatch_model::{Instance, SolveError, SolveOptions, Solver, SolverStatus};

use crate::Milp;

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

/// MILP first, the greedy plan when the MILP fails or finds nothing better
/// in time (`--solver auto`).
#[derive(Debug, Clone, Default)]
pub struct Auto {
    pub milp: Milp,
}

impl Auto {
    /// An `auto` whose MILP always fails, to test the fallback.
    #[must_use]
    pub fn with_failing_milp() -> Self {
        Self {
            milp: Milp::failing(),
        }
    }
}

impl Solver for Auto {
    fn name(&self) -> &str {
        "auto"
    }

    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
        let (warm, rest) = greedy_start(inst, opts);
        let Some(greedy) = warm else {
            // nothing to fall back on: the MILP alone
            return self.milp.run(inst, &rest, None).map(|o| o.solution);
        };
        let greedy_obj = objective(inst, &greedy.schedule);
        if rest.time_limit < MILP_MIN_TIME {
            return Ok(Solution {
                note: Some(format!(
                    "{:.2} s left after greedy is too little for the MILP; the greedy plan is used",
                    rest.time_limit.as_secs_f64()
                )),
                ..greedy
            });
        }
        let fallback = |why: String, bound: Option<f64>| Solution {
            schedule: greedy.schedule.clone(),
            status: SolverStatus::Fallback,
            bound: bound.filter(|b| *b >= greedy_obj - 1e-6),
            note: Some(why),
        };
        // a bug in the MILP must not cost the greedy plan we already have
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.milp.run(inst, &rest, Some(&greedy.schedule))
        }))
        .unwrap_or_else(|_| Err(SolveError::Failed("the MILP panicked".into())));
        match run {
            Err(e) => Ok(fallback(format!("{e}; the greedy plan is used"), None)),
            Ok(o) if o.objective < greedy_obj - 1e-6 * greedy_obj.abs().max(1.0) => Ok(fallback(
                format!(
                    "the MILP found nothing better in time ({:.2} < greedy {:.2}); the greedy plan is used",
                    o.objective, greedy_obj
                ),
                o.solution.bound,
            )),
            Ok(o) => Ok(o.solution),
        }
    }
}
