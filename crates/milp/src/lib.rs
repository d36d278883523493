//! autodispatch-milp: the route-based optimizer with a proven bound.
//!
//! One column per candidate route of a technician; each technician takes
//! at most one route, each job is covered at most once. Column generation
//! solves the LP relaxation (master LP by clarabel, duals through good_lp's
//! `SolutionWithDual`), pricing each technician by an elementary
//! resource-constrained shortest path labelling ([`pricing`]; exact rounds
//! on days of up to 60 technicians label from both ends of the day and
//! join the halves). Every
//! pricing round gives a Lagrangian bound (Σ job prices + Σ per technician
//! best reduced route value), valid whatever the LP's accuracy, and equal
//! to the LP value at convergence. On days of over 60 technicians, where
//! column generation cannot converge in seconds, the bound comes first
//! from the knapsack relaxation of pricing ([`lagrange`]): its
//! Lagrangian's prices, then every technician priced exactly there. The
//! integer master over the generated routes (microlp, warm-started, plus
//! our own packing) gives the plan.
//!
//! A technician-specific job stays with its technician: routes keep it at
//! its current start, or (priced separately) move it inside its window, so
//! both kinds of plans are columns and the bound covers both, each such
//! job of a route kept or moved on its own.
//!
//! The bound is only as good as pricing's claim to have seen every route.
//! Three gaps once made it fall below feasible plans: candidates filtered
//! as if every job were a route's first stop (`free_from` and the shift
//! start hold back only the first leg, not a job after a fixed stop);
//! dominance on earliest times with `return_home` and split shifts (an
//! earlier end may leave no time to drive home before the morning shift
//! ends, where the afternoon shift would: labels now carry whether they
//! can end the route, see [`column::close_start`]); and the
//! technician-specific variant, which moved all such jobs or none. As a
//! last guard, a bound below any plan we know is dropped, not claimed.

pub mod auto;
pub mod column;
pub mod cuts;
pub mod import;
pub mod lagrange;
pub mod master;
pub mod oracle;
pub mod pricing;
mod proof;
pub mod warm;

pub use auto::Auto;

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use autodispatch_model::build::objective;
use autodispatch_model::route::RouteStop;
use autodispatch_model::solver::Solution;
use autodispatch_model::{Instance, Schedule, SolveError, SolveOptions, Solver, SolverStatus};

use crate::column::Column;
use crate::cuts::{Cut, CutPrices};
use crate::master::Shape;
use crate::pricing::{price, price_cut, PriceLimits, PriceResult, Skip, TechData, MAX_LABEL_JOBS};

/// The route-based MILP solver (`--solver milp`).
#[derive(Debug, Clone)]
pub struct Milp {
    /// Most labels one pricing call may create before it gives up exactness.
    pub max_labels: usize,
    /// Most jobs the quick (heuristic) pricing rounds of one technician
    /// consider, the most promising first; exact rounds, which prove the
    /// bound, take every candidate (up to [`pricing::MAX_LABEL_JOBS`]).
    /// The default, 256, keeps the quick rounds of 1000-job days fast (all
    /// of a technician's 400–750 candidates made them about 4× slower).
    pub max_label_jobs: usize,
    /// Most new columns per technician per pricing round.
    pub columns_per_round: usize,
    /// ng-neighbourhood size of the pricing relaxation (elementary when at
    /// least the technician's number of jobs). The default, 1, remembers
    /// only the job just done and lets the neighbourhoods grow where the
    /// best routes repeat a job: far fewer labels while the prices are far
    /// from their end, and the same converged bound (on `bench_day`
    /// 300 × 40 at 8.5 s: 6.6% gap where 16 gave 10.5%; 100 × 15 converges
    /// 1.2–2.4× sooner; TOPTW unchanged).
    pub ng_size: usize,
    /// Live labels per bucket in heuristic pricing rounds.
    pub heuristic_bucket_cap: usize,
    /// Run microlp on the integer master (else only our packing heuristic).
    pub use_microlp: bool,
    /// Price-and-dive fixes, besides the best, every route at least this
    /// much chosen in the LP.
    pub dive_fix: f64,
    /// Technicians freed together in one large-neighbourhood step.
    pub lns_group: usize,
    /// Warm-start from the greedy planner's routes.
    pub use_greedy: bool,
    /// Exact pricing on days of up to 60 technicians labels from both
    /// ends of the day (technicians without fixed stops); else forward
    /// only, as quick rounds do.
    pub bidirectional: bool,
    /// Once column generation has converged with a gap, enumerate every
    /// route within it and solve the integer master over them: a proof
    /// of optimality where the routes are few ([`proof::within_gap`]).
    pub enumerate: bool,
    /// Once column generation has converged, add the subset-row cuts its
    /// LP violates ([`cuts`]) and go on pricing with them: a lower bound
    /// where the LP packs fractions of routes around odd cycles of jobs
    /// (days of up to 60 technicians).
    pub cuts: bool,
    /// Test hook: fail at once, as a broken backend would.
    pub fail: bool,
}

impl Default for Milp {
    fn default() -> Self {
        Self {
            max_labels: 200_000,
            max_label_jobs: 256,
            columns_per_round: 15,
            ng_size: 1,
            heuristic_bucket_cap: 6,
            use_microlp: true,
            lns_group: 4,
            dive_fix: 0.6,
            use_greedy: true,
            bidirectional: true,
            enumerate: true,
            cuts: true,
            fail: false,
        }
    }
}

impl Milp {
    /// Limits of a heuristic re-pricing round around a fixed part of a plan.
    fn reprice_limits(&self, deadline: Instant) -> PriceLimits {
        PriceLimits {
            bucket_cap: self.heuristic_bucket_cap * 4,
            skip: Skip::Always,
            max_labels: self.max_labels,
            max_columns: self.columns_per_round,
            deadline,
            bidirectional: false,
        }
    }

    /// A MILP that always fails, to test fallbacks.
    #[must_use]
    pub fn failing() -> Self {
        Self {
            fail: true,
            ..Self::default()
        }
    }
}

/// What a MILP run found, with its statistics.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub solution: Solution,
    pub objective: f64,
    pub lp_value: Option<f64>,
    pub converged: bool,
    pub rounds: usize,
    pub columns: usize,
    /// Subset-row cuts added to the master.
    pub cuts: usize,
    /// The job and technician prices of the pricing round that gave the
    /// bound before any cut (none before any LP), to audit the bound
    /// against other plans.
    pub bound_duals: Option<(Vec<f64>, Vec<f64>)>,
}

#[derive(Default)]
struct Pool {
    cols: Vec<Column>,
    seen: HashSet<(usize, Vec<usize>)>,
}

impl Pool {
    /// Adds route `c` and the same route for each technician in `twins`
    /// that may drive it (identical technicians); true when `c` itself was
    /// new.
    fn add_with_twins(&mut self, c: Column, twins: impl IntoIterator<Item = usize>) -> bool {
        for t2 in twins {
            let mut c2 = c.clone();
            c2.tech = t2;
            self.add(c2);
        }
        self.add(c).is_some()
    }

    fn add(&mut self, c: Column) -> Option<usize> {
        if self.seen.insert(c.key()) {
            self.cols.push(c);
            Some(self.cols.len() - 1)
        } else {
            None
        }
    }
}

/// The knapsack round of a day of many technicians, run before the MILP
/// starts (by `auto`, beside ruin and recreate when a second thread is
/// free): the technicians' pricing data with the cycles their labelling
/// met, the round's bound and prices, and its routes as columns.
#[derive(Debug)]
pub struct KnapsackStart {
    techs: Vec<TechData>,
    wide: Vec<Option<TechData>>,
    lag: f64,
    duals: (Vec<f64>, Vec<f64>),
    cols: Vec<Column>,
}

impl KnapsackStart {
    /// The round's bound on any plan of the day.
    #[must_use]
    pub fn bound(&self) -> f64 {
        self.lag
    }
}

/// How the MILP gets the knapsack round of a day of many technicians
/// (none on other days).
#[derive(Debug)]
pub enum KnapsackRound {
    /// It runs the round, aimed at its best warm start's value.
    Own,
    /// It runs the round, aimed at this plan value: what
    /// [`Milp::knapsack_start`] would do with it, so that a run with the
    /// round done beforehand and one without give the same plan unless
    /// the clock cut the round.
    AimAt(f64),
    /// The round already ran ([`Milp::knapsack_start`]).
    Ran(KnapsackStart),
}

