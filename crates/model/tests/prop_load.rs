//! Loader robustness: random mutations of valid problems (testkit days
//! written as JSON) never panic the loader, every error names a field that
//! exists (or whose parent exists, for a missing field) with a stable code,
//! and whatever loads compiles to an `Instance` and builds a plan without a
//! panic.
//!
//! The budget is fixed and seeded so CI is repeatable; `PROPTEST_CASES` and
//! `PROPTEST_RNG_SEED` override it for longer runs (docs/robustness.md).

use autodispatch_model::plan::{Schedule, SolverInfo, SolverStatus};
use autodispatch_model::{build_plan, parse_problem, ErrorCode, Instance, LoadError, Problem};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};
use serde_json::{Map, Number, Value};

/// Cases per test in CI; each case loads one mutated day.
const CASES: u32 = 4000;
const SEED: u64 = 0x60AD_2026;

fn config(cases: u32) -> Config {
    let mut c = Config {
        // shrunk failures are kept here and replayed first (commit them once they pass)
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/prop_load.txt",
        ))),
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = cases;
    }
    if c.rng_seed == RngSeed::Random {
        c.rng_seed = RngSeed::Fixed(SEED);
    }
    c.max_shrink_iters = 2000;
    c
}

/// Every code the loader may give, as printed; a new code must be added here
/// and to the docs on purpose.
const STABLE_CODES: [&str; 14] = [
    "E1001", "E1002", "E1101", "E1102", "E1103", "E1104", "E1201", "E1203", "E1301", "E1302",
    "E1303", "E1304", "E1401", "E1402",
];

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    At(usize),
}

/// Splits a loader path (`jobs[3].arrival_window.end`, `$`) into segments.
fn parse_path(path: &str) -> Option<Vec<Seg>> {
    if path == "$" {
        return Some(Vec::new());
    }
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return None;
        }
        segs.push(Seg::Key(key.to_string()));
        while let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            segs.push(Seg::At(r[..close].parse().ok()?));
            rest = &r[close + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(segs)
}

