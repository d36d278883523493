//! Test oracles for tiny days, independent of the column generation: brute
//! force over every route of every technician (timed by
//! [`autodispatch_model::route::schedule`]) combined by dynamic
//! programming over job subsets, and a compact arc-based MILP
//! ([`arc_milp`]). Locked stops stay where they are; brute force lets
//! each technician-specific job stay or move inside its window (as the
//! route model does), the compact MILP keeps them where they are (compare
//! it with [`brute_force_ts_fixed`]). A last stop may wait for a later
//! shift to be home in time (as [`Column::new`] times it).

use autodispatch_model::build::objective;
use autodispatch_model::explain::fixed_route;
use autodispatch_model::route::{schedule, RouteStop};
use autodispatch_model::rules::Rule;
use autodispatch_model::{Instance, JobClass, Schedule};

use crate::column::Column;

/// Most managed jobs brute force accepts.
pub const BRUTE_MAX_JOBS: usize = 8;

/// The optimum by brute force: its objective and a schedule reaching it.
/// `None` when the day has more than [`BRUTE_MAX_JOBS`] managed jobs.
#[must_use]
pub fn brute_force(inst: &Instance) -> Option<(f64, Schedule)> {
    brute(inst, true)
}

/// [`brute_force`] over plans that keep technician-specific jobs at their
/// current start (the compact MILP's model).
#[must_use]
pub fn brute_force_ts_fixed(inst: &Instance) -> Option<(f64, Schedule)> {
    brute(inst, false)
}

fn brute(inst: &Instance, move_ts: bool) -> Option<(f64, Schedule)> {
    let managed: Vec<usize> = (0..inst.jobs.len())
        .filter(|&j| inst.jobs[j].class == JobClass::Managed)
        .collect();
    if managed.len() > BRUTE_MAX_JOBS {
        return None;
    }
    let full = 1usize << managed.len();
    // best route per technician per exact set of movable jobs
    let mut per_tech: Vec<Vec<Option<Column>>> = Vec::with_capacity(inst.techs.len());
    for t in 0..inst.techs.len() {
        let fixed = fixed_route(inst, t);
        let mut best: Vec<Option<Column>> = vec![None; full];
        if fixed.is_empty() {
            best[0] = Some(Column {
                tech: t,
                stops: Vec::new(),
                starts: Vec::new(),
                jobs: Vec::new(),
                value: 0.0,
            });
        }
        let elig: Vec<usize> = (0..managed.len())
            .filter(|&b| inst.techs[t].managed && inst.fit(managed[b], t).is_yes())
            .collect();
        let mut route = Vec::new();
        let ctx = Dfs {
            inst,
            t,
            managed: &managed,
            elig: &elig,
        };
        ctx.run(&fixed, &[], &mut route, 0, 0, 0, &mut best);
        let ts: Vec<usize> = fixed
            .iter()
            .filter(|s| inst.jobs[s.job].class == JobClass::TechSpecific)
            .map(|s| s.job)
            .collect();
        if move_ts {
            // or any of the technician-specific jobs move inside their windows
            for moved in 1..1usize << ts.len() {
                let is_moved = |j: usize| {
                    ts.iter()
                        .position(|&x| x == j)
                        .is_some_and(|b| moved >> b & 1 == 1)
                };
                let kept: Vec<RouteStop> =
                    fixed.iter().copied().filter(|s| !is_moved(s.job)).collect();
                let mand: Vec<usize> = ts.iter().copied().filter(|&j| is_moved(j)).collect();
                ctx.run(&kept, &mand, &mut route, 0, 0, 0, &mut best);
            }
        }
        per_tech.push(best);
    }
    let mut f: Vec<Option<(f64, Vec<usize>)>> = vec![None; full];
    f[0] = Some((0.0, Vec::new()));
    for best in &per_tech {
        let mut g: Vec<Option<(f64, Vec<usize>)>> = vec![None; full];
        for mask in 0..full {
            let Some((v, picks)) = &f[mask] else { continue };
            for (m2, col) in best.iter().enumerate() {
                let Some(col) = col else { continue };
                if mask & m2 != 0 {
                    continue;
                }
                let nv = v + col.value;
                if g[mask | m2].as_ref().map_or(true, |x| nv > x.0 + 1e-9) {
                    let mut p = picks.clone();
                    p.push(m2);
                    g[mask | m2] = Some((nv, p));
                }
            }
        }
        f = g;
    }
    let (_, picks) = f.into_iter().flatten().max_by(|a, b| a.0.total_cmp(&b.0))?;
    let routes = picks
        .iter()
        .zip(&per_tech)
        .map(|(&m2, best)| best[m2].as_ref().map(Column::visits).unwrap_or_default())
        .collect();
    let sched = Schedule { routes };
    Some((objective(inst, &sched), sched))
}

