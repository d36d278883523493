//! Weight sweeps: one scenario replayed under many settings configurations
//! (tag weights, drive cost, preferred-technician bonus, reschedule mode).
//!
//! A spec file (TOML, see `scenarios/weights-example.toml`) lists explicit
//! configurations, a grid and/or a seeded random search, and names the
//! baseline. Every configuration replays the same seeded days: settings
//! are only copied into each day's problem and never feed a random draw, so
//! differences between configurations are paired (common random numbers).
//!
//! The (configuration × day) grid splits into deterministic shards; each
//! shard's raw results are a JSONL file whose first line describes the
//! whole sweep, so [`merge`] can refuse shards of different sweeps and name
//! missing or repeated ones. Reports are always made from parsed raw
//! records (see [`crate::sweep_report`]), which is why a merged run writes
//! the same bytes as an unsharded one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::experiment::{self, ExperimentError, SolverFactory};
use crate::generate::generate_sim_day;
use crate::random::hash;
use crate::replay::{replay, DayMetrics, ReplayOptions};
use crate::scenario::limits::MAX_MONEY;
use crate::scenario::{de_error, line_of_key, read_file, show, Scenario, ScenarioError};

/// At most this many configurations in one sweep.
pub const MAX_CONFIGS: usize = 10_000;

/// Random-search stream purpose (kept apart from the day generator's).
const RANDOM_SEARCH: u64 = 0x5_7EE9;

const RESCHEDULE: [&str; 2] = ["arrival_window", "business_hours"];

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    baseline: String,
    #[serde(default)]
    high_priority: HighPrioritySpec,
    #[serde(default)]
    config: Vec<ConfigSpec>,
    #[serde(default)]
    grid: Option<GridSpec>,
    #[serde(default)]
    random: Option<RandomSpec>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct HighPrioritySpec {
    tags: Option<Vec<String>>,
    above: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct ConfigSpec {
    name: String,
    #[serde(default)]
    tag_weights: BTreeMap<String, f64>,
    drive_cost_per_minute: Option<f64>,
    preferred_technician_bonus: Option<f64>,
    reschedule_within: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct GridSpec {
    #[serde(default)]
    tag_weights: BTreeMap<String, Vec<f64>>,
    #[serde(default)]
    drive_cost_per_minute: Vec<f64>,
    #[serde(default)]
    preferred_technician_bonus: Vec<f64>,
    #[serde(default)]
    reschedule_within: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RandomSpec {
    count: usize,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    tag_weights: BTreeMap<String, [f64; 2]>,
    drive_cost_per_minute: Option<[f64; 2]>,
    preferred_technician_bonus: Option<[f64; 2]>,
    #[serde(default)]
    reschedule_within: Vec<String>,
}

/// A parsed weight-sweep spec.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightSpec {
    file: SpecFile,
    /// The file's text, to name the line of errors found later.
    text: String,
}

/// One settings configuration of a sweep, fully resolved against the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub name: String,
    /// Where it came from: `config`, `grid` or `random`.
    pub origin: String,
    /// Every tag weight the day carries (the scenario's, with overrides).
    pub tag_weights: BTreeMap<String, f64>,
    pub drive_cost_per_minute: f64,
    pub preferred_technician_bonus: f64,
    pub reschedule_within: String,
}

impl Config {
    /// The scenario with this configuration's settings.
    #[must_use]
    pub fn apply(&self, sc: &Scenario) -> Scenario {
        let mut sc = sc.clone();
        sc.settings.tag_weights.clone_from(&self.tag_weights);
        sc.settings.drive_cost_per_minute = self.drive_cost_per_minute;
        sc.settings.preferred_technician_bonus = self.preferred_technician_bonus;
        sc.settings
            .reschedule_within
            .clone_from(&self.reschedule_within);
        sc
    }
}

/// The configurations of a spec applied to a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Configurations {
    pub configs: Vec<Config>,
    /// Index of the baseline in `configs`.
    pub baseline: usize,
    /// Tags that make a job high-priority (sorted).
    pub high_priority: Vec<String>,
    /// How they were chosen, in words.
    pub high_priority_rule: String,
}

fn invalid(text: &str, key: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    let key = key.into();
    ScenarioError::Invalid {
        line: line_of_key(text, &key),
        key,
        message: message.into(),
    }
}

// weights and costs go into the day's settings: bounded as the loader bounds them
fn check_weight(text: &str, key: &str, v: f64) -> Result<(), ScenarioError> {
    if v.is_finite() && v > 0.0 && v <= MAX_MONEY {
        Ok(())
    } else {
        Err(invalid(
            text,
            key,
            format!(
                "must be above 0 and at most {}, not {}",
                show(MAX_MONEY),
                show(v)
            ),
        ))
    }
}

fn check_non_negative(text: &str, key: &str, v: f64) -> Result<(), ScenarioError> {
    if v.is_finite() && (0.0..=MAX_MONEY).contains(&v) {
        Ok(())
    } else {
        Err(invalid(
            text,
            key,
            format!("must be between 0 and {}, not {}", show(MAX_MONEY), show(v)),
        ))
    }
}

fn check_reschedule(text: &str, key: &str, v: &str) -> Result<(), ScenarioError> {
    if RESCHEDULE.contains(&v) {
        Ok(())
    } else {
        Err(invalid(
            text,
            key,
            format!("must be \"arrival_window\" or \"business_hours\", not {v:?}"),
        ))
    }
}

