//! Incremental route timing. A [`Route`] caches, per stop, the start that
//! `autodispatch_model::route::schedule` gives it, the drive so far and the
//! busy-until time, so a changed route (some stops replaced between two
//! positions) is timed only from the change on, and only until a later stop
//! keeps its old start and busy-until time: from there on nothing differs.
//!
//! The step below mirrors `route::schedule` rule for rule; a unit test
//! compares the two on many random edits.

use autodispatch_model::route::{close_start, RouteStop};
use autodispatch_model::rules::ReturnHome;
use autodispatch_model::Instance;

/// A technician's route with its timing.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub stops: Vec<RouteStop>,
    /// Start of each stop.
    pub starts: Vec<f64>,
    /// Drive up to and including the leg into each stop.
    pub cum: Vec<f64>,
    /// Latest end of any stop so far, after each stop.
    pub busy: Vec<f64>,
    /// Total drive, the drive home included.
    pub drive: f64,
    /// The last stop's start where, too late to get home from its
    /// earliest start's shift, it waits for a later one (`starts` keeps the
    /// earliest, which a stop added after it is timed from).
    pub home_start: Option<f64>,
    /// Per stop, the latest start that could still leave every later stop
    /// its place, ignoring blocked time and gaps between shifts: a bound
    /// from above, so an insertion that would push a stop past it cannot
    /// work (one that does not still needs timing).
    pub latest: Vec<f64>,
}

/// The running state of a timing pass.
#[derive(Debug, Clone, Copy)]
struct Run {
    loc: usize,
    prev_end: Option<f64>,
    busy: f64,
    drive: f64,
    /// What the last stop timed could start from: the time it was ready
    /// and, as a first stop, its leg from the departure.
    ready: (f64, Option<f64>),
}

/// Times one stop after `run`; `next` is the stop that follows it. `None`
/// when a rule fails. Mirrors the loop body of `route::schedule`.
#[inline]
fn step(
    inst: &Instance,
    t: usize,
    st: RouteStop,
    next: Option<RouteStop>,
    run: &mut Run,
) -> Option<f64> {
    let job = &inst.jobs[st.job];
    let leg = inst.drive(run.loc, job.loc);
    run.ready = match run.prev_end {
        None => (run.busy, Some(leg)),
        Some(e) => ((e + leg).max(run.busy), None),
    };
    let s = if let Some(f) = st.fixed {
        f
    } else {
        if inst.max_drive.is_some_and(|m| leg > m) {
            return None;
        }
        let s = inst.earliest_start(t, st.job, run.ready.0, run.ready.1)?;
        if let Some(n) = next {
            if let Some(f) = n.fixed {
                if s + job.duration + inst.drive(job.loc, inst.jobs[n.job].loc) > f {
                    return None;
                }
            }
        }
        s
    };
    let end = s + job.duration;
    run.busy = run.busy.max(end);
    run.prev_end = Some(end);
    run.drive += leg;
    run.loc = job.loc;
    Some(s)
}

/// The drive home after a last stop starting at `s` (`run` just past
/// it) and the stop's start: `s`, or where rule 7 fails there, the
/// earliest start in a later shift that gets home in time; `None` when
/// there is none. Mirrors the end of `route::schedule`.
#[inline]
fn home(inst: &Instance, t: usize, last: RouteStop, s: f64, run: &Run) -> Option<(f64, f64)> {
    if !inst.return_home {
        return Some((0.0, s));
    }
    let tech = &inst.techs[t];
    let leg = inst.drive(run.loc, tech.home);
    let d = inst.jobs[last.job].duration;
    if last.fixed.is_none() && !ReturnHome::allows(tech, s, s + d, leg) {
        return Some((
            leg,
            close_start(inst, t, last.job, run.ready.0, run.ready.1)?,
        ));
    }
    Some((leg, s))
}

/// See [`Route::latest`].
fn latest_starts(inst: &Instance, t: usize, stops: &[RouteStop]) -> Vec<f64> {
    let tech = &inst.techs[t];
    let max_end = shifts_end(inst, t);
    let mut out = vec![0.0; stops.len()];
    let mut next: Option<(f64, usize)> = None;
    for (k, st) in stops.iter().enumerate().rev() {
        let job = &inst.jobs[st.job];
        let l = match st.fixed {
            Some(f) => f,
            None => {
                let by_next = match next {
                    Some((ln, nloc)) => ln - inst.drive(job.loc, nloc),
                    None if inst.return_home => max_end - inst.drive(job.loc, tech.home),
                    None => max_end,
                };
                job.window.1.min(by_next - job.duration)
            }
        };
        out[k] = l;
        next = Some((l, job.loc));
    }
    out
}

