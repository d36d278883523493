//! Dynamic replay: no job lost, every cycle's plan checker-clean, faults
//! survived, the same day for every solver.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::PathBuf;

use autodispatch_greedy::Greedy;
use autodispatch_model::check::check_plan;
use autodispatch_model::solver::Solution;
use autodispatch_model::{Instance, SolveError, SolveOptions, Solver};
use autodispatch_sim::{generate_sim_day, replay, ReplayOptions, Scenario};

fn scenario(name: &str) -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(format!("{name}.toml"));
    Scenario::load(&path).unwrap()
}

#[test]
fn small_days_lose_no_job_and_every_cycle_is_checker_clean() {
    let sc = scenario("small");
    for day in 0..4 {
        let d = generate_sim_day(&sc, 2026, day);
        let mut cycles = 0;
        let mut bad = Vec::new();
        let out = replay(
            &sc,
            &d,
            &Greedy,
            &ReplayOptions::default(),
            &mut |p, plan| {
                cycles += 1;
                let rep = check_plan(p, plan);
                if !rep.violations.is_empty() {
                    bad.push(format!("{}: {:?}", p.name, rep.violations));
                }
            },
        );
        assert!(bad.is_empty(), "day {day}: {bad:#?}");
        let m = &out.metrics;
        assert_eq!(cycles, m.cycles, "every cycle solved");
        assert!(
            m.cycles >= 60,
            "a 10-hour day in 10-minute cycles: {}",
            m.cycles
        );
        assert_eq!(m.faults, 0);
        // nothing lost: every job of the day is done, canceled or left, once
        assert_eq!(m.jobs, d.problem.jobs.len() + d.bookings.len());
        assert_eq!(m.jobs, m.completed + m.canceled + m.unassigned_end);
        assert_eq!(out.left.len(), m.unassigned_end);
        let done: Vec<&str> = out.visits.iter().map(|v| v.job.as_str()).collect();
        let unique: BTreeSet<&str> = done.iter().copied().collect();
        assert_eq!(done.len(), unique.len(), "a job visited twice");
        assert!(
            m.completed * 10 >= m.jobs * 6,
            "day {day}: only {} of {} done",
            m.completed,
            m.jobs
        );
        assert!(m.revenue_expected > 0.0 && m.drive_minutes > 0.0);
        // a technician does one thing at a time
        for t in 0..d.problem.technicians.len() {
            let mut vs: Vec<_> = out.visits.iter().filter(|v| v.technician == t).collect();
            vs.sort_by(|a, b| a.depart.total_cmp(&b.depart));
            for w in vs.windows(2) {
                assert!(w[0].end <= w[1].depart + 1e-9, "T{} overlaps", t + 1);
            }
        }
        // technician-specific jobs are done by their technician
        for j in &d.problem.jobs {
            if let (true, Some(a)) = (j.technician_specific, &j.assignment) {
                let t = d
                    .problem
                    .technicians
                    .iter()
                    .position(|x| x.id == a.technician)
                    .unwrap();
                let called_out = d.callouts.iter().any(|c| c.1 == a.technician);
                if let Some(v) = out.visits.iter().find(|v| v.job == j.id) {
                    assert!(
                        v.technician == t || called_out,
                        "{} moved off its technician",
                        j.id
                    );
                }
            }
        }
    }
}

#[test]
fn replay_is_deterministic_and_static_plans_once() {
    let sc = scenario("small");
    let d = generate_sim_day(&sc, 9, 1);
    let a = replay(&sc, &d, &Greedy, &ReplayOptions::default(), &mut |_, _| {});
    let b = replay(&sc, &d, &Greedy, &ReplayOptions::default(), &mut |_, _| {});
    assert_eq!(a.metrics, b.metrics);
    assert_eq!(a.audit, b.audit);
    let opts = ReplayOptions {
        static_plan: true,
        ..ReplayOptions::default()
    };
    let s = replay(&sc, &d, &Greedy, &opts, &mut |_, _| {});
    assert_eq!(s.metrics.cycles, 1);
    assert_eq!(s.metrics.jobs, a.metrics.jobs);
    // call-ins are never planned without re-solving
    assert!(
        s.metrics.unassigned_end
            >= d.bookings.len()
                - d.cancellations
                    .iter()
                    .filter(|c| c.1.starts_with('E'))
                    .count()
    );
}

/// Fails or panics on some cycles, else plans greedily.
struct Flaky {
    calls: Cell<usize>,
}

