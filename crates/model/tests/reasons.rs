//! Per reason code, a tiny day that produces exactly that code, read from
//! the plan the shared post-pass builds.

use autodispatch_model::explain::fixed_route;
use autodispatch_model::plan::{SolverInfo, SolverStatus};
use autodispatch_model::{build_plan, parse_problem, Instance, ReasonCode, Schedule, Visit};
use serde_json::{json, Value};

/// One technician T1 (hvac, zone north, 08:00–17:00) and one job J1
/// (hvac, north, 09:00–12:00, 60 min); `edit` changes the day.
fn day(edit: impl FnOnce(&mut Value)) -> Value {
    let mut p = json!({
        "schema": "dispatch-problem/1",
        "name": "reason-day",
        "now": "2026-11-26T07:30",
        "business_hours": {"start": "2026-11-26T08:00", "end": "2026-11-26T18:00"},
        "settings": {"drive_cost_per_minute": 1.0},
        "travel": {"model": "haversine", "speed_kmh": 40, "road_factor": 1.3},
        "technicians": [
            {"id": "T1", "home": {"lat": 32.78, "lon": -96.80}, "skills": ["hvac"], "zones": ["north"],
             "shifts": [{"start": "2026-11-26T08:00", "end": "2026-11-26T17:00", "kind": "regular"}]}
        ],
        "jobs": [
            {"id": "J1", "location": {"lat": 32.80, "lon": -96.78}, "job_type": "repair",
             "arrival_window": {"start": "2026-11-26T09:00", "end": "2026-11-26T12:00"},
             "duration_minutes": 60, "value": 500, "skills": ["hvac"], "zone": "north",
             "status": "scheduled"}
        ]
    });
    edit(&mut p);
    p
}

fn fixed_only(inst: &Instance) -> Schedule {
    Schedule {
        routes: (0..inst.techs.len())
            .map(|t| {
                fixed_route(inst, t)
                    .iter()
                    .map(|s| Visit {
                        job: s.job,
                        start: s.fixed.unwrap_or(0.0),
                    })
                    .collect()
            })
            .collect(),
    }
}

fn info() -> SolverInfo {
    SolverInfo {
        name: "test".into(),
        status: SolverStatus::Feasible,
        seconds: 0.0,
        bound: None,
        note: None,
    }
}

/// The reason code and detail the plan gives J1 when nothing is scheduled.
fn reason_of(p: &Value) -> (ReasonCode, String) {
    let problem = parse_problem(&p.to_string()).unwrap();
    let inst = Instance::new(&problem);
    let plan = build_plan(&inst, &fixed_only(&inst), info());
    let u = plan
        .unassigned
        .iter()
        .find(|u| u.job == "J1")
        .expect("J1 unassigned");
    (u.reason, u.detail.clone())
}

#[test]
fn skills() {
    let (code, detail) = reason_of(&day(|p| p["jobs"][0]["skills"] = json!(["boiler"])));
    assert_eq!(code, ReasonCode::Skills);
    assert!(detail.contains("'boiler'"), "{detail}");
}

#[test]
fn zone() {
    let (code, detail) = reason_of(&day(|p| p["jobs"][0]["zone"] = json!("south")));
    assert_eq!(code, ReasonCode::Zone);
    assert!(detail.contains("'south'"), "{detail}");
}

#[test]
fn unmanaged_technician_counts_as_missing_skills() {
    // the only technician with the skill is not managed by the optimizer
    let (code, _) = reason_of(&day(|p| p["technicians"][0]["dispatch_pro"] = json!(false)));
    assert_eq!(
        code,
        ReasonCode::Availability,
        "no managed technician at all"
    );
}

#[test]
fn multi_technician() {
    let (code, detail) = reason_of(&day(|p| p["jobs"][0]["technicians_required"] = json!(2)));
    assert_eq!(code, ReasonCode::MultiTechnician);
    assert!(detail.contains("2 technicians"), "{detail}");
}

#[test]
fn multi_day() {
    let (code, _) = reason_of(&day(|p| p["jobs"][0]["multi_day"] = json!(true)));
    assert_eq!(code, ReasonCode::MultiDay);
}

