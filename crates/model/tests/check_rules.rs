//! One hand-checkable scenario per rule the checker enforces: a tiny day
//! (two technicians, three jobs, a travel matrix of round numbers), a plan
//! that breaks exactly that rule (plus the named rules that necessarily
//! break with it), and a corrected plan that is valid. A last test checks
//! that every [`Rule`] has its scenario and that validate.py reads every
//! scenario the same way.
//!
//! The day (times on 2026-11-26, now 07:30):
//!
//! | loc | what | drives |
//! |---|---|---|
//! | 0 | T1 home: hvac, zone north, 08–17, lunch 12:00–12:30 | 10 to everything |
//! | 1 | T2 home: plumbing, zone south, 08–17 | 10 to everything |
//! | 2 | J1 repair 60 min, 08–10, 500, hvac | J1↔J2 20 |
//! | 3 | J2 repair 60 min, 09–13, 300, zone north | |
//! | 4 | J3 maintenance 30 min, 10–16, 200, plumbing | |
//!
//! The valid plan: T1 does J1 08:10–09:10 (drive 10) and J2 09:30–10:30
//! (drive 20), home by 10:40 (route 40); T2 does J3 10:00–10:30 (route 20).
//! Metrics: 3 assigned, value 1000, drive 60, objective 940.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use autodispatch_model::check::check;
use autodispatch_model::load::problem_from_value;
use autodispatch_model::rules::Rule;
use autodispatch_model::time::{format_time, parse_time};
use serde_json::{json, Value};

const DAY: &str = "2026-11-26T";

fn at(hhmm: &str) -> String {
    format!("{DAY}{hhmm}")
}

fn base_problem() -> Value {
    let mut m = vec![vec![10.0; 5]; 5];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 0.0;
    }
    m[2][3] = 20.0;
    m[3][2] = 20.0;
    json!({
        "schema": "dispatch-problem/1",
        "name": "tiny",
        "now": at("07:30"),
        "business_hours": {"start": at("08:00"), "end": at("18:00")},
        "travel": {"model": "matrix", "minutes": m},
        "technicians": [
            {"id": "T1", "skills": ["hvac"], "zones": ["north"],
             "shifts": [{"start": at("08:00"), "end": at("17:00"), "kind": "regular"}],
             "events": [{"id": "L1", "start": at("12:00"), "end": at("12:30"), "timesheet_code": "LUNCH"}]},
            {"id": "T2", "skills": ["plumbing"], "zones": ["south"],
             "shifts": [{"start": at("08:00"), "end": at("17:00"), "kind": "regular"}]}
        ],
        "jobs": [
            {"id": "J1", "job_type": "repair", "arrival_window": {"start": at("08:00"), "end": at("10:00")},
             "duration_minutes": 60, "value": 500, "skills": ["hvac"], "status": "scheduled"},
            {"id": "J2", "job_type": "repair", "arrival_window": {"start": at("09:00"), "end": at("13:00")},
             "duration_minutes": 60, "value": 300, "zone": "north", "status": "scheduled"},
            {"id": "J3", "job_type": "maintenance", "arrival_window": {"start": at("10:00"), "end": at("16:00")},
             "duration_minutes": 30, "value": 200, "skills": ["plumbing"], "status": "scheduled"}
        ]
    })
}

