//! Greedy against the plain baseline over many generated days: mean
//! objective ratio, wins, and time. `cargo run --release -p
//! autodispatch-greedy --example greedy_eval -- [DAYS]`.

use std::time::{Duration, Instant};

use autodispatch_greedy::{baseline, Greedy};
use autodispatch_model::build::objective;
use autodispatch_model::{Instance, SolveOptions, Solver};

fn main() {
    let days: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(10),
        seed: 0,
        threads: 1,
        gap: 0.0,
    };
    for (label, bench) in [("random_day 5-80 jobs", false), ("bench_day 100x15", true)] {
        let (mut sum_g, mut sum_b, mut wins, mut secs) = (0.0, 0.0, 0, 0.0);
        for k in 0..days {
            let p = if bench {
                autodispatch_testkit::bench_day(k, 100, 15)
            } else {
                let jobs = 5 + (k as usize * 13) % 76;
                autodispatch_testkit::random_day(1000 + k, jobs, 1 + jobs / 6 + (k as usize % 3))
            };
            let inst = Instance::new(&p);
            let t0 = Instant::now();
            let sol = Greedy.solve(&inst, &opts).expect("greedy never fails");
            secs += t0.elapsed().as_secs_f64();
            let (g, b) = (
                objective(&inst, &sol.schedule),
                objective(&inst, &baseline(&inst)),
            );
            sum_g += g;
            sum_b += b;
            if g > b + 1e-6 {
                wins += 1;
            }
        }
        println!(
            "{label}: {days} days, greedy/baseline total objective {:.4}, greedy better on {wins}, greedy {:.1} ms/day",
            sum_g / sum_b,
            secs * 1000.0 / days as f64
        );
    }
}