fn check_range(
    text: &str,
    key: &str,
    r: [f64; 2],
    check: fn(&str, &str, f64) -> Result<(), ScenarioError>,
) -> Result<(), ScenarioError> {
    check(text, key, r[0])?;
    check(text, key, r[1])?;
    if r[0] <= r[1] {
        Ok(())
    } else {
        Err(invalid(
            text,
            key,
            format!("must be [low, high] with low ≤ high, not {r:?}"),
        ))
    }
}

/// Names go into file cells, Markdown tables and charts: keep them plain.
fn check_name(text: &str, key: &str, name: &str) -> Result<(), ScenarioError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            text,
            key,
            format!("{name:?} must be 1-64 letters, digits, '-', '_' or '.'"),
        ))
    }
}

impl WeightSpec {
    /// Reads and checks a spec file.
    ///
    /// # Errors
    /// The file is unreadable, or a key is unknown, mistyped or out of range.
    pub fn load(path: &std::path::Path) -> Result<Self, ScenarioError> {
        Self::parse(&read_file(path)?)
    }

    /// Parses and checks spec text.
    ///
    /// # Errors
    /// Any key unknown, mistyped or out of range, with its line.
    pub fn parse(text: &str) -> Result<Self, ScenarioError> {
        let file: SpecFile = toml::from_str(text).map_err(|e| de_error(text, &e))?;
        let spec = Self {
            file,
            text: text.to_string(),
        };
        spec.check()?;
        Ok(spec)
    }

    fn check(&self) -> Result<(), ScenarioError> {
        let (f, text) = (&self.file, self.text.as_str());
        check_name(text, "baseline", &f.baseline)?;
        let hp = &f.high_priority;
        if hp.tags.is_some() && hp.above.is_some() {
            return Err(invalid(
                text,
                "high_priority.above",
                "give either `tags` or `above`, not both",
            ));
        }
        if let Some(a) = hp.above {
            check_non_negative(text, "high_priority.above", a)?;
        }
        let mut names = BTreeSet::new();
        for (i, c) in f.config.iter().enumerate() {
            let k = |field: &str| format!("config[{i}].{field}");
            check_name(text, &k("name"), &c.name)?;
            if !names.insert(c.name.as_str()) {
                return Err(invalid(
                    text,
                    k("name"),
                    format!("{:?} is used twice", c.name),
                ));
            }
            for (tag, w) in &c.tag_weights {
                check_weight(text, &format!("{}.{tag}", k("tag_weights")), *w)?;
            }
            if let Some(v) = c.drive_cost_per_minute {
                check_non_negative(text, &k("drive_cost_per_minute"), v)?;
            }
            if let Some(v) = c.preferred_technician_bonus {
                check_non_negative(text, &k("preferred_technician_bonus"), v)?;
            }
            if let Some(v) = &c.reschedule_within {
                check_reschedule(text, &k("reschedule_within"), v)?;
            }
        }
        if let Some(g) = &f.grid {
            let lists: [(&str, &[f64]); 2] = [
                ("grid.drive_cost_per_minute", &g.drive_cost_per_minute),
                (
                    "grid.preferred_technician_bonus",
                    &g.preferred_technician_bonus,
                ),
            ];
            for (key, vs) in lists {
                for v in vs {
                    check_non_negative(text, key, *v)?;
                }
            }
            for (tag, vs) in &g.tag_weights {
                let key = format!("grid.tag_weights.{tag}");
                if vs.is_empty() {
                    return Err(invalid(text, key, "needs at least one value"));
                }
                for v in vs {
                    check_weight(text, &key, *v)?;
                }
            }
            for v in &g.reschedule_within {
                check_reschedule(text, "grid.reschedule_within", v)?;
            }
        }
        if let Some(r) = &f.random {
            if r.count == 0 || r.count > MAX_CONFIGS {
                return Err(invalid(
                    text,
                    "random.count",
                    format!("must be 1..={MAX_CONFIGS}, not {}", r.count),
                ));
            }
            for (tag, range) in &r.tag_weights {
                check_range(
                    text,
                    &format!("random.tag_weights.{tag}"),
                    *range,
                    check_weight,
                )?;
            }
            if let Some(range) = r.drive_cost_per_minute {
                check_range(
                    text,
                    "random.drive_cost_per_minute",
                    range,
                    check_non_negative,
                )?;
            }
            if let Some(range) = r.preferred_technician_bonus {
                check_range(
                    text,
                    "random.preferred_technician_bonus",
                    range,
                    check_non_negative,
                )?;
            }
            for v in &r.reschedule_within {
                check_reschedule(text, "random.reschedule_within", v)?;
            }
        }
        Ok(())
    }

