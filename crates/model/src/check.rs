//! The plan checker: reads only the problem and the plan's JSON, never a
//! solver's internals (DESIGN.md convention 3), and returns every violation
//! at once, each named by a [`Rule`].
//!
//! Its readings of FORMAT.md are those of `../shared/tools/validate.py`
//! (listed in `../shared/tools/README.md`); the rule names are the same, so
//! the two checkers can be compared plan by plan. The hard rules themselves
//! are the types of [`crate::rules`], the ones solvers and the reason builder
//! use, so a rule cannot mean one thing to a solver and another here.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::build;
use crate::instance::{Instance, JobClass, TechInfo};
use crate::plan::{Action, Plan, PLAN_SCHEMA};
use crate::problem::{JobStatus, Problem};
use crate::reason::ReasonCode;
use crate::rules::{
    overlaps, Arrival, BeforeNow, InsideShift, MaxDrive, NoBlockedTime, ReturnHome, Rule, Skills,
    StartWindow, Zone,
};
use crate::time::{clock, format_time, parse_time, TIME_TOL};

/// Tolerance of a stated drive, in minutes per leg.
pub const DRIVE_TOL: f64 = 0.05;
/// Relative tolerance of a claimed metric.
pub const REL_TOL: f64 = 1e-6;
/// Absolute tolerance of a claimed metric.
pub const ABS_TOL: f64 = 0.01;

const ACTIONS: [(&str, Action); 5] = [
    ("kept", Action::Kept),
    ("assigned", Action::Assigned),
    ("reassigned", Action::Reassigned),
    ("rescheduled", Action::Rescheduled),
    ("locked", Action::Locked),
];
const SOLVER_STATUSES: [&str; 4] = ["optimal", "feasible", "time_limit", "fallback"];
const EXCLUDED_STATUSES: [&str; 3] = ["hold", "done", "canceled"];
const METRIC_KEYS: [&str; 6] = [
    "assigned",
    "unassigned",
    "value",
    "weighted_value",
    "drive_minutes",
    "objective",
];

/// One broken rule, with the job and technician it concerns when it
/// concerns one, and a sentence saying what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub rule: Rule,
    pub job: Option<String>,
    pub technician: Option<String>,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.rule)?;
        if let Some(j) = &self.job {
            write!(f, " job={j}")?;
        }
        if let Some(t) = &self.technician {
            write!(f, " technician={t}")?;
        }
        write!(f, " {}", self.detail)
    }
}

/// The plan's metrics as the checker recomputes them from its routes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecomputedMetrics {
    pub assigned: usize,
    pub unassigned: usize,
    pub value: f64,
    pub weighted_value: f64,
    pub drive_minutes: f64,
    pub objective: f64,
    /// Jobs given to their preferred technician.
    pub preferred: usize,
}

impl RecomputedMetrics {
    #[allow(clippy::cast_precision_loss)]
    fn get(&self, key: &str) -> f64 {
        match key {
            "assigned" => self.assigned as f64,
            "unassigned" => self.unassigned as f64,
            "value" => self.value,
            "weighted_value" => self.weighted_value,
            "drive_minutes" => self.drive_minutes,
            _ => self.objective,
        }
    }
}

/// Every violation of a plan, and its recomputed metrics.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckReport {
    pub violations: Vec<Violation>,
    pub metrics: RecomputedMetrics,
}

impl CheckReport {
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }

    /// The set of rules broken.
    #[must_use]
    pub fn rules(&self) -> BTreeSet<Rule> {
        self.violations.iter().map(|v| v.rule).collect()
    }

    /// Is `rule` among the broken ones?
    #[must_use]
    pub fn breaks(&self, rule: Rule) -> bool {
        self.violations.iter().any(|v| v.rule == rule)
    }

    fn add(&mut self, rule: Rule, detail: String, job: Option<&str>, technician: Option<&str>) {
        self.violations.push(Violation {
            rule,
            job: job.map(str::to_string),
            technician: technician.map(str::to_string),
            detail,
        });
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_valid() {
            return f.write_str("VALID");
        }
        write!(f, "INVALID: {} violation(s)", self.violations.len())?;
        for v in &self.violations {
            write!(f, "\n  {v}")?;
        }
        Ok(())
    }
}

/// Checks a plan (parsed JSON) against its problem.
#[must_use]
pub fn check(problem: &Problem, plan: &Value) -> CheckReport {
    check_instance(&Instance::new(problem), plan)
}

/// Checks a typed plan: serializes it and checks the JSON, so what is
/// checked is what would be written.
#[must_use]
pub fn check_plan(problem: &Problem, plan: &Plan) -> CheckReport {
    check(problem, &plan.to_value())
}

