//! `--gap FRACTION` of `solve` and `bench`: bad values exit 2 naming the
//! option; a gap is honoured in the written plan.

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autodispatch"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write_day(dir: &Path, seed: u64, jobs: usize, techs: usize) -> std::path::PathBuf {
    let p = dir.join(format!("day-{seed}.json"));
    let day = autodispatch_testkit::random_day(seed, jobs, techs);
    std::fs::write(&p, day.to_json()).unwrap();
    p
}

#[test]
fn bad_gap_exits_2_naming_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let day = write_day(dir.path(), 5, 10, 2);
    let out = dir.path().join("plan.json");
    for bad in ["-0.1", "1.5", "NaN", "inf", "abc", "5%"] {
        let o = run(bin()
            .arg("solve")
            .arg(&day)
            .arg(format!("--gap={bad}"))
            .arg("-o")
            .arg(&out));
        assert_eq!(o.status.code(), Some(2), "solve --gap {bad}");
        let err = text(&o.stderr);
        assert!(err.contains("--gap"), "solve --gap {bad}: {err}");
        assert!(!out.exists(), "solve --gap {bad} wrote a plan");
        let o = run(bin()
            .arg("bench")
            .args(["--solvers", "greedy", "--days"])
            .arg(dir.path())
            .arg(format!("--gap={bad}")));
        assert_eq!(o.status.code(), Some(2), "bench --gap {bad}");
        let err = text(&o.stderr);
        assert!(err.contains("--gap"), "bench --gap {bad}: {err}");
        assert!(
            o.stdout.is_empty(),
            "bench --gap {bad} ran: {}",
            text(&o.stdout)
        );
    }
}

#[test]
fn solve_stops_within_the_gap_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // a day the MILP does not prove optimal at once (see the milp crate's tests/threads.rs)
    let day = write_day(dir.path(), 14, 60, 8);
    let gap = 0.2;
    let o = run(bin().arg("solve").arg(&day).args([
        "--solver",
        "milp",
        "--time-limit",
        "60",
        "--gap",
        "0.2",
    ]));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let solver = &plan["solver"];
    let bound = solver["bound"].as_f64().expect("a bound");
    let obj = plan["metrics"]["objective"].as_f64().unwrap();
    assert!(bound >= obj - 1e-6 && bound - obj <= gap * bound.abs() + 1e-6);
    let status = solver["status"].as_str().unwrap();
    let note = solver["note"].as_str().unwrap_or_default();
    if status == "optimal" {
        assert!(bound - obj <= 1e-6 * bound.abs().max(1.0), "{solver}");
    } else {
        assert_eq!(status, "feasible", "{solver}");
        assert!(note.contains("within the gap 0.2"), "{solver}");
    }
}

#[test]
fn bench_passes_the_gap_on() {
    let dir = tempfile::tempdir().unwrap();
    write_day(dir.path(), 14, 60, 8);
    let o = run(bin()
        .arg("bench")
        .args([
            "--solvers",
            "milp",
            "--time-limit",
            "60",
            "--gap",
            "1",
            "--notes",
            "--days",
        ])
        .arg(dir.path()));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let table = text(&o.stdout);
    assert!(table.contains("within the gap 1"), "{table}");
}
