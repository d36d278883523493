//! Scenario limits: every number is range-checked when the scenario loads
//! (the error names the key and its line), and any scenario that loads,
//! however extreme, generates days the problem loader accepts and replays
//! without a fault.

use autodispatch_greedy::Greedy;
use autodispatch_model::parse_problem;
use autodispatch_sim::scenario::limits::{
    KM_PER_DEGREE, MAX_CROSSING_MINUTES, MAX_LAT, MAX_LOCATIONS, MAX_LON, MAX_RADIUS_KM,
};
use autodispatch_sim::{generate_sim_day, replay, ReplayOptions, Scenario};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SMALL: &str = include_str!("../../../scenarios/small.toml");

/// `small.toml` with `key = ...` inside `[table]` replaced (or added).
fn with(table: &str, key: &str, value: &str) -> String {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut done = false;
    for line in SMALL.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            if current == table && !done {
                out.push(format!("{key} = {value}"));
                done = true;
            }
            current = t.trim_matches(['[', ']']).to_string();
        }
        if current == table && !done && t.split_once('=').is_some_and(|(k, _)| k.trim() == key) {
            out.push(format!("{key} = {value}"));
            done = true;
            continue;
        }
        out.push(line.to_string());
    }
    if !done {
        out.push(format!("{key} = {value}"));
    }
    out.join("\n") + "\n"
}

/// The scenario is refused, naming `key` and the line `key = ` is on.
fn refused(text: &str, table: &str, key: &str, named: &str) {
    let e = Scenario::parse(text).expect_err(&format!("{table}.{key} accepted"));
    assert_eq!(e.key(), Some(named), "{e}");
    let mut current = String::new();
    let line = text.lines().position(|l| {
        let t = l.trim();
        if t.starts_with('[') {
            current = t.trim_matches(['[', ']']).to_string();
        }
        current == table && t.split_once('=').is_some_and(|(k, _)| k.trim() == key)
    });
    assert_eq!(e.line(), line.map(|l| l + 1), "{e}");
    assert!(
        e.to_string()
            .contains(&format!("line {}", line.unwrap() + 1)),
        "{e}"
    );
}

#[test]
fn huge_plan_before_minutes_is_refused_with_key_and_line() {
    for v in [
        "99999999999999",
        "1e308",
        "9223372036854775807",
        "1441",
        "-1",
        "nan",
        "inf",
    ] {
        let text = with("replay", "plan_before_minutes", v);
        refused(
            &text,
            "replay",
            "plan_before_minutes",
            "replay.plan_before_minutes",
        );
    }
    assert!(Scenario::parse(&with("replay", "plan_before_minutes", "1440")).is_ok());
    // a mistyped exponent reads as one, not as 309 digits
    let e = Scenario::parse(&with("replay", "plan_before_minutes", "1e308")).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("must be between 0 and 1440, not 1e308"),
        "{e}"
    );
}

