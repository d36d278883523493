//! Seeded synthetic days from a scenario. The team (homes, skills,
//! conversion) depends on the seed only, so it is the same crew every day;
//! shifts, time off, jobs and the day's surprises depend on (seed, day).

use std::collections::BTreeMap;

use autodispatch_model::problem::{
    Assignment, Event, Interval, Job, JobStatus, LatLon, Problem, RescheduleWithin, Settings,
    Shift, ShiftKind, Source, Technician, Time, Travel, PROBLEM_SCHEMA,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::random::{poisson, stream, weighted};
use crate::scenario::limits::{KM_PER_DEGREE, MAX_LOCATIONS};
use crate::scenario::{hhmm, JobTypeSpec, Scenario};

/// Stream purposes (any distinct constants).
const TEAM: u64 = 1;
const SHIFTS: u64 = 2;
const JOBS: u64 = 3;
const EMERGENCIES: u64 = 4;
const SURPRISES: u64 = 5;
const AREA: u64 = 6;
/// The "day" of streams that must not change from day to day.
const EVERY_DAY: u32 = u32::MAX;

const FIRST: [&str; 16] = [
    "Ana", "Ben", "Carla", "Dev", "Elena", "Femi", "Gus", "Hana", "Ivan", "Jada", "Kofi", "Lena",
    "Marco", "Nia", "Omar", "Priya",
];
const LAST: [&str; 16] = [
    "Ortiz", "Nguyen", "Smith", "Khan", "Rossi", "Okafor", "Berg", "Tanaka", "Petrov", "Reyes",
    "Mensah", "Weber", "Silva", "Cole", "Haddad", "Rao",
];

/// A day as the simulator needs it: what is known before business hours,
/// and what the day will bring.
#[derive(Debug, Clone, PartialEq)]
pub struct SimDay {
    pub seed: u64,
    pub day: u32,
    /// The booked day, as known when the first plan is made.
    pub problem: Problem,
    /// Same-day call-ins, by call time: (time, job). The job is `scheduled`, unassigned.
    pub bookings: Vec<(f64, Job)>,
    /// (time, job id) a customer cancels.
    pub cancellations: Vec<(f64, String)>,
    /// (time, technician id) a technician calls out for the rest of the day.
    pub callouts: Vec<(f64, String)>,
    /// (time, job id) the dispatcher assigns the job by hand.
    pub manual: Vec<(f64, String)>,
}

/// The day's problem, as known before business hours (FORMAT.md).
#[must_use]
pub fn generate_day(scenario: &Scenario, seed: u64, day: u32) -> Problem {
    generate_sim_day(scenario, seed, day).problem
}

fn whole(x: f64) -> f64 {
    x.round()
}

fn round_to(x: f64, step: f64) -> f64 {
    (x / step).round() * step
}

struct Geo {
    center: (f64, f64),
    radius_km: f64,
    hotspots: Vec<(f64, f64)>,
    hotspot_share: f64,
    zones: Vec<String>,
}

impl Geo {
    fn offset(&self, (lat, lon): (f64, f64), r_km: f64, theta: f64) -> (f64, f64) {
        let dlat = r_km * theta.cos() / KM_PER_DEGREE;
        let dlon =
            r_km * theta.sin() / (KM_PER_DEGREE * self.center.0.to_radians().cos().max(0.05));
        (lat + dlat, lon + dlon)
    }

    fn uniform(&self, rng: &mut ChaCha8Rng, center: (f64, f64), radius: f64) -> (f64, f64) {
        let r = radius * rng.gen::<f64>().sqrt();
        let th = rng.gen::<f64>() * std::f64::consts::TAU;
        self.offset(center, r, th)
    }

    fn point(&self, rng: &mut ChaCha8Rng) -> LatLon {
        let (lat, lon) = if !self.hotspots.is_empty() && rng.gen::<f64>() < self.hotspot_share {
            let h = self.hotspots[rng.gen_range(0..self.hotspots.len())];
            self.uniform(rng, h, self.radius_km * 0.15)
        } else {
            self.uniform(rng, self.center, self.radius_km)
        };
        // five decimals (about a metre) keep the JSON short and exact
        LatLon {
            lat: round_to(lat, 1e-5),
            lon: round_to(lon, 1e-5),
        }
    }

    /// Index of the zone (angular sector around the centre) holding a point.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    fn zone_index(&self, p: LatLon) -> Option<usize> {
        if self.zones.is_empty() {
            return None;
        }
        let dy = p.lat - self.center.0;
        let dx = (p.lon - self.center.1) * self.center.0.to_radians().cos();
        let a = dx.atan2(dy).rem_euclid(std::f64::consts::TAU);
        let n = self.zones.len();
        Some(((a / std::f64::consts::TAU * n as f64) as usize).min(n - 1))
    }
}

