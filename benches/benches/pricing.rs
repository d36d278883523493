//! MILP pricing (`autodispatch_milp::pricing::price`, the labelling that
//! finds new routes for the column generation) over every technician of
//! benchmark days: `cargo bench -p autodispatch-benches --bench pricing`.
//!
//! Duals are set to a fixed share of each job's weighted value, the order of
//! magnitude they reach mid-way through the column generation (a zero dual
//! makes every job attractive and the labelling explodes, which the real
//! run never sees after its first rounds). `heuristic` is a pricing round
//! as the column generation starts it (bucket cap, jobs of no reduced
//! profit skipped); `exact` is a proving round (no cap; jobs of no reduced
//! profit left out only where that loses no route; up to the
//! solver's label limit), labelling forward only; `exact-both-ways` the
//! same labelling from both ends of the day, as the solver's exact rounds
//! run it. Seed 1's jobs have arrival windows of a few hours; seed 12's
//! may start any time of the business day (`reschedule_within:
//! business_hours`), where labels pile up: the hard case.

use std::hint::black_box;
use std::time::{Duration, Instant};

use autodispatch_milp::pricing::{price, PriceLimits, Skip, TechData, MAX_LABEL_JOBS};
use autodispatch_milp::Milp;
use autodispatch_model::Instance;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// Share of its weighted value a job's dual is set to.
const DUAL_SHARE: f64 = 0.6;

fn pricing(c: &mut Criterion) {
    let mut group = c.benchmark_group("pricing");
    group.sample_size(10);
    let defaults = Milp::default();
    for (seed, jobs, techs) in [(1, 30, 6), (1, 100, 15), (1, 300, 40), (12, 300, 40)] {
        let inst = Instance::new(&autodispatch_testkit::bench_day(seed, jobs, techs));
        let tds: Vec<TechData> = (0..inst.techs.len())
            .map(|t| TechData::new(&inst, t, MAX_LABEL_JOBS, defaults.ng_size))
            .collect();
        let pi: Vec<f64> = inst
            .jobs
            .iter()
            .map(|j| DUAL_SHARE * j.weighted_value)
            .collect();
        let id = if seed == 1 {
            format!("{jobs}x{techs}")
        } else {
            format!("{jobs}x{techs}-s{seed}")
        };
        for (mode, heuristic, bidirectional) in [
            ("heuristic", true, false),
            ("exact", false, false),
            ("exact-both-ways", false, true),
        ] {
            group.bench_with_input(BenchmarkId::new(mode, &id), &inst, |b, inst| {
                b.iter(|| {
                    let lim = PriceLimits {
                        max_labels: defaults.max_labels,
                        bucket_cap: if heuristic {
                            defaults.heuristic_bucket_cap
                        } else {
                            usize::MAX
                        },
                        skip: if heuristic {
                            Skip::Always
                        } else {
                            Skip::WhenExact
                        },
                        max_columns: defaults.columns_per_round,
                        deadline: Instant::now() + Duration::from_secs(3600),
                        bidirectional,
                    };
                    let mut found = 0;
                    for td in &tds {
                        found += price(black_box(inst), td, &pi, 1e-6, &lim).routes.len();
                    }
                    found
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, pricing);
criterion_main!(benches);