fn stop(job: &str, start: &str, action: &str, drive: f64) -> Value {
    let p = base_problem();
    let dur = p["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == job)
        .map_or(60.0, |j| j["duration_minutes"].as_f64().unwrap());
    let s = parse_time(&at(start)).unwrap();
    json!({"job": job, "start": format_time(s), "end": format_time(s + dur),
           "drive_minutes": drive, "action": action})
}

fn base_plan() -> Value {
    json!({
        "schema": "dispatch-plan/1",
        "problem": "tiny",
        "solver": {"name": "by-hand", "status": "feasible", "seconds": 0.0},
        "routes": [
            {"technician": "T1", "drive_minutes": 40.0,
             "stops": [stop("J1", "08:10", "assigned", 10.0), stop("J2", "09:30", "assigned", 20.0)]},
            {"technician": "T2", "drive_minutes": 20.0,
             "stops": [stop("J3", "10:00", "assigned", 10.0)]}
        ],
        "unassigned": [],
        "excluded": [],
        "alerts": [],
        "metrics": {"assigned": 3, "unassigned": 0, "value": 1000.0, "weighted_value": 1000.0,
                    "drive_minutes": 60.0, "objective": 940.0}
    })
}

/// Restates drives and metrics for the tiny day (no tags, conversions or
/// bonus; drive cost 1), so a scenario breaks only the rule it is about.
fn fill(problem: &Value, plan: &mut Value) {
    let techs = problem["technicians"].as_array().unwrap();
    let jobs = problem["jobs"].as_array().unwrap();
    let m = &problem["travel"]["minutes"];
    let loc_of = |id: &Value| {
        jobs.iter()
            .position(|j| j["id"] == *id)
            .map(|i| techs.len() + i)
    };
    let return_home = problem["settings"]["return_home"].as_bool().unwrap_or(true);
    let mut total = 0.0;
    let mut assigned = BTreeSet::new();
    let mut value = 0.0;
    for rt in plan["routes"].as_array_mut().unwrap() {
        let Some(t) = techs.iter().position(|t| t["id"] == rt["technician"]) else {
            continue;
        };
        let mut loc = techs[t]["position"]["job"]
            .as_str()
            .and_then(|id| loc_of(&json!(id)))
            .unwrap_or(t);
        let mut drive = 0.0;
        let stops = rt["stops"].as_array_mut().unwrap();
        for st in stops.iter_mut() {
            let Some(to) = loc_of(&st["job"]) else {
                continue;
            };
            let leg = m[loc][to].as_f64().unwrap();
            st["drive_minutes"] = json!(leg);
            drive += leg;
            loc = to;
            if st["action"] != "locked" && assigned.insert(st["job"].as_str().unwrap().to_string())
            {
                value += jobs[to - techs.len()]["value"].as_f64().unwrap();
            }
        }
        if return_home && !stops.is_empty() {
            drive += m[loc][t].as_f64().unwrap();
        }
        rt["drive_minutes"] = json!(drive);
        total += drive;
    }
    let unassigned = plan["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| loc_of(&u["job"]).is_some())
        .map(|u| u["job"].as_str().unwrap().to_string())
        .collect::<BTreeSet<_>>()
        .len();
    plan["metrics"] = json!({"assigned": assigned.len(), "unassigned": unassigned, "value": value,
        "weighted_value": value, "drive_minutes": total, "objective": value - total});
}

/// A scenario: the day, a plan breaking `rule` (and exactly `also` with
/// it), and a corrected plan that is valid.
struct Case {
    rule: Rule,
    also: Vec<Rule>,
    problem: Value,
    broken: Value,
    fixed: Value,
}

impl Case {
    fn new(rule: Rule, problem: Value, broken: Value, fixed: Value) -> Self {
        Self {
            rule,
            also: Vec::new(),
            problem,
            broken,
            fixed,
        }
    }

    fn with(mut self, also: &[Rule]) -> Self {
        self.also = also.to_vec();
        self
    }

    fn expected(&self) -> BTreeSet<Rule> {
        let mut s: BTreeSet<Rule> = self.also.iter().copied().collect();
        s.insert(self.rule);
        s
    }

    fn run(&self) {
        let p = problem_from_value(&self.problem).expect("the scenario's day loads");
        let rep = check(&p, &self.broken);
        assert_eq!(
            rep.rules(),
            self.expected(),
            "broken plan for {}:\n{rep}",
            self.rule
        );
        assert!(
            rep.violations.iter().any(|v| v.rule == self.rule),
            "{} not named",
            self.rule
        );
        let rep = check(&p, &self.fixed);
        assert!(rep.is_valid(), "corrected plan for {}:\n{rep}", self.rule);
    }
}

/// The base plan with T1's stops replaced, filled.
fn t1_stops(problem: &Value, stops: &[Value]) -> Value {
    let mut plan = base_plan();
    plan["routes"][0]["stops"] = json!(stops);
    fill(problem, &mut plan);
    plan
}

fn set(v: &mut Value, path: &[&str], x: Value) {
    let mut cur = v;
    for k in path {
        cur = match k.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => &mut cur[*k],
        };
    }
    *cur = x;
}

// ---------------------------------------------------------------- scenarios

fn start_window() -> Case {
    let p = base_problem();
    // J2's window ends 13:00
    let broken = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "13:30", "assigned", 0.0),
        ],
    );
    Case::new(Rule::StartWindow, p, broken, base_plan())
}

