//! Seeded random dispatch days for tests, property checks and CI. Unlike the
//! simulator's scenarios these aim at coverage, not realism: every special
//! job kind (locked, technician-specific, multi-technician, multi-day,
//! Dispatch Pro off, disabled type, excluded statuses), every technician
//! kind (unmanaged, time off, on call, events, split shifts, a position
//! mid-day) and both travel models turn up.

use std::collections::BTreeMap;

use autodispatch_model::problem::{
    Assignment, Event, Interval, Job, JobStatus, LatLon, Position, Problem, RescheduleWithin,
    Settings, Shift, ShiftKind, Source, Technician, Time, Travel, PROBLEM_SCHEMA,
};
use autodispatch_model::time::parse_time;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SKILLS: [&str; 5] = ["hvac", "plumbing", "electrical", "boiler", "solar"];
const ZONES: [&str; 4] = ["north", "south", "east", "west"];
const TYPES: [&str; 5] = [
    "repair",
    "maintenance",
    "replacement",
    "install",
    "estimate",
];
const TAGS: [&str; 4] = ["no-heat", "member", "estimate", "vip"];

/// How special a generated day is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayShape {
    pub jobs: usize,
    pub techs: usize,
    /// Share of jobs with a special kind (locked, multi-tech, ...).
    pub special: f64,
    /// Generate mid-day (`now` after business start, positions, passed windows).
    pub mid_day: bool,
    /// Let the seed pick an explicit travel matrix (else always haversine).
    pub matrix: bool,
}

impl DayShape {
    #[must_use]
    pub fn new(jobs: usize, techs: usize) -> Self {
        Self {
            jobs,
            techs,
            special: 0.25,
            mid_day: false,
            matrix: true,
        }
    }
}

/// A random day of `jobs` jobs and `techs` technicians for `seed`, with
/// every special kind mixed in; the seed also picks mid-day or morning,
/// matrix or haversine travel, and the settings.
#[must_use]
pub fn random_day(seed: u64, jobs: usize, techs: usize) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let shape = DayShape {
        jobs,
        techs,
        special: rng.gen_range(0.1..0.4),
        mid_day: rng.gen_bool(0.4),
        matrix: true,
    };
    generate(&mut rng, &shape, &format!("random-{seed}-{jobs}x{techs}"))
}

/// A plain day for benchmarks: few special jobs, morning, haversine travel.
#[must_use]
pub fn bench_day(seed: u64, jobs: usize, techs: usize) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xBE7C);
    let shape = DayShape {
        jobs,
        techs,
        special: 0.05,
        mid_day: false,
        matrix: false,
    };
    generate(&mut rng, &shape, &format!("bench-{seed}-{jobs}x{techs}"))
}

/// Whole minutes, so a day written out and read back is the same day.
fn t(day: f64, h: f64) -> Time {
    Time(day + (h * 60.0).round())
}