    /// The spec's configurations, in order: explicit ones, the grid, then
    /// the random search, each resolved against the scenario's settings.
    ///
    /// # Errors
    /// A tag the scenario does not know, a repeated name, an unknown
    /// baseline, or more than [`MAX_CONFIGS`] configurations.
    pub fn configurations(&self, sc: &Scenario) -> Result<Configurations, ScenarioError> {
        let (f, text) = (&self.file, self.text.as_str());
        let mut known: BTreeSet<&str> = sc.jobs.tags.keys().map(String::as_str).collect();
        known.extend(sc.jobs.emergency_tags.iter().map(String::as_str));
        known.extend(sc.settings.tag_weights.keys().map(String::as_str));
        let check_tag = |key: String, tag: &str| {
            if known.contains(tag) {
                Ok(())
            } else {
                Err(invalid(
                    text,
                    key,
                    format!(
                        "tag {tag:?} is not a tag of scenario {:?} (its tags: {})",
                        sc.name,
                        known.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                ))
            }
        };
        let scenario = Config {
            name: String::new(),
            origin: String::new(),
            tag_weights: sc.settings.tag_weights.clone(),
            drive_cost_per_minute: sc.settings.drive_cost_per_minute,
            preferred_technician_bonus: sc.settings.preferred_technician_bonus,
            reschedule_within: sc.settings.reschedule_within.clone(),
        };
        let mut configs = Vec::new();
        for (i, c) in f.config.iter().enumerate() {
            let mut cfg = scenario.clone();
            cfg.name.clone_from(&c.name);
            cfg.origin = "config".into();
            for (tag, w) in &c.tag_weights {
                check_tag(format!("config[{i}].tag_weights.{tag}"), tag)?;
                cfg.tag_weights.insert(tag.clone(), *w);
            }
            if let Some(v) = c.drive_cost_per_minute {
                cfg.drive_cost_per_minute = v;
            }
            if let Some(v) = c.preferred_technician_bonus {
                cfg.preferred_technician_bonus = v;
            }
            if let Some(v) = &c.reschedule_within {
                cfg.reschedule_within.clone_from(v);
            }
            configs.push(cfg);
        }
        if let Some(g) = &f.grid {
            for tag in g.tag_weights.keys() {
                check_tag(format!("grid.tag_weights.{tag}"), tag)?;
            }
            push_generated(&mut configs, grid(g, &scenario), "grid", text, "grid")?;
        }
        if let Some(r) = &f.random {
            for tag in r.tag_weights.keys() {
                check_tag(format!("random.tag_weights.{tag}"), tag)?;
            }
            push_generated(&mut configs, random(r, &scenario), "random", text, "random")?;
        }
        if configs.is_empty() {
            return Err(invalid(
                text,
                "config",
                "the spec has no configuration: add [[config]], [grid] or [random]",
            ));
        }
        let Some(baseline) = configs.iter().position(|c| c.name == f.baseline) else {
            return Err(invalid(
                text,
                "baseline",
                format!(
                    "{:?} names no configuration (first ones: {})",
                    f.baseline,
                    configs
                        .iter()
                        .take(5)
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let (high_priority, high_priority_rule) = if let Some(tags) = &f.high_priority.tags {
            for tag in tags {
                check_tag("high_priority.tags".into(), tag)?;
            }
            let t: BTreeSet<String> = tags.iter().cloned().collect();
            (t.into_iter().collect(), "listed in the spec".to_string())
        } else {
            let above = f.high_priority.above.unwrap_or(1.0);
            let base = &configs[baseline];
            let t: Vec<String> = known
                .iter()
                .filter(|t| base.tag_weights.get(**t).copied().unwrap_or(1.0) > above)
                .map(|t| (*t).to_string())
                .collect();
            (
                t,
                format!(
                    "tags weighted above {} in the baseline",
                    experiment::num(above)
                ),
            )
        };
        Ok(Configurations {
            configs,
            baseline,
            high_priority,
            high_priority_rule,
        })
    }
}

/// Appends generated configurations, named `{prefix}-01`, ... in order.
fn push_generated(
    configs: &mut Vec<Config>,
    generated: Result<Vec<Config>, usize>,
    prefix: &str,
    text: &str,
    key: &str,
) -> Result<(), ScenarioError> {
    let generated = match generated {
        Ok(g) if configs.len() + g.len() <= MAX_CONFIGS => g,
        Ok(g) => return Err(too_many(text, key, configs.len() + g.len())),
        Err(n) => return Err(too_many(text, key, n)),
    };
    let width = generated.len().to_string().len().max(2);
    for (i, mut c) in generated.into_iter().enumerate() {
        c.name = format!("{prefix}-{:0width$}", i + 1);
        c.origin = prefix.into();
        if let Some(at) = configs.iter().position(|o| o.name == c.name) {
            return Err(invalid(
                text,
                format!("config[{at}].name"),
                format!("{:?} is also the name of a generated configuration", c.name),
            ));
        }
        configs.push(c);
    }
    Ok(())
}

fn too_many(text: &str, key: &str, n: usize) -> ScenarioError {
    invalid(
        text,
        key,
        format!("makes {n} configurations in all; at most {MAX_CONFIGS}"),
    )
}

/// One coordinate of a grid point.
#[derive(Clone)]
enum Setting {
    Tag(String, f64),
    Drive(f64),
    Bonus(f64),
    Reschedule(String),
}

impl Setting {
    fn set(&self, c: &mut Config) {
        match self {
            Self::Tag(t, w) => {
                c.tag_weights.insert(t.clone(), *w);
            }
            Self::Drive(v) => c.drive_cost_per_minute = *v,
            Self::Bonus(v) => c.preferred_technician_bonus = *v,
            Self::Reschedule(v) => c.reschedule_within.clone_from(v),
        }
    }
}

/// The grid's points, the last dimension varying fastest; `Err(n)` when
/// there would be more than [`MAX_CONFIGS`].
fn grid(g: &GridSpec, base: &Config) -> Result<Vec<Config>, usize> {
    let mut dims: Vec<Vec<Setting>> = g
        .tag_weights
        .iter()
        .map(|(t, vs)| vs.iter().map(|w| Setting::Tag(t.clone(), *w)).collect())
        .collect();
    dims.push(
        g.drive_cost_per_minute
            .iter()
            .map(|v| Setting::Drive(*v))
            .collect(),
    );
    dims.push(
        g.preferred_technician_bonus
            .iter()
            .map(|v| Setting::Bonus(*v))
            .collect(),
    );
    dims.push(
        g.reschedule_within
            .iter()
            .map(|v| Setting::Reschedule(v.clone()))
            .collect(),
    );
    dims.retain(|d| !d.is_empty());
    let mut total = 1usize;
    for d in &dims {
        total = total.saturating_mul(d.len());
    }
    if total > MAX_CONFIGS {
        return Err(total);
    }
    let mut out = Vec::with_capacity(total);
    for mut i in 0..total {
        let mut c = base.clone();
        let mut picks = Vec::with_capacity(dims.len());
        for d in dims.iter().rev() {
            picks.push(&d[i % d.len()]);
            i /= d.len();
        }
        for s in picks.iter().rev() {
            s.set(&mut c);
        }
        out.push(c);
    }
    Ok(out)
}

/// A uniform draw in `[lo, hi]`, rounded to cents so reports show it exactly.
fn draw(rng: &mut ChaCha8Rng, [lo, hi]: [f64; 2]) -> f64 {
    let x: f64 = if hi > lo { rng.gen_range(lo..=hi) } else { lo };
    ((x * 100.0).round() / 100.0).clamp(lo, hi)
}

/// The random search's points, drawn from the spec's own seed (not the
/// days' seed, so the same spec names the same configurations in any sweep).
#[allow(clippy::unnecessary_wraps)]
fn random(r: &RandomSpec, base: &Config) -> Result<Vec<Config>, usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(hash(&[r.seed, RANDOM_SEARCH]));
    let mut out = Vec::with_capacity(r.count);
    for _ in 0..r.count {
        let mut c = base.clone();
        for (tag, range) in &r.tag_weights {
            c.tag_weights.insert(tag.clone(), draw(&mut rng, *range));
        }
        if let Some(range) = r.drive_cost_per_minute {
            c.drive_cost_per_minute = draw(&mut rng, range);
        }
        if let Some(range) = r.preferred_technician_bonus {
            c.preferred_technician_bonus = draw(&mut rng, range);
        }
        if !r.reschedule_within.is_empty() {
            let k = rng.gen_range(0..r.reschedule_within.len());
            c.reschedule_within.clone_from(&r.reschedule_within[k]);
        }
        out.push(c);
    }
    Ok(out)
}

/// Everything that defines a sweep's results; shards merge only when equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepMeta {
    pub scenario: String,
    /// A hash of the whole scenario, so shards of edited scenarios never merge.
    pub scenario_fingerprint: String,
    pub days: u32,
    pub seed: u64,
    pub solver: String,
    pub policy: String,
    pub time_limit_seconds: f64,
    pub check_plans: bool,
    pub configs: Vec<Config>,
    pub baseline: usize,
    pub high_priority: Vec<String>,
    pub high_priority_rule: String,
}

impl SweepMeta {
    /// A sweep of `configs` over `days` days from `seed` with one solver.
    #[must_use]
    pub fn new(
        sc: &Scenario,
        configs: Configurations,
        days: u32,
        seed: u64,
        solver: &str,
        replay: &ReplayOptions,
    ) -> Self {
        let fingerprint = format!("{sc:?}")
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        Self {
            scenario: sc.name.clone(),
            scenario_fingerprint: format!("{fingerprint:016x}"),
            days,
            seed,
            solver: solver.to_string(),
            policy: experiment::policy(sc, replay),
            time_limit_seconds: replay.time_limit.as_secs_f64(),
            check_plans: replay.check_plans,
            configs: configs.configs,
            baseline: configs.baseline,
            high_priority: configs.high_priority,
            high_priority_rule: configs.high_priority_rule,
        }
    }

    /// The replay options every run of the sweep uses.
    #[must_use]
    pub fn replay_options(&self) -> ReplayOptions {
        ReplayOptions {
            static_plan: false,
            cycle_minutes: None,
            time_limit: std::time::Duration::from_secs_f64(self.time_limit_seconds),
            check_plans: self.check_plans,
        }
    }

    /// Number of (configuration, day) runs.
    #[must_use]
    pub fn total_runs(&self) -> u64 {
        self.configs.len() as u64 * u64::from(self.days)
    }

    /// Position of a run in the (configuration × day) grid, configuration-major.
    #[must_use]
    pub fn task(&self, config: usize, day: u32) -> u64 {
        config as u64 * u64::from(self.days) + u64::from(day)
    }
}

/// Shard `index` of `count` (1-based): the runs whose grid position is
/// `index - 1` modulo `count`, so every shard gets a mix of configurations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole grid.
    pub const ALL: Self = Self { index: 1, count: 1 };

    /// Whether the run at grid position `task` belongs to this shard.
    #[must_use]
    pub fn owns(self, task: u64) -> bool {
        task % u64::from(self.count) == u64::from(self.index - 1)
    }

    /// The raw-results file name of this shard.
    #[must_use]
    pub fn file_name(self) -> String {
        format!("shard-{}-of-{}.jsonl", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("shard must be K/N with 1 ≤ K ≤ N ≤ 100000, not {s:?}");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count || count > 100_000 {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The outcome of one configuration on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub config: usize,
    pub day: u32,
    /// Jobs carrying a high-priority tag not done at day end (canceled ones aside).
    pub high_priority_unassigned: usize,
    pub metrics: DayMetrics,
}

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
    #[error("{file}: line {line}: {message}")]
    Raw {
        file: String,
        line: usize,
        message: String,
    },
    #[error("no shard files to merge")]
    NoShards,
    #[error("{a} is shard {ai} of a {an}-way split but {b} is shard {bi} of a {bn}-way split: merge the shards of one split")]
    DifferentSplits {
        a: String,
        ai: u32,
        an: u32,
        b: String,
        bi: u32,
        bn: u32,
    },
    #[error("{a} and {b} come from different sweeps (their `{field}` differs): merge shards of one sweep only")]
    DifferentSweeps { a: String, b: String, field: String },
    #[error("shard {index}/{count} is given twice: {a} and {b}")]
    DuplicateShard {
        index: u32,
        count: u32,
        a: String,
        b: String,
    },
    #[error("{}", missing_message(.missing, *.count))]
    MissingShards { missing: Vec<u32>, count: u32 },
    #[error(
        "{file}: shard {shard} holds {have} of its {want} runs (cut short? run that shard again)"
    )]
    Incomplete {
        file: String,
        shard: Shard,
        have: usize,
        want: usize,
    },
}

fn missing_message(missing: &[u32], count: u32) -> String {
    let shown: Vec<String> = missing.iter().take(20).map(u32::to_string).collect();
    let more = if missing.len() > 20 {
        format!(", ... ({} in all)", missing.len())
    } else {
        String::new()
    };
    let again: Vec<String> = missing
        .iter()
        .take(3)
        .map(|k| format!("--shard {k}/{count}"))
        .collect();
    format!(
        "missing shard{} {}{more} of {count}: run the sweep again with {}{} (same options otherwise), then merge",
        if missing.len() == 1 { "" } else { "s" },
        shown.join(", "),
        again.join(", "),
        if missing.len() > 3 { ", ..." } else { "" }
    )
}

/// Replays this shard's runs in parallel; `progress` is called once per
/// finished run (from worker threads). Records come back sorted by
/// (configuration, day), whatever the thread count.
///
/// # Errors
/// An unknown solver (checked before anything runs), or the thread pool.
pub fn run(
    sc: &Scenario,
    meta: &SweepMeta,
    shard: Shard,
    threads: usize,
    make: SolverFactory<'_>,
    progress: &(dyn Fn() + Sync),
) -> Result<Vec<Record>, SweepError> {
    if make(&meta.solver).is_none() {
        return Err(ExperimentError::UnknownSolver(meta.solver.clone()).into());
    }
    let pool = experiment::pool(threads)?;
    let scenarios: Vec<Scenario> = meta.configs.iter().map(|c| c.apply(sc)).collect();
    let tasks: Vec<(usize, u32)> = (0..meta.configs.len())
        .flat_map(|c| (0..meta.days).map(move |d| (c, d)))
        .filter(|&(c, d)| shard.owns(meta.task(c, d)))
        .collect();
    let opts = meta.replay_options();
    let high: BTreeSet<&str> = meta.high_priority.iter().map(String::as_str).collect();
    let records = pool.install(|| {
        tasks
            .par_iter()
            .map(|&(c, day)| {
                let sc = &scenarios[c];
                let solver = make(&meta.solver).expect("name checked above");
                let sim_day = generate_sim_day(sc, meta.seed, day);
                let high_ids: BTreeSet<&str> = sim_day
                    .problem
                    .jobs
                    .iter()
                    .chain(sim_day.bookings.iter().map(|(_, j)| j))
                    .filter(|j| j.tags.iter().any(|t| high.contains(t.as_str())))
                    .map(|j| j.id.as_str())
                    .collect();
                let outcome = replay(sc, &sim_day, solver.as_ref(), &opts, &mut |_, _| {});
                progress();
                Record {
                    config: c,
                    day,
                    high_priority_unassigned: outcome
                        .left
                        .iter()
                        .filter(|(id, _)| high_ids.contains(id.as_str()))
                        .count(),
                    metrics: outcome.metrics,
                }
            })
            .collect()
    });
    Ok(records)
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    autodispatch_sweep: u32,
    shard: Shard,
    meta: SweepMeta,
}

/// A shard's raw results: a header line describing the sweep, then one
/// record a line.
#[must_use]
pub fn raw_jsonl(meta: &SweepMeta, shard: Shard, records: &[Record]) -> String {
    let header = Header {
        autodispatch_sweep: 1,
        shard,
        meta: meta.clone(),
    };
    let mut out = serde_json::to_string(&header).expect("headers serialize");
    out.push('\n');
    for r in records {
        out.push_str(&serde_json::to_string(r).expect("records serialize"));
        out.push('\n');
    }
    out
}

/// One parsed raw-results file.
#[derive(Debug, Clone, PartialEq)]
pub struct RawShard {
    /// Where it was read from (for messages).
    pub file: String,
    pub meta: SweepMeta,
    pub shard: Shard,
    pub records: Vec<Record>,
}

/// Parses a raw-results file.
///
/// # Errors
/// A line that is not the expected JSON, with its number.
pub fn parse_raw(file: &str, text: &str) -> Result<RawShard, SweepError> {
    let err = |line: usize, message: String| SweepError::Raw {
        file: file.to_string(),
        line,
        message,
    };
    let mut lines = text.lines().enumerate();
    let (_, first) = lines
        .next()
        .ok_or_else(|| err(1, "empty: not a sweep's raw results".into()))?;
    let header: Header = serde_json::from_str(first)
        .map_err(|e| err(1, format!("not a sweep's raw-results header: {e}")))?;
    if header.autodispatch_sweep != 1 {
        return Err(err(
            1,
            format!(
                "raw-results version {} (this autodispatch reads 1)",
                header.autodispatch_sweep
            ),
        ));
    }
    let (meta, shard) = (header.meta, header.shard);
    if shard.index == 0 || shard.index > shard.count {
        return Err(err(1, format!("bad shard {shard}")));
    }
    let mut records = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(line).map_err(|e| err(i + 1, e.to_string()))?;
        if r.config >= meta.configs.len() || r.day >= meta.days {
            return Err(err(
                i + 1,
                format!(
                    "run (configuration {}, day {}) is outside the sweep",
                    r.config, r.day
                ),
            ));
        }
        if !shard.owns(meta.task(r.config, r.day)) {
            return Err(err(
                i + 1,
                format!(
                    "run (configuration {}, day {}) does not belong to shard {shard}",
                    r.config, r.day
                ),
            ));
        }
        records.push(r);
    }
    Ok(RawShard {
        file: file.to_string(),
        meta,
        shard,
        records,
    })
}

/// The first top-level field where two sweeps differ.
fn differing_field(a: &SweepMeta, b: &SweepMeta) -> String {
    let (va, vb) = (serde_json::to_value(a), serde_json::to_value(b));
    if let (Ok(serde_json::Value::Object(ma)), Ok(serde_json::Value::Object(mb))) = (va, vb) {
        for (k, v) in &ma {
            if mb.get(k) != Some(v) {
                return k.clone();
            }
        }
    }
    "meta".into()
}

/// Combines the shards of one split into the whole sweep's records, sorted
/// by (configuration, day), exactly as an unsharded run has them.
///
/// # Errors
/// No shards, shards of different sweeps or splits, a shard given twice,
/// missing shards, or a shard with runs missing or repeated.
pub fn merge(mut shards: Vec<RawShard>) -> Result<(SweepMeta, Vec<Record>), SweepError> {
    if shards.is_empty() {
        return Err(SweepError::NoShards);
    }
    shards.sort_by(|a, b| a.shard.cmp(&b.shard).then_with(|| a.file.cmp(&b.file)));
    let first = &shards[0];
    for s in &shards[1..] {
        if s.shard.count != first.shard.count {
            return Err(SweepError::DifferentSplits {
                a: first.file.clone(),
                ai: first.shard.index,
                an: first.shard.count,
                b: s.file.clone(),
                bi: s.shard.index,
                bn: s.shard.count,
            });
        }
        if s.meta != first.meta {
            return Err(SweepError::DifferentSweeps {
                a: first.file.clone(),
                b: s.file.clone(),
                field: differing_field(&first.meta, &s.meta),
            });
        }
    }
    for w in shards.windows(2) {
        if w[0].shard == w[1].shard {
            return Err(SweepError::DuplicateShard {
                index: w[0].shard.index,
                count: w[0].shard.count,
                a: w[0].file.clone(),
                b: w[1].file.clone(),
            });
        }
    }
    let count = first.shard.count;
    let have: BTreeSet<u32> = shards.iter().map(|s| s.shard.index).collect();
    let missing: Vec<u32> = (1..=count).filter(|k| !have.contains(k)).collect();
    if !missing.is_empty() {
        return Err(SweepError::MissingShards { missing, count });
    }
    let meta = first.meta.clone();
    let mut records = Vec::new();
    for s in shards {
        let want = (0..meta.total_runs()).filter(|t| s.shard.owns(*t)).count();
        let distinct: BTreeSet<(usize, u32)> =
            s.records.iter().map(|r| (r.config, r.day)).collect();
        if distinct.len() != want || s.records.len() != want {
            return Err(SweepError::Incomplete {
                file: s.file,
                shard: s.shard,
                have: distinct.len(),
                want,
            });
        }
        records.extend(s.records);
    }
    records.sort_by_key(|r| (r.config, r.day));
    Ok((meta, records))
}

/// A one-line description of a configuration's settings (a Markdown cell:
/// no `|`).
#[must_use]
pub fn describe(c: &Config) -> String {
    let mut s = String::new();
    for (t, w) in &c.tag_weights {
        let _ = write!(s, "{}={} ", t.replace('|', "/"), experiment::num(*w));
    }
    let _ = write!(
        s,
        "drive_cost={} bonus={} reschedule={}",
        experiment::num(c.drive_cost_per_minute),
        experiment::num(c.preferred_technician_bonus),
        c.reschedule_within
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = include_str!("../../../scenarios/small.toml");
    const EXAMPLE: &str = include_str!("../../../scenarios/weights-example.toml");

    fn small() -> Scenario {
        Scenario::parse(SMALL).unwrap()
    }

    #[test]
    fn the_example_spec_expands_with_its_baseline_first_class() {
        let spec = WeightSpec::parse(EXAMPLE).unwrap();
        let cs = spec.configurations(&small()).unwrap();
        assert_eq!(cs.configs[cs.baseline].name, "current");
        // the baseline keeps the scenario's own settings
        let sc = small();
        let base = &cs.configs[cs.baseline];
        assert_eq!(base.tag_weights, sc.settings.tag_weights);
        assert!((base.drive_cost_per_minute - sc.settings.drive_cost_per_minute).abs() < 1e-12);
        let names: BTreeSet<&str> = cs.configs.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), cs.configs.len(), "names are unique");
        assert!(cs.configs.iter().any(|c| c.origin == "grid"));
        assert!(cs.configs.iter().any(|c| c.origin == "random"));
        assert!(!cs.high_priority.is_empty());
    }

