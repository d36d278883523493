use autodispatch_milp::oracle::brute_force;
use autodispatch_milp::Milp;
use autodispatch_model::{Instance, SolveOptions};
use autodispatch_testkit::random_day;
use std::time::Duration;
fn main() {
    let seed: u64 = std::env::args().nth(1).unwrap().parse().unwrap();
    let jobs = 4 + (seed % 5) as usize;
    let techs = 1 + (seed % 3) as usize;
    let p = random_day(seed, jobs, techs);
    let inst = Instance::new(&p);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(5),
        ..SolveOptions::default()
    };
    let out = Milp::default().run(&inst, &opts, None).unwrap();
    println!(
        "obj {} bound {:?} lp {:?} rounds {} cols {} conv {}",
        out.objective, out.solution.bound, out.lp_value, out.rounds, out.columns, out.converged
    );
    println!("milp {:?}", out.solution.schedule);
    let (o, s) = brute_force(&inst).unwrap();
    println!("brute {o} {:?}", s);
    for t in 0..inst.techs.len() {
        let td = autodispatch_milp::pricing::TechData::new(&inst, t, 256, 16);
        println!(
            "tech {t} managed {} cands {:?} lab {:?} fixed {:?}",
            inst.techs[t].managed, td.cands, td.lab, td.fixed
        );
        let pi = vec![0.0; inst.jobs.len()];
        let lim = autodispatch_milp::pricing::PriceLimits {
            max_labels: 100000,
            bucket_cap: usize::MAX,
            skip_nonpositive: false,
            max_columns: 50,
            deadline: std::time::Instant::now() + Duration::from_secs(5),
        };
        let r = autodispatch_milp::pricing::price(&inst, &td, &pi, -1e9, &lim);
        println!(
            "  best {} exact {} routes {:?}",
            r.best,
            r.exact,
            r.routes
                .iter()
                .map(|r| r.iter().map(|s| s.job).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        );
    }
    println!(
        "{:?}",
        autodispatch_model::route::best_insertion(&inst, 1, &[], 2)
    );
    println!(
        "{:?}",
        autodispatch_model::route::schedule(
            &inst,
            1,
            &[
                autodispatch_model::route::RouteStop::movable(1),
                autodispatch_model::route::RouteStop::movable(2)
            ]
        )
    );
    println!(
        "{:?} {:?} now {} maxdrive {:?} rh {}",
        inst.techs[1], inst.jobs[2], inst.now, inst.max_drive, inst.return_home
    );
    for (j, job) in inst.jobs.iter().enumerate() {
        println!(
            "{j} {:?} {:?}",
            job.class,
            (0..inst.techs.len())
                .map(|t| inst.fit(j, t))
                .collect::<Vec<_>>()
        );
    }
}
#[allow(dead_code)]
fn x() {}
