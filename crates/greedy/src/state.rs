//! The working solution: one timed route per technician, which technician
//! holds each managed job, candidate technicians per job, and the insertion
//! search every move builds on.

use autodispatch_model::explain::fixed_route;
use autodispatch_model::route::{stops_of, RouteStop};
use autodispatch_model::rules::overlaps;
use autodispatch_model::{Instance, JobClass, Schedule};

use crate::eval::{shifts_end, Route};

/// Objective tolerance: a move must gain more than this.
pub const EPS: f64 = 1e-7;

/// What never changes during a solve: candidates and neighbours.
pub struct Ctx<'a> {
    pub inst: &'a Instance,
    /// Managed jobs, by index.
    pub managed: Vec<usize>,
    /// Per job: technicians that may take it and whose regular shifts meet
    /// its start window (empty for jobs that are not managed).
    pub cands: Vec<Vec<usize>>,
    /// Per technician: (job, index of the technician in `cands[job]`).
    pub tech_jobs: Vec<Vec<(usize, usize)>>,
    /// Per job: its highest value over its candidates (0 without any).
    pub max_profit: Vec<f64>,
}

impl<'a> Ctx<'a> {
    pub fn new(inst: &'a Instance) -> Self {
        let n = inst.jobs.len();
        let mut cands = vec![Vec::new(); n];
        let mut tech_jobs = vec![Vec::new(); inst.techs.len()];
        let mut managed = Vec::new();
        for (j, job) in inst.jobs.iter().enumerate() {
            if job.class != JobClass::Managed {
                continue;
            }
            managed.push(j);
            let (ws, we) = job.window;
            let ws = ws.max(inst.now);
            if we < ws {
                continue;
            }
            for (t, tech) in inst.techs.iter().enumerate() {
                if !inst.fit(j, t).is_yes() {
                    continue;
                }
                let meets = tech
                    .regular
                    .iter()
                    .any(|&(a, b)| a <= we && ws.max(a) + job.duration <= b);
                if meets {
                    tech_jobs[t].push((j, cands[j].len()));
                    cands[j].push(t);
                }
            }
        }
        let max_profit = cands
            .iter()
            .enumerate()
            .map(|(j, ts)| ts.iter().map(|&t| inst.profit(j, t)).fold(0.0, f64::max))
            .collect();
        Self {
            inst,
            managed,
            cands,
            tech_jobs,
            max_profit,
        }
    }
}

/// A solution under construction or search.
#[derive(Debug, Clone)]
pub struct Sol {
    pub routes: Vec<Route>,
    /// Technician holding each managed job, if any.
    pub tech_of: Vec<Option<usize>>,
}

/// Reused scratch space for [`best_insert`].
#[derive(Debug, Default)]
pub struct Scratch {
    pos: Vec<(f64, usize)>,
}

/// Extra drive of putting job location `jl` between positions `p - 1` and
/// `p` of route `r`.
#[inline]
pub fn extra_drive(inst: &Instance, t: usize, r: &Route, p: usize, jl: usize) -> f64 {
    let a = r.loc_before(inst, t, p);
    let into = inst.drive(a, jl);
    if r.len() == 0 {
        return into
            + if inst.return_home {
                inst.drive(jl, inst.techs[t].home)
            } else {
                0.0
            };
    }
    // the leg a → b that the new stop splits is already in the route's
    // running drive total, which saves a look-up in the large matrix
    let old_leg = if p == 0 {
        r.cum[0]
    } else if p < r.len() {
        r.cum[p] - r.cum[p - 1]
    } else {
        r.drive - r.cum[p - 1]
    };
    match r.loc_at(inst, t, p) {
        Some(b) => into + inst.drive(jl, b) - old_leg,
        None => into,
    }
}

/// Can job `j` possibly go at position `p` of route `r`? False when a
/// quick look shows it cannot (the job's window closes before the previous
/// stop ends, a fixed next stop comes too soon, the drive in is too long);
/// true leaves the full timing to [`fits_at`].
#[inline]
pub fn may_fit(inst: &Instance, t: usize, r: &Route, j: usize, p: usize) -> bool {
    let job = &inst.jobs[j];
    let jl = job.loc;
    // the earliest the job could end here, before any drive
    let mut end = job.window.0.max(inst.now);
    if p > 0 {
        let k = p - 1;
        let prev_end = r.starts[k] + inst.jobs[r.stops[k].job].duration;
        if prev_end > job.window.1 {
            return false;
        }
        end = end.max(prev_end);
    }
    end += job.duration;
    if let Some(st) = r.stops.get(p) {
        let next = &inst.jobs[st.job];
        match st.fixed {
            Some(f) => {
                if end > f || end + inst.drive(jl, next.loc) > f {
                    return false;
                }
            }
            // the next stop would start after the job ends: past its window?
            None => {
                if end > next.window.1 {
                    return false;
                }
            }
        }
    }
    !inst
        .max_drive
        .is_some_and(|m| inst.drive(r.loc_before(inst, t, p), jl) > m)
}