/// The end of technician `t`'s last regular shift: no stop may end later.
#[inline]
pub fn shifts_end(inst: &Instance, t: usize) -> f64 {
    inst.techs[t]
        .regular
        .iter()
        .map(|s| s.1)
        .fold(f64::NEG_INFINITY, f64::max)
}

impl Route {
    /// Times `stops` from scratch; `None` when the route breaks a rule.
    pub fn build(inst: &Instance, t: usize, stops: Vec<RouteStop>) -> Option<Self> {
        let n = stops.len();
        let mut r = Self {
            starts: Vec::with_capacity(n),
            cum: Vec::with_capacity(n),
            busy: Vec::with_capacity(n),
            drive: 0.0,
            home_start: None,
            latest: latest_starts(inst, t, &stops),
            stops,
        };
        let mut run = Run {
            loc: inst.techs[t].start_loc,
            prev_end: None,
            busy: f64::NEG_INFINITY,
            drive: 0.0,
            ready: (f64::NEG_INFINITY, None),
        };
        for k in 0..n {
            let s = step(inst, t, r.stops[k], r.stops.get(k + 1).copied(), &mut run)?;
            r.starts.push(s);
            r.cum.push(run.drive);
            r.busy.push(run.busy);
        }
        r.drive = run.drive;
        if let Some(&last) = r.stops.last() {
            let (leg, s) = home(inst, t, last, r.starts[n - 1], &run)?;
            r.drive += leg;
            r.home_start = (s != r.starts[n - 1]).then_some(s);
        }
        Some(r)
    }

    /// What stop `k` could start from, as `step` finds it: the end of the
    /// stop before it and the leg, or, as a first stop, the departure's leg.
    fn ready_of(&self, inst: &Instance, t: usize, k: usize) -> (f64, Option<f64>) {
        let loc = inst.jobs[self.stops[k].job].loc;
        if k == 0 {
            return (
                f64::NEG_INFINITY,
                Some(inst.drive(inst.techs[t].start_loc, loc)),
            );
        }
        let pj = &inst.jobs[self.stops[k - 1].job];
        let end = self.starts[k - 1] + pj.duration;
        ((end + inst.drive(pj.loc, loc)).max(self.busy[k - 1]), None)
    }

    pub fn len(&self) -> usize {
        self.stops.len()
    }

    /// Location before stop `p` (the start location for `p == 0`).
    #[inline]
    pub fn loc_before(&self, inst: &Instance, t: usize, p: usize) -> usize {
        if p == 0 {
            inst.techs[t].start_loc
        } else {
            inst.jobs[self.stops[p - 1].job].loc
        }
    }

    /// Location after stop `q - 1`, i.e. where the leg into stop `q` ends,
    /// or home (`None` without `return_home`) for `q == len`.
    #[inline]
    pub fn loc_at(&self, inst: &Instance, t: usize, q: usize) -> Option<usize> {
        if q < self.stops.len() {
            Some(inst.jobs[self.stops[q].job].loc)
        } else if inst.return_home {
            Some(inst.techs[t].home)
        } else {
            None
        }
    }

    /// Total drive of the route `stops[..p] + new + stops[q..]`, or `None`
    /// when that route breaks a rule. `p <= q <= len`.
    pub fn eval(
        &self,
        inst: &Instance,
        t: usize,
        p: usize,
        new: &[RouteStop],
        q: usize,
    ) -> Option<f64> {
        self.eval_counted(inst, t, p, new, q, &mut 0)
    }

