//! Exact pricing forward against both ways, at the prices of a day's best
//! Lagrangian bound: `cargo run --release -p autodispatch-milp --example
//! both_ways -- DAY.json [SECONDS [PRICES]]`. Runs the MILP for SECONDS
//! (default 3) to get the prices, then labels every technician exactly,
//! each way, at them; prints each way's time, the sum of the technicians'
//! best reduced values and how many technicians' best differ. With PRICES,
//! a file, the prices are read from it when it exists and written to it
//! when not, so two builds can be timed at the same prices (the MILP's
//! prices depend on how many rounds fit in SECONDS).
mod common;

use std::time::{Duration, Instant};

use autodispatch_milp::pricing::{price, PriceLimits, Skip, TechData, MAX_LABEL_JOBS};
use autodispatch_milp::Milp;
use autodispatch_model::{Instance, SolveOptions};

fn main() {
    let (args, p) = common::day_from_args("both_ways DAY.json [SECONDS [PRICES]]");
    let secs: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3.0);
    let inst = Instance::new(&p);
    let opts = SolveOptions {
        time_limit: Duration::from_secs_f64(secs),
        ..SolveOptions::default()
    };
    let milp = Milp::default();
    let saved = args.get(2).map(std::path::PathBuf::from);
    let read = saved
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|text| {
            let mut rows = text.lines().map(|l| {
                l.split_whitespace()
                    .map(str::parse::<f64>)
                    .collect::<Result<Vec<f64>, _>>()
            });
            match (rows.next(), rows.next()) {
                (Some(Ok(pi)), Some(Ok(mu)))
                    if pi.len() == inst.jobs.len() && mu.len() == inst.techs.len() =>
                {
                    (pi, mu)
                }
                _ => {
                    eprintln!(
                        "{}: not prices of this day",
                        saved
                            .as_ref()
                            .map_or(String::new(), |f| f.display().to_string())
                    );
                    std::process::exit(2);
                }
            }
        });
    let (pi, mu) = if let Some(prices) = read {
        prices
    } else {
        let Some((pi, mu)) = milp
            .run(&inst, &opts, None)
            .ok()
            .and_then(|o| o.bound_duals)
        else {
            eprintln!("no bound prices in {secs} s");
            std::process::exit(1);
        };
        if let Some(f) = &saved {
            // `{:?}` prints an f64 that parses back to the same value
            let row = |v: &[f64]| {
                v.iter()
                    .map(|x| format!("{x:?}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            if let Err(e) = std::fs::write(f, format!("{}\n{}\n", row(&pi), row(&mu))) {
                eprintln!("{}: {e}", f.display());
                std::process::exit(2);
            }
        }
        (pi, mu)
    };
    let mut time = [Duration::ZERO; 2];
    let mut exact = [0; 2];
    let mut differ = 0;
    let mut sum = [0.0; 2];
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
            sum[k] += r.best;
        }
        if (best[0] - best[1]).abs() > 1e-6 * best[0].abs().max(1.0) {
            differ += 1;
        }
    }
    println!(
        "forward {:?} ({} exact, best sum {:.3}), both ways {:?} ({} exact, best sum {:.3}), {} of {} technicians' best differ",
        time[0],
        exact[0],
        sum[0],
        time[1],
        exact[1],
        sum[1],
        differ,
        mu.len()
    );
}
