//! What the examples share: reading the day named on the command line.

use autodispatch_model::Problem;

/// The arguments after the program name and the day read from the first
/// of them; exits with `usage` (or the reading error) when there is none.
pub fn day_from_args(usage: &str) -> (Vec<String>, Problem) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: {usage}");
        std::process::exit(2);
    };
    match autodispatch_model::load_problem_file(std::path::Path::new(path)) {
        Ok(p) => (args, p),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}
