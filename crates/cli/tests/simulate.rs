//! `autodispatch generate` and `autodispatch simulate` end to end: exact
//! command lines, exit codes, determinism across --threads, and generated
//! days whose greedy plans the independent validator accepts.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autodispatch"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(format!("{name}.toml"))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn generated_days_and_their_greedy_plans_pass_validate_py() {
    let dir = tempfile::tempdir().unwrap();
    for (name, seed, day) in [
        ("small", 1, 0),
        ("small", 1, 3),
        ("metro-medium", 2, 1),
        ("storm-surge", 3, 0),
    ] {
        let day_file = dir.path().join(format!("{name}-{day}.json"));
        let (c, _, err) = run(bin()
            .args(["generate", "--scenario"])
            .arg(scenario(name))
            .args(["--seed", &seed.to_string(), "--day", &day.to_string(), "-o"])
            .arg(&day_file));
        assert_eq!(c, 0, "{err}");
        let again = dir.path().join("again.json");
        let (c, _, _) = run(bin()
            .args(["generate", "--scenario"])
            .arg(scenario(name))
            .args(["--seed", &seed.to_string(), "--day", &day.to_string(), "-o"])
            .arg(&again));
        assert_eq!(c, 0);
        assert_eq!(
            std::fs::read(&day_file).unwrap(),
            std::fs::read(&again).unwrap()
        );
        let plan = dir.path().join(format!("{name}-{day}.plan.json"));
        let (c, _, err) = run(bin().arg("solve").arg(&day_file).arg("-o").arg(&plan));
        assert_eq!(c, 0, "{name}: {err}");
        let out = Command::new("python3")
            .arg(root().join("../shared/tools/validate.py"))
            .arg(&day_file)
            .arg(&plan)
            .output()
            .expect("python3 is needed to run ../shared/tools/validate.py");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name} day {day}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_bad_scenario_is_exit_2_naming_the_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("small")).unwrap();
    let bad = text.replacen("radius_km = 14", "radius_km = 14\nradius_miles = 9", 1);
    let line = bad
        .lines()
        .position(|l| l.starts_with("radius_miles"))
        .unwrap()
        + 1;
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, bad).unwrap();
    for sub in ["generate", "simulate"] {
        let mut cmd = bin();
        cmd.args([sub, "--scenario"])
            .arg(&file)
            .args(["--seed", "1"]);
        if sub == "simulate" {
            cmd.arg("--out").arg(dir.path().join("out"));
        }
        let (c, _, err) = run(&mut cmd);
        assert_eq!(c, 2, "{err}");
        assert!(
            err.contains("radius_miles") && err.contains(&format!("line {line}")),
            "{err}"
        );
    }
    let typo = text.replacen("count = 6", "count = -6", 1);
    std::fs::write(&file, typo).unwrap();
    let (c, _, err) = run(bin()
        .args(["generate", "--scenario"])
        .arg(&file)
        .args(["--seed", "1"]));
    assert_eq!(c, 2);
    assert!(err.contains("technicians.count"), "{err}");
}

#[test]
fn an_out_of_range_scenario_value_is_exit_2_naming_the_key_and_line_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(scenario("small")).unwrap();
    let cases = [
        (
            "plan_before_minutes = 30",
            "plan_before_minutes = 1e308",
            "replay.plan_before_minutes",
        ),
        (
            "plan_before_minutes = 30",
            "plan_before_minutes = 99999999999999",
            "replay.plan_before_minutes",
        ),
        (
            "road_factor = 1.3",
            "road_factor = 9223372036854775807",
            "area.road_factor",
        ),
        (
            "preferred_technician_bonus = 25",
            "preferred_technician_bonus = 1e308",
            "settings.preferred_technician_bonus",
        ),
        ("radius_km = 14", "radius_km = 1e308", "area.radius_km"),
    ];
    for (from, to, key) in cases {
        let bad = text.replacen(from, to, 1);
        let line = bad.lines().position(|l| l == to).unwrap() + 1;
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, bad).unwrap();
        for sub in ["generate", "simulate"] {
            let mut cmd = bin();
            cmd.args([sub, "--scenario"])
                .arg(&file)
                .args(["--seed", "1"]);
            if sub == "simulate" {
                cmd.args(["--days", "1", "--solvers", "greedy", "--out"])
                    .arg(dir.path().join("out"));
            }
            let (c, out, err) = run(&mut cmd);
            assert_eq!(c, 2, "{sub} {to}: {err}");
            assert!(out.is_empty(), "{sub} {to}: {out}");
            assert!(
                err.contains(key)
                    && err.contains(&format!("line {line}"))
                    && !err.contains("panicked"),
                "{sub} {to}: {err}"
            );
        }
    }
}

