//! Local search: first-improvement passes of insert-unassigned, relocate,
//! swap, 2-opt* and remove-and-reinsert until a whole pass finds nothing or
//! the time limit. Every move's objective change is computed exactly from
//! the legs it touches before any timing, so only improving moves are timed
//! (incrementally, see `eval`). The seed only shuffles the order in which
//! jobs are tried.

use std::collections::HashMap;
use std::time::Instant;

use autodispatch_model::route::RouteStop;
use autodispatch_model::{Instance, JobClass};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::construct::insert_zero_value;
use crate::eval::Route;
use crate::state::{best_insert, Ctx, Scratch, Sol, EPS};

/// A place for a job: technician, position, objective delta.
type Place = (usize, usize, f64);

/// Neighbours per job for swap and 2-opt*.
pub const NEIGHBOURS: usize = 16;

/// How a search ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    pub moves: usize,
    pub passes: usize,
    /// The time limit stopped it before a pass found nothing.
    pub cut: bool,
}

struct Search<'a, 'b> {
    ctx: &'b Ctx<'a>,
    inst: &'a Instance,
    sol: &'b mut Sol,
    scratch: Scratch,
    neighbours: &'b [Vec<usize>],
    /// Move counter when each route last changed / each unassigned job was
    /// last found impossible to insert.
    changed_at: Vec<usize>,
    tried_at: Vec<usize>,
    moves: usize,
    deadline: Instant,
    targets: Vec<usize>,
    /// Per routed job: [`Search::elsewhere`] and the move counter it holds for.
    elsewhere_cache: HashMap<usize, (usize, Option<Place>)>,
    /// Small days: replace tries the new job anywhere in the route, not
    /// only in the evicted job's place.
    thorough: bool,
    /// Move counter when each unassigned job last failed a replace.
    replace_at: Vec<usize>,
}

/// Total drive of route `r` with `stops[i..e]` replaced by `seg` (legs only,
/// no timing).
fn splice_drive(
    inst: &Instance,
    t: usize,
    r: &Route,
    i: usize,
    e: usize,
    seg: &[RouteStop],
) -> f64 {
    let len = r.len();
    if i == 0 && e == len && seg.is_empty() {
        return 0.0;
    }
    let before = if i == 0 { 0.0 } else { r.cum[i - 1] };
    let after = if e < len { r.drive - r.cum[e] } else { 0.0 };
    let mut loc = r.loc_before(inst, t, i);
    let mut d = before + after;
    for st in seg {
        let l = inst.jobs[st.job].loc;
        d += inst.drive(loc, l);
        loc = l;
    }
    if let Some(b) = r.loc_at(inst, t, e) {
        d += inst.drive(loc, b);
    }
    d
}

impl Search<'_, '_> {
    fn timed_out(&self) -> bool {
        Instant::now() >= self.deadline
    }

    fn profit_in(&self, j: usize, t: usize) -> f64 {
        if self.inst.jobs[j].class == JobClass::Managed {
            self.inst.profit(j, t)
        } else {
            0.0
        }
    }

    /// Applies new stops to route `t`; false when they break a rule.
    fn apply(&mut self, t: usize, stops: Vec<RouteStop>) -> bool {
        if self.sol.set_route(self.inst, t, stops) {
            self.moves += 1;
            self.changed_at[t] = self.moves;
            true
        } else {
            false
        }
    }

    fn position(&self, t: usize, j: usize) -> usize {
        self.sol.routes[t]
            .stops
            .iter()
            .position(|s| s.job == j)
            .expect("tech_of agrees with the routes")
    }

