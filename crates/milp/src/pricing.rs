//! Per-technician pricing: a resource-constrained elementary shortest path
//! labelling over the technician's candidate jobs, around their fixed
//! stops, timing every partial route exactly as
//! [`autodispatch_model::route::schedule`] does (earliest starts, windows,
//! shifts, blocked time, max drive per leg, reaching the next fixed stop,
//! return home). With dual prices `pi` on the job rows it finds the routes
//! of highest reduced value; when it runs to the end it also proves the
//! maximum, which is what makes the Lagrangian bound valid. Exact rounds
//! label technicians without fixed stops from both ends of the day
//! (`pricing/bidir.rs`).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::Instant;

use autodispatch_model::explain::fixed_route;
use autodispatch_model::route::{best_insertion, close_start, RouteStop};
use autodispatch_model::{Instance, JobClass};

use crate::column::Column;
use crate::cuts::CutPrices;

mod bidir;

/// Most candidate jobs the labelling handles for one technician (bitset width).
pub const MAX_LABEL_JOBS: usize = 1024;
const WORDS: usize = MAX_LABEL_JOBS / 64;

/// What pricing knows of one technician.
#[derive(Debug, Clone)]
pub struct TechData {
    pub t: usize,
    /// The fixed-only route (locked and technician-specific stops).
    pub fixed: Vec<RouteStop>,
    /// Every job this technician could take in some route, by index.
    pub cands: Vec<usize>,
    /// The jobs the labelling extends with (a prefix of `cands` by promise).
    pub lab: Vec<usize>,
    /// The fixed-only route as a column.
    pub baseline: Column,
    /// True when the technician must keep a route (fixed stops): the
    /// master's row is `= 1`, else `<= 1` with the empty route implicit.
    pub must_route: bool,
    /// Shortest drive into each candidate from anywhere it could come from.
    min_in: Vec<f64>,
    /// The same for each labelling job.
    lab_min_in: Vec<f64>,
    /// Earliest shift start to latest shift end.
    span: f64,
    /// Local indices (in `lab`) of jobs every route must visit: the
    /// technician-specific jobs, in the variant that lets them move.
    pub mandatory: Vec<usize>,
    /// Per fixed stop, in the variant: the local index (in `lab`) of its
    /// technician-specific job, which a route may keep at this stop or
    /// skip here and visit moved instead.
    fixed_lab: Vec<Option<usize>>,
    /// For a technician with technician-specific jobs: the same technician
    /// with each of those jobs kept or moved inside its window (and
    /// mandatory), so pricing covers plans that move any of them.
    pub ts_variant: Option<Box<TechData>>,
    /// ng-neighbourhood of each labelling job (local bits, itself included):
    /// the jobs a partial route remembers having visited near it.
    ng: Vec<[u64; WORDS]>,
    /// Per labelling job, its start rules in closed form where they allow
    /// it ([`QuickStart`]): labels extend millions of times a round.
    quick: Vec<Option<QuickStart>>,
}

/// A job's start rules for one technician with a single regular shift
/// and at most [`QUICK_BLOCKS`] blocked intervals near the job's window:
/// the walk of [`Instance::earliest_start`] (and of its mirror,
/// `bidir::latest_start`) over just those intervals, with the same
/// operations in the same order, so the same starts to the last bit,
/// without going through the technician's shifts and every blocked
/// interval each time a label extends.
#[derive(Debug, Clone, Copy)]
struct QuickStart {
    /// The window's start, `now` and the shift's start, whichever is last.
    lo: f64,
    we: f64,
    d: f64,
    se: f64,
    /// The drive from the job home.
    home: f64,
    /// The blocked intervals near the window, (start, end), by start.
    blocks: [(f64, f64); QUICK_BLOCKS],
    n_blocks: usize,
}

/// Most blocked intervals near a job's window for [`QuickStart`].
const QUICK_BLOCKS: usize = 2;

impl QuickStart {
    fn new(inst: &Instance, t: usize, j: usize) -> Option<Self> {
        let tech = &inst.techs[t];
        let job = &inst.jobs[j];
        let &[(ss, se)] = tech.regular.as_slice() else {
            return None;
        };
        let (ws, we) = job.window;
        let lo = ws.max(inst.now).max(ss);
        // a start lies in [lo - EPS, we]: a block ending a minute before
        // that or starting a minute after its visit ends never meets one
        let mut blocks = [(0.0, 0.0); QUICK_BLOCKS];
        let mut n_blocks = 0;
        for b in &tech.blocked {
            if b.start < we + job.duration + 1.0 && b.end > lo - 1.0 {
                *blocks.get_mut(n_blocks)? = (b.start, b.end);
                n_blocks += 1;
            }
        }
        Some(Self {
            lo,
            we,
            d: job.duration,
            se,
            home: inst.drive(job.loc, tech.home),
            blocks,
            n_blocks,
        })
    }

    /// [`Instance::earliest_start`] with no first leg.
    #[inline]
    fn earliest(&self, ready: f64) -> Option<f64> {
        let mut s = ready.max(self.lo);
        loop {
            if s > self.we || s + self.d > self.se {
                return None;
            }
            let e = s + self.d;
            // `rules::first_block`
            match self.blocks[..self.n_blocks]
                .iter()
                .take_while(|b| b.0 < e)
                .find(|b| s < b.1 && b.0 < e)
            {
                Some(b) => s = b.1.max(s),
                None => return Some(s),
            }
        }
    }

    /// `bidir::latest_start` (the mirror of [`Self::earliest`]): the
    /// latest start by `by`, with `home` the drive home by the shift's end.
    #[inline]
    fn latest(&self, by: f64, home: Option<f64>) -> Option<f64> {
        let eps = bidir::EPS;
        let mut s = by.min(self.we).min(self.se - self.d - home.unwrap_or(0.0));
        while s >= self.lo - eps {
            match self.blocks[..self.n_blocks]
                .iter()
                .take_while(|b| b.0 < s + self.d - eps)
                .find(|b| s < b.1 - eps)
            {
                Some(b) => s = b.0 - self.d,
                None => return Some(s.max(self.lo)),
            }
        }
        None
    }

    /// [`close_start`] with no first leg: in a single shift only the
    /// earliest start can be home earliest, so that one or none.
    #[inline]
    fn close(&self, ready: f64) -> Option<f64> {
        self.earliest(ready)
            .filter(|&s| s + self.d + self.home <= self.se)
    }
}

impl TechData {
    /// Candidates of technician `t`: managed jobs it is eligible for that
    /// fit its day around the fixed stops on their own. `max_lab` caps the
    /// labelling's jobs (the most valuable first).
    #[must_use]
    pub fn new(inst: &Instance, t: usize, max_lab: usize, ng_size: usize) -> Self {
        let mut td = Self::build(inst, t, max_lab, ng_size, false);
        let n_ts = td
            .fixed
            .iter()
            .filter(|s| inst.jobs[s.job].class == JobClass::TechSpecific)
            .count();
        // at most 8: one bit each in a label
        if inst.techs[t].managed && (1..=8).contains(&n_ts) {
            let v = Self::build(inst, t, max_lab, ng_size, true);
            if v.mandatory.len() == n_ts {
                td.ts_variant = Some(Box::new(v));
            }
        }
        td
    }

