//! Differential test of the checker against `../shared/tools/validate.py`,
//! the independent Python reading of FORMAT.md: on seeded random days, plans
//! made by a simple planner (fixed routes + greedy best insertion + the
//! shared `build_plan`) must be clean for both checkers, and mutated copies
//! of them (shifted starts, moved, dropped and duplicated jobs, corrupted
//! metrics, actions, reasons, drives, order, ...) must break the same SET
//! of rules in both.
//!
//! python3 is required: the test fails loudly without it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use autodispatch_model::check::check_instance;
use autodispatch_model::explain::fixed_route;
use autodispatch_model::reason::ReasonCode;
use autodispatch_model::route::{best_insertion, schedule, Insertion, RouteStop};
use autodispatch_model::rules::{Rule, StartWindow};
use autodispatch_model::time::{format_time, parse_time};
use autodispatch_model::{
    build_plan, Instance, JobClass, Problem, Schedule, SolverInfo, SolverStatus, Visit,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

fn validate_py() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/validate.py")
}

fn python() -> &'static str {
    "python3"
}

/// The test planner: each technician's fixed route, then every managed job
/// (in a seeded order) at its best insertion over all technicians.
fn plan_schedule(inst: &Instance, seed: u64) -> Schedule {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let m = inst.techs.len();
    let mut routes: Vec<Vec<RouteStop>> = (0..m).map(|t| fixed_route(inst, t)).collect();
    // move some technician-specific jobs (their own technician only), while
    // the routes hold only fixed stops; put back the ones that do not fit
    for (t, route) in routes.iter_mut().enumerate() {
        let ts: Vec<usize> = route
            .iter()
            .map(|s| s.job)
            .filter(|&j| inst.jobs[j].class == JobClass::TechSpecific)
            .collect();
        for j in ts {
            if !rng.gen_bool(0.5) {
                continue;
            }
            let at = route.iter().position(|s| s.job == j).unwrap();
            let keep = route.remove(at);
            match best_insertion(inst, t, route, j) {
                Ok(ins) => route.insert(ins.position, RouteStop::movable(j)),
                Err(_) => route.insert(at, keep),
            }
        }
    }
    let mut order: Vec<usize> = (0..inst.jobs.len())
        .filter(|&j| inst.jobs[j].class == JobClass::Managed && !StartWindow::passed(inst, j))
        .collect();
    order.shuffle(&mut rng);
    for j in order {
        let mut best: Option<(usize, Insertion)> = None;
        for (t, route) in routes.iter().enumerate() {
            if !inst.fit(j, t).is_yes() {
                continue;
            }
            if let Ok(ins) = best_insertion(inst, t, route, j) {
                if best.as_ref().map_or(true, |b| ins.delta > b.1.delta + 1e-9) {
                    best = Some((t, ins));
                }
            }
        }
        if let Some((t, ins)) = best {
            routes[t].insert(ins.position, RouteStop::movable(j));
        }
    }
    Schedule {
        routes: routes
            .iter()
            .enumerate()
            .map(|(t, r)| {
                let timed = schedule(inst, t, r)
                    .unwrap_or_else(|f| panic!("a route the planner built does not time: {f:?}"));
                r.iter()
                    .zip(&timed.starts)
                    .map(|(s, &start)| Visit { job: s.job, start })
                    .collect()
            })
            .collect(),
    }
}

fn info() -> SolverInfo {
    SolverInfo {
        name: "test-planner".into(),
        status: SolverStatus::Feasible,
        seconds: 0.0,
        bound: None,
        note: None,
    }
}

// ---------------------------------------------------------------- mutations

const MUTATIONS: [&str; 26] = [
    "shift_start",
    "move_stop",
    "drop_job",
    "duplicate_job",
    "corrupt_metric",
    "wrong_action",
    "wrong_reason",
    "swap_order",
    "wrong_drive",
    "wrong_route_drive",
    "wrong_end",
    "problem_name",
    "unknown_job",
    "unknown_technician",
    "duplicate_route",
    "excluded_status",
    "unassign_stop",
    "assign_unassigned",
    "low_bound",
    "drop_alerts",
    "schema_type",
    "exclude_job",
    "unlocked_action",
    "every_reason",
    "fuzz_node",
    "fuzz_node",
];

