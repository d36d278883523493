//! Greedy against greedy + ruin and recreate on FORMAT.md days, at a fixed
//! work budget (so comparisons do not depend on the machine's load):
//! `cargo run --release -p autodispatch-greedy --example lns_days -- SECONDS DAY.json...`.
//! SECONDS sizes the counted work as `lns::Budget::new` does; the clock is
//! not a limit. Prints per day: objectives, iterations, work and seconds.

use std::time::{Duration, Instant};

use autodispatch_greedy::lns::{ruin_and_recreate, Budget};
use autodispatch_greedy::{baseline, Greedy};
use autodispatch_model::build::objective;
use autodispatch_model::{load_problem_file, Instance, SolveOptions, Solver};

fn main() {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: lns_days SECONDS DAY.json...");
    for path in args {
        let problem = load_problem_file(std::path::Path::new(&path)).expect("a valid day");
        let inst = Instance::new(&problem);
        let t0 = Instant::now();
        let g = Greedy
            .solve(&inst, &SolveOptions::default())
            .expect("greedy never fails");
        let g_secs = t0.elapsed().as_secs_f64();
        let seeds: u64 = std::env::var("SEEDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        for seed in 0..seeds {
            let budget = Budget::new(
                &inst,
                seed,
                Duration::from_secs_f64(secs),
                Instant::now() + Duration::from_secs(3600),
            );
            let t1 = Instant::now();
            let run = ruin_and_recreate(&inst, &g.schedule, &budget);
            println!(
            "{}\tgreedy {:.2}\tlns {:.2}\t{:.2}s\tgreedy {:.2}s\t{} iterations, {} improvements, {} work\tbaseline {:.2}",
            problem.name,
            objective(&inst, &g.schedule),
            objective(&inst, &run.schedule),
            t1.elapsed().as_secs_f64(),
            g_secs,
            run.iterations,
            run.improvements,
            run.work,
            objective(&inst, &baseline(&inst))
        );
        }
    }
}