    /// [`Self::eval`], adding the number of stops it timed to `steps`: the
    /// work measure of searches whose budget is counted, not clocked.
    pub fn eval_counted(
        &self,
        inst: &Instance,
        t: usize,
        p: usize,
        new: &[RouteStop],
        q: usize,
        steps: &mut u64,
    ) -> Option<f64> {
        let n_new = new.len();
        let total = n_new + (self.stops.len() - q);
        let get = |i: usize| -> RouteStop {
            if i < n_new {
                new[i]
            } else {
                self.stops[q + i - n_new]
            }
        };
        let mut run = if p == 0 {
            Run {
                loc: inst.techs[t].start_loc,
                prev_end: None,
                busy: f64::NEG_INFINITY,
                drive: 0.0,
                ready: (f64::NEG_INFINITY, None),
            }
        } else {
            let k = p - 1;
            let prev = self.stops[k];
            let pj = &inst.jobs[prev.job];
            // the stop before the change must still reach a fixed stop after it
            if prev.fixed.is_none() && total > 0 {
                let first = get(0);
                if let Some(f) = first.fixed {
                    if self.starts[k] + pj.duration + inst.drive(pj.loc, inst.jobs[first.job].loc)
                        > f
                    {
                        return None;
                    }
                }
            }
            Run {
                loc: pj.loc,
                prev_end: Some(self.starts[k] + pj.duration),
                busy: self.busy[k],
                drive: self.cum[k],
                ready: self.ready_of(inst, t, k),
            }
        };
        let mut last_s = if p > 0 { self.starts[p - 1] } else { 0.0 };
        for i in 0..total {
            *steps += 1;
            let st = get(i);
            let next = if i + 1 < total {
                Some(get(i + 1))
            } else {
                None
            };
            let s = step(inst, t, st, next, &mut run)?;
            if i >= n_new {
                let k = q + i - n_new;
                // (a last stop that waits for a later shift depends on
                // where it is ready from too)
                let waits = k + 1 == self.stops.len() && self.home_start.is_some();
                if s == self.starts[k] && run.busy == self.busy[k] && !waits {
                    return Some(run.drive - self.cum[k] + self.drive);
                }
            }
            last_s = s;
        }
        if p + total == 0 {
            return Some(0.0);
        }
        let last = if total > 0 {
            get(total - 1)
        } else {
            self.stops[p - 1]
        };
        // with nothing timed, `run` holds what was ready for stop p - 1
        Some(run.drive + home(inst, t, last, last_s, &run)?.0)
    }

    /// The starts `route::schedule` gives: `starts`, the last stop's from
    /// a later shift where it waits for one to get home in time.
    pub fn timed_starts(&self) -> Vec<f64> {
        let mut starts = self.starts.clone();
        if let (Some(s), Some(last)) = (self.home_start, starts.last_mut()) {
            *last = s;
        }
        starts
    }

    /// Starts with as many stops as possible at their current assignment
    /// start (action `kept`, steadier for dispatchers): a stop is delayed to
    /// its old start when that start is free by the rules and the rest of
    /// the route still times; drives do not change.
    pub fn kept_starts(&self, inst: &Instance, t: usize) -> Vec<f64> {
        let n = self.stops.len();
        let mut pins: Vec<Option<f64>> = vec![None; n];
        let mut starts = self.timed_starts();
        for k in 0..n {
            if self.stops[k].fixed.is_some() {
                continue;
            }
            let Some((at, s0)) = inst.jobs[self.stops[k].job].assignment else {
                continue;
            };
            if at != t || s0 <= starts[k] {
                continue;
            }
            pins[k] = Some(s0);
            match self.time_pinned(inst, t, &pins) {
                Some(s) if s[k] == s0 => starts = s,
                _ => pins[k] = None,
            }
        }
        starts
    }

