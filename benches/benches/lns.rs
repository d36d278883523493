//! Ruin and recreate at a fixed counted work budget (the same iterations on
//! every run, so the time per run measures the search's speed):
//! `cargo bench -p autodispatch-benches --bench lns`. Seconds per run over
//! the budget's nominal seconds is the machine's speed against the rate
//! `lns::Budget::new` assumes (below 1: faster than assumed).

use std::hint::black_box;
use std::time::{Duration, Instant};

use autodispatch_greedy::lns::{ruin_and_recreate, Budget};
use autodispatch_greedy::Greedy;
use autodispatch_model::{Instance, SolveOptions, Solver};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// Nominal seconds of work per run.
const WORK_SECONDS: f64 = 0.2;

fn lns(c: &mut Criterion) {
    let mut group = c.benchmark_group("lns");
    group.sample_size(10);
    for (jobs, techs) in [(100, 15), (300, 40), (1000, 120)] {
        let inst = Instance::new(&autodispatch_testkit::bench_day(1, jobs, techs));
        let start = Greedy
            .solve(&inst, &SolveOptions::default())
            .expect("greedy never fails")
            .schedule;
        let id = format!("{jobs}x{techs}");
        group.bench_with_input(BenchmarkId::new("work_0.2s", &id), &inst, |b, inst| {
            b.iter(|| {
                let budget = Budget::new(
                    inst,
                    1,
                    Duration::from_secs_f64(WORK_SECONDS),
                    Instant::now() + Duration::from_secs(600),
                );
                ruin_and_recreate(black_box(inst), &start, &budget)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, lns);
criterion_main!(benches);