    fn build(inst: &Instance, t: usize, max_lab: usize, ng_size: usize, movable_ts: bool) -> Self {
        // the variant keeps every fixed stop: a technician-specific one is
        // kept there or skipped (and visited moved), per route
        let fixed = fixed_route(inst, t);
        let ts: Vec<usize> = fixed
            .iter()
            .filter(|s| inst.jobs[s.job].class == JobClass::TechSpecific)
            .map(|s| s.job)
            .collect();
        let tech = &inst.techs[t];
        let mut cands: Vec<(usize, f64)> = Vec::new();
        if tech.managed {
            // a relaxation of "fits some route": free of time for it in
            // some shift, as a stop after another (no first-leg departure:
            // after a fixed stop, `free_from` and the shift start do not
            // hold it back); max drive is left to the labelling, since a
            // job too far from home may be near another job
            for (j, job) in inst.jobs.iter().enumerate() {
                if job.class != JobClass::Managed || !inst.fit(j, t).is_yes() {
                    continue;
                }
                if inst.earliest_start(t, j, f64::NEG_INFINITY, None).is_none() {
                    continue;
                }
                let promise =
                    best_insertion(inst, t, &fixed, j).map_or(inst.profit(j, t), |i| i.delta);
                cands.push((j, promise));
            }
        }
        let all: Vec<usize> = cands.iter().map(|c| c.0).collect();
        let mut ranked = cands.clone();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut lab: Vec<usize> = Vec::new();
        if movable_ts {
            // every technician-specific job, first (one that cannot move
            // is only ever kept)
            lab.extend(ts.iter().copied());
        }
        let room = max_lab.min(MAX_LABEL_JOBS).saturating_sub(lab.len());
        lab.extend(ranked.iter().take(room).map(|c| c.0));
        lab.sort_unstable();
        let mandatory: Vec<usize> = if movable_ts {
            (0..lab.len()).filter(|&c| ts.contains(&lab[c])).collect()
        } else {
            Vec::new()
        };
        let fixed_lab: Vec<Option<usize>> = fixed
            .iter()
            .map(|s| {
                if movable_ts && ts.contains(&s.job) {
                    lab.iter().position(|&j| j == s.job)
                } else {
                    None
                }
            })
            .collect();
        let all: Vec<usize> = if movable_ts {
            // the variant only prices; its candidates are what it labels over
            let mut a = all;
            a.extend(mandatory.iter().map(|&c| lab[c]));
            a.sort_unstable();
            a
        } else {
            all
        };
        let baseline = Column::new(inst, t, fixed.clone()).unwrap_or_else(|| {
            // fixed stops keep their given times whatever the rules say
            Column {
                tech: t,
                starts: fixed.iter().map(|s| s.fixed.unwrap_or(0.0)).collect(),
                stops: fixed.clone(),
                jobs: Vec::new(),
                value: 0.0,
            }
        });
        let mut sources: Vec<usize> = vec![tech.start_loc];
        sources.extend(fixed.iter().map(|s| inst.jobs[s.job].loc));
        sources.extend(all.iter().map(|&j| inst.jobs[j].loc));
        let min_in: Vec<f64> = all
            .iter()
            .map(|&j| {
                let to = inst.jobs[j].loc;
                sources
                    .iter()
                    .filter(|&&s| s != to)
                    .map(|&s| inst.drive(s, to))
                    .fold(f64::INFINITY, f64::min)
                    .min(inst.drive(tech.start_loc, to))
            })
            .collect();
        // every movable job and the drive into it lie between the first
        // shift's start (or the end of a fixed stop before it, when the
        // drive leaves from there) and the last shift's end
        let fixed_end = fixed
            .iter()
            .map(|s| s.fixed.unwrap_or(f64::INFINITY) + inst.jobs[s.job].duration)
            .fold(f64::INFINITY, f64::min);
        let span = match (
            tech.regular.first(),
            tech.regular.iter().map(|r| r.1).reduce(f64::max),
        ) {
            (Some(first), Some(last)) => (last - first.0.min(fixed_end)).max(0.0),
            _ => 0.0,
        };
        let lab_min_in = lab
            .iter()
            .map(|j| all.binary_search(j).map_or(0.0, |k| min_in[k]))
            .collect();
        let ng = lab
            .iter()
            .map(|&a| {
                let mut near: Vec<(f64, usize)> = lab
                    .iter()
                    .enumerate()
                    .map(|(c, &b)| {
                        let (la, lb) = (inst.jobs[a].loc, inst.jobs[b].loc);
                        (inst.drive(la, lb).min(inst.drive(lb, la)), c)
                    })
                    .collect();
                let k = ng_size.max(1).min(near.len());
                if k < near.len() {
                    near.select_nth_unstable_by(k, |x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                }
                let mut bits = [0u64; WORDS];
                for &(_, c) in &near[..k] {
                    bits[c / 64] |= 1 << (c % 64);
                }
                bits
            })
            .collect();
        let quick = lab.iter().map(|&j| QuickStart::new(inst, t, j)).collect();
        Self {
            ng,
            quick,
            mandatory,
            fixed_lab,
            ts_variant: None,
            t,
            must_route: !fixed.is_empty() || movable_ts,
            fixed,
            cands: all,
            lab,
            baseline,
            min_in,
            lab_min_in,
            span,
        }
    }

    /// Whether labelling job `c` may end a route from `ready` ([`close_start`]).
    fn close_start(&self, inst: &Instance, c: usize, ready: f64, first_leg: Option<f64>) -> bool {
        match (first_leg, &self.quick[c]) {
            (None, Some(q)) => q.close(ready).is_some(),
            _ => close_start(inst, self.t, self.lab[c], ready, first_leg).is_some(),
        }
    }

    /// True when some fixed stop is a technician-specific job (which a plan
    /// may move, though our routes keep it in place).
    #[must_use]
    pub fn has_tech_specific(&self, inst: &Instance) -> bool {
        self.fixed
            .iter()
            .any(|s| inst.jobs[s.job].class == JobClass::TechSpecific)
    }

    /// Makes the labelling remember each repeated job along its cycle, so
    /// the same cycle cannot come back (dynamic ng-routes). True when some
    /// neighbourhood grew.
    pub fn forbid_cycles(&mut self, cycles: &[Vec<usize>]) -> bool {
        let mut grew = false;
        for seq in cycles {
            for (p, &c) in seq.iter().enumerate() {
                let Some(q) = seq[p + 1..].iter().position(|&x| x == c) else {
                    continue;
                };
                for &mid in &seq[p + 1..p + 1 + q] {
                    let bit = 1u64 << (c % 64);
                    if self.ng[mid][c / 64] & bit == 0 {
                        self.ng[mid][c / 64] |= bit;
                        grew = true;
                    }
                }
            }
        }
        grew
    }

    /// Makes this labelling remember, near each of its jobs, every job that
    /// `other`'s does (the same technician labelling other jobs): a cycle
    /// either learned is then forbidden in both.
    pub fn absorb_ng(&mut self, other: &TechData) {
        let local = |j: usize| self.lab.binary_search(&j).ok();
        for (oc, bits) in other.ng.iter().enumerate() {
            let Some(c) = local(other.lab[oc]) else {
                continue;
            };
            for ob in set_bits(bits) {
                if let Some(b) = local(other.lab[ob]) {
                    self.ng[c][b / 64] |= 1 << (b % 64);
                }
            }
        }
    }

    /// A valid upper bound on the best reduced route value of this
    /// technician under `pi`, without routing: a fractional time knapsack
    /// where each job costs its duration plus its shortest possible drive
    /// in ([`Knapsack`]). Used when the labelling cannot finish.
    #[must_use]
    pub fn relaxed_bound(&self, inst: &Instance, pi: &[f64]) -> f64 {
        self.knapsack(inst)
            .bound(pi, &mut KnapsackScratch::default(), &mut Vec::new())
    }

    /// The relaxation of [`Self::relaxed_bound`], set up once to be
    /// solved under many prices.
    #[must_use]
    pub fn knapsack(&self, inst: &Instance) -> Knapsack {
        // the variant that may move technician-specific jobs has them as
        // candidates too: they count once, at their full profit, with
        // the fixed stops
        let (jobs, items) = self
            .cands
            .iter()
            .zip(&self.min_in)
            .filter(|(j, _)| !self.fixed.iter().any(|s| s.job == **j))
            .map(|(&j, &d)| {
                let gain = inst.profit(j, self.t) - inst.drive_cost * d;
                (j, (gain, inst.jobs[j].duration, d))
            })
            .unzip();
        // fixed technician-specific jobs count in value; drives only cost
        let fixed_profit = self
            .fixed
            .iter()
            .filter(|s| inst.is_optimizer_job(s.job))
            .map(|s| inst.profit(s.job, self.t))
            .sum();
        // a route of movable jobs only ends with a drive home from one
        // of them (a route with fixed stops may end at one)
        let home = inst.techs[self.t].home;
        let ret = if inst.return_home && !self.must_route {
            self.cands
                .iter()
                .map(|&j| inst.drive(inst.jobs[j].loc, home))
                .fold(f64::INFINITY, f64::min)
        } else {
            0.0
        };
        Knapsack {
            jobs,
            items,
            span: self.span,
            free: free_time(inst, self.t),
            ret: if ret.is_finite() { ret } else { 0.0 },
            drive_cost: inst.drive_cost,
            fixed_profit,
            must_route: self.must_route,
        }
    }
}

/// Time technician `t` may spend on visits: its regular shifts from `now`
/// on, less the time off, on-call shifts and events inside them (drives
/// may cross those, visits may not).
fn free_time(inst: &Instance, t: usize) -> f64 {
    let tech = &inst.techs[t];
    let merge = |mut v: Vec<(f64, f64)>| {
        v.retain(|r| r.1 > r.0);
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out
    };
    let work = merge(
        tech.regular
            .iter()
            .map(|&(a, b)| (a.max(inst.now), b))
            .collect(),
    );
    let blocked = merge(tech.blocked.iter().map(|b| (b.start, b.end)).collect());
    work.iter()
        .map(|&(a, b)| {
            let lost: f64 = blocked
                .iter()
                .map(|&(c, d)| (b.min(d) - a.max(c)).max(0.0))
                .sum();
            (b - a - lost).max(0.0)
        })
        .sum()
}

/// A technician's fractional time knapsack: each candidate job gains its
/// profit less the cost of its shortest drive in, less its price. Its
/// duration and that drive fit in the technician's span (less the drive
/// home), and its duration alone in the time free for visits: each of
/// the two knapsacks bounds the best route, and so does the smaller.
#[derive(Debug, Clone)]
pub struct Knapsack {
    jobs: Vec<usize>,
    /// (gain before prices, duration, shortest drive in), per job of `jobs`.
    items: Vec<(f64, f64, f64)>,
    span: f64,
    free: f64,
    /// Shortest drive home from a candidate (0 where a route need not
    /// end with one).
    ret: f64,
    drive_cost: f64,
    fixed_profit: f64,
    must_route: bool,
}

/// Buffers [`Knapsack::bound`] reuses between calls.
#[derive(Debug, Default)]
pub struct KnapsackScratch {
    items: Vec<(f64, f64, f64, usize)>,
    take: Vec<(usize, f64)>,
}

impl Knapsack {
    /// The knapsack's optimum under `pi`, an upper bound on the best
    /// reduced value of any of the technician's routes; `take` receives
    /// the share of each job it packs, (job, share).
    pub fn bound(
        &self,
        pi: &[f64],
        scratch: &mut KnapsackScratch,
        take: &mut Vec<(usize, f64)>,
    ) -> f64 {
        let both = self.pack(pi, &mut scratch.items, take, true, self.span - self.ret);
        scratch.take.clear();
        let visits = self.pack(pi, &mut scratch.items, &mut scratch.take, false, self.free);
        let packed = if visits < both {
            std::mem::swap(take, &mut scratch.take);
            visits
        } else {
            both
        };
        let ub = packed - self.drive_cost * self.ret + self.fixed_profit;
        if self.must_route || ub > 0.0 {
            ub
        } else {
            // the empty route is better
            take.clear();
            0.0
        }
    }