fn before_now() -> Case {
    let mut p = base_problem();
    set(&mut p, &["now"], json!(at("09:00")));
    // J1 at 08:10 starts before now, so it also leaves home too early
    let broken = base_plan();
    let fixed = t1_stops(
        &p,
        &[
            stop("J1", "09:10", "assigned", 0.0),
            stop("J2", "10:30", "assigned", 0.0),
        ],
    );
    Case::new(Rule::BeforeNow, p, broken, fixed).with(&[Rule::Travel])
}

fn outside_shift() -> Case {
    let mut p = base_problem();
    set(
        &mut p,
        &["technicians", "0", "shifts", "0", "end"],
        json!(at("10:00")),
    );
    let broken = base_plan(); // J2 09:30-10:30 runs past 10:00
    let mut fixed = t1_stops(&p, &[stop("J1", "08:10", "assigned", 0.0)]);
    fixed["unassigned"] = json!([{"job": "J2", "reason": "availability", "detail": "T1 is off"}]);
    fill(&p, &mut fixed);
    Case::new(Rule::OutsideShift, p, broken, fixed)
}

fn time_off() -> Case {
    let mut p = base_problem();
    p["technicians"][0]["shifts"]
        .as_array_mut()
        .unwrap()
        .push(json!({"start": at("10:00"), "end": at("11:00"), "kind": "time_off"}));
    let broken = base_plan(); // J2 09:30-10:30
    let fixed = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "11:00", "assigned", 0.0),
        ],
    );
    Case::new(Rule::TimeOff, p, broken, fixed)
}

fn on_call_is_time_off_too() -> Case {
    let mut p = base_problem();
    p["technicians"][1]["shifts"]
        .as_array_mut()
        .unwrap()
        .push(json!({"start": at("09:00"), "end": at("10:15"), "kind": "on_call"}));
    let broken = base_plan(); // J3 10:00-10:30 for T2
    let mut fixed = base_plan();
    fixed["routes"][1]["stops"] = json!([stop("J3", "10:15", "assigned", 10.0)]);
    Case::new(Rule::TimeOff, p, broken, fixed)
}

fn event_overlap() -> Case {
    let p = base_problem();
    // 11:45-12:45 overlaps lunch 12:00-12:30
    let broken = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "11:45", "assigned", 0.0),
        ],
    );
    let fixed = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "12:30", "assigned", 0.0),
        ],
    );
    Case::new(Rule::EventOverlap, p, broken, fixed)
}

fn overlap() -> Case {
    let p = base_problem();
    // J2 09:00 overlaps J1 08:10-09:10 (and there is no time to drive)
    let broken = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "09:00", "assigned", 0.0),
        ],
    );
    Case::new(Rule::Overlap, p, broken, base_plan()).with(&[Rule::Travel])
}

fn overlap_of_locked_jobs_needs_double_booking_alerts() -> Case {
    let mut p = base_problem();
    // J1 and J2 both dispatched to T1 and overlapping: fixed blocks
    set(&mut p, &["jobs", "0", "status"], json!("dispatched"));
    set(
        &mut p,
        &["jobs", "0", "assignment"],
        json!({"technician": "T1", "start": at("09:00")}),
    );
    set(&mut p, &["jobs", "1", "status"], json!("dispatched"));
    set(
        &mut p,
        &["jobs", "1", "assignment"],
        json!({"technician": "T1", "start": at("09:30")}),
    );
    let broken = t1_stops(
        &p,
        &[
            stop("J1", "09:00", "locked", 0.0),
            stop("J2", "09:30", "locked", 0.0),
        ],
    );
    let mut fixed = broken.clone();
    fixed["alerts"] = json!([
        {"job": "J1", "kind": "double_booking", "detail": "overlaps J2"},
        {"job": "J2", "kind": "double_booking", "detail": "overlaps J1"}
    ]);
    Case::new(Rule::Overlap, p, broken, fixed)
}