    /// Tries to insert every unrouted job at its best place. A technician
    /// whose route has not changed since the job last failed to go in is
    /// not tried again.
    fn insert_unassigned(&mut self) -> bool {
        let inst = self.inst;
        let mut any = false;
        for &j in &self.ctx.managed {
            if self.sol.tech_of[j].is_some() {
                continue;
            }
            let since = self.tried_at[j];
            let mut best: Option<(usize, usize, f64)> = None;
            for &t in &self.ctx.cands[j] {
                if since > 0 && self.changed_at[t] < since {
                    continue;
                }
                let floor = best.map_or(EPS, |b| b.2.max(EPS));
                if let Some((p, d)) =
                    best_insert(inst, t, &self.sol.routes[t], j, floor, &mut self.scratch)
                {
                    if best.map_or(true, |b| d > b.2 + 1e-12) {
                        best = Some((t, p, d));
                    }
                }
            }
            self.tried_at[j] = self.moves + 1;
            if let Some((t, p, _)) = best {
                let mut stops = self.sol.routes[t].stops.clone();
                stops.insert(p, RouteStop::movable(j));
                any |= self.apply(t, stops);
            }
        }
        any
    }

    /// Moves routed job `j` to its best place elsewhere (any technician,
    /// its own route included), or drops it when it costs more than it earns.
    fn relocate(&mut self, j: usize) -> bool {
        let inst = self.inst;
        let Some(t) = self.sol.tech_of[j] else {
            return false;
        };
        let p = self.position(t, j);
        let r = &self.sol.routes[t];
        let rem_drive = splice_drive(inst, t, r, p, p + 1, &[]);
        // objective change of taking j out of t
        let rem = -inst.profit(j, t) - inst.drive_cost * (rem_drive - r.drive);
        if r.eval(inst, t, p, &[], p + 1).is_none() {
            return false;
        }
        if rem > EPS {
            let mut stops = r.stops.clone();
            stops.remove(p);
            return self.apply(t, stops);
        }
        let need = EPS - rem;
        let mut best: Option<(usize, usize, f64)> = None;
        // granular: only routes holding a neighbour of j, and empty routes
        let mut targets = std::mem::take(&mut self.targets);
        targets.clear();
        targets.extend(
            self.neighbours[j]
                .iter()
                .filter_map(|&x| self.sol.tech_of[x]),
        );
        targets.extend(
            self.ctx.cands[j]
                .iter()
                .copied()
                .filter(|&u| self.sol.routes[u].len() == 0),
        );
        targets.sort_unstable();
        targets.dedup();
        for &u in &targets {
            if u == t || !inst.fit(j, u).is_yes() {
                continue;
            }
            let floor = best.map_or(need, |b| b.2.max(need));
            if let Some((q, d)) =
                best_insert(inst, u, &self.sol.routes[u], j, floor, &mut self.scratch)
            {
                if best.map_or(true, |b| d > b.2 + 1e-12) {
                    best = Some((u, q, d));
                }
            }
        }
        self.targets = targets;
        // within its own route: time the route without j first
        let mut without = self.sol.routes[t].stops.clone();
        without.remove(p);
        let floor = best.map_or(need, |b| b.2.max(need));
        if let Some(w) = Route::build(inst, t, without) {
            if let Some((q, d)) = best_insert(inst, t, &w, j, floor, &mut self.scratch) {
                if q != p && best.map_or(true, |b| d > b.2 + 1e-12) {
                    let mut stops = w.stops;
                    stops.insert(q, RouteStop::movable(j));
                    return self.apply(t, stops);
                }
            }
        }
        let Some((u, q, _)) = best else { return false };
        let mut from = self.sol.routes[t].stops.clone();
        from.remove(p);
        let mut to = self.sol.routes[u].stops.clone();
        to.insert(q, RouteStop::movable(j));
        self.apply_two(t, from, u, to)
    }

    /// Applies a move that changes routes `t` and `u`, or neither when the
    /// second half does not fit.
    fn apply_two(
        &mut self,
        t: usize,
        t_stops: Vec<RouteStop>,
        u: usize,
        u_stops: Vec<RouteStop>,
    ) -> bool {
        let saved = self.sol.routes[t].clone();
        if self.apply(t, t_stops) {
            if self.apply(u, u_stops) {
                return true;
            }
            self.restore(t, saved, u);
        }
        false
    }