    #[test]
    fn grid_is_the_full_product_last_key_fastest() {
        let spec = WeightSpec::parse(
            "baseline = \"grid-01\"\n[grid]\ntag_weights.no-heat = [1.0, 4.0]\ndrive_cost_per_minute = [0.5, 1.0, 2.0]\nreschedule_within = [\"arrival_window\", \"business_hours\"]\n",
        )
        .unwrap();
        let cs = spec.configurations(&small()).unwrap();
        assert_eq!(cs.configs.len(), 12);
        assert_eq!(cs.configs[0].name, "grid-01");
        assert_eq!(cs.configs[1].reschedule_within, "business_hours");
        assert!((cs.configs[2].drive_cost_per_minute - 1.0).abs() < 1e-12);
        assert!((cs.configs[6].tag_weights["no-heat"] - 4.0).abs() < 1e-12);
        // untouched settings are the scenario's
        assert!((cs.configs[11].tag_weights["member"] - 1.5).abs() < 1e-12);
        assert!((cs.configs[11].preferred_technician_bonus - 25.0).abs() < 1e-12);
    }

    #[test]
    fn random_search_is_seeded_and_within_ranges() {
        let text = "baseline = \"random-01\"\n[random]\ncount = 20\nseed = 3\ntag_weights.no-heat = [1.0, 8.0]\ndrive_cost_per_minute = [0.25, 3.0]\nreschedule_within = [\"arrival_window\", \"business_hours\"]\n";
        let a = WeightSpec::parse(text)
            .unwrap()
            .configurations(&small())
            .unwrap();
        let b = WeightSpec::parse(text)
            .unwrap()
            .configurations(&small())
            .unwrap();
        assert_eq!(a, b);
        let other = WeightSpec::parse(&text.replace("seed = 3", "seed = 4"))
            .unwrap()
            .configurations(&small())
            .unwrap();
        assert_ne!(a.configs, other.configs);
        for c in &a.configs {
            let w = c.tag_weights["no-heat"];
            assert!((1.0..=8.0).contains(&w), "{w}");
            assert!((w * 100.0 - (w * 100.0).round()).abs() < 1e-9);
            assert!((0.25..=3.0).contains(&c.drive_cost_per_minute));
        }
        let modes: BTreeSet<&str> = a
            .configs
            .iter()
            .map(|c| c.reschedule_within.as_str())
            .collect();
        assert_eq!(modes.len(), 2);
    }

