//! The knapsack Lagrangian of a day on its own: `cargo run --release -p
//! autodispatch-milp --example knapsack -- DAY.json [STEPS]`. Prints the
//! bound its subgradient steps reach (STEPS, default 1000), the steps
//! taken, the time, and greedy's plan for scale.
mod common;

use std::time::{Duration, Instant};

use autodispatch_greedy::Greedy;
use autodispatch_milp::lagrange::{candidate_rows, knapsack_dual};
use autodispatch_milp::pricing::{TechData, MAX_LABEL_JOBS};
use autodispatch_model::build::objective;
use autodispatch_model::{Instance, SolveOptions, Solver};

fn main() {
    let (args, p) = common::day_from_args("knapsack DAY.json [STEPS]");
    let steps: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let inst = Instance::new(&p);
    let greedy = Greedy
        .solve(&inst, &SolveOptions::default())
        .map(|s| objective(&inst, &s.schedule))
        .unwrap_or(0.0);
    let t0 = Instant::now();
    let techs: Vec<TechData> = (0..inst.techs.len())
        .map(|t| TechData::new(&inst, t, MAX_LABEL_JOBS, 1))
        .collect();
    let rows = candidate_rows(&techs);
    let setup = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let zero = vec![0.0; inst.jobs.len()];
    let far = Instant::now() + Duration::from_secs(3600);
    let kd = knapsack_dual(&inst, &techs, &rows, &zero, greedy, steps, far);
    println!(
        "bound {:.1} ({:+.2}% over greedy's {greedy:.1}), {} steps in {:.3} s (set-up {setup:.3} s)",
        kd.bound,
        100.0 * (kd.bound - greedy) / greedy.abs().max(1.0),
        kd.steps,
        t1.elapsed().as_secs_f64()
    );
}
