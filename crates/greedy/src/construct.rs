//! Construction: the plain cheapest-insertion baseline, the warm start from
//! current assignments, and priority-ordered regret insertion.

use std::time::Instant;

use autodispatch_model::{Instance, JobClass};

use crate::eval::Route;
use crate::state::{best_insert, fits_at, position_delta, Ctx, Scratch, Sol, EPS};

/// The best insertion of `j` over its candidate technicians with a delta
/// above `min`: (technician, position, delta); ties go to the lower index.
pub fn best_over_techs(
    ctx: &Ctx,
    sol: &Sol,
    j: usize,
    min: f64,
    scratch: &mut Scratch,
) -> Option<(usize, usize, f64)> {
    let mut best: Option<(usize, usize, f64)> = None;
    for &t in &ctx.cands[j] {
        let floor = best.map_or(min, |b| b.2.max(min));
        if let Some((p, d)) = best_insert(ctx.inst, t, &sol.routes[t], j, floor, scratch) {
            if best.map_or(true, |b| d > b.2 + 1e-12) {
                best = Some((t, p, d));
            }
        }
    }
    best
}

/// Plain priority-ordered cheapest insertion: jobs by descending weighted
/// value, each at its best feasible place over all technicians when that
/// does not lower the objective.
pub fn baseline(ctx: &Ctx) -> Sol {
    let inst = ctx.inst;
    let mut sol = Sol::initial(inst);
    let mut order = ctx.managed.clone();
    order.sort_by(|&a, &b| {
        inst.jobs[b]
            .weighted_value
            .total_cmp(&inst.jobs[a].weighted_value)
            .then(a.cmp(&b))
    });
    let mut scratch = Scratch::default();
    for j in order {
        if let Some((t, p, _)) = best_over_techs(ctx, &sol, j, -EPS, &mut scratch) {
            sol.insert(inst, t, p, j);
        }
    }
    sol
}

/// Keeps current assignments of managed jobs with their technician where
/// that is feasible and worth it, in start order.
pub fn warm_start(ctx: &Ctx, sol: &mut Sol, scratch: &mut Scratch) {
    let inst = ctx.inst;
    let mut cur: Vec<(usize, f64, usize)> = ctx
        .managed
        .iter()
        .filter_map(|&j| {
            let (t, s) = inst.jobs[j].assignment?;
            ctx.cands[j].contains(&t).then_some((t, s, j))
        })
        .collect();
    cur.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (t, _, j) in cur {
        if sol.tech_of[j].is_some() {
            continue;
        }
        if let Some((p, _)) = best_insert(inst, t, &sol.routes[t], j, EPS, scratch) {
            sol.insert(inst, t, p, j);
        }
    }
}

/// The best two cached insertions of a job: (best delta, its candidate
/// index, second best delta or 0 — leaving the job out).
type Top2 = Option<(f64, usize, f64)>;

fn top2(ins: &[Option<(usize, f64)>]) -> Top2 {
    let mut best: Option<(f64, usize)> = None;
    let mut second = 0.0f64;
    for (k, e) in ins.iter().enumerate() {
        if let Some((_, d)) = *e {
            match best {
                Some((b, _)) if d <= b => second = second.max(d),
                Some((b, _)) => {
                    second = second.max(b);
                    best = Some((d, k));
                }
                None => best = Some((d, k)),
            }
        }
    }
    best.map(|(b, k)| (b, k, second))
}

/// Job `j`'s best insertion into route `r` of `t` right after job `x` went
/// in at position `p`, from its best insertion before (`old`). Only the
/// two positions next to `x` are new; every other position keeps its delta
/// and can only have lost feasibility (a stop more never makes a route
/// looser), so the old best still wins where it still fits, and a full
/// search is needed only when it no longer does.
fn after_insert(
    inst: &Instance,
    t: usize,
    r: &Route,
    j: usize,
    p: usize,
    old: Option<(usize, f64)>,
    scratch: &mut Scratch,
) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    if let Some((q, _)) = old {
        if q == p {
            return best_insert(inst, t, r, j, EPS, scratch);
        }
        let q = if q > p { q + 1 } else { q };
        match position_delta(inst, t, r, j, q) {
            Some(d) if d > EPS && fits_at(inst, t, r, j, q) => best = Some((q, d)),
            _ => return best_insert(inst, t, r, j, EPS, scratch),
        }
    }
    for q in [p, p + 1] {
        if let Some(d) = position_delta(inst, t, r, j, q) {
            if d > best.map_or(EPS, |b| b.1) && fits_at(inst, t, r, j, q) {
                best = Some((q, d));
            }
        }
    }
    best
}

