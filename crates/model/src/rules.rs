//! The hard rules of FORMAT.md, one named piece of code each, used three
//! ways: the checker calls them on a plan's stops, solvers call them (through
//! [`Instance::earliest_start`] and [`eligibility`]) to test a move, and the
//! reason builder calls them to explain why a job stays unassigned.

use std::fmt;

use crate::instance::{Block, Instance, JobClass, TechInfo};
use crate::time::{clock, TIME_TOL};

/// Stable names of every rule the checker enforces. They are the same names
/// `../shared/tools/validate.py` uses, so the two can be compared directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    // rule 1
    StartWindow,
    BeforeNow,
    // rule 2
    OutsideShift,
    TimeOff,
    EventOverlap,
    Overlap,
    // rule 3
    Travel,
    // rule 4
    MaxDrive,
    // rule 5
    Skills,
    Zone,
    // rule 6
    UnmanagedTechnician,
    NotAssignable,
    TechnicianSpecific,
    // rule 7
    ReturnHome,
    // locked stops
    LockedMoved,
    // nothing lost
    LostJob,
    DuplicateJob,
    UnknownJob,
    UnknownTechnician,
    DuplicateRoute,
    Excluded,
    // plan consistency
    Action,
    ReasonCode,
    ReasonImplausible,
    Metrics,
    Bound,
    DriveMinutes,
    RouteDrive,
    StopEnd,
    StopOrder,
    Schema,
    ProblemName,
}

impl Rule {
    pub const ALL: [Self; 32] = [
        Self::StartWindow,
        Self::BeforeNow,
        Self::OutsideShift,
        Self::TimeOff,
        Self::EventOverlap,
        Self::Overlap,
        Self::Travel,
        Self::MaxDrive,
        Self::Skills,
        Self::Zone,
        Self::UnmanagedTechnician,
        Self::NotAssignable,
        Self::TechnicianSpecific,
        Self::ReturnHome,
        Self::LockedMoved,
        Self::LostJob,
        Self::DuplicateJob,
        Self::UnknownJob,
        Self::UnknownTechnician,
        Self::DuplicateRoute,
        Self::Excluded,
        Self::Action,
        Self::ReasonCode,
        Self::ReasonImplausible,
        Self::Metrics,
        Self::Bound,
        Self::DriveMinutes,
        Self::RouteDrive,
        Self::StopEnd,
        Self::StopOrder,
        Self::Schema,
        Self::ProblemName,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StartWindow => "start_window",
            Self::BeforeNow => "before_now",
            Self::OutsideShift => "outside_shift",
            Self::TimeOff => "time_off",
            Self::EventOverlap => "event_overlap",
            Self::Overlap => "overlap",
            Self::Travel => "travel",
            Self::MaxDrive => "max_drive",
            Self::Skills => "skills",
            Self::Zone => "zone",
            Self::UnmanagedTechnician => "unmanaged_technician",
            Self::NotAssignable => "not_assignable",
            Self::TechnicianSpecific => "technician_specific",
            Self::ReturnHome => "return_home",
            Self::LockedMoved => "locked_moved",
            Self::LostJob => "lost_job",
            Self::DuplicateJob => "duplicate_job",
            Self::UnknownJob => "unknown_job",
            Self::UnknownTechnician => "unknown_technician",
            Self::DuplicateRoute => "duplicate_route",
            Self::Excluded => "excluded",
            Self::Action => "action",
            Self::ReasonCode => "reason_code",
            Self::ReasonImplausible => "reason_implausible",
            Self::Metrics => "metrics",
            Self::Bound => "bound",
            Self::DriveMinutes => "drive_minutes",
            Self::RouteDrive => "route_drive",
            Self::StopEnd => "stop_end",
            Self::StopOrder => "stop_order",
            Self::Schema => "schema",
            Self::ProblemName => "problem_name",
        }
    }

    /// The rule with this name (the inverse of [`Rule::as_str`]).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Which FORMAT.md rule this is, in words, for people.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::StartWindow => "rule 1: start inside the start window",
            Self::BeforeNow => "rule 1: nothing new starts before now",
            Self::OutsideShift => "rule 2: inside one regular shift",
            Self::TimeOff => "rule 2: no on-call or time-off overlap",
            Self::EventOverlap => "rule 2: no event overlap",
            Self::Overlap => "rule 2: no overlap with other stops",
            Self::Travel => "rule 3: time to drive there",
            Self::MaxDrive => "rule 4: max drive per leg",
            Self::Skills => "rule 5: skills",
            Self::Zone => "rule 5: zone",
            Self::UnmanagedTechnician => "rule 6: technician managed by the optimizer",
            Self::NotAssignable => "rule 6: job the optimizer may assign",
            Self::TechnicianSpecific => "rule 6: technician-specific job keeps its technician",
            Self::ReturnHome => "rule 7: home by the end of the shift",
            Self::LockedMoved => "locked stops stay where they are",
            Self::LostJob => "nothing lost",
            Self::DuplicateJob => "every job exactly once",
            Self::UnknownJob => "only jobs of the problem",
            Self::UnknownTechnician => "only technicians of the problem",
            Self::DuplicateRoute => "one route per technician",
            Self::Excluded => "hold/done/canceled jobs are excluded, only they",
            Self::Action => "actions say what changed",
            Self::ReasonCode => "known reason codes",
            Self::ReasonImplausible => "reasons that fit the job",
            Self::Metrics => "metrics and objective recomputed",
            Self::Bound => "bound not below the objective",
            Self::DriveMinutes => "stated drive into each stop",
            Self::RouteDrive => "stated drive of each route",
            Self::StopEnd => "end = start + duration",
            Self::StopOrder => "stops in time order",
            Self::Schema => "plan format",
            Self::ProblemName => "plan names its problem",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Can a technician take a job at all (rules 5 and 6)?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Yes,
    No(Rule),
}

