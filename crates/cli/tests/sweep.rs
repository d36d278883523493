//! `autodispatch sweep` and `autodispatch merge` end to end: the example
//! spec over three days of the `small` scenario writes every report; two
//! shards merged give the same bytes as one run; --threads changes
//! nothing; bad specs and bad shard sets exit 2 with a clear message.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autodispatch"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `sweep` over the example spec, 3 days of `small` with greedy.
fn sweep(out: &Path, weights: &Path, extra: &[&str]) -> (i32, String, String) {
    run(bin()
        .arg("sweep")
        .arg("--scenario")
        .arg(root().join("scenarios/small.toml"))
        .arg("--weights")
        .arg(weights)
        .args(["--days", "3", "--seed", "1", "--solver", "greedy"])
        .args(["--time-limit", "5"])
        .args(extra)
        .arg("--out")
        .arg(out))
}

fn example() -> PathBuf {
    root().join("scenarios/weights-example.toml")
}

const REPORTS: [&str; 5] = [
    "configs.csv",
    "days.csv",
    "sweep.md",
    "sweep.html",
    "raw/all.jsonl",
];

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn sweep_shards_merge_and_threads_give_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let (c, stdout, err) = sweep(&whole, &example(), &["--threads", "2"]);
    assert_eq!(c, 0, "{err}");
    assert!(stdout.contains("Recommended: "), "{stdout}");

    // every report, with the Pareto table and the trade-off chart
    let md = read(&whole, "sweep.md");
    assert!(md.contains("## Pareto front"), "{md}");
    assert!(md.contains("## Recommendation"), "{md}");
    assert!(md.contains("## Paired differences against current"), "{md}");
    let pareto: Vec<&str> = md
        .split("## Pareto front")
        .nth(1)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| configuration"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(!pareto.is_empty(), "{md}");
    let html = read(&whole, "sweep.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("<svg") && html.contains("Pareto front"),
        "no chart"
    );
    assert!(!html.contains("<script"), "self-contained, no scripts");
    let configs = read(&whole, "configs.csv");
    // 14 configurations in the example spec: 2 explicit, 8 grid, 4 random
    assert_eq!(configs.lines().count(), 1 + 14, "{configs}");
    let header: Vec<&str> = configs.lines().next().unwrap().split(',').collect();
    let rec = header.iter().position(|h| *h == "recommended").unwrap();
    let recommended: Vec<&str> = configs
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(rec) == Some("true"))
        .collect();
    assert_eq!(recommended.len(), 1, "{configs}");
    let days = read(&whole, "days.csv");
    assert_eq!(days.lines().count(), 1 + 14 * 3);
    // common random numbers: every configuration sees the same jobs each day
    let jobs = header_col(&days, "jobs");
    for d in 0..3 {
        let per_day: std::collections::BTreeSet<&str> = days
            .lines()
            .skip(1)
            .filter(|l| l.split(',').nth(1) == Some(&d.to_string()))
            .map(|l| l.split(',').nth(jobs).unwrap())
            .collect();
        assert_eq!(per_day.len(), 1, "day {d}: {per_day:?}");
    }

    // two shards into one directory, merged elsewhere
    let shards = tmp.path().join("shards");
    for k in ["1/2", "2/2"] {
        let (c, _, err) = sweep(&shards, &example(), &["--threads", "1", "--shard", k]);
        assert_eq!(c, 0, "{err}");
    }
    assert!(shards.join("raw/shard-1-of-2.jsonl").is_file());
    assert!(
        !shards.join("sweep.md").exists(),
        "a shard writes raw results only"
    );
    let merged = tmp.path().join("merged");
    let (c, _, err) = run(bin().arg("merge").arg(&shards).arg("--out").arg(&merged));
    assert_eq!(c, 0, "{err}");
    for f in REPORTS {
        assert!(
            read(&whole, f) == read(&merged, f),
            "{f} differs between the whole and the merged run"
        );
    }

    // one thread: the same bytes
    let one = tmp.path().join("one");
    let (c, _, err) = sweep(&one, &example(), &["--threads", "1"]);
    assert_eq!(c, 0, "{err}");
    for f in REPORTS {
        assert!(read(&whole, f) == read(&one, f), "{f} depends on --threads");
    }

    // missing and duplicate shards are named
    let lone = tmp.path().join("lone");
    std::fs::create_dir_all(lone.join("raw")).unwrap();
    std::fs::copy(
        shards.join("raw/shard-1-of-2.jsonl"),
        lone.join("raw/shard-1-of-2.jsonl"),
    )
    .unwrap();
    let (c, _, err) = run(bin()
        .arg("merge")
        .arg(&lone)
        .arg("--out")
        .arg(tmp.path().join("m2")));
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("missing shard 2 of 2"), "{err}");
    let (c, _, err) = run(bin()
        .arg("merge")
        .arg(&lone)
        .arg(&shards)
        .arg("--out")
        .arg(tmp.path().join("m3")));
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("shard 1/2 is given twice"), "{err}");
    // a path that holds no shard is refused
    let (c, _, err) = run(bin()
        .arg("merge")
        .arg(merged.join("raw").join("nothing-here"))
        .arg("--out")
        .arg(tmp.path().join("m4")));
    assert_eq!(c, 2, "{err}");
}

fn header_col(csv: &str, name: &str) -> usize {
    csv.lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn bad_spec_exits_2_naming_key_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            "baseline = \"current\"\n[[config]]\nname = \"current\"\n[grid]\ndrive_cost = [1.0, 2.0]\n",
            "grid.drive_cost",
            "line 5",
        ),
        (
            "baseline = \"current\"\n[[config]]\nname = \"current\"\n[grid]\ndrive_cost_per_minute = [1.0, -2.0]\n",
            "grid.drive_cost_per_minute",
            "line 5",
        ),
        (
            "baseline = \"nobody\"\n[[config]]\nname = \"current\"\n",
            "baseline",
            "line 1",
        ),
        (
            "baseline = \"current\"\n[[config]]\nname = \"current\"\ntag_weights = { no-hat = 2.0 }\n",
            "config[0].tag_weights.no-hat",
            "line 4",
        ),
    ];
    for (text, key, line) in cases {
        let spec = tmp.path().join("bad.toml");
        std::fs::write(&spec, text).unwrap();
        let (c, _, err) = sweep(&tmp.path().join("out"), &spec, &[]);
        assert_eq!(c, 2, "{text}: {err}");
        assert!(err.contains(&format!("key `{key}`")), "{text}: {err}");
        assert!(err.contains(line), "{text}: {err}");
    }
    // a bad shard is a usage error too
    let (c, _, err) = sweep(&tmp.path().join("out"), &example(), &["--shard", "3/2"]);
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("K/N"), "{err}");
}
