//! Seeded randomness. Every stream is derived from (seed, day, purpose), and
//! outcome draws (how long a job really takes, whether an estimate sells)
//! are hashes of (seed, day, job, ...), not positions in a shared stream:
//! two solvers replaying the same day see the same outcomes for the same
//! job whatever order they do things in (common random numbers), and no
//! result depends on which thread ran it.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// SplitMix64 finalizer: a well-mixed 64-bit hash step.
#[must_use]
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash of a sequence of words.
#[must_use]
pub fn hash(words: &[u64]) -> u64 {
    words
        .iter()
        .fold(0x5EED_0FD1_57A7_C4E1, |h, &w| mix(h ^ mix(w)))
}

/// A uniform draw in [0, 1) keyed by the words.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn unit(words: &[u64]) -> f64 {
    (hash(words) >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal draw keyed by the words (Box–Muller).
#[must_use]
pub fn normal(words: &[u64]) -> f64 {
    let mut w = words.to_vec();
    w.push(1);
    let u1 = unit(&w).max(1e-300);
    w.push(2);
    let u2 = unit(&w);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A lognormal factor with the given mean and spread (sd of the log).
#[must_use]
pub fn lognormal(mean: f64, sd: f64, z: f64) -> f64 {
    mean * (sd * z - sd * sd / 2.0).exp()
}

/// The generator of one purpose of one day.
#[must_use]
pub fn stream(seed: u64, day: u32, purpose: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(hash(&[seed, u64::from(day), purpose]))
}

/// A Poisson draw (Knuth for small means, a rounded normal for large ones).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> usize {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 60.0 {
        let u1: f64 = rng.gen::<f64>().max(1e-300);
        let u2: f64 = rng.gen();
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        return (mean + z * mean.sqrt()).round().max(0.0) as usize;
    }
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= rng.gen::<f64>();
        if p <= limit {
            return k;
        }
        k += 1;
    }
}

/// An index drawn with the given non-negative weights (the first when all are 0).
pub fn weighted(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0;
    }
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_draws_are_stable_and_spread() {
        assert_eq!(unit(&[1, 2, 3]).to_bits(), unit(&[1, 2, 3]).to_bits());
        assert_ne!(unit(&[1, 2, 3]).to_bits(), unit(&[1, 2, 4]).to_bits());
        let mean: f64 = (0..4000).map(|i| unit(&[7, i])).sum::<f64>() / 4000.0;
        assert!((mean - 0.5).abs() < 0.03, "{mean}");
        let m: f64 = (0..4000)
            .map(|i| lognormal(1.2, 0.3, normal(&[9, i])))
            .sum::<f64>()
            / 4000.0;
        assert!((m - 1.2).abs() < 0.05, "{m}");
    }

    #[test]
    fn poisson_has_its_mean() {
        let mut rng = stream(1, 0, 0);
        for mean in [3.0, 120.0] {
            let n = 2000;
            let s: usize = (0..n).map(|_| poisson(&mut rng, mean)).sum();
            #[allow(clippy::cast_precision_loss)]
            let m = s as f64 / f64::from(n);
            assert!((m - mean).abs() < mean * 0.08, "{m} vs {mean}");
        }
    }
}
