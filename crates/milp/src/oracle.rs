//! Test oracles for tiny days, independent of the column generation: brute
//! force over every route of every technician (timed by
//! [`autodispatch_model::route::schedule`]) combined by dynamic
//! programming over job subsets, and a compact arc-based MILP
//! ([`crate::oracle::arc`]). Both keep fixed stops (locked and
//! technician-specific jobs) where they are, as the route-based model does.

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
        dfs(
            inst, t, &fixed, &managed, &elig, &mut route, 0, 0, &mut best,
        );
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

#[allow(clippy::too_many_arguments)]
fn dfs(
    inst: &Instance,
    t: usize,
    fixed: &[RouteStop],
    managed: &[usize],
    elig: &[usize],
    route: &mut Vec<RouteStop>,
    next_fixed: usize,
    mask: usize,
    best: &mut [Option<Column>],
) {
    if !route.is_empty() {
        match schedule(inst, t, route) {
            Ok(_) => {
                if next_fixed == fixed.len() {
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
            // only a failed drive home at the last stop may be cured by more stops
            Err(f) if f.at + 1 == route.len() && f.rule == Rule::ReturnHome => {}
            Err(_) => return,
        }
    }
    if let Some(&f) = fixed.get(next_fixed) {
        route.push(f);
        dfs(
            inst,
            t,
            fixed,
            managed,
            elig,
            route,
            next_fixed + 1,
            mask,
            best,
        );
        route.pop();
    }
    for &b in elig {
        if mask >> b & 1 == 1 {
            continue;
        }
        route.push(RouteStop::movable(managed[b]));
        dfs(
            inst,
            t,
            fixed,
            managed,
            elig,
            route,
            next_fixed,
            mask | 1 << b,
            best,
        );
        route.pop();
    }
}