/// [`check`] with the problem already compiled (an [`Instance`] is a pure
/// function of its problem, so this reads nothing a solver made).
#[must_use]
pub fn check_instance(inst: &Instance, plan: &Value) -> CheckReport {
    let mut rep = CheckReport::default();
    let Value::Object(obj) = plan else {
        rep.add(
            Rule::Schema,
            format!("$: expected an object, got {}", type_name(plan)),
            None,
            None,
        );
        return rep;
    };
    let parsed = read_plan(obj, &mut rep);
    let p = &inst.problem;
    if let Some(Value::String(name)) = obj.get("problem") {
        if !p.name.is_empty() && *name != p.name {
            rep.add(
                Rule::ProblemName,
                format!("plan is for problem {name:?}, not {:?}", p.name),
                None,
                None,
            );
        }
    }
    let mut ck = Checker {
        inst,
        rep,
        double_booking: HashSet::new(),
        in_route: HashMap::new(),
        assigned: Vec::new(),
    };
    ck.alerts(&parsed.alerts);
    ck.nothing_lost(&parsed);
    ck.placement(&parsed);
    let mut total_drive = 0.0;
    for rt in &parsed.routes {
        let Some(t) = rt.technician.as_deref().and_then(|id| inst.tech_index(id)) else {
            continue;
        };
        total_drive += ck.route(t, rt);
    }
    ck.reasons(&parsed.unassigned);
    ck.metrics(&parsed, total_drive, obj);
    ck.rep
}

// ------------------------------------------------------------ plan schema

struct RawStop {
    job: Option<String>,
    start: Option<f64>,
    end: Option<f64>,
    drive: Option<f64>,
    action: Option<Action>,
}

struct RawRoute {
    path: String,
    /// `None` when the route's technician is not a string.
    technician: Option<String>,
    drive: Option<f64>,
    stops: Vec<RawStop>,
}

struct RawUnassigned {
    job: String,
    reason: Option<String>,
}

struct RawExcluded {
    path: String,
    job: String,
    status: Value,
}

struct RawAlert {
    path: String,
    job: String,
    kind: String,
}

struct RawPlan {
    routes: Vec<RawRoute>,
    unassigned: Vec<RawUnassigned>,
    excluded: Vec<RawExcluded>,
    alerts: Vec<RawAlert>,
    /// The claimed metrics, when `metrics` is an object.
    metrics: Option<Map<String, Value>>,
}

fn type_name(v: &Value) -> &'static str {
    crate::load::type_name(v)
}

fn num(v: Option<&Value>) -> Option<f64> {
    v.filter(|v| v.is_number()).and_then(Value::as_f64)
}

fn nonneg(v: Option<&Value>) -> Option<f64> {
    num(v).filter(|&x| x >= 0.0)
}

fn shown(v: Option<&Value>) -> String {
    v.map_or_else(|| "nothing".to_string(), Value::to_string)
}

fn schema(rep: &mut CheckReport, path: &str, msg: &str) {
    rep.add(Rule::Schema, format!("{path}: {msg}"), None, None);
}

fn str_field<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str)
}

/// A list field of the plan; `required` false lets it be absent (not null).
fn list_field<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    required: bool,
    rep: &mut CheckReport,
) -> &'a [Value] {
    match obj.get(key) {
        None if !required => &[],
        Some(Value::Array(a)) => a,
        other => {
            schema(
                rep,
                key,
                &format!(
                    "expected a list, got {}",
                    other.map_or("nothing", type_name)
                ),
            );
            &[]
        }
    }
}

