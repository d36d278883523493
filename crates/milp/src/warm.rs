//! Warm starts for the integer master: a plain best-insertion construction
//! of our own, and any other solver's schedule turned into columns.

use autodispatch_model::explain::fixed_route;
use autodispatch_model::route::{best_insertion, stops_of, RouteStop};
use autodispatch_model::{Instance, Schedule};

use crate::pricing::TechData;

/// Best insertion by value: jobs in order of their best profit, each put
/// where it adds the most, while that is positive. Returns routes per
/// technician, fixed stops included.
#[must_use]
pub fn insertion(inst: &Instance, techs: &[TechData]) -> Vec<Vec<RouteStop>> {
    let mut routes: Vec<Vec<RouteStop>> = (0..inst.techs.len())
        .map(|t| fixed_route(inst, t))
        .collect();
    let mut takers: Vec<Vec<usize>> = vec![Vec::new(); inst.jobs.len()];
    for td in techs {
        for &j in &td.cands {
            takers[j].push(td.t);
        }
    }
    let mut order: Vec<(usize, f64)> = takers
        .iter()
        .enumerate()
        .filter(|(_, ts)| !ts.is_empty())
        .map(|(j, ts)| {
            let best = ts
                .iter()
                .map(|&t| inst.profit(j, t))
                .fold(f64::NEG_INFINITY, f64::max);
            (j, best)
        })
        .collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (j, _) in order {
        let mut best: Option<(usize, usize, f64)> = None;
        for &t in &takers[j] {
            if let Ok(ins) = best_insertion(inst, t, &routes[t], j) {
                if ins.delta > 0.0 && best.map_or(true, |b| ins.delta > b.2 + 1e-9) {
                    best = Some((t, ins.position, ins.delta));
                }
            }
        }
        if let Some((t, pos, _)) = best {
            routes[t].insert(pos, RouteStop::movable(j));
        }
    }
    routes
}

/// Another solver's schedule as routes of our model: fixed stops fixed,
/// everything else movable. A technician-specific job our model keeps at
/// its current start is put back there.
#[must_use]
pub fn from_schedule(inst: &Instance, schedule: &Schedule) -> Vec<Vec<RouteStop>> {
    (0..inst.techs.len())
        .map(|t| {
            let visits = schedule.routes.get(t).map_or(&[][..], Vec::as_slice);
            stops_of(inst, t, visits)
        })
        .collect()
}
