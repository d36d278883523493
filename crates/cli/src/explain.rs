//! `autodispatch explain PROBLEM.json JOB_ID [--plan PLAN.json] [--json]`:
//! the dispatcher's troubleshooter. Per technician: does the job fit their
//! day on its own, and if not, which rule says no; for those it fits, the
//! best insertion into their route in the plan and its change in the
//! objective, best first.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use autodispatch_model::build::is_fixed_stop;
use autodispatch_model::explain::{alone, in_route, reason};
use autodispatch_model::load::{parse_json, read_text};
use autodispatch_model::route::RouteStop;
use autodispatch_model::time::{clock, parse_time};
use autodispatch_model::{Instance, JobClass, SolveOptions};
use serde_json::{json, Value};

use crate::common::{load_problem, solver_by_name, usage};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The problem (FORMAT.md `dispatch-problem/1`).
    pub problem: PathBuf,
    /// The job to explain.
    pub job: String,
    /// The plan whose routes insertions go into (default: a greedy plan of the day).
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

struct Row {
    tech: usize,
    alone: Result<f64, (String, String)>,
    insertion: Option<Result<(f64, f64), (String, String)>>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let problem = load_problem(&args.problem)?;
    let inst = Instance::new(&problem);
    let Some(j) = inst.job_index(&args.job) else {
        return Err(usage(format!(
            "job {:?} is not in {}",
            args.job,
            args.problem.display()
        )));
    };
    let routes = match &args.plan {
        Some(path) => routes_from_plan(&inst, path)?,
        None => {
            let solver = solver_by_name("greedy").ok_or_else(|| usage("no greedy solver"))?;
            let opts = SolveOptions {
                time_limit: Duration::from_secs(2),
                ..SolveOptions::default()
            };
            let sol = solver.solve(&inst, &opts)?;
            sol.schedule
                .routes
                .iter()
                .map(|r| r.iter().map(|v| (v.job, v.start)).collect())
                .collect()
        }
    };
    let placed = routes
        .iter()
        .enumerate()
        .find_map(|(t, r): (usize, &Vec<(usize, f64)>)| {
            r.iter().find(|v| v.0 == j).map(|v| (t, v.1))
        });
    let status = status_line(&inst, j, placed);
    let mut rows = Vec::with_capacity(inst.techs.len());
    for (t, planned) in routes.iter().enumerate() {
        let a = alone(&inst, j, t);
        let insertion = a.as_ref().ok().map(|_| {
            let route: Vec<RouteStop> = planned
                .iter()
                .filter(|v| v.0 != j)
                .map(|&(job, start)| RouteStop {
                    job,
                    fixed: is_fixed_stop(&inst, job, t, start).then_some(start),
                })
                .collect();
            in_route(&inst, j, t, &route)
                .map(|ins| (ins.delta, ins.start))
                .map_err(|r| (r.rule.as_str().to_string(), r.detail))
        });
        rows.push(Row {
            tech: t,
            alone: a
                .map(|ins| ins.delta)
                .map_err(|r| (r.rule.as_str().to_string(), r.detail)),
            insertion,
        });
    }
    // best first: insertable by delta, then fits alone, then rejected (in technician order)
    rows.sort_by(|a, b| {
        let key = |r: &Row| match (&r.insertion, &r.alone) {
            (Some(Ok((d, _))), _) => (0, -*d),
            (_, Ok(d)) => (1, -*d),
            _ => (2, 0.0),
        };
        let (ka, kb) = (key(a), key(b));
        ka.0.cmp(&kb.0)
            .then(ka.1.total_cmp(&kb.1))
            .then(a.tech.cmp(&b.tech))
    });
    if args.json {
        let techs: Vec<Value> = rows
            .iter()
            .map(|r| {
                let mut o = json!({ "technician": inst.techs[r.tech].id });
                match &r.alone {
                    Ok(d) => {
                        o["fits_alone"] = json!(true);
                        o["alone_delta"] = json!(round2(*d));
                    }
                    Err((rule, detail)) => {
                        o["fits_alone"] = json!(false);
                        o["rule"] = json!(rule);
                        o["detail"] = json!(detail);
                    }
                }
                match &r.insertion {
                    Some(Ok((d, s))) => {
                        o["insertion"] = json!({
                            "delta_objective": round2(*d),
                            "start": autodispatch_model::time::format_time(*s),
                        });
                    }
                    Some(Err((rule, detail))) => {
                        o["insertion"] = Value::Null;
                        o["rule"] = json!(rule);
                        o["detail"] = json!(detail);
                    }
                    None => {}
                }
                o
            })
            .collect();
        let out = json!({ "job": inst.jobs[j].id, "status": status, "technicians": techs });
        crate::outln!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        crate::outln!("{} — {}", inst.jobs[j].id, status);
        crate::outln!("");
        for r in &rows {
            let id = &inst.techs[r.tech].id;
            match (&r.alone, &r.insertion) {
                (Ok(_), Some(Ok((d, s)))) => crate::outln!(
                    "  {id:<8} fits    best insertion at {} changes the objective by {:+.2}",
                    clock(*s),
                    d
                ),
                (Ok(d), Some(Err((rule, detail)))) => crate::outln!(
                    "  {id:<8} fits alone ({d:+.2}), but not into the current route [{rule}]: {detail}"
                ),
                (Ok(d), None) => crate::outln!("  {id:<8} fits alone ({d:+.2})"),
                (Err((rule, detail)), _) => crate::outln!("  {id:<8} no      [{rule}] {detail}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn status_line(inst: &Instance, j: usize, placed: Option<(usize, f64)>) -> String {
    let job = &inst.jobs[j];
    let fixed = match job.class {
        JobClass::Excluded => Some(format!(
            "excluded (status {}): not planned",
            inst.problem.jobs[j].status.as_str()
        )),
        JobClass::Locked => job.assignment.map(|(t, s)| {
            format!(
                "locked with {} at {}: the optimizer does not move it",
                inst.techs[t].id,
                clock(s)
            )
        }),
        JobClass::Unassignable(code) => {
            let (_, d) = reason(inst, j);
            Some(format!("never assigned by the optimizer [{code}]: {d}"))
        }
        _ => None,
    };
    if let Some(f) = fixed {
        return f;
    }
    match placed {
        Some((t, s)) => format!(
            "assigned to {} at {} in the plan",
            inst.techs[t].id,
            clock(s)
        ),
        None => {
            let (code, d) = reason(inst, j);
            format!("unassigned in the plan [{code}]: {d}")
        }
    }
}

/// Reads the routes of a plan file as (job index, start) per technician.
fn routes_from_plan(
    inst: &Instance,
    path: &std::path::Path,
) -> anyhow::Result<Vec<Vec<(usize, f64)>>> {
    let text = read_text(path).map_err(|e| usage(e.to_string()))?;
    let plan = parse_json(&text).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    let mut routes = vec![Vec::new(); inst.techs.len()];
    let bad = |p: String, m: &str| usage(format!("{}: {p}: {m}", path.display()));
    let Some(list) = plan.get("routes").and_then(Value::as_array) else {
        return Err(bad("routes".into(), "expected a list of routes"));
    };
    for (i, r) in list.iter().enumerate() {
        let Some(tid) = r.get("technician").and_then(Value::as_str) else {
            return Err(bad(
                format!("routes[{i}].technician"),
                "expected a technician id",
            ));
        };
        let Some(t) = inst.tech_index(tid) else {
            return Err(bad(format!("routes[{i}].technician"), "unknown technician"));
        };
        let Some(stops) = r.get("stops").and_then(Value::as_array) else {
            return Err(bad(
                format!("routes[{i}].stops"),
                "expected a list of stops",
            ));
        };
        for (k, st) in stops.iter().enumerate() {
            let p = format!("routes[{i}].stops[{k}]");
            let job = st
                .get("job")
                .and_then(Value::as_str)
                .and_then(|id| inst.job_index(id))
                .ok_or_else(|| bad(format!("{p}.job"), "expected a job id of the problem"))?;
            let start = st
                .get("start")
                .and_then(Value::as_str)
                .and_then(|s| parse_time(s).ok())
                .ok_or_else(|| bad(format!("{p}.start"), "expected a date-time"))?;
            routes[t].push((job, start));
        }
    }
    Ok(routes)
}