fn travel() -> Case {
    let p = base_problem();
    // J1 ends 09:10, 20 minutes to J2: 09:25 is too early
    let broken = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "09:25", "assigned", 0.0),
        ],
    );
    Case::new(Rule::Travel, p, broken, base_plan())
}

fn travel_from_home_at_shift_start() -> Case {
    let p = base_problem();
    // leaves home at 08:00, 10 minutes to J1
    let broken = t1_stops(
        &p,
        &[
            stop("J1", "08:05", "assigned", 0.0),
            stop("J2", "09:30", "assigned", 0.0),
        ],
    );
    Case::new(Rule::Travel, p, broken, base_plan())
}

fn travel_from_position_and_free_from() -> Case {
    let mut p = base_problem();
    // T1 is at J3's place, free from 08:30: J1 no earlier than 08:40
    set(
        &mut p,
        &["technicians", "0", "position"],
        json!({"job": "J3", "free_from": at("08:30")}),
    );
    let broken = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "09:30", "assigned", 0.0),
        ],
    );
    let fixed = t1_stops(
        &p,
        &[
            stop("J1", "08:40", "assigned", 0.0),
            stop("J2", "10:00", "assigned", 0.0),
        ],
    );
    Case::new(Rule::Travel, p, broken, fixed)
}

fn travel_before_a_locked_stop() -> Case {
    let mut p = base_problem();
    // J3 dispatched to T2 at 10:30; J2 (no skill needed, but zone north:
    // give T2 every zone) placed before it must leave 10 minutes to drive
    set(&mut p, &["jobs", "2", "status"], json!("dispatched"));
    set(
        &mut p,
        &["jobs", "2", "assignment"],
        json!({"technician": "T2", "start": at("10:30")}),
    );
    set(&mut p, &["technicians", "1", "zones"], Value::Null);
    let mut broken = base_plan();
    broken["routes"][0]["stops"] = json!([stop("J1", "08:10", "assigned", 0.0)]);
    broken["routes"][1]["stops"] = json!([
        stop("J2", "09:25", "assigned", 0.0),
        stop("J3", "10:30", "locked", 0.0)
    ]);
    fill(&p, &mut broken);
    // J2 ends 10:25, 10 minutes from J3 at 10:30
    let mut fixed = broken.clone();
    fixed["routes"][1]["stops"] = json!([
        stop("J2", "09:20", "assigned", 0.0),
        stop("J3", "10:30", "locked", 0.0)
    ]);
    fill(&p, &mut fixed);
    Case::new(Rule::Travel, p, broken, fixed)
}

fn max_drive() -> Case {
    let mut p = base_problem();
    set(&mut p, &["settings"], json!({"max_drive_minutes": 15}));
    let broken = base_plan(); // J1 -> J2 is 20 minutes
    let mut q = p.clone();
    set(&mut q, &["settings"], json!({"max_drive_minutes": 20}));
    let rep = check(&problem_from_value(&q).unwrap(), &broken);
    assert!(
        rep.is_valid(),
        "20 minutes is allowed by a 20-minute limit:\n{rep}"
    );
    let mut fixed = t1_stops(&p, &[stop("J1", "08:10", "assigned", 0.0)]);
    fixed["unassigned"] = json!([{"job": "J2", "reason": "drive_time", "detail": "too far"}]);
    fill(&p, &mut fixed);
    Case::new(Rule::MaxDrive, p, broken, fixed)
}

fn skills() -> Case {
    let p = base_problem();
    // J3 needs plumbing; T1 has only hvac
    let mut broken = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "09:30", "assigned", 0.0),
            stop("J3", "10:40", "assigned", 0.0),
        ],
    );
    broken["routes"][1]["stops"] = json!([]);
    fill(&p, &mut broken);
    Case::new(Rule::Skills, p, broken, base_plan())
}

