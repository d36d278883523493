//! Proving a plan optimal by enumerating the routes within the gap.
//!
//! With dual prices `(π, μ)` of the master LP (π ≥ 0; μ ≥ 0 where a
//! technician may stay home), any plan `S` is worth
//! `Σ_{r∈S} rc(r) + Σ_{j∈r} π_j + μ_t ≤ D + Σ_{r∈S} rc(r)`, where `rc` is a
//! route's reduced value and `D = Σ_j π_j + Σ_t μ_t`. With subset-row
//! cuts (prices `σ ≥ 0`) a route's reduced value also pays the cuts it
//! counts in, and `D` adds `Σ σ`: a plan's routes count at most once in
//! each cut, so the inequality holds as before. Let `c_t` be the best
//! reduced value of technician `t` (at least 0 where it may stay home). A
//! plan worth more than the incumbent's `v` then has, for each of its
//! routes, `rc(r) > v − D − Σ_{t'≠t} c_{t'}`. Once column generation has
//! converged every `c_t` is about 0, so every route of a better plan has a
//! reduced value above `−(D − v)`: if labelling finds *all* of them (no
//! dominance, elementary, nothing cut) and the integer master over the pool
//! holding them is solved to optimality, its plan is optimal over every
//! route, and its value is the bound. Where the LP's integrality gap is a
//! few tenths of a percent and the routes within it are few (days of up to
//! a few hundred jobs), this closes gaps no further column generation can.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::column::Column;
use crate::cuts::CutPrices;
use crate::master::Shape;
use crate::pricing::{enumerate, TechData};
use crate::{par_map, Pool};

/// Enumerates, for every technician, the routes whose reduced value under
/// `duals` exceeds the gap between the duals' value and `value` (the
/// incumbent's), and adds them to `pool` (`limits`: labels per
/// technician, routes in all, routes per technician when they are no
/// proof, deadline). No proof when a labelling is cut by its label limit
/// or the deadline, when more routes come than the master could be
/// solved over in time, or when the duals' best reduced values are not
/// about 0 (column generation had not converged); in the first case
/// nothing is added, in the others each technician's best few routes.
/// True when every route within the gap is in the pool, so the integer
/// master over it, solved to optimality, is optimal over every route.
#[allow(clippy::too_many_arguments)]
pub(crate) fn within_gap(
    inst: &autodispatch_model::Instance,
    shape: &Shape,
    techs: &[&TechData],
    twins: &[Vec<usize>],
    pool: &mut Pool,
    duals: (&[f64], &[f64], CutPrices),
    value: f64,
    limits: (usize, usize, usize, Instant),
    threads: usize,
) -> bool {
    let (pi, mu, cuts) = duals;
    let (max_labels, max_routes, keep, deadline) = limits;
    // μ of a technician who may stay home counts as at least 0, as the
    // argument needs; the routes' reduced values are then taken against it
    let mu: Vec<f64> = (0..shape.n_techs)
        .map(|t| {
            if shape.must_route[t] {
                mu[t]
            } else {
                mu[t].max(0.0)
            }
        })
        .collect();
    let d: f64 =
        shape.rows.iter().map(|&j| pi[j]).sum::<f64>() + mu.iter().sum::<f64>() + cuts.total();
    let margin = 1e-6 * d.abs().max(1.0);
    let gap = (d - value).max(0.0);
    // one technician's list incomplete and there is no proof: the others
    // need not be enumerated
    let given_up = AtomicBool::new(false);
    let priced = par_map(techs.to_vec(), threads, |td| {
        if given_up.load(Ordering::Relaxed) {
            return (td.t, f64::INFINITY, false, Vec::new(), Vec::new());
        }
        // identical technicians share one labelling: the lowest μ among
        // them sets the threshold for all
        let low = twins[td.t].iter().map(|&u| mu[u]).fold(mu[td.t], f64::min);
        let thr = low - gap - margin;
        let mut r = enumerate(inst, td, (pi, cuts), thr, max_labels, max_routes, deadline);
        let routes = std::mem::take(&mut r.routes);
        let mut best = r.best;
        let mut complete = r.exact;
        let mut variant = Vec::new();
        if let Some(v) = td.ts_variant.as_deref() {
            let r2 = enumerate(inst, v, (pi, cuts), thr, max_labels, max_routes, deadline);
            complete &= r2.exact;
            best = best.max(r2.best);
            variant = r2.routes;
        } else if td.has_tech_specific(inst) {
            // routes moving its technician-specific jobs are not labelled
            complete = false;
        }
        if !complete {
            given_up.store(true, Ordering::Relaxed);
        }
        (td.t, best, complete, routes, variant)
    });
    // which technicians were left out once one gave up depends on the
    // threads' timing: nothing of an incomplete enumeration is kept
    if !priced.iter().all(|p| p.2) {
        return false;
    }
    let total: usize = priced.iter().map(|p| p.3.len() + p.4.len()).sum();
    // too many to be a proof: the best few of each, as a heuristic
    let keep = if total <= max_routes {
        usize::MAX
    } else {
        keep
    };
    // each technician's best reduced value (a twin's is its representative's)
    let mut best = vec![0.0f64; shape.n_techs];
    for (t, rp, _, mut routes, mut variant) in priced {
        routes.truncate(keep);
        variant.truncate(keep);
        for u in std::iter::once(t).chain(twins[t].iter().copied()) {
            let c = rp - mu[u];
            best[u] = if shape.must_route[u] { c } else { c.max(0.0) };
        }
        for stops in variant {
            if let Some(col) = Column::new(inst, t, stops) {
                pool.add(col);
            }
        }
        for stops in routes {
            if let Some(col) = Column::new(inst, t, stops) {
                pool.add_with_twins(col, twins[t].iter().copied());
            }
        }
    }
    // the argument holds for technician t when the others' best reduced
    // values, which its routes' threshold left out, sum to at most the margin
    let sum: f64 = best.iter().sum();
    let settled = best.iter().all(|&c| sum - c <= margin);
    settled && total <= max_routes
}
