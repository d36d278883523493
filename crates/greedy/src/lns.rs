//! Ruin and recreate: a large-neighbourhood search over the whole plan,
//! after Christiaens and Vanden Berghe's SISR ("slack induction by string
//! removals"), adapted to prize collecting. Each iteration removes a few
//! strings of consecutive jobs from routes near a random job, then puts
//! the removed jobs, and the unassigned jobs near them, back one by one at
//! their best place (skipping a place now and then, "blinks"), in one of
//! several orders. Simulated annealing decides whether to keep the result.
//!
//! Local search (`search`) stops at the first plan no single move improves;
//! on days where routes are long (30–40 stops in TOPTW) or where many jobs
//! compete for little time, the better plans are several moves away, and
//! removing a whole neighbourhood at once reaches them.
//!
//! Deterministic: the temperature and the end follow the iteration count
//! and counted work (positions looked at, stops timed), not the clock, on
//! any machine at least as fast as [`Budget::new`] assumes (a conservative
//! rate). On a slower or overloaded one the clock takes over: it cools the
//! search on time and its deadline ends it, and the plan then depends on
//! the clock.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use autodispatch_model::route::RouteStop;
use autodispatch_model::{Instance, JobClass, Schedule};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::eval::Route;
use crate::state::{extra_drive, may_fit_tight, Ctx, Sol, EPS};

/// Nearest jobs kept per job: where strings are looked for.
const NEAR: usize = 40;
/// Mean number of jobs removed per iteration (SISR's c̄), at most (a
/// quarter of the routed jobs on small days).
const MEAN_REMOVED: f64 = 10.0;
/// ... and in a run with work for `LONG_RUN` or more: fewer, larger moves
/// for the same work, which a long run has the iterations for. Measured at
/// 10 s (docs/benchmarks.md): `lns` (7 s of work) +0.19% mean over 15
/// runs on six 1000 × 120 days (12 of 15 up), +0.14% on eight 300 × 40
/// days; `auto` on the six 1000-job days (5 s) +0.13%; TOPTW (3.5 s)
/// 99.38% against 99.36%. Short runs lose by it (`auto` on 300-job days,
/// 1.5 s of work: −0.04% mean, s5 −0.41%), so they keep SISR's 10.
const LONG_MEAN_REMOVED: f64 = 20.0;
/// Longest string removed from one route (SISR's L_max).
const MAX_STRING: f64 = 10.0;
/// Drive weight with no drive cost, in mean job values per typical leg.
const SHAPE: f64 = 1e-3;
/// Chance of skipping a feasible place while recreating.
const BLINK: f64 = 0.01;
/// Unassigned jobs among each removed job's nearest tried with it.
const NEAR_UNASSIGNED: usize = 8;
/// Start and end temperature, in units of the mean job value. With a
/// drive cost, moves change the objective by fine steps (drive saved or
/// spent) and a cool search does best (measured on `bench_day` 100, 300
/// and 1000 jobs: 0.1 beat 0.02, 0.5 and 2). With none (TOPTW), plans of
/// equal value form wide plateaus, and the search must give up whole jobs
/// to cross them (2 beat 0.5 and 5 on pr01–pr10).
const T_START: f64 = 0.1;
const T_END: f64 = 0.001;
/// A run with work for `LONG_RUN` or more starts and ends this much hotter
/// on days with a drive cost: it has the iterations to cool down from
/// further. Measured at 10 s (docs/benchmarks.md): `auto` on 1000-job days
/// (5 s of work) +0.14, +0.50 and +0.36%; `lns` +0.6 and +0.33% on two
/// 300-job days and −0.09% on a third, +0.48% at 1000 jobs. A short run
/// does worse hot (`auto` on 300-job days, 1.5 s of work: −0.94% on one
/// day of ten), so it stays cool.
const LONG_WARMTH: f64 = 3.0;
const LONG_RUN: Duration = Duration::from_secs(3);
const T_START_PRIZE: f64 = 2.0;
const T_END_PRIZE: f64 = 0.02;
/// Iterations per job with candidates, at most.
const ITERATIONS_PER_JOB: u64 = 2000;
/// Counted work per second assumed by [`Budget::new`]. Measured with
/// `cargo bench --bench lns` (after the last speed-ups): 87–94 million on
/// 100-, 300- and 1000-job days on a quiet core, about half that with the
/// other core busy. Callers cut runs well after the nominal time (`lns`:
/// work for 70% of the limit, deadline at 95%), so on a quiet machine runs
/// end on their count.
const WORK_PER_SECOND: f64 = 100.0e6;
/// Counted work per stop timed, against 1 per position looked at.
const TIMING_WORK: u64 = 4;
/// Most distinct routes kept for other solvers (the MILP's columns).
const MAX_ROUTES: usize = 20_000;

