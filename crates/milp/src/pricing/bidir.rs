//! The backward half of bidirectional labelling, and the join.
//!
//! Forward labels stop growing once their last job ends after `mid`;
//! backward labels grow from the end of the day towards its start, each
//! a suffix of a route with the latest start its first job may take and
//! the rest still keep every rule, and stop once that start is by `mid`.
//! Every route is then a forward label ending by `mid` (or the empty
//! start) followed by a backward label: split it after its last job that
//! ends by `mid`, and every later job starts after `mid`. Half as many
//! jobs per label means far fewer labels where windows are wide.
//!
//! Timing is the forward labelling's own: starts are earliest starts, and
//! a job started earlier never makes a later one start later, so a suffix
//! keeps its rules exactly when its first job starts by its latest start.
//! Latest starts may err late by a rounding tolerance, never early: a
//! route they let through that the rules refuse only loosens the bound,
//! and its column is refused when it is built.

use std::collections::BinaryHeap;
use std::time::Instant;

use autodispatch_model::Instance;

use super::{
    fill, knapsack_items, move_to_front, order_by, pay, step, subset, working_day, Completion, Key,
    Label, Legs, Memory, PriceLimits, Tally, TechData, NONE,
};

/// Rounding tolerance of latest starts, in minutes (see the module note).
pub(super) const EPS: f64 = 1e-7;

/// A route's suffix: from its first job `node` to the end of the day.
#[derive(Debug, Clone, Copy)]
pub(super) struct Back<const W: usize> {
    /// The suffix's first job (local index).
    pub node: u32,
    /// Latest start of `node` with which the suffix keeps every rule.
    ls: f64,
    /// Reduced value of the suffix: its jobs, the drives after its first
    /// job and the drive home.
    rp: f64,
    visited: [u64; W],
    /// The next label towards the end of the day.
    pub parent: u32,
    alive: bool,
    /// Subset-row cuts visited an odd number of times, one bit each.
    sr: u32,
}

/// What one pricing call shares with its backward half.
pub(super) struct Side<'a> {
    pub inst: &'a Instance,
    pub td: &'a TechData,
    /// Reduced profit of each labelling job.
    pub red: &'a [f64],
    /// Leave out jobs of no reduced profit.
    pub skip: bool,
    pub mid: f64,
    pub lim: &'a PriceLimits,
    /// The forward labels' completion bound.
    pub completion: &'a Completion,
    /// The subset-row cuts' bits of each labelling job, and their prices.
    pub sr: (&'a [u32], &'a [f64]),
}

/// The latest start of job `j` by technician `t` no later than `by` that
/// keeps rules 1-2 (window, `now`, a regular shift, no blocked time), and
/// with `home` the drive home by the end of the shift holding it: the
/// mirror of [`Instance::earliest_start_where`].
pub(super) fn latest_start(
    inst: &Instance,
    t: usize,
    j: usize,
    by: f64,
    home: Option<f64>,
) -> Option<f64> {
    let tech = &inst.techs[t];
    let job = &inst.jobs[j];
    let (ws, we) = job.window;
    let d = job.duration;
    let mut latest: Option<f64> = None;
    for &(ss, se) in &tech.regular {
        let lo = ws.max(inst.now).max(ss);
        let mut s = by.min(we).min(se - d - home.unwrap_or(0.0));
        while s >= lo - EPS {
            // the first blocked interval overlapping the visit (by more
            // than rounding, so the start only moves earlier): start so as
            // to end at its start, and look again
            let block = tech
                .blocked
                .iter()
                .take_while(|b| b.start < s + d - EPS)
                .find(|b| s < b.end - EPS);
            match block {
                Some(b) => s = b.start - d,
                None => {
                    let s = s.max(lo);
                    latest = Some(latest.map_or(s, |x: f64| x.max(s)));
                    break;
                }
            }
        }
    }
    latest
}

/// [`latest_start`] of labelling job `c`, in closed form where it can be.
#[inline]
fn latest_of(inst: &Instance, td: &TechData, c: usize, by: f64, home: Option<f64>) -> Option<f64> {
    match &td.quick[c] {
        Some(q) => q.latest(by, home),
        None => latest_start(inst, td.t, td.lab[c], by, home),
    }
}