#[test]
fn values_the_problem_loader_refuses_are_refused_with_key_and_line() {
    let cases = [
        ("settings", "preferred_technician_bonus", "1e308"),
        ("settings", "preferred_technician_bonus", "1.1e12"),
        ("settings", "drive_cost_per_minute", "99999999999999"),
        ("settings", "lock_before_start_minutes", "1e9"),
        ("settings", "max_drive_minutes", "1e308"),
        ("area", "speed_kmh", "1e308"),
        ("area", "speed_kmh", "9223372036854775807"),
        ("area", "speed_kmh", "0.01"),
        ("area", "road_factor", "1e308"),
        ("area", "road_factor", "9223372036854775807"),
        ("area", "road_factor", "100.5"),
        ("area", "radius_km", "1e308"),
        ("area", "radius_km", "9223372036854775807"),
        ("area", "radius_km", "3000"),
        ("area", "hotspots", "4000000000"),
        ("technicians", "count", "6001"),
        ("jobs", "booked", "5995"),
        ("jobs", "emergencies", "5990"),
        ("jobs", "emergency_window_hours", "1e9"),
        ("jobs", "booking_profile", "[1e308]"),
        ("replay", "cycle_minutes", "1e308"),
    ];
    for (table, key, value) in cases {
        let text = with(table, key, value);
        refused(&text, table, key, &format!("{table}.{key}"));
    }
    let text = with("replay", "duration_factor", "{ mean = 1e308, sd = 0.2 }");
    refused(
        &text,
        "replay",
        "duration_factor",
        "replay.duration_factor.mean",
    );
    let text = with("replay", "travel_factor", "{ mean = 1.0, sd = 50 }");
    refused(&text, "replay", "travel_factor", "replay.travel_factor.sd");
    let text = with(
        "technicians",
        "lunch",
        "{ start = \"12:00\", minutes = 1e9, share = 0.8 }",
    );
    refused(&text, "technicians", "lunch", "technicians.lunch");
    let text = with("technicians", "conversion", "{ estimate = [0.25, 1e308] }");
    refused(
        &text,
        "technicians",
        "conversion",
        "technicians.conversion.estimate",
    );
    let text = with("settings", "tag_weights", "{ no-heat = 1e308 }");
    refused(
        &text,
        "settings",
        "tag_weights",
        "settings.tag_weights.no-heat",
    );
    // 2 × 1400 km × 1.3 at 0.1 km/h: over two million minutes across
    let text = with("area", "speed_kmh", "0.1").replace("radius_km = 14", "radius_km = 1400");
    refused(&text, "area", "radius_km", "area.radius_km");
    assert!(Scenario::parse(&with("area", "speed_kmh", "0.1")).is_ok());
    // the area must keep to valid coordinates around its center
    let text = with("area", "center", "[89.95, 0]");
    refused(&text, "area", "radius_km", "area.radius_km");
    let text = with("area", "center", "[0, 179.95]");
    refused(&text, "area", "radius_km", "area.radius_km");
}

#[test]
fn a_huge_job_value_is_refused_with_its_line() {
    let text = SMALL.replace("value = [150, 700]", "value = [1e308, 1e308]");
    let e = Scenario::parse(&text).unwrap_err();
    assert_eq!(e.key(), Some("job_types[0].value"), "{e}");
    let line = text
        .lines()
        .position(|l| l == "value = [1e308, 1e308]")
        .unwrap();
    assert_eq!(e.line(), Some(line + 1), "{e}");
    let text = SMALL.replace("duration = [45, 120]", "duration = [45, 601]");
    let e = Scenario::parse(&text).unwrap_err();
    assert_eq!(e.key(), Some("job_types[0].duration"), "{e}");
}

/// One of the values, uniformly.
fn pick<'a>(rng: &mut ChaCha8Rng, values: &[&'a str]) -> &'a str {
    values[rng.gen_range(0..values.len())]
}

/// The widest radius the checker allows around a center.
fn widest(lat: f64, lon: f64) -> f64 {
    ((MAX_LAT - lat.abs()) * KM_PER_DEGREE)
        .min((MAX_LON - lon.abs()) * KM_PER_DEGREE * lat.to_radians().cos().max(0.05))
        .min(MAX_RADIUS_KM)
}