/// How long a run may go: every limit is a count but the deadline.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub seed: u64,
    pub max_iterations: u64,
    /// Counted work (positions looked at and stops timed).
    pub max_work: u64,
    /// Hard stop, should the counts take longer than planned.
    pub deadline: Instant,
    /// Multiplies the temperatures of days with a drive cost.
    pub warmth: f64,
    /// Jobs removed per iteration on average, at most.
    pub mean_removed: f64,
}

impl Budget {
    /// A budget whose work fits `time` on a slow machine: work is counted
    /// at a fixed rate, so the same day, seed and time give the same plan
    /// whatever the clock says, unless `deadline` comes first.
    #[must_use]
    pub fn new(inst: &Instance, seed: u64, time: Duration, deadline: Instant) -> Self {
        let jobs = inst
            .jobs
            .iter()
            .filter(|j| j.class == JobClass::Managed)
            .count() as u64;
        Self {
            seed,
            max_iterations: ITERATIONS_PER_JOB * jobs.max(1),
            // whole thousands, so the count does not hang on float rounding
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            max_work: ((time.as_secs_f64() * WORK_PER_SECOND / 1000.0).floor() as u64) * 1000,
            deadline,
            warmth: if time >= LONG_RUN { LONG_WARMTH } else { 1.0 },
            mean_removed: if time >= LONG_RUN {
                LONG_MEAN_REMOVED
            } else {
                MEAN_REMOVED
            },
        }
    }
}

/// What a run found.
#[derive(Debug, Clone)]
pub struct Run {
    pub schedule: Schedule,
    pub iterations: u64,
    pub improvements: u64,
    pub work: u64,
    /// Stopped by the deadline rather than its counts.
    pub cut: bool,
    /// Distinct routes of every new best plan: (technician, stops).
    pub routes: Vec<(usize, Vec<RouteStop>)>,
}

/// Ruin and recreate from `start` (any valid schedule of the day) within
/// `budget`; never returns a plan below `start`'s objective.
#[must_use]
pub fn ruin_and_recreate(inst: &Instance, start: &Schedule, budget: &Budget) -> Run {
    let ctx = Ctx::new(inst);
    let sol = Sol::from_schedule(inst, start);
    search(&ctx, sol, budget)
}

