//! The route-based optimum against brute force on random tiny days.

use std::time::Duration;

use autodispatch_milp::oracle::brute_force;
use autodispatch_milp::Milp;
use autodispatch_model::{Instance, SolveOptions, SolverStatus};
use autodispatch_testkit::random_day;

#[test]
fn route_based_optimum_equals_brute_force_on_tiny_days() {
    let opts = SolveOptions {
        time_limit: Duration::from_secs(5),
        ..SolveOptions::default()
    };
    let mut compared = 0;
    for seed in 0..120u64 {
        let jobs = 4 + (seed % 5) as usize;
        let techs = 1 + (seed % 3) as usize;
        let p = random_day(seed, jobs, techs);
        let inst = Instance::new(&p);
        let out = Milp::default()
            .run(&inst, &opts, None)
            .expect("milp solves");
        let bound = out.solution.bound.expect("a bound");
        assert!(
            bound >= out.objective - 1e-6,
            "seed {seed}: bound {bound} < objective {}",
            out.objective
        );
        let Some((opt, _)) = brute_force(&inst) else {
            continue;
        };
        assert!(
            out.objective <= opt + 1e-6,
            "seed {seed}: objective {} above brute force {opt}",
            out.objective
        );
        assert!(
            bound >= opt - 1e-6,
            "seed {seed}: bound {bound} below the optimum {opt}"
        );
        if out.solution.status == SolverStatus::Optimal {
            assert!(
                (out.objective - opt).abs() <= 1e-6 * opt.abs().max(1.0),
                "seed {seed}: optimal {} vs brute force {opt}",
                out.objective
            );
            compared += 1;
        }
    }
    assert!(compared >= 100, "only {compared} days proven optimal");
}