#[allow(clippy::too_many_lines)]
fn read_plan(obj: &Map<String, Value>, rep: &mut CheckReport) -> RawPlan {
    if str_field(obj, "schema") != Some(PLAN_SCHEMA) {
        schema(
            rep,
            "schema",
            &format!("must be {PLAN_SCHEMA:?}, got {}", shown(obj.get("schema"))),
        );
    }
    if str_field(obj, "problem").is_none() {
        schema(
            rep,
            "problem",
            &format!(
                "expected a string, got {}",
                obj.get("problem").map_or("nothing", type_name)
            ),
        );
    }
    match obj.get("solver") {
        Some(Value::Object(s)) => {
            if str_field(s, "name").is_none() {
                schema(rep, "solver.name", "expected a string");
            }
            if !str_field(s, "status").is_some_and(|x| SOLVER_STATUSES.contains(&x)) {
                schema(
                    rep,
                    "solver.status",
                    &format!(
                        "must be one of {}, got {}",
                        SOLVER_STATUSES.join("/"),
                        shown(s.get("status"))
                    ),
                );
            }
            if s.contains_key("seconds") && nonneg(s.get("seconds")).is_none() {
                schema(
                    rep,
                    "solver.seconds",
                    &format!("expected a number >= 0, got {}", shown(s.get("seconds"))),
                );
            }
            if s.get("bound")
                .is_some_and(|b| !b.is_null() && !b.is_number())
            {
                schema(
                    rep,
                    "solver.bound",
                    &format!("expected a number or null, got {}", shown(s.get("bound"))),
                );
            }
        }
        other => schema(
            rep,
            "solver",
            &format!(
                "expected an object, got {}",
                other.map_or("nothing", type_name)
            ),
        ),
    }

    let mut routes = Vec::new();
    for (i, rd) in list_field(obj, "routes", true, rep).iter().enumerate() {
        let path = format!("routes[{i}]");
        let Value::Object(rd) = rd else {
            schema(
                rep,
                &path,
                &format!("expected an object, got {}", type_name(rd)),
            );
            continue;
        };
        let technician = str_field(rd, "technician").map(str::to_string);
        if technician.is_none() {
            schema(
                rep,
                &format!("{path}.technician"),
                &format!(
                    "expected a string, got {}",
                    rd.get("technician").map_or("nothing", type_name)
                ),
            );
        }
        if nonneg(rd.get("drive_minutes")).is_none() {
            schema(
                rep,
                &format!("{path}.drive_minutes"),
                &format!(
                    "expected a number >= 0, got {}",
                    shown(rd.get("drive_minutes"))
                ),
            );
        }
        let stops_v: &[Value] = match rd.get("stops") {
            Some(Value::Array(a)) => a,
            other => {
                schema(
                    rep,
                    &format!("{path}.stops"),
                    &format!(
                        "expected a list, got {}",
                        other.map_or("nothing", type_name)
                    ),
                );
                &[]
            }
        };
        let mut stops = Vec::with_capacity(stops_v.len());
        for (k, sd) in stops_v.iter().enumerate() {
            let sp = format!("{path}.stops[{k}]");
            let Value::Object(sd) = sd else {
                schema(
                    rep,
                    &sp,
                    &format!("expected an object, got {}", type_name(sd)),
                );
                continue;
            };
            let job = str_field(sd, "job").map(str::to_string);
            if job.is_none() {
                schema(
                    rep,
                    &format!("{sp}.job"),
                    &format!(
                        "expected a string, got {}",
                        sd.get("job").map_or("nothing", type_name)
                    ),
                );
            }
            let mut time = |key: &str| -> Option<f64> {
                let r = match sd.get(key) {
                    Some(Value::String(s)) => parse_time(s),
                    other => Err(format!(
                        "expected a date-time string, got {}",
                        other.map_or("nothing", type_name)
                    )),
                };
                r.map_err(|m| schema(rep, &format!("{sp}.{key}"), &m)).ok()
            };
            let start = time("start");
            let end = time("end");
            let drive = nonneg(sd.get("drive_minutes"));
            if drive.is_none() {
                schema(
                    rep,
                    &format!("{sp}.drive_minutes"),
                    &format!(
                        "expected a number >= 0, got {}",
                        shown(sd.get("drive_minutes"))
                    ),
                );
            }
            let action = str_field(sd, "action")
                .and_then(|a| ACTIONS.iter().find(|(n, _)| *n == a))
                .map(|(_, a)| *a);
            if action.is_none() {
                let names: Vec<&str> = ACTIONS.iter().map(|(n, _)| *n).collect();
                schema(
                    rep,
                    &format!("{sp}.action"),
                    &format!(
                        "must be one of {}, got {}",
                        names.join("/"),
                        shown(sd.get("action"))
                    ),
                );
            }
            stops.push(RawStop {
                job,
                start,
                end,
                drive,
                action,
            });
        }
        // a negative stated drive is a schema error and is still compared
        let drive = technician.as_ref().and(num(rd.get("drive_minutes")));
        routes.push(RawRoute {
            path,
            technician,
            drive,
            stops,
        });
    }

    let mut unassigned = Vec::new();
    for (i, ud) in list_field(obj, "unassigned", true, rep).iter().enumerate() {
        let path = format!("unassigned[{i}]");
        let Some((ud, job)) = ud
            .as_object()
            .and_then(|m| str_field(m, "job").map(|j| (m, j)))
        else {
            schema(rep, &path, "expected an object with a string 'job'");
            continue;
        };
        for key in ["reason", "detail"] {
            if str_field(ud, key).is_none() {
                schema(
                    rep,
                    &format!("{path}.{key}"),
                    &format!(
                        "expected a string, got {}",
                        ud.get(key).map_or("nothing", type_name)
                    ),
                );
            }
        }
        unassigned.push(RawUnassigned {
            job: job.to_string(),
            reason: str_field(ud, "reason").map(str::to_string),
        });
    }

    let mut excluded = Vec::new();
    for (i, xd) in list_field(obj, "excluded", true, rep).iter().enumerate() {
        let path = format!("excluded[{i}]");
        let Some((xd, job)) = xd
            .as_object()
            .and_then(|m| str_field(m, "job").map(|j| (m, j)))
        else {
            schema(rep, &path, "expected an object with a string 'job'");
            continue;
        };
        if !str_field(xd, "status").is_some_and(|s| EXCLUDED_STATUSES.contains(&s)) {
            schema(
                rep,
                &format!("{path}.status"),
                &format!(
                    "must be one of {}, got {}",
                    EXCLUDED_STATUSES.join("/"),
                    shown(xd.get("status"))
                ),
            );
        }
        excluded.push(RawExcluded {
            path,
            job: job.to_string(),
            status: xd.get("status").cloned().unwrap_or(Value::Null),
        });
    }

    let mut alerts = Vec::new();
    for (i, ad) in list_field(obj, "alerts", false, rep).iter().enumerate() {
        let path = format!("alerts[{i}]");
        let Some((job, kind)) = ad
            .as_object()
            .and_then(|m| Some((str_field(m, "job")?, str_field(m, "kind")?)))
        else {
            schema(
                rep,
                &path,
                "expected an object with string 'job' and 'kind'",
            );
            continue;
        };
        alerts.push(RawAlert {
            path,
            job: job.to_string(),
            kind: kind.to_string(),
        });
    }

    let metrics = match obj.get("metrics") {
        Some(Value::Object(m)) => {
            for key in METRIC_KEYS {
                let v = m.get(key);
                match num(v) {
                    None => schema(
                        rep,
                        &format!("metrics.{key}"),
                        &format!("expected a number, got {}", v.map_or("nothing", type_name)),
                    ),
                    Some(x)
                        if (key == "assigned" || key == "unassigned")
                            && (x < 0.0 || x.fract() != 0.0) =>
                    {
                        schema(
                            rep,
                            &format!("metrics.{key}"),
                            &format!("expected an integer >= 0, got {x}"),
                        );
                    }
                    Some(_) => {}
                }
            }
            Some(m.clone())
        }
        other => {
            schema(
                rep,
                "metrics",
                &format!(
                    "expected an object, got {}",
                    other.map_or("nothing", type_name)
                ),
            );
            None
        }
    };
    RawPlan {
        routes,
        unassigned,
        excluded,
        alerts,
        metrics,
    }
}