fn geo(sc: &Scenario, seed: u64) -> Geo {
    let mut rng = stream(seed, EVERY_DAY, AREA);
    let center = (sc.area.center[0], sc.area.center[1]);
    let mut g = Geo {
        center,
        radius_km: sc.area.radius_km,
        hotspots: Vec::new(),
        hotspot_share: sc.area.hotspot_share,
        zones: sc.area.zones.clone(),
    };
    for _ in 0..sc.area.hotspots {
        let h = g.uniform(&mut rng, center, sc.area.radius_km * 0.7);
        g.hotspots.push(h);
    }
    g
}

fn settings(sc: &Scenario) -> Settings {
    let s = &sc.settings;
    Settings {
        reschedule_within: if s.reschedule_within == "business_hours" {
            RescheduleWithin::BusinessHours
        } else {
            RescheduleWithin::ArrivalWindow
        },
        max_drive_minutes: s.max_drive_minutes,
        drive_cost_per_minute: s.drive_cost_per_minute,
        tag_weights: s.tag_weights.clone(),
        enabled_job_types: s.enabled_job_types.clone(),
        return_home: s.return_home,
        lock_before_start_minutes: s.lock_before_start_minutes,
        preferred_technician_bonus: s.preferred_technician_bonus,
    }
}

#[allow(clippy::too_many_lines)]
fn technicians(sc: &Scenario, g: &Geo, seed: u64, day: u32, midnight: f64) -> Vec<Technician> {
    let spec = &sc.technicians;
    let mut team = stream(seed, EVERY_DAY, TEAM);
    let mut daily = stream(seed, day, SHIFTS);
    let at = |hm: &str| midnight + hhmm(hm).unwrap_or(0.0);
    let shares: Vec<f64> = spec.shifts.iter().map(|s| s.share).collect();
    let mut out = Vec::with_capacity(spec.count);
    for i in 0..spec.count {
        // the crew: drawn in a fixed order from the seed alone
        let home = g.point(&mut team);
        let mut skills: Vec<String> = spec
            .skills
            .iter()
            .filter(|(_, share)| team.gen::<f64>() < **share)
            .map(|(k, _)| k.clone())
            .collect();
        if skills.is_empty() {
            if let Some((k, _)) = spec
                .skills
                .iter()
                .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            {
                skills.push(k.clone());
            }
        }
        let conversion: BTreeMap<String, f64> = spec
            .conversion
            .iter()
            .map(|(ty, r)| {
                (
                    ty.clone(),
                    round_to(r[0] + (r[1] - r[0]) * team.gen::<f64>(), 0.01),
                )
            })
            .collect();
        let zones = g.zone_index(home).filter(|_| spec.zones_each > 0).map(|z| {
            let n = g.zones.len();
            // the home zone and its neighbours, alternating sides
            let mut list = vec![z];
            let mut k = 1;
            while list.len() < spec.zones_each {
                for cand in [(z + k) % n, (z + n - k % n) % n] {
                    if list.len() < spec.zones_each && !list.contains(&cand) {
                        list.push(cand);
                    }
                }
                k += 1;
            }
            list.sort_unstable();
            list.into_iter()
                .map(|z| g.zones[z].clone())
                .collect::<Vec<_>>()
        });
        let managed = team.gen::<f64>() >= spec.unmanaged_share;
        let name = format!(
            "{} {}",
            FIRST[i % FIRST.len()],
            LAST[(i / FIRST.len() + i * 7) % LAST.len()]
        );

        // the day: shift pattern, time off, on call, lunch, a meeting
        let pat = &spec.shifts[weighted(&mut daily, &shares)];
        let (s0, s1) = (at(&pat.start), at(&pat.end));
        let mut shifts = vec![Shift {
            start: Time(s0),
            end: Time(s1),
            kind: ShiftKind::Regular,
        }];
        let mid = whole((s0 + s1) / 2.0 / 30.0) * 30.0;
        if daily.gen::<f64>() < spec.time_off_share {
            let (a, b) = if daily.gen_bool(0.5) {
                (s0, mid)
            } else {
                (mid, s1)
            };
            shifts.push(Shift {
                start: Time(a),
                end: Time(b),
                kind: ShiftKind::TimeOff,
            });
        }
        if daily.gen::<f64>() < spec.on_call_share && s1 - s0 > 180.0 {
            shifts.push(Shift {
                start: Time(s1 - 120.0),
                end: Time(s1),
                kind: ShiftKind::OnCall,
            });
        }
        let mut events = Vec::new();
        if let Some(l) = &spec.lunch {
            if daily.gen::<f64>() < l.share {
                let start = at(&l.start) + 15.0 * f64::from(daily.gen_range(0..5u32));
                events.push(Event {
                    id: Some(format!("L{}", i + 1)),
                    start: Time(start),
                    end: Time(start + whole(l.minutes)),
                    timesheet_code: Some("LUNCH".into()),
                });
            }
        }
        if daily.gen::<f64>() < spec.meeting_share && s1 - s0 > 120.0 {
            let slots = ((s1 - s0 - 60.0) / 30.0).floor().max(1.0);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let start = s0 + 30.0 * f64::from(daily.gen_range(0..slots as u32));
            let len = if daily.gen_bool(0.5) { 30.0 } else { 60.0 };
            events.push(Event {
                id: Some(format!("M{}", i + 1)),
                start: Time(start),
                end: Time(start + len),
                timesheet_code: None,
            });
        }
        events.sort_by(|a, b| a.start.0.total_cmp(&b.start.0));
        out.push(Technician {
            id: format!("T{}", i + 1),
            name: Some(name),
            home: Some(home),
            skills: Some(skills),
            shifts,
            events,
            conversion,
            zones,
            dispatch_pro: managed,
            position: None,
        });
    }
    out
}