impl Milp {
    /// Whether the day has so many technicians that column generation
    /// cannot converge in time and the knapsack round gives the bound
    /// ([`Self::knapsack_start`]).
    #[must_use]
    pub fn is_big(inst: &Instance) -> bool {
        inst.techs.len() > BIG_TECHS
    }

    /// Pricing data for every technician: over its most promising
    /// candidates, and over all of them (`wide`) where those differ.
    fn tech_data(&self, inst: &Instance) -> (Vec<TechData>, Vec<Option<TechData>>) {
        let techs: Vec<TechData> = (0..inst.techs.len())
            .map(|t| TechData::new(inst, t, self.max_label_jobs, self.ng_size))
            .collect();
        // exact rounds label every candidate: where a job left out may add
        // value, the labelling proves nothing, and at 1000 jobs most
        // technicians have 400-750 candidates. Quick rounds keep the most
        // promising `max_label_jobs`, which is what keeps them quick.
        let wide = techs
            .iter()
            .map(|td| {
                (td.lab.len() < td.cands.len().min(MAX_LABEL_JOBS))
                    .then(|| TechData::new(inst, td.t, MAX_LABEL_JOBS, self.ng_size))
            })
            .collect();
        (techs, wide)
    }

    /// The knapsack round of [`Self::run_with_start`] on its own, from a
    /// plan of value `target` (the subgradient's aim), until `end`, on
    /// `threads` threads. It depends on the day and `target` only, so
    /// the plan does not depend on where or when it ran unless `end` cut it.
    #[must_use]
    pub fn knapsack_start(
        &self,
        inst: &Instance,
        target: f64,
        end: Instant,
        threads: usize,
    ) -> KnapsackStart {
        let (mut techs, mut wide) = self.tech_data(inst);
        let twins = twins(inst, &techs);
        let mut pool = Pool::default();
        let (lag, duals) = self.knapsack_round(
            inst,
            &mut techs,
            &mut wide,
            &twins,
            &mut pool,
            target,
            end,
            threads.max(1),
        );
        KnapsackStart {
            techs,
            wide,
            lag,
            duals,
            cols: pool.cols,
        }
    }

    /// Solves, returning the statistics too.
    ///
    /// # Errors
    /// The LP or integer backend failed on the first round.
    #[allow(clippy::too_many_lines)]
    pub fn run(
        &self,
        inst: &Instance,
        opts: &SolveOptions,
        warm: Option<&Schedule>,
    ) -> Result<Outcome, SolveError> {
        self.run_with_routes(inst, opts, warm, &[])
    }

    /// [`Self::run`] with more routes known to time, (technician, stops),
    /// as columns from the start: another search's good routes, which the
    /// integer master may combine in ways that search did not.
    ///
    /// # Errors
    /// The LP or integer backend failed on the first round.
    #[allow(clippy::too_many_lines)]
    pub fn run_with_routes(
        &self,
        inst: &Instance,
        opts: &SolveOptions,
        warm: Option<&Schedule>,
        routes: &[(usize, Vec<RouteStop>)],
    ) -> Result<Outcome, SolveError> {
        self.run_with_start(inst, opts, warm, routes, KnapsackRound::Own)
    }