#[allow(clippy::too_many_lines, clippy::cast_precision_loss)]
fn generate(rng: &mut ChaCha8Rng, shape: &DayShape, name: &str) -> Problem {
    let day = parse_time("2026-11-26T00:00").expect("valid literal");
    let bh = Interval {
        start: t(day, 8.0),
        end: t(day, 18.0),
    };
    let now_h = if shape.mid_day {
        rng.gen_range(8.0..14.0)
    } else {
        7.5
    };
    let now = t(day, now_h);
    // metro area about 40 km across; scale a little with size
    let (lat0, lon0) = (32.78, -96.80);
    let spread = 0.18 + 0.02 * (shape.jobs as f64).sqrt() / 10.0;
    let point = |rng: &mut ChaCha8Rng| LatLon {
        lat: lat0 + rng.gen_range(-spread..spread),
        lon: lon0 + rng.gen_range(-spread..spread),
    };
    let zone_of = |p: &LatLon| {
        let north = p.lat >= lat0;
        let east = p.lon >= lon0;
        match (north, east) {
            (true, false) => ZONES[0],
            (false, true) => ZONES[1],
            (true, true) => ZONES[2],
            (false, false) => ZONES[3],
        }
    };
    let use_zones = rng.gen_bool(0.5);
    let settings = Settings {
        reschedule_within: if rng.gen_bool(0.3) {
            RescheduleWithin::BusinessHours
        } else {
            RescheduleWithin::ArrivalWindow
        },
        max_drive_minutes: if rng.gen_bool(0.5) {
            Some(rng.gen_range(25.0..60.0_f64).round())
        } else {
            None
        },
        drive_cost_per_minute: [0.0, 0.5, 1.0, 2.0][rng.gen_range(0..4)],
        tag_weights: {
            let mut m = BTreeMap::new();
            m.insert("no-heat".to_string(), 3.0);
            m.insert("member".to_string(), 1.5);
            m.insert("estimate".to_string(), 0.8);
            m
        },
        enabled_job_types: if rng.gen_bool(0.5) {
            Some(TYPES[..4].iter().map(ToString::to_string).collect())
        } else {
            None
        },
        return_home: rng.gen_bool(0.8),
        lock_before_start_minutes: if rng.gen_bool(0.3) { 30.0 } else { 0.0 },
        preferred_technician_bonus: if rng.gen_bool(0.5) { 50.0 } else { 0.0 },
    };

    let mut technicians = Vec::with_capacity(shape.techs);
    for i in 0..shape.techs {
        let home = point(rng);
        let mut skills: Vec<String> = SKILLS
            .iter()
            .filter(|_| rng.gen_bool(0.45))
            .map(ToString::to_string)
            .collect();
        if skills.is_empty() {
            skills.push(SKILLS[i % 3].to_string());
        }
        let start_h = [7.0, 8.0, 8.0, 9.0, 10.0][rng.gen_range(0..5)];
        let mut shifts = Vec::new();
        let roll = rng.gen_range(0..20);
        if roll == 0 {
            // split shift
            shifts.push(Shift {
                start: t(day, start_h),
                end: t(day, 12.0),
                kind: ShiftKind::Regular,
            });
            shifts.push(Shift {
                start: t(day, 13.0),
                end: t(day, 18.0),
                kind: ShiftKind::Regular,
            });
        } else {
            shifts.push(Shift {
                start: t(day, start_h),
                end: t(day, (start_h + 9.0).min(19.0)),
                kind: ShiftKind::Regular,
            });
        }
        if roll == 1 {
            shifts.push(Shift {
                start: t(day, 8.0),
                end: t(day, 12.0),
                kind: ShiftKind::TimeOff,
            });
        } else if roll == 2 {
            shifts.push(Shift {
                start: t(day, 14.0),
                end: t(day, 16.0),
                kind: ShiftKind::OnCall,
            });
        } else if roll == 3 {
            shifts.clear();
            shifts.push(Shift {
                start: t(day, 8.0),
                end: t(day, 18.0),
                kind: ShiftKind::TimeOff,
            });
        }
        let mut events = Vec::new();
        if rng.gen_bool(0.5) {
            let h = rng.gen_range(11.5..13.0_f64);
            events.push(Event {
                id: Some(format!("E{i}")),
                start: t(day, h),
                end: t(day, h + 0.5),
                timesheet_code: Some("LUNCH".into()),
            });
        }
        if rng.gen_bool(0.1) {
            events.push(Event {
                id: Some(format!("M{i}")),
                start: t(day, 9.0),
                end: t(day, 10.0),
                timesheet_code: None,
            });
        }
        let mut conversion = BTreeMap::new();
        if rng.gen_bool(0.5) {
            conversion.insert("replacement".to_string(), rng.gen_range(0.2..0.6_f64));
            conversion.insert("estimate".to_string(), rng.gen_range(0.3..1.0_f64));
        }
        technicians.push(Technician {
            id: format!("T{}", i + 1),
            name: Some(format!("Tech {}", i + 1)),
            home: Some(home),
            skills: if rng.gen_bool(0.05) {
                None
            } else {
                Some(skills)
            },
            shifts,
            events,
            conversion,
            zones: if use_zones && rng.gen_bool(0.8) {
                let mut z: Vec<String> = ZONES
                    .iter()
                    .filter(|_| rng.gen_bool(0.5))
                    .map(ToString::to_string)
                    .collect();
                if z.is_empty() {
                    z.push(ZONES[i % 4].to_string());
                }
                Some(z)
            } else {
                None
            },
            dispatch_pro: !rng.gen_bool(0.06),
            position: None,
        });
    }

    let mut jobs = Vec::with_capacity(shape.jobs);
    for i in 0..shape.jobs {
        let loc = point(rng);
        let job_type = TYPES[rng.gen_range(0..TYPES.len())];
        let mut tags: Vec<String> = TAGS
            .iter()
            .filter(|_| rng.gen_bool(0.2))
            .map(ToString::to_string)
            .collect();
        tags.sort();
        let ws = rng.gen_range(8.0..16.0_f64).floor();
        let width = [1.0, 2.0, 2.0, 4.0, 4.0, 10.0][rng.gen_range(0..6)];
        let we = (ws + width).min(18.0);
        let duration = [30.0, 45.0, 60.0, 60.0, 90.0, 120.0, 180.0][rng.gen_range(0..7)];
        let value = match job_type {
            "replacement" => rng.gen_range(3000.0..12000.0_f64),
            "install" => rng.gen_range(1000.0..5000.0_f64),
            "estimate" => rng.gen_range(200.0..2000.0_f64),
            _ => rng.gen_range(100.0..900.0_f64),
        }
        .round();
        let skills: Vec<String> = if rng.gen_bool(0.7) {
            vec![SKILLS[rng.gen_range(0..SKILLS.len())].to_string()]
        } else {
            Vec::new()
        };
        let mut job = Job {
            id: format!("J{}", i + 1),
            location: Some(loc),
            job_type: job_type.to_string(),
            tags,
            arrival_window: Interval {
                start: t(day, ws),
                end: t(day, we),
            },
            duration_minutes: duration,
            value,
            skills,
            technicians_required: 1,
            multi_day: false,
            dispatch_pro: true,
            technician_specific: false,
            status: JobStatus::Scheduled,
            assignment: None,
            zone: if use_zones {
                Some(zone_of(&loc).to_string())
            } else {
                None
            },
            preferred_technician: if rng.gen_bool(0.2) {
                Some(format!("T{}", rng.gen_range(1..=shape.techs + 2)))
            } else {
                None
            },
        };
        let assign = |rng: &mut ChaCha8Rng, job: &Job, src: Source| -> Option<Assignment> {
            if shape.techs == 0 {
                return None;
            }
            let tech = rng.gen_range(0..shape.techs);
            let a = job.arrival_window.start.0;
            let b = job.arrival_window.end.0;
            let start = (a + rng.gen_range(0.0..=1.0_f64) * (b - a)).round();
            Some(Assignment {
                technician: format!("T{}", tech + 1),
                start: Time(start),
                source: Some(src),
            })
        };
        if rng.gen_bool(shape.special) {
            match rng.gen_range(0..12) {
                0 => job.status = JobStatus::Canceled,
                1 => job.status = JobStatus::Hold,
                2 => job.status = JobStatus::Done,
                3 => {
                    job.status = JobStatus::Dispatched;
                    job.assignment = assign(rng, &job, Source::DispatchPro);
                }
                4 => {
                    job.status = JobStatus::Working;
                    job.assignment = assign(rng, &job, Source::Manual);
                }
                5 => {
                    job.technicians_required = 2;
                    if rng.gen_bool(0.5) {
                        job.assignment = assign(rng, &job, Source::Manual);
                    }
                }
                6 => {
                    job.multi_day = true;
                    if rng.gen_bool(0.5) {
                        job.assignment = assign(rng, &job, Source::Manual);
                    }
                }
                7 => {
                    job.dispatch_pro = false;
                    if rng.gen_bool(0.5) {
                        job.assignment = assign(rng, &job, Source::Manual);
                    }
                }
                8 => {
                    job.job_type = "estimate".into();
                    if rng.gen_bool(0.5) {
                        job.assignment = assign(rng, &job, Source::Manual);
                    }
                }
                9 | 10 => {
                    job.technician_specific = true;
                    if rng.gen_bool(0.85) {
                        job.assignment = assign(rng, &job, Source::Manual);
                    }
                }
                _ => job.assignment = assign(rng, &job, Source::DispatchPro),
            }
        } else if rng.gen_bool(0.1) {
            job.assignment = assign(rng, &job, Source::DispatchPro);
        }
        jobs.push(job);
    }
    if shape.mid_day && !jobs.is_empty() {
        let mut order: Vec<usize> = (0..shape.techs).collect();
        order.shuffle(rng);
        for &ti in order.iter().take(shape.techs / 3) {
            let j = rng.gen_range(0..jobs.len());
            technicians[ti].position = Some(Position {
                job: jobs[j].id.clone(),
                free_from: if rng.gen_bool(0.7) {
                    Some(Time(now.0 + rng.gen_range(0.0..60.0_f64).round()))
                } else {
                    None
                },
            });
        }
    }
    let mut problem = Problem {
        schema: PROBLEM_SCHEMA.to_string(),
        name: name.to_string(),
        now: Some(now),
        business_hours: bh,
        settings,
        travel: Travel::Haversine {
            speed_kmh: 40.0,
            road_factor: 1.3,
        },
        technicians,
        jobs,
    };
    // the draw happens either way, so a day's other fields do not depend on `matrix`
    if rng.gen_bool(0.2) && shape.matrix {
        let inst = autodispatch_model::Instance::new(&problem);
        let n = problem.technicians.len() + problem.jobs.len();
        let minutes = (0..n)
            .map(|a| {
                (0..n)
                    .map(|b| (inst.drive(a, b) * 100.0).round() / 100.0)
                    .collect()
            })
            .collect();
        problem.travel = Travel::Matrix { minutes };
        if rng.gen_bool(0.5) {
            for tech in &mut problem.technicians {
                tech.home = None;
            }
            for job in &mut problem.jobs {
                job.location = None;
            }
        }
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_day_and_the_day_reloads() {
        let a = random_day(7, 40, 6).to_json();
        let b = random_day(7, 40, 6).to_json();
        assert_eq!(a, b);
        assert_ne!(a, random_day(8, 40, 6).to_json());
        let back = autodispatch_model::parse_problem(&a).unwrap();
        assert!(
            back.to_json() == a,
            "a generated day does not read back as itself"
        );
    }

    #[test]
    fn bench_days_are_valid_haversine_days() {
        for seed in 0..30 {
            let p = bench_day(seed, 30, 6);
            assert!(matches!(p.travel, Travel::Haversine { .. }));
            autodispatch_model::parse_problem(&p.to_json()).unwrap();
        }
    }

    #[test]
    fn days_cover_every_special_kind() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..40 {
            let p = random_day(seed, 60, 8);
            let inst = autodispatch_model::Instance::new(&p);
            for j in &inst.jobs {
                seen.insert(format!("{:?}", j.class));
            }
        }
        for kind in [
            "Excluded",
            "Locked",
            "TechSpecific",
            "Managed",
            "Unassignable(MultiTechnician)",
            "Unassignable(MultiDay)",
            "Unassignable(DispatchProOff)",
        ] {
            assert!(seen.contains(kind), "{kind} never generated: {seen:?}");
        }
    }
}
