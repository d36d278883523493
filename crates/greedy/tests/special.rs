//! Hand-made days: the spec's small day, technician-specific double
//! bookings, kept assignments.

mod common;

use autodispatch_model::plan::{Action, AlertKind};
use autodispatch_model::{load_problem_file, parse_problem, Instance, Plan};

use common::*;

fn stop<'a>(
    plan: &'a Plan,
    job: &str,
) -> Option<(&'a str, &'a autodispatch_model::plan::PlanStop)> {
    plan.routes.iter().find_map(|r| {
        r.stops
            .iter()
            .find(|s| s.job == job)
            .map(|s| (r.technician.as_str(), s))
    })
}

#[test]
fn small_day_example_solves_and_validates() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/spec/examples/small-day.json");
    let p = load_problem_file(&path).unwrap();
    let inst = Instance::new(&p);
    let sol = solve(&inst, 0);
    assert_sound(&inst, &sol.schedule, "small-day");
    let plan = plan_of(&inst, &sol.schedule);
    assert_checker_clean(&p, &plan, "small-day");
    let dir = scratch_dir("small");
    validate_py(&dir, "small", &p, &plan);
    std::fs::remove_dir_all(&dir).ok();

    // the 9000-value hvac job is the day's prize; only T1 and T2 can work
    let (tech, _) = stop(&plan, "J2").expect("J2 is planned");
    assert!(tech == "T1" || tech == "T2");
    let (tech, j4) = stop(&plan, "J4").expect("locked J4 stays");
    assert_eq!((tech, j4.action), ("T2", Action::Locked));
    assert_eq!(
        stop(&plan, "J7").expect("technician-specific J7 stays").0,
        "T2"
    );
    assert!(
        plan.unassigned.iter().any(|u| u.job == "J6"),
        "nobody has 'boiler'"
    );
    assert!(plan.excluded.iter().any(|e| e.job == "J9"));
    assert!(plan
        .routes
        .iter()
        .find(|r| r.technician == "T3")
        .unwrap()
        .stops
        .is_empty());
    assert!(plan.alerts.is_empty());
}

/// T1 works 08:00–17:00 and has a locked job L at 09:00–11:00. TS job A is
/// assigned at 10:00 and its window is 10:00–10:00: it cannot move, so it
/// stays and both it and L carry `double_booking`. TS job B is assigned at
/// 09:30 with a window up to 15:00: it moves after L. Managed job M fits
/// after that.
const TS_DAY: &str = r#"{
  "schema": "dispatch-problem/1",
  "name": "ts-double-booking",
  "now": "2026-11-26T07:30",
  "business_hours": {"start": "2026-11-26T08:00", "end": "2026-11-26T18:00"},
  "settings": {"drive_cost_per_minute": 1.0, "return_home": true},
  "travel": {"model": "matrix", "minutes": [
    [0, 10, 10, 10, 10],
    [10, 0, 10, 10, 10],
    [10, 10, 0, 10, 10],
    [10, 10, 10, 0, 10],
    [10, 10, 10, 10, 0]]},
  "technicians": [
    {"id": "T1", "shifts": [{"start": "2026-11-26T08:00", "end": "2026-11-26T17:00", "kind": "regular"}]}
  ],
  "jobs": [
    {"id": "L", "job_type": "repair", "arrival_window": {"start": "2026-11-26T09:00", "end": "2026-11-26T09:00"},
     "duration_minutes": 120, "value": 100, "status": "dispatched",
     "assignment": {"technician": "T1", "start": "2026-11-26T09:00", "source": "manual"}},
    {"id": "A", "job_type": "repair", "arrival_window": {"start": "2026-11-26T10:00", "end": "2026-11-26T10:00"},
     "duration_minutes": 60, "value": 300, "status": "scheduled", "technician_specific": true,
     "assignment": {"technician": "T1", "start": "2026-11-26T10:00", "source": "manual"}},
    {"id": "B", "job_type": "repair", "arrival_window": {"start": "2026-11-26T09:00", "end": "2026-11-26T15:00"},
     "duration_minutes": 60, "value": 200, "status": "scheduled", "technician_specific": true,
     "assignment": {"technician": "T1", "start": "2026-11-26T09:30", "source": "manual"}},
    {"id": "M", "job_type": "repair", "arrival_window": {"start": "2026-11-26T08:00", "end": "2026-11-26T16:00"},
     "duration_minutes": 60, "value": 500, "status": "scheduled"}
  ]
}"#;

#[test]
fn technician_specific_double_booking_moves_what_it_can() {
    let p = parse_problem(TS_DAY).unwrap();
    let inst = Instance::new(&p);
    let sol = solve(&inst, 0);
    assert_sound(&inst, &sol.schedule, "ts day");
    let plan = plan_of(&inst, &sol.schedule);
    assert_checker_clean(&p, &plan, "ts day");
    let dir = scratch_dir("ts");
    validate_py(&dir, "ts", &p, &plan);
    std::fs::remove_dir_all(&dir).ok();

    let (_, a) = stop(&plan, "A").expect("A stays with T1");
    assert_eq!(
        a.action,
        Action::Kept,
        "A cannot move, so it keeps its start"
    );
    let (_, b) = stop(&plan, "B").expect("B stays with T1");
    assert_eq!(b.action, Action::Rescheduled, "B moves out of the clash");
    assert!(
        b.start.0 >= stop(&plan, "L").unwrap().1.end.0 - 1e-9,
        "B starts after L"
    );
    let mut alerted: Vec<&str> = plan
        .alerts
        .iter()
        .filter(|x| x.kind == AlertKind::DoubleBooking)
        .map(|x| x.job.as_str())
        .collect();
    alerted.sort_unstable();
    assert_eq!(alerted, ["A", "L"]);
    assert!(stop(&plan, "M").is_some(), "M fits the free afternoon");
}

/// A managed job assigned by Dispatch Pro at a feasible time, with nothing
/// better to do, keeps its technician and start.
#[test]
fn feasible_assignment_is_kept() {
    let day = TS_DAY
        .replace(
            r#""value": 500, "status": "scheduled"}"#,
            r#""value": 500, "status": "scheduled",
     "assignment": {"technician": "T1", "start": "2026-11-26T15:00", "source": "dispatch_pro"}}"#,
        )
        .replace("ts-double-booking", "kept");
    let p = parse_problem(&day).unwrap();
    let inst = Instance::new(&p);
    let plan = plan_of(&inst, &solve(&inst, 0).schedule);
    assert_checker_clean(&p, &plan, "kept day");
    let (_, m) = stop(&plan, "M").expect("M planned");
    assert_eq!(m.action, Action::Kept);
}