    /// [`Self::run_with_routes`] with the knapsack round of a day of many
    /// technicians as `round` says. One that already ran
    /// ([`Self::knapsack_start`]) gives its routes, which join the
    /// columns after the warm starts as the round's own would, and
    /// column generation has the time the round would have taken.
    ///
    /// # Errors
    /// The LP or integer backend failed on the first round.
    #[allow(clippy::too_many_lines)]
    pub fn run_with_start(
        &self,
        inst: &Instance,
        opts: &SolveOptions,
        warm: Option<&Schedule>,
        routes: &[(usize, Vec<RouteStop>)],
        round: KnapsackRound,
    ) -> Result<Outcome, SolveError> {
        if self.fail {
            return Err(SolveError::Failed(
                "the MILP backend failed (injected)".into(),
            ));
        }
        let t0 = Instant::now();
        let limit = opts.time_limit.as_secs_f64();
        let at = |f: f64| t0 + Duration::from_secs_f64((limit * f).max(0.0));
        // Column generation may take three quarters of the time: it hands
        // over to the integer phase as soon as the LP is as good as proven
        // (`CG_CLOSE`), which on most days is early, and where it is not
        // the bound needs the time (exact rounds over every candidate of
        // 120 technicians take seconds; 300 × 40 s5 needs every round it
        // gets). On big days the dive's LPs get slow and regions do better
        // with what is left, and quick rounds run longer.
        let big = Self::is_big(inst);
        let heur_end = at(if big { 0.35 } else { 0.25 });
        let mut cg_end = at(0.75);
        let mut dive_end = if big { cg_end } else { at(0.65) };
        let mut ip_end = at(WORK_END);
        let n_techs = inst.techs.len();
        let (mut techs, mut wide, start, aim) = match round {
            KnapsackRound::Ran(k) if big => (k.techs, k.wide, Some((k.lag, k.duals, k.cols)), None),
            other => {
                let (techs, wide) = self.tech_data(inst);
                let aim = match other {
                    KnapsackRound::AimAt(v) => Some(v),
                    _ => None,
                };
                (techs, wide, None, aim)
            }
        };
        let twins = twins(inst, &techs);
        let warm_routes = warm.map(|s| warm::from_schedule(inst, s));
        let mut rows: Vec<usize> = techs
            .iter()
            .flat_map(|td| td.cands.iter().copied())
            // a given route may hold a job pricing leaves out: it still
            // needs its row, or two routes could both take it
            .chain(
                routes
                    .iter()
                    .map(|r| &r.1)
                    .chain(warm_routes.iter().flatten())
                    .flat_map(|stops| stops.iter().filter(|s| s.fixed.is_none()))
                    .map(|s| s.job),
            )
            .collect();
        rows.sort_unstable();
        rows.dedup();
        let shape = Shape {
            n_jobs: inst.jobs.len(),
            n_techs,
            rows,
            must_route: techs.iter().map(|td| td.must_route).collect(),
        };
        let mut pool = Pool::default();
        let baselines: Vec<Option<usize>> = techs
            .iter()
            .map(|td| {
                if td.must_route {
                    pool.add(td.baseline.clone())
                } else {
                    None
                }
            })
            .collect();

        for (t, stops) in routes {
            if *t >= n_techs || techs[*t].cands.is_empty() {
                continue;
            }
            if let Some(c) = Column::new(inst, *t, stops.clone()) {
                pool.add_with_twins(c, twins[*t].iter().copied());
            }
        }

        // warm starts: our insertion, and the given schedule
        let mut starts: Vec<Vec<usize>> = Vec::new();
        let mut route_sets = vec![warm::insertion(inst, &techs)];
        if let Some(w) = warm_routes {
            route_sets.push(w);
        }
        for routes in route_sets {
            let mut pick = Vec::new();
            for (t, stops) in routes.into_iter().enumerate() {
                if stops.iter().all(|s| s.fixed.is_some()) {
                    continue;
                }
                if let Some(c) = Column::new(inst, t, stops) {
                    let key = c.key();
                    let k = pool
                        .add(c)
                        .or_else(|| pool.cols.iter().position(|x| x.key() == key));
                    if let Some(k) = k {
                        pick.push(k);
                    }
                }
            }
            let order = pick.clone();
            let pick = master::pack(&shape, &pool.cols, &order, &baselines);
            starts.push(pick);
        }
        let mut incumbent: Vec<usize> = starts
            .iter()
            .filter(|p| master::feasible(&shape, &pool.cols, p))
            .max_by(|a, b| {
                master::value_of(&pool.cols, a).total_cmp(&master::value_of(&pool.cols, b))
            })
            .cloned()
            .unwrap_or_else(|| baselines.iter().flatten().copied().collect());

        // a bound before any LP: every technician's relaxed best, no prices
        let zero = vec![0.0; inst.jobs.len()];
        let mut bound: f64 = techs.iter().map(|td| td.relaxed_bound(inst, &zero)).sum();

        // where column generation cannot converge, the knapsack
        // Lagrangian's prices give the bound (and steady its duals)
        let mut bound_duals: Option<(Vec<f64>, Vec<f64>)> = None;
        let round = match start {
            Some((lag, duals, cols)) => {
                for c in cols {
                    pool.add(c);
                }
                Some((lag, duals))
            }
            None if big => {
                let now = Instant::now();
                let end = now
                    + cg_end
                        .saturating_duration_since(now)
                        .mul_f64(KNAPSACK_ROUND_SHARE);
                let target = aim.unwrap_or_else(|| master::value_of(&pool.cols, &incumbent));
                Some(self.knapsack_round(
                    inst,
                    &mut techs,
                    &mut wide,
                    &twins,
                    &mut pool,
                    target,
                    end,
                    opts.threads.max(1),
                ))
            }
            None => None,
        };
        if let Some((lag, duals)) = round.filter(|r| r.0 < bound) {
            bound = lag;
            bound_duals = Some(duals);
        }

        // column generation
        let mut rounds = 0;
        let mut converged = false;
        let mut lp_value = None;
        let mut last_x: Vec<f64> = Vec::new();
        // job, technician and cut prices of the last LP
        let mut last_duals: Option<(Vec<f64>, Vec<f64>, Vec<f64>)> = None;
        let mut cuts: Vec<Cut> = Vec::new();
        // (on days of many technicians the LP does not converge)
        let cutting = self.cuts && !big;
        let mut heuristic = true;
        let mut smooth = true;
        let mut prev_lp: Option<f64> = None;
        let mut first_lp: Option<f64> = None;
        let mut ip_proven = false;
        let mut proven_optimal = false;
        let mut pass = 0;
        let threads = opts.threads.max(1);
        // the caller's gap: good enough once the incumbent is this close to the bound
        let gap_met =
            |bound: f64, value: f64| opts.gap > 0.0 && bound - value <= opts.gap * bound.abs();
        let mut gap_stop;
        // the last exact round left more of the gap between the LP and
        // the bound than `BOUND_LED` times that between plan and LP
        let mut bound_led = false;
        let mut exact_time = Duration::ZERO;
        let mut slowest_exact = Duration::ZERO;
        let ip_share = if n_techs > DIVE_FEW_TECHS && !master::STRONG_IP {
            IP_SHARE_MANY
        } else {
            IP_SHARE
        };
        // passes of column generation then the integer master, while time is left
        'passes: loop {
            loop {
                if gap_met(bound, master::value_of(&pool.cols, &incumbent)) {
                    gap_stop = true;
                    break 'passes;
                }
                if Instant::now() >= cg_end {
                    // where the bound holds most of the gap, the dive (which
                    // could only close the plan's part) is worth less than
                    // more rounds
                    if bound_led && cg_end < at(WORK_END) {
                        cg_end = at(WORK_END);
                        dive_end = cg_end;
                    } else {
                        break;
                    }
                }
                // a round that would end past `cg_end` (if it took as long
                // as the last exact one) and will be let run on is not cut
                // there; earlier rounds keep their time shares
                let round_start = Instant::now();
                let round_end = if bound_led && round_start + exact_time > cg_end {
                    cg_end.max(at(WORK_END))
                } else {
                    cg_end
                };
                let left = round_end
                    .saturating_duration_since(Instant::now())
                    .as_secs_f64();
                let lp = match master::solve_lp_cut(&shape, &pool.cols, &cuts, left) {
                    Ok(lp) => lp,
                    Err(e) if rounds == 0 => {
                        return Err(SolveError::Failed(format!("master LP: {e}")));
                    }
                    Err(_) => break,
                };
                rounds += 1;
                lp_value = Some(lp.value);
                last_x.clone_from(&lp.x);
                last_duals = Some((lp.pi.clone(), lp.mu.clone(), lp.sigma.clone()));
                let cut_prices = CutPrices {
                    cuts: &cuts,
                    sigma: &lp.sigma,
                };
                let lim = PriceLimits {
                    bucket_cap: if heuristic {
                        self.heuristic_bucket_cap
                    } else {
                        usize::MAX
                    },
                    skip: if heuristic {
                        Skip::Always
                    } else {
                        Skip::WhenExact
                    },
                    max_labels: self.max_labels,
                    max_columns: self.columns_per_round,
                    deadline: round_end,
                    // where exact rounds are cut by the clock (over 60
                    // technicians), labelling forward bounds better: its
                    // labels left behind are late in the day, with little
                    // left to add
                    bidirectional: self.bidirectional && !heuristic && !big,
                };
                // Wentges smoothing: price at a point between the LP's
                // duals and those of the best bound so far, which steadies
                // the duals of a degenerate master (every plan's routes at
                // one) and raises the bound in fewer rounds (before any
                // cut: the best bound's point has no prices for them)
                let (pi, mu) = match (&bound_duals, smooth && cuts.is_empty()) {
                    (Some((pc, mc)), true) => {
                        (mix(pc, &lp.pi, SMOOTHING), mix(mc, &lp.mu, SMOOTHING))
                    }
                    _ => (lp.pi.clone(), lp.mu.clone()),
                };
                let lp_gain = |c: &Column| {
                    c.value
                        - c.jobs.iter().map(|&j| lp.pi[j]).sum::<f64>()
                        - lp.mu[c.tech]
                        - cut_prices.penalty(&c.jobs)
                };
                let mut improving = 0;
                let mut lag: f64 =
                    shape.rows.iter().map(|&j| pi[j]).sum::<f64>() + cut_prices.total();
                let mut added = 0;
                let mut all_exact = true;
                let mut n_exact = 0;
                let mut n_priced = 0;
                let mut grew = false;
                // each technician prices on its own (one thread per
                // technician at a time, its cycles too); the merge below runs
                // in technician order, so the result is the same on any
                // number of threads
                let mut mine = pricers(&mut techs, &mut wide, &twins, !heuristic);
                slowest_first(&mut mine);
                let share = time_share(round_end, threads, mine.len());
                let priced = par_map(mine, threads, |td| {
                    // identical technicians share one pricing: same routes, same best
                    let thr = twins[td.t].iter().map(|&u| mu[u]).fold(mu[td.t], f64::min);
                    let lim = PriceLimits {
                        deadline: round_end.min(Instant::now() + share * time_shares(td)),
                        ..lim
                    };
                    cg_price(inst, td, (&pi, cut_prices), thr + 1e-6, &lim)
                });
                share_cycles(&mut techs, &mut wide);
                if !heuristic {
                    slowest_exact = slowest_exact.max(round_start.elapsed());
                }
                let mut slot: Vec<Option<CgPriced>> = (0..n_techs).map(|_| None).collect();
                for p in priced {
                    let t = p.t;
                    slot[t] = Some(p);
                }
                let mut sigma_of: Vec<Option<f64>> = vec![None; n_techs];
                for t in 0..n_techs {
                    let Some(p) = slot[t].take() else {
                        // a twin: its lower-index representative priced for it
                        // (never missing; an infinite share keeps the bound valid)
                        let rep = twins[t].iter().find(|&&u| u < t);
                        lag += rep.and_then(|&u| sigma_of[u]).unwrap_or(f64::INFINITY);
                        continue;
                    };
                    grew |= p.grew;
                    all_exact &= p.exact;
                    n_exact += usize::from(p.exact);
                    n_priced += 1;
                    lag += p.sigma;
                    sigma_of[t] = Some(p.sigma);
                    for stops in p.variant_routes {
                        if let Some(c) = Column::new(inst, t, stops) {
                            let gain = lp_gain(&c);
                            if pool.add(c).is_some() {
                                added += 1;
                                improving += usize::from(gain > 1e-6);
                            }
                        }
                    }
                    for stops in p.routes {
                        if let Some(c) = Column::new(inst, t, stops) {
                            let gain = twins[t]
                                .iter()
                                .map(|&u| {
                                    let mut c2 = c.clone();
                                    c2.tech = u;
                                    lp_gain(&c2)
                                })
                                .fold(lp_gain(&c), f64::max);
                            if pool.add_with_twins(c, twins[t].iter().copied()) {
                                added += 1;
                                improving += usize::from(gain > 1e-6);
                            }
                        }
                    }
                }
                if lag < bound {
                    bound = lag;
                    if cuts.is_empty() {
                        bound_duals = Some((pi.clone(), mu.clone()));
                    }
                }
                // no column the LP can use: the smoothed point mispriced,
                // so the next round prices at the LP's own duals (only a
                // round there can show the LP converged)
                let mispriced = smooth && improving == 0;
                smooth = !mispriced;
                if mispriced && Instant::now() < cg_end {
                    continue;
                }
                if heuristic {
                    // quick rounds until the LP stops moving: then exact
                    // ones raise the bound more (they are cheap once the
                    // prices are near their end). A master still near its
                    // first value is degenerate, not stalled: its first
                    // columns only move its duals.
                    let first = *first_lp.get_or_insert(lp.value);
                    let stalled = lp.value > first + HEURISTIC_MOVED * first.abs().max(1.0)
                        && prev_lp.is_some_and(|p: f64| {
                            lp.value - p <= HEURISTIC_STALL * lp.value.abs().max(1.0)
                        });
                    if (added == 0 && !grew) || stalled || Instant::now() >= heur_end {
                        heuristic = false;
                    }
                    prev_lp = Some(lp.value);
                    continue;
                }
                if n_exact * 2 < n_priced && Instant::now() < heur_end {
                    // the prices are still far from their end, where exact
                    // pricing is slow: quick rounds again until the LP stalls
                    heuristic = true;
                    prev_lp = None;
                    continue;
                }
                if (added == 0 && !grew) || bound - lp.value <= 1e-9 * lp.value.abs().max(1.0) {
                    converged = all_exact;
                    // converged: the cuts its LP violates lower it
                    // further, where the time left holds a few more exact
                    // rounds (else it is the plan's)
                    if converged
                        && cutting
                        && at(WORK_END).saturating_duration_since(Instant::now())
                            > (slowest_exact * CUT_ROUNDS)
                                .max(Duration::from_secs_f64(limit * CUT_TIME_LEFT))
                        && add_cuts(shape.n_jobs, &pool.cols, &lp.x, &mut cuts)
                    {
                        converged = false;
                        continue;
                    }
                    break;
                }
                // the LP is as good as proven and the plan is further from
                // it than the bound, or the plan is far further from the LP
                // than the LP from the bound: the integer phase has more
                // to gain
                let value = master::value_of(&pool.cols, &incumbent);
                exact_time = round_start.elapsed();
                bound_led = !big
                    && n_techs > DIVE_FEW_TECHS
                    && pass == 0
                    && bound - lp.value > BOUND_LED * (lp.value - value);
                if (bound - lp.value <= CG_CLOSE * bound.abs().max(1.0)
                    && lp.value - value > bound - lp.value)
                    || lp.value - value > CG_HANDOVER * (bound - lp.value)
                {
                    break;
                }
                // a quick round between exact ones moves the LP for a
                // fraction of an exact round's time, and the next exact
                // round prices (and bounds) at better duals (on big days
                // one exact round is about all that fits)
                if improving > 0 && !big {
                    heuristic = true;
                    prev_lp = None;
                }
            }

            // integer master: our packings, price-and-dive, then microlp.
            // Column generation may run past the dive's planned end (a slow
            // exact round): the dive still gets its share of what is left
            if !big {
                let now = Instant::now();
                dive_end =
                    dive_end.max(now + ip_end.saturating_duration_since(now).mul_f64(DIVE_FLOOR));
            }
            let cols = &pool.cols;
            let mut by_x: Vec<usize> = (0..cols.len()).collect();
            if last_x.len() == cols.len() {
                by_x.sort_by(|&a, &b| last_x[b].total_cmp(&last_x[a]).then(a.cmp(&b)));
            } else {
                by_x.truncate(0);
            }
            let mut by_value: Vec<usize> = (0..cols.len()).collect();
            by_value.sort_by(|&a, &b| cols[b].value.total_cmp(&cols[a].value).then(a.cmp(&b)));
            for order in [by_x, by_value] {
                let p = master::pack(&shape, cols, &order, &baselines);
                master::keep_better(&shape, cols, &mut incumbent, p);
            }
            if gap_met(bound, master::value_of(&pool.cols, &incumbent)) {
                gap_stop = true;
                break 'passes;
            }
            // routes within the gap: any route of a better integer solution has
            // a reduced value above its technician's best less the gap, so add
            // the best such routes that the LP did not need
            let delta = bound - master::value_of(&pool.cols, &incumbent);
            if let (true, Some((pi, mu, sigma))) = (converged && delta > 1e-6, &last_duals) {
                let cut_prices = CutPrices { cuts: &cuts, sigma };
                let lim = PriceLimits {
                    bucket_cap: usize::MAX,
                    skip: Skip::Never,
                    max_labels: self.max_labels,
                    max_columns: self.columns_per_round * 3,
                    deadline: dive_end,
                    bidirectional: self.bidirectional,
                };
                let mine: Vec<&TechData> = techs
                    .iter()
                    .filter(|td| !twins[td.t].iter().any(|&u| u < td.t))
                    .collect();
                let priced = par_map(mine, threads, |td| {
                    let r = price_cut(inst, td, pi, cut_prices, mu[td.t] - delta, &lim);
                    (td.t, r.routes)
                });
                for (t, routes) in priced {
                    for stops in routes {
                        if let Some(c) = Column::new(inst, t, stops) {
                            pool.add_with_twins(c, twins[t].iter().copied());
                        }
                    }
                }
                if self.use_microlp {
                    let left = dive_end
                        .saturating_duration_since(Instant::now())
                        .as_secs_f64();
                    if let Ok(Some((p, _))) = master::solve_ip(&shape, &pool.cols, &incumbent, left)
                    {
                        master::keep_better(&shape, &pool.cols, &mut incumbent, p);
                    }
                }
            }
            if gap_met(bound, master::value_of(&pool.cols, &incumbent)) {
                gap_stop = true;
                break 'passes;
            }
            let p = self.price_and_dive(
                inst, &shape, &mut techs, &mut pool, &baselines, &twins, dive_end, threads,
            );
            let cols = &pool.cols;
            master::keep_better(&shape, cols, &mut incumbent, p);
            if gap_met(bound, master::value_of(&pool.cols, &incumbent)) {
                gap_stop = true;
                break 'passes;
            }
            ip_proven = false;
            let left = ip_end
                .saturating_duration_since(Instant::now())
                .as_secs_f64();
            if self.use_microlp && left > 0.01 {
                if let Ok(Some((p, proven))) =
                    master::solve_ip(&shape, cols, &incumbent, left * ip_share)
                {
                    if master::feasible(&shape, cols, &p)
                        && master::value_of(cols, &p) >= master::value_of(cols, &incumbent) - 1e-9
                    {
                        incumbent = p;
                        ip_proven = proven;
                    }
                }
            }

            if gap_met(bound, master::value_of(&pool.cols, &incumbent)) {
                gap_stop = true;
                break 'passes;
            }
            if self.use_microlp && !ip_proven {
                // keep at least one route fixed, or the step is the whole problem
                let active = techs.iter().filter(|td| !td.cands.is_empty()).count();
                let size = self.lns_group.min(active.saturating_sub(1)).max(1);
                let groups = neighbourhoods(inst, &techs, size);
                let enough = if opts.gap > 0.0 {
                    bound - opts.gap * bound.abs()
                } else {
                    f64::INFINITY
                };
                incumbent = self.region_lns(
                    inst,
                    &shape,
                    &mut techs,
                    &mut pool,
                    &twins,
                    incumbent,
                    &groups,
                    (ip_end, enough),
                    threads,
                );
            }
            // the pass's plan, the best the phases found, sets the gap in
            // which every route of a better plan lies: enumerated, they may
            // prove it optimal
            if let (true, Some(duals)) = (self.enumerate && converged, &last_duals) {
                if self.prove_by_enumeration(
                    inst,
                    &shape,
                    (&techs, &wide, &twins),
                    &mut pool,
                    &mut incumbent,
                    (
                        &duals.0,
                        &duals.1,
                        CutPrices {
                            cuts: &cuts,
                            sigma: &duals.2,
                        },
                    ),
                    bound,
                    at(WORK_END),
                    threads,
                ) {
                    // optimal over every route: its value is the bound
                    bound = master::value_of(&pool.cols, &incumbent).min(bound);
                    proven_optimal = true;
                    gap_stop = false;
                    break 'passes;
                }
            }
            pass += 1;
            let now = Instant::now();
            let final_end = at(WORK_END);
            let rem = final_end.saturating_duration_since(now);
            let value = master::value_of(&pool.cols, &incumbent);
            gap_stop = gap_met(bound, value);
            let done = gap_stop || value >= bound - 1e-6 * bound.abs().max(1.0);
            if done || (converged && ip_proven) || rem.as_secs_f64() < 0.1 * limit || pass >= 20 {
                break;
            }
            cg_end = now + rem.mul_f64(0.5);
            dive_end = if big { cg_end } else { now + rem.mul_f64(0.65) };
            ip_end = final_end;
        }
        let cols = &pool.cols;

