//! Robustness of the command line: plans identical across thread counts
//! (timing aside) on days of 30, 300 and 1000 jobs; no output file, partial
//! or temporary, when a solve cannot write; `check` never panics on mutated
//! plans.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// SplitMix64: a seeded stream for the mutations (the CLI crate has no
/// random-number dependency, and this one needs none).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the bias is negligible here).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_autodispatch"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the binary runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A panic in Rust prints this; no exit code may hide one.
fn assert_no_panic(o: &Output, what: &str) {
    let err = text(&o.stderr);
    assert!(
        !err.contains("panicked at") && code(o) != 101,
        "{what}: panic (exit {}): {err}",
        code(o)
    );
}

fn write_day(dir: &Path, name: &str, p: &autodispatch_model::Problem) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, p.to_json()).unwrap();
    path
}

/// A plan as JSON with its timing field removed.
fn without_timing(plan: &str) -> Value {
    let mut v: Value = serde_json::from_str(plan).expect("a plan is JSON");
    v["solver"]
        .as_object_mut()
        .expect("solver is an object")
        .remove("seconds");
    v
}

fn solve_text(day: &Path, threads: usize, seed: u64) -> String {
    solve_text_with("greedy", day, threads, seed)
}

fn solve_text_with(solver: &str, day: &Path, threads: usize, seed: u64) -> String {
    let o = run(bin()
        .arg("solve")
        .arg(day)
        .args(["--solver", solver, "--time-limit", "600", "--seed"])
        .arg(seed.to_string())
        .args(["--threads", &threads.to_string()]));
    assert_eq!(code(&o), 0, "{}: {}", day.display(), text(&o.stderr));
    text(&o.stdout)
}

/// Greedy's plan is the same, byte for byte apart from `solver.seconds`,
/// for 1, 2 and 8 threads. The limit is far beyond the solve so the clock
/// never decides the result.
#[test]
fn greedy_plans_are_byte_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let days = [
        ("random-30", autodispatch_testkit::random_day(31, 30, 5)),
        ("random-300", autodispatch_testkit::random_day(32, 300, 30)),
        ("bench-300", autodispatch_testkit::bench_day(33, 300, 40)),
        ("bench-1000", autodispatch_testkit::bench_day(34, 1000, 120)),
    ];
    for (name, day) in &days {
        let path = write_day(dir.path(), name, day);
        let one = solve_text(&path, 1, 5);
        let plan = without_timing(&one);
        for threads in [2, 8] {
            let other = solve_text(&path, threads, 5);
            let other_plan = without_timing(&other);
            assert!(
                plan == other_plan,
                "{name}: plan differs between 1 and {threads} threads"
            );
            // byte-identical: the text differs at most in the seconds value
            let strip = |s: &str| {
                s.lines()
                    .filter(|l| !l.trim_start().starts_with("\"seconds\""))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            assert_eq!(strip(&one), strip(&other), "{name}: {threads} threads");
        }
    }
}

/// Ruin and recreate counts its work instead of watching the clock, so its
/// plan too is the same for 1, 2 and 8 threads (and for a run on another
/// day of the machine) when the limit is far away; another seed gives
/// another search.
#[test]
fn lns_plans_are_identical_across_thread_counts_and_follow_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    for (name, day) in [
        ("random-30", autodispatch_testkit::random_day(35, 30, 5)),
        ("bench-100", autodispatch_testkit::bench_day(36, 100, 15)),
    ] {
        let path = write_day(dir.path(), name, &day);
        let one = without_timing(&solve_text_with("lns", &path, 1, 5));
        for threads in [2, 8] {
            let other = without_timing(&solve_text_with("lns", &path, threads, 5));
            assert!(
                one == other,
                "{name}: lns plan differs between 1 and {threads} threads"
            );
        }
        if name == "bench-100" {
            let reseeded = without_timing(&solve_text_with("lns", &path, 1, 6));
            assert!(
                one["routes"] != reseeded["routes"],
                "{name}: the seed changes nothing"
            );
        }
    }
}

