//! The command line as users and CI meet it: exit codes, outputs, and plans
//! that the independent validator (`../shared/tools/validate.py`) accepts.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autodispatch"))
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn example() -> PathBuf {
    shared().join("spec/examples/small-day.json")
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs validate.py; CI machines have python3, and a missing one must fail loudly.
fn validate(problem: &Path, plan: &Path) -> (i32, String) {
    let o = Command::new("python3")
        .arg(shared().join("tools/validate.py"))
        .arg(problem)
        .arg(plan)
        .output()
        .expect("python3 is needed to run ../shared/tools/validate.py");
    (code(&o), text(&o.stdout) + &text(&o.stderr))
}

#[test]
fn solve_example_writes_a_plan_both_checkers_accept() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let o = run(bin().arg("solve").arg(example()).arg("-o").arg(&plan));
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let (c, out) = validate(&example(), &plan);
    assert_eq!(c, 0, "{out}");
    let o = run(bin().arg("check").arg(example()).arg(&plan));
    assert_eq!(code(&o), 0, "{}", text(&o.stdout));
    assert!(text(&o.stdout).starts_with("VALID"));
}

#[test]
fn solve_prints_the_plan_to_stdout_without_output_file() {
    let o = run(bin().arg("solve").arg(example()));
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["schema"], "dispatch-plan/1");
    assert_eq!(plan["problem"], "small-day");
}

#[test]
fn summary_is_readable() {
    let o = run(bin().args(["solve", "--summary"]).arg(example()));
    assert_eq!(code(&o), 0);
    let s = text(&o.stdout);
    assert!(s.contains("routes:") && s.contains("unassigned:"), "{s}");
    assert!(s.contains("J6") && s.contains("skills"), "{s}");
}

#[test]
fn check_names_the_broken_rule_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    assert_eq!(
        code(&run(bin().arg("solve").arg(example()).arg("-o").arg(&plan))),
        0
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    // move the first optimizer stop of T1 to 06:00, before its window and shift
    let stops = v["routes"][0]["stops"].as_array_mut().unwrap();
    let k = stops.iter().position(|s| s["action"] != "locked").unwrap();
    stops[k]["start"] = "2026-11-26T06:00".into();
    stops[k]["end"] = "2026-11-26T07:30".into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, v.to_string()).unwrap();
    let o = run(bin().arg("check").arg(example()).arg(&bad));
    assert_eq!(code(&o), 1);
    let s = text(&o.stdout);
    assert!(
        s.contains("[start_window]") && s.contains("[outside_shift]"),
        "{s}"
    );
    // the independent validator agrees it is invalid
    assert_eq!(validate(&example(), &bad).0, 1);
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{not json").unwrap();
    let o = run(bin().arg("check").arg(example()).arg(&junk));
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let o = run(bin().arg("check").arg(&junk).arg(&junk));
    assert_eq!(code(&o), 2);
    let o = run(bin()
        .arg("check")
        .arg(example())
        .arg(dir.path().join("missing.json")));
    assert_eq!(code(&o), 2);
    let o = run(bin().args(["solve", "--time-limit", "-3"]).arg(example()));
    assert_eq!(code(&o), 2);
    let o = run(bin().args(["solve", "--solver", "nope"]).arg(example()));
    assert_eq!(code(&o), 2);
    assert!(text(&o.stderr).contains("greedy"));
    let o = run(bin().arg("frobnicate"));
    assert_eq!(code(&o), 2);
}

#[test]
fn bad_problem_exits_2_naming_the_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    v["jobs"][3]["arrival_window"]["end"] = "2026-11-26T07:00".into();
    v["jobs"][1]["duration_minutes"] = "long".into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, v.to_string()).unwrap();
    let out = dir.path().join("plan.json");
    let o = run(bin().arg("solve").arg(&bad).arg("-o").arg(&out));
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(err.contains("E1203 jobs[3].arrival_window"), "{err}");
    assert!(err.contains("E1102 jobs[1].duration_minutes"), "{err}");
    assert!(!out.exists(), "no output file on failure");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
}