/// An upper bound on what a route can add before a suffix whose first job
/// starts at `tau`: per point of a time grid, a fractional time knapsack
/// over the jobs that can end by then, each costing its duration and its
/// shortest drive in, within the time from the first shift's start.
struct Before {
    from: f64,
    /// One over the grid's step.
    per_step: f64,
    /// `at[g]` holds until `from + g * step`.
    at: Vec<f64>,
    items: Vec<(f64, f64, f64)>,
}

impl Before {
    const POINTS: usize = 96;

    fn new(side: &Side) -> Self {
        let (inst, td) = (side.inst, side.td);
        let items: Vec<(f64, f64, f64)> = knapsack_items(inst, td, side.red)
            .into_iter()
            .map(|(v, w, c)| {
                let job = &inst.jobs[td.lab[c]];
                (v, w, job.window.0 + job.duration)
            })
            .collect();
        let (from, to) = working_day(inst, td.t);
        let step = ((to - from) / Self::POINTS as f64).max(1.0);
        let mut me = Self {
            from,
            per_step: 1.0 / step,
            at: Vec::new(),
            items,
        };
        let mut g = 0;
        loop {
            let tau = from + g as f64 * step;
            let v = me.knapsack(tau);
            me.at.push(v);
            if tau >= to {
                break;
            }
            g += 1;
        }
        me
    }

    fn knapsack(&self, tau: f64) -> f64 {
        let open = self
            .items
            .iter()
            .filter(|i| i.2 <= tau)
            .map(|&(v, w, _)| (v, w));
        fill(open, tau - self.from)
    }

    /// The most the part of a route before `tau` may add.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn upto(&self, tau: f64) -> f64 {
        if tau <= self.from {
            return 0.0;
        }
        // the first grid point at or after `tau`, by a product rather than
        // a quotient and a call to libm's `ceil` (labels ask millions of
        // times): the margin makes up for rounding, at worst one point
        // later, which only bounds more loosely
        let g = ((tau - self.from) * self.per_step + 1e-9) as usize + 1;
        match self.at.get(g) {
            Some(&v) => v,
            None => self.knapsack(tau),
        }
    }
}

