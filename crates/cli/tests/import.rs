//! `autodispatch import`: real benchmark files become valid FORMAT.md
//! problems; bad input exits 2 and writes nothing.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autodispatch"))
}

fn bench(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/benchmarks")
        .join(rel)
}

#[test]
fn import_toptw_writes_a_valid_problem() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pr01-m2.json");
    let o = bin()
        .args(["import", "toptw"])
        .arg(bench("toptw/cordeau_based/pr01.txt"))
        .args(["--tours", "2", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let p = autodispatch_model::load_problem_file(&out).expect("a valid problem");
    assert_eq!(p.technicians.len(), 2);
    assert_eq!(p.jobs.len(), 48);
    assert!((p.settings.drive_cost_per_minute).abs() < 1e-12);
    // and it plans
    let s = bin()
        .args(["solve", "--solver", "milp", "--time-limit", "2"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        s.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&s.stderr)
    );
}

#[test]
fn import_solomon_defaults_to_the_files_fleet() {
    let o = bin()
        .args(["import", "solomon"])
        .arg(bench("solomon/R101.txt"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let p = autodispatch_model::parse_problem(&String::from_utf8_lossy(&o.stdout)).expect("valid");
    assert_eq!(p.technicians.len(), 25);
    assert_eq!(p.jobs.len(), 100);
}

#[test]
fn import_of_a_bad_file_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "this is not a benchmark\n").unwrap();
    let out = dir.path().join("out.json");
    for kind in ["toptw", "solomon"] {
        let o = bin()
            .args(["import", kind])
            .arg(&bad)
            .args(["--tours", "1", "-o"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{kind}");
        assert!(!out.exists(), "{kind}");
    }
    let o = bin()
        .args(["import", "toptw"])
        .arg(dir.path().join("missing.txt"))
        .args(["--tours", "1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