struct JobDraw<'a> {
    sc: &'a Scenario,
    g: &'a Geo,
    type_shares: Vec<f64>,
}

impl JobDraw<'_> {
    fn job(
        &self,
        rng: &mut ChaCha8Rng,
        id: String,
        ty: &JobTypeSpec,
        window: (f64, f64),
        extra_tags: &[String],
    ) -> Job {
        let loc = self.g.point(rng);
        let skills = if ty.trades.is_empty() {
            Vec::new()
        } else {
            vec![ty.trades[rng.gen_range(0..ty.trades.len())].clone()]
        };
        let mut tags: Vec<String> = self
            .sc
            .jobs
            .tags
            .iter()
            .filter(|(_, p)| rng.gen::<f64>() < **p)
            .map(|(k, _)| k.clone())
            .collect();
        for t in extra_tags {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        tags.sort();
        let duration = round_to(
            ty.duration[0] + (ty.duration[1] - ty.duration[0]) * rng.gen::<f64>(),
            5.0,
        )
        .max(5.0);
        let value = round_to(
            ty.value[0] + (ty.value[1] - ty.value[0]) * rng.gen::<f64>(),
            5.0,
        );
        let js = &self.sc.jobs;
        let multi = rng.gen::<f64>() < js.multi_technician_share;
        let pro_off = rng.gen::<f64>() < js.dispatch_pro_off_share;
        Job {
            id,
            location: Some(loc),
            job_type: ty.name.clone(),
            tags,
            arrival_window: Interval {
                start: Time(window.0),
                end: Time(window.1),
            },
            duration_minutes: duration,
            value,
            skills,
            technicians_required: if multi { 2 } else { 1 },
            multi_day: false,
            dispatch_pro: !pro_off,
            technician_specific: false,
            status: JobStatus::Scheduled,
            assignment: None,
            zone: self.g.zone_index(loc).map(|z| self.g.zones[z].clone()),
            preferred_technician: None,
        }
    }

    fn pick_type(&self, rng: &mut ChaCha8Rng) -> &JobTypeSpec {
        &self.sc.job_types[weighted(rng, &self.type_shares)]
    }
}

