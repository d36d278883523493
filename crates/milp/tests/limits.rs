//! The time limit is kept (within 10% + 0.2 s) on days too big to finish.

use std::time::{Duration, Instant};

use autodispatch_milp::{Auto, Milp};
use autodispatch_model::build::objective;
use autodispatch_model::check::check;
use autodispatch_model::{build_plan, Instance, SolveOptions, Solver, SolverInfo};
use autodispatch_testkit::bench_day;

#[test]
fn time_limit_is_kept_and_the_plan_is_valid() {
    let p = bench_day(3, 250, 30);
    let inst = Instance::new(&p);
    let opts = SolveOptions {
        time_limit: Duration::from_millis(1500),
        ..SolveOptions::default()
    };
    let solvers: [(&str, Box<dyn Solver>); 2] = [
        ("milp", Box::new(Milp::default())),
        ("auto", Box::new(Auto::default())),
    ];
    for (name, s) in solvers {
        let t0 = Instant::now();
        let sol = s.solve(&inst, &opts).expect("plans");
        let el = t0.elapsed().as_secs_f64();
        assert!(
            el <= 1.5 * 1.1 + 0.2,
            "{name} took {el:.2} s for a 1.5 s limit"
        );
        let obj = objective(&inst, &sol.schedule);
        let bound = sol.bound.expect("a bound");
        assert!(
            bound >= obj - 1e-6,
            "{name}: bound {bound} < objective {obj}"
        );
        let plan = build_plan(
            &inst,
            &sol.schedule,
            SolverInfo {
                name: name.into(),
                status: sol.status,
                seconds: el,
                bound: sol.bound,
                note: sol.note,
            },
        );
        let report = check(&p, &plan.to_value());
        assert!(
            report.violations.is_empty(),
            "{name}: {:?}",
            report.violations
        );
    }
}

#[test]
fn zero_time_limit_still_gives_a_valid_plan() {
    let p = bench_day(4, 60, 8);
    let inst = Instance::new(&p);
    let opts = SolveOptions {
        time_limit: Duration::ZERO,
        ..SolveOptions::default()
    };
    let t0 = Instant::now();
    let sol = Milp::default().solve(&inst, &opts).expect("plans");
    assert!(t0.elapsed().as_secs_f64() <= 0.2 + 0.05);
    let obj = objective(&inst, &sol.schedule);
    assert!(sol.bound.expect("bound") >= obj - 1e-6);
}