fn zone() -> Case {
    let p = base_problem();
    // J2 is in zone north; T2 serves only south
    let mut broken = t1_stops(&p, &[stop("J1", "08:10", "assigned", 0.0)]);
    broken["routes"][1]["stops"] = json!([
        stop("J2", "09:00", "assigned", 0.0),
        stop("J3", "10:10", "assigned", 0.0)
    ]);
    fill(&p, &mut broken);
    Case::new(Rule::Zone, p, broken, base_plan())
}

fn unmanaged_technician() -> Case {
    let mut p = base_problem();
    set(&mut p, &["technicians", "1", "dispatch_pro"], json!(false));
    let broken = base_plan(); // T2 given J3
    let mut fixed = base_plan();
    fixed["routes"][1]["stops"] = json!([]);
    fixed["unassigned"] =
        json!([{"job": "J3", "reason": "skills", "detail": "no managed plumber"}]);
    fill(&p, &mut fixed);
    Case::new(Rule::UnmanagedTechnician, p, broken, fixed)
}

fn not_assignable() -> Case {
    let mut p = base_problem();
    set(&mut p, &["jobs", "2", "technicians_required"], json!(2));
    let mut broken = base_plan();
    broken["routes"][1]["stops"][0]["action"] = json!("locked");
    fill(&p, &mut broken);
    let mut fixed = base_plan();
    fixed["routes"][1]["stops"] = json!([]);
    fixed["unassigned"] = json!([{"job": "J3", "reason": "multi_technician", "detail": "needs 2"}]);
    fill(&p, &mut fixed);
    Case::new(Rule::NotAssignable, p, broken, fixed)
}

fn technician_specific() -> Case {
    let mut p = base_problem();
    set(&mut p, &["jobs", "2", "technician_specific"], json!(true));
    set(&mut p, &["jobs", "2", "skills"], json!([]));
    set(
        &mut p,
        &["jobs", "2", "assignment"],
        json!({"technician": "T2", "start": at("10:00")}),
    );
    let mut broken = t1_stops(
        &p,
        &[
            stop("J1", "08:10", "assigned", 0.0),
            stop("J2", "09:30", "assigned", 0.0),
            stop("J3", "10:40", "reassigned", 0.0),
        ],
    );
    broken["routes"][1]["stops"] = json!([]);
    fill(&p, &mut broken);
    // kept at its start; or moved within its window by its own technician
    let mut kept = base_plan();
    kept["routes"][1]["stops"][0]["action"] = json!("kept");
    let rep = check(&problem_from_value(&p).unwrap(), &kept);
    assert!(rep.is_valid(), "kept technician-specific job:\n{rep}");
    let mut fixed = base_plan();
    fixed["routes"][1]["stops"] = json!([stop("J3", "11:00", "rescheduled", 10.0)]);
    Case::new(Rule::TechnicianSpecific, p, broken, fixed)
}

fn technician_specific_job_skips_rule_5_for_its_technician() -> Case {
    // T2 lacks hvac but J1 is technician-specific to T2: moving its start
    // is fine; giving it to T1 is not
    let mut p = base_problem();
    set(&mut p, &["jobs", "0", "technician_specific"], json!(true));
    set(
        &mut p,
        &["jobs", "0", "assignment"],
        json!({"technician": "T2", "start": at("08:10")}),
    );
    let mut fixed = base_plan();
    fixed["routes"][0]["stops"] = json!([stop("J2", "09:00", "assigned", 0.0)]);
    fixed["routes"][1]["stops"] = json!([
        stop("J1", "08:20", "rescheduled", 0.0),
        stop("J3", "10:00", "assigned", 0.0)
    ]);
    fill(&p, &mut fixed);
    let mut broken = base_plan(); // J1 with T1
    broken["routes"][0]["stops"][0]["action"] = json!("reassigned");
    broken["routes"][1]["stops"] = json!([stop("J3", "10:00", "assigned", 10.0)]);
    Case::new(Rule::TechnicianSpecific, p, broken, fixed)
}

