//! The checks behind the TEST event, sent by the Test button under Settings >
//! SecureChange API, and behind `hook-runner check`: validate the whole
//! setup without calling the API.

use std::io::Write;

use crate::api::ApiClient;
use crate::componentize::Adapter;
use crate::config::{Config, HookConfig, ScriptKind};
use crate::egress::Resolver;
use crate::engine::{CacheOutcome, HookEngine, HookKind};
use crate::event::event_name;
use crate::exit_code::Status;
use crate::hook_context;
use crate::hook_run::{check_kind, check_pin};
use crate::policy::Policy;

/// The problems found in a setup, by source.
#[derive(Debug, Default)]
pub struct SetupCheck {
    /// Problems with the API credential source and the CA file.
    pub api_problems: Vec<String>,
    /// One entry per `[[hook]]`, in file order.
    pub hooks: Vec<HookCheck>,
}

/// The result of checking one hook's component, policy file and secrets.
#[derive(Debug)]
pub struct HookCheck {
    /// The hook's name.
    pub name: String,
    /// Problems, without the `` hook `name`: `` prefix.
    pub problems: Vec<String>,
    /// The component's digest and where its machine code came from, when
    /// it compiled and is a hook of a known kind.
    pub compiled: Option<(String, CacheOutcome)>,
    /// The hook's kind, when the component loaded.
    pub kind: Option<HookKind>,
    /// The adapter a core module was wrapped with.
    pub adapter: Option<Adapter>,
    /// The hook's policy when it loaded ([`Policy::deny_all`] for a hook
    /// without a policy file).
    pub policy: Option<Policy>,
}

impl SetupCheck {
    /// Returns every problem in the order it was found, each hook's prefixed
    /// with the hook's name.
    pub fn problems(&self) -> Vec<String> {
        let hook_problems = self.hooks.iter().flat_map(|hook| {
            hook.problems
                .iter()
                .map(|problem| format!("hook `{}`: {problem}", hook.name))
        });
        self.api_problems
            .iter()
            .cloned()
            .chain(hook_problems)
            .collect()
    }
}

/// Checks the credential source, the CA file, every hook component, policy
/// file and secret. Reads files and environment variables but sends nothing.
pub fn check_setup(config: &Config, engine: &HookEngine) -> SetupCheck {
    let mut api_problems = check_api(config);
    // Every write-back is recorded in the outbox before its first request,
    // so a run with a hook cannot write without it. Opening creates the file
    // when missing, as the first write would. Condition and assignment
    // hooks write nothing.
    if config
        .hooks
        .iter()
        .any(|hook| hook.kind == ScriptKind::Event)
        && let Err(error) = crate::outbox::Outbox::open(&config.outbox_path)
    {
        api_problems.push(error.to_string());
    }
    let hooks = config
        .hooks
        .iter()
        .map(|hook| check_hook(hook, engine))
        .collect();
    SetupCheck {
        api_problems,
        hooks,
    }
}

/// Checks the credential source, the CA file and the audit file, and
/// returns the problems found. Sends nothing.
pub fn check_api(config: &Config) -> Vec<String> {
    let mut api_problems = Vec::new();
    let password = config.api.password.read().unwrap_or_else(|problem| {
        api_problems.push(problem);
        String::new()
    });
    // Building the client reads and parses the CA file; it sends nothing.
    if let Err(error) = ApiClient::new(&config.api, password) {
        api_problems.push(error.to_string());
    }
    // Opening the audit log creates it when missing, as every run would.
    if let Some(path) = &config.audit_file
        && let Err(error) = crate::audit::AuditLog::open(path)
    {
        api_problems.push(format!("{error}: {}", error_source(&error)));
    }
    api_problems
}

fn error_source(error: &dyn std::error::Error) -> String {
    error.source().map(ToString::to_string).unwrap_or_default()
}

/// Checks one hook's component, its kind, its digest pin, its policy file
/// and its secrets.
pub fn check_hook(hook: &HookConfig, engine: &HookEngine) -> HookCheck {
    let mut problems = Vec::new();
    let loaded = engine
        .load(&hook.component)
        .map_err(|error| error.to_string());
    let loaded = loaded.and_then(|loaded| check_pin(hook, &loaded.digest).map(|()| loaded));
    let loaded = loaded.and_then(|loaded| check_kind(hook, loaded.kind).map(|()| loaded));
    let (compiled, kind, adapter) = match loaded {
        Ok(loaded) => {
            // Condition and assignment hooks have no events, so they show
            // the subcommand that starts them instead.
            let started_by = match hook.kind {
                ScriptKind::Event => hook
                    .events
                    .iter()
                    .map(|event| event_name(*event))
                    .collect::<Vec<_>>()
                    .join(","),
                script => format!("hook-runner {}", script.subcommand()),
            };
            tracing::info!(hook = %hook.name, started_by, kind = loaded.kind.name(), "component loaded");
            (
                Some((loaded.digest, loaded.compiled)),
                Some(loaded.kind),
                loaded.adapter,
            )
        }
        Err(problem) => {
            problems.push(problem);
            (None, None, None)
        }
    };

    // Building the context reads the policy file and every secret.
    let policy = hook_context::load_policy(hook).and_then(|policy| {
        hook_context::build(hook, policy.clone(), &Resolver::default(), 0, None)?;
        Ok(policy)
    });
    let policy = match policy {
        Ok(policy) => Some(policy),
        Err(problem) => {
            // hook_context names the hook in its messages; the report adds
            // the name back.
            let prefix = format!("hook `{}`: ", hook.name);
            let problem = problem.strip_prefix(&prefix).unwrap_or(&problem);
            problems.push(problem.to_string());
            None
        }
    };
    HookCheck {
        name: hook.name.clone(),
        problems,
        compiled,
        kind,
        adapter,
        policy,
    }
}

/// Runs [`check_setup`] for the TEST event and prints a summary on standard
/// output. Returns `Config` when anything is wrong, after listing every
/// problem.
pub fn self_test(config: &Config, engine: &HookEngine) -> Status {
    let problems = check_setup(config, engine).problems();

    let mut report = String::new();
    let status = if problems.is_empty() {
        report.push_str(&format!(
            "hook-runner: configuration `{}` is valid; {} hook(s) ready\n",
            config.path.display(),
            config.hooks.len()
        ));
        Status::Success
    } else {
        report.push_str(&format!(
            "hook-runner: configuration `{}` has {} problem(s):\n",
            config.path.display(),
            problems.len()
        ));
        for problem in &problems {
            report.push_str(&format!("  - {problem}\n"));
            tracing::error!("TEST: {problem}");
        }
        Status::Config
    };
    // SecureChange shows this text after the Test button; a closed or full
    // standard output must not turn a result into a crash.
    if let Err(error) = std::io::stdout().write_all(report.as_bytes()) {
        tracing::warn!(%error, "failed to write the TEST report to standard output");
    }
    status
}