    /// The fractional knapsack of capacity `cap`, each job weighing its
    /// duration and, `with_drive`, its drive in.
    fn pack(
        &self,
        pi: &[f64],
        items: &mut Vec<(f64, f64, f64, usize)>,
        take: &mut Vec<(usize, f64)>,
        with_drive: bool,
        cap: f64,
    ) -> f64 {
        items.clear();
        items.extend(
            self.jobs
                .iter()
                .zip(&self.items)
                .filter_map(|(&j, &(g, dur, d))| {
                    let v = g - pi[j];
                    let w = if with_drive { dur + d } else { dur };
                    (v > 0.0).then_some((v / w.max(1e-9), v, w, j))
                }),
        );
        // the best by value per minute, until the knapsack is full:
        // sorting a few dozen is enough on most days
        let by = |a: &(f64, f64, f64, usize), b: &(f64, f64, f64, usize)| {
            b.0.total_cmp(&a.0).then(a.3.cmp(&b.3))
        };
        let (mut sorted, mut k) = (0, 0);
        let (mut ub, mut cap) = (0.0, cap);
        while cap > 0.0 && k < items.len() {
            if k == sorted {
                let rest = &mut items[k..];
                let n = (2 * sorted).max(32).min(rest.len());
                if n < rest.len() {
                    rest.select_nth_unstable_by(n - 1, by);
                }
                rest[..n].sort_unstable_by(by);
                sorted += n;
            }
            let (_, v, w, j) = items[k];
            let share = if w <= cap { 1.0 } else { cap / w };
            ub += v * share;
            cap -= w * share;
            take.push((j, share));
            k += 1;
        }
        ub
    }
}

/// Pricing limits and shortcuts. Any shortcut (bucket cap, skipping jobs
/// of no reduced profit) makes the result heuristic: columns, no proof.
#[derive(Debug, Clone, Copy)]
pub struct PriceLimits {
    pub max_labels: usize,
    /// Most live labels per (node, next fixed stop); `usize::MAX` for none.
    pub bucket_cap: usize,
    /// Which jobs of no reduced profit to leave out.
    pub skip: Skip,
    pub max_columns: usize,
    pub deadline: Instant,
    /// Label from both ends of the day and join the halves (technicians
    /// without fixed stops): the same best elementary route, with far
    /// fewer labels where windows are wide. Joins relax ng-routes a little
    /// differently from forward labels, never below the best route.
    pub bidirectional: bool,
}

/// Leaving out jobs whose reduced profit is not positive: far fewer
/// labels, and where [`Instance::stops_skippable`] holds no route of
/// higher value is lost, since such a job only lowers a route's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Keep every job: routes with a job of negative reduced value are
    /// found too (those a better integer solution may need).
    Never,
    /// Leave them out where that loses no best route.
    WhenExact,
    /// Always leave them out (a heuristic round where it loses routes).
    Always,
}

#[derive(Debug, Clone, Default)]
pub struct PriceResult {
    /// Best reduced value of any route found (the empty or fixed-only route
    /// included).
    pub best: f64,
    /// True when `best` is proven the maximum over every route.
    pub exact: bool,
    /// A proven upper bound on the best reduced value of any route, also
    /// when the labelling stopped early or capped its buckets (what any
    /// label left behind could still have reached); `None` when a
    /// shortcut lost routes nothing accounts for (jobs left out that may
    /// add value).
    pub bound: Option<f64>,
    /// Elementary routes whose reduced value exceeds the threshold, best first.
    pub routes: Vec<Vec<RouteStop>>,
    /// The best routes that visit a job twice (local job indices in order).
    pub cycles: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Copy)]
struct Label<const W: usize> {
    node: u32,
    next_fixed: u32,
    /// (a `u32`, with `sr` one, keeps a one-word label in 64 bytes)
    loc: u32,
    has_prev: bool,
    prev_end: f64,
    busy: f64,
    visited: [u64; W],
    rp: f64,
    parent: u32,
    alive: bool,
    /// Mandatory jobs visited, one bit each.
    must: u8,
    /// The route may end here: home in time, at the latest start the last
    /// job could take (not only its earliest; see [`close_start`]).
    close: bool,
    /// A skipped technician-specific fixed stop: no stop of the route.
    skip: bool,
    /// Subset-row cuts visited an odd number of times, one bit each.
    sr: u32,
}