    /// Puts a saved route back (after a two-route move failed half-way).
    /// `other` is the second route of the move: unchanged, but jobs it
    /// holds may have been marked as moved to `t`.
    fn restore(&mut self, t: usize, r: Route, other: usize) {
        let ok = self.sol.set_route(self.inst, t, r.stops);
        debug_assert!(ok, "a saved route times again");
        for st in &self.sol.routes[other].stops {
            if self.inst.jobs[st.job].class == JobClass::Managed {
                self.sol.tech_of[st.job] = Some(other);
            }
        }
    }

    /// Exchanges routed job `j` with a neighbour in another route, each
    /// taking the other's position.
    fn swap(&mut self, j: usize) -> bool {
        let inst = self.inst;
        let Some(t1) = self.sol.tech_of[j] else {
            return false;
        };
        for n in 0..self.neighbours[j].len() {
            let j2 = self.neighbours[j][n];
            let Some(t2) = self.sol.tech_of[j2] else {
                continue;
            };
            if t2 == t1 || !inst.fit(j2, t1).is_yes() || !inst.fit(j, t2).is_yes() {
                continue;
            }
            let (p1, p2) = (self.position(t1, j), self.position(t2, j2));
            let (r1, r2) = (&self.sol.routes[t1], &self.sol.routes[t2]);
            let s1 = [RouteStop::movable(j2)];
            let s2 = [RouteStop::movable(j)];
            let d1 = splice_drive(inst, t1, r1, p1, p1 + 1, &s1) - r1.drive;
            let d2 = splice_drive(inst, t2, r2, p2, p2 + 1, &s2) - r2.drive;
            let gain = inst.profit(j2, t1) + inst.profit(j, t2)
                - inst.profit(j, t1)
                - inst.profit(j2, t2)
                - inst.drive_cost * (d1 + d2);
            if gain <= EPS {
                continue;
            }
            if r1.eval(inst, t1, p1, &s1, p1 + 1).is_none()
                || r2.eval(inst, t2, p2, &s2, p2 + 1).is_none()
            {
                continue;
            }
            let mut a = r1.stops.clone();
            a[p1] = s1[0];
            let mut b = r2.stops.clone();
            b[p2] = s2[0];
            if self.apply_two(t1, a, t2, b) {
                return true;
            }
        }
        false
    }

    /// The movable run of route `r` from `i` up to the next fixed stop.
    fn run_end(r: &Route, i: usize) -> usize {
        let mut e = i;
        while e < r.len() && r.stops[e].fixed.is_none() {
            e += 1;
        }
        e
    }

    /// 2-opt*: for a neighbour `y` of routed job `x` in another route, link
    /// x → y: the stops after x (up to x's next fixed stop) and the stops
    /// from y (up to y's next fixed stop) change routes.
    fn two_opt_star(&mut self, x: usize) -> bool {
        let inst = self.inst;
        let Some(t1) = self.sol.tech_of[x] else {
            return false;
        };
        for n in 0..self.neighbours[x].len() {
            let y = self.neighbours[x][n];
            let Some(t2) = self.sol.tech_of[y] else {
                continue;
            };
            if t2 == t1 {
                continue;
            }
            let i = self.position(t1, x) + 1;
            let k = self.position(t2, y);
            let (r1, r2) = (&self.sol.routes[t1], &self.sol.routes[t2]);
            let (e1, e2) = (Self::run_end(r1, i), Self::run_end(r2, k));
            let seg1 = &r1.stops[i..e1];
            let seg2 = &r2.stops[k..e2];
            if !seg2.iter().all(|s| inst.fit(s.job, t1).is_yes())
                || !seg1.iter().all(|s| inst.fit(s.job, t2).is_yes())
            {
                continue;
            }
            let profit: f64 = seg2
                .iter()
                .map(|s| self.profit_in(s.job, t1) - self.profit_in(s.job, t2))
                .sum::<f64>()
                + seg1
                    .iter()
                    .map(|s| self.profit_in(s.job, t2) - self.profit_in(s.job, t1))
                    .sum::<f64>();
            let d1 = splice_drive(inst, t1, r1, i, e1, seg2) - r1.drive;
            let d2 = splice_drive(inst, t2, r2, k, e2, seg1) - r2.drive;
            if profit - inst.drive_cost * (d1 + d2) <= EPS {
                continue;
            }
            if r1.eval(inst, t1, i, seg2, e1).is_none() || r2.eval(inst, t2, k, seg1, e2).is_none()
            {
                continue;
            }
            let mut a = r1.stops[..i].to_vec();
            a.extend_from_slice(seg2);
            a.extend_from_slice(&r1.stops[e1..]);
            let mut b = r2.stops[..k].to_vec();
            b.extend_from_slice(seg1);
            b.extend_from_slice(&r2.stops[e2..]);
            if self.apply_two(t1, a, t2, b) {
                return true;
            }
        }
        false
    }