/// A sharper [`may_fit`] (it implies every test of that one): the job
/// reached by its drive from the previous stop inside its window, and the
/// next stop reachable by its latest start ([`Route::latest`]). Still only
/// a necessary condition.
#[inline]
pub fn may_fit_tight(inst: &Instance, t: usize, r: &Route, j: usize, p: usize) -> bool {
    let job = &inst.jobs[j];
    if inst
        .max_drive
        .is_some_and(|m| inst.drive(r.loc_before(inst, t, p), job.loc) > m)
    {
        return false;
    }
    let mut s = job.window.0.max(inst.now);
    if p > 0 {
        let k = p - 1;
        let prev = &inst.jobs[r.stops[k].job];
        s = s.max(r.starts[k] + prev.duration + inst.drive(prev.loc, job.loc));
    }
    if s > job.window.1 + SLACK {
        return false;
    }
    let end = s + job.duration;
    match r.stops.get(p) {
        Some(next) => end + inst.drive(job.loc, inst.jobs[next.job].loc) <= r.latest[p] + SLACK,
        None => {
            let home = if inst.return_home {
                inst.drive(job.loc, inst.techs[t].home)
            } else {
                0.0
            };
            end + home <= shifts_end(inst, t) + SLACK
        }
    }
}

/// Rounding allowance of [`may_fit_tight`]: it only prunes what is
/// clearly late.
const SLACK: f64 = 1e-6;

/// The last position of route `r` worth trying for job `j`: starts never
/// decrease along a route, so once a stop ends after the job's window
/// closes no later position works either.
#[inline]
pub fn last_position(inst: &Instance, r: &Route, j: usize) -> usize {
    let we = inst.jobs[j].window.1;
    (1..=r.len())
        .find(|&p| r.starts[p - 1] + inst.jobs[r.stops[p - 1].job].duration > we)
        .map_or(r.len(), |p| p - 1)
}

/// The objective delta of putting job `j` at position `p` of route `r`,
/// or `None` when [`may_fit`] rules the position out.
#[inline]
pub fn position_delta(inst: &Instance, t: usize, r: &Route, j: usize, p: usize) -> Option<f64> {
    may_fit(inst, t, r, j, p)
        .then(|| inst.profit(j, t) - inst.drive_cost * extra_drive(inst, t, r, p, inst.jobs[j].loc))
}

/// Is putting job `j` at position `p` of route `r` feasible?
#[inline]
pub fn fits_at(inst: &Instance, t: usize, r: &Route, j: usize, p: usize) -> bool {
    r.eval(inst, t, p, &[RouteStop::movable(j)], p).is_some()
}

/// The best feasible position for job `j` in route `r` of technician `t`
/// among those whose objective delta exceeds `min`: (position, delta).
/// Deltas are exact before timing (only the legs around the new stop
/// change), so positions are timed best first and the first feasible wins.
pub fn best_insert(
    inst: &Instance,
    t: usize,
    r: &Route,
    j: usize,
    min: f64,
    scratch: &mut Scratch,
) -> Option<(usize, f64)> {
    let job = &inst.jobs[j];
    let buf = &mut scratch.pos;
    buf.clear();
    for p in 0..=last_position(inst, r, j) {
        if let Some(delta) = position_delta(inst, t, r, j, p) {
            if delta > min {
                buf.push((delta, p));
            }
        }
    }
    // on equal deltas prefer the place that keeps the job's current start
    // in time order, so that start can be kept (action `kept`)
    let home_rank = |p: usize| -> u8 {
        match job.assignment {
            Some((at, s0)) if at == t => {
                let after_prev = p == 0 || r.starts[p - 1] <= s0;
                let before_next = p == r.len() || r.starts[p] >= s0;
                u8::from(!(after_prev && before_next))
            }
            _ => 0,
        }
    };
    buf.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then(home_rank(x.1).cmp(&home_rank(y.1)))
            .then(x.1.cmp(&y.1))
    });
    buf.iter()
        .find(|&&(_, p)| fits_at(inst, t, r, j, p))
        .map(|&(d, p)| (p, d))
}

impl Sol {
    /// Every technician with its fixed stops; a technician-specific job that
    /// overlaps another fixed stop is moved (kept in its route, timed by the
    /// rules) when a feasible place exists, and otherwise stays where it is
    /// (the plan then carries `double_booking` alerts).
    pub fn initial(inst: &Instance) -> Self {
        let mut scratch = Scratch::default();
        let routes = (0..inst.techs.len())
            .map(|t| {
                // fixed stops are never checked, so their route always times
                let mut route = Route::build(inst, t, fixed_route(inst, t))
                    .expect("a route of fixed stops times");
                let ts: Vec<usize> = route
                    .stops
                    .iter()
                    .filter(|s| inst.jobs[s.job].class == JobClass::TechSpecific)
                    .map(|s| s.job)
                    .collect();
                for j in ts {
                    let Some(k) = route.stops.iter().position(|s| s.job == j) else {
                        continue;
                    };
                    let (s0, e0) = (route.starts[k], route.starts[k] + inst.jobs[j].duration);
                    let clash = route.stops.iter().enumerate().any(|(i, o)| {
                        i != k
                            && overlaps(
                                s0,
                                e0,
                                route.starts[i],
                                route.starts[i] + inst.jobs[o.job].duration,
                            )
                    });
                    if !clash {
                        continue;
                    }
                    let mut rest = route.stops.clone();
                    rest.remove(k);
                    let Some(without) = Route::build(inst, t, rest) else {
                        continue;
                    };
                    if let Some((p, _)) =
                        best_insert(inst, t, &without, j, f64::NEG_INFINITY, &mut scratch)
                    {
                        let mut stops = without.stops.clone();
                        stops.insert(p, RouteStop::movable(j));
                        if let Some(r) = Route::build(inst, t, stops) {
                            route = r;
                        }
                    }
                }
                route
            })
            .collect();
        Self {
            routes,
            tech_of: vec![None; inst.jobs.len()],
        }
    }

