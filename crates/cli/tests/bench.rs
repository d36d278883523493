//! `autodispatch bench` end to end: a folder of testkit days, a scenario,
//! real TOPTW and Solomon files with their best-known values, bad input.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autodispatch"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn benchmarks() -> PathBuf {
    root().join("../shared/benchmarks")
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The cells of every table row of the first table (the per-run table).
fn run_rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .skip_while(|l| !l.starts_with("| day |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The summary row of a solver.
fn summary_row(table: &str, solver: &str) -> Vec<String> {
    table
        .lines()
        .skip_while(|l| !l.starts_with("| solver |"))
        .find(|l| l.starts_with(&format!("| {solver} |")))
        .unwrap_or_else(|| panic!("no summary row for {solver} in\n{table}"))
        .trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_string())
        .collect()
}

// columns of the per-run table
const DAY: usize = 0;
const JOBS: usize = 1;
const TECHS: usize = 2;
const SOLVER: usize = 3;
const OBJECTIVE: usize = 4;
const BEST_KNOWN: usize = 7;
const GAP_BEST: usize = 8;
const VALID: usize = 10;

fn write_days(dir: &Path, days: &[(u64, usize, usize)]) {
    for &(seed, jobs, techs) in days {
        let p = autodispatch_testkit::random_day(seed, jobs, techs);
        std::fs::write(dir.join(format!("day-{seed}.json")), p.to_json()).unwrap();
    }
}

#[test]
fn folder_of_days_with_greedy_gives_a_valid_row_per_day_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    write_days(dir.path(), &[(11, 20, 4), (12, 35, 5)]);
    let out_md = dir.path().join("bench.md");
    let (c, out, err) = run(bin()
        .args([
            "bench",
            "--solvers",
            "greedy",
            "--time-limit",
            "5",
            "--days",
        ])
        .arg(dir.path())
        .arg("--out")
        .arg(&out_md));
    assert_eq!(c, 0, "{err}\n{out}");
    let rows = run_rows(&out);
    assert_eq!(rows.len(), 2, "{out}");
    for (row, (name, jobs, techs)) in rows.iter().zip([("day-11", 20, 4), ("day-12", 35, 5)]) {
        assert_eq!(row[DAY], name);
        assert_eq!(row[JOBS], jobs.to_string());
        assert_eq!(row[TECHS], techs.to_string());
        assert_eq!(row[SOLVER], "greedy");
        assert_eq!(row[VALID], "yes", "{out}");
        row[OBJECTIVE].parse::<f64>().expect("an objective");
        // folder days have no best-known value
        assert_eq!(row[BEST_KNOWN], "—");
    }
    // the only solver is the best on every day
    let s = summary_row(&out, "greedy");
    assert_eq!(s[1], "2");
    assert_eq!(s[2], "1.0000");
    assert_eq!(s.last().unwrap(), "yes");
    // --out holds the same table as stdout
    assert_eq!(std::fs::read_to_string(&out_md).unwrap(), out);
}

#[test]
fn toptw_instance_shows_its_gap_to_best_known() {
    let pr01 = benchmarks().join("toptw/cordeau_based/pr01.txt");
    let (c, out, err) = run(bin()
        .args([
            "bench",
            "--solvers",
            "greedy,auto",
            "--time-limit",
            "0.5",
            "--toptw",
        ])
        .arg(&pr01)
        .args(["--tours", "1"]));
    assert_eq!(c, 0, "{err}\n{out}");
    let rows = run_rows(&out);
    assert_eq!(rows.len(), 2, "{out}");
    for row in &rows {
        assert_eq!(row[DAY], "pr01-m1");
        assert_eq!(row[JOBS], "48");
        assert_eq!(row[TECHS], "1");
        // bks.csv: pr01 with one tour, 308
        assert_eq!(row[BEST_KNOWN], "308.00");
        let obj: f64 = row[OBJECTIVE].parse().unwrap();
        let gap: f64 = row[GAP_BEST].parse().expect("a gap to best-known");
        assert!((gap - (308.0 - obj) / 308.0 * 100.0).abs() < 0.01, "{out}");
        assert!((0.0..100.0).contains(&gap), "{out}");
        assert_eq!(row[VALID], "yes");
    }
    assert_eq!(rows[0][SOLVER], "greedy");
    assert_eq!(rows[1][SOLVER], "auto");
    let gap = summary_row(&out, "auto")[4].parse::<f64>();
    assert!(gap.is_ok(), "{out}");
    assert!(!out.contains("Solver notes:"), "notes only with --notes");
}

#[test]
fn notes_list_what_each_solver_said() {
    let pr07 = benchmarks().join("toptw/cordeau_based/pr07.txt");
    let (c, out, err) = run(bin()
        .args([
            "bench",
            "--solvers",
            "auto",
            "--time-limit",
            "0.5",
            "--notes",
            "--toptw",
        ])
        .arg(&pr07)
        .args(["--tours", "1"]));
    assert_eq!(c, 0, "{err}\n{out}");
    let notes: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "Solver notes:")
        .skip(1)
        .collect();
    assert_eq!(notes.len(), 1, "{out}");
    assert!(notes[0].starts_with("- pr07-m1 / auto: "), "{out}");
}