fn stops_of(plan: &Value) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (r, rt) in plan["routes"].as_array().unwrap().iter().enumerate() {
        for k in 0..rt["stops"].as_array().unwrap().len() {
            out.push((r, k));
        }
    }
    out
}

/// A time of the plan; `None` once a mutation broke it.
fn time_of(v: &Value) -> Option<f64> {
    parse_time(v.as_str()?).ok()
}

#[derive(Clone)]
enum Key {
    Index(usize),
    Field(String),
}

/// Every path to a node below the root.
fn node_paths(v: &Value, at: &mut Vec<Key>, out: &mut Vec<Vec<Key>>) {
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(Key::Index(i));
                out.push(at.clone());
                node_paths(x, at, out);
                at.pop();
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                at.push(Key::Field(k.clone()));
                out.push(at.clone());
                node_paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// Inserts a stop into a route where its start keeps the route in time order.
fn insert_sorted(plan: &mut Value, r: usize, stop: Value) {
    let stops = plan["routes"][r]["stops"].as_array_mut().unwrap();
    let s = time_of(&stop["start"]).unwrap_or(f64::INFINITY);
    let pos = stops
        .iter()
        .position(|x| time_of(&x["start"]).is_some_and(|x| x > s))
        .unwrap_or(stops.len());
    stops.insert(pos, stop);
}

/// Applies the named mutation; false when the plan has nothing to mutate.
#[allow(clippy::too_many_lines)]
fn mutate(plan: &mut Value, inst: &Instance, what: &str, rng: &mut ChaCha8Rng) -> bool {
    let stops = stops_of(plan);
    let n_routes = plan["routes"].as_array().unwrap().len();
    let pick_stop = |rng: &mut ChaCha8Rng| stops.choose(rng).copied();
    match what {
        "shift_start" => {
            let Some((r, k)) = pick_stop(rng) else {
                return false;
            };
            let d = [-90.0, -30.0, -10.0, -3.0, 3.0, 10.0, 30.0, 90.0][rng.gen_range(0..8)];
            let st = &mut plan["routes"][r]["stops"][k];
            let (Some(s), Some(e)) = (time_of(&st["start"]), time_of(&st["end"])) else {
                return false;
            };
            st["start"] = json!(format_time(s + d));
            st["end"] = json!(format_time(e + d));
        }
        "move_stop" => {
            let Some((r, k)) = pick_stop(rng) else {
                return false;
            };
            if n_routes < 2 {
                return false;
            }
            let mut to = rng.gen_range(0..n_routes - 1);
            if to >= r {
                to += 1;
            }
            let st = plan["routes"][r]["stops"].as_array_mut().unwrap().remove(k);
            insert_sorted(plan, to, st);
        }
        "drop_job" => match rng.gen_range(0..3) {
            0 => {
                let Some((r, k)) = pick_stop(rng) else {
                    return false;
                };
                plan["routes"][r]["stops"].as_array_mut().unwrap().remove(k);
            }
            1 => {
                let u = plan["unassigned"].as_array_mut().unwrap();
                if u.is_empty() {
                    return false;
                }
                let i = rng.gen_range(0..u.len());
                u.remove(i);
            }
            _ => {
                let x = plan["excluded"].as_array_mut().unwrap();
                if x.is_empty() {
                    return false;
                }
                let i = rng.gen_range(0..x.len());
                x.remove(i);
            }
        },
        "duplicate_job" => {
            let Some((r, k)) = pick_stop(rng) else {
                return false;
            };
            let st = plan["routes"][r]["stops"][k].clone();
            if rng.gen_bool(0.5) {
                let to = rng.gen_range(0..n_routes);
                insert_sorted(plan, to, st);
            } else {
                plan["unassigned"].as_array_mut().unwrap().push(json!({
                    "job": st["job"], "reason": "capacity", "detail": "twice"
                }));
            }
        }
        "corrupt_metric" => {
            let key = [
                "assigned",
                "unassigned",
                "value",
                "weighted_value",
                "drive_minutes",
                "objective",
            ][rng.gen_range(0..6)];
            let m = &mut plan["metrics"][key];
            let Some(x) = m.as_f64() else { return false };
            *m = if key == "assigned" || key == "unassigned" {
                json!(x.round() as i64 + 1)
            } else {
                json!(x + [0.5, -2.0, 100.0][rng.gen_range(0..3)])
            };
        }
        "wrong_action" | "unlocked_action" => {
            let Some((r, k)) = pick_stop(rng) else {
                return false;
            };
            let st = &mut plan["routes"][r]["stops"][k];
            let cur = st["action"].as_str().unwrap_or("").to_string();
            let choices: Vec<&str> = ["kept", "assigned", "reassigned", "rescheduled", "locked"]
                .into_iter()
                .filter(|a| *a != cur)
                .collect();
            st["action"] = json!(if what == "unlocked_action" && cur == "locked" {
                "kept"
            } else {
                choices[rng.gen_range(0..choices.len())]
            });
        }
        "wrong_reason" => {
            let u = plan["unassigned"].as_array_mut().unwrap();
            if u.is_empty() {
                return false;
            }
            let i = rng.gen_range(0..u.len());
            let code = if rng.gen_bool(0.1) {
                "no_reason"
            } else {
                ReasonCode::ALL[rng.gen_range(0..ReasonCode::ALL.len())].as_str()
            };
            u[i]["reason"] = json!(code);
        }
        "every_reason" => {
            let u = plan["unassigned"].as_array_mut().unwrap();
            if u.is_empty() {
                return false;
            }
            for e in u.iter_mut() {
                e["reason"] =
                    json!(ReasonCode::ALL[rng.gen_range(0..ReasonCode::ALL.len())].as_str());
            }
        }
        "swap_order" => {
            let long: Vec<usize> = (0..n_routes)
                .filter(|&r| plan["routes"][r]["stops"].as_array().unwrap().len() >= 2)
                .collect();
            let Some(&r) = long.choose(rng) else {
                return false;
            };
            let s = plan["routes"][r]["stops"].as_array_mut().unwrap();
            let k = rng.gen_range(0..s.len() - 1);
            s.swap(k, k + 1);
        }
        "wrong_drive" => {
            let Some((r, k)) = pick_stop(rng) else {
                return false;
            };
            let d = &mut plan["routes"][r]["stops"][k]["drive_minutes"];
            let Some(x) = d.as_f64() else { return false };
            *d = json!(x + [0.2, 3.0, 20.0][rng.gen_range(0..3)]);
        }
        "wrong_route_drive" => {
            let r = rng.gen_range(0..n_routes);
            let d = &mut plan["routes"][r]["drive_minutes"];
            let Some(x) = d.as_f64() else { return false };
            *d = json!(x + [0.3, 5.0, 30.0][rng.gen_range(0..3)]);
        }
        "wrong_end" => {
            let Some((r, k)) = pick_stop(rng) else {
                return false;
            };
            let st = &mut plan["routes"][r]["stops"][k];
            let Some(e) = time_of(&st["end"]) else {
                return false;
            };
            st["end"] = json!(format_time(e + [-15.0, 0.5, 5.0][rng.gen_range(0..3)]));
        }
        "problem_name" => plan["problem"] = json!("another-day"),
        "unknown_job" => match rng.gen_range(0..3) {
            0 => plan["unassigned"].as_array_mut().unwrap().push(json!({
                "job": "NOPE", "reason": "capacity", "detail": "?"
            })),
            1 => plan["excluded"]
                .as_array_mut()
                .unwrap()
                .push(json!({"job": "NOPE", "status": "done"})),
            _ => plan
                .as_object_mut()
                .unwrap()
                .entry("alerts")
                .or_insert(json!([]))
                .as_array_mut()
                .unwrap()
                .push(json!({
                    "job": "NOPE", "kind": "double_booking", "detail": "?"
                })),
        },
        "unknown_technician" => {
            let r = rng.gen_range(0..n_routes);
            plan["routes"][r]["technician"] = json!("T-NOBODY");
        }
        "duplicate_route" => {
            let r = rng.gen_range(0..n_routes);
            let mut copy = plan["routes"][r].clone();
            if rng.gen_bool(0.5) {
                copy["stops"] = json!([]);
                copy["drive_minutes"] = json!(0.0);
            }
            plan["routes"].as_array_mut().unwrap().push(copy);
        }
        "excluded_status" => {
            let x = plan["excluded"].as_array_mut().unwrap();
            if x.is_empty() {
                return false;
            }
            let i = rng.gen_range(0..x.len());
            let cur = x[i]["status"].as_str().unwrap_or("").to_string();
            x[i]["status"] = json!(if rng.gen_bool(0.2) {
                "scheduled"
            } else if cur == "done" {
                "hold"
            } else {
                "done"
            });
        }
        "exclude_job" => {
            // move a stop or an unassigned job into excluded
            if rng.gen_bool(0.5) {
                let Some((r, k)) = pick_stop(rng) else {
                    return false;
                };
                let st = plan["routes"][r]["stops"].as_array_mut().unwrap().remove(k);
                plan["excluded"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"job": st["job"], "status": "hold"}));
            } else {
                let u = plan["unassigned"].as_array_mut().unwrap();
                if u.is_empty() {
                    return false;
                }
                let i = rng.gen_range(0..u.len());
                let e = u.remove(i);
                plan["excluded"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"job": e["job"], "status": "canceled"}));
            }
        }
        "unassign_stop" => {
            let Some((r, k)) = pick_stop(rng) else {
                return false;
            };
            let st = plan["routes"][r]["stops"].as_array_mut().unwrap().remove(k);
            plan["unassigned"].as_array_mut().unwrap().push(json!({
                "job": st["job"], "reason": "capacity", "detail": "taken out"
            }));
        }
        "assign_unassigned" => {
            // an unassigned (or excluded) job put into some route at a
            // plausible time: start window, now, or the route's end
            let from = if rng.gen_bool(0.85) {
                "unassigned"
            } else {
                "excluded"
            };
            let list = plan[from].as_array_mut().unwrap();
            if list.is_empty() {
                return false;
            }
            let i = rng.gen_range(0..list.len());
            let e = list.remove(i);
            let Some(j) = e["job"].as_str().and_then(|id| inst.job_index(id)) else {
                plan[from].as_array_mut().unwrap().insert(i, e);
                return false;
            };
            let jid = inst.jobs[j].id.as_str();
            let job = &inst.jobs[j];
            let r = rng.gen_range(0..n_routes);
            let last_end = plan["routes"][r]["stops"]
                .as_array()
                .unwrap()
                .last()
                .and_then(|s| time_of(&s["end"]));
            let start = match rng.gen_range(0..3) {
                0 => job.window.0.max(inst.now),
                1 => last_end.unwrap_or(job.window.0) + 20.0,
                _ => job.window.0 + (job.window.1 - job.window.0) / 2.0,
            }
            .round();
            let action = ["assigned", "reassigned", "rescheduled"][rng.gen_range(0..3)];
            let stop = json!({
                "job": jid,
                "start": format_time(start),
                "end": format_time(start + job.duration),
                "drive_minutes": 10.0,
                "action": action,
            });
            insert_sorted(plan, r, stop);
        }
        "low_bound" => {
            let Some(obj) = plan["metrics"]["objective"].as_f64() else {
                return false;
            };
            plan["solver"]["bound"] = json!(obj - [0.001, 1.0, 500.0][rng.gen_range(0..3)]);
        }
        "drop_alerts" => {
            if plan["alerts"].as_array().map_or(true, Vec::is_empty) {
                return false;
            }
            if rng.gen_bool(0.5) {
                plan.as_object_mut().unwrap().remove("alerts");
            } else {
                plan["alerts"].as_array_mut().unwrap().pop();
            }
        }
        "schema_type" => match rng.gen_range(0..8) {
            0 => {
                let Some((r, k)) = pick_stop(rng) else {
                    return false;
                };
                plan["routes"][r]["stops"][k]["start"] = json!("8 o'clock");
            }
            1 => {
                let Some((r, k)) = pick_stop(rng) else {
                    return false;
                };
                plan["routes"][r]["stops"][k]["job"] = json!(7);
            }
            2 => {
                let Some((r, k)) = pick_stop(rng) else {
                    return false;
                };
                plan["routes"][r]["stops"][k]["drive_minutes"] = json!(-1.0);
            }
            3 => plan["routes"][0]["technician"] = Value::Null,
            4 => plan["metrics"]["unassigned"] = json!(-1),
            5 => plan["solver"]["seconds"] = json!("fast"),
            6 => plan["routes"][0]["drive_minutes"] = json!(-3.5),
            _ => {
                let Some((r, k)) = pick_stop(rng) else {
                    return false;
                };
                plan["routes"][r]["stops"][k]["action"] = json!("moved");
            }
        },
        "fuzz_node" => {
            // any node of the plan replaced by a value of any JSON type
            let mut paths = Vec::new();
            node_paths(plan, &mut Vec::new(), &mut paths);
            let Some(path) = paths.choose(rng).cloned() else {
                return false;
            };
            let mut cur = &mut *plan;
            for k in &path {
                cur = match k {
                    Key::Index(i) => &mut cur[*i],
                    Key::Field(f) => &mut cur[f.as_str()],
                };
            }
            *cur = match rng.gen_range(0..8) {
                0 => Value::Null,
                1 => json!(true),
                2 => json!(-1),
                3 => json!(12.5),
                4 => json!("J1"),
                5 => json!("2026-11-26T09:00"),
                6 => json!([]),
                _ => json!({}),
            };
        }
        _ => unreachable!("unknown mutation {what}"),
    }
    true
}