        // the schedule: chosen routes, fixed-only routes elsewhere
        let mut schedule = Schedule {
            routes: techs.iter().map(|td| td.baseline.visits()).collect(),
        };
        for &k in &incumbent {
            schedule.routes[cols[k].tech] = cols[k].visits();
        }
        let obj = objective(inst, &schedule);
        // the best objective of any plan we know to be feasible: ours, and
        // the warm start (the greedy plan) when one was given
        let known = warm.map_or(obj, |s| obj.max(objective(inst, s)));
        // a "bound" below a feasible plan is no bound: a pricing gap. Never
        // claim it (nor optimality); say so instead.
        let bound_ok = bound >= known - 1e-6 * known.abs().max(1.0);
        let optimal = bound_ok && bound - obj <= 1e-6 * bound.abs().max(1.0);
        let status = if optimal {
            SolverStatus::Optimal
        } else if !converged && Instant::now() >= cg_end {
            SolverStatus::TimeLimit
        } else {
            SolverStatus::Feasible
        };
        let note = Some(format!(
            "{rounds} pricing rounds, {} routes{}{}{}{}{}",
            cols.len(),
            if cuts.is_empty() {
                String::new()
            } else {
                format!(", {} subset-row cuts", cuts.len())
            },
            if converged { ", LP converged" } else { "" },
            if gap_stop {
                format!(", within the gap {}", opts.gap)
            } else {
                String::new()
            },
            if proven_optimal {
                ", every route within the gap enumerated: optimal"
            } else if ip_proven {
                ", integer master optimal"
            } else {
                ""
            },
            if bound_ok {
                String::new()
            } else {
                format!(
                    "; bound dropped: {bound:.4} is below a feasible plan's {known:.4}, so it is not proven"
                )
            }
        ));
        let bound = bound_ok.then(|| bound.max(known));
        Ok(Outcome {
            solution: Solution {
                schedule,
                status,
                bound,
                note,
            },
            objective: obj,
            lp_value,
            converged,
            rounds,
            columns: cols.len(),
            cuts: cuts.len(),
            bound_duals,
        })
    }
}

