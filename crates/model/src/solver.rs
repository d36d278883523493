//! The one trait every solver implements (DESIGN.md convention 5).

use std::time::Duration;

use crate::instance::Instance;
use crate::plan::{Schedule, SolverStatus};

/// Options shared by every solver.
#[derive(Debug, Clone, PartialEq)]
pub struct SolveOptions {
    pub time_limit: Duration,
    pub seed: u64,
    pub threads: usize,
    /// Relative MIP gap: a solver with a bound may stop once
    /// `(bound - objective) / |bound|` is at most this. 0 runs until the
    /// plan is proven optimal or time is up.
    pub gap: f64,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(10),
            seed: 0,
            threads: 1,
            gap: 0.0,
        }
    }
}

/// A solver's result: the schedule and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub schedule: Schedule,
    pub status: SolverStatus,
    /// A proven upper bound on the objective, when the solver has one.
    pub bound: Option<f64>,
    pub note: Option<String>,
}

impl Solution {
    /// A heuristic's plan: no bound, status `time_limit` when the clock
    /// cut its search, else `feasible`.
    #[must_use]
    pub fn heuristic(schedule: Schedule, cut: bool, note: String) -> Self {
        Self {
            schedule,
            status: if cut {
                SolverStatus::TimeLimit
            } else {
                SolverStatus::Feasible
            },
            bound: None,
            note: Some(note),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("the solver failed: {0}")]
    Failed(String),
    #[error("the solver is not available in this build: {0}")]
    Unavailable(String),
}

pub trait Solver {
    /// The name written in `solver.name`.
    fn name(&self) -> &str;

    /// Plans the instance.
    ///
    /// # Errors
    /// The solver failed; callers may fall back to another solver.
    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError>;
}