// ------------------------------------------------------------------ python

/// Runs validate.py's `validate_plan` on many (problem, plan) pairs in one
/// process (its documented import API), returning each plan's rule set.
fn python_batch(dir: &Path, cases: &[(String, Vec<Value>)]) -> Vec<Vec<BTreeSet<String>>> {
    let input = dir.join("cases.json");
    let data: Vec<Value> = cases
        .iter()
        .map(|(problem, plans)| {
            json!({"problem": serde_json::from_str::<Value>(problem).unwrap(), "plans": plans})
        })
        .collect();
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
    let tools = validate_py().parent().unwrap().to_path_buf();
    let out = Command::new(python())
        .arg("-c")
        .arg(script)
        .arg(&tools)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("python3 is required for this test and could not be run: {e}"));
    assert!(
        out.status.success(),
        "validate.py batch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<Vec<Vec<String>>> = serde_json::from_slice(&out.stdout).unwrap();
    v.into_iter()
        .map(|plans| plans.into_iter().map(|r| r.into_iter().collect()).collect())
        .collect()
}

/// validate.py as CI runs it: files on disk, `--json`.
fn python_cli(dir: &Path, name: &str, problem: &str, plan: &Value) -> BTreeSet<String> {
    let pp = dir.join(format!("{name}-problem.json"));
    let lp = dir.join(format!("{name}-plan.json"));
    std::fs::write(&pp, problem).unwrap();
    std::fs::write(&lp, serde_json::to_string_pretty(plan).unwrap()).unwrap();
    let out = Command::new(python())
        .arg(validate_py())
        .arg(&pp)
        .arg(&lp)
        .arg("--json")
        .output()
        .unwrap_or_else(|e| panic!("python3 is required for this test and could not be run: {e}"));
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(1),
        "validate.py exited {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(res["valid"].as_bool(), Some(code == Some(0)));
    res["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap().to_string())
        .collect()
}

fn rust_rules(inst: &Instance, plan: &Value) -> BTreeSet<String> {
    check_instance(inst, plan)
        .violations
        .iter()
        .map(|v| v.rule.as_str().to_string())
        .collect()
}

fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("check_differential");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Replaces the travel model by an asymmetric matrix (each direction of a
/// pair scaled on its own), so a drive taken the wrong way round shows.
fn asymmetric(problem: &mut Problem, rng: &mut ChaCha8Rng) {
    let inst = Instance::new(problem);
    let n = problem.technicians.len() + problem.jobs.len();
    let minutes = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    let f = if a == b { 0.0 } else { rng.gen_range(0.6..1.5) };
                    (inst.drive(a, b) * f * 100.0).round() / 100.0
                })
                .collect()
        })
        .collect();
    problem.travel = autodispatch_model::problem::Travel::Matrix { minutes };
}

