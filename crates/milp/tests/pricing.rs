//! The labelling's shortcuts that keep it exact: leaving out jobs of no
//! reduced profit where stops may be skipped, and a labelling short of
//! jobs when the jobs it lacks add nothing; what one labelling of a
//! technician learns about cycles, carried to another; and labelling
//! from both ends of the day, which must prove what labelling forward does;
//! the enumeration of every route above a threshold; and routes paying
//! the subset-row cuts they count in.

mod common;

use std::time::{Duration, Instant};

use autodispatch_milp::column::Column;
use autodispatch_milp::cuts::{Cut, CutPrices};
use autodispatch_milp::pricing::{
    enumerate, price, price_cut, PriceLimits, PriceResult, Skip, TechData, MAX_LABEL_JOBS,
};
use autodispatch_model::route::RouteStop;
use autodispatch_model::Instance;
use autodispatch_testkit::bench_day;

fn limits(skip: Skip) -> PriceLimits {
    PriceLimits {
        max_labels: 2_000_000,
        bucket_cap: usize::MAX,
        skip,
        max_columns: 15,
        deadline: Instant::now() + Duration::from_secs(60),
        bidirectional: false,
    }
}

/// A bench day of haversine travel with no max drive: stops may be skipped.
fn skippable_day(seed: u64, jobs: usize, techs: usize) -> Instance {
    let mut p = bench_day(seed, jobs, techs);
    p.settings.max_drive_minutes = None;
    Instance::new(&p)
}

/// Each technician of 40 skippable bench days (24 jobs, 2 technicians) at
/// prices from the seed, with its full exact pricing (every job kept).
fn each_priced(mut f: impl FnMut(u64, &Instance, &[f64], usize, &TechData, &PriceResult)) {
    for seed in 0..40 {
        let inst = skippable_day(seed, 24, 2);
        let pi = common::prices(&inst, seed);
        for t in 0..inst.techs.len() {
            let td = TechData::new(&inst, t, MAX_LABEL_JOBS, 16);
            let all = price(&inst, &td, &pi, 0.0, &limits(Skip::Never));
            assert!(
                all.exact,
                "seed {seed} tech {t}: the full labelling finishes"
            );
            f(seed, &inst, &pi, t, &td, &all);
        }
    }
}

#[test]
fn leaving_out_jobs_that_add_nothing_keeps_the_best_route() {
    let mut skipped = 0;
    each_priced(|seed, inst, pi, t, td, all| {
        let some = price(inst, td, pi, 0.0, &limits(Skip::WhenExact));
        // where stops may not be skipped, nothing is left out
        assert!(
            some.exact,
            "seed {seed} tech {t}: leaving out lost the proof"
        );
        assert!(
            (all.best - some.best).abs() <= 1e-6 * all.best.abs().max(1.0),
            "seed {seed} tech {t}: best {} with every job, {} without those adding nothing",
            all.best,
            some.best
        );
        if inst.stops_skippable(t) {
            skipped += usize::from(td.lab.iter().any(|&j| inst.profit(j, t) - pi[j] <= 0.0));
        }
    });
    assert!(
        skipped >= 20,
        "only {skipped} technicians had a job to leave out"
    );
}

