//! A column of the route-based master: one timed, rule-abiding route of one
//! technician, fixed stops included. Every column is timed by
//! [`autodispatch_model::route::schedule`], the single source of truth for
//! rules 1-7, so a column the master picks is always a valid route.
//!
//! With `return_home` and split shifts, the earliest start of the last
//! stop is not always the best: a last job that fits the end of the
//! morning shift but leaves no time to drive home may be done in the
//! afternoon instead. `schedule` then takes the earliest start that gets
//! home in time, as pricing does
//! ([`autodispatch_model::route::close_start`]), so such routes are
//! columns too (else the bound counts routes no column holds).

use autodispatch_model::route::{schedule, RouteStop};
use autodispatch_model::{Instance, Visit};

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub tech: usize,
    /// The whole route, fixed stops included, in visiting order.
    pub stops: Vec<RouteStop>,
    /// Start of each stop, from `schedule`.
    pub starts: Vec<f64>,
    /// The movable jobs of the route (the master's job rows), sorted.
    pub jobs: Vec<usize>,
    /// Objective value of the route: profit of every optimizer stop less
    /// the drive cost of all its legs (drive home included).
    pub value: f64,
}

impl Column {
    /// Times `stops` for technician `t`; `None` when the route breaks a rule.
    #[must_use]
    pub fn new(inst: &Instance, t: usize, stops: Vec<RouteStop>) -> Option<Self> {
        let timed = schedule(inst, t, &stops).ok()?;
        let mut value = -inst.drive_cost * timed.drive;
        let mut jobs = Vec::new();
        for st in &stops {
            if st.fixed.is_none() {
                jobs.push(st.job);
            }
            if inst.is_optimizer_job(st.job) {
                // technician-specific jobs count in value even when kept
                value += inst.profit(st.job, t);
            }
        }
        jobs.sort_unstable();
        if jobs.windows(2).any(|w| w[0] == w[1]) {
            return None;
        }
        Some(Self {
            tech: t,
            stops,
            starts: timed.starts,
            jobs,
            value,
        })
    }

    /// The schedule's visits of this route.
    #[must_use]
    pub fn visits(&self) -> Vec<Visit> {
        self.stops
            .iter()
            .zip(&self.starts)
            .map(|(st, &start)| Visit { job: st.job, start })
            .collect()
    }

    /// A key identifying the route (technician and stop order), to skip
    /// duplicate columns.
    #[must_use]
    pub fn key(&self) -> (usize, Vec<usize>) {
        (self.tech, self.stops.iter().map(|s| s.job).collect())
    }
}