fn search(ctx: &Ctx, start: Sol, budget: &Budget) -> Run {
    let inst = ctx.inst;
    let mut l = Lns::new(ctx, budget);
    let start_obj = start.objective(inst);
    let mut cur = start.clone();
    let (mut cur_value, mut cur_drive) = l.eval_all(&cur);
    let mut best = cur.clone();
    // the best plan: most value, then least drive
    let tie = l.tie;
    let key = |v: f64, d: f64| v - tie * d;
    let mut best_key = key(cur_value, cur_drive);
    let mut routes: Vec<(usize, Vec<RouteStop>)> = Vec::new();
    let mut seen: HashSet<(usize, Vec<usize>)> = HashSet::new();
    let mut keep = |sol: &Sol, ts: &[usize], routes: &mut Vec<(usize, Vec<RouteStop>)>| {
        for &t in ts {
            let stops = &sol.routes[t].stops;
            if routes.len() < MAX_ROUTES
                && stops.iter().any(|s| s.fixed.is_none())
                && seen.insert((t, stops.iter().map(|s| s.job).collect()))
            {
                routes.push((t, stops.clone()));
            }
        }
    };
    let all: Vec<usize> = (0..inst.techs.len()).collect();
    keep(&cur, &all, &mut routes);
    let scale = l.mean_value();
    let (t0, t1) = if inst.drive_cost > 0.0 {
        (
            T_START * scale * budget.warmth,
            T_END * scale * budget.warmth,
        )
    } else {
        (T_START_PRIZE * scale, T_END_PRIZE * scale)
    };
    let mut iterations = 0;
    let mut improvements = 0;
    let mut cut = false;
    let started = Instant::now();
    let mut clock = 0.0;
    if !l.routable.is_empty() {
        while iterations < budget.max_iterations && l.work < budget.max_work {
            if iterations % 16 == 0 {
                let now = Instant::now();
                if now >= budget.deadline {
                    cut = true;
                    break;
                }
                // on a machine slower than the budget assumes, cool by the
                // clock, so a run its deadline cuts still ends cold
                let span = budget.deadline.saturating_duration_since(started);
                clock = now.duration_since(started).as_secs_f64() / span.as_secs_f64().max(1e-9);
            }
            #[allow(clippy::cast_precision_loss)]
            let progress = (iterations as f64 / budget.max_iterations as f64)
                .max(l.work as f64 / budget.max_work.max(1) as f64)
                .max(clock)
                .min(1.0);
            let temp = t0 * (t1 / t0).powf(progress);
            iterations += 1;
            let (dv, dd) = l.step(&mut cur);
            let u: f64 = 1.0 - l.rng.gen::<f64>();
            if dv - l.shape * dd > temp * u.ln() {
                cur_value += dv;
                cur_drive += dd;
                let k = key(cur_value, cur_drive);
                if k > best_key + EPS * best_key.abs().max(1.0) {
                    best_key = k;
                    best.clone_from(&cur);
                    improvements += 1;
                    let ts: Vec<usize> = l.undo.iter().map(|u| u.0).collect();
                    keep(&cur, &ts, &mut routes);
                }
                l.commit();
            } else {
                l.rollback(&mut cur);
            }
        }
    }
    // with no drive cost the score's tie-break may trade a little value for
    // much less drive: never hand back less than the start
    let mut out = if best.objective(inst) + EPS >= start_obj {
        best
    } else {
        start
    };
    crate::construct::insert_zero_value(ctx, &mut out, &mut crate::state::Scratch::default());
    debug_assert!(out.owners_consistent(inst));
    Run {
        schedule: out.schedule(inst),
        iterations,
        improvements,
        work: l.work,
        cut,
        routes,
    }
}

struct Lns<'a, 'b> {
    ctx: &'b Ctx<'a>,
    inst: &'a Instance,
    near: Vec<Vec<usize>>,
    /// Extra weight on drive while recreating and accepting, on days with
    /// no drive cost (TOPTW): a plan of the same value with less driving
    /// leaves more time for more jobs, so the search leans towards it.
    shape: f64,
    /// Weight on drive that only breaks ties between plans of equal value.
    tie: f64,
    rng: ChaCha8Rng,
    work: u64,
    /// Routes changed by this iteration, as they were, with their version.
    undo: Vec<(usize, Route, u64)>,
    /// Per technician, a number that changes whenever its route does (and
    /// comes back with the route on rollback).
    version: Vec<u64>,
    versions_used: u64,
    /// Per candidate pair (offset of the job in `cand_off` plus the index
    /// of the technician in its candidates): the route version in which
    /// the job had no place at all, so an unchanged route is not scanned
    /// again. Most iterations are rolled back, so these mostly stay true.
    no_place: Vec<u64>,
    cand_off: Vec<usize>,
    touched: Vec<bool>,
    /// Value and drive of the touched routes before the change.
    old: (f64, f64),
    removed: Vec<usize>,
    pool: Vec<usize>,
    in_pool: Vec<bool>,
    places: Vec<(f64, usize, usize)>,
    /// Managed jobs with at least one candidate technician.
    routable: Vec<usize>,
    /// Of those, how many were routed when last counted.
    routed: usize,
    steps: u64,
    /// Counted work per position looked at: more on days whose travel
    /// matrix outgrows the caches (1000 jobs: 2).
    pos_work: u64,
    /// Per job, its best value per minute of the least time it takes: its
    /// duration and the drive from its nearest neighbour ([`value_rate`]).
    rate: Vec<f64>,
    /// The budget's jobs removed per iteration.
    mean_removed: f64,
}

