//! Dynamic replay of one day: a discrete-event simulation of technicians
//! driving and working in simulated time, with the optimizer re-planning
//! every cycle from a FORMAT.md snapshot of the state.
//!
//! Order of things at one instant: technician transitions (arrive, finish,
//! depart), then the day's events (call-ins, cancellations, call-outs,
//! manual assignments), then the cycle's snapshot, solve and apply. Events
//! take effect at the next cycle. Outcome draws are keyed by job and
//! technician (see [`crate::random`]), so every solver lives through the
//! same day.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use autodispatch_model::check::check_instance;
use autodispatch_model::instance::haversine_km;
use autodispatch_model::plan::{Action, Alert, AlertKind, Plan, SolverInfo};
use autodispatch_model::problem::{
    Assignment, Job, JobStatus, Position, Problem, Shift, ShiftKind, Source, Technician, Time,
    Travel,
};
use autodispatch_model::time::{format_time, TIME_TOL};
use autodispatch_model::{build_plan, Instance, SolveOptions, Solver};
use serde::{Deserialize, Serialize};

use crate::generate::SimDay;
use crate::random::{hash, lognormal, normal, unit};
use crate::scenario::limits::MAX_FACTOR;
use crate::scenario::Scenario;

const DURATION: u64 = 11;
const TRAVEL: u64 = 12;
const SALE: u64 = 13;
const MANUAL: u64 = 14;
const SOLVE: u64 = 15;
const HOME: u64 = u64::MAX;

/// How to replay.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayOptions {
    /// Plan once before business hours and never re-solve (a baseline policy).
    pub static_plan: bool,
    /// Overrides the scenario's `replay.cycle_minutes`.
    pub cycle_minutes: Option<f64>,
    /// Per-cycle solver time limit.
    pub time_limit: Duration,
    /// Check every plan with the model's checker before applying it; a
    /// plan with violations counts as a fault and is not applied.
    pub check_plans: bool,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        Self {
            static_plan: false,
            cycle_minutes: None,
            time_limit: Duration::from_secs(10),
            check_plans: true,
        }
    }
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub time: String,
    /// assign, reassign, reschedule, unassign, toggle, manual_override,
    /// booking, cancel, callout, fault.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technician_before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technician_after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The day's outcome metrics (no timings: those are in [`DayOutcome::solver_seconds`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DayMetrics {
    pub jobs: usize,
    pub canceled: usize,
    pub completed: usize,
    pub unassigned_end: usize,
    /// Unassigned at day end per tag (every tag the scenario knows).
    pub unassigned_by_tag: BTreeMap<String, usize>,
    pub revenue_realised: f64,
    pub revenue_expected: f64,
    pub drive_minutes: f64,
    pub late_arrivals: usize,
    pub overtime_minutes: f64,
    pub reassignments: usize,
    /// Reassignments per job.
    pub churn: f64,
    /// Distinct jobs that carried a `double_booking` alert in some cycle.
    pub double_bookings: usize,
    pub manual_overrides: usize,
    pub callouts: usize,
    pub cycles: usize,
    pub faults: usize,
}

/// One technician's day.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct TechOutcome {
    pub technician: String,
    pub name: String,
    pub jobs: usize,
    pub revenue: f64,
    pub estimates: usize,
    pub sold: usize,
    pub drive_minutes: f64,
    pub work_minutes: f64,
    pub shift_minutes: f64,
    pub overtime_minutes: f64,
    pub double_bookings: usize,
    /// Jobs taken from this technician by a reassignment.
    pub reassigned_away: usize,
    pub called_out: bool,
}

/// What a technician really did, for the dispatch board.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoneVisit {
    pub technician: usize,
    pub job: String,
    pub job_type: String,
    pub depart: f64,
    pub arrive: f64,
    pub start: f64,
    pub end: f64,
}

