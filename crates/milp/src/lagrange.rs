//! A Lagrangian bound that needs no routing: every technician's pricing
//! relaxed to its fractional time knapsack ([`Knapsack`]), the job prices
//! set by subgradient steps. Each step costs a sort per technician where
//! an exact pricing round of a 1000-job day takes seconds, so hundreds of
//! steps fit where column generation manages one exact round, and the
//! bound holds at whatever prices the steps stop.

use std::time::Instant;

use autodispatch_model::Instance;

use crate::pricing::{Knapsack, KnapsackScratch, TechData};

/// The best knapsack Lagrangian value found and the prices that gave it.
#[derive(Debug, Clone)]
pub struct KnapsackDual {
    /// Σ row prices + Σ technician knapsack optima: an upper bound on any
    /// plan's objective.
    pub bound: f64,
    pub pi: Vec<f64>,
    /// Each technician's knapsack optimum at `pi`.
    pub sigma: Vec<f64>,
    pub steps: usize,
}

/// Every job some technician could take: the rows whose prices the
/// knapsacks of `techs` see.
#[must_use]
pub fn candidate_rows(techs: &[TechData]) -> Vec<usize> {
    let mut rows: Vec<usize> = techs
        .iter()
        .flat_map(|td| td.cands.iter().copied())
        .collect();
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// Steps without a better value before the step size halves.
const PATIENCE: usize = 10;
/// The step size below which the steps stop.
const MIN_THETA: f64 = 1e-4;

/// Minimises the knapsack Lagrangian over the prices of `rows`, from
/// `start`, by at most `max_steps` subgradient steps of Polyak's size
/// towards `target` (the value of a known plan, below any bound), or until
/// `deadline`.
#[must_use]
pub fn knapsack_dual(
    inst: &Instance,
    techs: &[TechData],
    rows: &[usize],
    start: &[f64],
    target: f64,
    max_steps: usize,
    deadline: Instant,
) -> KnapsackDual {
    // a technician whose technician-specific jobs may move prices both
    // ways (`cg_price`): the larger knapsack bounds it
    let knaps: Vec<(Knapsack, Option<Knapsack>)> = techs
        .iter()
        .map(|td| {
            (
                td.knapsack(inst),
                td.ts_variant.as_deref().map(|v| v.knapsack(inst)),
            )
        })
        .collect();
    let mut pi = start.to_vec();
    let mut cover = vec![0.0; inst.jobs.len()];
    let mut scratch = KnapsackScratch::default();
    let (mut take, mut take2) = (Vec::new(), Vec::new());
    let mut best = KnapsackDual {
        bound: f64::INFINITY,
        pi: pi.clone(),
        sigma: vec![0.0; techs.len()],
        steps: 0,
    };
    let mut sigmas = vec![0.0; techs.len()];
    let mut theta = 1.0;
    let mut since = 0;
    while best.steps < max_steps && theta >= MIN_THETA && Instant::now() < deadline {
        best.steps += 1;
        for &j in rows {
            cover[j] = 0.0;
        }
        let mut value: f64 = rows.iter().map(|&j| pi[j]).sum();
        for ((k, v), sig) in knaps.iter().zip(&mut sigmas) {
            take.clear();
            let mut sigma = k.bound(&pi, &mut scratch, &mut take);
            if let Some(v) = v {
                take2.clear();
                let s2 = v.bound(&pi, &mut scratch, &mut take2);
                if s2 > sigma {
                    sigma = s2;
                    std::mem::swap(&mut take, &mut take2);
                }
            }
            value += sigma;
            *sig = sigma;
            if sigma > 0.0 {
                for &(j, share) in &take {
                    cover[j] += share;
                }
            }
        }
        if value < best.bound {
            best.bound = value;
            best.pi.clone_from(&pi);
            best.sigma.clone_from(&sigmas);
            since = 0;
        } else {
            since += 1;
            if since >= PATIENCE {
                theta *= 0.5;
                since = 0;
            }
        }
        // the row's subgradient is 1 − its cover; a price at zero on a
        // job nobody takes cannot fall
        let norm: f64 = rows
            .iter()
            .map(|&j| 1.0 - cover[j])
            .zip(rows.iter().map(|&j| pi[j]))
            .filter(|&(g, p)| p > 0.0 || g < 0.0)
            .map(|(g, _)| g * g)
            .sum();
        if norm <= 1e-12 {
            // every job taken once and no price wasted: the relaxation's
            // optimum
            break;
        }
        let step = theta * (value - target).max(0.0) / norm;
        if step <= 0.0 {
            break;
        }
        for &j in rows {
            pi[j] = (pi[j] - step * (1.0 - cover[j])).max(0.0);
        }
    }
    best
}