#[test]
fn dispatch_pro_off_by_toggle_and_by_type() {
    let (code, detail) = reason_of(&day(|p| p["jobs"][0]["dispatch_pro"] = json!(false)));
    assert_eq!(code, ReasonCode::DispatchProOff);
    assert!(detail.contains("toggle"), "{detail}");
    let (code, detail) = reason_of(&day(|p| {
        p["settings"]["enabled_job_types"] = json!(["maintenance"]);
    }));
    assert_eq!(code, ReasonCode::DispatchProOff);
    assert!(detail.contains("'repair'"), "{detail}");
}

#[test]
fn drive_time() {
    // the job is ~25 km away (about 49 min at 40 km/h × 1.3); the limit is 20 min
    let (code, detail) = reason_of(&day(|p| {
        p["settings"]["max_drive_minutes"] = json!(20);
        p["jobs"][0]["location"] = json!({"lat": 33.0, "lon": -96.80});
    }));
    assert_eq!(code, ReasonCode::DriveTime);
    assert!(detail.contains("20-min"), "{detail}");
}

#[test]
fn availability_time_off_names_the_technician_and_the_block() {
    let (code, detail) = reason_of(&day(|p| {
        p["technicians"][0]["shifts"].as_array_mut().unwrap().push(
            json!({"start": "2026-11-26T08:00", "end": "2026-11-26T14:00", "kind": "time_off"}),
        );
    }));
    assert_eq!(code, ReasonCode::Availability);
    assert!(detail.contains("T1"), "{detail}");
    assert!(detail.contains("time off 08:00–14:00"), "{detail}");
}

#[test]
fn availability_event_and_off_shift() {
    let (code, detail) = reason_of(&day(|p| {
        p["technicians"][0]["events"] = json!([
            {"id": "E1", "start": "2026-11-26T08:30", "end": "2026-11-26T13:30", "timesheet_code": "TRAINING"}
        ]);
    }));
    assert_eq!(code, ReasonCode::Availability);
    assert!(detail.contains("E1"), "{detail}");
    let (code, detail) = reason_of(&day(|p| {
        p["technicians"][0]["shifts"] =
            json!([{"start": "2026-11-26T13:00", "end": "2026-11-26T17:00", "kind": "regular"}]);
    }));
    assert_eq!(code, ReasonCode::Availability);
    assert!(detail.contains("no regular shift"), "{detail}");
}

#[test]
fn window_passed() {
    let (code, detail) = reason_of(&day(|p| p["now"] = json!("2026-11-26T12:30")));
    assert_eq!(code, ReasonCode::WindowPassed);
    assert!(detail.contains("12:00"), "{detail}");
}

#[test]
fn capacity() {
    // two jobs, one technician, both windows 09:00–09:00 and 2 h long: only one fits
    let p = day(|p| {
        p["jobs"][0]["arrival_window"]["end"] = json!("2026-11-26T09:00");
        p["jobs"][0]["duration_minutes"] = json!(120);
        let mut j2 = p["jobs"][0].clone();
        j2["id"] = json!("J2");
        j2["value"] = json!(900);
        p["jobs"].as_array_mut().unwrap().push(j2);
    });
    let problem = parse_problem(&p.to_string()).unwrap();
    let inst = Instance::new(&problem);
    let j2 = inst.job_index("J2").unwrap();
    let start = inst
        .earliest_start(
            0,
            j2,
            f64::NEG_INFINITY,
            Some(inst.drive(0, inst.jobs[j2].loc)),
        )
        .unwrap();
    let schedule = Schedule {
        routes: vec![vec![Visit { job: j2, start }]],
    };
    let plan = build_plan(&inst, &schedule, info());
    assert_eq!(plan.unassigned.len(), 1);
    assert_eq!(plan.unassigned[0].job, "J1");
    assert_eq!(plan.unassigned[0].reason, ReasonCode::Capacity);
    assert!(plan.unassigned[0].detail.contains("T1"));
}

#[test]
fn reason_docs_are_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/reason-codes.md");
    let want = ReasonCode::markdown_table();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/reason-codes.md is stale: run `UPDATE_DOCS=1 cargo test -p autodispatch-model --test reasons`"
    );
}