fn return_home() -> Case {
    let mut p = base_problem();
    // J2 ends 10:30, home 10:40, but the shift ends 10:35
    set(
        &mut p,
        &["technicians", "0", "shifts", "0", "end"],
        json!(at("10:35")),
    );
    let broken = base_plan();
    let mut q = p.clone();
    set(
        &mut q,
        &["technicians", "0", "shifts", "0", "end"],
        json!(at("10:40")),
    );
    let rep = check(&problem_from_value(&q).unwrap(), &broken);
    assert!(
        rep.is_valid(),
        "home exactly at the shift's end is in time:\n{rep}"
    );
    let mut no_home = p.clone();
    set(&mut no_home, &["settings"], json!({"return_home": false}));
    let mut plan = base_plan();
    fill(&no_home, &mut plan);
    let rep = check(&problem_from_value(&no_home).unwrap(), &plan);
    assert!(
        rep.is_valid(),
        "without return_home the drive home does not count:\n{rep}"
    );
    let mut fixed = t1_stops(&p, &[stop("J1", "08:10", "assigned", 0.0)]);
    fixed["unassigned"] = json!([{"job": "J2", "reason": "capacity", "detail": "no time"}]);
    fill(&p, &mut fixed);
    Case::new(Rule::ReturnHome, p, broken, fixed)
}

fn locked_moved() -> Case {
    let mut p = base_problem();
    set(&mut p, &["jobs", "2", "status"], json!("dispatched"));
    set(
        &mut p,
        &["jobs", "2", "assignment"],
        json!({"technician": "T2", "start": at("10:00")}),
    );
    let mut broken = base_plan();
    broken["routes"][1]["stops"] = json!([stop("J3", "10:30", "locked", 10.0)]);
    fill(&p, &mut broken);
    let mut fixed = base_plan();
    fixed["routes"][1]["stops"][0]["action"] = json!("locked");
    fill(&p, &mut fixed);
    Case::new(Rule::LockedMoved, p, broken, fixed)
}

fn autolocked_job_stays() -> Case {
    // an assigned scheduled job starting before now + 60 is locked
    let mut p = base_problem();
    set(
        &mut p,
        &["settings"],
        json!({"lock_before_start_minutes": 60}),
    );
    set(
        &mut p,
        &["jobs", "0", "assignment"],
        json!({"technician": "T1", "start": at("08:20")}),
    );
    let mut broken = base_plan(); // J1 at 08:10, "assigned"
    broken["routes"][0]["stops"][0]["action"] = json!("locked");
    fill(&p, &mut broken);
    let fixed = t1_stops(
        &p,
        &[
            stop("J1", "08:20", "locked", 0.0),
            stop("J2", "09:40", "assigned", 0.0),
        ],
    );
    Case::new(Rule::LockedMoved, p, broken, fixed)
}

fn lost_job() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"][1]["stops"] = json!([]);
    fill(&p, &mut broken);
    Case::new(Rule::LostJob, p, broken, base_plan())
}

fn duplicate_job() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["unassigned"] = json!([{"job": "J3", "reason": "capacity", "detail": "twice"}]);
    fill(&p, &mut broken);
    Case::new(Rule::DuplicateJob, p, broken, base_plan())
}

fn unknown_job() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["unassigned"] = json!([{"job": "J99", "reason": "capacity", "detail": "who?"}]);
    Case::new(Rule::UnknownJob, p, broken, base_plan())
}

fn unknown_technician() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"technician": "T9", "drive_minutes": 0.0, "stops": []}));
    Case::new(Rule::UnknownTechnician, p, broken, base_plan())
}

fn duplicate_route() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"technician": "T2", "drive_minutes": 0.0, "stops": []}));
    Case::new(Rule::DuplicateRoute, p, broken, base_plan())
}