/// Every entry of a directory, hidden ones included.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Output under a missing directory, or under a file: non-zero exit and
/// nothing created.
#[test]
fn solve_into_an_impossible_path_fails_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let day = write_day(
        dir.path(),
        "day",
        &autodispatch_testkit::random_day(4, 12, 3),
    );
    let before = entries(dir.path());
    for out in [
        dir.path().join("missing").join("plan.json"),
        day.join("plan.json"),
    ] {
        let o = run(bin().arg("solve").arg(&day).arg("-o").arg(&out));
        assert_no_panic(&o, "solve -o IMPOSSIBLE");
        assert_ne!(code(&o), 0, "{}", out.display());
        assert!(!out.exists());
        assert_eq!(entries(dir.path()), before, "{}", out.display());
    }
}

/// A bad problem: exit 2 and an existing output file keeps its old content.
#[test]
fn bad_problem_keeps_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"schema\": \"dispatch-problem/1\", \"jobs\": [").unwrap();
    let out = dir.path().join("plan.json");
    std::fs::write(&out, "old").unwrap();
    let before = entries(dir.path());
    let o = run(bin().arg("solve").arg(&bad).arg("-o").arg(&out));
    assert_no_panic(&o, "solve bad");
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    assert_eq!(entries(dir.path()), before);
}

/// Random JSON of every type, for replacing plan nodes.
fn random_json(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth == 0 { 9 } else { 11 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.next() % 2 == 0),
        2 => Value::from(rng.next() as i64),
        3 => Value::from((rng.next() % 2_000_000) as f64 / 1.0 - 1.0e6),
        4 => Value::from(*rng.pick(&["NaN", "1e999", "-1", "", "Infinity"])),
        5 => Value::from(*rng.pick(&[
            "2026-11-26T08:00",
            "2026-11-26T25:00",
            "9999-12-31T23:59",
            "2026-11-26T0８:00",
        ])),
        6 => Value::from(*rng.pick(&[
            "locked",
            "kept",
            "assigned",
            "time_limit",
            "capacity",
            "J1",
            "T1",
        ])),
        7 => Value::from((rng.next() % 1000) as f64 * 1.0e300),
        8 => Value::from("é—😀\u{0}"),
        9 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(4))
                .map(|k| (format!("k{k}"), random_json(rng, depth - 1)))
                .collect(),
        ),
    }
}

