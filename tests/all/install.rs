//! `make install`: the SecureChange scripts folder layout, installed from
//! the debug binary into a temporary folder.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hook_runner_tests::guests::RISK_SCORER;
use hook_runner_tests::scenario::{describe, hook_runner_binary};

/// Runs `make install` into `prefix` with the binary the tests run.
fn make_install(prefix: &Path) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Command::new("make")
        .current_dir(&root)
        // The outer `make test` passes its jobserver in these variables; a
        // nested make cannot use it from here.
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .env_remove("MAKELEVEL")
        .arg("--no-print-directory")
        .arg("install")
        .arg(format!("PREFIX={}", prefix.display()))
        .arg(format!("INSTALL_BIN={}", hook_runner_binary().display()))
        .output()
        .expect("run make")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

fn installed(prefix: &Path, relative: &str) -> PathBuf {
    let path = prefix.join(relative);
    assert!(path.is_file(), "{} is missing", path.display());
    path
}

#[test]
fn install_creates_layout() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let prefix = dir.path().join("hook-runner");

    let output = make_install(&prefix);

    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    assert_eq!(mode(&prefix), 0o750);
    assert_eq!(mode(&prefix.join("hooks")), 0o750);
    assert_eq!(mode(&prefix.join("policies")), 0o750);
    assert_eq!(mode(&installed(&prefix, "hook-runner")), 0o755);
    assert_eq!(mode(&installed(&prefix, "hook-runner.toml")), 0o640);
    for relative in [
        "share/schema/hook-runner.schema.json",
        "share/schema/policy.schema.json",
        "share/man/man1/hook-runner.1",
        "share/man/man1/hook-runner-run.1",
        "share/man/man1/hook-runner-condition.1",
        "share/completions/hook-runner.bash",
        "share/completions/hook-runner.zsh",
        "share/completions/hook-runner.fish",
    ] {
        let text = std::fs::read_to_string(installed(&prefix, relative)).expect("read");
        assert!(text.len() > 100, "{relative} is nearly empty: {text}");
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("add hooks to hook-runner.toml"), "{stdout}");
}

#[test]
fn installed_config_passes_check() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let prefix = dir.path().join("hook-runner");
    let output = make_install(&prefix);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let password = prefix.join("hook-runner.password");
    std::fs::write(&password, "secret\n").expect("write password");
    std::fs::set_permissions(&password, std::fs::Permissions::from_mode(0o400))
        .expect("chmod password");

    // The binary finds hook-runner.toml next to itself, as when SecureChange
    // starts it with no arguments.
    let check = Command::new(prefix.join("hook-runner"))
        .arg("check")
        .env_remove("HOOK_RUNNER_CONFIG")
        .output()
        .expect("run installed hook-runner");

    assert_eq!(check.status.code(), Some(0), "{}", describe(&check));
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(stdout.contains("the configuration is valid"), "{stdout}");
}

#[test]
fn reinstall_keeps_config() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let prefix = dir.path().join("hook-runner");
    let first = make_install(&prefix);
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    let config = prefix.join("hook-runner.toml");
    let edited =
        "[api]\nurl = \"http://127.0.0.1:9\"\nusername = \"edited\"\npassword_env = \"P\"\n";
    std::fs::write(&config, edited).expect("edit config");

    let second = make_install(&prefix);

    assert_eq!(second.status.code(), Some(0), "{}", describe(&second));
    assert_eq!(std::fs::read_to_string(&config).expect("read"), edited);
    assert!(
        !prefix.join("hook-runner.new").exists(),
        "temporary binary left"
    );
}

#[test]
fn reinstall_compiles_configured_hooks() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let prefix = dir.path().join("hook-runner");
    let first = make_install(&prefix);
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    std::fs::copy(RISK_SCORER, prefix.join("hooks/risk_scorer.wasm")).expect("copy hook");
    let config = "[api]\nurl = \"http://127.0.0.1:9\"\nusername = \"u\"\npassword_env = \"P\"\n\n\
                  [[hook]]\nname = \"risk-scorer\"\ncomponent = \"hooks/risk_scorer.wasm\"\n\
                  events = [\"ADVANCE\"]\n";
    std::fs::write(prefix.join("hook-runner.toml"), config).expect("write config");

    let second = make_install(&prefix);

    assert_eq!(second.status.code(), Some(0), "{}", describe(&second));
    let entries = std::fs::read_dir(prefix.join("cache"))
        .expect("cache folder")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "cwasm"))
        .count();
    assert_eq!(entries, 1, "{}", describe(&second));
}

#[test]
fn install_rejects_prefix_with_space() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let prefix = dir.path().join("hook runner");

    let output = make_install(&prefix);

    assert_ne!(output.status.code(), Some(0), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("must not contain white space"), "{stderr}");
    assert!(!prefix.exists(), "created {}", prefix.display());
}
