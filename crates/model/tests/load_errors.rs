//! Bad input: every error at once, each with its stable code and JSON path.

use autodispatch_model::{parse_problem, ErrorCode, LoadError};
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "schema": "dispatch-problem/1",
        "name": "bad",
        "business_hours": {"start": "2026-11-26T08:00", "end": "2026-11-26T18:00"},
        "travel": {"model": "haversine", "speed_kmh": 40},
        "technicians": [
            {"id": "T1", "home": {"lat": 32.78, "lon": -96.80},
             "shifts": [{"start": "2026-11-26T08:00", "end": "2026-11-26T17:00", "kind": "regular"}]}
        ],
        "jobs": [
            {"id": "J1", "location": {"lat": 32.80, "lon": -96.78}, "job_type": "repair",
             "arrival_window": {"start": "2026-11-26T09:00", "end": "2026-11-26T12:00"},
             "duration_minutes": 60, "value": 500, "status": "scheduled"}
        ]
    })
}

fn errors(text: &str) -> Vec<(ErrorCode, String)> {
    match parse_problem(text) {
        Ok(_) => Vec::new(),
        Err(LoadError::Invalid(e)) => e.into_iter().map(|e| (e.code, e.path)).collect(),
        Err(e) => panic!("unexpected {e}"),
    }
}

fn errors_of(edit: impl FnOnce(&mut Value)) -> Vec<(ErrorCode, String)> {
    let mut v = base();
    edit(&mut v);
    errors(&v.to_string())
}

fn has(errs: &[(ErrorCode, String)], code: ErrorCode, path: &str) -> bool {
    errs.iter().any(|(c, p)| *c == code && p == path)
}

#[test]
fn the_base_day_is_valid() {
    assert!(errors(&base().to_string()).is_empty());
}

#[test]
fn malformed_empty_and_deep_json() {
    for text in ["", "   ", "{", "[1,2", "nul", "{\"schema\": }"] {
        let e = errors(text);
        assert_eq!(e.len(), 1, "{text:?}");
        assert_eq!(e[0].0, ErrorCode::MalformedJson);
    }
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert_eq!(errors(&deep)[0].0, ErrorCode::MalformedJson);
    assert_eq!(errors("[]")[0].0, ErrorCode::WrongType);
}

#[test]
fn unknown_schema_version() {
    let e = errors_of(|v| v["schema"] = json!("dispatch-problem/2"));
    assert!(has(&e, ErrorCode::UnknownSchema, "schema"), "{e:?}");
    let e = errors_of(|v| {
        v.as_object_mut().unwrap().remove("schema");
    });
    assert!(has(&e, ErrorCode::UnknownSchema, "schema"), "{e:?}");
}

#[test]
fn every_error_is_reported_at_once() {
    let e = errors_of(|v| {
        v["jobs"][0]["arrival_window"]["end"] = json!("2026-11-26T08:00");
        v["jobs"][0]["duration_minutes"] = json!(-5);
        v["jobs"][0]["status"] = json!("finished");
        v["technicians"][0]["shifts"][0]["kind"] = json!("vacation");
        v["travel"]["speed_kmh"] = json!("fast");
    });
    assert!(
        has(&e, ErrorCode::InvertedInterval, "jobs[0].arrival_window"),
        "{e:?}"
    );
    assert!(
        has(&e, ErrorCode::OutOfRange, "jobs[0].duration_minutes"),
        "{e:?}"
    );
    assert!(has(&e, ErrorCode::UnknownEnum, "jobs[0].status"), "{e:?}");
    assert!(
        has(&e, ErrorCode::UnknownEnum, "technicians[0].shifts[0].kind"),
        "{e:?}"
    );
    assert!(has(&e, ErrorCode::WrongType, "travel.speed_kmh"), "{e:?}");
    assert_eq!(e.len(), 5, "{e:?}");
}

#[test]
fn the_message_names_path_and_what_is_wrong() {
    let mut v = base();
    v["jobs"][0]["arrival_window"] =
        json!({"start": "2026-11-26T12:00", "end": "2026-11-26T10:00"});
    let err = parse_problem(&v.to_string()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(
            "E1203 jobs[0].arrival_window: end 2026-11-26T10:00 is before start 2026-11-26T12:00"
        ),
        "{text}"
    );
}

