//! A problem compiled for solvers: indices instead of ids, minutes instead
//! of date-times, a dense travel matrix, per job × technician eligibility
//! with the rule that rejects, blocked intervals and locked stops.
//!
//! Immutable once built (DESIGN.md convention 4).

use std::collections::HashMap;

use crate::problem::{JobStatus, Problem, RescheduleWithin, ShiftKind, Travel};
use crate::reason::ReasonCode;
use crate::rules::{self, Fit};
use crate::time::TIME_TOL;

const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in km.
#[must_use]
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let dp = p2 - p1;
    let dl = (b.1 - a.1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Why a technician may not work at some time.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    OnCall,
    TimeOff,
    /// A non-job event: its id and timesheet code when it has them.
    Event {
        id: Option<String>,
        code: Option<String>,
    },
}

impl BlockKind {
    /// The checker's rule name for a visit overlapping this block.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::OnCall => "on call".into(),
            Self::TimeOff => "on time off".into(),
            Self::Event { id, code } => match (id, code) {
                (Some(id), Some(c)) => format!("in event {id} ({c})"),
                (Some(id), None) => format!("in event {id} (calendar block)"),
                (None, Some(c)) => format!("in a {c} event"),
                (None, None) => "in a calendar block".into(),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub start: f64,
    pub end: f64,
    pub kind: BlockKind,
}

#[derive(Debug, Clone)]
pub struct TechInfo {
    pub id: String,
    /// Location index of the home.
    pub home: usize,
    /// Location index where the first leg starts (home or `position.job`).
    pub start_loc: usize,
    /// `position.free_from`, when given.
    pub free_from: Option<f64>,
    /// `dispatch_pro` not false.
    pub managed: bool,
    /// Regular shifts, sorted by start.
    pub regular: Vec<(f64, f64)>,
    /// On-call and time-off shifts and events, sorted by start.
    pub blocked: Vec<Block>,
    /// Conversion multiplier per job type index.
    pub conversion: Vec<f64>,
    /// Jobs fixed in this technician's route (locked stops and
    /// technician-specific jobs at their current start), sorted by start.
    pub fixed: Vec<usize>,
}

/// What the optimizer may do with a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobClass {
    /// hold / done / canceled: listed in `excluded`.
    Excluded,
    /// Stays exactly at its assignment, action `locked`.
    Locked,
    /// Never assigned by the optimizer; stays unassigned with this reason.
    Unassignable(ReasonCode),
    /// Technician fixed by the dispatcher; its start may move.
    TechSpecific,
    /// The optimizer's to place, move or leave out.
    Managed,
}

#[derive(Debug, Clone)]
pub struct JobInfo {
    pub id: String,
    pub loc: usize,
    pub class: JobClass,
    /// The start window (`reschedule_within`).
    pub window: (f64, f64),
    pub duration: f64,
    /// value × tag weight.
    pub weighted_value: f64,
    pub value: f64,
    pub weight: f64,
    pub type_idx: usize,
    /// Technician index of `preferred_technician`, when it names one.
    pub preferred: Option<usize>,
    /// Current assignment: technician index and start.
    pub assignment: Option<(usize, f64)>,
}

/// A compiled problem. Build with [`Instance::new`].
#[derive(Debug, Clone)]
pub struct Instance {
    pub problem: Problem,
    pub now: f64,
    pub business_hours: (f64, f64),
    pub drive_cost: f64,
    pub max_drive: Option<f64>,
    pub return_home: bool,
    pub preferred_bonus: f64,
    pub techs: Vec<TechInfo>,
    pub jobs: Vec<JobInfo>,
    n_loc: usize,
    travel: Vec<f64>,
    /// Drives obey the triangle inequality (haversine travel; a matrix
    /// is taken as it comes).
    metric: bool,
    /// jobs × techs, row-major by job: can the technician take the job at
    /// all (rules 5 and 6), and if not, which rule says no.
    eligibility: Vec<Fit>,
    tech_index: HashMap<String, usize>,
    job_index: HashMap<String, usize>,
}

