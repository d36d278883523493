//! Subset-row cuts over three jobs (Jepsen et al., 2008): of any three
//! jobs, a plan's routes hold at most one route that visits two or more
//! of them, since two such routes would share a job. So
//! `Σ_r ⌊|r ∩ S| / 2⌋ x_r ≤ 1` holds for every plan, but not for every LP
//! solution: where the master's LP packs halves of routes around odd
//! cycles of jobs (each pair of three jobs shared by a route at ½), the
//! cut removes that point and the LP's value, the bound, drops towards
//! the plans'. Each cut has a dual price `σ ≥ 0` that a route pays once
//! for every second job of the cut it visits, which labelling tracks as
//! one bit of parity a cut.

use crate::column::Column;

/// One cut: three jobs (indices into the day's jobs), sorted.
pub type Cut = [usize; 3];

/// The cuts of a master and their dual prices, as pricing takes them.
#[derive(Debug, Clone, Copy)]
pub struct CutPrices<'a> {
    pub cuts: &'a [Cut],
    /// Dual price of each cut (≥ 0).
    pub sigma: &'a [f64],
}

impl CutPrices<'_> {
    /// No cuts.
    pub const NONE: CutPrices<'static> = CutPrices {
        cuts: &[],
        sigma: &[],
    };

    /// What a route over `jobs` pays for the cuts.
    #[must_use]
    pub fn penalty(&self, jobs: &[usize]) -> f64 {
        self.cuts
            .iter()
            .zip(self.sigma)
            .filter(|(c, _)| counts(c, jobs))
            .map(|(_, s)| s)
            .sum()
    }

    /// The cuts' part of the duals' value: each cut's right-hand side, 1,
    /// times its price.
    #[must_use]
    pub fn total(&self) -> f64 {
        self.sigma.iter().sum()
    }
}

/// Whether a route over `jobs` has coefficient 1 in `cut` (visits two or
/// three of its jobs).
#[must_use]
pub fn counts(cut: &Cut, jobs: &[usize]) -> bool {
    cut.iter().filter(|j| jobs.contains(j)).count() >= 2
}

