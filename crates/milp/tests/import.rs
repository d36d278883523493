//! Benchmark conversion on the real files of ../shared/benchmarks.

use std::path::PathBuf;
use std::time::Duration;

use autodispatch_milp::import::{
    parse_solomon, parse_toptw, to_problem, toptw_decimals, ImportOptions,
};
use autodispatch_milp::Milp;
use autodispatch_model::build::objective;
use autodispatch_model::{parse_problem, Instance, SolveOptions, Solver};

fn bench_file(rel: &str) -> Option<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/benchmarks")
        .join(rel);
    std::fs::read_to_string(p).ok()
}

#[test]
fn toptw_pr01_converts_and_round_trips() {
    let Some(text) = bench_file("toptw/cordeau_based/pr01.txt") else {
        panic!("benchmark file missing: ../shared/benchmarks/toptw/cordeau_based/pr01.txt");
    };
    let b = parse_toptw("pr01", &text).expect("parses");
    assert_eq!(b.nodes.len(), 49);
    let total: f64 = b.nodes.iter().map(|n| n.value).sum();
    assert!((total - 657.0).abs() < 1e-9, "total score {total}");
    let opts = ImportOptions {
        tours: 2,
        decimals: Some(toptw_decimals("pr01.txt")),
        drive_cost_per_minute: 0.0,
    };
    let p = to_problem(&b, &opts).expect("converts");
    assert_eq!(p.technicians.len(), 2);
    assert_eq!(p.jobs.len(), 48);
    // the validating loader accepts what we write
    let back = parse_problem(&p.to_json()).expect("valid FORMAT.md");
    assert_eq!(back.jobs.len(), 48);
    let autodispatch_model::problem::Travel::Matrix { minutes } = &back.travel else {
        panic!("matrix travel expected");
    };
    assert_eq!(minutes.len(), 50);
    // rounded down to 2 decimals: depot (-10.442, 19.999) to vertex 1 (-29.730, 64.136)
    let d = (-10.442f64 + 29.730).hypot(19.999 - 64.136);
    assert!((minutes[0][2] - (d * 100.0).floor() / 100.0).abs() < 1e-9);
    assert!(minutes[0][2] <= d);
}

#[test]
fn toptw_pr01_one_tour_solves_near_its_optimum() {
    let text = bench_file("toptw/cordeau_based/pr01.txt").expect("benchmark file");
    let b = parse_toptw("pr01", &text).expect("parses");
    let p = to_problem(
        &b,
        &ImportOptions {
            tours: 1,
            decimals: Some(2),
            drive_cost_per_minute: 0.0,
        },
    )
    .expect("converts");
    let inst = Instance::new(&p);
    let opts = SolveOptions {
        time_limit: Duration::from_secs(5),
        ..SolveOptions::default()
    };
    let sol = Milp::default().solve(&inst, &opts).expect("solves");
    let obj = objective(&inst, &sol.schedule);
    // 308 is the proven optimum (Righini & Salani): never beaten, and bounded
    assert!(obj <= 308.0 + 1e-6, "objective {obj}");
    assert!(obj >= 0.9 * 308.0, "objective {obj}");
    assert!(sol.bound.expect("bound") >= 308.0 - 1e-6);
}

#[test]
fn solomon_c101_converts_with_its_fleet() {
    let text = bench_file("solomon/C101.txt").expect("benchmark file");
    let b = parse_solomon(&text).expect("parses");
    assert_eq!(b.name, "C101");
    assert_eq!(b.nodes.len(), 101);
    assert_eq!(b.tours_hint, 25);
    assert!((b.nodes[1].ready - 912.0).abs() < 1e-9 && (b.nodes[1].service - 90.0).abs() < 1e-9);
    let p = to_problem(
        &b,
        &ImportOptions {
            tours: b.tours_hint,
            decimals: None,
            drive_cost_per_minute: 0.0,
        },
    )
    .expect("converts");
    assert_eq!(p.technicians.len(), 25);
    parse_problem(&p.to_json()).expect("valid FORMAT.md");
}

#[test]
fn malformed_files_are_errors_not_panics() {
    assert!(parse_toptw("x", "").is_err());
    assert!(parse_toptw("x", "1 2 3 4\n0 0\n0 1 2 x 0 0 0 0 10\n").is_err());
    assert!(parse_toptw("x", "1 2 3 4\n0 0\n0 1 2 0 0 0 0 0 10\n").is_err());
    assert!(parse_solomon("C1\n\nnothing here\n").is_err());
    let b = parse_toptw("x", "1 1 1 4\n0 0\n0 0 0 0 0 0 0 0 10\n1 3 4 1 5 0 0 0 9\n")
        .expect("tiny file");
    assert!(to_problem(
        &b,
        &ImportOptions {
            tours: 0,
            decimals: None,
            drive_cost_per_minute: 0.0
        }
    )
    .is_err());
}
