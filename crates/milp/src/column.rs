//! A column of the route-based master: one timed, rule-abiding route of one
//! technician, fixed stops included. Every column is timed by
//! [`autodispatch_model::route::schedule`], the single source of truth for
//! rules 1-7, so a column the master picks is always a valid route.
//!
//! One exception: with `return_home` and split shifts, the earliest start
//! of the last stop is not always the best. A last job that fits the end
//! of the morning shift but leaves no time to drive home may be done in
//! the afternoon shift instead, and be home in time. `schedule` times it
//! early and rejects the route; pricing counts such routes (else the bound
//! is not one), so columns retime that last stop by [`close_start`].

use autodispatch_model::route::{schedule, RouteStop, Timed};
use autodispatch_model::rules::{MaxDrive, ReturnHome, Rule};
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
        let timed = match schedule(inst, t, &stops) {
            Ok(timed) => timed,
            Err(f)
                if f.rule == Rule::ReturnHome
                    && f.at + 1 == stops.len()
                    && stops[f.at].fixed.is_none() =>
            {
                retime_last(inst, t, &stops)?
            }
            Err(_) => return None,
        };
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

/// The earliest start of job `j`, as technician `t`'s last stop, no earlier
/// than `ready` (with `first_leg`: the route's first stop, that long a drive
/// from the start of whichever shift holds it), that keeps rules 1-2 and
/// gets the technician home by the end of the shift holding the visit.
/// `None` when no start does. Unlike the earliest start, this may choose a
/// later shift: an earlier end does not always mean home in time.
#[must_use]
pub fn close_start(
    inst: &Instance,
    t: usize,
    j: usize,
    ready: f64,
    first_leg: Option<f64>,
) -> Option<f64> {
    let tech = &inst.techs[t];
    let job = &inst.jobs[j];
    let home = inst.drive(job.loc, tech.home);
    inst.earliest_start_where(t, j, ready, first_leg, |s| {
        ReturnHome::allows(tech, s, s + job.duration, home)
    })
}

/// Times a route whose last (movable) stop cannot be home in time at its
/// earliest start: everything before it as `schedule` does, the last stop
/// at its [`close_start`].
fn retime_last(inst: &Instance, t: usize, stops: &[RouteStop]) -> Option<Timed> {
    let k = stops.len().checked_sub(1)?;
    let last = stops[k];
    // the prefix timed as `schedule` times it, without a return-home check
    // on its own last stop: the real last stop stands in as a fixed stop
    // that nothing has to reach in time
    let mut probe = stops[..k].to_vec();
    probe.push(RouteStop {
        job: last.job,
        fixed: Some(f64::INFINITY),
    });
    let pre = schedule(inst, t, &probe).ok()?;
    let job = &inst.jobs[last.job];
    let leg = pre.legs[k];
    if !MaxDrive::allows(inst, leg) {
        return None;
    }
    let s = if k == 0 {
        close_start(inst, t, last.job, f64::NEG_INFINITY, Some(leg))?
    } else {
        let prev_end = pre.starts[k - 1] + inst.jobs[stops[k - 1].job].duration;
        let busy = (0..k)
            .map(|i| pre.starts[i] + inst.jobs[stops[i].job].duration)
            .fold(f64::NEG_INFINITY, f64::max);
        close_start(inst, t, last.job, (prev_end + leg).max(busy), None)?
    };
    let home_leg = inst.drive(job.loc, inst.techs[t].home);
    let mut starts = pre.starts;
    starts[k] = s;
    let drive = pre.legs.iter().sum::<f64>() + home_leg;
    Some(Timed {
        starts,
        legs: pre.legs,
        home_leg,
        drive,
    })
}