fn excluded() -> Case {
    let mut p = base_problem();
    set(&mut p, &["jobs", "2", "status"], json!("canceled"));
    // planned although canceled (as a locked block: its action is right)
    let mut broken = base_plan();
    broken["routes"][1]["stops"][0]["action"] = json!("locked");
    fill(&p, &mut broken);
    let mut fixed = base_plan();
    fixed["routes"][1]["stops"] = json!([]);
    fixed["excluded"] = json!([{"job": "J3", "status": "canceled"}]);
    fill(&p, &mut fixed);
    let mut wrong_status = fixed.clone();
    wrong_status["excluded"][0]["status"] = json!("done");
    let rep = check(&problem_from_value(&p).unwrap(), &wrong_status);
    assert_eq!(rep.rules(), BTreeSet::from([Rule::Excluded]), "{rep}");
    Case::new(Rule::Excluded, p, broken, fixed)
}

fn action() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"][0]["stops"][0]["action"] = json!("kept"); // J1 had no assignment
    Case::new(Rule::Action, p, broken, base_plan())
}

fn reason_code() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"][1]["stops"] = json!([]);
    broken["unassigned"] = json!([{"job": "J3", "reason": "too_busy", "detail": "?"}]);
    fill(&p, &mut broken);
    let mut fixed = broken.clone();
    fixed["unassigned"][0]["reason"] = json!("capacity");
    Case::new(Rule::ReasonCode, p, broken, fixed)
}

fn reason_implausible() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"][1]["stops"] = json!([]);
    // T2 has plumbing: 'skills' cannot be why J3 is unassigned
    broken["unassigned"] = json!([{"job": "J3", "reason": "skills", "detail": "?"}]);
    fill(&p, &mut broken);
    let mut fixed = broken.clone();
    fixed["unassigned"][0]["reason"] = json!("capacity");
    for (code, ok) in [
        ("zone", false),
        ("multi_technician", false),
        ("multi_day", false),
        ("dispatch_pro_off", false),
        ("drive_time", false),
        ("window_passed", false),
        ("availability", true),
    ] {
        let mut plan = broken.clone();
        plan["unassigned"][0]["reason"] = json!(code);
        let rep = check(&problem_from_value(&p).unwrap(), &plan);
        assert_eq!(rep.is_valid(), ok, "reason {code}:\n{rep}");
    }
    Case::new(Rule::ReasonImplausible, p, broken, fixed)
}

fn metrics() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["metrics"]["objective"] = json!(941.0);
    Case::new(Rule::Metrics, p, broken, base_plan())
}

fn bound() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["solver"]["bound"] = json!(900.0);
    let mut fixed = base_plan();
    fixed["solver"]["bound"] = json!(940.0);
    Case::new(Rule::Bound, p, broken, fixed)
}

fn drive_minutes() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"][0]["stops"][1]["drive_minutes"] = json!(10.0); // J1 -> J2 is 20
    let mut fixed = base_plan();
    fixed["routes"][0]["stops"][1]["drive_minutes"] = json!(20.04); // within 0.05
    Case::new(Rule::DriveMinutes, p, broken, fixed)
}

fn route_drive() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"][0]["drive_minutes"] = json!(30.0); // forgot the drive home
    let mut fixed = base_plan();
    fixed["routes"][0]["drive_minutes"] = json!(40.14); // 3 legs x 0.05
    Case::new(Rule::RouteDrive, p, broken, fixed)
}

fn stop_end() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"][1]["stops"][0]["end"] = json!(at("11:00")); // J3 lasts 30 min
    Case::new(Rule::StopEnd, p, broken, base_plan())
}

fn stop_order() -> Case {
    let p = base_problem();
    let broken = t1_stops(
        &p,
        &[
            stop("J2", "09:30", "assigned", 0.0),
            stop("J1", "08:10", "assigned", 0.0),
        ],
    );
    // listed J2 first, so J1 comes after J2's end in route order
    Case::new(Rule::StopOrder, p, broken, base_plan()).with(&[Rule::Travel])
}