    /// Another solver's schedule as a working solution. A route that does
    /// not time under our rules (a valid plan's always does) keeps only its
    /// fixed stops.
    pub fn from_schedule(inst: &Instance, schedule: &Schedule) -> Self {
        let mut sol = Self::initial(inst);
        for (t, visits) in schedule.routes.iter().enumerate().take(inst.techs.len()) {
            let stops = stops_of(inst, t, visits);
            if !stops.is_empty() {
                sol.set_route(inst, t, stops);
            }
        }
        sol
    }

    /// Puts job `j` at position `p` of technician `t`; false (and no
    /// change) when the route would break a rule.
    pub fn insert(&mut self, inst: &Instance, t: usize, p: usize, j: usize) -> bool {
        let mut stops = Vec::with_capacity(self.routes[t].len() + 1);
        stops.extend_from_slice(&self.routes[t].stops[..p]);
        stops.push(RouteStop::movable(j));
        stops.extend_from_slice(&self.routes[t].stops[p..]);
        self.set_route(inst, t, stops)
    }

    /// Replaces technician `t`'s stops; false (and no change) when the new
    /// route breaks a rule.
    pub fn set_route(&mut self, inst: &Instance, t: usize, stops: Vec<RouteStop>) -> bool {
        let Some(r) = Route::build(inst, t, stops) else {
            return false;
        };
        for st in &self.routes[t].stops {
            if self.tech_of[st.job] == Some(t) {
                self.tech_of[st.job] = None;
            }
        }
        for st in &r.stops {
            if inst.jobs[st.job].class == JobClass::Managed {
                self.tech_of[st.job] = Some(t);
            }
        }
        self.routes[t] = r;
        true
    }

    /// Every managed job's owner is the one route that holds it (checked
    /// in debug builds after each search).
    pub fn owners_consistent(&self, inst: &Instance) -> bool {
        let mut owner: Vec<Option<usize>> = vec![None; inst.jobs.len()];
        for (t, r) in self.routes.iter().enumerate() {
            for st in &r.stops {
                if owner[st.job].is_some() {
                    return false;
                }
                owner[st.job] = Some(t);
            }
        }
        (0..inst.jobs.len())
            .filter(|&j| inst.jobs[j].class == JobClass::Managed)
            .all(|j| owner[j] == self.tech_of[j])
    }

    /// The objective of the managed part: value of routed managed jobs less
    /// the drive cost of every route. Fixed stops' value is a constant.
    pub fn objective(&self, inst: &Instance) -> f64 {
        let mut obj = 0.0;
        for (t, r) in self.routes.iter().enumerate() {
            obj -= inst.drive_cost * r.drive;
            for st in &r.stops {
                if inst.jobs[st.job].class == JobClass::Managed {
                    obj += inst.profit(st.job, t);
                }
            }
        }
        obj
    }

    pub fn schedule(&self, inst: &Instance) -> Schedule {
        Schedule {
            routes: self
                .routes
                .iter()
                .enumerate()
                .map(|(t, r)| r.visits(inst, t))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tight_tests {
    use super::*;

    /// The sharper quick test never rules out a place that times.
    #[test]
    fn may_fit_tight_never_rejects_a_feasible_place() {
        for (seed, jobs, techs) in [(1, 1000, 120), (2, 300, 40), (3, 100, 15)] {
            let p = autodispatch_testkit::bench_day(seed, jobs, techs);
            let inst = Instance::new(&p);
            let ctx = Ctx::new(&inst);
            let mut sol = Sol::initial(&inst);
            let mut scratch = Scratch::default();
            let (mut feasible, mut missed) = (0, 0);
            for &j in &ctx.managed {
                for &t in &ctx.cands[j] {
                    let r = &sol.routes[t];
                    for p in 0..=r.len() {
                        if fits_at(&inst, t, r, j, p) {
                            feasible += 1;
                            if !may_fit_tight(&inst, t, r, j, p) {
                                missed += 1;
                            }
                        }
                    }
                }
                if let Some((t, p, _)) =
                    crate::construct::best_over_techs(&ctx, &sol, j, EPS, &mut scratch)
                {
                    sol.insert(&inst, t, p, j);
                }
            }
            assert!(feasible > 0);
            assert_eq!(
                missed, 0,
                "day {jobs}x{techs}: {missed} of {feasible} feasible places ruled out"
            );
        }
    }
}