impl Instance {
    /// Compiles a validated problem.
    #[must_use]
    #[allow(clippy::too_many_lines)]
    pub fn new(problem: &Problem) -> Self {
        let p = problem;
        let s = &p.settings;
        let now = p.now();
        let m = p.technicians.len();
        let n_loc = m + p.jobs.len();
        let tech_index: HashMap<String, usize> = p
            .technicians
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        let job_index: HashMap<String, usize> = p
            .jobs
            .iter()
            .enumerate()
            .map(|(i, j)| (j.id.clone(), i))
            .collect();

        let mut types: Vec<String> = p.jobs.iter().map(|j| j.job_type.clone()).collect();
        types.sort();
        types.dedup();
        let type_idx = |t: &str| types.binary_search_by(|x| x.as_str().cmp(t)).unwrap_or(0);

        let travel = match &p.travel {
            Travel::Matrix { minutes } => minutes.iter().flatten().copied().collect(),
            Travel::Haversine {
                speed_kmh,
                road_factor,
            } => {
                let pts: Vec<(f64, f64)> = p
                    .technicians
                    .iter()
                    .map(|t| t.home.map_or((0.0, 0.0), |h| (h.lat, h.lon)))
                    .chain(
                        p.jobs
                            .iter()
                            .map(|j| j.location.map_or((0.0, 0.0), |l| (l.lat, l.lon))),
                    )
                    .collect();
                let mut out = vec![0.0; n_loc * n_loc];
                for a in 0..n_loc {
                    for b in (a + 1)..n_loc {
                        let d = haversine_km(pts[a], pts[b]) * road_factor / speed_kmh * 60.0;
                        out[a * n_loc + b] = d;
                        out[b * n_loc + a] = d;
                    }
                }
                out
            }
        };

        let mut techs: Vec<TechInfo> = p
            .technicians
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut regular: Vec<(f64, f64)> = t
                    .shifts
                    .iter()
                    .filter(|s| s.kind == ShiftKind::Regular)
                    .map(|s| (s.start.0, s.end.0))
                    .collect();
                regular.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
                let mut blocked: Vec<Block> = t
                    .shifts
                    .iter()
                    .filter(|s| s.kind != ShiftKind::Regular)
                    .map(|s| Block {
                        start: s.start.0,
                        end: s.end.0,
                        kind: if s.kind == ShiftKind::OnCall {
                            BlockKind::OnCall
                        } else {
                            BlockKind::TimeOff
                        },
                    })
                    .chain(t.events.iter().map(|e| Block {
                        start: e.start.0,
                        end: e.end.0,
                        kind: BlockKind::Event {
                            id: e.id.clone(),
                            code: e.timesheet_code.clone(),
                        },
                    }))
                    .collect();
                blocked.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.end.total_cmp(&b.end)));
                let conversion = types
                    .iter()
                    .map(|ty| t.conversion.get(ty).copied().unwrap_or(1.0))
                    .collect();
                let start_loc = t
                    .position
                    .as_ref()
                    .and_then(|pos| job_index.get(&pos.job))
                    .map_or(i, |&j| m + j);
                TechInfo {
                    id: t.id.clone(),
                    home: i,
                    start_loc,
                    free_from: t.position.as_ref().and_then(|p| p.free_from).map(|t| t.0),
                    managed: t.dispatch_pro,
                    regular,
                    blocked,
                    conversion,
                    fixed: Vec::new(),
                }
            })
            .collect();

        let enabled = |ty: &str| {
            s.enabled_job_types
                .as_ref()
                .map_or(true, |l| l.iter().any(|x| x == ty))
        };
        let mut jobs: Vec<JobInfo> = Vec::with_capacity(p.jobs.len());
        for (ji, j) in p.jobs.iter().enumerate() {
            let weight: f64 = j
                .tags
                .iter()
                .map(|t| s.tag_weights.get(t).copied().unwrap_or(1.0))
                .product();
            let window = match s.reschedule_within {
                RescheduleWithin::ArrivalWindow => {
                    (j.arrival_window.start.0, j.arrival_window.end.0)
                }
                RescheduleWithin::BusinessHours => {
                    (p.business_hours.start.0, p.business_hours.end.0)
                }
            };
            let assignment = j
                .assignment
                .as_ref()
                .and_then(|a| tech_index.get(&a.technician).map(|&t| (t, a.start.0)));
            let unmanaged = if j.technicians_required > 1 {
                Some(ReasonCode::MultiTechnician)
            } else if j.multi_day {
                Some(ReasonCode::MultiDay)
            } else if !j.dispatch_pro || !enabled(&j.job_type) {
                Some(ReasonCode::DispatchProOff)
            } else {
                None
            };
            let class = if j.status.is_excluded() {
                JobClass::Excluded
            } else if let Some((t, start)) = assignment {
                let autolocked = j.status == JobStatus::Scheduled
                    && start < now + s.lock_before_start_minutes - TIME_TOL;
                if j.status != JobStatus::Scheduled
                    || unmanaged.is_some()
                    || !p.technicians[t].dispatch_pro
                    || autolocked
                {
                    JobClass::Locked
                } else if j.technician_specific {
                    JobClass::TechSpecific
                } else {
                    JobClass::Managed
                }
            } else if let Some(reason) = unmanaged {
                JobClass::Unassignable(reason)
            } else if j.status == JobStatus::Scheduled {
                JobClass::Managed
            } else {
                // dispatched / working with no assignment: nowhere to keep it
                JobClass::Unassignable(ReasonCode::Availability)
            };
            if matches!(class, JobClass::Locked | JobClass::TechSpecific) {
                if let Some((t, _)) = assignment {
                    techs[t].fixed.push(ji);
                }
            }
            jobs.push(JobInfo {
                id: j.id.clone(),
                loc: m + ji,
                class,
                window,
                duration: j.duration_minutes,
                weighted_value: j.value * weight,
                value: j.value,
                weight,
                type_idx: type_idx(&j.job_type),
                preferred: j
                    .preferred_technician
                    .as_ref()
                    .and_then(|id| tech_index.get(id).copied()),
                assignment,
            });
        }
        for t in &mut techs {
            t.fixed.sort_by(|&a, &b| {
                let (sa, sb) = (
                    jobs[a].assignment.map_or(0.0, |x| x.1),
                    jobs[b].assignment.map_or(0.0, |x| x.1),
                );
                sa.total_cmp(&sb).then(a.cmp(&b))
            });
        }
        let mut inst = Self {
            problem: p.clone(),
            now,
            business_hours: (p.business_hours.start.0, p.business_hours.end.0),
            drive_cost: s.drive_cost_per_minute,
            max_drive: s.max_drive_minutes,
            return_home: s.return_home,
            preferred_bonus: s.preferred_technician_bonus,
            techs,
            jobs,
            n_loc,
            travel,
            metric: matches!(p.travel, Travel::Haversine { .. }),
            eligibility: Vec::new(),
            tech_index,
            job_index,
        };
        let mut elig = Vec::with_capacity(inst.jobs.len() * inst.techs.len());
        for j in 0..inst.jobs.len() {
            for t in 0..inst.techs.len() {
                elig.push(rules::eligibility(&inst, j, t));
            }
        }
        inst.eligibility = elig;
        inst
    }

    /// Drive minutes between two location indices (homes, then jobs).
    #[inline]
    #[must_use]
    pub fn drive(&self, from: usize, to: usize) -> f64 {
        self.travel[from * self.n_loc + to]
    }

    /// True when leaving a movable stop out of a feasible route of
    /// technician `t` always leaves a feasible route that drives no
    /// longer: drives obey the triangle inequality, no leg has a maximum (a
    /// shortcut past a stop could exceed it) and the technician works one
    /// shift (in a later shift a first stop waits for the drive from home,
    /// which a stop after another does not). Every later stop is then
    /// reached no later and earliest starts only move earlier, so the best
    /// route over a set of jobs is reached without the jobs that add nothing.
    #[must_use]
    pub fn stops_skippable(&self, t: usize) -> bool {
        self.metric && self.max_drive.is_none() && self.techs[t].regular.len() <= 1
    }

    /// Can technician `t` take job `j` at all (rules 5 and 6)?
    #[inline]
    #[must_use]
    pub fn fit(&self, j: usize, t: usize) -> Fit {
        self.eligibility[j * self.techs.len() + t]
    }

    #[must_use]
    pub fn tech_index(&self, id: &str) -> Option<usize> {
        self.tech_index.get(id).copied()
    }

    #[must_use]
    pub fn job_index(&self, id: &str) -> Option<usize> {
        self.job_index.get(id).copied()
    }

    /// True for a job the optimizer places (managed or technician-specific).
    #[must_use]
    pub fn is_optimizer_job(&self, j: usize) -> bool {
        matches!(
            self.jobs[j].class,
            JobClass::Managed | JobClass::TechSpecific
        )
    }

    /// Objective value of job `j` done by technician `t`: weighted value ×
    /// conversion, plus the preferred-technician bonus.
    #[inline]
    #[must_use]
    pub fn profit(&self, j: usize, t: usize) -> f64 {
        let job = &self.jobs[j];
        let mut v = job.weighted_value * self.techs[t].conversion[job.type_idx];
        if job.preferred == Some(t) {
            v += self.preferred_bonus;
        }
        v
    }

    /// A stop's location index and the technician's start location, for a
    /// route's legs.
    #[must_use]
    pub fn job_loc(&self, j: usize) -> usize {
        self.jobs[j].loc
    }

    /// The earliest start of job `j` for technician `t` no earlier than
    /// `ready` that keeps rules 1 and 2 (start window, `now`, one regular
    /// shift, no on-call, time off or event). With `first_leg`, the job is
    /// the route's first optimizer stop: the technician leaves at the latest
    /// of the shift's start, `now` and `free_from`, and drives that long.
    /// Strict comparisons (no tolerance), so a plan built with it passes
    /// any tolerant checker.
    #[must_use]
    pub fn earliest_start(
        &self,
        t: usize,
        j: usize,
        ready: f64,
        first_leg: Option<f64>,
    ) -> Option<f64> {
        self.earliest_start_where(t, j, ready, first_leg, |_| true)
    }

    /// [`Self::earliest_start`] among the starts `accept` takes: in each
    /// shift only its earliest start is offered (later ones in the same
    /// shift only end later), and a refused one moves on to the next shift.
    /// For a test that an earlier end does not always pass, such as getting
    /// home by the end of the shift holding the visit.
    #[must_use]
    pub fn earliest_start_where(
        &self,
        t: usize,
        j: usize,
        ready: f64,
        first_leg: Option<f64>,
        accept: impl Fn(f64) -> bool,
    ) -> Option<f64> {
        let tech = &self.techs[t];
        let job = &self.jobs[j];
        let (ws, we) = job.window;
        let d = job.duration;
        let base = ready.max(ws).max(self.now);
        for &(ss, se) in &tech.regular {
            let mut s = match first_leg {
                Some(leg) => base.max(rules::Arrival::first_departure(self, tech, ss) + leg),
                None => base.max(ss),
            };
            loop {
                if s > we {
                    // later shifts start later still
                    return None;
                }
                if s + d > se {
                    break;
                }
                match rules::first_block(tech, s, s + d) {
                    Some(b) => s = b.end.max(s),
                    None if accept(s) => return Some(s),
                    None => break,
                }
            }
        }
        None
    }
}