impl Milp {
    /// A bound before any LP, for days where column generation cannot
    /// converge: the prices of the knapsack Lagrangian
    /// ([`lagrange::knapsack_dual`], a fraction of a second), then every
    /// technician priced exactly at them until `end`, each bounded by the
    /// tighter of its labelling and its knapsack. Their routes become
    /// columns. Returns the bound and its prices (of jobs, and of
    /// technicians: their best reduced values there).
    #[allow(clippy::too_many_arguments)]
    fn knapsack_round(
        &self,
        inst: &Instance,
        techs: &mut [TechData],
        wide: &mut [Option<TechData>],
        twins: &[Vec<usize>],
        pool: &mut Pool,
        target: f64,
        end: Instant,
        threads: usize,
    ) -> (f64, (Vec<f64>, Vec<f64>)) {
        // the rows some technician could take: a row only a given route
        // holds gets no price (no knapsack takes it), as it would here
        let rows = lagrange::candidate_rows(techs);
        let zero = vec![0.0; inst.jobs.len()];
        let kd = lagrange::knapsack_dual(inst, techs, &rows, &zero, target, KNAPSACK_STEPS, end);
        let pi = kd.pi;
        let mine = pricers(techs, wide, twins, true);
        let share = time_share(end, threads, mine.len());
        let lim = PriceLimits {
            bucket_cap: usize::MAX,
            skip: Skip::WhenExact,
            max_labels: self.max_labels,
            max_columns: self.columns_per_round,
            deadline: end,
            bidirectional: self.bidirectional,
        };
        let priced = par_map(mine, threads, |td| {
            let lim = PriceLimits {
                deadline: end.min(Instant::now() + share * TECH_SHARES),
                ..lim
            };
            cg_price(inst, td, (&pi, CutPrices::NONE), 0.0, &lim)
        });
        share_cycles(techs, wide);
        let mut sigma = kd.sigma;
        for p in priced {
            let t = p.t;
            sigma[t] = sigma[t].min(p.sigma);
            for stops in p.variant_routes {
                if let Some(c) = Column::new(inst, t, stops) {
                    pool.add(c);
                }
            }
            for stops in p.routes {
                if let Some(c) = Column::new(inst, t, stops) {
                    pool.add_with_twins(c, twins[t].iter().copied());
                }
            }
        }
        for t in 0..sigma.len() {
            // a twin has its representative's routes
            if let Some(&u) = twins[t].iter().find(|&&u| u < t) {
                sigma[t] = sigma[t].min(sigma[u]);
            }
        }
        let lag = rows.iter().map(|&j| pi[j]).sum::<f64>() + sigma.iter().sum::<f64>();
        (lag, (pi, sigma))
    }

    /// Enumerates every route within the gap between the LP's duals and
    /// the incumbent ([`proof::within_gap`], for a share of the time to
    /// `end`) and, when the list is complete, solves the integer master
    /// over the pool until `end`: true when that proves the incumbent (as
    /// it then is) optimal over every route.
    #[allow(clippy::too_many_arguments)]
    fn prove_by_enumeration(
        &self,
        inst: &Instance,
        shape: &Shape,
        (techs, wide, twins): (&[TechData], &[Option<TechData>], &[Vec<usize>]),
        pool: &mut Pool,
        incumbent: &mut Vec<usize>,
        duals: (&[f64], &[f64], CutPrices),
        bound: f64,
        end: Instant,
        threads: usize,
    ) -> bool {
        let value = master::value_of(&pool.cols, incumbent);
        // a gap the status already calls none needs no proof
        if !self.use_microlp || bound - value <= 1e-6 * bound.abs().max(1.0) {
            return false;
        }
        let now = Instant::now();
        let until = now + end.saturating_duration_since(now).mul_f64(ENUMERATE_SHARE);
        let reps: Vec<&TechData> = techs
            .iter()
            .zip(wide)
            .filter(|(td, _)| !twins[td.t].iter().any(|&u| u < td.t))
            .map(|(td, w)| w.as_ref().unwrap_or(td))
            .collect();
        let limits = (
            ENUMERATE_LABELS,
            MAX_ENUMERATED,
            self.columns_per_round * 3,
            until,
        );
        if !proof::within_gap(
            inst, shape, &reps, twins, pool, duals, value, limits, threads,
        ) {
            return false;
        }
        let left = end.saturating_duration_since(Instant::now()).as_secs_f64();
        match master::solve_ip(shape, &pool.cols, incumbent, left) {
            Ok(Some((p, proven))) => {
                master::keep_better(shape, &pool.cols, incumbent, p);
                proven
            }
            _ => false,
        }
    }