// ------------------------------------------------------------- the checks

/// A stop of a route, as the rules read it.
struct Stop {
    j: usize,
    start: Option<f64>,
    /// start + duration (not the claimed end).
    end: Option<f64>,
    claimed_end: Option<f64>,
    drive: Option<f64>,
    action: Option<Action>,
    /// Not the optimizer's placement: a locked, excluded or unassignable
    /// job, or a technician-specific job at its current start.
    fixed: bool,
    /// Drive into the stop by the travel model.
    leg: f64,
}

struct Checker<'a> {
    inst: &'a Instance,
    rep: CheckReport,
    double_booking: HashSet<String>,
    /// Job index -> (technician id, stop start) of its first route stop.
    in_route: HashMap<usize, (String, Option<f64>)>,
    /// Optimizer-assigned stops in route order: (technician, job).
    assigned: Vec<(usize, usize)>,
}

/// Why a job is never the optimizer's to assign, as reason codes.
fn unmanaged_props(inst: &Instance, j: usize) -> Vec<ReasonCode> {
    let pj = &inst.problem.jobs[j];
    let enabled = inst
        .problem
        .settings
        .enabled_job_types
        .as_ref()
        .map_or(true, |l| l.contains(&pj.job_type));
    let mut props = Vec::new();
    if pj.technicians_required > 1 {
        props.push(ReasonCode::MultiTechnician);
    }
    if pj.multi_day {
        props.push(ReasonCode::MultiDay);
    }
    if !pj.dispatch_pro || !enabled {
        props.push(ReasonCode::DispatchProOff);
    }
    props
}