/// Cuts the LP solution `x` over `cols` violates by more than `min_violation`,
/// none of `have`, most violated first, at most `max_new`, and no job in
/// more than two of them (cuts over the same few jobs overlap: most of
/// what a second one would cut the first already does, and each costs
/// every labelling a bit of state). Deterministic in `x`.
#[must_use]
pub fn separate(
    cols: &[Column],
    x: &[f64],
    have: &[Cut],
    n_jobs: usize,
    min_violation: f64,
    max_new: usize,
) -> Vec<Cut> {
    // only routes at a fraction can violate a cut: whole ones pay at most 1
    let frac: Vec<usize> = (0..cols.len().min(x.len()))
        .filter(|&k| x[k] > 1e-6 && x[k] < 1.0 - 1e-6)
        .collect();
    let mut jobs: Vec<usize> = frac
        .iter()
        .flat_map(|&k| cols[k].jobs.iter().copied())
        .collect();
    jobs.sort_unstable();
    jobs.dedup();
    let n = jobs.len();
    let mut local = vec![usize::MAX; n_jobs];
    for (i, &j) in jobs.iter().enumerate() {
        local[j] = i;
    }
    // how much of each pair of jobs the fractional routes share (every
    // route's share: one taken whole still shares its pairs)
    let mut pair = vec![0.0f64; n * n];
    let routes: Vec<(f64, Vec<usize>)> = (0..cols.len().min(x.len()))
        .filter(|&k| x[k] > 1e-6)
        .map(|k| {
            let ls: Vec<usize> = cols[k]
                .jobs
                .iter()
                .map(|&j| local[j])
                .filter(|&i| i != usize::MAX)
                .collect();
            (x[k], ls)
        })
        .filter(|(_, ls)| ls.len() >= 2)
        .collect();
    for (v, ls) in &routes {
        for (a, &i) in ls.iter().enumerate() {
            for &k in &ls[a + 1..] {
                pair[i * n + k] += v;
                pair[k * n + i] += v;
            }
        }
    }
    let mut found: Vec<(f64, Cut)> = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            let ab = pair[a * n + b];
            for c in b + 1..n {
                // a route holding all three counts once, not three times:
                // the pairs' sum bounds the left-hand side
                let sum = ab + pair[a * n + c] + pair[b * n + c];
                if sum <= 1.0 + min_violation {
                    continue;
                }
                let cut = [jobs[a], jobs[b], jobs[c]];
                let lhs: f64 = routes
                    .iter()
                    .filter(|(_, ls)| [a, b, c].iter().filter(|i| ls.contains(i)).count() >= 2)
                    .map(|(v, _)| v)
                    .sum();
                if lhs > 1.0 + min_violation && !have.contains(&cut) {
                    found.push((lhs, cut));
                }
            }
        }
    }
    found.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)));
    let mut uses = vec![0u8; n_jobs];
    let mut out = Vec::new();
    for (_, cut) in found {
        if out.len() >= max_new {
            break;
        }
        if cut.iter().any(|&j| uses[j] >= 2) {
            continue;
        }
        for &j in &cut {
            uses[j] += 1;
        }
        out.push(cut);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{counts, separate, Cut};
    use crate::column::Column;

    fn col(jobs: &[usize]) -> Column {
        Column {
            tech: 0,
            stops: Vec::new(),
            starts: Vec::new(),
            jobs: jobs.to_vec(),
            value: 0.0,
        }
    }

    /// Left-hand side of `cut` at `x`, by definition.
    fn lhs(cols: &[Column], x: &[f64], cut: &Cut) -> f64 {
        cols.iter()
            .zip(x)
            .filter(|(c, _)| counts(cut, &c.jobs))
            .map(|(_, v)| v)
            .sum()
    }

    /// The odd cycle the cuts are for: three routes, each sharing a pair
    /// of three jobs, at ½ each, are ½ over the cut; nothing integral is.
    #[test]
    fn an_odd_cycle_of_halves_is_cut_and_a_plan_is_not() {
        let cols = vec![col(&[1, 2]), col(&[2, 3]), col(&[1, 3, 4]), col(&[5])];
        let found = separate(&cols, &[0.5, 0.5, 0.5, 1.0], &[], 6, 0.05, 10);
        assert_eq!(found, vec![[1, 2, 3]]);
        assert!((lhs(&cols, &[0.5, 0.5, 0.5, 1.0], &found[0]) - 1.5).abs() < 1e-12);
        // one it already has is not found again
        assert!(separate(&cols, &[0.5, 0.5, 0.5, 1.0], &found, 6, 0.05, 10).is_empty());
        // an integral plan (disjoint routes) violates no cut
        assert!(separate(&cols, &[1.0, 0.0, 0.0, 1.0], &[], 6, 0.05, 10).is_empty());
    }

    /// Against every triple: what `separate` returns is violated by more
    /// than the least violation, most violated first, no job in more than
    /// two cuts; and when it returns nothing, no triple is violated.
    #[test]
    fn separation_finds_what_every_triple_shows() {
        let mut nonempty = 0;
        for seed in 0..200u64 {
            let mut r = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let mut next = |m: u64| {
                r = r
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (r >> 33) % m
            };
            let n_jobs = 8;
            let cols: Vec<Column> = (0..10)
                .map(|_| {
                    let mut js: Vec<usize> =
                        (0..2 + next(3)).map(|_| next(n_jobs) as usize).collect();
                    js.sort_unstable();
                    js.dedup();
                    col(&js)
                })
                .collect();
            let x: Vec<f64> = (0..cols.len()).map(|_| next(5) as f64 / 8.0).collect();
            let found = separate(&cols, &x, &[], n_jobs as usize, 0.05, 100);
            let mut uses = [0; 8];
            let mut last = f64::INFINITY;
            for cut in &found {
                let v = lhs(&cols, &x, cut);
                assert!(v > 1.05, "seed {seed}: {cut:?} at {v}");
                assert!(v <= last + 1e-12, "seed {seed}: not most violated first");
                last = v;
                for &j in cut {
                    uses[j] += 1;
                }
            }
            assert!(uses.iter().all(|&u| u <= 2), "seed {seed}: {uses:?}");
            if found.is_empty() {
                for a in 0..8 {
                    for b in a + 1..8 {
                        for c in b + 1..8 {
                            assert!(
                                lhs(&cols, &x, &[a, b, c]) <= 1.05 + 1e-9,
                                "seed {seed}: missed"
                            );
                        }
                    }
                }
            } else {
                nonempty += 1;
            }
        }
        assert!(nonempty >= 50, "only {nonempty} of 200 with a cut");
    }
}
