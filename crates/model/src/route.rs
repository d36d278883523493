//! Timing one technician's route: every optimizer stop as early as the
//! rules allow, fixed stops where they are. An earlier end never hurts a
//! later stop, so a route's stops fit exactly when this timing says so —
//! with one exception: with `return_home` and split shifts, a last stop
//! placed in a later shift may get the technician home where the earliest
//! placement cannot. Such a last stop takes the earliest start that gets
//! the technician home in time (nothing follows it).

use crate::build::is_fixed_stop;
use crate::instance::{Instance, JobClass};
use crate::plan::Visit;
use crate::rules::{MaxDrive, ReturnHome, Rule};
use crate::time::clock;

/// A stop of a route: its job, and its start when it may not move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteStop {
    pub job: usize,
    pub fixed: Option<f64>,
}

impl RouteStop {
    #[must_use]
    pub fn movable(job: usize) -> Self {
        Self { job, fixed: None }
    }
}

/// A solver's visits of technician `t` as route stops, in start order:
/// fixed stops fixed (a technician-specific job the plan keeps at its
/// current start goes back there), everything else movable. How one
/// solver's plan becomes another's starting point. A technician-specific
/// job the plan moved (off a double booking) stays where the plan has it,
/// movable: put back at its current start, the route may not time.
#[must_use]
pub fn stops_of(inst: &Instance, t: usize, visits: &[Visit]) -> Vec<RouteStop> {
    let mut keyed: Vec<(f64, RouteStop)> = visits
        .iter()
        .map(|v| {
            // a locked block of a job the optimizer may not plan (not
            // managed, multi-technician…) is fixed whatever the plan says
            let block = inst.techs[t].fixed.contains(&v.job)
                && inst.jobs[v.job].class != JobClass::TechSpecific;
            if is_fixed_stop(inst, v.job, t, v.start) || block {
                let at = inst.jobs[v.job].assignment.map_or(v.start, |a| a.1);
                (
                    at,
                    RouteStop {
                        job: v.job,
                        fixed: Some(at),
                    },
                )
            } else {
                (v.start, RouteStop::movable(v.job))
            }
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    keyed.into_iter().map(|k| k.1).collect()
}

/// Where and why a route cannot be timed.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteFail {
    /// Index of the stop that fails.
    pub at: usize,
    pub rule: Rule,
    pub detail: String,
}

/// A timed route: starts per stop and drive totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    pub starts: Vec<f64>,
    /// Drive into each stop.
    pub legs: Vec<f64>,
    /// Drive home after the last stop (0 without `return_home`).
    pub home_leg: f64,
    pub drive: f64,
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

/// Times the route of technician `t`, or says which stop breaks which rule.
///
/// # Errors
/// The first stop that cannot be placed, with the rule.
pub fn schedule(inst: &Instance, t: usize, stops: &[RouteStop]) -> Result<Timed, RouteFail> {
    let tech = &inst.techs[t];
    let mut starts = Vec::with_capacity(stops.len());
    let mut legs = Vec::with_capacity(stops.len());
    let mut loc = tech.start_loc;
    let mut prev_end: Option<f64> = None;
    let mut busy_until = f64::NEG_INFINITY;
    let mut drive = 0.0;
    // where the current stop could start from: after the stop before it
    // (or, as a first stop, from the departure and its leg); kept after
    // the loop for a last stop that must wait for a later shift
    let mut last_ready = (f64::NEG_INFINITY, None);
    for (k, st) in stops.iter().enumerate() {
        let job = &inst.jobs[st.job];
        let leg = inst.drive(loc, job.loc);
        last_ready = match prev_end {
            None => (busy_until, Some(leg)),
            Some(e) => ((e + leg).max(busy_until), None),
        };
        let s = if let Some(f) = st.fixed {
            f
        } else {
            if !MaxDrive::allows(inst, leg) {
                return Err(RouteFail {
                    at: k,
                    rule: Rule::MaxDrive,
                    detail: format!(
                        "would drive {leg:.0} min there, over the {:.0}-min limit",
                        inst.max_drive.unwrap_or(0.0)
                    ),
                });
            }
            let found = inst.earliest_start(t, st.job, last_ready.0, last_ready.1);
            let Some(s) = found else {
                return Err(RouteFail {
                    at: k,
                    rule: Rule::StartWindow,
                    detail: format!(
                        "no start in its window {}–{} is free",
                        clock(job.window.0),
                        clock(job.window.1)
                    ),
                });
            };
            // rule 3 around a fixed stop: leave time to drive to it
            if let Some(next) = stops.get(k + 1) {
                if let Some(f) = next.fixed {
                    let reach = s + job.duration + inst.drive(job.loc, inst.jobs[next.job].loc);
                    if reach > f {
                        return Err(RouteFail {
                            at: k,
                            rule: Rule::Travel,
                            detail: format!(
                                "would reach the fixed job {} at {}, after its {} start",
                                inst.jobs[next.job].id,
                                clock(reach),
                                clock(f)
                            ),
                        });
                    }
                }
            }
            s
        };
        let end = s + job.duration;
        busy_until = busy_until.max(end);
        prev_end = Some(end);
        starts.push(s);
        legs.push(leg);
        drive += leg;
        loc = job.loc;
    }
    let mut home_leg = 0.0;
    if inst.return_home && !stops.is_empty() {
        home_leg = inst.drive(loc, tech.home);
        drive += home_leg;
        let k = stops.len() - 1;
        if stops[k].fixed.is_none() {
            let s = starts[k];
            let end = s + inst.jobs[stops[k].job].duration;
            if !ReturnHome::allows(tech, s, end, home_leg) {
                // too late to get home from this shift: the earliest start
                // in a later one that gets home in time (waiting is
                // allowed, and nothing follows the last stop)
                let Some(s2) = close_start(inst, t, stops[k].job, last_ready.0, last_ready.1)
                else {
                    let shift_end = ReturnHome::shift_end(tech, s, end);
                    return Err(RouteFail {
                        at: k,
                        rule: Rule::ReturnHome,
                        detail: format!(
                            "would be home at {}, after the shift ends at {}",
                            clock(end + home_leg),
                            clock(shift_end)
                        ),
                    });
                };
                starts[k] = s2;
            }
        }
    }
    Ok(Timed {
        starts,
        legs,
        home_leg,
        drive,
    })
}

/// The best place to add job `j` to technician `t`'s route.
#[derive(Debug, Clone, PartialEq)]
pub struct Insertion {
    /// Index in the route the job takes.
    pub position: usize,
    pub start: f64,
    /// Change in the objective: the job's value for `t` less the extra drive.
    pub delta: f64,
    pub extra_drive: f64,
}

/// Tries every position of `route` for job `j`; returns the best feasible
/// insertion, or the rule that rejected the last attempt.
///
/// # Errors
/// No position works: the failure at the most promising position.
pub fn best_insertion(
    inst: &Instance,
    t: usize,
    route: &[RouteStop],
    j: usize,
) -> Result<Insertion, RouteFail> {
    let base = schedule(inst, t, route).map(|r| r.drive).unwrap_or(0.0);
    let mut best: Option<Insertion> = None;
    let mut fail: Option<RouteFail> = None;
    let mut trial = Vec::with_capacity(route.len() + 1);
    for pos in 0..=route.len() {
        trial.clear();
        trial.extend_from_slice(&route[..pos]);
        trial.push(RouteStop::movable(j));
        trial.extend_from_slice(&route[pos..]);
        match schedule(inst, t, &trial) {
            Ok(timed) => {
                let extra = timed.drive - base;
                let delta = inst.profit(j, t) - inst.drive_cost * extra;
                if best.as_ref().map_or(true, |b| delta > b.delta + 1e-9) {
                    best = Some(Insertion {
                        position: pos,
                        start: timed.starts[pos],
                        delta,
                        extra_drive: extra,
                    });
                }
            }
            Err(f) => {
                // prefer explaining the failure at the inserted job itself
                if f.at == pos || fail.is_none() {
                    fail = Some(f);
                }
            }
        }
    }
    best.ok_or_else(|| {
        fail.unwrap_or(RouteFail {
            at: 0,
            rule: Rule::OutsideShift,
            detail: "no position in the route".into(),
        })
    })
}