fn codes(props: &[ReasonCode]) -> String {
    props
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why an assigned job is a locked block, in words.
fn lock_reasons(inst: &Instance, j: usize) -> String {
    let pj = &inst.problem.jobs[j];
    let mut why = Vec::new();
    if pj.status != JobStatus::Scheduled {
        why.push(format!("status {}", pj.status.as_str()));
    }
    why.extend(
        unmanaged_props(inst, j)
            .iter()
            .map(|c| c.as_str().to_string()),
    );
    if let Some((t, start)) = inst.jobs[j].assignment {
        if !inst.techs[t].managed {
            why.push(format!("technician {} not managed", inst.techs[t].id));
        }
        if why.is_empty() {
            why.push(format!(
                "autolocked: starts {}, before now + lock_before_start_minutes",
                clock(start)
            ));
        }
    }
    why.join("; ")
}

fn close(claimed: f64, actual: f64) -> bool {
    (claimed - actual).abs() <= REL_TOL * actual.abs() + ABS_TOL
}

impl<'a> Checker<'a> {
    fn job_id(&self, j: usize) -> &'a str {
        &self.inst.jobs[j].id
    }

    fn alerts(&mut self, alerts: &[RawAlert]) {
        for a in alerts {
            if self.inst.job_index(&a.job).is_none() {
                self.rep.add(
                    Rule::UnknownJob,
                    format!("{} names unknown job {:?}", a.path, a.job),
                    Some(&a.job),
                    None,
                );
            }
            if a.kind == "double_booking" {
                self.double_booking.insert(a.job.clone());
            }
        }
    }

    /// Every job exactly once, only jobs and technicians of the problem.
    fn nothing_lost(&mut self, plan: &RawPlan) {
        let inst = self.inst;
        let mut order: Vec<String> = Vec::new();
        let mut places: HashMap<String, Vec<String>> = HashMap::new();
        let mut place = |jid: &str, where_: String| {
            if !places.contains_key(jid) {
                order.push(jid.to_string());
            }
            places.entry(jid.to_string()).or_default().push(where_);
        };
        let mut seen_tech: HashSet<&str> = HashSet::new();
        for rt in &plan.routes {
            let Some(tid) = rt.technician.as_deref() else {
                continue;
            };
            if inst.tech_index(tid).is_none() {
                self.rep.add(
                    Rule::UnknownTechnician,
                    format!("{} names unknown technician {tid:?}", rt.path),
                    None,
                    Some(tid),
                );
            } else if seen_tech.contains(tid) {
                self.rep.add(
                    Rule::DuplicateRoute,
                    format!("technician {tid:?} has more than one route"),
                    None,
                    Some(tid),
                );
            }
            seen_tech.insert(tid);
            for st in &rt.stops {
                let Some(jid) = st.job.as_deref() else {
                    continue;
                };
                place(jid, format!("route of {tid}"));
                if let Some(j) = inst.job_index(jid) {
                    self.in_route
                        .entry(j)
                        .or_insert_with(|| (tid.to_string(), st.start));
                }
            }
        }
        for u in &plan.unassigned {
            place(&u.job, "unassigned".into());
        }
        for x in &plan.excluded {
            place(&x.job, "excluded".into());
        }
        for jid in &order {
            let where_ = &places[jid];
            if inst.job_index(jid).is_none() {
                self.rep.add(
                    Rule::UnknownJob,
                    format!("job {jid:?} is not in the problem ({})", where_.join(", ")),
                    Some(jid),
                    None,
                );
            } else if where_.len() > 1 {
                self.rep.add(
                    Rule::DuplicateJob,
                    format!("job appears {} times: {}", where_.len(), where_.join(", ")),
                    Some(jid),
                    None,
                );
            }
        }
        for job in &inst.jobs {
            if !places.contains_key(&job.id) {
                self.rep.add(
                    Rule::LostJob,
                    "job is in no route, not unassigned and not excluded".into(),
                    Some(&job.id),
                    None,
                );
            }
        }
    }

    /// Where each job must (not) be: excluded, locked, unassignable and
    /// technician-specific jobs.
    fn placement(&mut self, plan: &RawPlan) {
        let inst = self.inst;
        let mut excluded_by_job: HashMap<&str, &RawExcluded> = HashMap::new();
        // a later duplicate overwrites (validate.py's reading)
        for x in &plan.excluded {
            excluded_by_job.insert(x.job.as_str(), x);
        }
        let unassigned: HashSet<&str> = plan.unassigned.iter().map(|u| u.job.as_str()).collect();
        for (j, job) in inst.jobs.iter().enumerate() {
            let status = inst.problem.jobs[j].status.as_str();
            let id = job.id.as_str();
            let here = self.in_route.get(&j).cloned();
            if job.class == JobClass::Excluded {
                if here.is_some() || unassigned.contains(id) {
                    self.rep.add(
                        Rule::Excluded,
                        format!(
                            "job has status {status:?} and must be listed in excluded, not planned"
                        ),
                        Some(id),
                        None,
                    );
                }
                if let Some(x) = excluded_by_job.get(id) {
                    if x.status.as_str() != Some(status) {
                        self.rep.add(
                            Rule::Excluded,
                            format!(
                                "{} says status {}, but the job's status is {status:?}",
                                x.path, x.status
                            ),
                            Some(id),
                            None,
                        );
                    }
                }
                continue;
            }
            if excluded_by_job.contains_key(id) {
                self.rep.add(
                    Rule::Excluded,
                    format!(
                        "job has status {status:?}; only hold/done/canceled jobs may be excluded"
                    ),
                    Some(id),
                    None,
                );
            }
            match job.class {
                JobClass::Locked => {
                    let Some((at, astart)) = job.assignment else {
                        continue;
                    };
                    let atid = inst.techs[at].id.as_str();
                    match here {
                        None => self.rep.add(
                            Rule::LockedMoved,
                            format!(
                                "locked job ({}) must stay with {atid} at {}",
                                lock_reasons(inst, j),
                                format_time(astart)
                            ),
                            Some(id),
                            Some(atid),
                        ),
                        Some((tid, _)) if tid != atid => self.rep.add(
                            Rule::LockedMoved,
                            format!(
                                "locked job ({}) moved from {atid} to {tid}",
                                lock_reasons(inst, j)
                            ),
                            Some(id),
                            Some(&tid),
                        ),
                        Some((tid, Some(s))) if (s - astart).abs() > TIME_TOL => self.rep.add(
                            Rule::LockedMoved,
                            format!(
                                "locked job ({}) moved from {} to {}",
                                lock_reasons(inst, j),
                                format_time(astart),
                                format_time(s)
                            ),
                            Some(id),
                            Some(&tid),
                        ),
                        Some(_) => {}
                    }
                }
                JobClass::Unassignable(_) => {
                    if let Some((tid, _)) = here {
                        let mut why = codes(&unmanaged_props(inst, j));
                        if status != "scheduled" {
                            why = format!(
                                "status {status} without an assignment{}{why}",
                                if why.is_empty() { "" } else { ", " }
                            );
                        }
                        self.rep.add(
                            Rule::NotAssignable,
                            format!("the optimizer may not assign this job ({why})"),
                            Some(id),
                            Some(&tid),
                        );
                    }
                }
                JobClass::TechSpecific => {
                    let Some((at, _)) = job.assignment else {
                        continue;
                    };
                    let atid = inst.techs[at].id.as_str();
                    match here {
                        None => self.rep.add(
                            Rule::TechnicianSpecific,
                            format!("technician-specific job must stay with {atid}"),
                            Some(id),
                            Some(atid),
                        ),
                        Some((tid, _)) if tid != atid => self.rep.add(
                            Rule::TechnicianSpecific,
                            format!("technician-specific job moved from {atid} to {tid}"),
                            Some(id),
                            Some(&tid),
                        ),
                        Some(_) => {}
                    }
                }
                JobClass::Managed | JobClass::Excluded => {}
            }
        }
    }

    /// Checks one route of technician `t`; returns its drive by the travel
    /// model (home leg included).
    #[allow(clippy::too_many_lines)]
    fn route(&mut self, t: usize, rt: &RawRoute) -> f64 {
        let inst = self.inst;
        let tech = &inst.techs[t];
        let tid = tech.id.as_str();
        let mut stops: Vec<Stop> = Vec::with_capacity(rt.stops.len());
        let mut loc = tech.start_loc;
        for st in &rt.stops {
            let Some(j) = st.job.as_deref().and_then(|id| inst.job_index(id)) else {
                continue; // unknown job: reported already
            };
            let job = &inst.jobs[j];
            let fixed = match job.class {
                JobClass::Locked | JobClass::Excluded | JobClass::Unassignable(_) => true,
                JobClass::TechSpecific => st
                    .start
                    .is_some_and(|s| build::is_fixed_stop(inst, j, t, s)),
                JobClass::Managed => false,
            };
            if matches!(job.class, JobClass::Managed | JobClass::TechSpecific) {
                self.assigned.push((t, j));
            }
            let leg = inst.drive(loc, job.loc);
            loc = job.loc;
            stops.push(Stop {
                j,
                start: st.start,
                end: st.start.map(|s| s + job.duration),
                claimed_end: st.end,
                drive: st.drive,
                action: st.action,
                fixed,
                leg,
            });
        }

        // drives, in list order
        let mut total: f64 = stops.iter().map(|s| s.leg).sum();
        let mut legs = stops.len();
        for s in &stops {
            if let Some(d) = s.drive {
                if (d - s.leg).abs() > DRIVE_TOL {
                    self.rep.add(
                        Rule::DriveMinutes,
                        format!(
                            "stated drive into the stop {d:.3} min, travel model gives {:.3}",
                            s.leg
                        ),
                        Some(self.job_id(s.j)),
                        Some(tid),
                    );
                }
            }
        }
        if inst.return_home && !stops.is_empty() {
            total += inst.drive(loc, tech.home);
            legs += 1;
        }
        if let Some(d) = rt.drive {
            #[allow(clippy::cast_precision_loss)]
            let tol = DRIVE_TOL * legs.max(1) as f64;
            if (d - total).abs() > tol {
                self.rep.add(
                    Rule::RouteDrive,
                    format!(
                        "route drive_minutes {d:.3}, travel model gives {total:.3}{}",
                        if inst.return_home {
                            " (including the drive home)"
                        } else {
                            ""
                        }
                    ),
                    None,
                    Some(tid),
                );
            }
        }

        // end, order, action
        for (k, s) in stops.iter().enumerate() {
            let (Some(start), Some(end)) = (s.start, s.end) else {
                continue;
            };
            let id = self.job_id(s.j);
            if let Some(ce) = s.claimed_end {
                if (ce - end).abs() > TIME_TOL {
                    self.rep.add(
                        Rule::StopEnd,
                        format!(
                            "end {} but start + duration is {}",
                            format_time(ce),
                            format_time(end)
                        ),
                        Some(id),
                        Some(tid),
                    );
                }
            }
            if let Some(prev) = k.checked_sub(1).map(|p| &stops[p]) {
                if let Some(ps) = prev.start {
                    if start < ps - TIME_TOL {
                        self.rep.add(
                            Rule::StopOrder,
                            format!(
                                "stop starts at {}, before the previous stop ({} at {})",
                                format_time(start),
                                self.job_id(prev.j),
                                format_time(ps)
                            ),
                            Some(id),
                            Some(tid),
                        );
                    }
                }
            }
            let expected = build::action(inst, s.j, t, start);
            if let Some(a) = s.action {
                if a != expected {
                    self.rep.add(
                        Rule::Action,
                        format!("action {:?}, expected {:?}", a.as_str(), expected.as_str()),
                        Some(id),
                        Some(tid),
                    );
                }
            }
        }

        self.overlaps(tech, &stops);

        // hard rules on the optimizer's stops
        for (k, s) in stops.iter().enumerate() {
            let (Some(start), Some(end)) = (s.start, s.end) else {
                continue;
            };
            let prev = k.checked_sub(1).map(|p| &stops[p]);
            if s.fixed {
                // rule 3 around a locked stop: an optimizer stop before it
                // must leave time to drive to it
                if let Some(p) = prev.filter(|p| !p.fixed) {
                    if let Some(pe) = p.end {
                        if let Err(m) = Arrival::check(self.job_id(p.j), pe, s.leg, start) {
                            self.rep.add(
                                Rule::Travel,
                                format!(
                                    "cannot reach locked job {} in time: {m}",
                                    self.job_id(s.j)
                                ),
                                Some(self.job_id(p.j)),
                                Some(tid),
                            );
                        }
                    }
                }
                continue;
            }
            self.hard_rules(t, &stops, k, start, end, prev);
        }
        total
    }

    /// Rules 1-7 on the optimizer's stop `stops[k]`.
    fn hard_rules(
        &mut self,
        t: usize,
        stops: &[Stop],
        k: usize,
        start: f64,
        end: f64,
        prev: Option<&Stop>,
    ) {
        let inst = self.inst;
        let tech = &inst.techs[t];
        let tid = tech.id.as_str();
        let s = &stops[k];
        let j = s.j;
        let id = inst.jobs[j].id.as_str();
        let mut found: Vec<(Rule, String)> = Vec::new();
        // rule 1
        if let Err(m) = StartWindow::check(inst, j, start) {
            found.push((Rule::StartWindow, m));
        }
        if let Err(m) = BeforeNow::check(inst, start) {
            found.push((Rule::BeforeNow, m));
        }
        // rule 2
        let shifts = InsideShift::containing(tech, start, end);
        if let Err(m) = InsideShift::check(tech, start, end) {
            found.push((Rule::OutsideShift, m));
        }
        found.extend(NoBlockedTime::violations(tech, start, end));
        // rule 3
        match prev {
            None => {
                if let Some(shift_start) = shifts.iter().map(|s| s.0).reduce(f64::min) {
                    let depart = Arrival::first_departure(inst, tech, shift_start);
                    if let Err(m) = Arrival::check(&start_place(inst, tech), depart, s.leg, start) {
                        found.push((Rule::Travel, m));
                    }
                }
            }
            Some(p) => {
                if let Some(pe) = p.end {
                    if let Err(m) = Arrival::check(&inst.jobs[p.j].id, pe, s.leg, start) {
                        found.push((Rule::Travel, m));
                    }
                }
            }
        }
        // rule 4
        if let Err(m) = MaxDrive::check(inst, s.leg) {
            found.push((Rule::MaxDrive, m));
        }
        // rule 5: a technician-specific job's technician is the
        // dispatcher's choice; only its start moved
        let pj = &inst.problem.jobs[j];
        let ts_own =
            pj.technician_specific && pj.assignment.as_ref().is_some_and(|a| a.technician == tid);
        if !ts_own {
            let missing = Skills::missing(inst, j, t);
            if !missing.is_empty() {
                found.push((
                    Rule::Skills,
                    format!("technician lacks skill(s) {}", missing.join(", ")),
                ));
            }
            if !Zone::fits(inst, j, t) {
                found.push((
                    Rule::Zone,
                    format!(
                        "job is in zone {:?}; technician serves only {}",
                        pj.zone.as_deref().unwrap_or(""),
                        inst.problem.technicians[t]
                            .zones
                            .as_ref()
                            .map_or_else(String::new, |z| z.join(", "))
                    ),
                ));
            }
        }
        // rule 6, the technician's side (the job's side is placement)
        if !tech.managed {
            found.push((
                Rule::UnmanagedTechnician,
                "technician is not managed (dispatch_pro false): the optimizer may give them no work"
                    .into(),
            ));
        }
        // rule 7
        if inst.return_home && k + 1 == stops.len() {
            if let Some(shift_end) = shifts.iter().map(|s| s.1).reduce(f64::max) {
                if let Err(m) =
                    ReturnHome::check(end, inst.drive(inst.jobs[j].loc, tech.home), shift_end)
                {
                    found.push((Rule::ReturnHome, m));
                }
            }
        }
        for (rule, m) in found {
            self.rep.add(rule, m, Some(id), Some(tid));
        }
    }

    /// Rule 2, no overlap between stops: an optimizer stop may overlap
    /// nothing; two fixed stops may, with a `double_booking` alert on each.
    fn overlaps(&mut self, tech: &TechInfo, stops: &[Stop]) {
        let tid = tech.id.as_str();
        let timed: Vec<(&Stop, f64, f64)> = stops
            .iter()
            .filter_map(|s| Some((s, s.start?, s.end?)))
            .collect();
        for (x, &(a, a0, a1)) in timed.iter().enumerate() {
            for &(b, b0, b1) in &timed[x + 1..] {
                if !overlaps(a0, a1, b0, b1) {
                    continue;
                }
                if !a.fixed || !b.fixed {
                    let (who, w0, w1, other, o0, o1) = if a.fixed {
                        (b, b0, b1, a, a0, a1)
                    } else {
                        (a, a0, a1, b, b0, b1)
                    };
                    self.rep.add(
                        Rule::Overlap,
                        format!(
                            "{}–{} overlaps {} ({}–{})",
                            clock(w0),
                            clock(w1),
                            self.job_id(other.j),
                            clock(o0),
                            clock(o1)
                        ),
                        Some(self.job_id(who.j)),
                        Some(tid),
                    );
                } else {
                    for (u, v) in [(a, b), (b, a)] {
                        if !self.double_booking.contains(self.job_id(u.j)) {
                            self.rep.add(
                                Rule::Overlap,
                                format!(
                                    "locked/technician-specific job overlaps {} and the plan carries \
                                     no double_booking alert for it",
                                    self.job_id(v.j)
                                ),
                                Some(self.job_id(u.j)),
                                Some(tid),
                            );
                        }
                    }
                }
            }
        }
    }

    fn reasons(&mut self, unassigned: &[RawUnassigned]) {
        for u in unassigned {
            let Some(reason) = u.reason.as_deref() else {
                continue;
            };
            let Some(code) = ReasonCode::parse(reason) else {
                let all: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).collect();
                self.rep.add(
                    Rule::ReasonCode,
                    format!(
                        "unknown reason code {reason:?} (allowed: {})",
                        all.join(", ")
                    ),
                    Some(&u.job),
                    None,
                );
                continue;
            };
            if let Some(j) = self.inst.job_index(&u.job) {
                if let Err(m) = plausible(self.inst, j, code) {
                    self.rep.add(
                        Rule::ReasonImplausible,
                        format!("reason {reason:?}: {m}"),
                        Some(&u.job),
                        None,
                    );
                }
            }
        }
    }

    fn metrics(&mut self, plan: &RawPlan, total_drive: f64, obj: &Map<String, Value>) {
        let inst = self.inst;
        let mut m = RecomputedMetrics::default();
        let mut seen = HashSet::new();
        for &(t, j) in &self.assigned {
            if !seen.insert(j) {
                continue;
            }
            let job = &inst.jobs[j];
            let v = job.value * inst.techs[t].conversion[job.type_idx];
            m.value += v;
            m.weighted_value += v * job.weight;
            if job.preferred == Some(t) {
                m.preferred += 1;
            }
        }
        m.assigned = seen.len();
        m.unassigned = plan
            .unassigned
            .iter()
            .filter_map(|u| inst.job_index(&u.job))
            .collect::<HashSet<_>>()
            .len();
        m.drive_minutes = total_drive;
        #[allow(clippy::cast_precision_loss)]
        let bonus = inst.preferred_bonus * m.preferred as f64;
        m.objective = m.weighted_value - inst.drive_cost * total_drive + bonus;
        if let Some(claimed) = &plan.metrics {
            for key in METRIC_KEYS {
                let Some(c) = num(claimed.get(key)) else {
                    continue;
                };
                let actual = m.get(key);
                if !close(c, actual) {
                    let mut detail = format!("claimed {key} = {c}, recomputed {actual:.6}");
                    #[allow(clippy::cast_precision_loss)]
                    let n_stops = self.in_route.len() as f64;
                    if key == "assigned" && c == n_stops {
                        detail.push_str(
                            " (the claim counts locked stops too; assigned counts the stops \
                             that are not locked)",
                        );
                    }
                    if key == "objective"
                        && m.preferred > 0
                        && bonus != 0.0
                        && close(c, actual - bonus)
                    {
                        detail.push_str(&format!(
                            " (the claim leaves out preferred_technician_bonus x {} jobs given \
                             to their preferred technician)",
                            m.preferred
                        ));
                    }
                    self.rep.add(Rule::Metrics, detail, None, None);
                }
            }
        }
        if let Some(Value::Object(solver)) = obj.get("solver") {
            if let Some(b) = num(solver.get("bound")) {
                if m.objective > b + REL_TOL * b.abs() + ABS_TOL {
                    self.rep.add(
                        Rule::Bound,
                        format!(
                            "objective {:.4} exceeds the claimed upper bound {b:.4}",
                            m.objective
                        ),
                        None,
                        None,
                    );
                }
            }
        }
        self.rep.metrics = m;
    }
}

