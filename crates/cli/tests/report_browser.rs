//! `report.html` in a real browser: headless Chromium loads the report of a
//! two-solver-free, four-day run, the charts have non-zero size, nothing is
//! logged to the console, and a screenshot is kept under the test's output
//! (`target/tmp/report-screenshot.png`). CI installs Debian's `chromium`;
//! on a machine without it the test says so and passes only outside CI.

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!("command -v {name}"))
                .output()
                .ok()?;
            let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (!p.is_empty()).then(|| PathBuf::from(p))
        })
}

fn headless(browser: &Path, args: &[&str], page: &Path) -> (String, String) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .args(["--enable-logging=stderr", "--v=0"])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium for the report test"
        );
        eprintln!("chromium not installed: report browser test not run");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sim");
    let status = Command::new(env!("CARGO_BIN_EXE_autodispatch"))
        .args(["simulate", "--scenario"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/small.toml"))
        .args(["--days", "4", "--seed", "3", "--solvers", "greedy", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let report = out.join("report.html");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("<svg") && !html.contains("<script"),
        "self-contained, no scripts"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing fetched"
    );

    // the page as it is: a screenshot, and no console output at all
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let (_, err) = headless(
        &browser,
        &[
            "--window-size=1200,3000",
            &format!("--screenshot={}", shot.display()),
        ],
        &report,
    );
    let console: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console output: {console:#?}");
    assert!(
        std::fs::metadata(&shot)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "no screenshot at {}",
        shot.display()
    );

    // a probe copy measures every chart once laid out
    let probe = dir.path().join("probe.html");
    let script = "<script>window.addEventListener('load',()=>{const s=[...document.querySelectorAll('svg')];\
        const zero=s.filter(e=>{const r=e.getBoundingClientRect();return !(r.width>0&&r.height>0)}).length;\
        const marks=document.querySelectorAll('svg rect, svg circle, svg polyline').length;\
        document.title='PROBE svgs='+s.length+' zero='+zero+' marks='+marks;});</script></body>";
    std::fs::write(&probe, html.replace("</body>", script)).unwrap();
    let (dom, _) = headless(
        &browser,
        &["--dump-dom", "--virtual-time-budget=2000"],
        &probe,
    );
    let title = dom
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or("")
        .to_string();
    let field = |k: &str| -> usize {
        title
            .split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {k} in {title:?}"))
    };
    assert!(field("svgs") >= 8, "{title}");
    assert_eq!(field("zero"), 0, "{title}");
    assert!(field("marks") > 50, "{title}");
}
