//! Greedy planner on plain benchmark days of three sizes:
//! `cargo bench -p autodispatch-benches --bench greedy`.
//! The baseline (plain cheapest insertion) is measured alongside for scale.

use std::hint::black_box;
use std::time::Duration;

use autodispatch_greedy::{baseline, Greedy};
use autodispatch_model::{Instance, SolveOptions, Solver};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn greedy(c: &mut Criterion) {
    let mut group = c.benchmark_group("greedy");
    group.sample_size(10);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(10),
        seed: 1,
        threads: 1,
        gap: 0.0,
    };
    for (jobs, techs) in [(100, 15), (300, 40), (1000, 120)] {
        let inst = Instance::new(&autodispatch_testkit::bench_day(1, jobs, techs));
        let id = format!("{jobs}x{techs}");
        group.bench_with_input(BenchmarkId::new("solve", &id), &inst, |b, inst| {
            b.iter(|| {
                Greedy
                    .solve(black_box(inst), &opts)
                    .expect("greedy never fails")
            });
        });
        group.bench_with_input(BenchmarkId::new("baseline", &id), &inst, |b, inst| {
            b.iter(|| baseline(black_box(inst)));
        });
    }
    group.finish();
}

criterion_group!(benches, greedy);
criterion_main!(benches);