/// Everything a replayed day produced.
#[derive(Debug, Clone, PartialEq)]
pub struct DayOutcome {
    pub metrics: DayMetrics,
    pub technicians: Vec<TechOutcome>,
    pub audit: Vec<AuditEntry>,
    /// Wall-clock seconds of each cycle's solve (not deterministic).
    pub solver_seconds: Vec<f64>,
    pub visits: Vec<DoneVisit>,
    /// Jobs not done at day end, with the last reason the optimizer gave.
    pub left: Vec<(String, String)>,
    /// Homes and job locations, for maps: (lat, lon) per technician, per job id.
    pub homes: Vec<(f64, f64)>,
    pub job_locations: BTreeMap<String, (f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Loc {
    Home,
    Job(usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Idle {
        loc: Loc,
        since: f64,
    },
    Driving {
        job: usize,
        from: Loc,
        depart: f64,
        arrive: f64,
    },
    Working {
        job: usize,
        start: f64,
        end: f64,
    },
}

struct SimTech {
    tech: Technician,
    state: State,
    off: bool,
    queue: Vec<usize>,
    out: TechOutcome,
    moved: bool,
    last_shift_end: f64,
}

struct SimJob {
    job: Job,
    known_at: f64,
    /// Index for outcome draws: booked jobs first, then call-ins.
    key: u64,
    last_reason: Option<String>,
    reassignments: usize,
}

enum Transition {
    Depart(usize),
    Arrive,
    Finish,
}

struct Sim<'a> {
    sc: &'a Scenario,
    seed: u64,
    day: u32,
    base: &'a Problem,
    techs: Vec<SimTech>,
    jobs: Vec<SimJob>,
    now: f64,
    metrics: DayMetrics,
    audit: Vec<AuditEntry>,
    pending_alerts: Vec<Alert>,
    double_booked: BTreeSet<usize>,
    visits: Vec<DoneVisit>,
    coords: Vec<(f64, f64)>,
    speed: (f64, f64),
    index: BTreeMap<String, usize>,
}

fn t_str(t: f64) -> String {
    format_time(t)
}

impl Sim<'_> {
    fn coord(&self, t: usize, loc: Loc) -> (f64, f64) {
        match loc {
            Loc::Home => self.techs[t]
                .tech
                .home
                .map_or((0.0, 0.0), |h| (h.lat, h.lon)),
            Loc::Job(j) => self.coords[j],
        }
    }

    /// The estimate, as the model computes it.
    fn est_drive(&self, t: usize, from: Loc, to: Loc) -> f64 {
        if from == to {
            return 0.0;
        }
        haversine_km(self.coord(t, from), self.coord(t, to)) * self.speed.1 / self.speed.0 * 60.0
    }

    fn actual_drive(&self, t: usize, from: Loc, to: Loc) -> f64 {
        let key = match to {
            Loc::Home => HOME,
            Loc::Job(j) => self.jobs[j].key,
        };
        let n = &self.sc.replay.travel_factor;
        // capped: a far tail draw must not push a time past printable dates
        self.est_drive(t, from, to)
            * lognormal(
                n.mean,
                n.sd,
                normal(&[self.seed, u64::from(self.day), TRAVEL, t as u64, key]),
            )
            .min(MAX_FACTOR)
    }

    fn actual_duration(&self, j: usize) -> f64 {
        let n = &self.sc.replay.duration_factor;
        let est = self.jobs[j].job.duration_minutes;
        (est * lognormal(
            n.mean,
            n.sd,
            normal(&[self.seed, u64::from(self.day), DURATION, self.jobs[j].key]),
        )
        .min(MAX_FACTOR))
        .max(1.0)
    }

    fn audit(&mut self, kind: &'static str, job: Option<usize>) -> &mut AuditEntry {
        self.audit.push(AuditEntry {
            time: t_str(self.now),
            kind,
            job: job.map(|j| self.jobs[j].job.id.clone()),
            technician_before: None,
            start_before: None,
            technician_after: None,
            start_after: None,
            reason: None,
            detail: None,
        });
        self.audit.last_mut().expect("just pushed")
    }

    fn tech_index(&self, id: &str) -> Option<usize> {
        self.techs.iter().position(|t| t.tech.id == id)
    }

    fn rebuild_queues(&mut self) {
        for t in &mut self.techs {
            t.queue.clear();
        }
        for (j, sj) in self.jobs.iter().enumerate() {
            if sj.job.status != JobStatus::Scheduled || sj.known_at > self.now {
                continue;
            }
            if let Some(a) = &sj.job.assignment {
                if let Some(t) = self.techs.iter().position(|t| t.tech.id == a.technician) {
                    self.techs[t].queue.push(j);
                }
            }
        }
        let jobs = &self.jobs;
        for t in &mut self.techs {
            t.queue.sort_by(|&a, &b| {
                let sa = jobs[a].job.assignment.as_ref().map_or(0.0, |x| x.start.0);
                let sb = jobs[b].job.assignment.as_ref().map_or(0.0, |x| x.start.0);
                sa.total_cmp(&sb).then(a.cmp(&b))
            });
        }
    }

    /// The technician's next transition, if any.
    fn next_transition(&self, t: usize) -> Option<(f64, Transition)> {
        let st = &self.techs[t];
        match st.state {
            State::Driving { arrive, .. } => Some((arrive, Transition::Arrive)),
            State::Working { end, .. } => Some((end, Transition::Finish)),
            State::Idle { loc, since } => {
                if st.off {
                    return None;
                }
                let j = *st.queue.iter().find(|&&j| {
                    let job = &self.jobs[j].job;
                    job.status == JobStatus::Scheduled
                        && job
                            .assignment
                            .as_ref()
                            .is_some_and(|a| a.technician == st.tech.id)
                })?;
                let start = self.jobs[j]
                    .job
                    .assignment
                    .as_ref()
                    .map_or(0.0, |a| a.start.0);
                let depart = since
                    .max(self.now)
                    .max(start - self.est_drive(t, loc, Loc::Job(j)));
                // nobody sets out after their last shift has ended
                (depart < st.last_shift_end).then_some((depart, Transition::Depart(j)))
            }
        }
    }

    fn transition(&mut self, t: usize, tr: Transition) {
        let now = self.now;
        match (self.techs[t].state, tr) {
            (State::Idle { loc, .. }, Transition::Depart(j)) => {
                let est = self.est_drive(t, loc, Loc::Job(j));
                let drive = self.actual_drive(t, loc, Loc::Job(j));
                let job = &mut self.jobs[j].job;
                job.status = JobStatus::Dispatched;
                if let Some(a) = &mut job.assignment {
                    a.start = Time(a.start.0.max(now + est));
                }
                self.techs[t].state = State::Driving {
                    job: j,
                    from: loc,
                    depart: now,
                    arrive: now + drive,
                };
                self.techs[t].moved = true;
            }
            (
                State::Driving {
                    job: j,
                    depart,
                    arrive,
                    ..
                },
                Transition::Arrive,
            ) => {
                self.techs[t].out.drive_minutes += arrive - depart;
                let job = &mut self.jobs[j].job;
                if job.status == JobStatus::Canceled {
                    self.techs[t].state = State::Idle {
                        loc: Loc::Job(j),
                        since: now,
                    };
                    return;
                }
                if arrive > job.arrival_window.end.0 + TIME_TOL {
                    self.metrics.late_arrivals += 1;
                }
                let start = now.max(job.arrival_window.start.0);
                job.status = JobStatus::Working;
                if let Some(a) = &mut job.assignment {
                    a.start = Time(start);
                }
                let end = start + self.actual_duration(j);
                self.visits.push(DoneVisit {
                    technician: t,
                    job: self.jobs[j].job.id.clone(),
                    job_type: self.jobs[j].job.job_type.clone(),
                    depart,
                    arrive,
                    start,
                    end,
                });
                self.techs[t].state = State::Working { job: j, start, end };
            }
            (State::Working { job: j, start, end }, Transition::Finish) => {
                let key = self.jobs[j].key;
                let job = &mut self.jobs[j].job;
                job.status = JobStatus::Done;
                let tech = &mut self.techs[t];
                let conv = tech
                    .tech
                    .conversion
                    .get(&job.job_type)
                    .copied()
                    .unwrap_or(1.0);
                let sells = self
                    .sc
                    .job_types
                    .iter()
                    .any(|ty| ty.name == job.job_type && ty.sells);
                let realised = if sells {
                    tech.out.estimates += 1;
                    if unit(&[self.seed, u64::from(self.day), SALE, key]) < conv {
                        tech.out.sold += 1;
                        job.value
                    } else {
                        0.0
                    }
                } else {
                    job.value * conv
                };
                tech.out.jobs += 1;
                tech.out.revenue += realised;
                tech.out.work_minutes += end - start;
                self.metrics.revenue_realised += realised;
                self.metrics.revenue_expected += job.value * conv;
                self.metrics.completed += 1;
                tech.state = State::Idle {
                    loc: Loc::Job(j),
                    since: now,
                };
            }
            _ => {}
        }
    }

    fn set_assignment(
        &mut self,
        j: usize,
        new: Option<&Assignment>,
        kind: &'static str,
        reason: Option<String>,
        detail: Option<String>,
    ) {
        let prev = self.jobs[j].job.assignment.clone();
        if let (Some(p), Some(n)) = (&prev, new) {
            if p.technician != n.technician {
                self.jobs[j].reassignments += 1;
                self.metrics.reassignments += 1;
                if let Some(t) = self.tech_index(&p.technician) {
                    self.techs[t].out.reassigned_away += 1;
                }
            }
        }
        self.jobs[j].job.assignment = new.cloned();
        let e = self.audit(kind, Some(j));
        e.technician_before = prev.as_ref().map(|a| a.technician.clone());
        e.start_before = prev.as_ref().map(|a| t_str(a.start.0));
        e.technician_after = new.map(|a| a.technician.clone());
        e.start_after = new.map(|a| t_str(a.start.0));
        e.reason = reason;
        e.detail = detail;
    }

    fn booking(&mut self, j: usize) {
        let e = self.audit("booking", Some(j));
        e.detail = Some("same-day call-in".into());
    }

    fn cancel(&mut self, j: usize) {
        let status = self.jobs[j].job.status;
        if matches!(status, JobStatus::Scheduled | JobStatus::Dispatched) {
            self.jobs[j].job.status = JobStatus::Canceled;
            let e = self.audit("cancel", Some(j));
            e.detail = Some(format!("customer canceled while {}", status.as_str()));
        }
    }

    fn callout(&mut self, t: usize) {
        let now = self.now;
        let tech = &mut self.techs[t];
        if tech.off {
            return;
        }
        tech.off = true;
        tech.out.called_out = true;
        self.metrics.callouts += 1;
        let end = tech
            .last_shift_end
            .max(self.base.business_hours.end.0)
            .max(now + 1.0);
        tech.tech.shifts.push(Shift {
            start: Time(now),
            end: Time(end),
            kind: ShiftKind::TimeOff,
        });
        if let State::Driving {
            job, from, depart, ..
        } = tech.state
        {
            // turns back: the job waits for someone else
            tech.out.drive_minutes += now - depart;
            tech.state = State::Idle {
                loc: from,
                since: now,
            };
            self.jobs[job].job.status = JobStatus::Scheduled;
        }
        let id = self.techs[t].tech.id.clone();
        let e = self.audit("callout", None);
        e.technician_before = Some(id.clone());
        e.detail = Some("technician called out for the rest of the day".into());
        for j in 0..self.jobs.len() {
            let job = &self.jobs[j].job;
            if job.status == JobStatus::Scheduled
                && job.assignment.as_ref().is_some_and(|a| a.technician == id)
            {
                self.set_assignment(
                    j,
                    None,
                    "unassign",
                    Some("callout".into()),
                    Some(format!("{id} called out")),
                );
            }
        }
    }

    fn manual(&mut self, j: usize) {
        let now = self.now;
        let job = &self.jobs[j].job;
        if job.status != JobStatus::Scheduled || job.technicians_required != 1 {
            return;
        }
        // the dispatcher picks someone qualified who is free by then: past
        // their current visit and any job they do not let the optimizer move
        let slot = |t: usize| -> Option<f64> {
            let tt = &self.techs[t];
            if tt.off
                || !tt.tech.dispatch_pro
                || !tt
                    .tech
                    .skills
                    .as_ref()
                    .map_or(true, |s| job.skills.iter().all(|k| s.contains(k)))
                || !job.zone.as_ref().map_or(true, |z| {
                    tt.tech.zones.as_ref().map_or(true, |zs| zs.contains(z))
                })
            {
                return None;
            }
            let busy = match tt.state {
                State::Idle { .. } => now,
                State::Driving { job: k, .. } | State::Working { job: k, .. } => {
                    let kj = &self.jobs[k].job;
                    kj.assignment.as_ref().map_or(now, |a| a.start.0.max(now)) + kj.duration_minutes
                }
            };
            let start = job
                .arrival_window
                .start
                .0
                .max(((now.max(busy) + 30.0) / 5.0).ceil() * 5.0);
            let end = start + job.duration_minutes;
            let fixed_clash = self.jobs.iter().any(|o| {
                o.job.status == JobStatus::Scheduled
                    && (!o.job.dispatch_pro || o.job.technician_specific)
                    && o.job.assignment.as_ref().is_some_and(|a| {
                        a.technician == tt.tech.id
                            && a.start.0 < end
                            && start < a.start.0 + o.job.duration_minutes
                    })
            });
            let in_shift = tt
                .tech
                .shifts
                .iter()
                .any(|s| s.kind == ShiftKind::Regular && s.start.0 <= start && end <= s.end.0);
            (start <= job.arrival_window.end.0 && in_shift && !fixed_clash).then_some(start)
        };
        let cands: Vec<(usize, f64)> = (0..self.techs.len())
            .filter_map(|t| slot(t).map(|s| (t, s)))
            .collect();
        if cands.is_empty() {
            return;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let (pick, start) =
            cands[((unit(&[self.seed, u64::from(self.day), MANUAL, self.jobs[j].key])
                * cands.len() as f64) as usize)
                .min(cands.len() - 1)];
        let tid = self.techs[pick].tech.id.clone();
        let end = start + job.duration_minutes;
        let displaced: Vec<String> = self
            .jobs
            .iter()
            .enumerate()
            .filter(|(k, o)| {
                *k != j
                    && o.job.dispatch_pro
                    && matches!(o.job.status, JobStatus::Scheduled)
                    && o.job.assignment.as_ref().is_some_and(|a| {
                        a.technician == tid
                            && a.start.0 < end
                            && start < a.start.0 + o.job.duration_minutes
                    })
            })
            .map(|(_, o)| o.job.id.clone())
            .collect();
        self.jobs[j].job.dispatch_pro = false;
        {
            let e = self.audit("toggle", Some(j));
            e.detail =
                Some("Dispatch Pro turned off: the dispatcher assigned the job by hand".into());
        }
        let detail = if displaced.is_empty() {
            format!("the dispatcher assigned it to {tid} by hand; Dispatch Pro is now off for it")
        } else {
            format!(
                "the dispatcher assigned it to {tid} by hand over the optimizer's {}; Dispatch Pro is now off for it",
                displaced.join(", ")
            )
        };
        self.set_assignment(
            j,
            Some(&Assignment {
                technician: tid,
                start: Time(start),
                source: Some(Source::Manual),
            }),
            "manual_override",
            None,
            Some(detail.clone()),
        );
        self.metrics.manual_overrides += 1;
        self.pending_alerts.push(Alert {
            job: self.jobs[j].job.id.clone(),
            kind: AlertKind::ManualOverride,
            detail,
        });
    }

    /// The state as a FORMAT.md problem at `now`.
    /// A technician running behind pushes the rest of their booked visits:
    /// the board slides each start to when they can really be there, so a
    /// late morning does not show as a pile of overlapping appointments.
    fn slide_late_work(&mut self) {
        let now = self.now;
        self.rebuild_queues();
        for t in 0..self.techs.len() {
            let (mut loc, mut ready) = match self.techs[t].state {
                State::Idle { loc, since } => (loc, since.max(now)),
                State::Driving { job: k, .. } => {
                    let kj = &self.jobs[k].job;
                    (
                        Loc::Job(k),
                        kj.assignment.as_ref().map_or(now, |a| a.start.0.max(now))
                            + kj.duration_minutes,
                    )
                }
                State::Working { job: k, start, .. } => (
                    Loc::Job(k),
                    (start + self.jobs[k].job.duration_minutes).max(now + 5.0),
                ),
            };
            for q in self.techs[t].queue.clone() {
                let arrive = ready + self.est_drive(t, loc, Loc::Job(q));
                let job = &mut self.jobs[q].job;
                let Some(a) = &mut job.assignment else {
                    continue;
                };
                if a.start.0 < arrive - TIME_TOL {
                    a.start = Time(arrive.ceil());
                }
                ready = a.start.0 + job.duration_minutes;
                loc = Loc::Job(q);
            }
        }
    }

    fn snapshot(&mut self, cycle: usize) -> Problem {
        let now = self.now;
        self.slide_late_work();
        let mut jobs = Vec::new();
        // ids of known jobs in problem order, and the snapshot index of each sim job
        for j in 0..self.jobs.len() {
            if self.jobs[j].known_at > now {
                continue;
            }
            let sj = &mut self.jobs[j];
            if sj.job.status == JobStatus::Scheduled {
                if let Some(a) = &mut sj.job.assignment {
                    if a.start.0 < now - TIME_TOL {
                        // running late: the board moves it to now, or frees it for the optimizer
                        let tech_managed = self
                            .techs
                            .iter()
                            .find(|t| t.tech.id == a.technician)
                            .is_some_and(|t| t.tech.dispatch_pro);
                        if sj.job.technician_specific || !sj.job.dispatch_pro || !tech_managed {
                            a.start = Time(now.ceil());
                        } else {
                            sj.job.assignment = None;
                        }
                    }
                }
            }
            let mut job = sj.job.clone();
            match job.status {
                JobStatus::Dispatched => {
                    if let Some(a) = &mut job.assignment {
                        a.start = Time(a.start.0.max(now));
                    }
                }
                JobStatus::Working => {
                    if let Some(a) = &job.assignment {
                        let elapsed = now - a.start.0;
                        if elapsed + 5.0 > job.duration_minutes {
                            job.duration_minutes = (elapsed + 5.0).ceil();
                        }
                    }
                }
                _ => {}
            }
            jobs.push(job);
        }
        let technicians = self
            .techs
            .iter()
            .map(|st| {
                let mut tech = st.tech.clone();
                let at = |loc: Loc, from: f64| match loc {
                    Loc::Home => None,
                    Loc::Job(j) => Some(Position {
                        job: self.jobs[j].job.id.clone(),
                        free_from: Some(Time(from)),
                    }),
                };
                tech.position = match st.state {
                    State::Idle { loc, since } => at(loc, since),
                    State::Driving { from, depart, .. } => at(from, depart),
                    State::Working { job, .. } => Some(Position {
                        job: self.jobs[job].job.id.clone(),
                        free_from: None,
                    }),
                };
                tech
            })
            .collect();
        Problem {
            schema: self.base.schema.clone(),
            name: format!("{}-cycle{cycle}", self.base.name),
            now: Some(Time(now)),
            business_hours: self.base.business_hours,
            settings: self.base.settings.clone(),
            travel: self.base.travel.clone(),
            technicians,
            jobs,
        }
    }

    /// Solves a snapshot; a failure or panic is recorded and yields `None`.
    fn solve(
        &mut self,
        solver: &dyn Solver,
        snap: &Problem,
        opts: &ReplayOptions,
        cycle: usize,
        seconds: &mut Vec<f64>,
    ) -> Option<Plan> {
        let sopts = SolveOptions {
            time_limit: opts.time_limit,
            seed: hash(&[self.seed, u64::from(self.day), SOLVE, cycle as u64]),
            threads: 1,
            gap: 0.0,
        };
        let clock = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            let inst = Instance::new(snap);
            solver.solve(&inst, &sopts).map(|sol| {
                let info = SolverInfo {
                    name: solver.name().to_string(),
                    status: sol.status,
                    seconds: 0.0,
                    bound: sol.bound,
                    note: sol.note.clone(),
                };
                let plan = build_plan(&inst, &sol.schedule, info);
                (inst, plan)
            })
        }));
        seconds.push(clock.elapsed().as_secs_f64());
        let fault = match result {
            Ok(Ok((inst, plan))) => {
                if !opts.check_plans {
                    return Some(plan);
                }
                // a plan that breaks a rule is not applied: the simulated
                // day must stay one a dispatcher could have run
                let report =
                    catch_unwind(AssertUnwindSafe(|| check_instance(&inst, &plan.to_value())));
                match report {
                    Ok(r) if r.violations.is_empty() => return Some(plan),
                    Ok(r) => format!(
                        "the plan breaks {} rule(s), first: {}",
                        r.violations.len(),
                        r.violations[0]
                    ),
                    Err(_) => "the checker panicked on the plan".to_string(),
                }
            }
            Ok(Err(e)) => e.to_string(),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                format!("the solver panicked: {msg}")
            }
        };
        self.metrics.faults += 1;
        let e = self.audit("fault", None);
        e.detail = Some(format!("{fault}; keeping the previous plan"));
        None
    }

    fn apply(&mut self, plan: &Plan) {
        let index = std::mem::take(&mut self.index);
        let mut changes = Vec::new();
        for route in &plan.routes {
            for stop in &route.stops {
                if stop.action == Action::Locked {
                    continue;
                }
                let Some(&j) = index.get(stop.job.as_str()) else {
                    continue;
                };
                let prev = self.jobs[j].job.assignment.clone();
                let kind = match &prev {
                    None => "assign",
                    Some(p) if p.technician != route.technician => "reassign",
                    Some(p) if (p.start.0 - stop.start.0).abs() > TIME_TOL => "reschedule",
                    Some(_) => continue,
                };
                let source = match &prev {
                    Some(p) if p.technician == route.technician => p.source,
                    _ => Some(Source::DispatchPro),
                };
                changes.push((
                    j,
                    Assignment {
                        technician: route.technician.clone(),
                        start: stop.start,
                        source,
                    },
                    kind,
                ));
            }
        }
        for (j, a, kind) in changes {
            self.set_assignment(j, Some(&a), kind, None, None);
        }
        for u in &plan.unassigned {
            let Some(&j) = index.get(u.job.as_str()) else {
                continue;
            };
            self.jobs[j].last_reason = Some(u.reason.as_str().to_string());
            let job = &self.jobs[j].job;
            if job.status == JobStatus::Scheduled && job.assignment.is_some() {
                self.set_assignment(
                    j,
                    None,
                    "unassign",
                    Some(u.reason.as_str().into()),
                    Some(u.detail.clone()),
                );
            }
        }
        for a in &plan.alerts {
            if a.kind == AlertKind::DoubleBooking {
                if let Some(&j) = index.get(a.job.as_str()) {
                    if self.double_booked.insert(j) {
                        if let Some(t) = self.jobs[j]
                            .job
                            .assignment
                            .as_ref()
                            .and_then(|x| self.tech_index(&x.technician))
                        {
                            self.techs[t].out.double_bookings += 1;
                        }
                    }
                }
            }
        }
        self.index = index;
    }
}