/// Grows the backward labels, then joins each forward label of `joinable`
/// (those extended: the start, and every one ending by `mid`) with them
/// over the forward labelling's legs `ahead`, recording routes in
/// `tally`. Clears `exact` when cut by the clock or
/// the label limit: what was left is then in `tally`'s dropped bound, and
/// the join still runs over the backward labels made by then (a label
/// left behind bounds every route through it), so a cut labelling bounds
/// the best about as tightly as the forward labelling would have.
/// Returns the backward labels, which the routes found point into.
#[allow(clippy::too_many_lines, clippy::cast_possible_truncation)]
pub(super) fn backward_and_join<const W: usize>(
    side: &Side,
    arena: &[Label<W>],
    memory: &Memory<W>,
    joinable: &[u32],
    ahead: &mut Legs,
    tally: &mut Tally,
    exact: &mut bool,
) -> Vec<Back<W>> {
    let (inst, td, red, lim) = (side.inst, side.td, side.red, side.lim);
    let (sr_of, sr_price) = side.sr;
    let t = td.t;
    let tech = &inst.techs[t];
    let n = td.lab.len();
    let dc = inst.drive_cost;
    let started = Instant::now();
    let before = Before::new(side);
    let mut back: Vec<Back<W>> = Vec::with_capacity(1024);
    let mut buckets: Vec<Vec<(f64, f64, u32)>> = vec![Vec::new(); n];
    let mut heap: BinaryHeap<Key> = BinaryHeap::new();
    let push = |back: &mut Vec<Back<W>>,
                buckets: &mut Vec<Vec<(f64, f64, u32)>>,
                heap: &mut BinaryHeap<Key>,
                tally: &mut Tally,
                nb: Back<W>| {
        let ub = nb.rp + before.upto(nb.ls);
        if ub <= tally.cutoff {
            tally.drop(ub);
            return;
        }
        let bucket = &mut buckets[nb.node as usize];
        for i in 0..bucket.len() {
            let (rp, ls, id) = bucket[i];
            // cuts only lower the entry's value: its own is compared
            // first, the arena's label (with its cuts) last
            if rp >= nb.rp - 1e-9 && ls >= nb.ls && {
                let o = &back[id as usize];
                rp - pay(sr_price, o.sr & !nb.sr) >= nb.rp - 1e-9 && subset(&o.visited, &nb.visited)
            } {
                move_to_front(bucket, i);
                return;
            }
        }
        bucket.retain(|&(rp, ls, id)| {
            let dominated = nb.rp - pay(sr_price, nb.sr & !back[id as usize].sr) >= rp - 1e-9
                && nb.ls >= ls
                && subset(&nb.visited, &back[id as usize].visited);
            if dominated {
                back[id as usize].alive = false;
            }
            !dominated
        });
        let id = back.len() as u32;
        bucket.push((nb.rp, nb.ls, id));
        // latest first: the mirror of the forward labelling's earliest first
        heap.push(Key(-nb.ls, id));
        back.push(nb);
    };
    // the labelling jobs by their earliest end
    let open_end: Vec<f64> = td
        .lab
        .iter()
        .map(|&j| inst.jobs[j].window.0 + inst.jobs[j].duration)
        .collect();
    let by_open = order_by(&open_end);
    let mut legs = Legs::new(td, &by_open, false);
    // the last job of a route
    for (c, &j) in td.lab.iter().enumerate() {
        if side.skip && red[c] <= 0.0 {
            continue;
        }
        let home = if inst.return_home {
            Some(inst.drive(inst.jobs[j].loc, tech.home))
        } else {
            None
        };
        let Some(ls) = latest_of(inst, td, c, f64::INFINITY, home) else {
            continue;
        };
        let visited = memory.enter(&[0; W], c);
        let nb = Back {
            node: c as u32,
            ls,
            rp: red[c] - dc * home.unwrap_or(0.0),
            visited,
            parent: NONE,
            alive: true,
            sr: sr_of[c],
        };
        push(&mut back, &mut buckets, &mut heap, tally, nb);
    }
    // the backward labels each job starts, best first, for the join
    let mut starting: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut pops = 0usize;
    while let Some(Key(_, idx)) = heap.pop() {
        let b = back[idx as usize];
        if !b.alive {
            continue;
        }
        let ub = b.rp + before.upto(b.ls);
        if ub <= tally.cutoff {
            tally.drop(ub);
            continue;
        }
        pops += 1;
        if back.len() > lim.max_labels || (pops % 256 == 0 && Instant::now() >= lim.deadline) {
            *exact = false;
            for Key(_, o) in heap.drain().chain([Key(0.0, idx)]) {
                let ob = &back[o as usize];
                if ob.alive {
                    tally.drop(ob.rp + before.upto(ob.ls));
                }
            }
            break;
        }
        starting[b.node as usize].push(idx);
        if b.ls <= side.mid {
            continue;
        }
        // none that cannot end by then
        let into = legs.of(inst, td, b.node as usize);
        let open_to = into.partition_point(|&(c, _)| open_end[c as usize] <= b.ls);
        for &(c, leg) in &into[..open_to] {
            let c = c as usize;
            if memory.has(&b.visited, c) || (side.skip && red[c] <= 0.0) {
                continue;
            }
            let j = td.lab[c];
            let job = &inst.jobs[j];
            let Some(ls) = latest_of(inst, td, c, b.ls - leg - job.duration, None) else {
                continue;
            };
            let visited = memory.enter(&b.visited, c);
            let nb = Back {
                node: c as u32,
                ls,
                rp: b.rp + red[c] - dc * leg - pay(sr_price, b.sr & sr_of[c]),
                visited,
                parent: idx,
                alive: true,
                sr: b.sr ^ sr_of[c],
            };
            push(&mut back, &mut buckets, &mut heap, tally, nb);
        }
    }
    let alive_starting: Vec<Vec<u32>> = starting
        .into_iter()
        .map(|mut v| {
            v.retain(|&i| back[i as usize].alive);
            v.sort_by(|&a, &b| {
                back[b as usize]
                    .rp
                    .total_cmp(&back[a as usize].rp)
                    .then(a.cmp(&b))
            });
            v
        })
        .collect();
    // the join: each forward half, each job to go to next, each backward
    // half starting there, best first
    for (k, &fi) in joinable.iter().enumerate() {
        let l = &arena[fi as usize];
        // past the deadline by more than a quarter of this call's time:
        // cut, and bound the routes through each half not joined by that
        // half's completion bound
        if k % 64 == 0
            && Instant::now() >= lim.deadline + lim.deadline.saturating_duration_since(started) / 4
        {
            *exact = false;
            for &o in &joinable[k..] {
                let ol = &arena[o as usize];
                tally.drop(ol.rp + side.completion.ahead(ol.busy, 0));
            }
            break;
        }
        if !l.alive {
            continue;
        }
        let ub = l.rp + side.completion.ahead(l.busy, 0);
        if ub <= tally.cutoff {
            tally.drop(ub);
            continue;
        }
        // from a job, along its legs to jobs still open; from the start,
        // to every job
        let from_job = l.node != 0;
        let next: &[(u32, f64)] = if from_job {
            let out = ahead.of(inst, td, l.node as usize - 1);
            let closed = |&(c, _): &(u32, f64)| inst.jobs[td.lab[c as usize]].window.1 < l.prev_end;
            &out[out.partition_point(closed)..]
        } else {
            &[]
        };
        let every = (0..if from_job { 0 } else { n as u32 }).map(|c| (c, f64::NAN));
        for (c, leg) in next.iter().copied().chain(every) {
            let c = c as usize;
            let halves = &alive_starting[c];
            let Some(&first) = halves.first() else {
                continue;
            };
            if memory.has(&l.visited, c) {
                continue;
            }
            let j = td.lab[c];
            let leg = if from_job {
                leg
            } else {
                inst.drive(l.loc as usize, inst.jobs[j].loc)
            };
            let ub = l.rp - dc * leg + back[first as usize].rp;
            if ub <= tally.cutoff {
                tally.drop(ub);
                continue;
            }
            let Some(st) = step(inst, td, l, c, leg) else {
                continue;
            };
            for &bi in halves {
                let b = &back[bi as usize];
                let v = l.rp - dc * leg + b.rp;
                if v <= tally.cutoff {
                    tally.drop(v);
                    break;
                }
                if st.start > b.ls + EPS
                    || l.visited.iter().zip(&b.visited).any(|(x, y)| x & y != 0)
                {
                    continue;
                }
                // cuts both halves are halfway through: one more visit each
                // (the halves come best first without it, so the cutoff
                // above stays a bound)
                tally.route(v - pay(sr_price, l.sr & b.sr), fi, bi);
            }
        }
    }
    back
}

