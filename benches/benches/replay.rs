//! One replayed day: the `metro-medium` scenario (40 technicians, ~300 jobs)
//! with greedy re-solving every 10 minutes, and the `small` scenario.
//! `cargo bench -p autodispatch-benches --bench replay`

use std::path::Path;

use autodispatch_greedy::Greedy;
use autodispatch_sim::{generate_sim_day, replay, ReplayOptions, Scenario};
use criterion::{criterion_group, criterion_main, Criterion};

fn scenario(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(format!("{name}.toml"));
    Scenario::load(&path).expect("shipped scenarios load")
}

fn bench_replay(c: &mut Criterion) {
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    for name in ["small", "metro-medium"] {
        let sc = scenario(name);
        let day = generate_sim_day(&sc, 1, 0);
        let opts = ReplayOptions {
            check_plans: false,
            ..ReplayOptions::default()
        };
        group.bench_function(format!("{name} dynamic greedy"), |b| {
            b.iter(|| replay(&sc, &day, &Greedy, &opts, &mut |_, _| {}));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_replay);
criterion_main!(benches);
