//! A test scenario: a temporary folder with a configuration, the emulator
//! serving the project's ticket fixtures on 127.0.0.1, and a way to run the
//! real `hook-runner` binary the way SecureChange does.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use scw_emulator::{EmulatorConfig, EmulatorHandle, RecordedRequest};

/// API user the emulator accepts in tests.
pub const API_USER: &str = "hook-runner";
/// Its password, passed to hook-runner through `TEST_API_PASSWORD`.
pub const API_PASSWORD: &str = "emulator-secret";

/// Returns the folder of the project's test fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Returns the `<ticket_info>` fixture `name` (such as `advance-1001.xml`).
pub fn ticket_info(name: &str) -> Vec<u8> {
    let path = fixtures().join("ticket_info").join(name);
    std::fs::read(&path)
        .unwrap_or_else(|error| panic!("failed to read {}: {error}", path.display()))
}

/// Returns the path of the `hook-runner` binary that cargo built next to
/// this test binary.
pub fn hook_runner_binary() -> PathBuf {
    let test_exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/all-<hash> -> target/<profile>/hook-runner
    let profile_dir = test_exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary lives in target/<profile>/deps");
    let binary = profile_dir.join(format!("hook-runner{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run `cargo build -p hook-runner` first (make test does)",
        binary.display()
    );
    binary
}

/// A configured hook-runner installation talking to a running emulator.
#[derive(Debug)]
pub struct Scenario {
    /// The temporary folder that contains the configuration.
    pub dir: tempfile::TempDir,
    /// The emulator.
    pub emulator: EmulatorHandle,
}

/// One `[[hook]]` entry for [`Scenario::write_config`].
#[derive(Debug, Clone, Copy)]
pub struct HookEntry<'a> {
    /// Hook name.
    pub name: &'a str,
    /// Component path.
    pub component: &'a str,
    /// Events, as TOML array text such as `["ADVANCE"]`.
    pub events: &'a str,
    /// Extra TOML lines inside the entry (steps, workflows).
    pub extra: &'a str,
    /// `[hook.config]` lines.
    pub settings: &'a str,
}

impl Scenario {
    /// Starts the emulator on the project's ticket fixtures.
    pub fn start() -> Scenario {
        Scenario::start_with_data(&fixtures().join("tickets"))
    }

    /// Starts the emulator on the tickets in `data_dir`.
    pub fn start_with_data(data_dir: &Path) -> Scenario {
        let emulator = scw_emulator::spawn(
            "127.0.0.1:0".parse().expect("address"),
            EmulatorConfig {
                data_dir: data_dir.to_path_buf(),
                username: API_USER.into(),
                password: API_PASSWORD.into(),
            },
        )
        .expect("emulator starts");
        Scenario {
            dir: tempfile::tempdir().expect("temp dir"),
            emulator,
        }
    }