struct Case {
    label: String,
    inst: Instance,
    problem_json: String,
    plans: Vec<(String, Value)>,
}

fn build_cases(seeds: std::ops::Range<u64>, mutants: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    for seed in seeds {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x00C0_FFEE);
        let jobs = rng.gen_range(6..60);
        let techs = rng.gen_range(1..8);
        let mut problem: Problem = autodispatch_testkit::random_day(seed, jobs, techs);
        if rng.gen_bool(0.3) {
            asymmetric(&mut problem, &mut rng);
        }
        let inst = Instance::new(&problem);
        let sched = plan_schedule(&inst, seed);
        let plan = build_plan(&inst, &sched, info()).to_value();
        let mut plans = vec![("valid".to_string(), plan.clone())];
        let mut made = 0;
        let mut tries = 0;
        while made < mutants && tries < mutants * 4 {
            tries += 1;
            let mut p = plan.clone();
            let k = if rng.gen_bool(0.75) {
                1
            } else {
                rng.gen_range(2..4)
            };
            let mut names = Vec::new();
            for _ in 0..k {
                let what = MUTATIONS[rng.gen_range(0..MUTATIONS.len())];
                if mutate(&mut p, &inst, what, &mut rng) {
                    names.push(what);
                }
                if what == "fuzz_node" {
                    break; // the other mutations expect the plan's shape
                }
            }
            if names.is_empty() {
                continue;
            }
            made += 1;
            plans.push((names.join("+"), p));
        }
        cases.push(Case {
            label: format!("seed {seed} ({jobs} jobs x {techs} techs)"),
            problem_json: problem.to_json(),
            inst,
            plans,
        });
    }
    cases
}