/// Could technician `t` do `job` at all (skills, zone, managed)?
fn qualified(t: &Technician, job: &Job) -> bool {
    t.dispatch_pro
        && t.skills
            .as_ref()
            .map_or(true, |s| job.skills.iter().all(|k| s.contains(k)))
        && job
            .zone
            .as_ref()
            .map_or(true, |z| t.zones.as_ref().map_or(true, |zs| zs.contains(z)))
}

/// The day with everything the replay needs.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn generate_sim_day(sc: &Scenario, seed: u64, day: u32) -> SimDay {
    let midnight = sc.midnight(day);
    let at = |hm: &str| midnight + hhmm(hm).unwrap_or(0.0);
    let bh = (at(&sc.business_hours.start), at(&sc.business_hours.end));
    let g = geo(sc, seed);
    let techs = technicians(sc, &g, seed, day, midnight);
    let draw = JobDraw {
        sc,
        g: &g,
        type_shares: sc.job_types.iter().map(|t| t.share).collect(),
    };
    let js = &sc.jobs;
    let windows: Vec<(f64, f64)> = js.windows.iter().map(|w| (at(&w[0]), at(&w[1]))).collect();

    let mut rng = stream(seed, day, JOBS);
    let mut jobs = Vec::with_capacity(js.booked);
    for k in 0..js.booked {
        let ty = draw.pick_type(&mut rng);
        let w = windows[rng.gen_range(0..windows.len())];
        let mut job = draw.job(&mut rng, format!("J{}", k + 1), ty, w, &[]);
        if rng.gen::<f64>() < js.preferred_share {
            job.preferred_technician = Some(format!("T{}", rng.gen_range(0..techs.len()) + 1));
        }
        if rng.gen::<f64>() < js.technician_specific_share && job.technicians_required == 1 {
            // a customer who asked for this technician: the dispatcher fixed it
            let cands: Vec<(usize, f64)> = techs
                .iter()
                .enumerate()
                .filter(|(_, t)| qualified(t, &job))
                .filter_map(|(i, t)| {
                    let sh = t.shifts.iter().find(|s| s.kind == ShiftKind::Regular)?;
                    let start = w.0.max(sh.start.0);
                    (start <= w.1 && start + job.duration_minutes <= sh.end.0).then_some((i, start))
                })
                .collect();
            if !cands.is_empty() {
                let (i, start) = cands[rng.gen_range(0..cands.len())];
                job.technician_specific = true;
                job.assignment = Some(Assignment {
                    technician: techs[i].id.clone(),
                    start: Time(start),
                    source: Some(Source::Manual),
                });
            }
        }
        jobs.push(job);
    }

    // same-day emergency call-ins, by the booking profile over business hours
    let mut erng = stream(seed, day, EMERGENCIES);
    // the scenario keeps the mean within the room a day has; the draw's
    // tail must not overflow it either
    let room = MAX_LOCATIONS.saturating_sub(techs.len() + jobs.len());
    let n_em = poisson(&mut erng, js.emergencies).min(room);
    let hours = ((bh.1 - bh.0) / 60.0).ceil().max(1.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let profile: Vec<f64> = (0..hours as usize)
        .map(|h| {
            js.booking_profile
                .get(h)
                .copied()
                .unwrap_or(if js.booking_profile.is_empty() {
                    1.0
                } else {
                    0.0
                })
        })
        .collect();
    let em_type = js
        .emergency_type
        .as_ref()
        .and_then(|n| sc.job_types.iter().find(|t| &t.name == n));
    let mut bookings = Vec::with_capacity(n_em);
    for k in 0..n_em {
        let h = weighted(&mut erng, &profile);
        #[allow(clippy::cast_precision_loss)]
        let call = whole(bh.0 + 60.0 * h as f64 + erng.gen::<f64>() * 60.0)
            .min(bh.1 - 60.0)
            .max(bh.0);
        let ty = em_type.unwrap_or_else(|| draw.pick_type(&mut erng));
        let start = (call / 5.0).ceil() * 5.0;
        let end = (start + js.emergency_window_hours * 60.0)
            .min(bh.1)
            .max(start + 30.0);
        let job = draw.job(
            &mut erng,
            format!("E{}", k + 1),
            ty,
            (start, whole(end)),
            &js.emergency_tags,
        );
        bookings.push((call, job));
    }
    bookings.sort_by(|a, b| a.0.total_cmp(&b.0));

    // the day's surprises, drawn per job and technician in a fixed order
    let plan_time = bh.0 - sc.replay.plan_before_minutes;
    let mut srng = stream(seed, day, SURPRISES);
    let mut cancellations = Vec::new();
    let mut manual = Vec::new();
    let known = jobs
        .iter()
        .map(|j| (plan_time, j))
        .chain(bookings.iter().map(|(t, j)| (*t, j)));
    for (from, job) in known {
        let (c, m, u1, u2) = (
            srng.gen::<f64>(),
            srng.gen::<f64>(),
            srng.gen::<f64>(),
            srng.gen::<f64>(),
        );
        if c < js.cancel_rate {
            let to = job.arrival_window.end.0.max(from + 1.0);
            cancellations.push((whole(from + (to - from) * u1), job.id.clone()));
        }
        if m < sc.replay.manual_rate && job.technicians_required == 1 {
            let to = (job.arrival_window.start.0 - 60.0).max(from.max(bh.0));
            let from = from.max(bh.0);
            manual.push((whole(from + (to - from) * u2), job.id.clone()));
        }
    }
    let mut callouts = Vec::new();
    for t in &techs {
        let (c, u) = (srng.gen::<f64>(), srng.gen::<f64>());
        if c < sc.technicians.callout_rate {
            let sh = &t.shifts[0];
            callouts.push((
                whole(sh.start.0 + 0.6 * (sh.end.0 - sh.start.0) * u),
                t.id.clone(),
            ));
        }
    }
    for list in [&mut cancellations, &mut manual, &mut callouts] {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    }
    let problem = Problem {
        schema: PROBLEM_SCHEMA.into(),
        name: format!("{}-seed{seed}-day{day}", sc.name),
        now: Some(Time(plan_time)),
        business_hours: Interval {
            start: Time(bh.0),
            end: Time(bh.1),
        },
        settings: settings(sc),
        travel: Travel::Haversine {
            speed_kmh: sc.area.speed_kmh,
            road_factor: sc.area.road_factor,
        },
        technicians: techs,
        jobs,
    };
    SimDay {
        seed,
        day,
        problem,
        bookings,
        cancellations,
        callouts,
        manual,
    }
}
