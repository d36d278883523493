//! autodispatch-sim: scenarios, seeded synthetic days, dynamic replay of a
//! day with any solver, experiments over days × solvers, outcome metrics
//! and reports. A library: it never prints (the CLI shows progress).

pub mod generate;
pub mod random;
pub mod scenario;

pub use generate::{generate_day, generate_sim_day, SimDay};
pub use scenario::{Scenario, ScenarioError};
pub mod replay;

pub use replay::{replay, AuditEntry, DayMetrics, DayOutcome, ReplayOptions, TechOutcome};
pub mod experiment;

pub use experiment::{Experiment, ExperimentError, Run};
mod chart;
pub mod report;
pub mod sweep;
pub mod sweep_report;

pub use sweep::{Config, Configurations, Record, Shard, SweepError, SweepMeta, WeightSpec};