    #[test]
    fn spec_errors_name_key_and_line() {
        let e = WeightSpec::parse("baseline = \"a\"\n[grid]\ndrive_cost = [1.0]\n").unwrap_err();
        assert_eq!(e.key(), Some("grid.drive_cost"), "{e}");
        assert_eq!(e.line(), Some(3), "{e}");
        let e = WeightSpec::parse("baseline = \"a\"\n[grid]\ntag_weights.member = [1.0, -2]\n")
            .unwrap_err();
        assert_eq!(e.key(), Some("grid.tag_weights.member"), "{e}");
        assert_eq!(e.line(), Some(3), "{e}");
        let e = WeightSpec::parse(
            "baseline = \"a\"\n\n[random]\ncount = 2\ndrive_cost_per_minute = [3, 1]\n",
        )
        .unwrap_err();
        assert_eq!(e.key(), Some("random.drive_cost_per_minute"), "{e}");
        assert_eq!(e.line(), Some(5), "{e}");
        let e = WeightSpec::parse("baseline = \"a\"\n[[config]]\nname = \"a\"\n[[config]]\nname = \"b\"\nreschedule_within = \"never\"\n")
            .unwrap_err();
        assert_eq!(e.key(), Some("config[1].reschedule_within"), "{e}");
        assert_eq!(e.line(), Some(6), "{e}");
        // checks against the scenario
        let spec = WeightSpec::parse(
            "baseline = \"x\"\n[[config]]\nname = \"a\"\ntag_weights = { no-hot = 2 }\n",
        )
        .unwrap();
        let e = spec.configurations(&small()).unwrap_err();
        assert_eq!(e.key(), Some("config[0].tag_weights.no-hot"), "{e}");
        assert_eq!(e.line(), Some(4), "{e}");
        let spec = WeightSpec::parse("baseline = \"x\"\n[[config]]\nname = \"a\"\n").unwrap();
        let e = spec.configurations(&small()).unwrap_err();
        assert_eq!(e.key(), Some("baseline"), "{e}");
        assert_eq!(e.line(), Some(1), "{e}");
        let e = WeightSpec::parse("baseline = \"x\"\n[grid]\ndrive_cost_per_minute = \"high\"\n")
            .unwrap_err();
        assert_eq!(e.key(), Some("grid.drive_cost_per_minute"), "{e}");
        assert_eq!(e.line(), Some(3), "{e}");
        // values the day's settings could not carry (the loader's 1e12)
        let e = WeightSpec::parse(
            "baseline = \"a\"\n[[config]]\nname = \"a\"\npreferred_technician_bonus = 1e13\n",
        )
        .unwrap_err();
        assert_eq!(e.key(), Some("config[0].preferred_technician_bonus"), "{e}");
        assert_eq!(e.line(), Some(4), "{e}");
        let e = WeightSpec::parse(
            "baseline = \"a\"\n[random]\ncount = 2\ntag_weights.member = [1, 1e308]\n",
        )
        .unwrap_err();
        assert_eq!(e.key(), Some("random.tag_weights.member"), "{e}");
        assert_eq!(e.line(), Some(4), "{e}");
    }

