//! autodispatch-model: the FORMAT.md problem and plan, loading with
//! validation, compilation to an [`Instance`], the hard rules, the checker,
//! plan building, reason codes and metrics. Knows nothing of solvers.

pub mod build;
pub mod check;
pub mod error;
pub mod explain;
pub mod instance;
pub mod load;
pub mod plan;
pub mod problem;
pub mod reason;
pub mod route;
pub mod rules;
pub mod solver;
pub mod time;

pub use build::build_plan;
pub use error::{ErrorCode, InputError, LoadError};
pub use instance::{Instance, JobClass};
pub use load::{load_problem_file, parse_problem};
pub use plan::{Plan, Schedule, SolverInfo, SolverStatus, Visit};
pub use problem::Problem;
pub use reason::ReasonCode;
pub use solver::{SolveError, SolveOptions, Solver};