/// A live label as its bucket keeps it: what dominance compares first,
/// side by side in memory (the visited set, compared last, stays in the
/// arena).
#[derive(Debug, Clone, Copy)]
struct Entry {
    rp: f64,
    busy: f64,
    prev_end: f64,
    id: u32,
    must: u8,
    close: bool,
}

const NONE: u32 = u32::MAX;

fn subset<const W: usize>(a: &[u64; W], b: &[u64; W]) -> bool {
    a.iter().zip(b).all(|(x, y)| x & !y == 0)
}

#[derive(PartialEq)]
struct Key(f64, u32);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    // min-heap on time, ties by creation order, for determinism
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

/// The first shift's start and the last shift's end of technician `t`.
fn working_day(inst: &Instance, t: usize) -> (f64, f64) {
    let tech = &inst.techs[t];
    let from = tech.regular.first().map_or(0.0, |r| r.0);
    let to = tech.regular.iter().map(|r| r.1).fold(from, f64::max);
    (from, to)
}

/// The labelling jobs worth taking at reduced profits `red` as items of a
/// time knapsack, best value per minute first: (reduced profit less the
/// cost of the job's shortest drive in, its duration plus that drive, its
/// local index).
fn knapsack_items(inst: &Instance, td: &TechData, red: &[f64]) -> Vec<(f64, f64, usize)> {
    let mut items: Vec<(f64, f64, usize)> = td
        .lab
        .iter()
        .enumerate()
        .filter_map(|(c, &j)| {
            let d = td.lab_min_in[c];
            let v = red[c] - inst.drive_cost * d;
            (v > 0.0).then_some((v, inst.jobs[j].duration + d, c))
        })
        .collect();
    items.sort_by(|a, b| (b.0 / b.1.max(1e-9)).total_cmp(&(a.0 / a.1.max(1e-9))));
    items
}

/// A fractional knapsack of capacity `cap` over `items` (value, weight),
/// best value per weight first: the most they can add within `cap`.
fn fill(items: impl IntoIterator<Item = (f64, f64)>, mut cap: f64) -> f64 {
    let mut ub = 0.0;
    for (v, w) in items {
        if cap <= 0.0 {
            break;
        }
        if w <= cap {
            ub += v;
            cap -= w;
        } else {
            ub += v * cap / w;
            cap = 0.0;
        }
    }
    ub
}

/// An upper bound on what the rest of a route can still add, by the time
/// its technician is free: per point of a time grid, a fractional time
/// knapsack over the jobs that can still start then, each costing its
/// duration and its shortest drive in, within what is left of the day
/// (plus one drive, since the drive to the first of them may leave
/// earlier). Later points have fewer jobs and less time, so a label uses
/// the last point not after it. Fixed stops still ahead add their value.
struct Completion {
    from: f64,
    step: f64,
    /// `at[0]` holds for any time; `at[g]` from `from + g * step` on.
    at: Vec<f64>,
    fixed_ahead: Vec<f64>,
}

impl Completion {
    const POINTS: usize = 96;

    fn new(inst: &Instance, td: &TechData, red: &[f64], fixed_profit: &[f64]) -> Self {
        let items: Vec<(f64, f64, f64, f64)> = knapsack_items(inst, td, red)
            .into_iter()
            .map(|(v, w, c)| (v, w, inst.jobs[td.lab[c]].window.1, td.lab_min_in[c]))
            .collect();
        let extra = items.iter().map(|i| i.3).fold(0.0, f64::max);
        let (from, to) = working_day(inst, td.t);
        let step = ((to - from) / Self::POINTS as f64).max(1.0);
        let knapsack = |after: f64, cap: f64| {
            let open = items
                .iter()
                .filter(|i| i.2 >= after)
                .map(|&(v, w, _, _)| (v, w));
            fill(open, cap)
        };
        let mut at = vec![knapsack(f64::NEG_INFINITY, td.span + extra)];
        let mut g = 1;
        while from + g as f64 * step < to {
            let tau = from + g as f64 * step;
            at.push(knapsack(tau, to - tau + extra));
            g += 1;
        }
        at.push(0.0);
        let mut fixed_ahead = vec![0.0; fixed_profit.len() + 1];
        for k in (0..fixed_profit.len()).rev() {
            fixed_ahead[k] = fixed_ahead[k + 1] + fixed_profit[k].max(0.0);
        }
        Self {
            from,
            step,
            at,
            fixed_ahead,
        }
    }

    /// The most the rest of a route may add once free at `busy`, before
    /// fixed stop `next_fixed`.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn ahead(&self, busy: f64, next_fixed: usize) -> f64 {
        let g = if busy < self.from + self.step {
            0
        } else {
            // the cast truncates towards zero and saturates at zero: the
            // floor of every value here, without a call to libm's `floor`
            (((busy - self.from) / self.step) as usize).min(self.at.len() - 1)
        };
        self.at[g] + self.fixed_ahead[next_fixed]
    }
}

/// The routes a labelling found and what bounds those it did not.
struct Tally {
    /// Best value of any route closed (above the threshold or not).
    best: f64,
    threshold: f64,
    /// Routes above the threshold: value, last forward label, first
    /// backward label (`NONE` for a route closed going forward).
    found: Vec<(f64, u32, u32)>,
    /// The `keep` best values found, smallest on top.
    top: BinaryHeap<Key>,
    keep: usize,
    /// Labels that cannot beat this are dropped: no route above the
    /// threshold and no better best is lost, and none of the `keep` best
    /// found (the `keep`-th best value so far).
    cutoff: f64,
    /// The most a dropped label could have reached: when it is above the
    /// best found, it is what bounds the maximum.
    dropped: f64,
}

impl Tally {
    fn route(&mut self, v: f64, fwd: u32, back: u32) {
        if v > self.best {
            self.best = v;
        }
        if v > self.threshold {
            let id = u32::try_from(self.found.len()).unwrap_or(u32::MAX);
            self.found.push((v, fwd, back));
            // `Key` orders a heap smallest first: its top is the k-th best
            self.top.push(Key(v, id));
            if self.top.len() > self.keep {
                self.top.pop();
            }
            if self.top.len() >= self.keep {
                if let Some(Key(kth, _)) = self.top.peek() {
                    self.cutoff = self.cutoff.max(*kth);
                }
            }
        }
    }

    fn drop(&mut self, ub: f64) {
        self.dropped = self.dropped.max(ub);
    }
}

/// Label `l` extended to labelling job `c` at its earliest start: the drive
/// there, when the technician is ready for it, and the start.
struct Step {
    leg: f64,
    ready: f64,
    first_leg: Option<f64>,
    start: f64,
}

/// The local indices of `key`, smallest key first (ties by index).
#[allow(clippy::cast_possible_truncation)]
fn order_by(key: &[f64]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..key.len() as u32).collect();
    order.sort_by(|&a, &b| key[a as usize].total_cmp(&key[b as usize]).then(a.cmp(&b)));
    order
}

/// The legs between labelling jobs within the maximum drive, with their
/// drive, grouped by one end in a given order, each group made when first
/// asked for: labels extend along a short list read in sequence rather
/// than over every job with a look-up in the day's travel matrix each
/// (where a maximum drive holds, half of the pairs are out of reach).
pub(super) struct Legs<'a> {
    order: &'a [u32],
    /// From each job to those after it, or else into it from those before.
    forward: bool,
    groups: Vec<Option<Vec<(u32, f64)>>>,
}

impl<'a> Legs<'a> {
    fn new(td: &TechData, order: &'a [u32], forward: bool) -> Self {
        Self {
            order,
            forward,
            groups: vec![None; td.lab.len()],
        }
    }

