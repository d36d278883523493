//! Exact pricing forward against both ways, at the prices of a day's best
//! Lagrangian bound: `cargo run --release -p autodispatch-milp --example
//! both_ways -- DAY.json [SECONDS]`. Runs the MILP for SECONDS (default 3)
//! to get the prices, then labels every technician exactly, each way, at
//! them; prints each way's time and how many technicians' best differ.
use std::time::{Duration, Instant};

use autodispatch_milp::pricing::{price, PriceLimits, Skip, TechData, MAX_LABEL_JOBS};
use autodispatch_milp::Milp;
use autodispatch_model::{Instance, SolveOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: both_ways DAY.json [SECONDS]");
        std::process::exit(2);
    };
    let p = match autodispatch_model::load_problem_file(std::path::Path::new(path)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let secs: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3.0);
    let inst = Instance::new(&p);
    let opts = SolveOptions {
        time_limit: Duration::from_secs_f64(secs),
        ..SolveOptions::default()
    };
    let milp = Milp::default();
    let Some((pi, mu)) = milp
        .run(&inst, &opts, None)
        .ok()
        .and_then(|o| o.bound_duals)
    else {
        eprintln!("no bound prices in {secs} s");
        std::process::exit(1);
    };
    let mut time = [Duration::ZERO; 2];
    let mut exact = [0; 2];
    let mut differ = 0;
    for (t, &m) in mu.iter().enumerate() {
        let td = TechData::new(&inst, t, MAX_LABEL_JOBS, milp.ng_size);
        let mut best = [0.0; 2];
        for (k, bidirectional) in [false, true].into_iter().enumerate() {
            let lim = PriceLimits {
                max_labels: 10 * milp.max_labels,
                bucket_cap: usize::MAX,
                skip: Skip::WhenExact,
                max_columns: milp.columns_per_round,
                deadline: Instant::now() + Duration::from_secs(60),
                bidirectional,
            };
            let t0 = Instant::now();
            let r = price(&inst, &td, &pi, m + 1e-6, &lim);
            time[k] += t0.elapsed();
            exact[k] += usize::from(r.exact);
            best[k] = r.best;
        }
        if (best[0] - best[1]).abs() > 1e-6 * best[0].abs().max(1.0) {
            differ += 1;
        }
    }
    println!(
        "forward {:?} ({} exact), both ways {:?} ({} exact), {} of {} technicians' best differ",
        time[0],
        exact[0],
        time[1],
        exact[1],
        differ,
        mu.len()
    );
}