fn start_place(inst: &Instance, tech: &TechInfo) -> String {
    if tech.start_loc == tech.home {
        "home".into()
    } else {
        let j = tech.start_loc - inst.techs.len();
        format!("the position at {}", inst.jobs[j].id)
    }
}

/// Could `code` be why job `j` is unassigned? Only what the problem alone
/// decides is checked: a code that contradicts the job or the
/// technicians' skills and zones is implausible; `capacity` and
/// `availability` depend on the day and are accepted.
///
/// # Errors
/// A sentence saying why the code does not fit.
pub fn plausible(inst: &Instance, j: usize, code: ReasonCode) -> Result<(), String> {
    let pj = &inst.problem.jobs[j];
    let props = unmanaged_props(inst, j);
    if !props.is_empty()
        && matches!(inst.jobs[j].class, JobClass::Unassignable(_))
        && !props.contains(&code)
    {
        return Err(format!(
            "the job is never the optimizer's ({}); the reason must say so",
            codes(&props)
        ));
    }
    match code {
        ReasonCode::Skills | ReasonCode::Zone => {
            let crate::explain::QualifiedSets { s_set, z_set, .. } =
                crate::explain::qualified_sets(inst, j);
            let zone = pj.zone.as_deref();
            if let Some(&t) = s_set.iter().find(|&&t| Zone::fits(inst, j, t)) {
                return Err(format!(
                    "managed technician {} has the job's skills{}",
                    inst.techs[t].id,
                    zone.map_or_else(String::new, |z| format!(" and serves its zone {z:?}"))
                ));
            }
            if code == ReasonCode::Skills {
                if !s_set.is_empty() && z_set.is_empty() {
                    return Err(format!(
                        "managed technician {} has every skill the job needs; no managed \
                         technician serves its zone {:?}: reason 'zone'",
                        inst.techs[s_set[0]].id,
                        zone.unwrap_or("")
                    ));
                }
                if pj.skills.is_empty() {
                    return Err("the job needs no skill".into());
                }
            } else {
                if zone.is_none() {
                    return Err("the job has no zone".into());
                }
                if !z_set.is_empty() && s_set.is_empty() {
                    return Err(format!(
                        "managed technician {} serves zone {:?}; no managed technician has the \
                         skills ({}): reason 'skills'",
                        inst.techs[z_set[0]].id,
                        zone.unwrap_or(""),
                        pj.skills.join(", ")
                    ));
                }
            }
        }
        ReasonCode::MultiTechnician if pj.technicians_required <= 1 => {
            return Err("the job needs only one technician".into());
        }
        ReasonCode::MultiDay if !pj.multi_day => return Err("the job is not multi-day".into()),
        ReasonCode::DispatchProOff if !props.contains(&ReasonCode::DispatchProOff) => {
            return Err(format!(
                "the job's Dispatch Pro toggle is on and its type {:?} is enabled",
                pj.job_type
            ));
        }
        ReasonCode::WindowPassed if !StartWindow::passed(inst, j) => {
            let (_, we) = inst.jobs[j].window;
            return Err(format!(
                "the start window ends at {}, not before now ({})",
                format_time(we),
                format_time(inst.now)
            ));
        }
        ReasonCode::DriveTime if inst.max_drive.is_none() => {
            return Err("the problem sets no max_drive_minutes".into());
        }
        _ => {}
    }
    Ok(())
}
