//! The route-based master problem over a pool of columns: each technician
//! takes at most one route (exactly one when it has fixed stops, whose
//! fixed-only route is always in the pool), each job is covered at most
//! once, maximise the routes' value. Its LP relaxation is solved by
//! clarabel for dual prices; its integer version by microlp (or HiGHS with
//! the `highs` feature), warm-started with the best known selection, or by
//! our own packing heuristic.

#[cfg(not(feature = "highs"))]
use good_lp::microlp;
use good_lp::solvers::{DualValues, SolutionWithDual, WithInitialSolution, WithTimeLimit};
use good_lp::{clarabel, variable, Expression, ProblemVariables, Solution, SolverModel};

use crate::column::Column;
use crate::cuts::{counts, Cut};

/// The master's shape: which jobs have rows and which technicians must route.
#[derive(Debug, Clone)]
pub struct Shape {
    pub n_jobs: usize,
    pub n_techs: usize,
    /// Jobs with a covering row.
    pub rows: Vec<usize>,
    /// Technicians whose convexity row is an equality.
    pub must_route: Vec<bool>,
}

/// An LP solution of the master.
#[derive(Debug, Clone)]
pub struct LpSolution {
    pub value: f64,
    pub x: Vec<f64>,
    /// Dual price of each job's row (indexed by job), clamped to ≥ 0.
    pub pi: Vec<f64>,
    /// Dual price of each technician's convexity row.
    pub mu: Vec<f64>,
    /// Dual price of each subset-row cut, clamped to ≥ 0.
    pub sigma: Vec<f64>,
}

fn rows_of(shape: &Shape, cols: &[Column]) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut by_job: Vec<Vec<usize>> = vec![Vec::new(); shape.n_jobs];
    let mut by_tech: Vec<Vec<usize>> = vec![Vec::new(); shape.n_techs];
    for (k, c) in cols.iter().enumerate() {
        for &j in &c.jobs {
            by_job[j].push(k);
        }
        by_tech[c.tech].push(k);
    }
    (by_job, by_tech)
}

/// Solves the LP relaxation.
///
/// # Errors
/// clarabel failed.
pub fn solve_lp(shape: &Shape, cols: &[Column], time_limit: f64) -> Result<LpSolution, String> {
    solve_lp_cut(shape, cols, &[], time_limit)
}

/// Solves the LP relaxation with subset-row `cuts` as rows.
///
/// # Errors
/// clarabel failed.
pub fn solve_lp_cut(
    shape: &Shape,
    cols: &[Column],
    cuts: &[Cut],
    time_limit: f64,
) -> Result<LpSolution, String> {
    if cols.is_empty() {
        // nothing to choose (clarabel does not take an empty problem)
        return Ok(LpSolution {
            value: 0.0,
            x: Vec::new(),
            pi: vec![0.0; shape.n_jobs],
            mu: vec![0.0; shape.n_techs],
            sigma: vec![0.0; cuts.len()],
        });
    }
    // a backend panic is a failed solve, not a crash
    std::panic::catch_unwind(|| lp_inner(shape, cols, cuts, time_limit))
        .unwrap_or_else(|_| Err("clarabel panicked".into()))
}