    /// Price-and-dive: solve the LP over the columns that fit what is
    /// fixed so far, price new routes for the technicians still free
    /// (heuristically, around the jobs already taken), fix the columns at
    /// one or else the largest, and repeat. Finished by packing.
    #[allow(clippy::too_many_arguments)]
    fn price_and_dive(
        &self,
        inst: &Instance,
        shape: &Shape,
        techs: &mut [TechData],
        pool: &mut Pool,
        baselines: &[Option<usize>],
        twins: &[Vec<usize>],
        deadline: Instant,
        threads: usize,
    ) -> Vec<usize> {
        let mut job_used = vec![false; shape.n_jobs];
        let mut tech_used = vec![false; shape.n_techs];
        let mut pick: Vec<usize> = Vec::new();
        let mut last_order: Vec<usize> = Vec::new();
        'dive: while Instant::now() < deadline {
            let mut lp;
            let mut free: Vec<usize>;
            let mut reprice = 0;
            loop {
                free = (0..pool.cols.len())
                    .filter(|&k| {
                        let c = &pool.cols[k];
                        !tech_used[c.tech] && c.jobs.iter().all(|&j| !job_used[j])
                    })
                    .collect();
                if free.is_empty() && (reprice > 0 || tech_used.iter().all(|&u| u)) {
                    break 'dive;
                }
                let sub: Vec<Column> = free.iter().map(|&k| pool.cols[k].clone()).collect();
                let left = deadline
                    .saturating_duration_since(Instant::now())
                    .as_secs_f64();
                lp = match master::solve_lp(shape, &sub, left) {
                    Ok(lp) => lp,
                    Err(_) => break 'dive,
                };
                let max_reprice = if shape.n_techs > DIVE_FEW_TECHS { 1 } else { 8 };
                if reprice >= max_reprice || Instant::now() >= deadline {
                    break;
                }
                reprice += 1;
                let pi = closed_to(&lp.pi, &job_used);
                let lim = self.reprice_limits(deadline);
                let mut added = 0;
                let mine: Vec<&mut TechData> =
                    techs.iter_mut().filter(|td| !tech_used[td.t]).collect();
                let priced = price_each(inst, mine, &pi, |t| lp.mu[t] + 1e-6, &lim, threads);
                for (t, routes) in priced {
                    for stops in routes {
                        if let Some(c) = Column::new(inst, t, stops) {
                            let free = twins[t].iter().copied().filter(|&t2| !tech_used[t2]);
                            if pool.add_with_twins(c, free) {
                                added += 1;
                            }
                        }
                    }
                }
                if added == 0 {
                    break;
                }
            }
            // identical technicians split a route's weight: sum it back
            let mut weight: std::collections::HashMap<Vec<usize>, f64> =
                std::collections::HashMap::new();
            for (i, &k) in free.iter().enumerate() {
                let key: Vec<usize> = pool.cols[k].stops.iter().map(|s| s.job).collect();
                *weight.entry(key).or_insert(0.0) += lp.x[i];
            }
            let score: Vec<f64> = free
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    let key: Vec<usize> = pool.cols[k].stops.iter().map(|s| s.job).collect();
                    weight[&key].max(lp.x[i])
                })
                .collect();
            let mut order: Vec<usize> = (0..free.len()).collect();
            order.sort_by(|&a, &b| {
                score[b]
                    .total_cmp(&score[a])
                    .then(lp.x[b].total_cmp(&lp.x[a]))
                    .then(a.cmp(&b))
            });
            last_order = order.iter().map(|&i| free[i]).collect();
            let mut fixed_any = false;
            for (rank, &i) in order.iter().enumerate() {
                if lp.x[i] < 1e-6 || (rank > 0 && score[i] < self.dive_fix) {
                    break;
                }
                let c = &pool.cols[free[i]];
                if tech_used[c.tech] || c.jobs.iter().any(|&j| job_used[j]) {
                    continue;
                }
                tech_used[c.tech] = true;
                for &j in &c.jobs {
                    job_used[j] = true;
                }
                pick.push(free[i]);
                fixed_any = true;
            }
            if !fixed_any {
                break;
            }
        }
        let cols = &pool.cols;
        let mut by_value: Vec<usize> = (0..cols.len()).collect();
        by_value.sort_by(|&a, &b| cols[b].value.total_cmp(&cols[a].value).then(a.cmp(&b)));
        let order: Vec<usize> = pick
            .iter()
            .chain(&last_order)
            .chain(&by_value)
            .copied()
            .collect();
        master::pack(shape, cols, &order, baselines)
    }
}

impl Milp {
    /// MILP-based large-neighbourhood search by regions: over and over,
    /// free the routes of a group of nearby technicians, keep every other
    /// route, generate routes for the group over the jobs not kept (a few
    /// rounds of its own column generation), and solve the group's integer
    /// master by microlp, warm-started with its current routes. Stops at
    /// `deadline` or after a full turn without improvement.
    #[allow(clippy::too_many_arguments)]
    fn region_lns(
        &self,
        inst: &Instance,
        shape: &Shape,
        techs: &mut [TechData],
        pool: &mut Pool,
        twins: &[Vec<usize>],
        incumbent: Vec<usize>,
        groups: &[Vec<usize>],
        (deadline, enough): (Instant, f64),
        threads: usize,
    ) -> Vec<usize> {
        let mut inc = incumbent;
        let mut since_better = 0;
        let mut g = 0;
        while !groups.is_empty()
            && since_better < groups.len()
            && Instant::now() < deadline
            && master::value_of(&pool.cols, &inc) < enough
        {
            let group = &groups[g % groups.len()];
            g += 1;
            since_better += 1;
            let mut in_group = vec![false; shape.n_techs];
            for &t in group {
                in_group[t] = true;
            }
            let mut job_kept = vec![false; shape.n_jobs];
            for &k in &inc {
                if !in_group[pool.cols[k].tech] {
                    for &j in &pool.cols[k].jobs {
                        job_kept[j] = true;
                    }
                }
            }
            let sub_of = |pool: &Pool| -> Vec<usize> {
                (0..pool.cols.len())
                    .filter(|&k| {
                        let c = &pool.cols[k];
                        in_group[c.tech] && c.jobs.iter().all(|&j| !job_kept[j])
                    })
                    .collect()
            };
            for _ in 0..3 {
                let sub_idx = sub_of(pool);
                let sub: Vec<Column> = sub_idx.iter().map(|&k| pool.cols[k].clone()).collect();
                let left = deadline
                    .saturating_duration_since(Instant::now())
                    .as_secs_f64();
                let Ok(lp) = master::solve_lp(shape, &sub, left) else {
                    break;
                };
                let pi = closed_to(&lp.pi, &job_kept);
                let lim = self.reprice_limits(deadline);
                let mut added = 0;
                // the group's technicians, in the group's order
                let mut slot: Vec<Option<&mut TechData>> = techs.iter_mut().map(Some).collect();
                let mine: Vec<&mut TechData> =
                    group.iter().filter_map(|&t| slot[t].take()).collect();
                let priced = price_each(inst, mine, &pi, |t| lp.mu[t] + 1e-6, &lim, threads);
                for (t, routes) in priced {
                    for stops in routes {
                        if let Some(c) = Column::new(inst, t, stops) {
                            if pool.add_with_twins(c, twins[t].iter().copied()) {
                                added += 1;
                            }
                        }
                    }
                }
                if added == 0 || Instant::now() >= deadline {
                    break;
                }
            }
            let sub_idx = sub_of(pool);
            if sub_idx.is_empty() {
                continue;
            }
            let sub: Vec<Column> = sub_idx.iter().map(|&k| pool.cols[k].clone()).collect();
            let warm: Vec<usize> = sub_idx
                .iter()
                .enumerate()
                .filter(|(_, k)| inc.contains(k))
                .map(|(i, _)| i)
                .collect();
            let before: f64 = warm.iter().map(|&i| sub[i].value).sum();
            let left = deadline
                .saturating_duration_since(Instant::now())
                .as_secs_f64();
            let Ok(Some((p, _))) = master::solve_ip(shape, &sub, &warm, left.min(1.0)) else {
                continue;
            };
            let after: f64 = p.iter().map(|&i| sub[i].value).sum();
            if after > before + 1e-6 && master::feasible(shape, &sub, &p) {
                let mut next: Vec<usize> = inc
                    .iter()
                    .copied()
                    .filter(|&k| !in_group[pool.cols[k].tech])
                    .collect();
                next.extend(p.iter().map(|&i| sub_idx[i]));
                if master::feasible(shape, &pool.cols, &next) {
                    inc = next;
                    since_better = 0;
                }
            }
        }
        inc
    }
}

impl Solver for Milp {
    fn name(&self) -> &str {
        "milp"
    }

    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
        if self.fail || !self.use_greedy {
            return self.run(inst, opts, None).map(|o| o.solution);
        }
        let (warm, rest) = auto::greedy_start(inst, opts);
        self.run(inst, &rest, warm.as_ref().map(|w| &w.schedule))
            .map(|o| o.solution)
    }
}

/// For each technician, the others that are interchangeable with it: same
/// start, home, shifts, blocked time, conversion and candidate jobs, and no
/// fixed stops, so any route of one is the same route for the other.
fn twins(inst: &Instance, techs: &[TechData]) -> Vec<Vec<usize>> {
    let key = |t: usize| {
        let ti = &inst.techs[t];
        if !techs[t].fixed.is_empty() || techs[t].cands.is_empty() {
            return None;
        }
        let prefs: Vec<usize> = techs[t]
            .cands
            .iter()
            .copied()
            .filter(|&j| inst.jobs[j].preferred == Some(t))
            .collect();
        if !prefs.is_empty() {
            return None;
        }
        Some(format!(
            "{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
            ti.start_loc,
            ti.home,
            ti.free_from,
            ti.regular,
            ti.blocked,
            ti.conversion,
            techs[t].cands
        ))
    };
    let keys: Vec<Option<String>> = (0..techs.len()).map(key).collect();
    (0..techs.len())
        .map(|t| match &keys[t] {
            None => Vec::new(),
            Some(k) => (0..techs.len())
                .filter(|&u| u != t && keys[u].as_ref() == Some(k))
                .collect(),
        })
        .collect()
}