    /// Times the route with some movable stops asked to start at a given
    /// time (honoured when the rules allow it there); `None` when a rule
    /// fails.
    fn time_pinned(&self, inst: &Instance, t: usize, pins: &[Option<f64>]) -> Option<Vec<f64>> {
        let n = self.stops.len();
        let mut run = Run {
            loc: inst.techs[t].start_loc,
            prev_end: None,
            busy: f64::NEG_INFINITY,
            drive: 0.0,
            ready: (f64::NEG_INFINITY, None),
        };
        let mut starts = Vec::with_capacity(n);
        for (k, &pin) in pins.iter().enumerate() {
            let mut st = self.stops[k];
            if let Some(pin) = pin {
                // the pinned start is usable when it is the earliest start
                // from there on and no earlier than the stop can be reached
                let leg = inst.drive(run.loc, inst.jobs[st.job].loc);
                let ready = match run.prev_end {
                    None => inst.earliest_start(t, st.job, run.busy, Some(leg)),
                    Some(e) => inst.earliest_start(t, st.job, (e + leg).max(run.busy), None),
                };
                let at = match run.prev_end {
                    None => inst.earliest_start(t, st.job, run.busy.max(pin), Some(leg)),
                    Some(e) => {
                        inst.earliest_start(t, st.job, (e + leg).max(run.busy).max(pin), None)
                    }
                };
                if ready.is_some_and(|r| r <= pin)
                    && at == Some(pin)
                    && inst.max_drive.map_or(true, |m| leg <= m)
                {
                    st.fixed = Some(pin);
                    let next = self.stops.get(k + 1).copied();
                    if let Some(nx) = next {
                        if let Some(f) = nx.fixed {
                            let j = &inst.jobs[st.job];
                            if pin + j.duration + inst.drive(j.loc, inst.jobs[nx.job].loc) > f {
                                return None;
                            }
                        }
                    }
                }
            }
            let s = step(inst, t, st, self.stops.get(k + 1).copied(), &mut run)?;
            starts.push(s);
        }
        if let Some(&last) = self.stops.last() {
            // rule 7 for a movable last stop at its new start
            starts[n - 1] = home(inst, t, last, starts[n - 1], &run)?.1;
        }
        Some(starts)
    }

    /// Visits in time order.
    pub fn visits(&self, inst: &Instance, t: usize) -> Vec<autodispatch_model::Visit> {
        self.stops
            .iter()
            .zip(&self.kept_starts(inst, t))
            .map(|(st, &s)| autodispatch_model::Visit {
                job: st.job,
                start: s,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autodispatch_model::explain::fixed_route;
    use autodispatch_model::route::schedule;
    use autodispatch_model::JobClass;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The incremental timing agrees with `route::schedule` on random edits
    /// (inserts, removals, replacements) of routes grown at random.
    #[test]
    fn eval_agrees_with_route_schedule() {
        let mut checked = 0usize;
        let mut feasible = 0usize;
        // routes whose last stop waits for a later shift to get home in time
        let mut waited = 0usize;
        for seed in 0..60u64 {
            let p = autodispatch_testkit::random_day(
                seed,
                10 + (seed as usize * 7) % 60,
                2 + (seed as usize) % 6,
            );
            let inst = Instance::new(&p);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let managed: Vec<usize> = (0..inst.jobs.len())
                .filter(|&j| inst.jobs[j].class == JobClass::Managed)
                .collect();
            if managed.is_empty() {
                continue;
            }
            for t in 0..inst.techs.len() {
                let mut route =
                    Route::build(&inst, t, fixed_route(&inst, t)).expect("fixed routes time");
                for _ in 0..150 {
                    let len = route.len();
                    let p = rng.gen_range(0..=len);
                    let q = rng.gen_range(p..=len.min(p + 2));
                    let n_new = rng.gen_range(0..=2usize);
                    let new: Vec<RouteStop> = (0..n_new)
                        .map(|_| RouteStop::movable(managed[rng.gen_range(0..managed.len())]))
                        .collect();
                    let mut stops = route.stops[..p].to_vec();
                    stops.extend_from_slice(&new);
                    stops.extend_from_slice(&route.stops[q..]);
                    let got = route.eval(&inst, t, p, &new, q);
                    let want = schedule(&inst, t, &stops).ok();
                    checked += 1;
                    match (got, &want) {
                        (None, None) => {}
                        (Some(d), Some(w)) => {
                            feasible += 1;
                            assert!(
                                (d - w.drive).abs() < 1e-6,
                                "seed {seed} t {t}: drive {d} vs {}",
                                w.drive
                            );
                            let built = Route::build(&inst, t, stops.clone()).expect("feasible");
                            assert_eq!(built.timed_starts(), w.starts);
                            waited += usize::from(built.home_start.is_some());
                            // grow the route now and then so later edits see longer routes
                            if rng.gen_bool(0.5) {
                                route = built;
                            }
                        }
                        _ => panic!(
                            "seed {seed} t {t}: eval {got:?} vs schedule {:?}",
                            want.map(|w| w.drive)
                        ),
                    }
                }
            }
        }
        assert!(
            checked > 10_000 && feasible > 1_000 && waited > 0,
            "checked {checked}, feasible {feasible}, waited {waited}"
        );
    }
}