fn lp_inner(
    shape: &Shape,
    cols: &[Column],
    cuts: &[Cut],
    time_limit: f64,
) -> Result<LpSolution, String> {
    let (by_job, by_tech) = rows_of(shape, cols);
    let mut vars = ProblemVariables::new();
    let xs: Vec<_> = cols.iter().map(|_| vars.add(variable().min(0.0))).collect();
    let mut obj = Expression::from(0.0);
    for (c, &x) in cols.iter().zip(&xs) {
        obj.add_mul(c.value, x);
    }
    let mut model = vars.maximise(obj).using(clarabel);
    model.settings().time_limit(time_limit.max(0.05));
    let mut job_refs = Vec::with_capacity(shape.rows.len());
    for &j in &shape.rows {
        if by_job[j].is_empty() {
            continue;
        }
        let mut e = Expression::from(0.0);
        for &k in &by_job[j] {
            e.add_mul(1.0, xs[k]);
        }
        job_refs.push((j, model.add_constraint(e.leq(1.0))));
    }
    let mut tech_refs = Vec::with_capacity(shape.n_techs);
    for (t, ks) in by_tech.iter().enumerate() {
        if ks.is_empty() {
            continue;
        }
        let mut e = Expression::from(0.0);
        for &k in ks {
            e.add_mul(1.0, xs[k]);
        }
        let c = if shape.must_route[t] {
            e.eq(1.0)
        } else {
            e.leq(1.0)
        };
        tech_refs.push((t, model.add_constraint(c)));
    }
    let mut cut_refs = Vec::with_capacity(cuts.len());
    for (i, cut) in cuts.iter().enumerate() {
        let mut e = Expression::from(0.0);
        let mut any = false;
        for (k, c) in cols.iter().enumerate() {
            if counts(cut, &c.jobs) {
                e.add_mul(1.0, xs[k]);
                any = true;
            }
        }
        if any {
            cut_refs.push((i, model.add_constraint(e.leq(1.0))));
        }
    }
    let mut sol = model.solve().map_err(|e| e.to_string())?;
    let x: Vec<f64> = xs.iter().map(|&v| sol.value(v)).collect();
    let value = cols.iter().zip(&x).map(|(c, v)| c.value * v).sum();
    let duals = sol.compute_dual();
    let mut pi = vec![0.0; shape.n_jobs];
    for (j, r) in job_refs {
        pi[j] = duals.dual(r).max(0.0);
    }
    let mut mu = vec![0.0; shape.n_techs];
    for (t, r) in tech_refs {
        mu[t] = duals.dual(r);
    }
    let mut sigma = vec![0.0; cuts.len()];
    for (i, r) in cut_refs {
        sigma[i] = duals.dual(r).max(0.0);
    }
    Ok(LpSolution {
        value,
        x,
        pi,
        mu,
        sigma,
    })
}

/// Whether [`solve_ip`]'s backend proves or improves the integer master of
/// a day of dozens of technicians in the seconds a pass gives it: HiGHS
/// does; microlp, warm-started, rarely gets past its start.
pub const STRONG_IP: bool = cfg!(feature = "highs");

/// Is a selection of columns feasible (one per technician, jobs disjoint)?
#[must_use]
pub fn feasible(shape: &Shape, cols: &[Column], pick: &[usize]) -> bool {
    let mut job_used = vec![false; shape.n_jobs];
    let mut tech_used = vec![false; shape.n_techs];
    for &k in pick {
        let c = &cols[k];
        if tech_used[c.tech] {
            return false;
        }
        tech_used[c.tech] = true;
        for &j in &c.jobs {
            if job_used[j] {
                return false;
            }
            job_used[j] = true;
        }
    }
    true
}

/// Value of a selection.
#[must_use]
pub fn value_of(cols: &[Column], pick: &[usize]) -> f64 {
    pick.iter().map(|&k| cols[k].value).sum()
}

/// Replaces `incumbent` by `pick` when `pick` is feasible and worth more;
/// true when it did.
pub fn keep_better(
    shape: &Shape,
    cols: &[Column],
    incumbent: &mut Vec<usize>,
    pick: Vec<usize>,
) -> bool {
    let better =
        feasible(shape, cols, &pick) && value_of(cols, &pick) > value_of(cols, incumbent) + 1e-9;
    if better {
        *incumbent = pick;
    }
    better
}

/// Greedy packing: columns in the given order, each taken when its
/// technician and jobs are free. Baseline columns (`baselines[t]`) fill
/// technicians left without a route.
#[must_use]
pub fn pack(
    shape: &Shape,
    cols: &[Column],
    order: &[usize],
    baselines: &[Option<usize>],
) -> Vec<usize> {
    let mut job_used = vec![false; shape.n_jobs];
    let mut tech_used = vec![false; shape.n_techs];
    let mut pick = Vec::new();
    for &k in order {
        let c = &cols[k];
        if tech_used[c.tech] || c.jobs.iter().any(|&j| job_used[j]) {
            continue;
        }
        if c.value < baselines[c.tech].map_or(0.0, |b| cols[b].value) {
            continue;
        }
        tech_used[c.tech] = true;
        for &j in &c.jobs {
            job_used[j] = true;
        }
        pick.push(k);
    }
    for (t, b) in baselines.iter().enumerate() {
        if let (false, Some(b)) = (tech_used[t], b) {
            pick.push(*b);
        }
    }
    pick
}