#[test]
fn planner_plans_are_clean_and_mutants_break_the_same_rules_in_both_checkers() {
    let dir = scratch();
    let cases = build_cases(0..300, 10);
    let batch: Vec<(String, Vec<Value>)> = cases
        .iter()
        .map(|c| {
            (
                c.problem_json.clone(),
                c.plans.iter().map(|p| p.1.clone()).collect(),
            )
        })
        .collect();
    let py = python_batch(&dir, &batch);
    let mut failures = Vec::new();
    let mut seen_rules: BTreeSet<String> = BTreeSet::new();
    let mut total = 0;
    for (c, py_sets) in cases.iter().zip(&py) {
        for ((what, plan), py_set) in c.plans.iter().zip(py_sets) {
            total += 1;
            let rs = rust_rules(&c.inst, plan);
            if what == "valid" && (!rs.is_empty() || !py_set.is_empty()) {
                failures.push(format!(
                    "{}: the planner's plan is not clean: rust {rs:?}, validate.py {py_set:?}\n{}",
                    c.label,
                    check_instance(&c.inst, plan)
                ));
                continue;
            }
            if &rs != py_set {
                failures.push(format!(
                    "{} [{what}]: rust {rs:?} != validate.py {py_set:?}\n{}",
                    c.label,
                    check_instance(&c.inst, plan)
                ));
            }
            seen_rules.extend(rs);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} plans disagree:\n{}",
        failures.len(),
        failures
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // the mutants must reach every rule, or the comparison says little
    for rule in Rule::ALL {
        assert!(
            seen_rules.contains(rule.as_str()),
            "no mutant broke {rule}: {seen_rules:?}"
        );
    }
}

#[test]
fn validate_py_command_line_agrees_on_files() {
    let dir = scratch();
    let cases = build_cases(100..103, 3);
    for (ci, c) in cases.iter().enumerate() {
        for (pi, (what, plan)) in c.plans.iter().enumerate() {
            let py = python_cli(&dir, &format!("cli-{ci}-{pi}"), &c.problem_json, plan);
            let rs = rust_rules(&c.inst, plan);
            assert_eq!(rs, py, "{} [{what}]: rust vs validate.py CLI", c.label);
            if what == "valid" {
                assert!(rs.is_empty(), "{}: planner plan not clean: {rs:?}", c.label);
            }
        }
    }
}