    /// The legs of job `c`, in the order given.
    pub(super) fn of(&mut self, inst: &Instance, td: &TechData, c: usize) -> &[(u32, f64)] {
        let (order, forward) = (self.order, self.forward);
        self.groups[c].get_or_insert_with(|| {
            let mx = inst.max_drive.unwrap_or(f64::INFINITY);
            let here = inst.jobs[td.lab[c]].loc;
            order
                .iter()
                .filter(|&&o| o as usize != c)
                .filter_map(|&o| {
                    let there = inst.jobs[td.lab[o as usize]].loc;
                    let leg = if forward {
                        inst.drive(here, there)
                    } else {
                        inst.drive(there, here)
                    };
                    (leg <= mx).then_some((o, leg))
                })
                .collect()
        })
    }
}

/// The extension of `l` to job `c` over a drive of `leg` as
/// [`autodispatch_model::route::schedule`] times it (max drive per leg,
/// windows, shifts, blocked time); `None` when it cannot start. Fixed
/// stops ahead are the caller's.
#[inline]
fn step<const W: usize>(
    inst: &Instance,
    td: &TechData,
    l: &Label<W>,
    c: usize,
    leg: f64,
) -> Option<Step> {
    let j = td.lab[c];
    if inst.max_drive.is_some_and(|mx| leg > mx) {
        return None;
    }
    let (ready, first_leg) = if l.has_prev {
        ((l.prev_end + leg).max(l.busy), None)
    } else {
        (l.busy, Some(leg))
    };
    let start = match (first_leg, &td.quick[c]) {
        (None, Some(q)) => q.earliest(ready)?,
        _ => inst.earliest_start(td.t, j, ready, first_leg)?,
    };
    Some(Step {
        leg,
        ready,
        first_leg,
        start,
    })
}

/// Labelling for technician `td` under job prices `pi` (indexed by job):
/// the best reduced value and the routes above `threshold`.
#[must_use]
pub fn price(
    inst: &Instance,
    td: &TechData,
    pi: &[f64],
    threshold: f64,
    lim: &PriceLimits,
) -> PriceResult {
    price_cut(inst, td, pi, CutPrices::NONE, threshold, lim)
}

/// [`price`] where routes also pay the master's subset-row `cuts`.
#[must_use]
pub fn price_cut(
    inst: &Instance,
    td: &TechData,
    pi: &[f64],
    cuts: CutPrices,
    threshold: f64,
    lim: &PriceLimits,
) -> PriceResult {
    // the narrowest visited-set that holds what labels remember: they
    // are copied and compared often, and most remember few jobs
    let (pos, bits) = memory_positions(td);
    label(inst, td, (pi, cuts), threshold, lim, pos, bits, Mode::Best)
}

/// Every elementary route of technician `td` whose reduced value under
/// `pi` exceeds `threshold`, none left out: no dominance (a dominated
/// partial route may still end above the threshold), every job
/// remembered, only partial routes that cannot reach the threshold
/// dropped. Depth first, so it holds one path of labels at a time, however
/// many it extends. `exact` in the result says the list is complete
/// (neither `max_labels` labels extended, `max_routes` routes nor the
/// deadline cut it, and the labelling covers every candidate); `best` is
/// then the best reduced value of any route. Meant for the routes within
/// a small gap of the LP, where they are few.
#[must_use]
pub fn enumerate(
    inst: &Instance,
    td: &TechData,
    (pi, cuts): (&[f64], CutPrices),
    threshold: f64,
    max_labels: usize,
    max_routes: usize,
    deadline: Instant,
) -> PriceResult {
    let n = td.lab.len();
    #[allow(clippy::cast_possible_truncation)]
    let pos: Vec<u32> = (0..n as u32).collect();
    let lim = PriceLimits {
        max_labels,
        bucket_cap: usize::MAX,
        skip: Skip::Never,
        max_columns: max_routes,
        deadline,
        bidirectional: false,
    };
    let mut r = label(inst, td, (pi, cuts), threshold, &lim, pos, n, Mode::All);
    r.exact &= td.lab.len() == td.cands.len();
    r
}

/// What a labelling looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The best routes: dominance and ng-routes.
    Best,
    /// Every elementary route above the threshold.
    All,
}

#[allow(clippy::too_many_arguments)]
fn label(
    inst: &Instance,
    td: &TechData,
    prices: (&[f64], CutPrices),
    threshold: f64,
    lim: &PriceLimits,
    pos: Vec<u32>,
    bits: usize,
    mode: Mode,
) -> PriceResult {
    match bits {
        0..=64 => price_w::<1>(inst, td, prices, threshold, lim, pos, mode),
        65..=128 => price_w::<2>(inst, td, prices, threshold, lim, pos, mode),
        129..=256 => price_w::<4>(inst, td, prices, threshold, lim, pos, mode),
        257..=512 => price_w::<8>(inst, td, prices, threshold, lim, pos, mode),
        _ => price_w::<WORDS>(inst, td, prices, threshold, lim, pos, mode),
    }
}

/// The bit of each labelling job in a label's visited set (`NONE`: not
/// kept), and how many bits there are. A label at job `c` remembers
/// `(visited ∩ ng[c]) ∪ {c}`, so a job no other job's neighbourhood holds
/// is only ever remembered by labels at itself: every label at a node
/// holds the same bit for it, no dominance test or join can tell them
/// apart by it, and no leg returns to it. Without fixed stops such jobs
/// need no bit: ng-neighbourhoods start at the job itself and grow only
/// where a cycle was found, so a few dozen bits do where the technician
/// has hundreds of jobs. After a fixed stop a label still remembers the
/// job before it and may go on to any job, that one too, so with fixed
/// stops every job keeps its bit.
fn memory_positions(td: &TechData) -> (Vec<u32>, usize) {
    let n = td.lab.len();
    if !td.fixed.is_empty() {
        return ((0..n as u32).collect(), n);
    }
    let mut kept = vec![false; n];
    for (c, ng) in td.ng.iter().enumerate() {
        for b in set_bits(&ng[..n.div_ceil(64)]) {
            if b != c {
                kept[b] = true;
            }
        }
    }
    let mut pos = vec![NONE; n];
    let mut bits = 0;
    for (c, k) in kept.iter().enumerate() {
        if *k {
            pos[c] = bits;
            bits += 1;
        }
    }
    (pos, bits as usize)
}

/// The indices of the set bits of `words`, in order.
fn set_bits(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(w, &word)| {
        let mut word = word;
        std::iter::from_fn(move || {
            (word != 0).then(|| {
                let b = w * 64 + word.trailing_zeros() as usize;
                word &= word - 1;
                b
            })
        })
    })
}

/// A labelling's visited sets: each job's bit ([`memory_positions`]) and
/// its ng-neighbourhood over those bits.
struct Memory<const W: usize> {
    pos: Vec<u32>,
    ng: Vec<[u64; W]>,
}

impl<const W: usize> Memory<W> {
    fn new(td: &TechData, pos: Vec<u32>) -> Self {
        let words = td.lab.len().div_ceil(64);
        let ng = td
            .ng
            .iter()
            .map(|full| {
                let mut m = [0u64; W];
                for b in set_bits(&full[..words]) {
                    let p = pos[b];
                    if p != NONE {
                        m[p as usize / 64] |= 1 << (p % 64);
                    }
                }
                m
            })
            .collect();
        Self { pos, ng }
    }

    /// Every job remembered: elementary routes only.
    fn every(n: usize) -> Self {
        let mut one = [0u64; W];
        for b in 0..n {
            one[b / 64] |= 1 << (b % 64);
        }
        #[allow(clippy::cast_possible_truncation)]
        let pos = (0..n as u32).collect();
        Self {
            pos,
            ng: vec![one; n],
        }
    }

    /// Does `visited` remember job `c`?
    #[inline]
    fn has(&self, visited: &[u64; W], c: usize) -> bool {
        let p = self.pos[c];
        p != NONE && visited[p as usize / 64] >> (p % 64) & 1 == 1
    }