    /// Returns the configuration file path.
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("hook-runner.toml")
    }

    /// Writes and returns the policy that hooks without a `policy` line in
    /// `extra` get: ticket reads, comments, and writes of every field of the
    /// ticket fixtures plus the misspelt names that tests use.
    pub fn default_policy(&self) -> PathBuf {
        let path = self.dir.path().join("test-policy.toml");
        let fields = [
            "Risk Score",
            "Risk Reason",
            "Risk Level",
            "Reviewed",
            "Review Date",
            "Security Approval",
            "Business Justification",
            "Owner Notes",
            "Risk Scroe",
        ];
        let quoted: Vec<String> = fields.iter().map(|field| format!("\"{field}\"")).collect();
        let text = format!(
            "[ticket]\nread = true\ncomment = true\nwrite_fields = [{}]\n",
            quoted.join(", ")
        );
        std::fs::write(&path, text).expect("write the test policy");
        path
    }

    /// Writes a configuration with `hooks` that talks to the emulator.
    pub fn write_config(&self, hooks: &[HookEntry<'_>]) {
        self.write_config_with_api(&self.emulator.base_url(), hooks);
    }

    /// Writes a configuration with `hooks` whose API URL is `url`.
    pub fn write_config_with_api(&self, url: &str, hooks: &[HookEntry<'_>]) {
        self.write_config_text(url, "", hooks);
    }

    /// Writes a configuration with `hooks` that talks to the emulator, with
    /// `extra_top_level` (TOML tables such as `[resolve]`) before the hooks.
    pub fn write_config_with(&self, extra_top_level: &str, hooks: &[HookEntry<'_>]) {
        self.write_config_text(&self.emulator.base_url(), extra_top_level, hooks);
    }

    fn write_config_text(&self, url: &str, extra_top_level: &str, hooks: &[HookEntry<'_>]) {
        let mut text = format!(
            "[api]\nurl = \"{url}\"\nusername = \"{API_USER}\"\npassword_env = \"TEST_API_PASSWORD\"\ntimeout_seconds = 10\n\n[log]\nfile = \"hook-runner.log\"\n"
        );
        if !extra_top_level.is_empty() {
            text.push('\n');
            text.push_str(extra_top_level);
            text.push('\n');
        }
        for hook in hooks {
            // A hook without a policy file may not touch the ticket, so a
            // test that does not name one gets the broad test policy.
            let policy = if hook.extra.contains("policy =") {
                String::new()
            } else {
                format!("policy = \"{}\"\n", self.default_policy().display())
            };
            text.push_str(&format!(
                "\n[[hook]]\nname = \"{}\"\ncomponent = \"{}\"\nevents = {}\n{policy}{}\n[hook.config]\n{}\n",
                hook.name, hook.component, hook.events, hook.extra, hook.settings
            ));
        }
        std::fs::write(self.config_path(), text).expect("write config");
    }

    /// Runs hook-runner with `SCW_EVENT=event` and `stdin`, as SecureChange
    /// does, with the configuration in `HOOK_RUNNER_CONFIG`.
    pub fn run(&self, event: &str, stdin: &[u8]) -> Output {
        self.run_with(Some(event), stdin, &[], API_PASSWORD)
    }

    /// Runs hook-runner with extra arguments and a chosen API password.
    pub fn run_with(
        &self,
        event: Option<&str>,
        stdin: &[u8],
        args: &[&str],
        password: &str,
    ) -> Output {
        self.run_with_env(event, stdin, args, password, &[])
    }

    /// Runs hook-runner like [`Scenario::run_with`], with the variables in
    /// `env` added to its otherwise cleared environment.
    pub fn run_with_env(
        &self,
        event: Option<&str>,
        stdin: &[u8],
        args: &[&str],
        password: &str,
        env: &[(&str, &str)],
    ) -> Output {
        let child = self.spawn_with_env(event, stdin, args, password, env);
        child.wait_with_output().expect("hook-runner finishes")
    }

    /// Runs hook-runner with `args` and no `SCW_EVENT`, as SecureChange
    /// starts a scripted condition or a dynamic-assignment script.
    pub fn run_command(&self, args: &[&str]) -> Output {
        self.run_with(None, b"", args, API_PASSWORD)
    }

    /// Starts hook-runner like [`Scenario::run`] and returns the running
    /// process, with its standard input written and closed.
    pub fn spawn(&self, event: &str, stdin: &[u8]) -> Child {
        self.spawn_with_env(Some(event), stdin, &[], API_PASSWORD, &[])
    }

    /// Starts hook-runner like [`Scenario::run_with_env`] without waiting.
    pub fn spawn_with_env(
        &self,
        event: Option<&str>,
        stdin: &[u8],
        args: &[&str],
        password: &str,
        env: &[(&str, &str)],
    ) -> Child {
        let mut command = Command::new(hook_runner_binary());
        command
            .args(args)
            .env_clear()
            .env("HOOK_RUNNER_CONFIG", self.config_path())
            .env("TEST_API_PASSWORD", password)
            .env("HOOK_RUNNER_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(event) = event {
            command.env("SCW_EVENT", event);
        }
        command.envs(env.iter().copied());
        let mut child = command.spawn().expect("hook-runner starts");
        if let Some(mut input) = child.stdin.take() {
            // A process that exits before reading its input is a valid case.
            let _ = input.write_all(stdin);
        }
        child
    }

    /// Returns the API requests the emulator has served that changed a ticket.
    pub fn writes(&self) -> Vec<RecordedRequest> {
        self.emulator
            .requests()
            .into_iter()
            .filter(|request| request.method != "GET")
            .collect()
    }

    /// Returns the stored XML of ticket `id`.
    pub fn ticket_xml(&self, id: u64) -> String {
        self.emulator.ticket_xml(id).expect("ticket exists")
    }
}

/// Returns the exit code, standard output and standard error of `output`.
pub fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
