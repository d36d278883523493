//! Under a limit too short for the MILP, `auto` returns greedy's own plan
//! (never a worse one) instead of overrunning.

use std::time::Duration;

use autodispatch_greedy::Greedy;
use autodispatch_milp::Auto;
use autodispatch_model::build::objective;
use autodispatch_model::{Instance, SolveOptions, Solver};

#[test]
fn a_short_limit_gives_greedys_plan() {
    let p = autodispatch_testkit::bench_day(3, 100, 15);
    let inst = Instance::new(&p);
    let opts = SolveOptions {
        time_limit: Duration::from_millis(150),
        ..SolveOptions::default()
    };
    let auto = Auto::default().solve(&inst, &opts).unwrap();
    let greedy = Greedy
        .solve(
            &inst,
            &SolveOptions {
                time_limit: Duration::from_secs(10),
                ..SolveOptions::default()
            },
        )
        .unwrap();
    assert!(
        auto.note
            .as_deref()
            .unwrap_or("")
            .contains("too little for the MILP"),
        "{:?}",
        auto.note
    );
    assert!(objective(&inst, &auto.schedule) >= objective(&inst, &greedy.schedule) - 1e-6);
}