#[cfg(test)]
mod tests {
    use autodispatch_model::Instance;

    use super::{latest_start, EPS};

    /// `latest_start` mirrors `Instance::earliest_start_where`: what it
    /// returns is a start the forward timing takes (up to rounding), and no
    /// later start up to its limit is one (checked minute by minute), on
    /// days with blocked time, split shifts, mid-day starts and a return
    /// home.
    #[test]
    fn the_latest_start_is_a_start_and_none_later_is() {
        let mut checked = 0;
        for seed in 0..30 {
            let p = autodispatch_testkit::random_day(seed, 12, 3);
            let inst = Instance::new(&p);
            for t in 0..inst.techs.len() {
                let tech = &inst.techs[t];
                let Some(day_end) = tech.regular.iter().map(|r| r.1).reduce(f64::max) else {
                    continue;
                };
                for j in 0..inst.jobs.len() {
                    let home = inst.drive(inst.jobs[j].loc, tech.home);
                    let d = inst.jobs[j].duration;
                    // a start at `s`, up to rounding
                    let ok = |s: f64, with_home: bool| {
                        inst.earliest_start_where(t, j, s - 1e-6, None, |x| {
                            !with_home
                                || autodispatch_model::rules::ReturnHome::allows(
                                    tech,
                                    x,
                                    x + d,
                                    home,
                                )
                        })
                        .is_some_and(|x| x <= s + 1e-9)
                    };
                    for with_home in [false, true] {
                        for by in [day_end, day_end - 120.0, day_end - 300.0] {
                            let got = latest_start(&inst, t, j, by, with_home.then_some(home));
                            if let Some(s) = got {
                                assert!(
                                    s <= by + EPS,
                                    "seed {seed} tech {t} job {j}: {s} after {by}"
                                );
                                assert!(
                                    ok(s, with_home),
                                    "seed {seed} tech {t} job {j}: {s} is no start"
                                );
                                checked += 1;
                            }
                            // no start later, minute by minute, up to the limit
                            let from = got.map_or(inst.jobs[j].window.0, |s| s + 1.0);
                            let mut x = from.ceil();
                            while x <= by {
                                assert!(
                                    !ok(x, with_home),
                                    "seed {seed} tech {t} job {j}: {x} starts, after the latest {got:?}"
                                );
                                x += 1.0;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked >= 300, "only {checked} latest starts found");
    }
}
