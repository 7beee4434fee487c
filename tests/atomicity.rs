//! A build killed at any moment leaves output/ whole: the old site or the
//! new one, never a mix and never nothing.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Project, brief_text, crossings_yaml, days_between, snapshot};
use jiff::civil::date;

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new() {
    let p = Project::new();
    for i in 0..60 {
        p.brief(
            &format!("brief-{i:03}"),
            &brief_text(
                &format!("Brief {i}"),
                "2023-03-20",
                "So far {{ ytd.people | thousands }}.\n\n{{ chart(name=\"cumulative\") }}\n",
            ),
        );
    }
    let data = |last| crossings_yaml(&days_between(date(2019, 1, 1), last), date(2023, 4, 6));
    let states = [data(date(2023, 3, 24)), data(date(2023, 3, 31))];
    // The two complete sites, built into folders of their own.
    let mut sites = Vec::new();
    for (i, state) in states.iter().enumerate() {
        p.write("data/crossings.yaml", state);
        p.build_ok(&["-o", &format!("site-{i}")]);
        sites.push(snapshot(&p.path(&format!("site-{i}"))));
    }
    assert_ne!(sites[0], sites[1]);
    p.write("data/crossings.yaml", &states[0]);
    let started = std::time::Instant::now();
    p.build_ok(&[]);
    // Kill at points spread over the time a whole build takes, and past it
    // (builds run slower when the machine is busy).
    let full = started.elapsed().as_millis() as u64;
    let delays = (0..=10)
        .map(|i| full * i / 10)
        .chain([2 * full, 3 * full, 4 * full]);
    let mut outcomes = [0, 0];
    for (round, delay_ms) in delays.enumerate() {
        p.write("data/crossings.yaml", &states[(round + 1) % 2]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("--root")
            .arg(p.root())
            .arg("build")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = snapshot(&p.path("output"));
        let which = sites.iter().position(|s| *s == now);
        assert!(
            which.is_some(),
            "after a kill at {delay_ms} ms output/ is neither site ({} files)",
            now.len()
        );
        outcomes[which.unwrap()] += 1;
        // Put the data back in step with what output/ now holds.
        p.write("data/crossings.yaml", &states[which.unwrap()]);
    }
    // Kills landed both before the swap (old site kept) and after it.
    eprintln!(
        "old site kept {} times, new site {} times",
        outcomes[0], outcomes[1]
    );
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}
