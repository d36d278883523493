//! Replays one day of a scenario with greedy and prints its metrics (a quick look).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sc = autodispatch_sim::Scenario::load(std::path::Path::new(&args[1])).unwrap();
    let d = autodispatch_sim::generate_sim_day(&sc, 1, 0);
    let t = std::time::Instant::now();
    let out = autodispatch_sim::replay(
        &sc,
        &d,
        &autodispatch_greedy::Greedy,
        &autodispatch_sim::ReplayOptions::default(),
        &mut |_, plan| {
            for a in &plan.alerts {
                if std::env::var("ALERTS").is_ok()
                    && a.kind == autodispatch_model::plan::AlertKind::DoubleBooking
                {
                    println!("{} {}", plan.problem, a.detail);
                }
            }
            if plan.problem.ends_with("cycle0") {
                println!(
                    "first plan: {} assigned, {} unassigned",
                    plan.metrics.assigned, plan.metrics.unassigned
                );
            }
        },
    );
    println!("{:#?}\n{:?}", out.metrics, t.elapsed());
    for a in &out.audit {
        let s = serde_json::to_string(a).unwrap();
        if std::env::var("JOBS")
            .is_ok_and(|j| j.split(",").any(|x| s.contains(&format!("\"{x}\""))))
        {
            println!("{s}");
        }
    }
}