impl<'a, 'b> Lns<'a, 'b> {
    fn new(ctx: &'b Ctx<'a>, budget: &Budget) -> Self {
        let inst = ctx.inst;
        let routable: Vec<usize> = ctx
            .managed
            .iter()
            .copied()
            .filter(|&j| !ctx.cands[j].is_empty())
            .collect();
        let near = crate::search::neighbours(ctx, NEAR);
        let mut cand_off = Vec::with_capacity(inst.jobs.len() + 1);
        let mut off = 0;
        for c in &ctx.cands {
            cand_off.push(off);
            off += c.len();
        }
        cand_off.push(off);
        let mean_leg = mean_nearest_leg(inst, &near);
        let rate = value_rate(inst, &near, &ctx.max_profit);
        let mut l = Self {
            ctx,
            inst,
            near,
            shape: 0.0,
            tie: 0.0,
            rng: ChaCha8Rng::seed_from_u64(budget.seed ^ 0x5157_5252),
            mean_removed: budget.mean_removed,
            work: 0,
            undo: Vec::new(),
            version: vec![1; inst.techs.len()],
            versions_used: 1,
            no_place: vec![0; cand_off.last().copied().unwrap_or(0)],
            cand_off,
            touched: vec![false; inst.techs.len()],
            old: (0.0, 0.0),
            removed: Vec::new(),
            pool: Vec::new(),
            in_pool: vec![false; inst.jobs.len()],
            places: Vec::new(),
            routable,
            routed: 0,
            steps: 0,
            pos_work: 1 + (inst.jobs.len() + inst.techs.len()) as u64 / 600,
            rate,
        };
        let per_leg = l.mean_value() / mean_leg.max(1e-3);
        if inst.drive_cost <= 0.0 {
            l.shape = SHAPE * per_leg;
        }
        l.tie = 1e-6 * per_leg;
        l
    }

    fn mean_value(&self) -> f64 {
        let vals: Vec<f64> = self
            .routable
            .iter()
            .map(|&j| self.ctx.max_profit[j])
            .filter(|&v| v > 0.0)
            .collect();
        if vals.is_empty() {
            1.0
        } else {
            #[allow(clippy::cast_precision_loss)]
            let n = vals.len() as f64;
            vals.iter().sum::<f64>() / n
        }
    }

    /// Route `t`'s value (weighted value less drive cost) and drive.
    fn route_eval(&self, sol: &Sol, t: usize) -> (f64, f64) {
        let r = &sol.routes[t];
        let mut v = -self.inst.drive_cost * r.drive;
        for st in &r.stops {
            if self.inst.jobs[st.job].class == JobClass::Managed {
                v += self.inst.profit(st.job, t);
            }
        }
        (v, r.drive)
    }

