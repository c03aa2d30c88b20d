//! The compile cache: components are compiled once, stored safely and
//! mapped by later runs; `compile` fills it and `check` reports stale files.

use std::path::{Path, PathBuf};

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{API_PASSWORD, HookEntry, Scenario, describe, ticket_info};

/// What hook-runner logs when it compiles instead of mapping a cache entry.
const COMPILING: &str = "compiling the component";

fn risk_scorer() -> HookEntry<'static> {
    HookEntry {
        name: "risk-scorer",
        component: RISK_SCORER,
        events: "[\"ADVANCE\"]",
        extra: "",
        settings: "",
    }
}

fn cache_dir(scenario: &Scenario) -> PathBuf {
    scenario.dir.path().join("cache")
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("cache folder exists")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "cwasm"))
        .collect();
    entries.sort();
    entries
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn second_run_maps_the_compiled_component() {
    let scenario = Scenario::start();
    scenario.write_config(&[risk_scorer()]);

    let first = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    assert!(stderr(&first).contains(COMPILING), "{}", describe(&first));
    assert_eq!(entries(&cache_dir(&scenario)).len(), 1);

    // A later pass through the step: with the same <ticket_info>, the
    // outbox would treat the second run as a re-run and write nothing.
    let later = String::from_utf8(ticket_info("advance-1001.xml"))
        .expect("utf-8")
        .replace("<updateDate>1741953600000<", "<updateDate>1741953700000<");
    let second = scenario.run("ADVANCE", later.as_bytes());
    assert_eq!(second.status.code(), Some(0), "{}", describe(&second));
    assert!(
        !stderr(&second).contains(COMPILING),
        "{}",
        describe(&second)
    );
    let puts = scenario
        .writes()
        .iter()
        .filter(|request| request.method == "PUT")
        .count();
    assert_eq!(puts, 2, "both runs wrote their fields");
}

#[test]
fn corrupt_entry_is_replaced_and_the_run_succeeds() {
    let scenario = Scenario::start();
    scenario.write_config(&[risk_scorer()]);
    let first = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    let entry = entries(&cache_dir(&scenario)).remove(0);
    let good = std::fs::read(&entry).expect("entry");
    std::fs::write(&entry, &good[..good.len() / 3]).expect("truncate");

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        stderr(&output).contains("cannot be used"),
        "{}",
        describe(&output)
    );
    assert!(stderr(&output).contains(COMPILING), "{}", describe(&output));
    assert_eq!(std::fs::read(&entry).expect("entry").len(), good.len());
}

#[test]
fn processes_starting_together_compile_once() {
    let scenario = Scenario::start();
    scenario.write_config(&[risk_scorer()]);

    let outputs: Vec<std::process::Output> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..12)
            .map(|_| scope.spawn(|| scenario.run("TEST", b"<ticket_info/>")))
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("thread"))
            .collect()
    });

    for output in &outputs {
        assert_eq!(output.status.code(), Some(0), "{}", describe(output));
    }
    let compiles = outputs
        .iter()
        .filter(|output| stderr(output).contains(COMPILING))
        .count();
    assert_eq!(
        compiles, 1,
        "one process compiles, the others map its entry"
    );
    assert_eq!(entries(&cache_dir(&scenario)).len(), 1);
}

#[test]
fn disabled_cache_writes_nothing() {
    let scenario = Scenario::start();
    scenario.write_config_with("[cache]\nenabled = false", &[risk_scorer()]);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(!cache_dir(&scenario).exists());
    let compile = scenario.run_with(None, b"", &["compile"], API_PASSWORD);
    assert_eq!(compile.status.code(), Some(3), "{}", describe(&compile));
    assert!(
        stderr(&compile).contains("cache.enabled = false"),
        "{}",
        describe(&compile)
    );
}

#[test]
fn compile_fills_the_cache_and_prunes_stale_files() {
    let scenario = Scenario::start();
    let dir = scenario.dir.path().join("precompiled");
    scenario.write_config_with("[cache]\ndir = \"precompiled\"", &[risk_scorer()]);
    std::fs::create_dir(&dir).expect("mkdir");
    let stale = dir.join(format!("{}.cwasm", "0".repeat(64)));
    std::fs::write(&stale, b"left by an older hook-runner").expect("write");

    let first = scenario.run_with(None, b"", &["compile"], API_PASSWORD);
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("risk-scorer: compiled in"), "{text}");
    assert!(text.contains("1 stale file(s)"), "{text}");

    let check = scenario.run_with(None, b"", &["check"], API_PASSWORD);
    assert_eq!(check.status.code(), Some(0), "{}", describe(&check));
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(text.contains("mapped from the compile cache"), "{text}");
    assert!(text.contains("compile --prune"), "{text}");

    let pruned = scenario.run_with(None, b"", &["compile", "--prune", "--json"], API_PASSWORD);
    assert_eq!(pruned.status.code(), Some(0), "{}", describe(&pruned));
    let report: serde_json::Value = serde_json::from_slice(&pruned.stdout).expect("JSON report");
    assert_eq!(report["hooks"][0]["status"], "cached", "{report}");
    assert_eq!(report["pruned"], true, "{report}");
    assert!(!stale.exists());
    assert_eq!(entries(&dir).len(), 1);

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        !stderr(&output).contains(COMPILING),
        "{}",
        describe(&output)
    );
}

#[test]
fn compile_reports_a_broken_component() {
    let scenario = Scenario::start();
    let broken = scenario.dir.path().join("broken.wasm");
    std::fs::write(&broken, b"\0asm\x0d\0\x01\0\xff").expect("write");
    let broken = broken.to_string_lossy().into_owned();
    scenario.write_config(&[
        risk_scorer(),
        HookEntry {
            name: "broken",
            component: &broken,
            ..risk_scorer()
        },
    ]);

    let output = scenario.run_with(None, b"", &["compile"], API_PASSWORD);

    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("risk-scorer: compiled in"), "{text}");
    assert!(text.contains("broken: FAILED"), "{text}");
}

#[cfg(unix)]
#[test]
fn world_writable_cache_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let scenario = Scenario::start();
    scenario.write_config(&[risk_scorer()]);
    let dir = cache_dir(&scenario);
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");

    let output = scenario.run("ADVANCE", &ticket_info("advance-1001.xml"));

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert!(
        stderr(&output).contains("chmod go-w"),
        "{}",
        describe(&output)
    );
    assert_eq!(std::fs::read_dir(&dir).expect("list").count(), 0);
    let check = scenario.run_with(None, b"", &["check"], API_PASSWORD);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(text.contains("compile cache cannot be used"), "{text}");
}