    /// What a label that remembers `visited` remembers once at job `c`.
    #[inline]
    fn enter(&self, visited: &[u64; W], c: usize) -> [u64; W] {
        let mut out = *visited;
        for (v, m) in out.iter_mut().zip(&self.ng[c]) {
            *v &= m;
        }
        let p = self.pos[c];
        if p != NONE {
            out[p as usize / 64] |= 1 << (p % 64);
        }
        out
    }
}

/// The subset-row cuts a technician's routes can pay (a price, and two
/// of their jobs among its labelling jobs), at most 32, dearest first:
/// each labelling job's bits, and each bit's price. A cut left out is
/// not paid, which only raises reduced values, so bounds stay bounds.
fn cut_bits(td: &TechData, cuts: CutPrices) -> (Vec<u32>, Vec<f64>) {
    let mut of = vec![0u32; td.lab.len()];
    let mut active: Vec<(f64, usize)> = cuts
        .cuts
        .iter()
        .zip(cuts.sigma)
        .enumerate()
        .filter(|(_, (c, &s))| {
            s > 1e-9 && c.iter().filter(|j| td.lab.binary_search(j).is_ok()).count() >= 2
        })
        .map(|(i, (_, &s))| (s, i))
        .collect();
    active.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    active.truncate(32);
    for (b, &(_, i)) in active.iter().enumerate() {
        for j in &cuts.cuts[i] {
            if let Ok(c) = td.lab.binary_search(j) {
                of[c] |= 1 << b;
            }
        }
    }
    (of, active.iter().map(|a| a.0).collect())
}

/// What a label pays for the cuts of `bits` (those whose parity a visit
/// turns even), at `price` a bit.
fn pay(price: &[f64], bits: u32) -> f64 {
    if bits == 0 {
        return 0.0;
    }
    set_bits(&[u64::from(bits)]).map(|b| price[b]).sum()
}

/// The stops of the route ending with label `idx`, and the local indices
/// of its movable jobs, in visiting order.
fn forward_path<const W: usize>(
    arena: &[Label<W>],
    td: &TechData,
    idx: u32,
) -> (Vec<RouteStop>, Vec<usize>) {
    let n = td.lab.len();
    let mut stops = Vec::new();
    let mut locals = Vec::new();
    let mut cur = idx;
    while cur != NONE {
        let l = &arena[cur as usize];
        let node = l.node as usize;
        if l.skip {
            // the same node again, past a skipped fixed stop
        } else if node >= 1 && node <= n {
            stops.push(RouteStop::movable(td.lab[node - 1]));
            locals.push(node - 1);
        } else if node > n {
            stops.push(td.fixed[node - 1 - n]);
        }
        cur = l.parent;
    }
    stops.reverse();
    locals.reverse();
    (stops, locals)
}

/// Moves entry `i` of a bucket to its front. Most new labels are
/// dominated (97% of 15 million on `bench_day(12, 300, 40)`, a day of
/// whole-day windows), mostly by the few labels that dominated the last
/// ones: checked first, they end the scan sooner (exact pricing there a
/// quarter to a third faster, the same labels kept). Dominance does not
/// depend on the order, so neither does an exact labelling's result.
fn move_to_front<T>(bucket: &mut [T], i: usize) {
    bucket[..=i].rotate_right(1);
}

