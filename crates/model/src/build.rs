//! The one post-pass that turns any solver's [`Schedule`] into a [`Plan`]:
//! times, drives, actions, excluded jobs, reasons, alerts and metrics.
//! Solvers never write these themselves (DESIGN.md).

use crate::explain;
use crate::instance::{Instance, JobClass};
use crate::plan::{
    Action, Alert, AlertKind, ExcludedJob, Metrics, Plan, PlanRoute, PlanStop, Schedule,
    SolverInfo, Unassigned, PLAN_SCHEMA,
};
use crate::problem::Time;
use crate::rules::overlaps;
use crate::time::{clock, TIME_TOL};

/// Rounds for output: four decimals keep every stated drive well inside the
/// checker's 0.05-minute tolerance and the metrics inside 0.01.
#[must_use]
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Is this stop, at this start, fixed (not the optimizer's placement)?
#[must_use]
pub fn is_fixed_stop(inst: &Instance, j: usize, t: usize, start: f64) -> bool {
    let job = &inst.jobs[j];
    match job.class {
        JobClass::Locked => true,
        JobClass::TechSpecific => job
            .assignment
            .is_some_and(|(at, s)| at == t && (s - start).abs() <= TIME_TOL),
        _ => false,
    }
}

/// The action a stop of job `j` with technician `t` at `start` carries.
#[must_use]
pub fn action(inst: &Instance, j: usize, t: usize, start: f64) -> Action {
    let job = &inst.jobs[j];
    match job.class {
        JobClass::Locked | JobClass::Excluded | JobClass::Unassignable(_) => Action::Locked,
        JobClass::TechSpecific | JobClass::Managed => match job.assignment {
            None => Action::Assigned,
            Some((at, _)) if at != t => Action::Reassigned,
            Some((_, s)) if (s - start).abs() <= TIME_TOL => Action::Kept,
            Some(_) => Action::Rescheduled,
        },
    }
}

/// Builds the plan of a schedule.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn build_plan(inst: &Instance, schedule: &Schedule, solver: SolverInfo) -> Plan {
    let mut placed = vec![false; inst.jobs.len()];
    let mut routes = Vec::with_capacity(inst.techs.len());
    let mut alerts: Vec<Alert> = Vec::new();
    let mut metrics = Metrics::default();
    let mut alerted = vec![false; inst.jobs.len()];
    for (t, tech) in inst.techs.iter().enumerate() {
        let visits = schedule.routes.get(t).map_or(&[][..], Vec::as_slice);
        let mut loc = tech.start_loc;
        let mut drive = 0.0;
        let mut stops = Vec::with_capacity(visits.len());
        for v in visits {
            let job = &inst.jobs[v.job];
            let leg = inst.drive(loc, job.loc);
            drive += leg;
            loc = job.loc;
            placed[v.job] = true;
            let act = action(inst, v.job, t, v.start);
            if act != Action::Locked {
                metrics.assigned += 1;
                let conv = tech.conversion[job.type_idx];
                metrics.value += job.value * conv;
                metrics.weighted_value += job.weighted_value * conv;
                if job.preferred == Some(t) {
                    metrics.preferred += 1;
                }
            }
            stops.push(PlanStop {
                job: job.id.clone(),
                start: Time(v.start),
                end: Time(v.start + job.duration),
                drive_minutes: round4(leg),
                action: act,
            });
        }
        if inst.return_home && !visits.is_empty() {
            drive += inst.drive(loc, tech.home);
        }
        // double bookings: fixed stops that overlap each other
        for (a, va) in visits.iter().enumerate() {
            if !is_fixed_stop(inst, va.job, t, va.start) {
                continue;
            }
            let ea = va.start + inst.jobs[va.job].duration;
            for vb in &visits[a + 1..] {
                if !is_fixed_stop(inst, vb.job, t, vb.start) {
                    continue;
                }
                let eb = vb.start + inst.jobs[vb.job].duration;
                if !overlaps(va.start, ea, vb.start, eb) {
                    continue;
                }
                for (x, y, ys, ye) in [
                    (va.job, vb.job, vb.start, eb),
                    (vb.job, va.job, va.start, ea),
                ] {
                    if !alerted[x] {
                        alerted[x] = true;
                        alerts.push(Alert {
                            job: inst.jobs[x].id.clone(),
                            kind: AlertKind::DoubleBooking,
                            detail: format!(
                                "{} is double-booked: {} overlaps {} ({}–{}) and neither could move",
                                tech.id,
                                inst.jobs[x].id,
                                inst.jobs[y].id,
                                clock(ys),
                                clock(ye)
                            ),
                        });
                    }
                }
            }
        }
        metrics.drive_minutes += drive;
        routes.push(PlanRoute {
            technician: tech.id.clone(),
            drive_minutes: round4(drive),
            stops,
        });
    }
    let mut unassigned = Vec::new();
    let mut excluded = Vec::new();
    for (j, job) in inst.jobs.iter().enumerate() {
        if placed[j] {
            continue;
        }
        if job.class == JobClass::Excluded {
            excluded.push(ExcludedJob {
                job: job.id.clone(),
                status: inst.problem.jobs[j].status,
            });
            continue;
        }
        let (reason, detail) = explain::reason(inst, j);
        unassigned.push(Unassigned {
            job: job.id.clone(),
            reason,
            detail,
        });
    }
    metrics.unassigned = unassigned.len();
    metrics.objective = metrics.weighted_value - inst.drive_cost * metrics.drive_minutes
        + inst.preferred_bonus * metrics.preferred as f64;
    metrics.value = round4(metrics.value);
    metrics.weighted_value = round4(metrics.weighted_value);
    metrics.drive_minutes = round4(metrics.drive_minutes);
    metrics.objective = round4(metrics.objective);
    Plan {
        schema: PLAN_SCHEMA.to_string(),
        problem: inst.problem.name.clone(),
        solver,
        routes,
        unassigned,
        excluded,
        alerts,
        metrics,
    }
}

/// The objective of a schedule, unrounded (what solvers compare).
#[must_use]
pub fn objective(inst: &Instance, schedule: &Schedule) -> f64 {
    let mut obj = 0.0;
    for (t, visits) in schedule.routes.iter().enumerate() {
        let tech = &inst.techs[t];
        let mut loc = tech.start_loc;
        for v in visits {
            let job = &inst.jobs[v.job];
            obj -= inst.drive_cost * inst.drive(loc, job.loc);
            loc = job.loc;
            if action(inst, v.job, t, v.start) != Action::Locked {
                obj += inst.profit(v.job, t);
            }
        }
        if inst.return_home && !visits.is_empty() {
            obj -= inst.drive_cost * inst.drive(loc, tech.home);
        }
    }
    obj
}