/// A scenario drawing every number from the ends (and a middle) of its range.
#[allow(clippy::too_many_lines)]
fn extreme(rng: &mut ChaCha8Rng, techs: usize, booked: usize, emergencies: f64) -> String {
    let centers = [
        (32.78, -96.8),
        (-60.0, 179.0),
        (75.0, -179.5),
        (0.0, 0.0),
        (89.0, 10.0),
    ];
    let (lat, lon) = centers[rng.gen_range(0..centers.len())];
    let speed: f64 = [0.1, 1e6, 40.0][rng.gen_range(0..3)];
    let road: f64 = [1.0, 100.0, 1.3][rng.gen_range(0..3)];
    let radius = if rng.gen_bool(0.5) {
        widest(lat, lon).min(MAX_CROSSING_MINUTES * speed / (2.0 * road * 60.0))
    } else {
        1e-9
    };
    let hours = pick(
        rng,
        &[
            "start = \"00:00\"\nend = \"24:00\"",
            "start = \"23:59\"\nend = \"24:00\"",
            "start = \"08:00\"\nend = \"18:00\"",
        ],
    );
    let date = pick(rng, &["1970-01-01", "2900-12-31", "2026-11-26"]);
    let shifts = pick(
        rng,
        &[
            "{ start = \"00:00\", end = \"24:00\", share = 1.0 }",
            "{ start = \"23:59\", end = \"24:00\", share = 1.0 }, { start = \"00:00\", end = \"00:01\", share = 0.0 }",
            "{ start = \"08:00\", end = \"17:00\", share = 0.5 }, { start = \"12:00\", end = \"24:00\", share = 1 }",
        ],
    );
    let window = pick(
        rng,
        &[
            "[\"00:00\", \"24:00\"]",
            "[\"23:59\", \"24:00\"]",
            "[\"08:00\", \"12:00\"], [\"00:00\", \"00:01\"]",
        ],
    );
    let max_drive = pick(
        rng,
        &["", "max_drive_minutes = 1e-9", "max_drive_minutes = 1440"],
    );
    let share = |rng: &mut ChaCha8Rng| pick(rng, &["0", "1", "0.5"]);
    let money = |rng: &mut ChaCha8Rng| pick(rng, &["0", "1e12", "25"]);
    let minutes = |rng: &mut ChaCha8Rng| pick(rng, &["0", "1440", "30"]);
    let value = pick(rng, &["[0, 0]", "[1e12, 1e12]", "[0, 1e12]", "[100, 200]"]);
    let duration = pick(rng, &["[0, 5]", "[600, 600]", "[0, 600]", "[45, 90]"]);
    let conversion = pick(rng, &["[0, 0]", "[0, 1000000]", "[1000000, 1000000]"]);
    let factor = |rng: &mut ChaCha8Rng| {
        format!(
            "{{ mean = {}, sd = {} }}",
            pick(rng, &["0.01", "10", "1"]),
            pick(rng, &["0", "1", "0.2"])
        )
    };
    let zones = pick(rng, &["[]", "[\"n\", \"e\", \"s\", \"w\"]"]);
    let zones_each = if zones == "[]" {
        "0"
    } else {
        pick(rng, &["0", "1", "4"])
    };
    format!(
        r#"
name = "extreme"
start_date = "{date}"
[business_hours]
{hours}
[area]
center = [{lat}, {lon}]
radius_km = {radius}
zones = {zones}
speed_kmh = {speed}
road_factor = {road}
hotspots = {hotspots}
hotspot_share = {hotspot_share}
[settings]
reschedule_within = "{reschedule}"
{max_drive}
drive_cost_per_minute = {drive_cost}
tag_weights = {{ a = {tag_a}, b = {tag_b} }}
return_home = {return_home}
lock_before_start_minutes = {lock}
preferred_technician_bonus = {bonus}
[technicians]
count = {techs}
skills = {{ x = {skill_x}, y = {skill_y} }}
zones_each = {zones_each}
shifts = [{shifts}]
conversion = {{ sale = [0, 1], fee = {conversion} }}
lunch = {{ start = "{lunch_start}", minutes = {lunch_minutes}, share = {lunch_share} }}
meeting_share = {meeting}
time_off_share = {time_off}
on_call_share = {on_call}
unmanaged_share = {unmanaged}
callout_rate = {callout}
[[job_types]]
name = "fee"
share = {fee_share}
trades = ["x", "y"]
value = {value}
duration = {duration}
[[job_types]]
name = "sale"
share = 1
value = {value}
duration = {duration}
sells = true
[jobs]
booked = {booked}
windows = [{window}]
emergencies = {emergencies}
emergency_type = "fee"
emergency_tags = ["a"]
emergency_window_hours = {em_hours}
booking_profile = {profile}
cancel_rate = {cancel}
tags = {{ a = {tag_share}, b = 1 }}
technician_specific_share = {specific}
preferred_share = {preferred}
multi_technician_share = {multi}
dispatch_pro_off_share = {pro_off}
[replay]
plan_before_minutes = {plan_before}
cycle_minutes = {cycle}
duration_factor = {duration_factor}
travel_factor = {travel_factor}
manual_rate = {manual}
resolve_on_events = {on_events}
"#,
        hotspots = pick(rng, &["0", "1000", "3"]),
        hotspot_share = share(rng),
        reschedule = pick(rng, &["arrival_window", "business_hours"]),
        drive_cost = money(rng),
        tag_a = pick(rng, &["1e-12", "1e12", "3"]),
        tag_b = pick(rng, &["1e-12", "1e12", "3"]),
        return_home = rng.gen_bool(0.5),
        lock = minutes(rng),
        bonus = money(rng),
        skill_x = share(rng),
        skill_y = share(rng),
        lunch_start = pick(rng, &["00:00", "24:00", "12:00"]),
        lunch_minutes = pick(rng, &["1", "720", "30"]),
        lunch_share = share(rng),
        meeting = share(rng),
        time_off = share(rng),
        on_call = share(rng),
        unmanaged = share(rng),
        callout = share(rng),
        fee_share = share(rng),
        em_hours = pick(rng, &["1e-9", "24", "4"]),
        profile = pick(
            rng,
            &[
                "[]",
                "[0]",
                "[1e12, 0, 1e12]",
                "[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]"
            ]
        ),
        cancel = share(rng),
        tag_share = share(rng),
        specific = share(rng),
        preferred = share(rng),
        multi = share(rng),
        pro_off = share(rng),
        plan_before = minutes(rng),
        cycle = pick(rng, &["1", "1440", "10"]),
        duration_factor = factor(rng),
        travel_factor = factor(rng),
        manual = share(rng),
        on_events = rng.gen_bool(0.5),
    )
}