    #[test]
    fn high_priority_tags_follow_the_baseline_weights() {
        let sc = small(); // no-heat 3.0, member 1.5
        let hp = |extra: &str| {
            WeightSpec::parse(&format!(
                "baseline = \"b\"\n{extra}\n[[config]]\nname = \"b\"\n"
            ))
            .unwrap()
            .configurations(&sc)
            .unwrap()
            .high_priority
        };
        assert_eq!(hp(""), vec!["member", "no-heat"]);
        assert_eq!(hp("[high_priority]\nabove = 2"), vec!["no-heat"]);
        assert_eq!(hp("[high_priority]\ntags = [\"member\"]"), vec!["member"]);
        let e = WeightSpec::parse(
            "baseline = \"b\"\n[high_priority]\ntags = [\"vip\"]\n[[config]]\nname = \"b\"\n",
        )
        .unwrap()
        .configurations(&sc)
        .unwrap_err();
        assert_eq!(e.key(), Some("high_priority.tags"), "{e}");
        assert_eq!(e.line(), Some(3), "{e}");
    }

    #[test]
    fn configurations_share_their_days_but_for_settings() {
        let spec = WeightSpec::parse(EXAMPLE).unwrap();
        let sc = small();
        let cs = spec.configurations(&sc).unwrap();
        let a = generate_sim_day(&cs.configs[0].apply(&sc), 5, 1);
        let last = cs.configs.last().unwrap();
        let mut b = generate_sim_day(&last.apply(&sc), 5, 1);
        assert_ne!(a.problem.settings, b.problem.settings);
        b.problem.settings = a.problem.settings.clone();
        assert_eq!(a, b, "common random numbers: only settings differ");
    }