/// Groups of technicians for the large-neighbourhood search: each
/// technician with columns and its nearest others (by home), `size` in all.
fn neighbourhoods(inst: &Instance, techs: &[TechData], size: usize) -> Vec<Vec<usize>> {
    let active: Vec<usize> = techs
        .iter()
        .filter(|td| !td.cands.is_empty())
        .map(|td| td.t)
        .collect();
    active
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let home = inst.techs[t].home;
            let mut others: Vec<(f64, usize, usize)> = active
                .iter()
                .enumerate()
                .filter(|&(_, &u)| u != t)
                .map(|(k, &u)| {
                    // ties (shared depots) broken by turn, so groups differ
                    let turn = (k + active.len() - i) % active.len();
                    (inst.drive(home, inst.techs[u].home), turn, u)
                })
                .collect();
            others.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            std::iter::once(t)
                .chain(others.iter().take(size.saturating_sub(1)).map(|o| o.2))
                .collect()
        })
        .collect()
}

/// One technician's share of a column-generation pricing round.
struct CgPriced {
    t: usize,
    /// Its best reduced route value, or a valid bound on it.
    sigma: f64,
    /// Whether `sigma` is the labelling's proven maximum.
    exact: bool,
    /// Whether its ng-neighbourhoods grew (cycles to forbid).
    grew: bool,
    routes: Vec<Vec<RouteStop>>,
    /// Routes of the variant that moves technician-specific jobs.
    variant_routes: Vec<Vec<RouteStop>>,
}

/// Prices technician `td` for a column-generation round: its best reduced
/// value (or a bound on it), its routes above `thr`, its variant's routes,
/// and the cycles it learns. Touches `td` only.
fn cg_price(
    inst: &Instance,
    td: &mut TechData,
    (pi, cuts): (&[f64], CutPrices),
    thr: f64,
    lim: &PriceLimits,
) -> CgPriced {
    let r = price_cut(inst, td, pi, cuts, thr, lim);
    let mut grew = td.forbid_cycles(&r.cycles);
    let mut exact = r.exact;
    let sigma = if r.exact {
        if td.must_route {
            r.best
        } else {
            r.best.max(0.0)
        }
    } else {
        proven_or_relaxed(inst, td, pi, &r)
    };
    // routes may move technician-specific jobs, which our columns keep in
    // place: bound those by the relaxation
    let mut variant_routes = Vec::new();
    let sigma = if let Some(v) = td.ts_variant.as_deref_mut() {
        let r2 = price_cut(inst, v, pi, cuts, thr, lim);
        grew |= v.forbid_cycles(&r2.cycles);
        variant_routes.clone_from(&r2.routes);
        if r2.exact {
            sigma.max(r2.best)
        } else {
            exact = false;
            sigma.max(proven_or_relaxed(inst, v, pi, &r2))
        }
    } else if td.has_tech_specific(inst) {
        sigma.max(td.relaxed_bound(inst, pi))
    } else {
        sigma
    };
    CgPriced {
        t: td.t,
        sigma,
        exact,
        grew,
        routes: r.routes,
        variant_routes,
    }
}

/// The technicians a pricing round labels: one of each set of identical
/// technicians (its pricing serves them all), each over every candidate
/// (`wide`) when the round is `exact`.
fn pricers<'a>(
    techs: &'a mut [TechData],
    wide: &'a mut [Option<TechData>],
    twins: &[Vec<usize>],
    exact: bool,
) -> Vec<&'a mut TechData> {
    techs
        .iter_mut()
        .zip(wide.iter_mut())
        .filter(|(td, _)| !twins[td.t].iter().any(|&u| u < td.t))
        .map(|(td, w)| match w {
            Some(w) if exact => w,
            _ => td,
        })
        .collect()
}

/// Orders a round's technicians for the threads to take them: those who
/// may move technician-specific jobs first (they label twice, the second
/// time forwards only, over a whole day: tenths of a second at 300 jobs
/// where others take hundredths), then by candidates, most first. On two
/// threads a slow one then runs beside the others instead of after them.
/// Results are merged in technician order, so the order changes no
/// result, only when each technician's pricing starts.
fn slowest_first(mine: &mut [&mut TechData]) {
    mine.sort_by_key(|td| {
        (
            std::cmp::Reverse(td.ts_variant.is_some()),
            std::cmp::Reverse(td.lab.len()),
            td.t,
        )
    });
}

/// How many shares of a round's time ([`time_share`]) a technician's
/// pricing may take: more for one that may move technician-specific
/// jobs (its second labelling), which otherwise is cut on days that
/// have them and leaves its knapsack in the bound (300 × 40: s20 and
/// s24 at 1.69 and 1.74% with 16 shares on two threads, 1.90–2.03 and
/// 2.06% with 4).
fn time_shares(td: &TechData) -> u32 {
    if td.ts_variant.is_some() {
        VARIANT_SHARES
    } else {
        TECH_SHARES
    }
}

/// Each of `n` technicians' share of the time to `end` on `threads`
/// threads. No technician may take more than a few times its share: one
/// whose labelling explodes is bounded by the relaxation, and the others
/// still get priced exactly.
fn time_share(end: Instant, threads: usize, n: usize) -> Duration {
    end.saturating_duration_since(Instant::now()) * u32::try_from(threads).unwrap_or(1)
        / u32::try_from(n.max(1)).unwrap_or(u32::MAX)
}

/// The quick and the exact labelling of a technician forbid the cycles
/// either has met (else each meets them anew).
fn share_cycles(techs: &mut [TechData], wide: &mut [Option<TechData>]) {
    for (td, w) in techs.iter_mut().zip(wide.iter_mut()) {
        if let Some(w) = w {
            w.absorb_ng(td);
            td.absorb_ng(w);
        }
    }
}

/// The tighter of the labelling's own bound (when it has one) and the
/// relaxation's: a bound on `td`'s best reduced value when the labelling
/// did not prove it.
fn proven_or_relaxed(inst: &Instance, td: &TechData, pi: &[f64], r: &PriceResult) -> f64 {
    let relaxed = td.relaxed_bound(inst, pi);
    let bound = r.bound.map_or(relaxed, |b| b.min(relaxed));
    if td.must_route {
        bound
    } else {
        bound.max(0.0)
    }
}

/// Prices each technician of `items` under `pi` (threshold `thr(t)`) and
/// lets it remember its cycles: its routes, in the order of `items`.
fn price_each(
    inst: &Instance,
    items: Vec<&mut TechData>,
    pi: &[f64],
    thr: impl Fn(usize) -> f64 + Sync,
    lim: &PriceLimits,
    threads: usize,
) -> Vec<(usize, Vec<Vec<RouteStop>>)> {
    par_map(items, threads, |td| {
        let r = price(inst, td, pi, thr(td.t), lim);
        td.forbid_cycles(&r.cycles);
        (td.t, r.routes)
    })
}

/// `f` over `items` on up to `threads` threads, results in the items'
/// order. Threads take the next item from a shared queue (pricing times
/// vary a lot between technicians); each result depends on its item alone,
/// so the output is the same for any thread count. A panic in `f` is
/// passed on to the caller, as on one thread.
fn par_map<T: Send, R: Send>(items: Vec<T>, threads: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let queue = Mutex::new(items.into_iter().enumerate());
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let next = queue
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .next();
                        let Some((i, item)) = next else {
                            break;
                        };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        let mut all = Vec::new();
        for w in workers {
            match w.join() {
                Ok(out) => all.extend(out),
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        all
    });
    done.sort_by_key(|d| d.0);
    done.into_iter().map(|d| d.1).collect()
}

/// Shares of a round's time one technician's pricing may take
/// ([`time_shares`]).
const TECH_SHARES: u32 = 4;
const VARIANT_SHARES: u32 = 16;
/// Technicians above which a day is big ([`Milp::is_big`]).
const BIG_TECHS: usize = 60;
/// Most subgradient steps of the knapsack Lagrangian: about 0.2 s at
/// 1000 jobs × 120 technicians, where it has converged (1000 steps:
/// 3 184 167 against 3 184 152 after 6 s).
const KNAPSACK_STEPS: usize = 1000;
/// Share of column generation's time the knapsack round may take on days
/// of over 60 technicians (the labelling at its prices: 2–2.5 s for every
/// technician of a 1000-job day, more on some; it returns as soon as all
/// are priced). There the plan comes from ruin and recreate and the
/// regions, not from column generation's LP, whose exact round at its own
/// duals bounds far worse: 0.85 rather than 0.5 lowered the bound on six
/// 1000 × 120 days by 0.06–0.43 points of gap, the plans the same.
const KNAPSACK_ROUND_SHARE: f64 = 0.85;