/// The day as `generate` writes it, and with every call-in booked too (as
/// the replay's last snapshot holds it), both load.
fn assert_days_load(text: &str, sc: &Scenario, seed: u64, day: u32) {
    let d = generate_sim_day(sc, seed, day);
    if let Err(e) = parse_problem(&d.problem.to_json()) {
        panic!("day {day} of seed {seed} does not load: {e}\n{text}");
    }
    let mut all = d.problem.clone();
    all.jobs.extend(d.bookings.iter().map(|(_, j)| j.clone()));
    assert!(all.technicians.len() + all.jobs.len() <= MAX_LOCATIONS);
    if let Err(e) = parse_problem(&all.to_json()) {
        panic!("day {day} of seed {seed} with its call-ins does not load: {e}\n{text}");
    }
}

#[test]
fn every_scenario_at_the_ends_of_its_ranges_generates_days_that_load() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for case in 0..300 {
        let (techs, booked) = (rng.gen_range(1..8), rng.gen_range(0..12));
        let emergencies = f64::from(rng.gen_range(0..6u32));
        let text = extreme(&mut rng, techs, booked, emergencies);
        let sc = Scenario::parse(&text).unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
        let day = [0, 36_500, rng.gen_range(0..400)][case % 3];
        assert_days_load(&text, &sc, rng.gen(), day);
    }
}

#[test]
fn the_largest_days_a_scenario_allows_load() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    #[allow(clippy::cast_precision_loss)]
    let sizes = [
        (1, MAX_LOCATIONS - 1, 0.0),
        (MAX_LOCATIONS, 0, 0.0),
        // call-ins fill what is left; the draw is capped at the room
        (2000, 2000, (MAX_LOCATIONS - 4000) as f64),
    ];
    for (techs, booked, emergencies) in sizes {
        let text = extreme(&mut rng, techs, booked, emergencies);
        let sc = Scenario::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_days_load(&text, &sc, 3, 0);
    }
    let text = extreme(&mut rng, MAX_LOCATIONS, 1, 0.0);
    let e = Scenario::parse(&text).unwrap_err();
    assert_eq!(e.key(), Some("jobs.booked"), "{e}");
    let text = extreme(&mut rng, 10, 10, (MAX_LOCATIONS - 19) as f64);
    let e = Scenario::parse(&text).unwrap_err();
    assert_eq!(e.key(), Some("jobs.emergencies"), "{e}");
}

#[test]
fn every_scenario_at_the_ends_of_its_ranges_replays_without_a_fault() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for case in 0..40 {
        let text = extreme(&mut rng, 3, 6, 2.0);
        let sc = Scenario::parse(&text).unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
        let d = generate_sim_day(&sc, rng.gen(), [0, 36_500][case % 2]);
        let out = replay(&sc, &d, &Greedy, &ReplayOptions::default(), &mut |_, _| {});
        assert_eq!(out.metrics.faults, 0, "case {case}\n{text}");
        let m = &out.metrics;
        assert_eq!(
            m.jobs,
            m.completed + m.canceled + m.unassigned_end,
            "case {case}\n{text}"
        );
    }
}
