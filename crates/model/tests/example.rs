use autodispatch_model::{load_problem_file, Instance, JobClass};

fn example() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/spec/examples/small-day.json")
}

#[test]
fn small_day_loads_and_compiles() {
    let p = load_problem_file(&example()).unwrap();
    assert_eq!(p.jobs.len(), 9);
    let inst = Instance::new(&p);
    let class = |id: &str| inst.jobs[inst.job_index(id).unwrap()].class;
    assert_eq!(class("J4"), JobClass::Locked);
    assert_eq!(class("J7"), JobClass::TechSpecific);
    assert_eq!(class("J9"), JobClass::Excluded);
    assert_eq!(class("J3"), JobClass::Managed);
    for j in 0..inst.jobs.len() {
        let (code, detail) = autodispatch_model::explain::reason(&inst, j);
        println!("{} {code} {detail}", inst.jobs[j].id);
    }
}