/// Regret insertion of every unrouted managed job: repeatedly the job with
/// the highest priority — its best delta plus `weight` × its regret (best
/// less the second-best technician, or less leaving it out) — goes to its
/// best place; only the changed technician's cached insertions are
/// updated. Jobs worth nothing (delta ≈ 0) go last, where they still fit.
/// Returns true when `deadline` stopped it early (the jobs left out stay
/// unrouted).
pub fn regret(
    ctx: &Ctx,
    sol: &mut Sol,
    weight: f64,
    deadline: Instant,
    scratch: &mut Scratch,
) -> bool {
    let inst = ctx.inst;
    let n = inst.jobs.len();
    let mut ins: Vec<Vec<Option<(usize, f64)>>> = vec![Vec::new(); n];
    let mut active = vec![false; n];
    let mut tops: Vec<Top2> = vec![None; n];
    let mut live: Vec<usize> = Vec::new();
    for &j in &ctx.managed {
        if sol.tech_of[j].is_some() || ctx.cands[j].is_empty() {
            continue;
        }
        ins[j] = ctx.cands[j]
            .iter()
            .map(|&t| best_insert(inst, t, &sol.routes[t], j, EPS, scratch))
            .collect();
        tops[j] = top2(&ins[j]);
        if tops[j].is_some() {
            active[j] = true;
            live.push(j);
        }
    }
    loop {
        let mut pick: Option<(f64, usize)> = None;
        for &j in &live {
            if let Some((b, _, s)) = tops[j] {
                let score = b + weight * (b - s);
                if pick.map_or(true, |(ps, pj)| score > ps || (score == ps && j < pj)) {
                    pick = Some((score, j));
                }
            }
        }
        let Some((_, j)) = pick else { break };
        if Instant::now() >= deadline {
            return true;
        }
        let (_, k, _) = tops[j].expect("picked jobs have an insertion");
        let t = ctx.cands[j][k];
        let (p, _) = ins[j][k].expect("best entry exists");
        active[j] = false;
        if !sol.insert(inst, t, p, j) {
            // only when the incremental timing disagreed; stay safe
            ins[j][k] = None;
            tops[j] = top2(&ins[j]);
            active[j] = tops[j].is_some();
            live.retain(|&x| active[x]);
            continue;
        }
        let r = &sol.routes[t];
        for &(j2, k2) in &ctx.tech_jobs[t] {
            if !active[j2] {
                continue;
            }
            let old = ins[j2][k2];
            let new = after_insert(inst, t, r, j2, p, old, scratch);
            ins[j2][k2] = new;
            let (od, nd) = (
                old.map_or(f64::NEG_INFINITY, |e| e.1),
                new.map_or(f64::NEG_INFINITY, |e| e.1),
            );
            let redo = match tops[j2] {
                Some((_, bk, second)) => bk == k2 || od >= second || nd > second,
                None => true,
            };
            if redo {
                tops[j2] = top2(&ins[j2]);
            }
            if tops[j2].is_none() {
                active[j2] = false;
            }
        }
        live.retain(|&x| active[x]);
    }
    insert_zero_value(ctx, sol, scratch);
    false
}

/// Jobs whose best insertion neither gains nor loses (no value, no drive
/// cost) still go where they fit: assigned work is what dispatchers see.
pub fn insert_zero_value(ctx: &Ctx, sol: &mut Sol, scratch: &mut Scratch) {
    let inst = ctx.inst;
    for &j in &ctx.managed {
        if sol.tech_of[j].is_some() || inst.jobs[j].class != JobClass::Managed {
            continue;
        }
        if let Some((t, p, _)) = best_over_techs(ctx, sol, j, -EPS, scratch) {
            sol.insert(inst, t, p, j);
        }
    }
}
