//! Plans one generated benchmark day and prints time, objective and the
//! baseline's objective: `cargo run --release -p autodispatch-greedy
//! --example greedy_day -- JOBS TECHS [SEED]` (used for the memory and
//! timing numbers in docs/benchmarks.md).

use std::time::{Duration, Instant};

use autodispatch_greedy::{baseline, Greedy};
use autodispatch_model::build::objective;
use autodispatch_model::{Instance, SolveOptions, Solver};

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let jobs = args.first().copied().unwrap_or(1000) as usize;
    let techs = args.get(1).copied().unwrap_or(120) as usize;
    let seed = args.get(2).copied().unwrap_or(1);
    let p = autodispatch_testkit::bench_day(seed, jobs, techs);
    let inst = Instance::new(&p);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(10),
        seed,
        threads: 1,
        gap: 0.0,
    };
    let t0 = Instant::now();
    let sol = Greedy.solve(&inst, &opts).expect("greedy never fails");
    let secs = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let base = baseline(&inst);
    let base_secs = t1.elapsed().as_secs_f64();
    let (g, b) = (objective(&inst, &sol.schedule), objective(&inst, &base));
    let routed = sol.schedule.routes.iter().map(Vec::len).sum::<usize>();
    println!(
        "{jobs}x{techs} seed {seed}: greedy {secs:.3}s objective {g:.1} ({routed} stops, {:?}, {}); baseline {base_secs:.3}s objective {b:.1}; ratio {:.4}",
        sol.status,
        sol.note.unwrap_or_default(),
        g / b
    );
}