fn schema() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["routes"][0]["stops"][1]["start"] = json!(570);
    let rep = check(&problem_from_value(&p).unwrap(), &broken);
    assert!(
        rep.violations
            .iter()
            .any(|v| v.rule == Rule::Schema && v.detail.starts_with("routes[0].stops[1].start")),
        "{rep}"
    );
    Case::new(Rule::Schema, p, broken, base_plan())
}

fn problem_name() -> Case {
    let p = base_problem();
    let mut broken = base_plan();
    broken["problem"] = json!("another-day");
    Case::new(Rule::ProblemName, p, broken, base_plan())
}

// ------------------------------------------------------------------- tests

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                super::$name().run();
            }
        )*
        const ALL: &[Scenario] = &[$((stringify!($name), super::$name)),*];
    };
}

/// A scenario's name and the function building it.
type Scenario = (&'static str, fn() -> Case);

mod per_rule {
    use super::Scenario;
    scenarios!(
        start_window,
        before_now,
        outside_shift,
        time_off,
        on_call_is_time_off_too,
        event_overlap,
        overlap,
        overlap_of_locked_jobs_needs_double_booking_alerts,
        travel,
        travel_from_home_at_shift_start,
        travel_from_position_and_free_from,
        travel_before_a_locked_stop,
        max_drive,
        skills,
        zone,
        unmanaged_technician,
        not_assignable,
        technician_specific,
        technician_specific_job_skips_rule_5_for_its_technician,
        return_home,
        locked_moved,
        autolocked_job_stays,
        lost_job,
        duplicate_job,
        unknown_job,
        unknown_technician,
        duplicate_route,
        excluded,
        action,
        reason_code,
        reason_implausible,
        metrics,
        bound,
        drive_minutes,
        route_drive,
        stop_end,
        stop_order,
        schema,
        problem_name,
    );

    pub fn all() -> &'static [Scenario] {
        ALL
    }
}

#[test]
fn base_plan_is_valid_and_by_hand() {
    let p = problem_from_value(&base_problem()).unwrap();
    let rep = check(&p, &base_plan());
    assert!(rep.is_valid(), "{rep}");
    assert_eq!(rep.metrics.assigned, 3);
    assert!((rep.metrics.drive_minutes - 60.0).abs() < 1e-9);
    assert!((rep.metrics.objective - 940.0).abs() < 1e-9);
    let mut filled = base_plan();
    fill(&base_problem(), &mut filled);
    assert_eq!(
        filled,
        base_plan(),
        "fill restates the hand-computed numbers"
    );
}

#[test]
fn every_rule_has_a_scenario_and_validate_py_agrees_on_all() {
    let cases: Vec<(&str, Case)> = per_rule::all().iter().map(|(n, f)| (*n, f())).collect();
    let covered: BTreeSet<Rule> = cases.iter().map(|(_, c)| c.rule).collect();
    for rule in Rule::ALL {
        assert!(covered.contains(&rule), "no scenario breaks {rule}");
    }
    // validate.py, in one process through its import API
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools");
    let data: Vec<Value> = cases
        .iter()
        .map(|(_, c)| json!({"problem": c.problem, "plans": [c.broken, c.fixed]}))
        .collect();
    let input = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check_rules_cases.json");
    std::fs::write(&input, serde_json::to_string(&data).unwrap()).unwrap();
    let script = r#"
import json, sys
sys.path.insert(0, sys.argv[1])
import validate
out = []
for case in json.load(open(sys.argv[2])):
    p = validate.parse_problem(case["problem"])
    out.append([sorted(set(v["rule"] for v in validate.validate_plan(p, plan).violations))
                for plan in case["plans"]])
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&tools)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("python3 is required for this test and could not be run: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let py: Vec<Vec<Vec<String>>> = serde_json::from_slice(&out.stdout).unwrap();
    for ((name, c), py) in cases.iter().zip(&py) {
        let mut want: Vec<String> = c
            .expected()
            .iter()
            .map(|r| r.as_str().to_string())
            .collect();
        want.sort();
        assert_eq!(py[0], want, "{name}: validate.py on the broken plan");
        assert!(
            py[1].is_empty(),
            "{name}: validate.py on the corrected plan: {:?}",
            py[1]
        );
    }
}