    /// The best place for routed job `x` (now in route `t`) in a route near
    /// it other than `t`: (technician, position, delta). Cached until any
    /// route changes, since replace asks for the same `x` again and again.
    fn elsewhere(&mut self, x: usize, t: usize) -> Option<Place> {
        let inst = self.inst;
        if let Some(&(stamp, best)) = self.elsewhere_cache.get(&x) {
            if stamp == self.moves {
                return best;
            }
        }
        let mut best: Option<(usize, usize, f64)> = None;
        let mut targets = std::mem::take(&mut self.targets);
        targets.clear();
        targets.extend(
            self.neighbours[x]
                .iter()
                .filter_map(|&y| self.sol.tech_of[y]),
        );
        targets.sort_unstable();
        targets.dedup();
        for &u in &targets {
            if u == t || !inst.fit(x, u).is_yes() {
                continue;
            }
            let floor = best.map_or(f64::NEG_INFINITY, |b| b.2);
            if let Some((q, d)) =
                best_insert(inst, u, &self.sol.routes[u], x, floor, &mut self.scratch)
            {
                if best.map_or(true, |b| d > b.2 + 1e-12) {
                    best = Some((u, q, d));
                }
            }
        }
        self.targets = targets;
        self.elsewhere_cache.insert(x, (self.moves, best));
        best
    }

    /// An unrouted job takes the place of a routed job `r` near its window
    /// in a candidate route: r leaves that route and j goes in at its best
    /// place there. When that alone does not pay (r is worth as much), r
    /// moves to its best place in a nearby route (an ejection chain of
    /// two); otherwise r stays unrouted and is tried again later.
    fn replace(&mut self, j: usize) -> bool {
        let inst = self.inst;
        let (ws, we) = inst.jobs[j].window;
        let ws = ws.max(inst.now);
        let since = self.replace_at[j];
        self.replace_at[j] = self.moves + 1;
        for ci in 0..self.ctx.cands[j].len() {
            let t = self.ctx.cands[j][ci];
            if since > 0 && self.changed_at[t] < since {
                continue;
            }
            for p in 0..self.sol.routes[t].len() {
                let r = &self.sol.routes[t];
                let st = r.stops[p];
                let x = st.job;
                if st.fixed.is_some() || inst.jobs[x].class != JobClass::Managed {
                    continue;
                }
                // only a job whose visit comes near j's window frees time for it
                let (s, e) = (r.starts[p], r.starts[p] + inst.jobs[x].duration);
                if e < ws - inst.jobs[j].duration - 60.0 || s > we + 60.0 {
                    continue;
                }
                let (stops, gain) = if self.thorough {
                    let rem_drive = splice_drive(inst, t, r, p, p + 1, &[]);
                    let rem = -inst.profit(x, t) - inst.drive_cost * (rem_drive - r.drive);
                    // j must at least pay for x's loss, counting x's best return
                    let floor = -rem - self.ctx.max_profit[x];
                    if inst.profit(j, t) <= floor || r.eval(inst, t, p, &[], p + 1).is_none() {
                        continue;
                    }
                    // j anywhere in the route without x
                    let mut without = r.stops.clone();
                    without.remove(p);
                    let Some(w) = Route::build(inst, t, without) else {
                        continue;
                    };
                    let Some((q, dj)) = best_insert(inst, t, &w, j, floor, &mut self.scratch)
                    else {
                        continue;
                    };
                    let mut stops = w.stops;
                    stops.insert(q, RouteStop::movable(j));
                    (stops, rem + dj)
                } else {
                    // large days: j exactly in x's place
                    let with = [RouteStop::movable(j)];
                    let d = splice_drive(inst, t, r, p, p + 1, &with) - r.drive;
                    let gain = inst.profit(j, t) - inst.profit(x, t) - inst.drive_cost * d;
                    if gain + self.ctx.max_profit[x] <= EPS {
                        continue;
                    }
                    if r.eval(inst, t, p, &with, p + 1).is_none() {
                        continue;
                    }
                    let mut stops = r.stops.clone();
                    stops[p] = with[0];
                    (stops, gain)
                };
                if gain > EPS {
                    if self.apply(t, stops) {
                        return true;
                    }
                    continue;
                }
                // x goes to a route near it (not t), if that makes up the loss
                let best = self.elsewhere(x, t).filter(|b| gain + b.2 > EPS);
                let Some((u, qq, _)) = best else { continue };
                let mut to = self.sol.routes[u].stops.clone();
                to.insert(qq, RouteStop::movable(x));
                if self.apply_two(t, stops, u, to) {
                    return true;
                }
            }
        }
        false
    }
}