    #[test]
    fn shards_partition_the_grid_and_parse_back() {
        let spec = WeightSpec::parse(EXAMPLE).unwrap();
        let sc = small();
        let cs = spec.configurations(&sc).unwrap();
        let meta = SweepMeta::new(&sc, cs, 3, 1, "greedy", &ReplayOptions::default());
        let n = 4;
        for t in 0..meta.total_runs() {
            let owners = (1..=n)
                .filter(|&k| Shard { index: k, count: n }.owns(t))
                .count();
            assert_eq!(owners, 1);
        }
        assert_eq!(
            "2/4".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 4 }
        );
        for bad in ["0/2", "3/2", "2", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let rec = |config, day| Record {
            config,
            day,
            high_priority_unassigned: 1,
            metrics: DayMetrics {
                revenue_realised: 1234.5678,
                ..DayMetrics::default()
            },
        };
        let shard = |index| Shard { index, count: 2 };
        let records = |k: u32| -> Vec<Record> {
            (0..meta.configs.len())
                .flat_map(|c| (0..3).map(move |d| (c, d)))
                .filter(|&(c, d)| shard(k).owns(meta.task(c, d)))
                .map(|(c, d)| rec(c, d))
                .collect()
        };
        let parse = |k: u32, rs: &[Record]| {
            parse_raw(&format!("s{k}"), &raw_jsonl(&meta, shard(k), rs)).unwrap()
        };
        let (s1, s2) = (parse(1, &records(1)), parse(2, &records(2)));
        assert_eq!(s1.records, records(1));
        let (m, all) = merge(vec![s2.clone(), s1.clone()]).unwrap();
        assert_eq!(m, meta);
        assert_eq!(all.len() as u64, meta.total_runs());
        assert!(all
            .windows(2)
            .all(|w| (w[0].config, w[0].day) < (w[1].config, w[1].day)));
        // missing, duplicate, truncated, foreign
        let e = merge(vec![s1.clone()]).unwrap_err();
        assert!(
            matches!(e, SweepError::MissingShards { ref missing, count: 2 } if missing == &[2]),
            "{e}"
        );
        assert!(e.to_string().contains("missing shard 2 of 2"), "{e}");
        let e = merge(vec![s1.clone(), s2.clone(), s1.clone()]).unwrap_err();
        assert!(
            matches!(e, SweepError::DuplicateShard { index: 1, .. }),
            "{e}"
        );
        let mut short = s2.clone();
        short.records.pop();
        let e = merge(vec![s1.clone(), short]).unwrap_err();
        assert!(matches!(e, SweepError::Incomplete { .. }), "{e}");
        let mut other = s2;
        other.meta.seed = 9;
        let e = merge(vec![s1, other]).unwrap_err();
        assert!(e.to_string().contains("`seed`"), "{e}");
        let e = parse_raw("x", "{\"a\":1}\n").unwrap_err();
        assert!(e.to_string().starts_with("x: line 1:"), "{e}");
        let text = raw_jsonl(&meta, shard(1), &[rec(0, 1)]);
        let e = parse_raw("y", &text).unwrap_err();
        assert!(
            e.to_string().contains("does not belong to shard 1/2"),
            "{e}"
        );
    }
}
