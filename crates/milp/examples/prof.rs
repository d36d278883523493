//! Where the time goes on a big day: `cargo run --release -p autodispatch-milp --example prof -- JOBS TECHS`.
use std::time::{Duration, Instant};

use autodispatch_milp::pricing::{price, PriceLimits, Skip, TechData};
use autodispatch_model::Instance;
use autodispatch_testkit::bench_day;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (jobs, techs) = (
        args.first().copied().unwrap_or(1000),
        args.get(1).copied().unwrap_or(120),
    );
    let p = bench_day(0, jobs, techs);
    let t0 = Instant::now();
    let inst = Instance::new(&p);
    println!("instance {:?}", t0.elapsed());
    let t0 = Instant::now();
    let tds: Vec<TechData> = (0..inst.techs.len())
        .map(|t| TechData::new(&inst, t, autodispatch_milp::pricing::MAX_LABEL_JOBS, 16))
        .collect();
    println!(
        "techdata {:?}, mean cands {} max {}",
        t0.elapsed(),
        tds.iter().map(|t| t.cands.len()).sum::<usize>() / tds.len(),
        tds.iter().map(|t| t.cands.len()).max().unwrap_or(0)
    );
    let pi = vec![0.0; inst.jobs.len()];
    for (cap, skip) in [
        (6, Skip::Always),
        (usize::MAX, Skip::WhenExact),
        (usize::MAX, Skip::Never),
    ] {
        let t0 = Instant::now();
        let mut exact = 0;
        for td in &tds {
            let lim = PriceLimits {
                max_labels: 200_000,
                bucket_cap: cap,
                skip,
                max_columns: 15,
                deadline: Instant::now() + Duration::from_secs(5),
                bidirectional: false,
            };
            let r = price(&inst, td, &pi, 0.0, &lim);
            exact += usize::from(r.exact);
        }
        println!(
            "pricing cap {cap} skip {skip:?}: {:?}, exact {exact}",
            t0.elapsed()
        );
    }
}
