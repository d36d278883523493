//! `autodispatch solve PROBLEM.json [--solver NAME] [--time-limit S] [--seed N] [--threads N] [--gap F] [-o PLAN.json]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::bail;
use autodispatch_model::check::check_plan;
use autodispatch_model::{build_plan, Instance, Plan, SolveOptions, SolverInfo};

use crate::common::{load_problem, solver_by_name, usage, write_output, SOLVER_NAMES};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The day to plan (FORMAT.md `dispatch-problem/1`).
    pub problem: PathBuf,
    /// Which solver plans the day: auto (greedy, ruin and recreate, then the
    /// MILP with a proven bound; the heuristic plan when the MILP fails or
    /// finds nothing better), milp, lns (greedy + ruin and recreate), or
    /// greedy.
    #[arg(long, default_value = "auto", value_name = "NAME")]
    pub solver: String,
    /// Wall-clock budget in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub time_limit: f64,
    /// Seed for every random choice; same input and seed give the same plan.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads, 0 for every core (the plan does not depend on it
    /// unless the time limit cuts the search).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Stop once the plan is proven within this fraction of the bound
    /// ((bound - objective) / |bound|; 0.01 is 1%); 0 runs until the plan
    /// is proven optimal or time is up.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub gap: f64,
    /// Write the plan here instead of standard output (nothing is written on failure).
    #[arg(short = 'o', long = "output", value_name = "PLAN.json")]
    pub output: Option<PathBuf>,
    /// Print a readable summary (to stdout without -o, else to stderr).
    #[arg(long)]
    pub summary: bool,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    crate::common::check_time_limit(args.time_limit)?;
    crate::common::check_threads(args.threads)?;
    crate::common::check_gap(args.gap)?;
    let solver = solver_by_name(&args.solver).ok_or_else(|| {
        usage(format!(
            "unknown solver {:?}; known: {}",
            args.solver,
            SOLVER_NAMES.join(", ")
        ))
    })?;
    let problem = load_problem(&args.problem)?;
    let opts = SolveOptions {
        time_limit: Duration::from_secs_f64(args.time_limit),
        seed: args.seed,
        threads: crate::common::solve_threads(args.threads),
        gap: args.gap,
    };
    let plan = plan_day(&problem, solver.as_ref(), &opts)?;
    let report = check_plan(&problem, &plan);
    if !report.is_valid() {
        let mut msg = format!(
            "internal error: the {} plan breaks {} rule(s); no plan written:",
            plan.solver.name,
            report.violations.len()
        );
        for v in report.violations.iter().take(20) {
            msg.push_str(&format!("\n  {}", crate::check::describe(v)));
        }
        bail!(msg);
    }
    let summary = summary(&problem, &plan);
    match (&args.output, args.summary) {
        (None, true) => crate::outln!("{summary}"),
        (None, false) => write_output(None, &plan.to_json())?,
        (Some(p), show) => {
            write_output(Some(p), &plan.to_json())?;
            if show {
                eprintln!("{summary}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Solves and builds the plan, timing the whole solve.
pub fn plan_day(
    problem: &autodispatch_model::Problem,
    solver: &dyn autodispatch_model::Solver,
    opts: &SolveOptions,
) -> anyhow::Result<Plan> {
    let started = Instant::now();
    let inst = Instance::new(problem);
    let solution = solver.solve(&inst, opts)?;
    let info = SolverInfo {
        name: solver.name().to_string(),
        status: solution.status,
        seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        bound: solution.bound.map(autodispatch_model::build::round4),
        note: solution.note,
    };
    Ok(build_plan(&inst, &solution.schedule, info))
}

/// A readable summary of a plan: totals, routes, unassigned jobs with reasons.
pub fn summary(problem: &autodispatch_model::Problem, plan: &Plan) -> String {
    use std::fmt::Write;
    let m = &plan.metrics;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — {} jobs, {} technicians — solver {} ({}, {:.2} s)",
        problem.name,
        problem.jobs.len(),
        problem.technicians.len(),
        plan.solver.name,
        plan.solver.status.as_str(),
        plan.solver.seconds
    );
    let _ = writeln!(
        s,
        "assigned {}  unassigned {}  excluded {}  value {:.2}  weighted {:.2}  drive {:.1} min  objective {:.2}{}",
        m.assigned,
        m.unassigned,
        plan.excluded.len(),
        m.value,
        m.weighted_value,
        m.drive_minutes,
        m.objective,
        plan.solver
            .bound
            .map(|b| format!("  bound {b:.2}"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "\nroutes:");
    for r in &plan.routes {
        if r.stops.is_empty() {
            let _ = writeln!(s, "  {:<8} (no work)", r.technician);
            continue;
        }
        let stops: Vec<String> = r
            .stops
            .iter()
            .map(|st| {
                let t = autodispatch_model::time::clock(st.start.0);
                format!("{t} {}{}", st.job, action_mark(st.action))
            })
            .collect();
        let _ = writeln!(
            s,
            "  {:<8} {:>6.1} min  {}",
            r.technician,
            r.drive_minutes,
            stops.join(" → ")
        );
    }
    if !plan.unassigned.is_empty() {
        let _ = writeln!(s, "\nunassigned:");
        for u in &plan.unassigned {
            let _ = writeln!(s, "  {:<8} {:<16} {}", u.job, u.reason.as_str(), u.detail);
        }
    }
    if !plan.alerts.is_empty() {
        let _ = writeln!(s, "\nalerts:");
        for a in &plan.alerts {
            let _ = writeln!(s, "  {:<8} {:?}: {}", a.job, a.kind, a.detail);
        }
    }
    let _ = write!(
        s,
        "\nmarks: * locked, = kept, + assigned, > reassigned, ~ rescheduled"
    );
    s
}

fn action_mark(a: autodispatch_model::plan::Action) -> &'static str {
    use autodispatch_model::plan::Action;
    match a {
        Action::Locked => "*",
        Action::Kept => "=",
        Action::Assigned => "+",
        Action::Reassigned => ">",
        Action::Rescheduled => "~",
    }
}