fn resolve<'a>(v: &'a Value, segs: &[Seg]) -> Option<&'a Value> {
    let mut cur = v;
    for s in segs {
        cur = match (s, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get(k)?,
            (Seg::At(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Loads text and asserts the loader's contract; returns the errors (empty
/// when the problem loaded).
fn load_checked(
    text: &str,
    doc: Option<&Value>,
) -> Result<Vec<(ErrorCode, String)>, TestCaseError> {
    match parse_problem(text) {
        Ok(p) => {
            compiles(&p);
            Ok(Vec::new())
        }
        Err(LoadError::Io { .. }) => Err(TestCaseError::fail("an I/O error from text")),
        Err(LoadError::Invalid(errs)) => {
            prop_assert!(!errs.is_empty(), "Invalid with no error");
            for e in &errs {
                prop_assert!(!e.path.is_empty(), "empty path: {e}");
                prop_assert!(STABLE_CODES.contains(&e.code.as_str()), "code {e}");
                prop_assert!(!e.message.trim().is_empty(), "no message: {e}");
                prop_assert!(!e.code.hint().is_empty());
                if e.code == ErrorCode::MalformedJson {
                    prop_assert_eq!(e.path.as_str(), "$");
                    continue;
                }
                let Some(doc) = doc else { continue };
                let segs = parse_path(&e.path);
                prop_assert!(segs.is_some(), "unparsable path {:?}: {}", e.path, e);
                let segs = segs.unwrap();
                // the field itself, or (for a missing one) its parent, is in the file
                let parent = &segs[..segs.len().saturating_sub(1)];
                prop_assert!(
                    resolve(doc, &segs).is_some() || resolve(doc, parent).is_some(),
                    "error names a field not in the file: {}",
                    e
                );
            }
            Ok(errs.into_iter().map(|e| (e.code, e.path)).collect())
        }
    }
}

/// Whatever loads compiles and builds an (empty) plan: reasons for every job
/// are computed there, which walks every rule.
fn compiles(p: &Problem) {
    let inst = Instance::new(p);
    let info = SolverInfo {
        name: "none".into(),
        status: SolverStatus::Feasible,
        seconds: 0.0,
        bound: None,
        note: None,
    };
    let plan = build_plan(&inst, &Schedule::default(), info);
    assert_eq!(
        plan.unassigned.len() + plan.excluded.len(),
        p.jobs.len(),
        "an empty schedule leaves every job unassigned or excluded"
    );
}

/// Every node of a document, by path, root first.
fn nodes(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                at.push(Seg::Key(k.clone()));
                nodes(c, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                at.push(Seg::At(i));
                nodes(c, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn resolve_mut<'a>(v: &'a mut Value, segs: &[Seg]) -> Option<&'a mut Value> {
    let mut cur = v;
    for s in segs {
        cur = match (s, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::At(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn path_string(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::At(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Random JSON of every type; object keys avoid `.` and `[` so paths stay
/// parseable, and include the format's own field names so nested nonsense
/// reaches deeper into the readers.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        "[a-z_]{1,10}",
        prop::sample::select(vec![
            "id",
            "start",
            "end",
            "kind",
            "lat",
            "lon",
            "model",
            "minutes",
            "job",
            "technician",
            "source",
            "free_from",
            "replacement",
            "repair",
        ])
        .prop_map(str::to_string),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|x| Number::from_f64(x).map_or(Value::Null, Value::Number)),
        (-1.0e3..1.0e3f64).prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        number_like().prop_map(Value::String),
        time_like().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Strings that look like numbers to a person (or a lax parser).
fn number_like() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "NaN",
        "nan",
        "-NaN",
        "Infinity",
        "-Infinity",
        "inf",
        "1e999",
        "-1e999",
        "1e308",
        "-1",
        "-0",
        "0x10",
        "1_000",
        "١٢٣",
        "12.5",
        "",
        " 3",
        "9999999999999999999999",
    ])
    .prop_map(str::to_string)
}

/// Strings near the time format, to reach the time parser's corners.
fn time_like() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "2026-11-26T08:00",
        "2026-11-26T25:00",
        "2026-02-30T08:00",
        "2026-11-26T08:00:60",
        "2026-11-26T08:00:00.123456789",
        "2026-11-26 08:00",
        "2026-11-26T08:00Z",
        "2026-11-26T08:00+01:00",
        "+99999-01-01T00:00",
        "0000-01-01T00:00",
        "9999-12-31T23:59",
        "1969-12-31T23:59",
        "2026-11-26T0８:00",
        "2026-11-26T08:00.",
        "T",
    ])
    .prop_map(str::to_string)
}

/// Numbers far out of any range, as JSON numbers.
fn extreme_number() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        1.0e308, -1.0e308, 1.0e15, -1.0e15, -1.0, -0.0, 0.0, 1e-300, 4.0e9, -4.0e9,
    ])
    .prop_map(Value::from)
    .boxed()
    .prop_union(
        prop::sample::select(vec![u64::MAX, i64::MAX as u64, u64::from(u32::MAX)])
            .prop_map(Value::from)
            .boxed(),
    )
    .or(Just(Value::from(i64::MIN)).boxed())
}

#[derive(Debug, Clone)]
enum Op {
    /// Replace a node with random JSON.
    Replace(Index, Value),
    /// Remove a node from its object or list.
    Delete(Index),
    /// Give a job (or technician) another one's id.
    DuplicateId(bool, Index, Index),
    /// Replace a number with a string that looks like one.
    NumberAsString(Index, String),
    /// Replace a number with an extreme one.
    Extreme(Index, Value),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<Index>(), any_json()).prop_map(|(i, v)| Op::Replace(i, v)),
        2 => any::<Index>().prop_map(Op::Delete),
        1 => (any::<bool>(), any::<Index>(), any::<Index>())
            .prop_map(|(t, a, b)| Op::DuplicateId(t, a, b)),
        2 => (any::<Index>(), number_like()).prop_map(|(i, s)| Op::NumberAsString(i, s)),
        2 => (any::<Index>(), extreme_number()).prop_map(|(i, v)| Op::Extreme(i, v)),
    ]
}