    fn eval_all(&self, sol: &Sol) -> (f64, f64) {
        (0..self.inst.techs.len())
            .map(|t| self.route_eval(sol, t))
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1))
    }

    fn touch(&mut self, sol: &Sol, t: usize) {
        if !self.touched[t] {
            self.touched[t] = true;
            let (v, d) = self.route_eval(sol, t);
            self.old.0 += v;
            self.old.1 += d;
            self.undo.push((t, sol.routes[t].clone(), self.version[t]));
        }
    }

    /// Route `t` changed.
    fn bump(&mut self, t: usize) {
        self.versions_used += 1;
        self.version[t] = self.versions_used;
    }

    fn commit(&mut self) {
        for &(t, _, _) in &self.undo {
            self.touched[t] = false;
        }
        self.undo.clear();
    }

    fn rollback(&mut self, sol: &mut Sol) {
        for &(t, _, _) in &self.undo {
            for st in &sol.routes[t].stops {
                if sol.tech_of[st.job] == Some(t) {
                    sol.tech_of[st.job] = None;
                }
            }
        }
        for (t, old, version) in self.undo.drain(..) {
            self.version[t] = version;
            for st in &old.stops {
                if self.inst.jobs[st.job].class == JobClass::Managed {
                    sol.tech_of[st.job] = Some(t);
                }
            }
            sol.routes[t] = old;
            self.touched[t] = false;
        }
    }

    /// One ruin and recreate; returns the change of value and of drive.
    /// The change stays in `sol` until [`Self::commit`] or
    /// [`Self::rollback`].
    fn step(&mut self, sol: &mut Sol) -> (f64, f64) {
        self.old = (0.0, 0.0);
        self.removed.clear();
        let seed = self.routable[self.rng.gen_range(0..self.routable.len())];
        // the number of routed jobs changes slowly: count it now and then
        if self.steps % 64 == 0 {
            self.routed = self
                .routable
                .iter()
                .filter(|&&j| sol.tech_of[j].is_some())
                .count();
            self.work += self.routable.len() as u64 / 4;
        }
        self.steps += 1;
        #[allow(clippy::cast_precision_loss)]
        let mean_removed = self.mean_removed.min((self.routed as f64 / 4.0).max(2.0));
        if self.rng.gen_bool(0.1) {
            self.ruin_random(sol, mean_removed);
        } else {
            self.ruin_strings(sol, seed, mean_removed);
        }
        self.recreate(sol, seed);
        let new = self
            .undo
            .iter()
            .map(|u| self.route_eval(sol, u.0))
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        (new.0 - self.old.0, new.1 - self.old.1)
    }

    /// The positions of route `t` that hold jobs this search may move.
    fn movable(&self, sol: &Sol, t: usize) -> Vec<usize> {
        sol.routes[t]
            .stops
            .iter()
            .enumerate()
            .filter(|(_, s)| s.fixed.is_none() && self.inst.jobs[s.job].class == JobClass::Managed)
            .map(|(i, _)| i)
            .collect()
    }

    /// Removes the stops at `positions` (ascending) of route `t`; false
    /// (and no change) when the shorter route breaks a rule (a longer leg
    /// over the maximum drive, say).
    fn remove(&mut self, sol: &mut Sol, t: usize, positions: &[usize]) -> bool {
        let r = &sol.routes[t];
        let mut stops = Vec::with_capacity(r.len());
        let mut gone = Vec::with_capacity(positions.len());
        let mut k = 0;
        for (i, st) in r.stops.iter().enumerate() {
            if k < positions.len() && positions[k] == i {
                gone.push(st.job);
                k += 1;
            } else {
                stops.push(*st);
            }
        }
        self.work += TIMING_WORK * r.len() as u64;
        // a failed removal leaves an unchanged route in the undo log: harmless
        self.touch(sol, t);
        if !sol.set_route(self.inst, t, stops) {
            return false;
        }
        self.bump(t);
        self.removed.extend(gone);
        true
    }

    /// SISR's string removal: strings of consecutive movable jobs from
    /// the routes of the jobs nearest `seed`, one string per route.
    fn ruin_strings(&mut self, sol: &mut Sol, seed: usize, mean_removed: f64) {
        // mean stops per route that has any (fixed stops counted too: a
        // close enough measure of a route's size)
        let (mut jobs, mut routes) = (0usize, 0usize);
        for r in &sol.routes {
            if r.len() > 0 {
                jobs += r.len();
                routes += 1;
            }
        }
        self.work += sol.routes.len() as u64 / 4;
        if routes == 0 {
            return;
        }
        #[allow(clippy::cast_precision_loss)]
        let l_max = MAX_STRING.min(jobs as f64 / routes as f64).max(1.0);
        let ks_max = (4.0 * mean_removed / (1.0 + l_max) - 1.0).max(1.0);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let ks = self.rng.gen_range(1.0..ks_max + 1.0).floor() as usize;
        let mut ruined = 0;
        let order: Vec<usize> = std::iter::once(seed)
            .chain(self.near[seed].iter().copied())
            .collect();
        for c in order {
            if ruined >= ks {
                break;
            }
            let Some(t) = sol.tech_of[c] else { continue };
            if self.touched[t] {
                continue;
            }
            let mv = self.movable(sol, t);
            let Some(i) = mv.iter().position(|&p| sol.routes[t].stops[p].job == c) else {
                continue;
            };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let lt = (l_max.min(mv.len() as f64)) as usize;
            let len = self.rng.gen_range(1..=lt.max(1));
            let lo = (i + 1).saturating_sub(len);
            let hi = i.min(mv.len() - len);
            let a = self.rng.gen_range(lo..=hi);
            let string: Vec<usize> = mv[a..a + len].to_vec();
            let pos_c = mv[i];
            if self.remove(sol, t, &string) || self.remove(sol, t, &[pos_c]) {
                ruined += 1;
            }
        }
    }

    /// Removes about `2 * mean_removed` random routed jobs at most.
    fn ruin_random(&mut self, sol: &mut Sol, mean_removed: f64) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let q = self.rng.gen_range(1..=(2.0 * mean_removed) as usize);
        for _ in 0..q {
            let j = self.routable[self.rng.gen_range(0..self.routable.len())];
            let Some(t) = sol.tech_of[j] else { continue };
            let Some(p) = sol.routes[t].stops.iter().position(|s| s.job == j) else {
                continue;
            };
            self.remove(sol, t, &[p]);
        }
    }

    /// Puts the removed jobs and the unassigned jobs near them back, each
    /// at its best place, in one of SISR's orders.
    fn recreate(&mut self, sol: &mut Sol, seed: usize) {
        self.pool.clear();
        let add = |pool: &mut Vec<usize>, in_pool: &mut Vec<bool>, j: usize| {
            if !in_pool[j] {
                in_pool[j] = true;
                pool.push(j);
            }
        };
        for &j in &self.removed {
            add(&mut self.pool, &mut self.in_pool, j);
        }
        let around: Vec<usize> = std::iter::once(seed)
            .chain(self.removed.iter().copied())
            .collect();
        for x in around {
            if sol.tech_of[x].is_none() {
                add(&mut self.pool, &mut self.in_pool, x);
            }
            for &y in self.near[x].iter().take(NEAR_UNASSIGNED) {
                if sol.tech_of[y].is_none() {
                    add(&mut self.pool, &mut self.in_pool, y);
                }
            }
        }
        let inst = self.inst;
        let seed_loc = inst.jobs[seed].loc;
        let mut pool = std::mem::take(&mut self.pool);
        pool.shuffle(&mut self.rng);
        match self.rng.gen_range(0..11) {
            // where driving costs nothing (prizes: TOPTW) time is what a
            // job spends, so the random order gives way to the most value
            // per minute first
            0..=3 if self.shape > 0.0 => {
                pool.sort_by(|&a, &b| self.rate[b].total_cmp(&self.rate[a]));
            }
            0..=3 => {}
            4..=7 => {
                pool.sort_by(|&a, &b| self.ctx.max_profit[b].total_cmp(&self.ctx.max_profit[a]));
            }
            8..=9 => pool.sort_by(|&a, &b| {
                inst.drive(seed_loc, inst.jobs[b].loc)
                    .total_cmp(&inst.drive(seed_loc, inst.jobs[a].loc))
            }),
            _ => pool.sort_by(|&a, &b| {
                inst.drive(seed_loc, inst.jobs[a].loc)
                    .total_cmp(&inst.drive(seed_loc, inst.jobs[b].loc))
            }),
        }
        for &j in &pool {
            self.in_pool[j] = false;
            if let Some((t, p)) = self.best_place(sol, j) {
                self.touch(sol, t);
                self.work += TIMING_WORK * (sol.routes[t].len() as u64 + 1);
                sol.insert(inst, t, p, j);
                self.bump(t);
            }
        }
        self.pool = pool;
    }

    /// The best place for job `j` by value less weighted extra drive, over
    /// its candidate technicians, skipping places at random (blinks).
    fn best_place(&mut self, sol: &Sol, j: usize) -> Option<(usize, usize)> {
        let inst = self.inst;
        self.places.clear();
        for (i, &t) in self.ctx.cands[j].iter().enumerate() {
            let slot = self.cand_off[j] + i;
            if self.no_place[slot] == self.version[t] {
                self.work += 1;
                debug_assert!(
                    places_in(inst, self.shape, sol, j, t, &mut Vec::new()) == 0,
                    "the no-place mark of job {j} with technician {t} is stale"
                );
                continue;
            }
            let (first, last) = position_range(inst, &sol.routes[t], j);
            self.work += self.pos_work * ((last + 1).saturating_sub(first) as u64 + 3);
            if places_in(inst, self.shape, sol, j, t, &mut self.places) == 0 {
                self.no_place[slot] = self.version[t];
            }
        }
        // best first; usually the first or second place times, so pick
        // maxima one by one rather than sort them all
        while !self.places.is_empty() {
            let mut k = 0;
            for (i, x) in self.places.iter().enumerate().skip(1) {
                if x.0 > self.places[k].0 {
                    k = i;
                }
            }
            let (_, t, p) = self.places.swap_remove(k);
            if self.rng.gen_bool(BLINK) {
                continue;
            }
            let mut steps = 1;
            let fits = sol.routes[t]
                .eval_counted(inst, t, p, &[RouteStop::movable(j)], p, &mut steps)
                .is_some();
            self.work += TIMING_WORK * steps;
            if fits {
                return Some((t, p));
            }
        }
        None
    }
}