fn node_paths(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                at.push(Value::from(k.as_str()));
                node_paths(c, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                at.push(Value::from(i));
                node_paths(c, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |cur, seg| match seg {
        Value::String(k) => &mut cur[k.as_str()],
        _ => &mut cur[usize::try_from(seg.as_u64().unwrap()).unwrap()],
    })
}

/// One random mutation of a plan's JSON text: replace or delete a node,
/// swap two stops' jobs, or garble the text (truncate, insert characters).
fn mutate(plan: &Value, rng: &mut Rng) -> String {
    let mut v = plan.clone();
    let mut paths = Vec::new();
    node_paths(&v, &mut Vec::new(), &mut paths);
    match rng.below(6) {
        0 | 1 => {
            let p = rng.pick(&paths).clone();
            *node_mut(&mut v, &p) = random_json(rng, 2);
        }
        2 => {
            let p = rng.pick(&paths).clone();
            if let Some((last, parent)) = p.split_last() {
                match (node_mut(&mut v, parent), last) {
                    (Value::Object(m), Value::String(k)) => {
                        m.shift_remove(k);
                    }
                    (Value::Array(a), i) => {
                        a.remove(usize::try_from(i.as_u64().unwrap()).unwrap());
                    }
                    _ => {}
                }
            }
        }
        3 => {
            // move a job id somewhere else: duplicates and lost jobs
            let ids: Vec<Vec<Value>> = paths
                .iter()
                .filter(|p| p.last() == Some(&Value::from("job")))
                .cloned()
                .collect();
            if ids.len() >= 2 {
                let a = rng.pick(&ids).clone();
                let b = rng.pick(&ids).clone();
                let id = node_mut(&mut v, &a).clone();
                *node_mut(&mut v, &b) = id;
            }
        }
        4 => {
            let s = v.to_string();
            let n = rng.below(s.len() + 1);
            return String::from_utf8_lossy(&s.as_bytes()[..n]).into_owned();
        }
        _ => {
            let mut s = v.to_string();
            for _ in 0..1 + rng.below(3) {
                let at: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
                let i = *rng.pick(&at);
                let c = *rng.pick(&['"', '{', ']', ',', '\u{0}', 'é', '😀', '\u{feff}', '9']);
                s.insert(i, c);
            }
            return s;
        }
    }
    v.to_string()
}

/// `check` on mutated plans: exit 0 or 1 for readable JSON (the checker
/// judges it), 2 only when the plan is not JSON; never a panic.
#[test]
fn check_never_panics_on_mutated_plans() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0xC4EC);
    let cases: usize = std::env::var("ROBUSTNESS_CHECK_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(150);
    let mut seen = [0usize; 3];
    for k in 0..cases {
        let seed = 900 + (k / 20) as u64;
        let day_path = dir.path().join(format!("day-{seed}.json"));
        if !day_path.exists() {
            write_day(
                dir.path(),
                &format!("day-{seed}"),
                &autodispatch_testkit::random_day(seed, 15, 3),
            );
        }
        let plan_path = dir.path().join(format!("plan-{seed}.json"));
        if !plan_path.exists() {
            let o = run(bin().arg("solve").arg(&day_path).arg("-o").arg(&plan_path));
            assert_eq!(code(&o), 0, "{}", text(&o.stderr));
        }
        let plan: Value =
            serde_json::from_str(&std::fs::read_to_string(&plan_path).unwrap()).unwrap();
        let mutant = mutate(&plan, &mut rng);
        let m = dir.path().join("mutant.json");
        std::fs::write(&m, &mutant).unwrap();
        let o = run(bin().arg("check").arg(&day_path).arg(&m));
        let what = format!("case {k}: {}", mutant.chars().take(300).collect::<String>());
        assert_no_panic(&o, &what);
        let c = code(&o);
        let is_json = serde_json::from_str::<Value>(&mutant).is_ok();
        if is_json {
            assert!(c == 0 || c == 1, "{what}: exit {c}: {}", text(&o.stderr));
        } else {
            assert_eq!(c, 2, "{what}: unreadable plan, exit {c}");
            assert!(!text(&o.stderr).trim().is_empty(), "{what}: no message");
        }
        seen[usize::try_from(c).unwrap()] += 1;
    }
    // the mutations must reach the checker, not only the JSON reader
    assert!(seen[1] > 0 && seen[2] > 0, "exits 0/1/2: {seen:?}");
}

/// Does this binary offer `--solver NAME`?
fn offers(solver: &str) -> bool {
    let o = run(bin().args(["solve", "/nonexistent.json", "--solver", solver]));
    !text(&o.stderr).contains("unknown solver")
}

/// The MILP-based solvers, when the binary offers them, give the same plan
/// (timing aside) for 1, 2 and 8 threads whenever they finish before their
/// limit (issue 6: "for the default solver whenever it finishes before its
/// limit"); a run cut by the clock may differ and is not compared.
#[test]
fn milp_plans_are_identical_across_thread_counts_when_they_finish() {
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for solver in ["auto", "milp"] {
        if !offers(solver) {
            continue;
        }
        for (k, (jobs, techs)) in [(8, 2), (15, 3), (25, 4)].into_iter().enumerate() {
            let seed = 40 + k as u64;
            let day = write_day(
                dir.path(),
                &format!("day-{seed}"),
                &autodispatch_testkit::random_day(seed, jobs, techs),
            );
            let plans: Vec<Value> = [1, 2, 8]
                .iter()
                .map(|threads| {
                    let o = run(bin()
                        .arg("solve")
                        .arg(&day)
                        .args(["--solver", solver, "--time-limit", "60", "--seed", "3"])
                        .args(["--threads", &threads.to_string()]));
                    assert_eq!(code(&o), 0, "{solver} {jobs}x{techs}: {}", text(&o.stderr));
                    without_timing(&text(&o.stdout))
                })
                .collect();
            if plans.iter().any(|p| p["solver"]["status"] == "time_limit") {
                continue;
            }
            for (p, threads) in plans[1..].iter().zip([2, 8]) {
                assert!(
                    *p == plans[0],
                    "{solver} {jobs}x{techs}: plan differs between 1 and {threads} threads"
                );
            }
            compared += 1;
        }
    }
    // with neither solver offered there is nothing to compare; with one, it
    // must finish on these small days
    assert!(compared > 0 || !(offers("auto") || offers("milp")));
}