#[test]
fn simulate_writes_every_file_identically_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let (c, _, err) = run(bin()
            .args(["simulate", "--scenario"])
            .arg(scenario("small"))
            .args([
                "--days",
                "4",
                "--seed",
                "5",
                "--solvers",
                "greedy",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out));
        assert_eq!(c, 0, "{err}");
        outs.push(out);
    }
    for f in [
        "days.csv",
        "summary.md",
        "technicians.csv",
        "audit.jsonl",
        "timings.csv",
    ] {
        assert!(outs[0].join(f).is_file(), "{f} missing");
    }
    for f in ["days.csv", "summary.md", "technicians.csv", "audit.jsonl"] {
        assert_eq!(
            std::fs::read(outs[0].join(f)).unwrap(),
            std::fs::read(outs[1].join(f)).unwrap(),
            "{f} differs between --threads 1 and 2"
        );
    }
    let days = std::fs::read_to_string(outs[0].join("days.csv")).unwrap();
    assert_eq!(days.lines().count(), 5);
    let summary = std::fs::read_to_string(outs[0].join("summary.md")).unwrap();
    assert!(summary.contains("| revenue_realised |"), "{summary}");
    // the static baseline plans once a day
    let out = dir.path().join("static");
    let (c, _, err) = run(bin()
        .args(["simulate", "--scenario"])
        .arg(scenario("small"))
        .args([
            "--days",
            "2",
            "--seed",
            "5",
            "--solvers",
            "greedy",
            "--static",
            "--out",
        ])
        .arg(&out));
    assert_eq!(c, 0, "{err}");
    let days = std::fs::read_to_string(out.join("days.csv")).unwrap();
    let header: Vec<&str> = days.lines().next().unwrap().split(',').collect();
    let cycles = header.iter().position(|h| *h == "cycles").unwrap();
    for row in days.lines().skip(1) {
        assert_eq!(row.split(',').nth(cycles), Some("1"), "{row}");
    }
}

#[test]
fn an_unknown_solver_is_a_usage_error_listing_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (c, _, err) = run(bin()
        .args(["simulate", "--scenario"])
        .arg(scenario("small"))
        .args([
            "--days",
            "1",
            "--seed",
            "1",
            "--solvers",
            "greedy,simplex",
            "--out",
        ])
        .arg(dir.path()));
    assert_eq!(c, 2);
    assert!(err.contains("simplex") && err.contains("greedy"), "{err}");
}

#[test]
fn two_solvers_over_four_days_write_all_files_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let (c, _, err) = run(bin()
            .args(["simulate", "--scenario"])
            .arg(scenario("small"))
            .args([
                "--days",
                "4",
                "--seed",
                "21",
                "--solvers",
                "greedy,auto",
                "--time-limit",
                "120",
            ])
            .args(["--threads", threads, "--out"])
            .arg(&out));
        assert_eq!(c, 0, "{err}");
        outs.push(out);
    }
    for f in [
        "days.csv",
        "summary.md",
        "report.html",
        "technicians.csv",
        "audit.jsonl",
    ] {
        assert!(outs[0].join(f).is_file(), "{f} missing");
    }
    for f in ["days.csv", "summary.md"] {
        assert_eq!(
            std::fs::read_to_string(outs[0].join(f)).unwrap(),
            std::fs::read_to_string(outs[1].join(f)).unwrap(),
            "{f} differs between --threads 1 and 2"
        );
    }
    let summary = std::fs::read_to_string(outs[0].join("summary.md")).unwrap();
    assert!(summary.contains("auto − greedy"), "{summary}");
    let html = std::fs::read_to_string(outs[0].join("report.html")).unwrap();
    assert!(html.matches("<svg").count() >= 10);
}