/// Adds to `out` every place of job `j` in technician `t`'s route that
/// passes the quick tests and gains value: (value less drive weighted by
/// the drive cost and `shape`, technician, position). Returns how many.
fn places_in(
    inst: &Instance,
    shape: f64,
    sol: &Sol,
    j: usize,
    t: usize,
    out: &mut Vec<(f64, usize, usize)>,
) -> usize {
    let r = &sol.routes[t];
    let profit = inst.profit(j, t);
    if profit <= 0.0 {
        return 0;
    }
    let jl = inst.jobs[j].loc;
    let before = out.len();
    let (first, last) = position_range(inst, r, j);
    for p in first..=last {
        if may_fit_tight(inst, t, r, j, p) {
            let ed = extra_drive(inst, t, r, p, jl);
            // only gains count
            if profit - inst.drive_cost * ed > EPS {
                out.push((profit - (inst.drive_cost + shape) * ed, t, p));
            }
        }
    }
    out.len() - before
}

/// The positions of route `r` where job `j` may go, by binary search:
/// ends and latest starts ([`Route::latest`]) both grow along a route, so
/// the job must come after every stop that must start before it can end,
/// and before every stop that ends after its window closes. (Where
/// double-booked fixed stops break the order this only skips places.)
fn position_range(inst: &Instance, r: &Route, j: usize) -> (usize, usize) {
    let job = &inst.jobs[j];
    let end = job.window.0.max(inst.now) + job.duration;
    let first = r.latest.partition_point(|&l| l < end);
    let we = job.window.1;
    let n_before = partition(r.len(), |k| {
        r.starts[k] + inst.jobs[r.stops[k].job].duration <= we
    });
    (first.min(n_before), n_before)
}

