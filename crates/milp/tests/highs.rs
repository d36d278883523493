//! The HiGHS backend (`--features highs`): its integer master against
//! exhaustive search on random set-packing masters, and the whole route
//! model built on it against brute force on random tiny days (the compact
//! MILP oracle runs microlp whatever the feature, so `oracle.rs` covers it). Without the feature this file is empty (the default build's
//! backend is covered by `oracle.rs`, which also runs on HiGHS here).
#![cfg(feature = "highs")]

mod common;

use autodispatch_milp::column::Column;
use autodispatch_milp::master::{feasible, pack, solve_ip, value_of, Shape};
use common::route_model_against_brute_force;

/// splitmix64: enough randomness for test masters, no extra dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn column(tech: usize, jobs: Vec<usize>, value: f64) -> Column {
    Column {
        tech,
        stops: Vec::new(),
        starts: Vec::new(),
        jobs,
        value,
    }
}

/// A random master: every technician has a few routes over random job
/// sets; a technician that must route also has a job-free route (its
/// fixed stops only, as in the real pool), often of negative value.
fn random_master(seed: u64) -> (Shape, Vec<Column>) {
    let mut rng = Rng(seed);
    let n_jobs = 3 + rng.below(6) as usize;
    let n_techs = 1 + rng.below(4) as usize;
    let must_route: Vec<bool> = (0..n_techs).map(|_| rng.below(3) == 0).collect();
    let mut cols = Vec::new();
    for (t, &must) in must_route.iter().enumerate() {
        if must {
            cols.push(column(t, Vec::new(), rng.below(200) as f64 - 150.0));
        }
        for _ in 0..1 + rng.below(5) {
            let mut jobs: Vec<usize> = (0..n_jobs).filter(|_| rng.below(3) == 0).collect();
            if jobs.is_empty() {
                jobs.push(rng.below(n_jobs as u64) as usize);
            }
            // bigger routes are worth more, with noise so greedy packing errs
            let value = 100.0 * jobs.len() as f64 + rng.below(300) as f64 - 120.0;
            cols.push(column(t, jobs, value));
        }
    }
    let shape = Shape {
        n_jobs,
        n_techs,
        rows: (0..n_jobs).collect(),
        must_route,
    };
    (shape, cols)
}

/// The best feasible selection's value by trying every combination.
fn exhaustive(shape: &Shape, cols: &[Column]) -> f64 {
    fn go(shape: &Shape, cols: &[Column], t: usize, used: &mut Vec<bool>, acc: f64) -> f64 {
        if t == shape.n_techs {
            return acc;
        }
        let mut best = if shape.must_route[t] {
            f64::NEG_INFINITY
        } else {
            go(shape, cols, t + 1, used, acc)
        };
        for c in cols.iter().filter(|c| c.tech == t) {
            if c.jobs.iter().any(|&j| used[j]) {
                continue;
            }
            for &j in &c.jobs {
                used[j] = true;
            }
            best = best.max(go(shape, cols, t + 1, used, acc + c.value));
            for &j in &c.jobs {
                used[j] = false;
            }
        }
        best
    }
    go(shape, cols, 0, &mut vec![false; shape.n_jobs], 0.0)
}

#[test]
fn highs_integer_master_equals_exhaustive_search() {
    let mut beat_packing = 0;
    for seed in 0..300u64 {
        let (shape, cols) = random_master(seed);
        let opt = exhaustive(&shape, &cols);
        let baselines: Vec<Option<usize>> = (0..shape.n_techs)
            .map(|t| cols.iter().position(|c| c.tech == t && c.jobs.is_empty()))
            .collect();
        let mut by_value: Vec<usize> = (0..cols.len()).collect();
        by_value.sort_by(|&a, &b| cols[b].value.total_cmp(&cols[a].value).then(a.cmp(&b)));
        let packed = pack(&shape, &cols, &by_value, &baselines);
        assert!(feasible(&shape, &cols, &packed), "seed {seed}: packing");
        // warm-started with the greedy packing, as the solver does, and cold
        for incumbent in [packed.clone(), Vec::new()] {
            let (pick, proven) = solve_ip(&shape, &cols, &incumbent, 10.0)
                .unwrap_or_else(|e| panic!("seed {seed}: HiGHS failed: {e}"))
                .unwrap_or_else(|| panic!("seed {seed}: HiGHS found nothing in 10 s"));
            assert!(proven, "seed {seed}: HiGHS did not prove optimality");
            assert!(
                feasible(&shape, &cols, &pick),
                "seed {seed}: infeasible pick {pick:?}"
            );
            for (t, &must) in shape.must_route.iter().enumerate() {
                assert!(
                    !must || pick.iter().any(|&k| cols[k].tech == t),
                    "seed {seed}: technician {t} must route"
                );
            }
            let v = value_of(&cols, &pick);
            assert!(
                (v - opt).abs() <= 1e-6 * opt.abs().max(1.0),
                "seed {seed}: HiGHS {v} vs exhaustive {opt} (warm start {incumbent:?})"
            );
        }
        if value_of(&cols, &packed) < opt - 1e-6 {
            beat_packing += 1;
        }
    }
    // the masters are hard enough that the warm start alone is not the answer
    assert!(
        beat_packing >= 30,
        "HiGHS improved on the packing only {beat_packing} times"
    );
}

#[test]
fn route_model_on_highs_equals_brute_force() {
    let (proven, notes) = route_model_against_brute_force(7000, 110);
    // HiGHS proved the integer master over the route pool optimal
    let master_proven = notes
        .iter()
        .filter(|n| {
            n.as_deref()
                .is_some_and(|n| n.contains("integer master optimal"))
        })
        .count();
    assert!(proven >= 100, "only {proven} days proven optimal");
    assert!(
        master_proven >= 100,
        "HiGHS proved the integer master on only {master_proven} days"
    );
}