/// What a mutation promises about the load, when it promises anything.
#[derive(Debug)]
enum Expect {
    /// The load must fail with an error at this path (any code).
    ErrorAt(String),
    /// The load must fail with this code at this path.
    CodeAt(ErrorCode, String),
}

/// Fields every file must have (FORMAT.md "Required fields"), relative to
/// the root, a technician, and a job.
const REQUIRED_ROOT: [&str; 6] = [
    "schema",
    "name",
    "business_hours",
    "travel",
    "technicians",
    "jobs",
];
const REQUIRED_TECH: [&str; 2] = ["id", "shifts"];
const REQUIRED_JOB: [&str; 6] = [
    "id",
    "job_type",
    "arrival_window",
    "duration_minutes",
    "value",
    "status",
];

fn is_required(segs: &[Seg]) -> bool {
    match segs {
        [Seg::Key(k)] => REQUIRED_ROOT.contains(&k.as_str()),
        [Seg::Key(list), Seg::At(_), Seg::Key(k)] if list == "technicians" => {
            REQUIRED_TECH.contains(&k.as_str())
        }
        [Seg::Key(list), Seg::At(_), Seg::Key(k)] if list == "jobs" => {
            REQUIRED_JOB.contains(&k.as_str())
        }
        [Seg::Key(bh), Seg::Key(k)] if bh == "business_hours" => k == "start" || k == "end",
        _ => false,
    }
}

/// Applies one operation; returns what it promises, if anything.
fn apply(doc: &mut Value, orig: &Value, op: &Op) -> Option<Expect> {
    let mut all = Vec::new();
    nodes(doc, &mut Vec::new(), &mut all);
    let numbers: Vec<Vec<Seg>> = all
        .iter()
        .filter(|p| resolve(doc, p).is_some_and(Value::is_number))
        .cloned()
        .collect();
    match op {
        Op::Replace(i, v) => {
            let at = i.get(&all).clone();
            *resolve_mut(doc, &at)? = v.clone();
            None
        }
        Op::Delete(i) => {
            let at = i.get(&all).clone();
            let (last, parent) = at.split_last()?;
            let required = is_required(&at);
            match (resolve_mut(doc, parent)?, last) {
                (Value::Object(m), Seg::Key(k)) => {
                    m.shift_remove(k);
                }
                (Value::Array(a), Seg::At(i)) => {
                    a.remove(*i);
                    return None;
                }
                _ => return None,
            }
            required.then(|| Expect::ErrorAt(path_string(&at)))
        }
        Op::DuplicateId(tech, a, b) => {
            let list = if *tech { "technicians" } else { "jobs" };
            let items = doc.get_mut(list)?.as_array_mut()?;
            if items.len() < 2 {
                return None;
            }
            let (a, b) = (a.index(items.len()), b.index(items.len()));
            if a == b {
                return None;
            }
            let id = items[a].get("id")?.clone();
            *items[b].get_mut("id")? = id;
            let code = if *tech {
                ErrorCode::DuplicateTechnician
            } else {
                ErrorCode::DuplicateJob
            };
            Some(Expect::CodeAt(code, format!("{list}[{}].id", a.max(b))))
        }
        Op::NumberAsString(i, s) => {
            if numbers.is_empty() {
                return None;
            }
            let at = i.get(&numbers).clone();
            *resolve_mut(doc, &at)? = Value::String(s.clone());
            // every number of the format is a number: a string there is
            // wrong (a number under a field the format does not know is not)
            resolve(orig, &at)
                .is_some_and(Value::is_number)
                .then(|| Expect::ErrorAt(path_string(&at)))
        }
        Op::Extreme(i, v) => {
            if numbers.is_empty() {
                return None;
            }
            let at = i.get(&numbers).clone();
            *resolve_mut(doc, &at)? = v.clone();
            None
        }
    }
}

fn day(seed: u64, jobs: usize, techs: usize) -> Value {
    let p = autodispatch_testkit::random_day(seed, jobs, techs);
    serde_json::from_str(&p.to_json()).expect("testkit days serialize")
}