impl Solver for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }
    fn solve(&self, inst: &Instance, opts: &SolveOptions) -> Result<Solution, SolveError> {
        let n = self.calls.get();
        self.calls.set(n + 1);
        match n % 5 {
            1 => Err(SolveError::Failed("out of luck".into())),
            3 => panic!("flaky solver panics on purpose"),
            _ => Greedy.solve(inst, opts),
        }
    }
}

#[test]
fn a_failing_or_panicking_solver_does_not_end_the_day() {
    let sc = scenario("small");
    let d = generate_sim_day(&sc, 4, 0);
    let flaky = Flaky {
        calls: Cell::new(0),
    };
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let out = replay(
        &sc,
        &d,
        &flaky,
        &ReplayOptions::default(),
        &mut |p, plan| {
            assert!(check_plan(p, plan).violations.is_empty());
        },
    );
    std::panic::set_hook(prev);
    let m = &out.metrics;
    assert!(
        m.faults >= m.cycles * 2 / 5 - 1,
        "{} faults in {} cycles",
        m.faults,
        m.cycles
    );
    let faults: Vec<_> = out.audit.iter().filter(|a| a.kind == "fault").collect();
    assert_eq!(faults.len(), m.faults);
    assert!(faults
        .iter()
        .any(|f| f.detail.as_deref().unwrap_or("").contains("panicked")));
    assert_eq!(m.jobs, m.completed + m.canceled + m.unassigned_end);
    assert!(m.completed > m.jobs / 2);
}

#[test]
fn manual_overrides_turn_the_toggle_off_and_alert() {
    let mut sc = scenario("small");
    sc.replay.manual_rate = 0.3;
    let d = generate_sim_day(&sc, 3, 0);
    assert!(!d.manual.is_empty());
    let mut alerts = 0;
    let out = replay(
        &sc,
        &d,
        &Greedy,
        &ReplayOptions::default(),
        &mut |p, plan| {
            for a in &plan.alerts {
                if a.kind == autodispatch_model::plan::AlertKind::ManualOverride {
                    alerts += 1;
                    let j = p.jobs.iter().find(|j| j.id == a.job).unwrap();
                    assert!(!j.dispatch_pro, "{} still on Dispatch Pro", j.id);
                }
            }
            assert!(check_plan(p, plan).violations.is_empty(), "{}", p.name);
        },
    );
    assert!(out.metrics.manual_overrides > 0);
    assert_eq!(alerts, out.metrics.manual_overrides);
    assert!(out.audit.iter().any(|a| a.kind == "toggle"));
}

#[test]
fn mid_day_snapshots_and_plans_pass_validate_py() {
    let validate =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/validate.py");
    let dir = tempfile::tempdir().unwrap();
    let sc = scenario("storm-surge");
    let d = generate_sim_day(&sc, 8, 0);
    let mut n = 0;
    let _ = replay(
        &sc,
        &d,
        &Greedy,
        &ReplayOptions::default(),
        &mut |p, plan| {
            n += 1;
            if n % 12 != 2 {
                return;
            }
            let (pf, lf) = (dir.path().join("p.json"), dir.path().join("l.json"));
            std::fs::write(&pf, p.to_json()).unwrap();
            std::fs::write(&lf, plan.to_json()).unwrap();
            let out = std::process::Command::new("python3")
                .arg(&validate)
                .arg(&pf)
                .arg(&lf)
                .output()
                .expect("python3 is needed to run ../shared/tools/validate.py");
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                p.name,
                String::from_utf8_lossy(&out.stdout)
            );
        },
    );
    assert!(n > 50);
}

#[test]
fn call_ins_are_planned_when_they_arrive() {
    let sc = scenario("storm-surge");
    let d = generate_sim_day(&sc, 12, 0);
    let out = replay(&sc, &d, &Greedy, &ReplayOptions::default(), &mut |_, _| {});
    let at_call = d
        .bookings
        .iter()
        .filter(|(t, j)| {
            let when = autodispatch_model::time::format_time(*t);
            out.audit.iter().any(|a| {
                a.kind == "assign" && a.job.as_deref() == Some(j.id.as_str()) && a.time == when
            })
        })
        .count();
    assert!(
        at_call * 2 > d.bookings.len(),
        "{at_call} of {} call-ins planned on arrival",
        d.bookings.len()
    );
    let mut later = sc;
    later.replay.resolve_on_events = false;
    let out2 = replay(
        &later,
        &d,
        &Greedy,
        &ReplayOptions::default(),
        &mut |_, _| {},
    );
    assert!(out2.metrics.cycles < out.metrics.cycles);
}