/// The `count` nearest managed jobs of each managed job, by the shorter
/// direction.
pub fn neighbours(ctx: &Ctx, count: usize) -> Vec<Vec<usize>> {
    let inst = ctx.inst;
    let mut out = vec![Vec::new(); inst.jobs.len()];
    let mut buf: Vec<(f64, usize)> = Vec::with_capacity(ctx.managed.len());
    for &j in &ctx.managed {
        if ctx.cands[j].is_empty() {
            continue;
        }
        let lj = inst.jobs[j].loc;
        buf.clear();
        for &x in &ctx.managed {
            if x != j && !ctx.cands[x].is_empty() {
                let lx = inst.jobs[x].loc;
                buf.push((inst.drive(lj, lx).min(inst.drive(lx, lj)), x));
            }
        }
        let k = count.min(buf.len());
        if k == 0 {
            continue;
        }
        buf.select_nth_unstable_by(k - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        buf.truncate(k);
        buf.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        out[j] = buf.iter().map(|&(_, x)| x).collect();
    }
    out
}

/// Improves `sol` in place until no move helps or `deadline`; `near` comes
/// from [`neighbours`], `thorough` widens the replace move (small days).
pub fn improve(
    ctx: &Ctx,
    near: &[Vec<usize>],
    sol: &mut Sol,
    seed: u64,
    deadline: Instant,
    thorough: bool,
) -> Outcome {
    let n = ctx.inst.jobs.len();
    let mut s = Search {
        ctx,
        inst: ctx.inst,
        neighbours: near,
        sol,
        scratch: Scratch::default(),
        changed_at: vec![0; ctx.inst.techs.len()],
        tried_at: vec![0; n],
        moves: 0,
        deadline,
        targets: Vec::new(),
        elsewhere_cache: HashMap::new(),
        thorough,
        replace_at: vec![0; n],
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<usize> = ctx
        .managed
        .iter()
        .copied()
        .filter(|&j| !ctx.cands[j].is_empty())
        .collect();
    let mut passes = 0;
    loop {
        passes += 1;
        let mut improved = s.insert_unassigned();
        order.shuffle(&mut rng);
        for op in 0..4 {
            for &j in &order {
                if s.timed_out() {
                    return Outcome {
                        moves: s.moves,
                        passes,
                        cut: true,
                    };
                }
                improved |= match op {
                    0 => s.relocate(j),
                    1 => s.swap(j),
                    2 => s.two_opt_star(j),
                    _ => s.sol.tech_of[j].is_none() && s.replace(j),
                };
            }
        }
        if !improved {
            break;
        }
    }
    insert_zero_value(ctx, s.sol, &mut s.scratch);
    debug_assert!(s.sol.owners_consistent(ctx.inst));
    Outcome {
        moves: s.moves,
        passes,
        cut: false,
    }
}
