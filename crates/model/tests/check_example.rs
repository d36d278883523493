//! The checker on the FORMAT.md example: the example plan is valid and its
//! metrics recompute to the plan's numbers; broken copies of it name the
//! rule and the JSON path.

use autodispatch_model::check::{check, check_plan};
use autodispatch_model::rules::Rule;
use autodispatch_model::{load_problem_file, Problem};
use serde_json::{json, Value};

fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec/examples")
}

fn day() -> Problem {
    load_problem_file(&examples().join("small-day.json")).unwrap()
}

fn plan() -> Value {
    let text = std::fs::read_to_string(examples().join("small-plan.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn example_plan_is_valid_and_metrics_recompute() {
    let p = day();
    let plan = plan();
    let rep = check(&p, &plan);
    assert!(rep.is_valid(), "{rep}");
    let m = &plan["metrics"];
    assert_eq!(rep.metrics.assigned as u64, m["assigned"].as_u64().unwrap());
    assert_eq!(
        rep.metrics.unassigned as u64,
        m["unassigned"].as_u64().unwrap()
    );
    for (got, key) in [
        (rep.metrics.value, "value"),
        (rep.metrics.weighted_value, "weighted_value"),
        (rep.metrics.drive_minutes, "drive_minutes"),
        (rep.metrics.objective, "objective"),
    ] {
        let want = m[key].as_f64().unwrap();
        assert!(
            (got - want).abs() < 1e-3,
            "{key}: recomputed {got}, plan says {want}"
        );
    }
    assert_eq!(rep.metrics.preferred, 0);
}

#[test]
fn wrong_types_name_their_json_path() {
    let p = day();
    let mut plan = plan();
    plan["routes"][0]["stops"][1]["start"] = json!(540);
    plan["routes"][1]["drive_minutes"] = json!("far");
    plan["metrics"]["assigned"] = json!(2.5);
    plan["solver"]["status"] = json!("great");
    // a multi-byte character where a digit belongs (once a panic)
    plan["routes"][0]["stops"][0]["end"] = json!("2026-11-26T09:3\u{e9}");
    let rep = check(&p, &plan);
    let schema: Vec<&str> = rep
        .violations
        .iter()
        .filter(|v| v.rule == Rule::Schema)
        .map(|v| v.detail.as_str())
        .collect();
    for path in [
        "routes[0].stops[1].start:",
        "routes[1].drive_minutes:",
        "metrics.assigned:",
        "solver.status:",
        "routes[0].stops[0].end:",
    ] {
        assert!(
            schema.iter().any(|d| d.starts_with(path)),
            "no schema violation at {path}: {schema:?}"
        );
    }
    // a plan that is not an object is one schema violation, nothing else
    let rep = check(&p, &json!([1, 2]));
    assert_eq!(
        rep.rules().into_iter().collect::<Vec<_>>(),
        vec![Rule::Schema]
    );
}

#[test]
fn typed_plans_are_checked_as_written() {
    let p = day();
    let inst = autodispatch_model::Instance::new(&p);
    let schedule = autodispatch_model::Schedule {
        routes: (0..inst.techs.len())
            .map(|t| {
                autodispatch_model::explain::fixed_route(&inst, t)
                    .iter()
                    .map(|s| autodispatch_model::Visit {
                        job: s.job,
                        start: s.fixed.unwrap(),
                    })
                    .collect()
            })
            .collect(),
    };
    let info = autodispatch_model::SolverInfo {
        name: "fixed-only".into(),
        status: autodispatch_model::SolverStatus::Feasible,
        seconds: 0.0,
        bound: None,
        note: None,
    };
    let plan = autodispatch_model::build_plan(&inst, &schedule, info);
    let rep = check_plan(&p, &plan);
    assert!(rep.is_valid(), "{rep}");
    assert_eq!(rep.metrics.assigned, plan.metrics.assigned);
    let mut broken = plan;
    broken.metrics.objective += 5.0;
    assert_eq!(
        check_plan(&p, &broken)
            .rules()
            .into_iter()
            .collect::<Vec<_>>(),
        vec![Rule::Metrics]
    );
}