#[test]
fn wrong_types_and_missing_fields() {
    let e = errors_of(|v| {
        v["jobs"][0]["value"] = json!("NaN");
        v["jobs"][0]["tags"] = json!("member");
        v["jobs"][0]["skills"] = json!([1]);
        v["technicians"][0]["dispatch_pro"] = json!("yes");
        v["jobs"][0].as_object_mut().unwrap().remove("job_type");
    });
    assert!(has(&e, ErrorCode::WrongType, "jobs[0].value"), "{e:?}");
    assert!(has(&e, ErrorCode::WrongType, "jobs[0].tags"), "{e:?}");
    assert!(has(&e, ErrorCode::WrongType, "jobs[0].skills[0]"), "{e:?}");
    assert!(
        has(&e, ErrorCode::WrongType, "technicians[0].dispatch_pro"),
        "{e:?}"
    );
    assert!(
        has(&e, ErrorCode::MissingField, "jobs[0].job_type"),
        "{e:?}"
    );
}

#[test]
fn out_of_range_numbers() {
    let e = errors_of(|v| {
        v["jobs"][0]["location"]["lat"] = json!(91);
        v["jobs"][0]["technicians_required"] = json!(1.5);
        v["settings"] = json!({"tag_weights": {"vip": 0}, "drive_cost_per_minute": -1,
                               "max_drive_minutes": 1e300});
        v["technicians"][0]["conversion"] = json!({"repair": -0.5});
    });
    for path in [
        "jobs[0].location.lat",
        "jobs[0].technicians_required",
        "settings.tag_weights.vip",
        "settings.drive_cost_per_minute",
        "settings.max_drive_minutes",
        "technicians[0].conversion.repair",
    ] {
        assert!(has(&e, ErrorCode::OutOfRange, path), "{path}: {e:?}");
    }
}

#[test]
fn bad_times_and_inverted_shifts() {
    let e = errors_of(|v| {
        v["now"] = json!("2026-11-26 07:30");
        v["technicians"][0]["shifts"][0]["end"] = json!("2026-11-26T07:00");
        v["technicians"][0]["events"] =
            json!([{"start": "2026-02-30T12:00", "end": "2026-11-26T12:30"}]);
    });
    assert!(has(&e, ErrorCode::BadTime, "now"), "{e:?}");
    assert!(
        has(&e, ErrorCode::InvertedInterval, "technicians[0].shifts[0]"),
        "{e:?}"
    );
    assert!(
        has(&e, ErrorCode::BadTime, "technicians[0].events[0].start"),
        "{e:?}"
    );
}

#[test]
fn duplicate_and_dangling_ids() {
    let e = errors_of(|v| {
        let t = v["technicians"][0].clone();
        v["technicians"].as_array_mut().unwrap().push(t);
        let j = v["jobs"][0].clone();
        v["jobs"].as_array_mut().unwrap().push(j);
        v["jobs"][0]["assignment"] = json!({"technician": "T9", "start": "2026-11-26T09:00"});
        v["technicians"][0]["position"] = json!({"job": "J9"});
    });
    assert!(
        has(&e, ErrorCode::DuplicateTechnician, "technicians[1].id"),
        "{e:?}"
    );
    assert!(has(&e, ErrorCode::DuplicateJob, "jobs[1].id"), "{e:?}");
    assert!(
        has(
            &e,
            ErrorCode::UnknownTechnician,
            "jobs[0].assignment.technician"
        ),
        "{e:?}"
    );
    assert!(
        has(&e, ErrorCode::UnknownJob, "technicians[0].position.job"),
        "{e:?}"
    );
}

