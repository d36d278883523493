//! `route::stops_of`: another solver's plan back as route stops.

use autodispatch_model::route::{schedule, stops_of};
use autodispatch_model::time::parse_time;
use autodispatch_model::{parse_problem, Instance, Visit};

/// T1 works 08:00–17:00 with a locked job L at 12:00–13:45.
/// Technician-specific B is assigned at 13:00, on top of L, and may start
/// 08:00–16:00; managed M must start at 13:55, just after L. The plan
/// moves B to the morning and puts M after L.
const DAY: &str = r#"{
  "schema": "dispatch-problem/1",
  "name": "ts-moved",
  "now": "2026-11-26T07:30",
  "business_hours": {"start": "2026-11-26T08:00", "end": "2026-11-26T18:00"},
  "settings": {"drive_cost_per_minute": 1.0},
  "travel": {"model": "matrix", "minutes": [
    [0, 10, 10, 10],
    [10, 0, 10, 10],
    [10, 10, 0, 10],
    [10, 10, 10, 0]]},
  "technicians": [
    {"id": "T1", "shifts": [{"start": "2026-11-26T08:00", "end": "2026-11-26T17:00", "kind": "regular"}]}
  ],
  "jobs": [
    {"id": "L", "job_type": "repair", "arrival_window": {"start": "2026-11-26T12:00", "end": "2026-11-26T12:00"},
     "duration_minutes": 105, "value": 100, "status": "dispatched",
     "assignment": {"technician": "T1", "start": "2026-11-26T12:00", "source": "manual"}},
    {"id": "B", "job_type": "repair", "arrival_window": {"start": "2026-11-26T08:00", "end": "2026-11-26T16:00"},
     "duration_minutes": 60, "value": 200, "status": "scheduled", "technician_specific": true,
     "assignment": {"technician": "T1", "start": "2026-11-26T13:00", "source": "manual"}},
    {"id": "M", "job_type": "repair", "arrival_window": {"start": "2026-11-26T13:55", "end": "2026-11-26T13:55"},
     "duration_minutes": 60, "value": 500, "status": "scheduled"}
  ]
}"#;

fn visit(inst: &Instance, job: &str, at: &str) -> Visit {
    Visit {
        job: inst.job_index(job).expect("a job of the day"),
        start: parse_time(at).expect("a time"),
    }
}

#[test]
fn a_technician_specific_job_moved_off_a_double_booking_stays_where_the_plan_has_it() {
    let p = parse_problem(DAY).unwrap();
    let inst = Instance::new(&p);
    let b = inst.job_index("B").unwrap();
    let l = inst.job_index("L").unwrap();
    let m = inst.job_index("M").unwrap();
    let moved = [
        visit(&inst, "B", "2026-11-26T08:10"),
        visit(&inst, "L", "2026-11-26T12:00"),
        visit(&inst, "M", "2026-11-26T13:55"),
    ];
    let stops = stops_of(&inst, 0, &moved);
    let order: Vec<usize> = stops.iter().map(|s| s.job).collect();
    assert_eq!(order, [b, l, m]);
    assert!(stops[0].fixed.is_none(), "moved B is movable: {stops:?}");
    assert!(stops[1].fixed.is_some(), "locked L stays fixed");
    // put back at 13:00, B would push M past its start
    let timed = schedule(&inst, 0, &stops).expect("the plan's route times");
    assert!((timed.starts[2] - moved[2].start).abs() < 1e-6);

    // kept at its current start, B is a fixed stop again
    let kept = [
        visit(&inst, "L", "2026-11-26T12:00"),
        visit(&inst, "B", "2026-11-26T13:00"),
    ];
    let stops = stops_of(&inst, 0, &kept);
    assert_eq!(stops[1].job, b);
    assert_eq!(stops[1].fixed, Some(kept[1].start));
}