/// A scenario with one value replaced by an extreme, or its text cut or
/// garbled.
fn mutate_scenario(text: &str, rng: &mut Rng) -> String {
    const VALUES: [&str; 18] = [
        "0",
        "-1",
        "-0.5",
        "1e308",
        "-1e308",
        "nan",
        "inf",
        "-inf",
        "99999999999999",
        "9223372036854775807",
        "\"\"",
        "\"x\"",
        "[]",
        "{}",
        "[1e308, 1e308]",
        "[\"24:00\", \"00:00\"]",
        "\"25:61\"",
        "true",
    ];
    let lines: Vec<&str> = text.lines().collect();
    match rng.below(5) {
        0 => {
            let n = rng.below(text.len() + 1);
            String::from_utf8_lossy(&text.as_bytes()[..n]).into_owned()
        }
        1 => {
            let mut s = text.to_string();
            let at: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
            let i = *rng.pick(&at);
            s.insert(
                i,
                *rng.pick(&['[', '"', '=', '\u{0}', 'é', '😀', '\n', '{']),
            );
            s
        }
        _ => {
            // a value after `key =`, or an item inside an inline table
            let assigns: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with('#') && l.contains(" = "))
                .map(|(i, _)| i)
                .collect();
            let i = *rng.pick(&assigns);
            let line = lines[i];
            let eq = line.find(" = ").unwrap();
            let new = format!("{} = {}", &line[..eq], rng.pick(&VALUES));
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
            out[i] = new;
            out.join("\n")
        }
    }
}

/// `generate` on mutated scenarios: exit 0 or 2, never a panic; a message
/// on exit 2; and a day it does generate loads and solves.
#[test]
fn generate_never_panics_on_mutated_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut rng = Rng(0x5CE7);
    let cases: usize = std::env::var("ROBUSTNESS_SCENARIO_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let names = ["small", "metro-medium", "storm-surge"];
    let mut seen = [0usize; 3];
    for k in 0..cases {
        let name = names[k % names.len()];
        let original =
            std::fs::read_to_string(root.join(format!("scenarios/{name}.toml"))).unwrap();
        let mutant = mutate_scenario(&original, &mut rng);
        let file = dir.path().join("mutant.toml");
        std::fs::write(&file, &mutant).unwrap();
        let day = dir.path().join("day.json");
        let _ = std::fs::remove_file(&day);
        let o = run(bin()
            .args(["generate", "--scenario"])
            .arg(&file)
            .args(["--seed", "1", "-o"])
            .arg(&day));
        let diff: String = mutant
            .lines()
            .zip(original.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a)
            .take(2)
            .collect::<Vec<_>>()
            .join(" | ");
        let what = format!("case {k} ({name}): {diff}");
        assert_no_panic(&o, &what);
        let c = code(&o);
        assert!(c == 0 || c == 2, "{what}: exit {c}: {}", text(&o.stderr));
        if c == 2 {
            assert!(!text(&o.stderr).trim().is_empty(), "{what}: no message");
            assert!(!day.exists(), "{what}: output written on failure");
        } else {
            let s = run(bin().arg("solve").arg(&day).args(["--time-limit", "20"]));
            assert_no_panic(&s, &what);
            assert_eq!(
                code(&s),
                0,
                "{what}: the generated day: {}",
                text(&s.stderr)
            );
        }
        seen[usize::try_from(c).unwrap()] += 1;
    }
    assert!(seen[0] > 0 && seen[2] > 0, "exits 0/1/2: {seen:?}");
}

