//! Experiments: outputs byte-identical for any thread count.

use std::path::PathBuf;

use autodispatch_greedy::Greedy;
use autodispatch_model::Solver;
use autodispatch_sim::experiment::{self, Experiment};
use autodispatch_sim::{ReplayOptions, Scenario};

fn make(name: &str) -> Option<Box<dyn Solver>> {
    match name {
        "greedy" | "greedy-b" => Some(Box::new(Greedy)),
        _ => None,
    }
}

#[test]
fn outputs_do_not_depend_on_threads() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/small.toml");
    let sc = Scenario::load(&path).unwrap();
    let mut exp = Experiment {
        days: 10,
        seed: 77,
        solvers: vec!["greedy".into(), "greedy-b".into()],
        replay: ReplayOptions::default(),
        threads: 1,
    };
    let one = experiment::run(&sc, &exp, &make, &|| {}).unwrap();
    // runs arrive in (day, solver) order, across blocks of days
    let order: Vec<(u32, usize)> = one.iter().map(|r| (r.day, r.solver)).collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted);
    exp.threads = 2;
    let two = experiment::run(&sc, &exp, &make, &|| {}).unwrap();
    assert_eq!(one.len(), 20);
    assert_eq!(
        experiment::days_csv(&exp, &one),
        experiment::days_csv(&exp, &two)
    );
    assert_eq!(
        experiment::summary_md(&sc, &exp, &one),
        experiment::summary_md(&sc, &exp, &two)
    );
    assert_eq!(
        experiment::technicians_csv(&exp, &one),
        experiment::technicians_csv(&exp, &two)
    );
    assert_eq!(
        experiment::audit_jsonl(&exp, &one),
        experiment::audit_jsonl(&exp, &two)
    );
    // the same solver twice lives through the same days: paired differences are 0
    let md = experiment::summary_md(&sc, &exp, &one);
    assert!(md.contains("| revenue_realised | 0.00 ± 0.00 |"), "{md}");
    let csv = experiment::days_csv(&exp, &one);
    assert_eq!(csv.lines().count(), 21);
    assert!(csv.starts_with("day,solver,jobs,"));
    let audit = experiment::audit_jsonl(&exp, &one);
    for line in audit.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["day"].is_u64() && v["solver"].is_string() && v["kind"].is_string());
    }
}

#[test]
fn unknown_solvers_are_refused_before_running() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/small.toml");
    let sc = Scenario::load(&path).unwrap();
    let exp = Experiment {
        days: 1,
        seed: 0,
        solvers: vec!["greedy".into(), "nope".into()],
        replay: ReplayOptions::default(),
        threads: 1,
    };
    let err = experiment::run(&sc, &exp, &make, &|| panic!("ran")).unwrap_err();
    assert!(err.to_string().contains("nope"));
}

#[test]
fn the_report_is_self_contained_and_escapes_every_input_string() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/small.toml");
    let mut sc = Scenario::load(&path).unwrap();
    sc.name = "<script>alert('x')</script> & co".into();
    let exp = Experiment {
        days: 2,
        seed: 1,
        solvers: vec!["greedy".into(), "greedy-b".into()],
        replay: ReplayOptions::default(),
        threads: 1,
    };
    let runs = experiment::run(&sc, &exp, &make, &|| {}).unwrap();
    let md = experiment::summary_md(&sc, &exp, &runs);
    let html = autodispatch_sim::report::report_html(&sc, &exp, &runs, &md);
    assert!(!html.contains("<script"), "unescaped input");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    assert!(html.matches("<svg").count() >= 8, "charts, boards and maps");
    assert!(html.contains("Technician Performance Report"));
    assert!(html.contains("Dispatch board"));
    assert!(!html.contains("http"), "nothing fetched");
    // one board and one map per solver for day 0
    assert_eq!(html.matches("aria-label=\"dispatch board\"").count(), 2);
    assert_eq!(html.matches("aria-label=\"routes\"").count(), 2);
}