#[test]
fn solomon_best_known_is_the_vrptw_routes_value_with_enough_tours() {
    let c101 = benchmarks().join("solomon/C101.txt");
    // the VRPTW best-known routes serve every customer with 10 vehicles:
    // with 10 tours and no drive cost the whole value, 1810, is known feasible
    let (c, out, err) = run(bin()
        .args([
            "bench",
            "--solvers",
            "greedy",
            "--time-limit",
            "5",
            "--solomon",
        ])
        .arg(&c101)
        .args(["--tours", "10,9"]));
    assert_eq!(c, 0, "{err}\n{out}");
    let rows = run_rows(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][DAY], "C101-m10");
    assert_eq!(rows[0][BEST_KNOWN], "1810.00");
    assert_eq!(rows[1][DAY], "C101-m9");
    assert_eq!(
        rows[1][BEST_KNOWN], "—",
        "fewer tours than the best-known routes"
    );
}

#[test]
fn scenario_days_are_generated_per_seed_and_can_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let (c, out, err) = run(bin()
        .args([
            "bench",
            "--solvers",
            "greedy",
            "--time-limit",
            "5",
            "--scenario",
        ])
        .arg(root().join("scenarios/small.toml"))
        .args(["--seeds", "3..=4", "--write-days"])
        .arg(dir.path()));
    assert_eq!(c, 0, "{err}\n{out}");
    let rows = run_rows(&out);
    let names: Vec<&str> = rows.iter().map(|r| r[DAY].as_str()).collect();
    assert_eq!(names, ["small-s3", "small-s4"]);
    assert!(rows.iter().all(|r| r[VALID] == "yes"), "{out}");
    // the written days are the benched ones: benching the folder gives the
    // same days, jobs and objectives (greedy does not depend on the clock
    // on days this small)
    let (c, again, err) = run(bin()
        .args([
            "bench",
            "--solvers",
            "greedy",
            "--time-limit",
            "5",
            "--days",
        ])
        .arg(dir.path()));
    assert_eq!(c, 0, "{err}");
    let rows2 = run_rows(&again);
    assert_eq!(rows2.len(), 2);
    for (a, b) in rows.iter().zip(&rows2) {
        assert_eq!(a[DAY], b[DAY]);
        assert_eq!(a[JOBS], b[JOBS]);
        assert_eq!(a[OBJECTIVE], b[OBJECTIVE]);
    }
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    write_days(dir.path(), &[(5, 10, 2)]);
    let not_a_problem = tempfile::tempdir().unwrap();
    std::fs::write(not_a_problem.path().join("x.json"), "{\"schema\": 1}").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let pr01 = benchmarks().join("toptw/cordeau_based/pr01.txt");
    let d = dir.path().to_str().unwrap().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["--days".into(), "/no/such/folder".into()],
            "/no/such/folder",
        ),
        (
            vec![
                "--days".into(),
                not_a_problem.path().to_str().unwrap().into(),
            ],
            "x.json",
        ),
        (
            vec!["--days".into(), empty.path().to_str().unwrap().into()],
            "no *.json",
        ),
        (
            vec![
                "--days".into(),
                d.clone(),
                "--solvers".into(),
                "greedy,fast".into(),
            ],
            "unknown solver",
        ),
        (
            vec![
                "--days".into(),
                d.clone(),
                "--time-limit".into(),
                "0".into(),
            ],
            "--time-limit",
        ),
        (
            vec![
                "--days".into(),
                d.clone(),
                "--threads".into(),
                "2000".into(),
            ],
            "--threads",
        ),
        (vec![], "give the days"),
        (
            vec![
                "--days".into(),
                d.clone(),
                "--toptw".into(),
                pr01.to_str().unwrap().into(),
                "--tours".into(),
                "1".into(),
            ],
            "exactly one",
        ),
        (
            vec!["--toptw".into(), pr01.to_str().unwrap().into()],
            "--tours",
        ),
        (
            vec![
                "--toptw".into(),
                pr01.to_str().unwrap().into(),
                "--tours".into(),
                "0".into(),
            ],
            "--tours",
        ),
        (
            vec![
                "--toptw".into(),
                d.clone() + "/day-5.json",
                "--tours".into(),
                "1".into(),
            ],
            "day-5.json",
        ),
        (
            vec![
                "--scenario".into(),
                root().join("scenarios/small.toml").to_str().unwrap().into(),
            ],
            "--seeds",
        ),
        (
            vec![
                "--scenario".into(),
                root().join("scenarios/small.toml").to_str().unwrap().into(),
                "--seeds".into(),
                "5..2".into(),
            ],
            "no seed",
        ),
        (
            vec!["--days".into(), d.clone(), "--seeds".into(), "1..3".into()],
            "--seeds goes with --scenario",
        ),
        (
            vec![
                "--days".into(),
                d.clone(),
                "--out".into(),
                "/no/such/folder/b.md".into(),
            ],
            "--out",
        ),
        (vec!["--days".into(), d, "--bogus".into()], "--bogus"),
    ];
    for (args, needle) in cases {
        let (c, out, err) = run(bin().arg("bench").args(&args));
        assert_eq!(c, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?}: no table on bad input, got {out}");
        assert!(
            err.contains(needle),
            "{args:?}: {err:?} does not mention {needle:?}"
        );
    }
}

#[test]
fn help_documents_every_source() {
    let (c, out, _) = run(bin().args(["bench", "--help"]));
    assert_eq!(c, 0);
    for flag in [
        "--solvers",
        "--time-limit",
        "--seed",
        "--threads",
        "--days",
        "--scenario",
        "--seeds",
        "--toptw",
        "--solomon",
        "--tours",
        "--bks",
        "--out",
        "--write-days",
    ] {
        assert!(out.contains(flag), "--help does not mention {flag}");
    }
}
