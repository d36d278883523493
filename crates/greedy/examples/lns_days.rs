//! Greedy against greedy + ruin and recreate on FORMAT.md days:
//! `cargo run --release -p autodispatch-greedy --example lns_days -- SECONDS DAY.json...`.
//! Prints per day: objectives, ruin-and-recreate iterations and seconds.

use std::time::{Duration, Instant};

use autodispatch_greedy::{Greedy, Lns};
use autodispatch_model::build::objective;
use autodispatch_model::{load_problem_file, Instance, SolveOptions, Solver};

fn main() {
    let mut args = std::env::args().skip(1);
    let secs: f64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: lns_days SECONDS DAY.json...");
    let opts = SolveOptions {
        time_limit: Duration::from_secs_f64(secs),
        ..SolveOptions::default()
    };
    for path in args {
        let problem = load_problem_file(std::path::Path::new(&path)).expect("a valid day");
        let inst = Instance::new(&problem);
        let tg = Instant::now();
        let g = Greedy.solve(&inst, &opts).expect("greedy never fails");
        let g_secs = tg.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let l = Lns.solve(&inst, &opts).expect("lns never fails");
        println!(
            "{}\tgreedy {:.2}\tlns {:.2}\t{:.2}s\tgreedy {:.2}s\t{}",
            problem.name,
            objective(&inst, &g.schedule),
            objective(&inst, &l.schedule),
            t0.elapsed().as_secs_f64(),
            g_secs,
            l.note.unwrap_or_default()
        );
    }
}
