//! Benchmarks the MILP against greedy on generated days:
//! `cargo run --release -p autodispatch-milp --example bench -- JOBS TECHS SECONDS [SEEDS [FIRST_SEED]]`,
//! with `MILP_THREADS` and `MILP_GAP` for `--threads` and `--gap`.

use std::time::{Duration, Instant};

use autodispatch_greedy::Greedy;
use autodispatch_milp::Milp;
use autodispatch_model::build::objective;
use autodispatch_model::{Instance, SolveOptions, Solver};
use autodispatch_testkit::bench_day;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (jobs, techs, seeds, first) = (arg(0, 30), arg(1, 6), arg(3, 3), arg(4, 0));
    let secs: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10.0);
    println!(
        "day        greedy      milp        bound       gap%   vs-greedy%  secs  status   note"
    );
    let (mut gaps, mut gains) = (Vec::new(), Vec::new());
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<usize>().ok());
    let threads = env("MILP_THREADS").unwrap_or(1);
    let gap: f64 = std::env::var("MILP_GAP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    for seed in first..first + seeds {
        let p = bench_day(seed, jobs as usize, techs as usize);
        let inst = Instance::new(&p);
        let opts = SolveOptions {
            time_limit: Duration::from_secs_f64(secs),
            seed,
            threads,
            gap,
        };
        let g = Greedy.solve(&inst, &opts).expect("greedy");
        let g_obj = objective(&inst, &g.schedule);
        let t0 = Instant::now();
        let mut milp = Milp::default();
        if let Some(v) = env("MILP_LABELS") {
            milp.max_labels = v;
        }
        if let Some(v) = env("MILP_NG") {
            milp.ng_size = v;
        }
        if let Some(v) = env("MILP_LAB") {
            milp.max_label_jobs = v;
        }
        let m = milp.solve(&inst, &opts).expect("milp");
        let el = t0.elapsed().as_secs_f64();
        let obj = objective(&inst, &m.schedule);
        let b = m.bound.unwrap_or(f64::NAN);
        gaps.push(100.0 * (b - obj) / b.abs().max(1.0));
        gains.push(100.0 * (obj - g_obj) / g_obj.abs().max(1.0));
        println!(
            "{seed:>2} {jobs}/{techs}  {g_obj:>10.1}  {obj:>10.1}  {b:>10.1}  {:>5.2}  {:>+9.2}  {el:>5.2}  {:<8} {}",
            100.0 * (b - obj) / b.abs().max(1.0),
            100.0 * (obj - g_obj) / g_obj.abs().max(1.0),
            m.status.as_str(),
            m.note.unwrap_or_default()
        );
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let worst = gaps.iter().copied().fold(0.0, f64::max);
    println!(
        "mean gap {:.2}% (worst {worst:.2}%), mean objective vs greedy {:+.2}%",
        mean(&gaps),
        mean(&gains)
    );
}