struct Dfs<'a> {
    inst: &'a Instance,
    t: usize,
    managed: &'a [usize],
    elig: &'a [usize],
}

impl Dfs<'_> {
    /// Every route over `fixed` (in order) and movable jobs, with every job
    /// of `mand` visited; keeps the best per set of managed jobs.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        fixed: &[RouteStop],
        mand: &[usize],
        route: &mut Vec<RouteStop>,
        next_fixed: usize,
        mask: usize,
        seen: usize,
        best: &mut [Option<Column>],
    ) {
        let (inst, t) = (self.inst, self.t);
        if !route.is_empty() {
            let timed = schedule(inst, t, route);
            match &timed {
                Ok(_) => {}
                // only a failed drive home at the last stop may be cured by
                // more stops, or by a later start in a later shift
                Err(f) if f.at + 1 == route.len() && f.rule == Rule::ReturnHome => {}
                Err(_) => return,
            }
            if next_fixed == fixed.len() && seen + 1 == 1 << mand.len() {
                if let Some(c) = Column::new(inst, t, route.clone()) {
                    if best[mask]
                        .as_ref()
                        .map_or(true, |b| c.value > b.value + 1e-9)
                    {
                        best[mask] = Some(c);
                    }
                }
            }
        }
        if let Some(&f) = fixed.get(next_fixed) {
            route.push(f);
            self.run(fixed, mand, route, next_fixed + 1, mask, seen, best);
            route.pop();
        }
        for (b, &j) in mand.iter().enumerate() {
            if seen >> b & 1 == 1 {
                continue;
            }
            route.push(RouteStop::movable(j));
            self.run(fixed, mand, route, next_fixed, mask, seen | 1 << b, best);
            route.pop();
        }
        for &b in self.elig {
            if mask >> b & 1 == 1 {
                continue;
            }
            route.push(RouteStop::movable(self.managed[b]));
            self.run(fixed, mand, route, next_fixed, mask | 1 << b, seen, best);
            route.pop();
        }
    }
}

