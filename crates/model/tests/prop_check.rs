//! Checker robustness: plans of testkit days, mutated as JSON (nodes
//! replaced by any JSON, deleted, job ids moved, numbers made extreme, times
//! garbled), never panic `check`; the unmutated plan is valid; a plan that
//! drops a job, or lists one twice, is caught by a nothing-lost rule.
//!
//! Fixed, seeded budget for CI; `PROPTEST_CASES` / `PROPTEST_RNG_SEED`
//! override it (docs/robustness.md).

use autodispatch_model::check::check;
use autodispatch_model::explain::fixed_route;
use autodispatch_model::plan::{Schedule, SolverInfo, SolverStatus, Visit};
use autodispatch_model::route::{best_insertion, schedule, RouteStop};
use autodispatch_model::rules::{Rule, StartWindow};
use autodispatch_model::{build_plan, Instance, JobClass, Problem};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
use serde_json::Value;

const CASES: u32 = 3000;
const SEED: u64 = 0xC4EC_2026;

fn config(cases: u32) -> Config {
    let mut c = Config {
        // shrunk failures are kept here and replayed first (commit them once they pass)
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/prop_check.txt",
        ))),
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = cases;
    }
    if c.rng_seed == RngSeed::Random {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    c
}

/// A plain valid schedule: fixed stops, then managed jobs in index order at
/// their best insertion over all technicians.
fn plain_schedule(inst: &Instance) -> Schedule {
    let mut routes: Vec<Vec<RouteStop>> = (0..inst.techs.len())
        .map(|t| fixed_route(inst, t))
        .collect();
    for j in 0..inst.jobs.len() {
        if inst.jobs[j].class != JobClass::Managed || StartWindow::passed(inst, j) {
            continue;
        }
        let best = routes
            .iter()
            .enumerate()
            .filter(|&(t, _)| inst.fit(j, t).is_yes())
            .filter_map(|(t, r)| best_insertion(inst, t, r, j).ok().map(|i| (t, i)))
            .max_by(|a, b| a.1.delta.total_cmp(&b.1.delta));
        if let Some((t, ins)) = best {
            routes[t].insert(ins.position, RouteStop::movable(j));
        }
    }
    Schedule {
        routes: routes
            .iter()
            .enumerate()
            .map(|(t, r)| {
                let timed = schedule(inst, t, r).expect("a route built by insertion times");
                r.iter()
                    .zip(&timed.starts)
                    .map(|(s, &start)| Visit { job: s.job, start })
                    .collect()
            })
            .collect(),
    }
}

fn plan_json(p: &Problem) -> Value {
    let inst = Instance::new(p);
    let info = SolverInfo {
        name: "plain".into(),
        status: SolverStatus::Feasible,
        seconds: 0.0,
        bound: None,
        note: None,
    };
    build_plan(&inst, &plain_schedule(&inst), info).to_value()
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    At(usize),
}

fn nodes(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                at.push(Seg::Key(k.clone()));
                nodes(c, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                at.push(Seg::At(i));
                nodes(c, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(v: &'a mut Value, segs: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in segs {
        cur = match (s, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::At(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop::sample::select(vec![
            0.0, -0.0, -1.0, 0.5, 1e-300, 1e7, 1e12, 1e300, -1e300, 6000.0
        ])
        .prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::String),
        prop::sample::select(vec![
            "2026-11-26T08:00",
            "2026-11-26T25:00",
            "9999-12-31T23:59",
            "+99999-01-01T00:00",
            "0000-01-01T00:00",
            "2026-11-26T0８:00",
            "locked",
            "kept",
            "assigned",
            "rescheduled",
            "optimal",
            "time_limit",
            "capacity",
            "skills",
            "double_booking",
            "canceled",
            "J1",
            "T1",
            "NaN",
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Op {
    Replace(Index, Value),
    Delete(Index),
    /// Copy one `job` value over another: one job lost, one listed twice.
    MoveJob(Index, Index),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<Index>(), any_json()).prop_map(|(i, v)| Op::Replace(i, v)),
        2 => any::<Index>().prop_map(Op::Delete),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Op::MoveJob(a, b)),
    ]
}

fn apply(doc: &mut Value, op: &Op) {
    let mut all = Vec::new();
    nodes(doc, &mut Vec::new(), &mut all);
    match op {
        Op::Replace(i, v) => {
            if let Some(n) = node_mut(doc, i.get::<Vec<Seg>>(&all)) {
                *n = v.clone();
            }
        }
        Op::Delete(i) => {
            let at = i.get(&all).clone();
            let Some((last, parent)) = at.split_last() else {
                return;
            };
            match (node_mut(doc, parent), last) {
                (Some(Value::Object(m)), Seg::Key(k)) => {
                    m.shift_remove(k);
                }
                (Some(Value::Array(a)), Seg::At(i)) => {
                    a.remove(*i);
                }
                _ => {}
            }
        }
        Op::MoveJob(a, b) => {
            let jobs: Vec<Vec<Seg>> = all
                .iter()
                .filter(|p| matches!(p.last(), Some(Seg::Key(k)) if k == "job"))
                .cloned()
                .collect();
            if jobs.is_empty() {
                return;
            }
            let id = node_mut(doc, a.get::<Vec<Seg>>(&jobs)).map(|v| v.clone());
            if let (Some(id), Some(n)) = (id, node_mut(doc, b.get::<Vec<Seg>>(&jobs))) {
                *n = id;
            }
        }
    }
}

/// Every job id listed by a plan's routes, unassigned and excluded entries.
fn listed(plan: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let ids = |v: &Value| v.get("job").and_then(Value::as_str).map(str::to_string);
    for r in plan["routes"].as_array().into_iter().flatten() {
        out.extend(r["stops"].as_array().into_iter().flatten().filter_map(ids));
    }
    for key in ["unassigned", "excluded"] {
        out.extend(plan[key].as_array().into_iter().flatten().filter_map(ids));
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn check_never_panics_and_catches_lost_jobs(
        seed in 0u64..1_000_000,
        jobs in 0usize..12,
        techs in 0usize..4,
        ops in prop::collection::vec(op(), 1..4),
    ) {
        let p = autodispatch_testkit::random_day(seed, jobs, techs);
        let plan = plan_json(&p);
        let clean = check(&p, &plan);
        prop_assert!(clean.is_valid(), "the unmutated plan: {}", clean);
        let mut m = plan;
        for op in &ops {
            apply(&mut m, op);
        }
        let report = check(&p, &m);
        // a job no longer listed once (with the listing itself intact) is
        // caught by one of the nothing-lost rules
        let mut want: Vec<String> = p.jobs.iter().map(|j| j.id.clone()).collect();
        want.sort();
        if listed(&m) != want {
            // (or, when the entry itself is no longer an entry, by the
            // schema rule)
            let caught = [Rule::LostJob, Rule::DuplicateJob, Rule::UnknownJob, Rule::Schema];
            prop_assert!(
                report.rules().iter().any(|r| caught.contains(r)),
                "jobs {:?} listed as {:?}, and no nothing-lost rule: {}", want, listed(&m), report
            );
        }
        // the report prints
        let _ = report.to_string();
    }
}