#[test]
fn explain_ranks_technicians_and_names_rules() {
    let o = run(bin().arg("explain").arg(example()).arg("J6"));
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let s = text(&o.stdout);
    assert!(s.contains("[skills]") && s.contains("'boiler'"), "{s}");
    let o = run(bin().arg("explain").arg(example()).args(["J1", "--json"]));
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let techs = v["technicians"].as_array().unwrap();
    assert_eq!(techs.len(), 3);
    // T1 and T2 can take J1 (hvac), ranked by objective change; T3 lacks hvac
    let deltas: Vec<f64> = techs
        .iter()
        .filter_map(|t| t["insertion"]["delta_objective"].as_f64())
        .collect();
    assert_eq!(deltas.len(), 2);
    assert!(deltas[0] >= deltas[1]);
    assert_eq!(techs[2]["technician"], "T3");
    assert_eq!(techs[2]["rule"], "skills");
    let o = run(bin().arg("explain").arg(example()).arg("J404"));
    assert_eq!(code(&o), 2);
}

#[test]
fn same_seed_same_plan_on_any_thread_count() {
    let strip = |o: &Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["solver"]["seconds"] = 0.into();
        v.to_string()
    };
    let day = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/days/demo-day.json");
    let a = run(bin().arg("solve").arg(&day).args([
        "--seed",
        "5",
        "--threads",
        "1",
        "--time-limit",
        "3",
    ]));
    let b = run(bin().arg("solve").arg(&day).args([
        "--seed",
        "5",
        "--threads",
        "2",
        "--time-limit",
        "3",
    ]));
    // the default: every core
    let c = run(bin()
        .arg("solve")
        .arg(&day)
        .args(["--seed", "5", "--time-limit", "3"]));
    assert_eq!(code(&a), 0, "{}", text(&a.stderr));
    assert_eq!(strip(&a), strip(&b));
    assert_eq!(strip(&a), strip(&c));
}

#[test]
fn plans_of_generated_days_pass_the_independent_validator() {
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for seed in 0..24u64 {
        let (jobs, techs) = [(6, 2), (20, 3), (45, 6), (90, 12)][(seed % 4) as usize];
        let day = autodispatch_testkit::random_day(1000 + seed, jobs, techs);
        let problem = dir.path().join(format!("day{seed}.json"));
        std::fs::write(&problem, day.to_json()).unwrap();
        let plan = dir.path().join(format!("plan{seed}.json"));
        let o = run(bin()
            .arg("solve")
            .arg(&problem)
            .args(["--time-limit", "2", "-o"])
            .arg(&plan));
        assert_eq!(code(&o), 0, "day {seed}: {}", text(&o.stderr));
        let (c, out) = validate(&problem, &plan);
        assert_eq!(c, 0, "day {seed}: validate.py rejects the plan:\n{out}");
        checked += 1;
    }
    assert_eq!(checked, 24);
}

#[test]
fn hostile_corpus_exits_2_naming_the_field() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/bad");
    let expect = std::fs::read_to_string(dir.join("expect.tsv")).unwrap();
    let mut n = 0;
    for line in expect.lines().filter(|l| !l.starts_with('#')) {
        let (file, want) = line.split_once('\t').unwrap();
        let path = dir.join(file);
        let out = tempfile::tempdir().unwrap();
        let plan = out.path().join("plan.json");
        let o = run(bin().arg("solve").arg(&path).arg("-o").arg(&plan));
        assert_eq!(code(&o), 2, "{file}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(err.contains(want), "{file}: expected {want:?} in:\n{err}");
        assert!(!err.contains("panicked"), "{file}: {err}");
        assert!(!plan.exists(), "{file}: wrote a plan");
        let o = run(bin().arg("check").arg(&path).arg(example()));
        assert_eq!(code(&o), 2, "{file}");
        n += 1;
    }
    assert!(n >= 40, "corpus has {n} cases");
}

#[test]
fn a_100_mb_input_is_refused_or_handled_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    // 100 MB of jobs: more locations than one day's travel matrix holds
    let day: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example()).unwrap()).unwrap();
    let job = day["jobs"][0].to_string();
    let mut body = day.to_string();
    let cut = body.rfind(']').unwrap();
    let mut jobs = String::with_capacity(100 << 20);
    let mut k = 0;
    while jobs.len() < (100 << 20) {
        jobs.push(',');
        jobs.push_str(&job.replace("\"J1\"", &format!("\"X{k}\"")));
        k += 1;
    }
    body.insert_str(cut, &jobs);
    let big = dir.path().join("big.json");
    std::fs::write(&big, &body).unwrap();
    drop(body);
    let o = run(bin().arg("solve").arg(&big));
    assert_eq!(code(&o), 2);
    // refused before parsing: memory stays small
    let err = text(&o.stderr);
    assert!(err.contains("at most") && err.contains("big.json"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unwritable_output_path_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    std::fs::create_dir(&target).unwrap();
    let o = run(bin().arg("solve").arg(example()).arg("-o").arg(&target));
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("out")],
        "temp file left behind"
    );
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
}