#[allow(clippy::too_many_lines, clippy::cast_possible_truncation)]
fn price_w<const W: usize>(
    inst: &Instance,
    td: &TechData,
    (pi, cuts): (&[f64], CutPrices),
    threshold: f64,
    lim: &PriceLimits,
    pos: Vec<u32>,
    mode: Mode,
) -> PriceResult {
    let all = mode == Mode::All;
    let (sr_of, sr_price) = cut_bits(td, cuts);
    let pay = |bits: u32| pay(&sr_price, bits);
    // what is left of dominance once bucket, time and value have passed:
    // the visited jobs, and the cuts `a` is halfway through and `b` not
    let dominates = |a: &Label<W>, b: &Label<W>| {
        subset(&a.visited, &b.visited) && a.rp - pay(a.sr & !b.sr) >= b.rp - 1e-9
    };
    let memory = if all {
        Memory::<W>::every(td.lab.len())
    } else {
        Memory::<W>::new(td, pos)
    };
    let t = td.t;
    let tech = &inst.techs[t];
    let n = td.lab.len();
    let m = td.fixed.len();
    let dc = inst.drive_cost;
    let n_nodes = 1 + n + m;
    let bucket_of = |node: u32, nf: u32| node as usize * (m + 1) + nf as usize;
    let mut buckets: Vec<Vec<Entry>> = vec![Vec::new(); n_nodes * (m + 1)];
    let mut arena: Vec<Label<W>> = Vec::with_capacity(1024);
    let mut heap: BinaryHeap<Key> = BinaryHeap::new();
    let fixed_profit: Vec<f64> = td
        .fixed
        .iter()
        .map(|s| {
            if inst.is_optimizer_job(s.job) {
                inst.profit(s.job, t)
            } else {
                0.0
            }
        })
        .collect();
    let red: Vec<f64> = td.lab.iter().map(|&j| inst.profit(j, t) - pi[j]).collect();
    let mut mand_bit = vec![0u8; n];
    for (b, &c) in td.mandatory.iter().enumerate() {
        mand_bit[c] = 1 << b;
    }
    let full: u8 = mand_bit.iter().fold(0, |a, b| a | b);
    let skippable = inst.stops_skippable(t);
    let skip = match lim.skip {
        Skip::Never => false,
        Skip::WhenExact => skippable,
        Skip::Always => true,
    };
    // the empty route, for a technician without fixed stops
    let mut tally = Tally {
        best: if m == 0 && full == 0 {
            0.0
        } else {
            f64::NEG_INFINITY
        },
        threshold,
        found: Vec::new(),
        top: BinaryHeap::new(),
        keep: lim.max_columns.max(1),
        cutoff: threshold,
        dropped: f64::NEG_INFINITY,
    };
    let completion = Completion::new(inst, td, &red, &fixed_profit);
    // bidirectional: forward labels only while their last job ends by
    // `mid`; routes going further are joins with backward labels
    let mid = (lim.bidirectional && m == 0 && full == 0 && !all).then(|| {
        let (from, to) = working_day(inst, t);
        (from + to) / 2.0
    });
    let mut joinable: Vec<u32> = Vec::new();
    // the labelling jobs by when their window closes (the latest start)
    let close_at: Vec<f64> = td.lab.iter().map(|&j| inst.jobs[j].window.1).collect();
    let by_close = order_by(&close_at);
    let mut legs = Legs::new(td, &by_close, true);
    arena.push(Label {
        node: 0,
        next_fixed: 0,
        loc: tech.start_loc as u32,
        has_prev: false,
        prev_end: f64::NEG_INFINITY,
        busy: f64::NEG_INFINITY,
        visited: [0; W],
        rp: 0.0,
        parent: NONE,
        alive: true,
        must: 0,
        close: false,
        skip: false,
        sr: 0,
    });
    heap.push(Key(f64::NEG_INFINITY, 0));
    let mut exact = true;
    let mut pops = 0usize;
    // an enumeration's routes, kept as they close
    let mut listed: Vec<(f64, Vec<RouteStop>)> = Vec::new();
    while let Some(Key(_, idx)) = heap.pop() {
        let l = arena[idx as usize];
        if !l.alive {
            continue;
        }
        if all {
            // depth first: every label created after this one is done
            // with (its subtree is explored), so memory stays the depth
            // of the search, not its size
            arena.truncate(idx as usize + 1);
        }
        let ub = l.rp + completion.ahead(l.busy, l.next_fixed as usize);
        if ub <= tally.cutoff && l.node != 0 {
            tally.drop(ub);
            continue;
        }
        pops += 1;
        // an enumeration stops once it has more routes than its caller takes
        let too_many = all && listed.len() > lim.max_columns;
        if too_many
            || (if all { pops } else { arena.len() }) > lim.max_labels
            || (pops % 256 == 0 && Instant::now() >= lim.deadline)
        {
            exact = false;
            // what the labels not yet extended could still reach
            for Key(_, o) in heap.drain().chain([Key(0.0, idx)]) {
                let ol = &arena[o as usize];
                if ol.alive {
                    tally.drop(ol.rp + completion.ahead(ol.busy, ol.next_fixed as usize));
                }
            }
            break;
        }
        // close the route here
        if l.next_fixed as usize == m && l.node != 0 && l.must == full {
            let home = if inst.return_home {
                inst.drive(l.loc as usize, tech.home)
            } else {
                0.0
            };
            if l.close {
                let v = l.rp - dc * home;
                if !all {
                    tally.route(v, idx, NONE);
                } else {
                    // its labels do not last: the route is written now
                    tally.best = tally.best.max(v);
                    if v > threshold {
                        listed.push((v, forward_path(&arena, td, idx).0));
                    }
                }
            }
        }
        if mid.is_some() {
            joinable.push(idx);
        }
        let mut push = |arena: &mut Vec<Label<W>>, heap: &mut BinaryHeap<Key>, nl: Label<W>| {
            if mid.is_some_and(|mid| nl.prev_end > mid) {
                // a route going on past `mid` is a join of its part up to
                // `mid` with a backward label (one job long at least)
                return;
            }
            let ub = nl.rp + completion.ahead(nl.busy, nl.next_fixed as usize);
            if ub <= tally.cutoff {
                tally.drop(ub);
                return;
            }
            if all {
                // a dominated partial route may still end above the threshold;
                // the newest label first (the heap's least key)
                let id = arena.len() as u32;
                heap.push(Key(-f64::from(id), id));
                arena.push(nl);
                return;
            }
            let bucket = &mut buckets[bucket_of(nl.node, nl.next_fixed)];
            for i in 0..bucket.len() {
                let e = &bucket[i];
                // an earlier label may not be able to end here when a later
                // one can (split shifts, return home): that is compared too.
                // Cuts it is halfway through and the other is not may
                // still cost it their price (which only lowers its value,
                // so the entry's value is compared first, and the arena's
                // label, with its cuts, last).
                if e.must == nl.must
                    && (e.close || !nl.close)
                    && e.rp >= nl.rp - 1e-9
                    && e.busy <= nl.busy
                    && e.prev_end <= nl.prev_end
                    && dominates(&arena[e.id as usize], &nl)
                {
                    move_to_front(bucket, i);
                    return;
                }
            }
            let id = arena.len() as u32;
            bucket.retain(|e| {
                let dominated = nl.must == e.must
                    && (nl.close || !e.close)
                    && nl.rp >= e.rp - 1e-9
                    && nl.busy <= e.busy
                    && nl.prev_end <= e.prev_end
                    && dominates(&nl, &arena[e.id as usize]);
                if dominated {
                    arena[e.id as usize].alive = false;
                }
                !dominated
            });
            if bucket.len() >= lim.bucket_cap {
                // full: the new label replaces the worst, or is dropped
                let (w, worst) = bucket
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.rp.total_cmp(&b.1.rp))
                    .map(|(w, e)| (w, *e))
                    .expect("a full bucket");
                if worst.rp >= nl.rp {
                    tally.drop(ub);
                    return;
                }
                let wl = &arena[worst.id as usize];
                tally.drop(wl.rp + completion.ahead(wl.busy, wl.next_fixed as usize));
                arena[worst.id as usize].alive = false;
                bucket.swap_remove(w);
            }
            bucket.push(Entry {
                rp: nl.rp,
                busy: nl.busy,
                prev_end: nl.prev_end,
                id,
                must: nl.must,
                close: nl.close,
            });
            heap.push(Key(nl.busy, id));
            arena.push(nl);
        };
        // the next fixed stop
        if (l.next_fixed as usize) < m {
            let k = l.next_fixed as usize;
            let f = td.fixed[k];
            let job = &inst.jobs[f.job];
            let start = f.fixed.unwrap_or(0.0);
            let end = start + job.duration;
            let leg = inst.drive(l.loc as usize, job.loc);
            // a technician-specific stop (variant): kept here unless it was
            // visited moved, or skipped to be visited moved later
            let ts_bit = td.fixed_lab[k].map_or(0, |c| mand_bit[c]);
            if l.must & ts_bit == 0 {
                let nl = Label {
                    node: (1 + n + k) as u32,
                    next_fixed: (k + 1) as u32,
                    loc: job.loc as u32,
                    has_prev: true,
                    prev_end: end,
                    busy: l.busy.max(end),
                    visited: l.visited,
                    rp: l.rp - dc * leg + fixed_profit[k],
                    parent: idx,
                    alive: true,
                    must: l.must | ts_bit,
                    // a fixed last stop keeps its time: no return-home check
                    close: true,
                    skip: false,
                    sr: l.sr,
                };
                push(&mut arena, &mut heap, nl);
            }
            if ts_bit != 0 {
                let nl = Label {
                    next_fixed: (k + 1) as u32,
                    parent: idx,
                    alive: true,
                    skip: true,
                    ..l
                };
                push(&mut arena, &mut heap, nl);
            }
        }
        // a candidate job: none whose window closes before the last job ends
        let next_fixed = td.fixed.get(l.next_fixed as usize);
        // from a job, along its legs; from the start or a fixed stop, to
        // every job
        let from_job = (1..=n).contains(&(l.node as usize));
        let next: &[(u32, f64)] = if from_job {
            let out = legs.of(inst, td, l.node as usize - 1);
            &out[out.partition_point(|&(c, _)| close_at[c as usize] < l.prev_end)..]
        } else {
            &[]
        };
        let rest: &[u32] = if from_job {
            &[]
        } else if l.has_prev {
            &by_close[by_close.partition_point(|&c| close_at[c as usize] < l.prev_end)..]
        } else {
            &by_close
        };
        let all = next
            .iter()
            .copied()
            .chain(rest.iter().map(|&c| (c, f64::NAN)));
        for (c, leg) in all {
            let c = c as usize;
            if memory.has(&l.visited, c) || l.must & mand_bit[c] != 0 {
                continue;
            }
            if skip && red[c] <= 0.0 && mand_bit[c] == 0 {
                continue;
            }
            let leg = if from_job {
                leg
            } else {
                inst.drive(l.loc as usize, inst.jobs[td.lab[c]].loc)
            };
            let Some(st) = step(inst, td, &l, c, leg) else {
                continue;
            };
            let j = td.lab[c];
            let job = &inst.jobs[j];
            let close = !inst.return_home || td.close_start(inst, c, st.ready, st.first_leg);
            let end = st.start + job.duration;
            if let Some(f) = next_fixed {
                let reach = end + inst.drive(job.loc, inst.jobs[f.job].loc);
                if reach > f.fixed.unwrap_or(f64::INFINITY) {
                    continue;
                }
            }
            let leg = st.leg;
            let visited = memory.enter(&l.visited, c);
            let nl = Label {
                node: (1 + c) as u32,
                next_fixed: l.next_fixed,
                loc: job.loc as u32,
                has_prev: true,
                prev_end: end,
                busy: l.busy.max(end),
                visited,
                rp: l.rp + red[c] - dc * leg - pay(l.sr & sr_of[c]),
                parent: idx,
                alive: true,
                must: l.must | mand_bit[c],
                close,
                skip: false,
                sr: l.sr ^ sr_of[c],
            };
            push(&mut arena, &mut heap, nl);
        }
    }
    let back = match mid {
        Some(mid) if exact => bidir::backward_and_join(
            &bidir::Side {
                inst,
                td,
                red: &red,
                skip,
                mid,
                lim,
                completion: &completion,
                sr: (&sr_of, &sr_price),
            },
            &arena,
            &memory,
            &joinable,
            &mut legs,
            &mut tally,
            &mut exact,
        ),
        Some(_) => {
            // cut before the backward half: what the routes through a
            // forward half could have reached bounds them
            for &i in &joinable {
                let l = &arena[i as usize];
                tally.drop(l.rp + completion.ahead(l.busy, 0));
            }
            Vec::new()
        }
        None => Vec::new(),
    };
    let Tally {
        best,
        mut found,
        dropped: dropped_best,
        ..
    } = tally;
    // jobs left out of the labelling lose nothing when skipping them would
    // (no reduced profit, and stops may be skipped)
    let left_out_lose = td.lab.len() < td.cands.len()
        && !(skippable
            && td
                .cands
                .iter()
                .all(|&j| inst.profit(j, t) - pi[j] <= 0.0 || td.lab.binary_search(&j).is_ok()));
    let lost = left_out_lose || (skip && !skippable);
    if lost || lim.bucket_cap != usize::MAX {
        exact = false;
    }
    let bound = (!lost).then(|| best.max(dropped_best));
    let best = if exact { best.max(dropped_best) } else { best };
    if all {
        listed.sort_by(|a, b| b.0.total_cmp(&a.0));
        listed.truncate(lim.max_columns);
        return PriceResult {
            best,
            exact,
            bound,
            routes: listed.into_iter().map(|r| r.1).collect(),
            cycles: Vec::new(),
        };
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut routes = Vec::new();
    let mut cycles = Vec::new();
    for &(_, idx, back_idx) in &found {
        if routes.len() >= lim.max_columns {
            break;
        }
        let (mut stops, mut locals) = forward_path(&arena, td, idx);
        let mut cur = back_idx;
        while cur != NONE {
            let b = &back[cur as usize];
            stops.push(RouteStop::movable(td.lab[b.node as usize]));
            locals.push(b.node as usize);
            cur = b.parent;
        }
        let mut sorted = locals.clone();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w[0] == w[1]) {
            // an ng-route with a cycle: no column, but it tells where the
            // neighbourhoods must remember more
            if cycles.len() < 3 {
                cycles.push(locals);
            }
        } else {
            routes.push(stops);
        }
    }
    PriceResult {
        best,
        exact,
        bound,
        routes,
        cycles,
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use autodispatch_model::Instance;

    use super::{
        bidir, close_start, memory_positions, price, price_w, CutPrices, PriceLimits, Skip,
        TechData, MAX_LABEL_JOBS, NONE, WORDS,
    };

    /// Days with blocked time, split shifts and fixed stops (even seeds),
    /// or plain benchmark days (odd).
    fn day(seed: u64, jobs: (usize, usize), techs: (usize, usize)) -> Instance {
        Instance::new(&if seed % 2 == 0 {
            autodispatch_testkit::random_day(seed, jobs.0, techs.0)
        } else {
            autodispatch_testkit::bench_day(seed, jobs.1, techs.1)
        })
    }

    /// Limits that only `max_labels` can cut.
    fn no_limits(max_labels: usize, bidirectional: bool) -> PriceLimits {
        PriceLimits {
            max_labels,
            bucket_cap: usize::MAX,
            skip: Skip::Never,
            max_columns: 50,
            deadline: Instant::now() + Duration::from_secs(600),
            bidirectional,
        }
    }

    /// The closed-form starts give exactly what the rules' walk over
    /// shifts and blocked time gives, for every `ready` (and `by`) tried,
    /// on days with blocked time, split shifts and a return home; and the
    /// technicians the closed form does not hold for keep the walk.
    #[test]
    fn quick_starts_are_the_rules_own() {
        let (mut quick, mut walked) = (0, 0);
        for seed in 0..40 {
            let inst = day(seed, (20, 40), (4, 6));
            for t in 0..inst.techs.len() {
                let td = TechData::new(&inst, t, MAX_LABEL_JOBS, 8);
                for (c, &j) in td.lab.iter().enumerate() {
                    let Some(q) = td.quick[c] else {
                        walked += 1;
                        continue;
                    };
                    quick += 1;
                    let (ws, we) = inst.jobs[j].window;
                    let home = inst.drive(inst.jobs[j].loc, inst.techs[t].home);
                    let mut times = vec![f64::NEG_INFINITY, f64::INFINITY, q.se, q.se - q.d];
                    for k in -8..=40 {
                        times.push(ws + f64::from(k) * 0.125 * (we - ws + 30.0));
                    }
                    for &x in &times {
                        assert_eq!(
                            q.earliest(x),
                            inst.earliest_start(t, j, x, None),
                            "seed {seed} tech {t} job {j} ready {x}"
                        );
                        assert_eq!(
                            q.close(x),
                            close_start(&inst, t, j, x, None),
                            "seed {seed} tech {t} job {j} ready {x}"
                        );
                        for h in [None, Some(home)] {
                            assert_eq!(
                                q.latest(x, h),
                                bidir::latest_start(&inst, t, j, x, h),
                                "seed {seed} tech {t} job {j} by {x} home {h:?}"
                            );
                        }
                    }
                }
            }
        }
        assert!(
            quick > 100 && walked > 100,
            "{quick} quick, {walked} walked"
        );
    }

    /// Visited sets that keep only the jobs some other job's
    /// neighbourhood holds price exactly as sets with a bit for every
    /// job: the same best, bound and routes, forwards and both ways, as
    /// the neighbourhoods grow from the cycles found (as in column
    /// generation); with fixed stops every job keeps its bit.
    #[test]
    fn visited_sets_of_remembered_jobs_price_as_full_ones() {
        let (mut narrow, mut grown) = (0, 0);
        for seed in 0..24 {
            let inst = day(seed, (24, 40), (4, 5));
            #[allow(clippy::cast_precision_loss)]
            let share = 0.3 + 0.05 * (seed % 8) as f64;
            let pi: Vec<f64> = inst.jobs.iter().map(|j| share * j.weighted_value).collect();
            for t in 0..inst.techs.len() {
                let mut td = TechData::new(&inst, t, MAX_LABEL_JOBS, 1);
                for _ in 0..6 {
                    let (pos, bits) = memory_positions(&td);
                    if td.fixed.is_empty() {
                        assert_eq!(pos.iter().filter(|&&p| p != NONE).count(), bits);
                        narrow += usize::from(bits < td.lab.len());
                    } else {
                        assert_eq!(bits, td.lab.len());
                    }
                    let mut cycles = Vec::new();
                    for bidirectional in [false, true] {
                        let lim = no_limits(200_000, bidirectional);
                        let full = (0..td.lab.len() as u32).collect();
                        let a = price(&inst, &td, &pi, 0.0, &lim);
                        let none = (pi.as_slice(), CutPrices::NONE);
                        let b =
                            price_w::<WORDS>(&inst, &td, none, 0.0, &lim, full, super::Mode::Best);
                        let at = format!("seed {seed} tech {t} both ways {bidirectional}");
                        assert!(a.exact && b.exact, "{at}");
                        assert_eq!(a.best.to_bits(), b.best.to_bits(), "{at}");
                        assert_eq!(a.bound.map(f64::to_bits), b.bound.map(f64::to_bits), "{at}");
                        assert_eq!(a.routes, b.routes, "{at}");
                        assert_eq!(a.cycles, b.cycles, "{at}");
                        if !bidirectional {
                            cycles = a.cycles;
                        }
                    }
                    if !td.forbid_cycles(&cycles) {
                        break;
                    }
                    grown += 1;
                }
                // every job in every neighbourhood: elementary routes only
                let n = td.lab.len();
                td.forbid_cycles(&[(0..n).chain(0..n).collect()]);
                let (_, bits) = memory_positions(&td);
                assert!(n < 2 || bits == n, "seed {seed} tech {t}");
                for bidirectional in [false, true] {
                    // fully elementary labelling may not finish: what it
                    // finds by then has no cycle all the same
                    let r = price(&inst, &td, &pi, 0.0, &no_limits(20_000, bidirectional));
                    assert!(r.cycles.is_empty(), "seed {seed} tech {t}");
                }
            }
        }
        assert!(narrow > 50 && grown > 20, "{narrow} narrow, {grown} grown");
    }
}