/// The integer master by microlp within `time_limit` seconds, warm-started
/// with `incumbent`. `Ok(None)` when microlp found nothing in time.
///
/// # Errors
/// microlp failed for another reason than the time limit.
pub fn solve_ip(
    shape: &Shape,
    cols: &[Column],
    incumbent: &[usize],
    time_limit: f64,
) -> Result<Option<(Vec<usize>, bool)>, String> {
    if cols.is_empty() {
        return Ok(Some((Vec::new(), true)));
    }
    std::panic::catch_unwind(|| ip_inner(shape, cols, incumbent, time_limit))
        .unwrap_or_else(|_| Err("microlp panicked".into()))
}

fn ip_inner(
    shape: &Shape,
    cols: &[Column],
    incumbent: &[usize],
    time_limit: f64,
) -> Result<Option<(Vec<usize>, bool)>, String> {
    let (by_job, by_tech) = rows_of(shape, cols);
    let mut vars = ProblemVariables::new();
    let xs: Vec<_> = cols.iter().map(|_| vars.add(variable().binary())).collect();
    let mut obj = Expression::from(0.0);
    for (c, &x) in cols.iter().zip(&xs) {
        obj.add_mul(c.value, x);
    }
    let mut inc = vec![0.0; cols.len()];
    for &k in incumbent {
        inc[k] = 1.0;
    }
    let mut rows: Vec<good_lp::Constraint> = Vec::new();
    for &j in &shape.rows {
        if by_job[j].len() < 2 {
            continue;
        }
        let mut e = Expression::from(0.0);
        for &k in &by_job[j] {
            e.add_mul(1.0, xs[k]);
        }
        rows.push(e.leq(1.0));
    }
    for (t, ks) in by_tech.iter().enumerate() {
        if ks.is_empty() {
            continue;
        }
        let mut e = Expression::from(0.0);
        for &k in ks {
            e.add_mul(1.0, xs[k]);
        }
        rows.push(if shape.must_route[t] {
            e.eq(1.0)
        } else {
            e.leq(1.0)
        });
    }
    let warm = xs.iter().zip(&inc).map(|(&x, &v)| (x, v));
    let extract = |sol: &dyn Solution, proven: bool| {
        let pick: Vec<usize> = xs
            .iter()
            .enumerate()
            .filter(|(_, &x)| sol.value(x) > 0.5)
            .map(|(k, _)| k)
            .collect();
        (pick, proven)
    };
    #[cfg(not(feature = "highs"))]
    let result = {
        let mut model = vars
            .maximise(obj)
            .using(microlp)
            .with_time_limit(time_limit.max(0.01))
            .with_initial_solution(warm);
        for c in rows {
            model.add_constraint(c);
        }
        model.solve().map(|sol| {
            let proven = matches!(sol.status(), good_lp::solvers::SolutionStatus::Optimal);
            extract(&sol, proven)
        })
    };
    #[cfg(feature = "highs")]
    let result = {
        // one thread, so the plan does not depend on the machine
        let mut model = vars
            .maximise(obj)
            .using(good_lp::highs)
            .set_threads(1)
            .with_time_limit(time_limit.max(0.01))
            .with_initial_solution(warm);
        for c in rows {
            model.add_constraint(c);
        }
        model.solve().map(|sol| {
            let proven = matches!(sol.status(), good_lp::solvers::SolutionStatus::Optimal);
            extract(&sol, proven)
        })
    };
    match result {
        Ok(r) => Ok(Some(r)),
        // out of time before any feasible point (microlp, HiGHS)
        Err(good_lp::ResolutionError::Other(msg))
            if msg.contains("Time limit") || msg.contains("NoSolutionFound") =>
        {
            Ok(None)
        }
        Err(e) => Err(e.to_string()),
    }
}