#[test]
fn matrix_shape_and_values() {
    let e = errors_of(|v| v["travel"] = json!({"model": "matrix", "minutes": [[0, 1], [1]]}));
    assert!(
        has(&e, ErrorCode::MatrixShape, "travel.minutes[1]"),
        "{e:?}"
    );
    let e = errors_of(|v| {
        v["travel"] = json!({"model": "matrix", "minutes": [[0, 1, 2], [1, 0], [0, 0, 0]]});
    });
    assert!(has(&e, ErrorCode::MatrixShape, "travel.minutes"), "{e:?}");
    let e = errors_of(|v| v["travel"] = json!({"model": "matrix", "minutes": [[0, -1], [1, 0]]}));
    assert!(
        has(&e, ErrorCode::OutOfRange, "travel.minutes[0][1]"),
        "{e:?}"
    );
    let e = errors_of(|v| v["travel"] = json!({"model": "teleport"}));
    assert!(has(&e, ErrorCode::UnknownEnum, "travel.model"), "{e:?}");
    // a matrix day needs no coordinates
    let ok = errors_of(|v| {
        v["travel"] = json!({"model": "matrix", "minutes": [[0, 5], [5, 0]]});
        v["technicians"][0].as_object_mut().unwrap().remove("home");
        v["jobs"][0].as_object_mut().unwrap().remove("location");
    });
    assert!(ok.is_empty(), "{ok:?}");
    // ... but the haversine model does
    let e = errors_of(|v| {
        v["jobs"][0].as_object_mut().unwrap().remove("location");
    });
    assert!(
        has(&e, ErrorCode::MissingLocation, "jobs[0].location"),
        "{e:?}"
    );
}

#[test]
fn defaults_of_format_md() {
    let p = parse_problem(&base().to_string()).unwrap();
    let s = &p.settings;
    assert_eq!(s.drive_cost_per_minute, 1.0);
    assert!(s.return_home);
    assert_eq!(s.max_drive_minutes, None);
    assert_eq!(p.now(), p.business_hours.start.0);
    let j = &p.jobs[0];
    assert!(j.dispatch_pro && !j.multi_day && !j.technician_specific);
    assert_eq!(j.technicians_required, 1);
    assert!(j.skills.is_empty() && j.tags.is_empty());
    let t = &p.technicians[0];
    assert!(t.dispatch_pro && t.skills.is_none() && t.zones.is_none() && t.events.is_empty());
    if let autodispatch_model::problem::Travel::Haversine { road_factor, .. } = p.travel {
        assert_eq!(road_factor, 1.0);
    } else {
        panic!("haversine expected");
    }
}

#[test]
fn paths_name_the_file_index_even_after_a_broken_entry() {
    let e = errors_of(|v| {
        let mut t2 = v["technicians"][0].clone();
        t2["id"] = json!("T2");
        t2["position"] = json!({"job": "J9"});
        v["technicians"].as_array_mut().unwrap().push(t2);
        v["technicians"][0]["shifts"] = json!("all day");
    });
    assert!(
        has(&e, ErrorCode::WrongType, "technicians[0].shifts"),
        "{e:?}"
    );
    assert!(
        has(&e, ErrorCode::UnknownJob, "technicians[1].position.job"),
        "{e:?}"
    );
}

#[test]
fn speeds_that_push_drives_off_the_calendar_are_refused() {
    for (speed, road) in [(1e-300, 1.0), (0.01, 1.0), (40.0, 1e3)] {
        let e = errors_of(|v| {
            v["travel"] = json!({"model": "haversine", "speed_kmh": speed, "road_factor": road});
        });
        assert!(
            has(&e, ErrorCode::OutOfRange, "travel.speed_kmh")
                || has(&e, ErrorCode::OutOfRange, "travel.road_factor"),
            "{speed} {road}: {e:?}"
        );
    }
}

#[test]
fn too_many_locations_for_one_day_are_refused() {
    let e = errors_of(|v| {
        let job = v["jobs"][0].clone();
        let jobs: Vec<Value> = (0..6001)
            .map(|k| {
                let mut j = job.clone();
                j["id"] = json!(format!("J{k}"));
                j
            })
            .collect();
        v["jobs"] = Value::Array(jobs);
    });
    assert!(has(&e, ErrorCode::OutOfRange, "jobs"), "{e:?}");
}