proptest! {
    #![proptest_config(config(CASES))]

    /// Structural mutations: the loader never panics, its errors name real
    /// fields, and each mutation's promise (missing required field, duplicate
    /// id, string for a number) is kept.
    #[test]
    fn structural_mutations_never_panic_and_name_the_field(
        seed in 0u64..1_000_000,
        jobs in 0usize..10,
        techs in 0usize..4,
        ops in prop::collection::vec(op(), 1..4),
    ) {
        let orig = day(seed, jobs, techs);
        let mut doc = orig.clone();
        let mut promise = None;
        for op in &ops {
            promise = apply(&mut doc, &orig, op);
        }
        let text = doc.to_string();
        let errs = load_checked(&text, Some(&doc))?;
        // Only the last operation promises, and precisely only when it is
        // the sole one: an earlier mutation may stop a reader before the
        // promised field (a travel model deleted leaves its matrix unread).
        // Either way the file is invalid and must be refused.
        let (path, code) = match promise {
            Some(Expect::ErrorAt(path)) => (path, None),
            Some(Expect::CodeAt(code, path)) => (path, Some(code)),
            None => return Ok(()),
        };
        prop_assert!(!errs.is_empty(), "an invalid file loaded (expected an error at {})", path);
        // a wrong schema stops the reader before anything else
        let schema_broken = errs.iter().any(|(c, _)| *c == ErrorCode::UnknownSchema);
        if ops.len() == 1 && !schema_broken {
            prop_assert!(
                errs.iter().any(|(c, p)| *p == path && code.map_or(true, |k| k == *c)),
                "expected {:?} at {}; got {:?}", code, path, errs
            );
        }
    }

    /// Text mutations: truncation at any byte (lossily re-decoded) and
    /// random characters, multi-byte ones included, at any character
    /// boundary. Only the no-panic and error-shape contract applies.
    #[test]
    fn text_mutations_never_panic(
        seed in 0u64..1_000_000,
        jobs in 0usize..8,
        techs in 0usize..3,
        cut in any::<Index>(),
        truncate in any::<bool>(),
        inserts in prop::collection::vec((any::<Index>(), any::<char>()), 0..4),
    ) {
        let doc = day(seed, jobs, techs);
        let mut text = doc.to_string();
        for (at, ch) in &inserts {
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            let i = at.get(&bounds);
            text.insert(*i, *ch);
        }
        if truncate {
            let bytes = text.as_bytes();
            let n = cut.index(bytes.len() + 1);
            text = String::from_utf8_lossy(&bytes[..n]).into_owned();
        }
        // a mutated text that is still JSON is checked against its own document
        let parsed: Option<Value> = serde_json::from_str(&text).ok();
        load_checked(&text, parsed.as_ref())?;
    }
}

/// Fixed corner cases found worth keeping: each must be refused with a
/// path, none may panic.
#[test]
fn fixed_hostile_corpus() {
    let base = day(7, 6, 3);
    let text = base.to_string();
    let mut cases: Vec<String> = vec![
        String::new(),
        "\u{feff}".into(),
        "\u{feff}{}".into(),
        "null".into(),
        "\"dispatch-problem/1\"".into(),
        text[..text.len() / 2].to_string(),
        text.replace("\"jobs\"", "\"jobs\"\u{0}"),
        "[".repeat(200_000),
        "{\"a\":".repeat(50_000),
        format!("{}{}", text, "x"),
    ];
    for (k, v) in [
        ("duration_minutes", "NaN"),
        ("duration_minutes", "1e999"),
        ("value", "-1e400"),
    ] {
        cases.push(text.replacen(&format!("\"{k}\":"), &format!("\"{k}\":{v},\"x\":"), 1));
    }
    for c in &cases {
        let parsed: Option<Value> = serde_json::from_str(c).ok();
        match load_checked(c, parsed.as_ref()) {
            Ok(errs) => assert!(!errs.is_empty(), "{:?} loaded", &c[..c.len().min(60)]),
            Err(e) => panic!("{e}"),
        }
    }
}