/// The optimum by a compact arc-based MILP (microlp): per technician, arc
/// variables between its start, its eligible jobs, its fixed stops and its
/// end, start times with big-M sequencing, shift and blocked-time choices
/// as binaries. `Ok(None)` when microlp does not prove optimality within
/// `time_limit` seconds or the day has more than [`BRUTE_MAX_JOBS`]
/// managed jobs. Fixed stops stay where they are, as in the route model.
///
/// # Errors
/// microlp failed.
#[allow(clippy::too_many_lines)]
pub fn arc_milp(inst: &Instance, time_limit: f64) -> Result<Option<f64>, String> {
    use good_lp::solvers::{SolutionStatus, WithTimeLimit};
    use good_lp::{
        microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
    };

    let managed: Vec<usize> = (0..inst.jobs.len())
        .filter(|&j| inst.jobs[j].class == JobClass::Managed)
        .collect();
    if managed.len() > BRUTE_MAX_JOBS {
        return Ok(None);
    }
    // minutes from an origin a day before business hours, so big-M stays small
    let origin = inst.business_hours.0 - 1440.0;
    let big = 4.0 * 1440.0;
    let rel = |x: f64| x - origin;
    let dc = inst.drive_cost;
    let mut vars = ProblemVariables::new();
    let mut obj = Expression::from(0.0);
    let mut cons: Vec<good_lp::Constraint> = Vec::new();
    let mut cover: Vec<Expression> = vec![Expression::from(0.0); inst.jobs.len()];
    for (t, tech) in inst.techs.iter().enumerate() {
        let fixed = fixed_route(inst, t);
        let movable: Vec<usize> = managed
            .iter()
            .copied()
            .filter(|&j| tech.managed && inst.fit(j, t).is_yes())
            .collect();
        // nodes: 0 start, 1..=n movable, then fixed, then the end
        let n = movable.len();
        let m = fixed.len();
        let end = 1 + n + m;
        let job_of = |v: usize| -> Option<usize> {
            if (1..=n).contains(&v) {
                Some(movable[v - 1])
            } else if v > n && v < end {
                Some(fixed[v - 1 - n].job)
            } else {
                None
            }
        };
        let loc_of = |v: usize| job_of(v).map_or(tech.start_loc, |j| inst.jobs[j].loc);
        let fixed_start = |v: usize| fixed[v - 1 - n].fixed.unwrap_or(0.0);
        // busy until the latest end of any fixed stop so far: fixed stops
        // may overlap (a double booking), and `route::schedule` starts the
        // next stop no earlier than that
        let fixed_busy: Vec<f64> = fixed
            .iter()
            .scan(f64::NEG_INFINITY, |busy, f| {
                *busy = busy.max(f.fixed.unwrap_or(0.0) + inst.jobs[f.job].duration);
                Some(*busy)
            })
            .collect();
        let mut arcs: Vec<(usize, usize, Variable)> = Vec::new();
        for a in 0..end {
            for b in 1..=end {
                if a == b {
                    continue;
                }
                let a_fixed = a > n && a < end;
                let b_fixed = b > n && b < end;
                if a_fixed && b_fixed && b < a {
                    continue;
                }
                if a == 0 && b == end && m > 0 {
                    continue;
                }
                let leg = if b == end {
                    if inst.return_home && a != 0 {
                        inst.drive(loc_of(a), tech.home)
                    } else {
                        0.0
                    }
                } else {
                    inst.drive(loc_of(a), loc_of(b))
                };
                if (1..=n).contains(&b) && inst.max_drive.is_some_and(|mx| leg > mx) {
                    continue;
                }
                let x = vars.add(variable().binary());
                obj.add_mul(-dc * leg, x);
                arcs.push((a, b, x));
            }
        }
        let inflow = |v: usize| -> Expression {
            let mut e = Expression::from(0.0);
            for &(_, b, x) in arcs.iter().filter(|a| a.1 == v) {
                let _ = b;
                e.add_mul(1.0, x);
            }
            e
        };
        let outflow = |v: usize| -> Expression {
            let mut e = Expression::from(0.0);
            for &(_, _, x) in arcs.iter().filter(|a| a.0 == v) {
                e.add_mul(1.0, x);
            }
            e
        };
        cons.push(outflow(0).eq(1.0));
        cons.push(inflow(end).eq(1.0));
        let mut visit: Vec<Option<Variable>> = vec![None; end + 1];
        let mut start: Vec<Option<Variable>> = vec![None; end + 1];
        let mut shift_pick: Vec<Vec<(usize, Variable)>> = vec![Vec::new(); end + 1];
        for (k, &j) in movable.iter().enumerate() {
            let v = k + 1;
            let job = &inst.jobs[j];
            let y = vars.add(variable().binary());
            obj.add_mul(inst.profit(j, t), y);
            cover[j].add_mul(1.0, y);
            cons.push(inflow(v).eq(y));
            cons.push(outflow(v).eq(y));
            let lo = rel(job.window.0.max(inst.now));
            let hi = rel(job.window.1).max(lo);
            if rel(job.window.1) < lo {
                // the start window ended before now
                cons.push(Expression::from(y).leq(0.0));
            }
            let s = vars.add(variable().min(lo).max(hi));
            visit[v] = Some(y);
            start[v] = Some(s);
            // one regular shift holds the visit
            let mut pick = Expression::from(0.0);
            for (q, &(ss, se)) in tech.regular.iter().enumerate() {
                let z = vars.add(variable().binary());
                pick.add_mul(1.0, z);
                cons.push(
                    (Expression::from(s) - rel(ss) + big * (1.0 - Expression::from(z))).geq(0.0),
                );
                cons.push(
                    (Expression::from(s) + job.duration
                        - rel(se)
                        - big * (1.0 - Expression::from(z)))
                    .leq(0.0),
                );
                shift_pick[v].push((q, z));
            }
            cons.push(pick.eq(y));
            // blocked time: entirely before or entirely after each block
            for b in &tech.blocked {
                if b.end <= job.window.0.max(inst.now) || b.start >= job.window.1 + job.duration {
                    continue;
                }
                let w = vars.add(variable().binary());
                cons.push(
                    (Expression::from(s) + job.duration
                        - rel(b.start)
                        - big * (1.0 - Expression::from(w)))
                    .leq(0.0),
                );
                cons.push(
                    (Expression::from(s) - rel(b.end)
                        + big * Expression::from(w)
                        + big * (1.0 - Expression::from(y)))
                    .geq(0.0),
                );
            }
        }
        for f in fixed.iter().filter(|f| inst.is_optimizer_job(f.job)) {
            obj += inst.profit(f.job, t);
        }
        for v in n + 1..end {
            cons.push(inflow(v).eq(1.0));
            cons.push(outflow(v).eq(1.0));
        }
        // sequencing along arcs
        let depart = tech.free_from.map_or(inst.now, |f| f.max(inst.now));
        for &(a, b, x) in &arcs {
            let nx = 1.0 - Expression::from(x);
            let b_mov = (1..=n).contains(&b);
            let a_mov = (1..=n).contains(&a);
            let a_fixed = a > n && a < end;
            let b_fixed = b > n && b < end;
            if b == end {
                if inst.return_home && a_mov {
                    let ja = job_of(a).expect("a job");
                    let leg = inst.drive(inst.jobs[ja].loc, tech.home);
                    for &(q, z) in &shift_pick[a] {
                        let se = tech.regular[q].1;
                        let sa = start[a].expect("a start");
                        cons.push(
                            (Expression::from(sa) + inst.jobs[ja].duration + leg
                                - rel(se)
                                - big * (2.0 - Expression::from(x) - Expression::from(z)))
                            .leq(0.0),
                        );
                    }
                }
                continue;
            }
            let leg = inst.drive(loc_of(a), loc_of(b));
            if b_mov {
                let sb = start[b].expect("b start");
                if a == 0 {
                    cons.push(
                        (Expression::from(sb) - rel(depart) - leg + big * nx.clone()).geq(0.0),
                    );
                    for &(q, z) in &shift_pick[b] {
                        let ss = tech.regular[q].0;
                        cons.push(
                            (Expression::from(sb) - rel(ss) - leg
                                + big * (2.0 - Expression::from(x) - Expression::from(z)))
                            .geq(0.0),
                        );
                    }
                } else if a_mov {
                    let sa = start[a].expect("a start");
                    let da = inst.jobs[job_of(a).expect("a job")].duration;
                    cons.push(
                        (Expression::from(sb) - Expression::from(sa) - da - leg + big * nx)
                            .geq(0.0),
                    );
                } else if a_fixed {
                    let fa_end = fixed_start(a) + inst.jobs[job_of(a).expect("a job")].duration;
                    cons.push(
                        (Expression::from(sb) - rel(fa_end) - leg + big * nx.clone()).geq(0.0),
                    );
                    let busy = fixed_busy[a - 1 - n];
                    cons.push((Expression::from(sb) - rel(busy) + big * nx).geq(0.0));
                }
            } else if b_fixed && a_mov {
                let sa = start[a].expect("a start");
                let da = inst.jobs[job_of(a).expect("a job")].duration;
                cons.push(
                    (Expression::from(sa) + da + leg - rel(fixed_start(b)) - big * nx).leq(0.0),
                );
            }
        }
        let _ = visit;
    }
    for e in cover.into_iter() {
        cons.push(e.leq(1.0));
    }
    let mut model = vars
        .maximise(obj.clone())
        .using(microlp)
        .with_time_limit(time_limit);
    for c in cons {
        model.add_constraint(c);
    }
    match model.solve() {
        Ok(sol) => {
            if matches!(sol.status(), SolutionStatus::Optimal) {
                Ok(Some(sol.eval(&obj)))
            } else {
                Ok(None)
            }
        }
        Err(good_lp::ResolutionError::Other(msg)) if msg.contains("Time limit") => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}
