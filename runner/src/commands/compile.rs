//! `hook-runner compile`: fill the compile cache with every hook's component,
//! the install step that spares the first event the compiler's wait.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use super::print_report;
use crate::config::Config;
use crate::engine::{CacheOutcome, HookEngine, list_entries};
use crate::exit_code::Status;
use crate::failure::Failure;

/// Compile every hook's component into the compile cache (`cache.dir`), so
/// that no event waits for the compiler. Run it after installing or
/// upgrading hook-runner or a hook; entries that are already there are kept.
#[derive(Debug, clap::Args)]
pub struct CompileCommand {
    /// Also remove cache entries that no hook in the configuration uses
    #[arg(long)]
    pub prune: bool,

    /// Print the report as JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct CompileReport {
    cache: PathBuf,
    hooks: Vec<HookCompiled>,
    /// Cache files that no hook uses.
    stale: Vec<PathBuf>,
    stale_bytes: u64,
    /// Whether the stale files were removed.
    pruned: bool,
}

#[derive(Debug, Serialize)]
struct HookCompiled {
    name: String,
    component: PathBuf,
    /// `cached`, `compiled` or `failed`.
    status: &'static str,
    /// Compile time, when the component was compiled now.
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl CompileCommand {
    /// Runs the command and returns the exit status: `Config` when a
    /// component does not compile or the cache cannot be written.
    pub fn execute(&self, config: &Config) -> Result<Status, Failure> {
        let cache = config.compile_cache().ok_or_else(|| {
            Failure::new(
                Status::Config,
                format!(
                    "the compile cache is disabled (cache.enabled = false in `{}`): \
                     enable it to precompile hooks",
                    config.path.display()
                ),
            )
        })?;
        let dir = cache.dir().to_path_buf();
        let engine =
            HookEngine::new(Some(cache)).map_err(|error| Failure::new(Status::Internal, error))?;

        let mut current = BTreeSet::new();
        let hooks: Vec<HookCompiled> = config
            .hooks
            .iter()
            .map(|hook| {
                let mut report = HookCompiled {
                    name: hook.name.clone(),
                    component: hook.component.clone(),
                    status: "failed",
                    seconds: None,
                    error: None,
                };
                match engine.compile(&hook.component) {
                    Ok(compiled) => {
                        current.extend(engine.cache_entry(&compiled.digest));
                        match compiled.outcome {
                            CacheOutcome::Hit => report.status = "cached",
                            CacheOutcome::Stored(elapsed) => {
                                report.status = "compiled";
                                report.seconds = Some(elapsed.as_secs_f64());
                            }
                            CacheOutcome::Uncached(_, reason) => {
                                report.error = Some(format!("not stored in the cache: {reason}"));
                            }
                        }
                    }
                    Err(error) => report.error = Some(error.to_string()),
                }
                report
            })
            .collect();

        let entries = list_entries(&dir, &current).map_err(|error| {
            Failure::new(
                Status::Config,
                format!(
                    "failed to list the compile cache `{}`: {error}",
                    dir.display()
                ),
            )
        })?;
        if self.prune {
            for path in &entries.stale {
                std::fs::remove_file(path).map_err(|error| {
                    Failure::new(
                        Status::Config,
                        format!("failed to remove `{}`: {error}", path.display()),
                    )
                })?;
            }
        }
        let report = CompileReport {
            cache: dir,
            hooks,
            stale: entries.stale,
            stale_bytes: entries.stale_bytes,
            pruned: self.prune,
        };
        print_report(&report, self.json, render_text)?;
        let failed = report.hooks.iter().any(|hook| hook.status == "failed");
        Ok(if failed {
            Status::Config
        } else {
            Status::Success
        })
    }
}

fn render_text(report: &CompileReport) -> String {
    let mut text = format!("compile cache `{}`\n", report.cache.display());
    if report.hooks.is_empty() {
        text.push_str("  the configuration has no [[hook]] entry\n");
    }
    for hook in &report.hooks {
        let detail = match (hook.status, hook.seconds, &hook.error) {
            ("compiled", Some(seconds), _) => format!("compiled in {seconds:.2} s"),
            ("cached", _, _) => "already compiled".to_string(),
            (_, _, Some(error)) => format!("FAILED: {error}"),
            (status, _, _) => status.to_string(),
        };
        text.push_str(&format!(
            "  {}: {detail} ({})\n",
            hook.name,
            hook.component.display()
        ));
    }
    if !report.stale.is_empty() {
        let size = format!("{:.1} MiB", report.stale_bytes as f64 / f64::from(1 << 20));
        if report.pruned {
            text.push_str(&format!(
                "removed {} stale file(s), {size}\n",
                report.stale.len()
            ));
        } else {
            text.push_str(&format!(
                "{} stale file(s), {size}, that no hook uses: `hook-runner compile --prune` removes them\n",
                report.stale.len()
            ));
        }
    }
    text
}