/// Every solver the CLI builds on (greedy, lns, milp, auto) plans random days,
/// special kinds included, checker-clean and losing no job; a plan called
/// optimal is no worse than greedy's, and a stated bound is not below the
/// plan's objective.
#[test]
fn every_solver_plans_random_days_cleanly() {
    use autodispatch_model::build::objective;
    use autodispatch_model::check::check_plan;
    use autodispatch_model::{build_plan, Instance, SolveOptions, Solver, SolverInfo};
    let days: u64 = std::env::var("ROBUSTNESS_SOLVER_DAYS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let mut rng = Rng(0x50_1E);
    for k in 0..days {
        let (jobs, techs) = (rng.below(26), rng.below(6));
        let p = autodispatch_testkit::random_day(7000 + k, jobs, techs);
        let inst = Instance::new(&p);
        let opts = SolveOptions {
            time_limit: std::time::Duration::from_secs(30),
            seed: k,
            threads: 1,
            gap: 0.0,
        };
        let greedy = autodispatch_greedy::Greedy.solve(&inst, &opts).unwrap();
        let g = objective(&inst, &greedy.schedule);
        let solvers: [(&str, Box<dyn Solver>); 3] = [
            ("lns", Box::new(autodispatch_greedy::Lns)),
            ("milp", Box::new(autodispatch_milp::Milp::default())),
            ("auto", Box::new(autodispatch_milp::Auto::default())),
        ];
        for (name, solver) in solvers {
            let what = format!("{name} on random_day({}, {jobs}, {techs})", 7000 + k);
            let sol = match solver.solve(&inst, &opts) {
                Ok(sol) => sol,
                // milp may fail (auto then falls back); auto may not
                Err(e) => {
                    assert_eq!(name, "milp", "{what}: {e}");
                    continue;
                }
            };
            let info = SolverInfo {
                name: name.into(),
                status: sol.status,
                seconds: 0.0,
                bound: sol.bound,
                note: None,
            };
            let plan = build_plan(&inst, &sol.schedule, info);
            let report = check_plan(&p, &plan);
            assert!(report.is_valid(), "{what}: {report}");
            let listed = plan.routes.iter().map(|r| r.stops.len()).sum::<usize>()
                + plan.unassigned.len()
                + plan.excluded.len();
            assert_eq!(listed, p.jobs.len(), "{what}: jobs lost or doubled");
            let obj = objective(&inst, &sol.schedule);
            if let Some(b) = sol.bound {
                assert!(
                    b >= obj - 1e-6 * obj.abs().max(1.0),
                    "{what}: bound {b} < {obj}"
                );
            }
            if sol.status == autodispatch_model::SolverStatus::Optimal {
                assert!(
                    obj >= g - 1e-6 * g.abs().max(1.0),
                    "{what}: 'optimal' {obj} below greedy's {g}"
                );
            }
        }
    }
}

/// `simulate` on mutated scenarios: exit 0 or 2, never dies of a panic; nothing
/// written outside `--out`, and nothing inside it on exit 2.
#[test]
fn simulate_never_panics_on_mutated_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut rng = Rng(0x51A7);
    let cases: usize = std::env::var("ROBUSTNESS_SCENARIO_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let original = std::fs::read_to_string(root.join("scenarios/small.toml")).unwrap();
    let file = dir.path().join("mutant.toml");
    let mut seen = [0usize; 3];
    for k in 0..cases {
        let mutant = mutate_scenario(&original, &mut rng);
        std::fs::write(&file, &mutant).unwrap();
        let out = dir.path().join(format!("out-{k}"));
        let before = entries(dir.path());
        let o = run(bin()
            .args(["simulate", "--scenario"])
            .arg(&file)
            .args([
                "--seed",
                "1",
                "--time-limit",
                "2",
                "--threads",
                "1",
                "--days",
                "1",
            ])
            .args(["--solvers", "greedy", "--cycle-minutes", "60", "--out"])
            .arg(&out));
        let diff: String = mutant
            .lines()
            .zip(original.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a)
            .take(2)
            .collect::<Vec<_>>()
            .join(" | ");
        let what = format!("case {k}: {diff}");
        // the simulator survives a panic inside a cycle by design (recorded
        // as a fault); the process itself must not die of one
        let c = code(&o);
        assert_ne!(c, 101, "{what}: panic: {}", text(&o.stderr));
        assert!(c == 0 || c == 2, "{what}: exit {c}: {}", text(&o.stderr));
        let mut after = entries(dir.path());
        after.retain(|e| *e != format!("out-{k}"));
        assert_eq!(after, before, "{what}: files written outside --out");
        if c == 2 {
            assert!(!text(&o.stderr).trim().is_empty(), "{what}: no message");
            assert!(
                !out.exists() || entries(&out).is_empty(),
                "{what}: output written on failure"
            );
        }
        seen[usize::try_from(c).unwrap()] += 1;
    }
    assert!(seen[0] > 0 && seen[2] > 0, "exits 0/1/2: {seen:?}");
}