/// Puts every optimizer job on the first technician at its window start: a
/// solver bug the replay must not apply.
struct Reckless;

impl Solver for Reckless {
    fn name(&self) -> &str {
        "reckless"
    }
    fn solve(&self, inst: &Instance, _: &SolveOptions) -> Result<Solution, SolveError> {
        let mut schedule = autodispatch_model::Schedule {
            routes: vec![Vec::new(); inst.techs.len()],
        };
        for j in 0..inst.jobs.len() {
            if inst.is_optimizer_job(j) {
                schedule.routes[0].push(autodispatch_model::Visit {
                    job: j,
                    start: inst.jobs[j].window.0,
                });
            }
        }
        Ok(Solution {
            schedule,
            status: autodispatch_model::SolverStatus::Feasible,
            bound: None,
            note: None,
        })
    }
}

#[test]
fn plans_that_break_rules_are_faults_and_never_applied() {
    let sc = scenario("small");
    let d = generate_sim_day(&sc, 6, 0);
    let mut applied = 0;
    let out = replay(
        &sc,
        &d,
        &Reckless,
        &ReplayOptions::default(),
        &mut |_, _| applied += 1,
    );
    assert_eq!(applied, 0);
    assert_eq!(out.metrics.faults, out.metrics.cycles);
    assert!(out
        .audit
        .iter()
        .any(|a| a.kind == "fault" && a.detail.as_deref().unwrap_or("").contains("breaks")));
    // nothing was planned, so only fixed work got done, and nothing was lost
    let m = &out.metrics;
    assert_eq!(m.jobs, m.completed + m.canceled + m.unassigned_end);
    assert!(out.visits.iter().all(|v| {
        d.problem
            .jobs
            .iter()
            .any(|j| j.id == v.job && (j.technician_specific || j.assignment.is_some()))
            || d.manual.iter().any(|(_, id)| *id == v.job)
    }));
}

#[test]
fn a_chaotic_day_stays_checker_clean_and_loses_nothing() {
    let mut sc = scenario("small");
    sc.technicians.callout_rate = 0.5;
    sc.technicians.time_off_share = 0.3;
    sc.technicians.on_call_share = 0.3;
    sc.technicians.unmanaged_share = 0.2;
    sc.jobs.cancel_rate = 0.3;
    sc.jobs.emergencies = 12.0;
    sc.jobs.technician_specific_share = 0.2;
    sc.jobs.multi_technician_share = 0.05;
    sc.jobs.dispatch_pro_off_share = 0.05;
    sc.replay.manual_rate = 0.3;
    sc.settings.lock_before_start_minutes = 30.0;
    sc.settings.max_drive_minutes = Some(35.0);
    sc.replay.duration_factor.sd = 0.5;
    sc.replay.travel_factor.sd = 0.5;
    for (seed, within) in [
        (1, "arrival_window"),
        (2, "business_hours"),
        (3, "business_hours"),
    ] {
        sc.settings.reschedule_within = within.into();
        let d = generate_sim_day(&sc, seed, 0);
        let mut bad = Vec::new();
        let out = replay(
            &sc,
            &d,
            &Greedy,
            &ReplayOptions::default(),
            &mut |p, plan| {
                let rep = check_plan(p, plan);
                if !rep.violations.is_empty() {
                    bad.push(format!("{}: {:?}", p.name, rep.violations));
                }
            },
        );
        assert!(bad.is_empty(), "seed {seed}: {bad:#?}");
        let m = &out.metrics;
        assert_eq!(
            m.faults,
            0,
            "seed {seed}: {:?}",
            out.audit
                .iter()
                .filter(|a| a.kind == "fault")
                .collect::<Vec<_>>()
        );
        assert_eq!(
            m.jobs,
            m.completed + m.canceled + m.unassigned_end,
            "seed {seed}"
        );
        assert!(
            m.callouts > 0 && m.canceled > 0 && m.manual_overrides > 0,
            "seed {seed}: {m:?}"
        );
        let done: BTreeSet<&str> = out.visits.iter().map(|v| v.job.as_str()).collect();
        assert_eq!(
            done.len(),
            out.visits.len(),
            "seed {seed}: a job visited twice"
        );
    }
}