impl Fit {
    #[must_use]
    pub fn is_yes(self) -> bool {
        self == Self::Yes
    }
}

/// Open-interval overlap with the one-second tolerance (the checker's reading).
#[inline]
#[must_use]
pub fn overlaps(a0: f64, a1: f64, b0: f64, b1: f64) -> bool {
    a0 < b1 - TIME_TOL && b0 < a1 - TIME_TOL
}

/// The first block (on call, time off, event) that a visit `[s, e]`
/// overlaps strictly; solvers use it, so it has no tolerance.
#[must_use]
pub fn first_block(tech: &TechInfo, s: f64, e: f64) -> Option<&Block> {
    tech.blocked
        .iter()
        .take_while(|b| b.start < e)
        .find(|b| s < b.end && b.start < e)
}

/// Rule 1: the start lies in the job's start window.
pub struct StartWindow;
impl StartWindow {
    /// # Errors
    /// A sentence when the start is outside the window.
    pub fn check(inst: &Instance, j: usize, s: f64) -> Result<(), String> {
        let (ws, we) = inst.jobs[j].window;
        if s < ws - TIME_TOL || s > we + TIME_TOL {
            return Err(format!(
                "start {} is outside the start window {}–{}",
                clock(s),
                clock(ws),
                clock(we)
            ));
        }
        Ok(())
    }

    /// True when the whole window lies before `now`.
    #[must_use]
    pub fn passed(inst: &Instance, j: usize) -> bool {
        inst.jobs[j].window.1 < inst.now - TIME_TOL
    }
}

/// Rule 1: nothing the optimizer places starts before `now`.
pub struct BeforeNow;
impl BeforeNow {
    /// # Errors
    /// A sentence when the start is before now.
    pub fn check(inst: &Instance, s: f64) -> Result<(), String> {
        if s < inst.now - TIME_TOL {
            return Err(format!(
                "start {} is before now ({})",
                clock(s),
                clock(inst.now)
            ));
        }
        Ok(())
    }
}

/// Rule 2: a visit lies inside one regular shift.
pub struct InsideShift;
impl InsideShift {
    /// The regular shifts holding `[s, e]` (with tolerance).
    #[must_use]
    pub fn containing(tech: &TechInfo, s: f64, e: f64) -> Vec<(f64, f64)> {
        tech.regular
            .iter()
            .copied()
            .filter(|&(a, b)| a <= s + TIME_TOL && e <= b + TIME_TOL)
            .collect()
    }

    /// # Errors
    /// A sentence when no regular shift holds the visit.
    pub fn check(tech: &TechInfo, s: f64, e: f64) -> Result<(), String> {
        if Self::containing(tech, s, e).is_empty() {
            let shifts: Vec<String> = tech
                .regular
                .iter()
                .map(|&(a, b)| format!("{}–{}", clock(a), clock(b)))
                .collect();
            return Err(format!(
                "{}–{} is not inside one regular shift of {} ({})",
                clock(s),
                clock(e),
                tech.id,
                if shifts.is_empty() {
                    "no regular shift".to_string()
                } else {
                    shifts.join(", ")
                }
            ));
        }
        Ok(())
    }
}

/// Rule 2: a visit overlaps no on-call or time-off shift and no event.
pub struct NoBlockedTime;
impl NoBlockedTime {
    /// Every block the visit overlaps, each with its rule.
    #[must_use]
    pub fn violations(tech: &TechInfo, s: f64, e: f64) -> Vec<(Rule, String)> {
        tech.blocked
            .iter()
            .filter(|b| overlaps(s, e, b.start, b.end))
            .map(|b| {
                let rule = match b.kind {
                    crate::instance::BlockKind::Event { .. } => Rule::EventOverlap,
                    _ => Rule::TimeOff,
                };
                (
                    rule,
                    format!(
                        "{}–{} overlaps {} {}–{}",
                        clock(s),
                        clock(e),
                        b.kind
                            .describe()
                            .trim_start_matches("in ")
                            .trim_start_matches("on "),
                        clock(b.start),
                        clock(b.end)
                    ),
                )
            })
            .collect()
    }
}

