//! Generated days: valid FORMAT.md problems, deterministic per (scenario,
//! seed, day), and a greedy plan of each passes the checker.

use std::path::PathBuf;

use autodispatch_greedy::Greedy;
use autodispatch_model::check::check_plan;
use autodispatch_model::plan::{SolverInfo, SolverStatus};
use autodispatch_model::{build_plan, parse_problem, Instance, SolveOptions, Solver};
use autodispatch_sim::{generate_day, generate_sim_day, Scenario};

fn scenario(name: &str) -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios")
        .join(format!("{name}.toml"));
    Scenario::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const ALL: [&str; 4] = ["small", "metro-medium", "enterprise-large", "storm-surge"];

#[test]
fn every_shipped_scenario_loads_and_has_its_size() {
    let sizes = [
        ("small", 6, 20..60),
        ("metro-medium", 40, 250..350),
        ("enterprise-large", 300, 1800..2200),
        ("storm-surge", 20, 180..300),
    ];
    for (name, techs, jobs) in sizes {
        let sc = scenario(name);
        let d = generate_sim_day(&sc, 7, 0);
        assert_eq!(d.problem.technicians.len(), techs, "{name}");
        let n = d.problem.jobs.len() + d.bookings.len();
        assert!(jobs.contains(&n), "{name}: {n} jobs");
    }
}

#[test]
fn generation_is_deterministic_per_seed_and_day() {
    let sc = scenario("metro-medium");
    let a = generate_day(&sc, 42, 3).to_json();
    let b = generate_day(&sc, 42, 3).to_json();
    assert_eq!(a, b);
    assert_ne!(a, generate_day(&sc, 42, 4).to_json());
    assert_ne!(a, generate_day(&sc, 43, 3).to_json());
    assert_eq!(generate_sim_day(&sc, 42, 3), generate_sim_day(&sc, 42, 3));
    // the crew is the same every day; their days are not
    let (d0, d1) = (generate_day(&sc, 42, 0), generate_day(&sc, 42, 1));
    for (x, y) in d0.technicians.iter().zip(&d1.technicians) {
        assert_eq!(
            (&x.id, &x.home, &x.skills, &x.conversion),
            (&y.id, &y.home, &y.skills, &y.conversion)
        );
    }
}

#[test]
fn generated_days_load_and_greedy_plans_pass_the_checker() {
    for name in ALL {
        let sc = scenario(name);
        let days: &[u32] = if name == "enterprise-large" {
            &[0]
        } else {
            &[0, 1, 2]
        };
        for &day in days {
            let p = generate_day(&sc, 11, day);
            let text = p.to_json();
            let loaded = parse_problem(&text).unwrap_or_else(|e| panic!("{name} day {day}: {e}"));
            assert_eq!(
                loaded.to_json(),
                text,
                "{name} day {day} does not round-trip"
            );
            let inst = Instance::new(&loaded);
            let sol = Greedy.solve(&inst, &SolveOptions::default()).unwrap();
            let plan = build_plan(
                &inst,
                &sol.schedule,
                SolverInfo {
                    name: "greedy".into(),
                    status: SolverStatus::Feasible,
                    seconds: 0.0,
                    bound: None,
                    note: None,
                },
            );
            let rep = check_plan(&loaded, &plan);
            assert!(
                rep.violations.is_empty(),
                "{name} day {day}: {:?}",
                rep.violations
            );
            assert!(
                plan.metrics.assigned > 0,
                "{name} day {day}: nothing assigned"
            );
        }
    }
}

#[test]
fn call_ins_and_surprises_fall_inside_the_day() {
    let sc = scenario("storm-surge");
    let d = generate_sim_day(&sc, 5, 0);
    let (bs, be) = (
        d.problem.business_hours.start.0,
        d.problem.business_hours.end.0,
    );
    assert!(d.bookings.len() > 40, "{}", d.bookings.len());
    for (t, j) in &d.bookings {
        assert!(*t >= bs && *t <= be, "call at {t}");
        assert!(j.arrival_window.start.0 >= *t && j.arrival_window.end.0 <= be);
        assert!(j.tags.iter().any(|x| x == "no-heat"));
    }
    assert!(!d.cancellations.is_empty());
}