/// The number of leading indices in `0..n` for which `pred` holds, for a
/// `pred` true then false.
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Per job, `value[j]` per minute of its duration and the drive from its
/// nearest neighbour (`near[j]`, nearest first): what the job gives for
/// the time it takes a route at the least. Measured on TOPTW pr14–pr20
/// (docs/benchmarks.md): recreating in this order instead of a random one
/// in 4 of 11 iterations raised ruin and recreate from 95.0% to 96.6% of
/// best-known (six instances × three seeds).
fn value_rate(inst: &Instance, near: &[Vec<usize>], value: &[f64]) -> Vec<f64> {
    near.iter()
        .enumerate()
        .map(|(j, n)| {
            let leg = n
                .first()
                .map_or(0.0, |&x| inst.drive(inst.jobs[j].loc, inst.jobs[x].loc));
            value[j] / (inst.jobs[j].duration + leg).max(1e-9)
        })
        .collect()
}

/// Mean drive from a job to its nearest neighbour: the typical leg.
fn mean_nearest_leg(inst: &Instance, near: &[Vec<usize>]) -> f64 {
    let legs: Vec<f64> = near
        .iter()
        .enumerate()
        .filter_map(|(j, n)| {
            n.first()
                .map(|&x| inst.drive(inst.jobs[j].loc, inst.jobs[x].loc))
        })
        .collect();
    if legs.is_empty() {
        1.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let n = legs.len() as f64;
        legs.iter().sum::<f64>() / n
    }
}