/// Quick pricing rounds end once one raises the LP value by less than
/// this share of it ...
const HEURISTIC_STALL: f64 = 1e-3;

/// ... after the LP value has risen by at least this share of its first.
const HEURISTIC_MOVED: f64 = 5e-3;

/// Share of the time left the routes within the gap may take to be
/// enumerated ([`proof::within_gap`]) after a pass.
const ENUMERATE_SHARE: f64 = 0.25;
/// Most routes within the gap enumerated: more are no proof (the integer
/// master over them would not be solved in time).
const MAX_ENUMERATED: usize = 20_000;
/// Labels one technician's enumeration may extend (depth first, so its
/// memory is the search's depth, not this). Measured on 100 × 15 days
/// (docs/benchmarks.md): 5 million proves s13 optimal where 500 000
/// did not; 30 million proved none of s8, s10 and s14 either.
const ENUMERATE_LABELS: usize = 5_000_000;

/// Weight of the best bound's duals in the smoothed pricing point.
const SMOOTHING: f64 = 0.5;
/// Most subset-row cuts in the master (a technician's labelling tracks
/// the parity of the 32 dearest it can pay, one bit each).
const MAX_CUTS: usize = 64;
/// Least violation of a subset-row cut worth its row and its bit.
const CUT_VIOLATION: f64 = 0.05;
/// Cuts are added while the time left holds this many exact rounds (as
/// long as the slowest so far)...
const CUT_ROUNDS: u32 = 3;
/// ...and this share of the time limit: later, the dive and the integer
/// master gain more with it (100 × 15 s12, whose LP converges with 1.7 s
/// left: cut rounds there cost its plan 0.09%; s14 at 6.8 s left gains
/// 0.44 points of gap with the same plan).
const CUT_TIME_LEFT: f64 = 0.4;

/// Column generation hands over to the integer phase once the bound is
/// within this fraction of the LP value while the plan is further below
/// the LP than that: the gap is then the plan's, and more rounds would
/// only narrow the smaller part. Measured on `bench_day` 300 × 40 at 10 s
/// (with column generation allowed 75% of the time): gap 0.83% mean, where
/// running to the end of its time left 1.36% (plans up to 1.3% lower).
const CG_CLOSE: f64 = 2.5e-3;
/// Column generation also hands over once the plan is this many times
/// further below the LP than the LP is below the bound. Measured on
/// fifteen 300-job days (docs/benchmarks.md): one day (s14, no drive cost,
/// business-hours windows) went from 943 671 to 971 709 (gap 3.89% to
/// 1.23%), four others rose 0.04–0.17%, the rest were unchanged within
/// noise; 3 did as well, 6 never handed over on s14.
const CG_HANDOVER: f64 = 4.0;

/// Up to this many technicians the dive reprices every step, and it fixes
/// routes quickly even from an LP far from converged (TOPTW's 1–4 tours).
const DIVE_FEW_TECHS: usize = 20;

/// When column generation's time is up on a day of 21 to 60 technicians
/// and its last exact round left the bound further above the LP than this
/// many times the plan below it, rounds go on to the MILP's end instead of
/// the dive (whose LP is then still far from converged: on 300 × 40 s5,
/// s12 and s20 its first step fixed 4–9 of 40 technicians and it was cut
/// with a plan 7–36% below ruin and recreate's). Measured on twenty
/// 300 × 40 days (docs/benchmarks.md): gap 2.02 → 1.82% on s5, 2.50 →
/// 2.06–2.33% on s12, 2.74 → 2.16% on s20, 1.12 → 0.71% on s10, 1.75 →
/// 1.45% on s19, the others the same within their spread. On s18, whose
/// dive makes its plan, the ratio falls from 0.93 to 0.64 about when the
/// time is up: some runs go on one round (bound and plan both 0.15%
/// lower). On TOPTW pr06 with 2 tours (bound 1130 against plans of
/// 1042–1066) the dive found 1066 where ruin and recreate had 1042: hence
/// more than `DIVE_FEW_TECHS` technicians.
const BOUND_LED: f64 = 0.75;

/// Share of what is left of a pass the integer master may take (its
/// solver then proves small masters: TOPTW's, 100 × 15)...
const IP_SHARE: f64 = 0.3;
/// ... and with microlp on days of over `DIVE_FEW_TECHS` technicians,
/// where it rarely improves on its start and the regions do better with
/// the time. Measured on twenty 300 × 40 days (docs/benchmarks.md): plans
/// +0.20% on s6, +0.10% on s8, +0.04% on s14 and s18, no plan lower; on
/// s1 a pass's 2 s had gone to microlp for nothing.
const IP_SHARE_MANY: f64 = 0.05;

/// The share of its time limit by which the MILP's last phase ends; the
/// rest is for building the schedule and the caller's plan. At 0.9 a 10 s
/// `solve` ended at 9.1 s on 300 jobs and 9.5 s on 1000; at 0.95 it ends
/// at 9.6 and 9.8 s (and a 3 s one on 1000 jobs at 3.0 s, a 1 s one at
/// 1.13 s, inside the limit + 10% + 0.2 s), and the integer phase's extra
/// time moves plans up a little (docs/benchmarks.md).
const WORK_END: f64 = 0.95;

/// The least share of the time left before the integer phase's end that
/// price-and-dive gets (days of up to 60 technicians; over that it ends
/// with column generation). A dive cut short packs the rest of its routes
/// from a half-fixed LP and finds little, and one that finishes returns
/// early, leaving its time to the integer master and the regions. On
/// 300 × 40 s14 the dive is what finds the plan (942 183 → 970 279 in
/// 0.85 s; cut at 0.4 s, 947 015); on held-out s18 it needs 1.1 s after
/// a late hand-over: 0.4 of what was left (0.7 s) gave 909 425 (gap 3.1%)
/// in most runs, 0.8 gives 929 697–930 468 (0.86–0.94%).
const DIVE_FLOOR: f64 = 0.8;

/// Adds to `cuts` those the LP solution `x` over `cols` violates
/// ([`cuts::separate`]), up to [`MAX_CUTS`] in all; whether any were.
fn add_cuts(n_jobs: usize, cols: &[Column], x: &[f64], cuts: &mut Vec<Cut>) -> bool {
    let new = cuts::separate(
        cols,
        x,
        cuts,
        n_jobs,
        CUT_VIOLATION,
        MAX_CUTS.saturating_sub(cuts.len()),
    );
    let any = !new.is_empty();
    cuts.extend(new);
    any
}

/// `a * w + b * (1 - w)`, entry by entry.
fn mix(a: &[f64], b: &[f64], w: f64) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x * w + y * (1.0 - w))
        .collect()
}

/// Job prices with the jobs in `closed` priced out (infinite), so pricing
/// builds routes only from the others.
fn closed_to(pi: &[f64], closed: &[bool]) -> Vec<f64> {
    pi.iter()
        .zip(closed)
        .map(|(&p, &c)| if c { f64::INFINITY } else { p })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_technicians_are_priced_first() {
        // bench day 300 x 40 seed 20 has technicians who may move
        // technician-specific jobs
        let inst = Instance::new(&autodispatch_testkit::bench_day(20, 300, 40));
        let milp = Milp::default();
        let (mut techs, _) = milp.tech_data(&inst);
        let mut mine: Vec<&mut TechData> = techs.iter_mut().collect();
        slowest_first(&mut mine);
        let key: Vec<(bool, usize, usize)> = mine
            .iter()
            .map(|td| (td.ts_variant.is_some(), td.lab.len(), td.t))
            .collect();
        let variants = key.iter().filter(|k| k.0).count();
        assert!(variants > 0, "the day has no technician-specific jobs");
        assert!(key[..variants].iter().all(|k| k.0));
        for part in [&key[..variants], &key[variants..]] {
            assert!(
                part.windows(2)
                    .all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].2 < w[1].2)),
                "{part:?}"
            );
        }
        let mut ts: Vec<usize> = key.iter().map(|k| k.2).collect();
        ts.sort_unstable();
        assert_eq!(ts, (0..inst.techs.len()).collect::<Vec<_>>());
        assert_eq!(time_shares(mine[0]), VARIANT_SHARES);
        assert_eq!(time_shares(mine[variants]), TECH_SHARES);
    }
}