#[test]
fn a_labelling_short_of_jobs_is_exact_only_when_the_rest_add_nothing() {
    let mut checked = 0;
    for seed in 0..40 {
        let inst = skippable_day(seed, 12, 2);
        for t in 0..inst.techs.len() {
            if !inst.stops_skippable(t) {
                continue;
            }
            let short = TechData::new(&inst, t, 3, 16);
            if short.lab.len() == short.cands.len() {
                continue;
            }
            let full = TechData::new(&inst, t, MAX_LABEL_JOBS, 16);
            // jobs outside the short labelling priced out: it proves the best
            let mut pi = common::prices(&inst, seed);
            for &j in &short.cands {
                if short.lab.binary_search(&j).is_err() {
                    pi[j] = inst.profit(j, t) + 1.0;
                }
            }
            let lim = limits(Skip::WhenExact);
            let a = price(&inst, &short, &pi, 0.0, &lim);
            let b = price(&inst, &full, &pi, 0.0, &lim);
            assert!(a.exact && b.exact, "seed {seed} tech {t}");
            assert!(
                (a.best - b.best).abs() <= 1e-6 * b.best.abs().max(1.0),
                "seed {seed} tech {t}: {} short, {} full",
                a.best,
                b.best
            );
            // one of them worth taking again: no proof
            let out = short
                .cands
                .iter()
                .find(|&&j| short.lab.binary_search(&j).is_err())
                .copied()
                .expect("a job left out");
            pi[out] = 0.0;
            assert!(
                !price(&inst, &short, &pi, 0.0, &lim).exact,
                "seed {seed} tech {t}: a job left out adds value, yet exact"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} technicians checked");
}

#[test]
fn a_labelling_cut_short_still_bounds_the_best_route() {
    let mut below = 0;
    each_priced(|seed, inst, pi, t, td, full| {
        for (cap, labels, bidirectional) in [
            (1, 2_000_000, false),
            (2, 2_000_000, false),
            (usize::MAX, 8, false),
            (usize::MAX, 8, true),
            (usize::MAX, 40, true),
        ] {
            let lim = PriceLimits {
                bucket_cap: cap,
                max_labels: labels,
                bidirectional,
                ..limits(Skip::WhenExact)
            };
            let cut = price(inst, td, pi, 0.0, &lim);
            let b = cut.bound.expect("no job that adds value is left out");
            assert!(
                b >= full.best - 1e-6 * full.best.abs().max(1.0),
                "seed {seed} tech {t} cap {cap} labels {labels}: bound {b} below the best {}",
                full.best
            );
            below += usize::from(cut.best < full.best - 1e-6);
        }
        // jobs of no reduced profit left out where stops may not be
        // skipped: routes through them are lost, so no bound is claimed
        if !inst.stops_skippable(t) {
            let lim = PriceLimits {
                bucket_cap: 2,
                ..limits(Skip::Always)
            };
            assert!(price(inst, td, pi, 0.0, &lim).bound.is_none());
        }
    });
    assert!(
        below >= 10,
        "only {below} cut labellings missed the best route"
    );
}

/// What a labelling over some of a technician's jobs learns about cycles
/// carries over to one over all of them, job by job: it then labels as if
/// it had learned the same cycles itself.
#[test]
fn a_cycle_learned_by_one_labelling_is_forbidden_in_the_other() {
    let mut carried = 0;
    for seed in 0..40 {
        let inst = skippable_day(seed, 24, 2);
        let pi: Vec<f64> = common::prices(&inst, seed)
            .iter()
            .map(|p| p * 0.3)
            .collect();
        for t in 0..inst.techs.len() {
            let mut narrow = TechData::new(&inst, t, 12, 1);
            let wide = TechData::new(&inst, t, MAX_LABEL_JOBS, 1);
            if narrow.lab.len() == wide.lab.len() {
                continue;
            }
            let lim = limits(Skip::Never);
            let cycles = price(&inst, &narrow, &pi, 0.0, &lim).cycles;
            if cycles.is_empty() {
                continue;
            }
            narrow.forbid_cycles(&cycles);
            // the same cycles in the wide labelling's own indices
            let local = |c: usize| {
                wide.lab
                    .binary_search(&narrow.lab[c])
                    .expect("a narrow job is a wide one")
            };
            let mapped: Vec<Vec<usize>> = cycles
                .iter()
                .map(|cy| cy.iter().map(|&c| local(c)).collect())
                .collect();
            let mut learned = wide.clone();
            learned.forbid_cycles(&mapped);
            let mut absorbed = wide.clone();
            absorbed.absorb_ng(&narrow);
            let a = price(&inst, &learned, &pi, 0.0, &lim);
            let b = price(&inst, &absorbed, &pi, 0.0, &lim);
            assert_eq!(a.best.to_bits(), b.best.to_bits(), "seed {seed} tech {t}");
            assert_eq!(a.routes, b.routes, "seed {seed} tech {t}");
            assert_eq!(a.cycles, b.cycles, "seed {seed} tech {t}");
            // and the wide labelling alone would have met them
            let fresh = price(&inst, &wide, &pi, 0.0, &lim);
            carried += usize::from(fresh.cycles != a.cycles);
        }
    }
    assert!(carried >= 5, "only {carried} technicians learned anything");
}

/// Labelling from both ends of the day and joining the halves proves the
/// same best elementary route as labelling forward, on days with every
/// kind of rule (blocked time, split shifts, max drive, no return home,
/// mid-day starts, matrix travel), at prices from low to high; with small
/// ng-neighbourhoods (a relaxation, whose routes may repeat a job, and
/// joins relax differently) its best still bounds the elementary best.
/// Every route it finds keeps every rule.
#[test]
fn labelling_from_both_ends_proves_the_same_best_route() {
    let (mut compared, mut long) = (0, 0);
    for seed in 0..60 {
        let mut p = if seed % 2 == 0 {
            autodispatch_testkit::random_day(seed, 30, 3)
        } else {
            bench_day(seed, 30, 3)
        };
        if seed % 5 == 0 {
            p.settings.return_home = false;
        }
        let inst = Instance::new(&p);
        for (k, scale) in [0.2, 0.6, 1.0].into_iter().enumerate() {
            let pi: Vec<f64> = common::prices(&inst, seed * 3 + k as u64)
                .iter()
                .map(|x| x * scale)
                .collect();
            for t in 0..inst.techs.len() {
                let elementary = TechData::new(&inst, t, MAX_LABEL_JOBS, MAX_LABEL_JOBS);
                if !elementary.fixed.is_empty() {
                    continue;
                }
                let relaxed = TechData::new(&inst, t, MAX_LABEL_JOBS, 1 + seed as usize % 3 * 2);
                for skip in [Skip::Never, Skip::WhenExact] {
                    let both = PriceLimits {
                        bidirectional: true,
                        ..limits(skip)
                    };
                    let fwd = price(&inst, &elementary, &pi, 0.0, &limits(skip));
                    let bi = price(&inst, &elementary, &pi, 0.0, &both);
                    let ng = price(&inst, &relaxed, &pi, 0.0, &both);
                    assert!(fwd.exact && bi.exact && ng.exact, "seed {seed} tech {t}");
                    let tol = 1e-6 * fwd.best.abs().max(1.0);
                    assert!(
                        (fwd.best - bi.best).abs() <= tol,
                        "seed {seed} tech {t} scale {scale} {skip:?}: best {} forward, {} both ways",
                        fwd.best,
                        bi.best
                    );
                    assert!(
                        ng.best >= fwd.best - tol,
                        "seed {seed} tech {t} scale {scale} {skip:?}: ng bound {} below the best {}",
                        ng.best,
                        fwd.best
                    );
                    for stops in bi.routes.iter().chain(&ng.routes) {
                        let c = autodispatch_milp::column::Column::new(&inst, t, stops.clone());
                        assert!(
                            c.is_some(),
                            "seed {seed} tech {t}: a joined route breaks a rule: {stops:?}"
                        );
                    }
                    compared += 1;
                    // four jobs or more: on these days mostly a join
                    long += usize::from(bi.routes.first().is_some_and(|r| r.len() >= 4));
                }
            }
        }
    }
    assert!(compared >= 300, "only {compared} labellings compared");
    assert!(long >= 50, "only {long} best routes of 4 jobs or more");
}

/// Every route of technician `td` over its candidates, in every order,
/// that the model's own timing accepts, with its reduced value under `pi`.
fn every_route(inst: &Instance, td: &TechData, pi: &[f64]) -> Vec<(Vec<usize>, f64)> {
    fn go(
        inst: &Instance,
        td: &TechData,
        pi: &[f64],
        seq: &mut Vec<usize>,
        out: &mut Vec<(Vec<usize>, f64)>,
    ) {
        for &j in &td.cands {
            if seq.contains(&j) {
                continue;
            }
            seq.push(j);
            let stops = seq.iter().map(|&j| RouteStop::movable(j)).collect();
            if let Some(c) = Column::new(inst, td.t, stops) {
                out.push((
                    seq.clone(),
                    c.value - seq.iter().map(|&j| pi[j]).sum::<f64>(),
                ));
            }
            go(inst, td, pi, seq, out);
            seq.pop();
        }
    }
    let mut out = Vec::new();
    go(inst, td, pi, &mut Vec::new(), &mut out);
    out
}

/// The enumeration behind the optimality proof must miss no route above
/// its threshold, dominated or not, and return nothing else: checked
/// against every order of every subset of a technician's jobs.
#[test]
fn enumeration_returns_exactly_the_routes_above_the_threshold() {
    let mut checked = 0;
    let mut dominated = 0;
    for seed in 0..30 {
        let inst = skippable_day(seed, 7, 2);
        let pi = common::prices(&inst, seed);
        for t in 0..inst.techs.len() {
            let td = TechData::new(&inst, t, MAX_LABEL_JOBS, 1);
            if !td.fixed.is_empty() || td.ts_variant.is_some() || td.cands.len() < 3 {
                continue;
            }
            let mut all = every_route(&inst, &td, &pi);
            if all.len() < 4 {
                continue;
            }
            all.sort_by(|a, b| b.1.total_cmp(&a.1));
            // a threshold between the fourth and the last route
            let thr = (all[3].1 + all[all.len() - 1].1) / 2.0;
            let far = Instant::now() + Duration::from_secs(60);
            let none = (pi.as_slice(), CutPrices::NONE);
            let got = enumerate(&inst, &td, none, thr, 2_000_000, 100_000, far);
            assert!(got.exact, "seed {seed} tech {t}: enumeration cut short");
            // cut by its label or route limit, a list is never called complete
            assert!(!enumerate(&inst, &td, none, thr, 2, 100_000, far).exact);
            assert!(!enumerate(&inst, &td, none, thr, 2_000_000, 2, far).exact);
            // the empty route counts, at 0
            let best = all[0].1.max(0.0);
            assert!(
                (got.best - best).abs() <= 1e-6 * best.abs().max(1.0),
                "seed {seed} tech {t}: best {} against {best}",
                got.best,
            );
            let mut got: Vec<Vec<usize>> = got
                .routes
                .iter()
                .map(|r| r.iter().map(|s| s.job).collect())
                .collect();
            got.sort();
            let near = 1e-6 * thr.abs().max(1.0);
            for (seq, rp) in &all {
                let found = got.binary_search(seq).is_ok();
                assert!(
                    found || *rp <= thr + near,
                    "seed {seed} tech {t}: route {seq:?} ({rp}) above {thr} missed"
                );
                assert!(
                    !found || *rp > thr - near,
                    "seed {seed} tech {t}: route {seq:?} ({rp}) below {thr} returned"
                );
            }
            assert!(
                got.iter().all(|g| all.iter().any(|(s, _)| s == g)),
                "seed {seed} tech {t}: a route the model rejects"
            );
            // the same jobs in two orders both above: dominance would keep one
            dominated += usize::from(got.iter().enumerate().any(|(i, a)| {
                got[i + 1..].iter().any(|b| {
                    let (mut x, mut y) = (a.clone(), b.clone());
                    x.sort_unstable();
                    y.sort_unstable();
                    x == y
                })
            }));
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} technicians checked");
    assert!(
        dominated >= 3,
        "only {dominated} technicians had two orders of one set above the threshold"
    );
}

/// A route pays each subset-row cut it visits two or more jobs of. The
/// labelling tracks that as one bit of parity a cut, and a label halfway
/// through a cut may not dominate one that is not unless it is better by
/// the cut's price: the best route it proves, forwards and from both
/// ends, and the routes an enumeration lists, must be those of every
/// order of every subset of jobs net of what they pay.
#[test]
fn routes_pay_the_cuts_they_count_in() {
    let (mut checked, mut paid) = (0, 0);
    for seed in 0..60 {
        let inst = skippable_day(seed, 7, 2);
        let pi: Vec<f64> = common::prices(&inst, seed)
            .iter()
            .map(|x| x * 0.3)
            .collect();
        for t in 0..inst.techs.len() {
            let td = TechData::new(&inst, t, MAX_LABEL_JOBS, MAX_LABEL_JOBS);
            if !td.fixed.is_empty() || td.ts_variant.is_some() || td.cands.len() < 4 {
                continue;
            }
            // cuts over the technician's jobs, at prices near a job's worth
            let c = &td.cands;
            let n = c.len();
            let cuts: Vec<Cut> = (0..4)
                .map(|k| {
                    let i = (seed as usize + 3 * k) % n;
                    let mut cut = [c[i], c[(i + 1 + k) % n], c[(i + 2 + 2 * k) % n]];
                    cut.sort_unstable();
                    cut
                })
                .filter(|cut| cut[0] != cut[1] && cut[1] != cut[2])
                .collect();
            let sigma: Vec<f64> = (0..cuts.len())
                .map(|k| 40.0 + 30.0 * ((seed as usize + k) % 4) as f64)
                .collect();
            let prices = CutPrices {
                cuts: &cuts,
                sigma: &sigma,
            };
            let mut all: Vec<(Vec<usize>, f64)> = every_route(&inst, &td, &pi)
                .into_iter()
                .map(|(seq, rp)| {
                    let pay = prices.penalty(&seq);
                    paid += usize::from(pay > 0.0);
                    (seq, rp - pay)
                })
                .collect();
            if all.len() < 4 {
                continue;
            }
            all.sort_by(|a, b| b.1.total_cmp(&a.1));
            let best = all[0].1.max(0.0);
            let tol = 1e-6 * best.abs().max(1.0);
            for bidirectional in [false, true] {
                let lim = PriceLimits {
                    bidirectional,
                    ..limits(Skip::Never)
                };
                let got = price_cut(&inst, &td, &pi, prices, 0.0, &lim);
                assert!(got.exact, "seed {seed} tech {t}");
                assert!(
                    (got.best - best).abs() <= tol,
                    "seed {seed} tech {t} (both ends: {bidirectional}): best {} against {best}",
                    got.best
                );
            }
            let thr = (all[3].1 + all[all.len() - 1].1) / 2.0;
            let far = Instant::now() + Duration::from_secs(60);
            let got = enumerate(&inst, &td, (&pi, prices), thr, 2_000_000, 100_000, far);
            assert!(got.exact);
            let listed: Vec<Vec<usize>> = got
                .routes
                .iter()
                .map(|r| r.iter().map(|s| s.job).collect())
                .collect();
            let near = 1e-6 * thr.abs().max(1.0);
            for (seq, rp) in &all {
                let found = listed.contains(seq);
                assert!(
                    found == (*rp > thr) || (rp - thr).abs() <= near,
                    "seed {seed} tech {t}: route {seq:?} ({rp}) against {thr}: listed {found}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} technicians checked");
    assert!(paid >= 1000, "only {paid} routes paid a cut");
}