/// Replays one day with one solver. `observe` sees every cycle's snapshot
/// and the plan made for it (after the simulator's own `manual_override`
/// alerts are added).
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn replay(
    sc: &Scenario,
    day: &SimDay,
    solver: &dyn Solver,
    opts: &ReplayOptions,
    observe: &mut dyn FnMut(&Problem, &Plan),
) -> DayOutcome {
    let base = &day.problem;
    let bh = (base.business_hours.start.0, base.business_hours.end.0);
    let plan_time = base.now();
    let speed = match base.travel {
        Travel::Haversine {
            speed_kmh,
            road_factor,
        } => (speed_kmh, road_factor),
        Travel::Matrix { .. } => (40.0, 1.0),
    };
    let mut jobs: Vec<SimJob> = base
        .jobs
        .iter()
        .map(|j| (plan_time, j))
        .chain(day.bookings.iter().map(|(t, j)| (*t, j)))
        .enumerate()
        .map(|(k, (t, j))| SimJob {
            job: j.clone(),
            known_at: t,
            key: k as u64,
            last_reason: None,
            reassignments: 0,
        })
        .collect();
    jobs.sort_by(|a, b| a.known_at.total_cmp(&b.known_at).then(a.key.cmp(&b.key)));
    let coords = jobs
        .iter()
        .map(|j| j.job.location.map_or((0.0, 0.0), |l| (l.lat, l.lon)))
        .collect();
    let techs = base
        .technicians
        .iter()
        .map(|t| SimTech {
            last_shift_end: t
                .shifts
                .iter()
                .filter(|s| s.kind == ShiftKind::Regular)
                .map(|s| s.end.0)
                .fold(f64::NEG_INFINITY, f64::max),
            out: TechOutcome {
                technician: t.id.clone(),
                name: t.label().to_string(),
                shift_minutes: t
                    .shifts
                    .iter()
                    .filter(|s| s.kind == ShiftKind::Regular)
                    .map(|s| s.end.0 - s.start.0)
                    .sum(),
                ..TechOutcome::default()
            },
            tech: t.clone(),
            state: State::Idle {
                loc: Loc::Home,
                since: t
                    .shifts
                    .iter()
                    .filter(|s| s.kind == ShiftKind::Regular)
                    .map(|s| s.start.0)
                    .fold(f64::INFINITY, f64::min),
            },
            off: false,
            queue: Vec::new(),
            moved: false,
        })
        .collect();
    let mut sim = Sim {
        sc,
        seed: day.seed,
        day: day.day,
        base,
        techs,
        jobs,
        now: plan_time,
        metrics: DayMetrics::default(),
        audit: Vec::new(),
        pending_alerts: Vec::new(),
        double_booked: BTreeSet::new(),
        visits: Vec::new(),
        coords,
        speed,
        index: BTreeMap::new(),
    };
    let index: BTreeMap<String, usize> = sim
        .jobs
        .iter()
        .enumerate()
        .map(|(j, s)| (s.job.id.clone(), j))
        .collect();
    sim.index.clone_from(&index);
    let tindex: BTreeMap<String, usize> = sim
        .techs
        .iter()
        .enumerate()
        .map(|(t, s)| (s.tech.id.clone(), t))
        .collect();

    // the day's events, in time order; ties: bookings, cancellations, call-outs, manual
    let mut events: Vec<(f64, u8, usize)> = Vec::new();
    for (j, sj) in sim.jobs.iter().enumerate() {
        if sj.known_at > plan_time {
            events.push((sj.known_at, 0, j));
        }
    }
    events.extend(
        day.cancellations
            .iter()
            .filter_map(|(t, id)| index.get(id).map(|&j| (*t, 1, j))),
    );
    events.extend(
        day.callouts
            .iter()
            .filter_map(|(t, id)| tindex.get(id).map(|&k| (*t, 2, k))),
    );
    events.extend(
        day.manual
            .iter()
            .filter_map(|(t, id)| index.get(id).map(|&j| (*t, 3, j))),
    );
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));

    let cycle = opts
        .cycle_minutes
        .unwrap_or(sc.replay.cycle_minutes)
        .max(1.0);
    let mut cycles = vec![plan_time];
    if !opts.static_plan {
        let mut c = bh.0.max(plan_time + cycle);
        while c < bh.1 - TIME_TOL {
            cycles.push(c);
            c += cycle;
        }
    }
    let (mut next_event, mut next_cycle, mut cycle_no) = (0, 0, 0);
    // a call-in or a call-out during business hours is planned for at once
    let on_events = !opts.static_plan && sc.replay.resolve_on_events;
    let mut urgent = false;
    let mut seconds = Vec::new();
    let limit = bh.1 + 24.0 * 60.0;
    loop {
        let tc = if urgent {
            sim.now
        } else {
            cycles.get(next_cycle).copied().unwrap_or(f64::INFINITY)
        };
        let te = events.get(next_event).map_or(f64::INFINITY, |e| e.0);
        let mut tt = f64::INFINITY;
        let mut who = None;
        for t in 0..sim.techs.len() {
            if let Some((x, _)) = sim.next_transition(t) {
                if x < tt {
                    tt = x;
                    who = Some(t);
                }
            }
        }
        let next = tc.min(te).min(tt);
        if !next.is_finite() || next > limit {
            break;
        }
        sim.now = sim.now.max(next);
        if let Some(t) = who.filter(|_| tt <= next) {
            if let Some((_, tr)) = sim.next_transition(t) {
                sim.transition(t, tr);
            }
            continue;
        }
        if te <= next {
            let (_, kind, k) = events[next_event];
            next_event += 1;
            match kind {
                0 => sim.booking(k),
                1 => sim.cancel(k),
                2 => sim.callout(k),
                _ => sim.manual(k),
            }
            urgent |= on_events && matches!(kind, 0 | 2) && sim.now >= bh.0 && sim.now < bh.1;
            sim.rebuild_queues();
            continue;
        }
        // a cycle: a regular one due now is merged into an event's
        urgent = false;
        while cycles
            .get(next_cycle)
            .is_some_and(|&c| c <= sim.now + TIME_TOL)
        {
            next_cycle += 1;
        }
        let n = cycle_no;
        cycle_no += 1;
        sim.metrics.cycles += 1;
        let snap = sim.snapshot(n);
        if let Some(mut plan) = sim.solve(solver, &snap, opts, n, &mut seconds) {
            let known: BTreeSet<&str> = snap.jobs.iter().map(|j| j.id.as_str()).collect();
            let pending = std::mem::take(&mut sim.pending_alerts);
            plan.alerts.extend(
                pending
                    .into_iter()
                    .filter(|a| known.contains(a.job.as_str())),
            );
            sim.apply(&plan);
            observe(&snap, &plan);
        }
        sim.rebuild_queues();
    }

    // day end: everyone who went out drives home
    for t in 0..sim.techs.len() {
        if !sim.techs[t].moved {
            continue;
        }
        let (loc, since) = match sim.techs[t].state {
            State::Idle { loc, since } => (loc, since),
            State::Driving { from, depart, .. } => (from, depart),
            State::Working { job, end, .. } => (Loc::Job(job), end),
        };
        let home = sim.actual_drive(t, loc, Loc::Home);
        let back = since + home;
        let tech = &mut sim.techs[t];
        tech.out.drive_minutes += home;
        tech.out.overtime_minutes = (back - tech.last_shift_end).max(0.0);
    }
    let mut m = std::mem::take(&mut sim.metrics);
    let mut tags: BTreeSet<String> = sc.jobs.tags.keys().cloned().collect();
    tags.extend(sc.jobs.emergency_tags.iter().cloned());
    tags.extend(sc.settings.tag_weights.keys().cloned());
    for tag in &tags {
        m.unassigned_by_tag.insert(tag.clone(), 0);
    }
    let mut left = Vec::new();
    for sj in &sim.jobs {
        m.jobs += 1;
        match sj.job.status {
            JobStatus::Canceled => m.canceled += 1,
            JobStatus::Done => {}
            _ => {
                m.unassigned_end += 1;
                for tag in &sj.job.tags {
                    *m.unassigned_by_tag.entry(tag.clone()).or_insert(0) += 1;
                }
                left.push((
                    sj.job.id.clone(),
                    sj.last_reason
                        .clone()
                        .unwrap_or_else(|| "not reached".into()),
                ));
            }
        }
    }
    m.drive_minutes = sim.techs.iter().map(|t| t.out.drive_minutes).sum();
    m.overtime_minutes = sim.techs.iter().map(|t| t.out.overtime_minutes).sum();
    m.double_bookings = sim.double_booked.len();
    #[allow(clippy::cast_precision_loss)]
    {
        m.churn = if m.jobs == 0 {
            0.0
        } else {
            m.reassignments as f64 / m.jobs as f64
        };
    }
    let homes = sim
        .techs
        .iter()
        .map(|t| t.tech.home.map_or((0.0, 0.0), |h| (h.lat, h.lon)))
        .collect();
    let job_locations = sim
        .jobs
        .iter()
        .zip(&sim.coords)
        .map(|(j, c)| (j.job.id.clone(), *c))
        .collect();
    DayOutcome {
        metrics: m,
        technicians: sim.techs.into_iter().map(|t| t.out).collect(),
        audit: sim.audit,
        solver_seconds: seconds,
        visits: sim.visits,
        left,
        homes,
        job_locations,
    }
}