/// Rule 3: the technician can get there in time.
pub struct Arrival;
impl Arrival {
    /// When the technician may leave for the route's first optimizer stop,
    /// held by a shift starting at `shift_start`: the latest of the shift's
    /// start, `now` and `position.free_from`.
    #[must_use]
    pub fn first_departure(inst: &Instance, tech: &TechInfo, shift_start: f64) -> f64 {
        let d = shift_start.max(inst.now);
        tech.free_from.map_or(d, |f| d.max(f))
    }

    /// # Errors
    /// A sentence when the start is before the earliest arrival.
    pub fn check(from: &str, depart: f64, leg: f64, s: f64) -> Result<(), String> {
        let arrival = depart + leg;
        if s < arrival - TIME_TOL {
            return Err(format!(
                "earliest arrival from {from} is {} (leave {}, drive {leg:.1} min), after start {}",
                clock(arrival),
                clock(depart),
                clock(s)
            ));
        }
        Ok(())
    }
}

/// Rule 4: no single drive into an optimizer stop exceeds `max_drive_minutes`.
pub struct MaxDrive;
impl MaxDrive {
    /// # Errors
    /// A sentence when the leg is too long.
    pub fn check(inst: &Instance, leg: f64) -> Result<(), String> {
        match inst.max_drive {
            Some(max) if leg > max + 1e-9 => Err(format!(
                "drive into the job {leg:.1} min exceeds max_drive_minutes {max}"
            )),
            _ => Ok(()),
        }
    }

    #[must_use]
    pub fn allows(inst: &Instance, leg: f64) -> bool {
        inst.max_drive.map_or(true, |m| leg <= m)
    }
}

/// Rule 5: the technician has every skill the job needs.
pub struct Skills;
impl Skills {
    #[must_use]
    pub fn missing(inst: &Instance, j: usize, t: usize) -> Vec<String> {
        let tech = &inst.problem.technicians[t];
        let job = &inst.problem.jobs[j];
        match &tech.skills {
            None => Vec::new(),
            Some(have) => job
                .skills
                .iter()
                .filter(|s| !have.contains(s))
                .cloned()
                .collect(),
        }
    }

    #[must_use]
    pub fn fits(inst: &Instance, j: usize, t: usize) -> bool {
        Self::missing(inst, j, t).is_empty()
    }
}

/// Rule 5: the technician serves the job's zone.
pub struct Zone;
impl Zone {
    #[must_use]
    pub fn fits(inst: &Instance, j: usize, t: usize) -> bool {
        let tech = &inst.problem.technicians[t];
        match (&inst.problem.jobs[j].zone, &tech.zones) {
            (Some(z), Some(zs)) => zs.contains(z),
            _ => true,
        }
    }
}

/// Rule 7: with `return_home`, the technician is home by the end of the
/// shift holding the last stop.
pub struct ReturnHome;
impl ReturnHome {
    /// The end of the latest regular shift holding the visit `[s, e]` (no
    /// tolerance: solvers use it), or −∞ when none holds it.
    #[must_use]
    pub fn shift_end(tech: &TechInfo, s: f64, e: f64) -> f64 {
        tech.regular
            .iter()
            .filter(|&&(a, b)| a <= s && e <= b)
            .map(|&(_, b)| b)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Can a technician whose last visit is `[s, e]` drive `drive_home`
    /// minutes home by the end of that visit's shift? Strict, for solvers.
    #[must_use]
    pub fn allows(tech: &TechInfo, s: f64, e: f64, drive_home: f64) -> bool {
        e + drive_home <= Self::shift_end(tech, s, e)
    }

    /// # Errors
    /// A sentence when the drive home ends after the shift.
    pub fn check(end: f64, drive_home: f64, shift_end: f64) -> Result<(), String> {
        let home = end + drive_home;
        if home > shift_end + TIME_TOL {
            return Err(format!(
                "back home at {} (end {} + {drive_home:.1} min), after the shift ends {}",
                clock(home),
                clock(end),
                clock(shift_end)
            ));
        }
        Ok(())
    }
}

/// Rules 5 and 6 for one job × technician pair: can the optimizer give this
/// technician this job at all, wherever it goes in the day?
#[must_use]
pub fn eligibility(inst: &Instance, j: usize, t: usize) -> Fit {
    let job = &inst.jobs[j];
    match job.class {
        JobClass::Managed => {}
        JobClass::TechSpecific => {
            // the dispatcher chose the technician: rule 5 does not apply
            return if job.assignment.map(|a| a.0) == Some(t) {
                Fit::Yes
            } else {
                Fit::No(Rule::TechnicianSpecific)
            };
        }
        JobClass::Locked => return Fit::No(Rule::LockedMoved),
        JobClass::Excluded | JobClass::Unassignable(_) => return Fit::No(Rule::NotAssignable),
    }
    if !inst.techs[t].managed {
        return Fit::No(Rule::UnmanagedTechnician);
    }
    if !Skills::fits(inst, j, t) {
        return Fit::No(Rule::Skills);
    }
    if !Zone::fits(inst, j, t) {
        return Fit::No(Rule::Zone);
    }
    Fit::Yes
}
