//! `hook-runner new`: create a hook project in Rust, Python, JavaScript or
//! C from the templates in `runner/templates/`, which are compiled into the
//! binary.

use std::path::{Path, PathBuf};

use crate::exit_code::Status;
use crate::failure::Failure;

/// The `guest-sdk` folder of the repository this binary was built from.
const DEFAULT_SDK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../guest-sdk");

/// The maximum length of a hook name, in bytes. The name becomes a file name.
const MAX_NAME_LEN: usize = 64;

/// The `<ticket_info>` of an ADVANCE event on ticket 1001 of the emulator's
/// sample tickets.
const SAMPLE_TICKET_INFO: &str =
    include_str!("../../../tests/fixtures/ticket_info/advance-1001.xml");
const CONFIG_TEMPLATE: &str = include_str!("../../templates/common/hook-runner.toml");
const TRY_TEMPLATE: &str = include_str!("../../templates/common/try.md");

/// Create a hook project: the hook's source, its policy.toml, a build entry
/// point for the language's tool, a configuration and a sample
/// <ticket_info> to try it with, and a README with the commands.
///
/// The project refers to the hook-runner repository's guest SDK and pinned
/// toolchains by absolute path, so the repository must stay in place.
#[derive(Debug, clap::Args)]
#[command(after_help = NEW_EXIT_CODES)]
pub struct NewCommand {
    /// Language of the hook
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Language,

    /// Name of the hook, which names its crate, module or script and its
    /// component
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Folder to create, which must not exist or be empty [default: ./NAME]
    #[arg(long, value_name = "PATH")]
    pub dir: Option<PathBuf>,

    /// The guest-sdk folder of the hook-runner repository; the default is
    /// the one this binary was built from
    #[arg(long, value_name = "PATH", default_value = DEFAULT_SDK, hide_default_value = true)]
    pub sdk: PathBuf,
}

const NEW_EXIT_CODES: &str = "\
Exit codes:
  0  the project was created
  2  invalid command line: an unknown language, an invalid name, or a folder
     that exists and is not empty
  3  the SDK folder is missing, or the project folder cannot be written";

/// A language that `new` has templates for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Language {
    /// Rust, built with cargo for wasm32-wasip2
    Rust,
    /// Python, built with componentize-py
    Python,
    /// JavaScript, built with componentize-qjs (QuickJS)
    Js,
    /// C, built with zig cc and `hook-runner componentize`
    C,
}

/// One file of a generated project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFile {
    /// The path relative to the project folder.
    pub path: String,
    /// The contents.
    pub text: String,
    /// Whether the file is a script to run (mode 0755).
    pub executable: bool,
}

impl NewCommand {
    /// Runs the command and returns the exit status.
    pub fn execute(&self) -> Result<Status, Failure> {
        validate_name(self.lang, &self.name).map_err(|error| Failure::new(Status::Usage, error))?;
        let dir = self
            .dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(&self.name));
        check_target_dir(&dir)?;
        let sdk = locate_sdk(&self.sdk, self.lang)?;

        let files = render_project(self.lang, &self.name, &sdk)?;
        write_project(&dir, &files)?;

        println!(
            "created the {} hook `{}` in {}",
            self.lang.display_name(),
            self.name,
            dir.display()
        );
        println!(
            "build it with `{}` in that folder; its README.md shows how to try it",
            build_command(self.lang)
        );
        Ok(Status::Success)
    }
}

impl Language {
    fn display_name(self) -> &'static str {
        match self {
            Language::Rust => "Rust",
            Language::Python => "Python",
            Language::Js => "JavaScript",
            Language::C => "C",
        }
    }
}

/// Returns the command that builds a project of `language`.
fn build_command(language: Language) -> &'static str {
    match language {
        Language::Rust => "cargo build --target wasm32-wasip2 --release",
        Language::Python | Language::Js | Language::C => "./build.sh",
    }
}

/// Returns the component's path relative to the project folder.
pub fn component_path(language: Language, name: &str) -> String {
    match language {
        // Cargo names a library target after the package, with `_` for `-`.
        Language::Rust => format!(
            "target/wasm32-wasip2/release/{}.wasm",
            name.replace('-', "_")
        ),
        Language::Python | Language::Js | Language::C => format!("build/{name}.wasm"),
    }
}

/// Rust keywords, strict and reserved (2024 edition). Cargo rejects a
/// package whose name, with `_` for `-`, is one of them.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Crate names that Cargo rejects for a package or that clash with the
/// SDK dependency, with `_` for `-`.
const RUST_TAKEN: &[&str] = &[
    "alloc",
    "core",
    "proc_macro",
    "std",
    "test",
    "hook_runner_guest",
];

/// Python keywords (3.14), which cannot name an importable module.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Modules that a Python hook's build puts on the module path itself: the
/// SDK and what componentize-py 0.25.1 generates.
const PYTHON_TAKEN: &[&str] = &[
    "hook_runner_guest",
    "wit_world",
    "componentize_py_types",
    "componentize_py_runtime",
    "componentize_py_async_support",
    "poll_loop",
];

/// Checks that `name` can name a hook project of `language`. The error
/// message states which names are allowed.
pub fn validate_name(language: Language, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the hook name is empty".into());
    }
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "invalid hook name `{name}`: it has {} bytes, and at most {MAX_NAME_LEN} are allowed",
            name.len()
        ));
    }
    match language {
        Language::Rust => validate_rust_name(name),
        Language::Python => validate_python_name(name),
        Language::Js => validate_js_name(name),
        Language::C => validate_c_name(name),
    }
}

fn validate_rust_name(name: &str) -> Result<(), String> {
    let starts_with_letter = name.starts_with(|c: char| c.is_ascii_alphabetic());
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !starts_with_letter || !allowed {
        return Err(format!(
            "invalid hook name `{name}`: a Rust hook name, which names its crate, starts with \
             an ASCII letter and contains only ASCII letters, digits, `-` and `_`"
        ));
    }
    let crate_name = name.replace('-', "_");
    if RUST_KEYWORDS.contains(&crate_name.as_str()) {
        return Err(format!(
            "invalid hook name `{name}`: `{crate_name}` is a Rust keyword, which Cargo rejects \
             as a crate name"
        ));
    }
    if RUST_TAKEN.contains(&crate_name.as_str()) {
        return Err(format!(
            "invalid hook name `{name}`: the crate name `{crate_name}` is taken by Rust's own \
             crates or by the hook-runner SDK"
        ));
    }
    Ok(())
}

fn validate_python_name(name: &str) -> Result<(), String> {
    let starts_well = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    let allowed = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !starts_well || !allowed {
        return Err(format!(
            "invalid hook name `{name}`: a Python hook name, which names its module, starts \
             with an ASCII letter or `_` and contains only ASCII letters, digits and `_`"
        ));
    }
    if PYTHON_KEYWORDS.contains(&name) {
        return Err(format!(
            "invalid hook name `{name}`: `{name}` is a Python keyword and cannot name a module"
        ));
    }
    // NOTE: a name that shadows a standard-library module (such as `json`)
    // is not detected here; componentize-py then fails to find `WitWorld`.
    if PYTHON_TAKEN.contains(&name) {
        return Err(format!(
            "invalid hook name `{name}`: the module name `{name}` is taken by the SDK or the \
             bindings that componentize-py generates"
        ));
    }
    Ok(())
}

fn validate_js_name(name: &str) -> Result<(), String> {
    let starts_with_letter = name.starts_with(|c: char| c.is_ascii_lowercase());
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !starts_with_letter || !allowed {
        return Err(format!(
            "invalid hook name `{name}`: a JavaScript hook name, which names its module file, \
             starts with a lowercase ASCII letter and contains only lowercase ASCII letters, \
             digits, `-` and `_`"
        ));
    }
    if name == "hook-runner-guest" {
        return Err(format!(
            "invalid hook name `{name}`: the build copies the SDK into a folder of that name"
        ));
    }
    Ok(())
}

fn validate_c_name(name: &str) -> Result<(), String> {
    let starts_with_letter = name.starts_with(|c: char| c.is_ascii_alphabetic());
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !starts_with_letter || !allowed {
        return Err(format!(
            "invalid hook name `{name}`: a C hook name, which names its source file and \
             component, starts with an ASCII letter and contains only ASCII letters, digits, \
             `-` and `_`"
        ));
    }
    if name == "hook-runner-sdk" {
        return Err(format!(
            "invalid hook name `{name}`: the build copies the SDK into a folder of that name"
        ));
    }
    Ok(())
}

/// Fails unless `dir` is missing or an empty folder.
fn check_target_dir(dir: &Path) -> Result<(), Failure> {
    let mut entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            let message = if dir.exists() && !dir.is_dir() {
                format!(
                    "`{}` exists and is not a folder; choose another --dir",
                    dir.display()
                )
            } else {
                format!("failed to read the folder `{}`: {error}", dir.display())
            };
            return Err(Failure::new(Status::Usage, message));
        }
    };
    if entries.next().is_some() {
        return Err(Failure::new(
            Status::Usage,
            format!(
                "the folder `{}` exists and is not empty; choose another --dir or name",
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// Returns the absolute path of the SDK folder, after checking that it has
/// the files a `language` project needs.
fn locate_sdk(sdk: &Path, language: Language) -> Result<PathBuf, Failure> {
    let needed = match language {
        Language::Rust => "rust/Cargo.toml",
        Language::Python => "python/build-hook.sh",
        Language::Js => "js/index.js",
        Language::C => "c/include/hook_runner.h",
    };
    let missing = |detail: String| {
        Failure::new(
            Status::Config,
            format!(
                "the SDK folder `{}` {detail}; pass --sdk with the guest-sdk folder of a \
                 hook-runner repository",
                sdk.display()
            ),
        )
    };
    let absolute =
        std::fs::canonicalize(sdk).map_err(|error| missing(format!("cannot be used: {error}")))?;
    if !absolute.join(needed).is_file() {
        return Err(missing(format!("has no `{needed}`")));
    }
    if !absolute.join("../wit").is_dir() {
        return Err(missing("has no `../wit` folder beside it".into()));
    }
    Ok(absolute)
}

/// Returns the files of a `language` project named `name` that uses the SDK
/// in `sdk`, an absolute path.
pub fn render_project(
    language: Language,
    name: &str,
    sdk: &Path,
) -> Result<Vec<ProjectFile>, Failure> {
    let sdk_text = sdk.to_str().ok_or_else(|| {
        Failure::new(
            Status::Usage,
            format!("the SDK path `{}` is not valid UTF-8", sdk.display()),
        )
    })?;
    let repo = sdk.parent().unwrap_or(sdk).to_string_lossy().into_owned();
    let component = component_path(language, name);
    let rust_sdk = format!("{sdk_text}/rust");
    let toml_sdk = toml::Value::String(rust_sdk).to_string();
    let shell_sdk = shell_quote(sdk_text);
    let shell_repo = shell_quote(&repo);
    let values = [
        ("name", name),
        ("sdk", sdk_text),
        ("sdk_rust_toml", toml_sdk.as_str()),
        ("sdk_shell", shell_sdk.as_str()),
        ("repo_shell", shell_repo.as_str()),
        ("component", component.as_str()),
    ];
    let try_section = render(TRY_TEMPLATE, &values);
    let mut readme_values = values.to_vec();
    readme_values.push(("try", try_section.trim_end()));

    let file = |path: &str, template: &str| ProjectFile {
        path: path.into(),
        text: render(template, &readme_values),
        executable: false,
    };
    let script = |path: &str, template: &str| ProjectFile {
        executable: true,
        ..file(path, template)
    };
    let mut files = match language {
        Language::Rust => vec![
            file(
                "Cargo.toml",
                include_str!("../../templates/rust/Cargo.toml"),
            ),
            file(
                "src/lib.rs",
                include_str!("../../templates/rust/src/lib.rs"),
            ),
            file(
                "policy.toml",
                include_str!("../../templates/rust/policy.toml"),
            ),
            file("README.md", include_str!("../../templates/rust/README.md")),
            file(".gitignore", include_str!("../../templates/rust/gitignore")),
        ],
        Language::Python => vec![
            file(
                &format!("{name}.py"),
                include_str!("../../templates/python/hook.py"),
            ),
            script("build.sh", include_str!("../../templates/python/build.sh")),
            file(
                "policy.toml",
                include_str!("../../templates/python/policy.toml"),
            ),
            file(
                "README.md",
                include_str!("../../templates/python/README.md"),
            ),
            file(
                ".gitignore",
                include_str!("../../templates/python/gitignore"),
            ),
        ],
        Language::Js => vec![
            file(
                &format!("{name}.js"),
                include_str!("../../templates/js/hook.js"),
            ),
            script("build.sh", include_str!("../../templates/js/build.sh")),
            file(
                "policy.toml",
                include_str!("../../templates/js/policy.toml"),
            ),
            file("README.md", include_str!("../../templates/js/README.md")),
            file(".gitignore", include_str!("../../templates/js/gitignore")),
        ],
        Language::C => vec![
            file(
                &format!("{name}.c"),
                include_str!("../../templates/c/hook.c"),
            ),
            script("build.sh", include_str!("../../templates/c/build.sh")),
            file("policy.toml", include_str!("../../templates/c/policy.toml")),
            file("README.md", include_str!("../../templates/c/README.md")),
            file(".gitignore", include_str!("../../templates/c/gitignore")),
        ],
    };
    files.push(file("hook-runner.toml", CONFIG_TEMPLATE));
    files.push(ProjectFile {
        path: "ticket_info.xml".into(),
        text: SAMPLE_TICKET_INFO.into(),
        executable: false,
    });
    Ok(files)
}

/// Replaces each `{{key}}` in `template` with its value from `values`, in
/// one pass, so a value that contains `{{` stays as it is. A placeholder
/// with no value is kept, which the tests catch.
pub fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut output = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        output.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            let key = &after[..end];
            let value = values.iter().find(|(name, _)| *name == key)?.1;
            Some((value, end))
        });
        match value {
            Some((value, end)) => {
                output.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                output.push_str("{{");
                rest = after;
            }
        }
    }
    output.push_str(rest);
    output
}

/// Quotes `text` as one word for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Creates `dir` and writes `files` into it.
fn write_project(dir: &Path, files: &[ProjectFile]) -> Result<(), Failure> {
    for file in files {
        let path = dir.join(&file.path);
        let write_failed = |error: std::io::Error| {
            Failure::new(
                Status::Config,
                format!("failed to write `{}`: {error}", path.display()),
            )
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_failed)?;
        }
        std::fs::write(&path, &file.text).map_err(write_failed)?;
        if file.executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .map_err(write_failed)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGUAGES: [Language; 4] = [Language::Rust, Language::Python, Language::Js, Language::C];

    #[test]
    fn names_accepted() {
        for name in ["summary", "risk-check", "Risk_2"] {
            assert_eq!(validate_name(Language::Rust, name), Ok(()), "{name}");
        }
        for name in ["summary", "risk_check", "_private", "Risk2"] {
            assert_eq!(validate_name(Language::Python, name), Ok(()), "{name}");
        }
        for name in ["summary", "risk-check", "risk_check2"] {
            assert_eq!(validate_name(Language::Js, name), Ok(()), "{name}");
        }
        for name in ["summary", "Risk-check", "risk_check2"] {
            assert_eq!(validate_name(Language::C, name), Ok(()), "{name}");
        }
    }

    #[test]
    fn names_rejected_with_reason() {
        let cases = [
            (Language::Rust, "", "empty"),
            (Language::Rust, "2fast", "starts with an ASCII letter"),
            (Language::Rust, "risk check", "only ASCII letters"),
            (Language::Rust, "../escape", "only ASCII letters"),
            (Language::Rust, "fn", "Rust keyword"),
            (Language::Rust, "self", "Rust keyword"),
            (Language::Rust, "test", "taken"),
            (Language::Rust, "hook-runner-guest", "taken"),
            (
                Language::Python,
                "risk-check",
                "only ASCII letters, digits and `_`",
            ),
            (Language::Python, "9lives", "starts"),
            (Language::Python, "lambda", "Python keyword"),
            (Language::Python, "hook_runner_guest", "taken"),
            (Language::Python, "wit_world", "taken"),
            (Language::Js, "RiskCheck", "lowercase"),
            (Language::Js, "-risk", "starts with a lowercase"),
            (Language::Js, "risk.check", "only lowercase"),
            (Language::Js, "hook-runner-guest", "copies the SDK"),
            (Language::C, "_hook", "starts with an ASCII letter"),
            (Language::C, "risk.check", "only ASCII letters"),
            (Language::C, "../escape", "only ASCII letters"),
            (Language::C, "hook-runner-sdk", "copies the SDK"),
        ];
        for (language, name, expected) in cases {
            let error = validate_name(language, name).expect_err(name);
            assert!(error.contains(expected), "{name}: {error}");
        }
    }

    #[test]
    fn name_too_long_rejected() {
        let name = "a".repeat(MAX_NAME_LEN + 1);
        for language in LANGUAGES {
            let error = validate_name(language, &name).expect_err("too long");
            assert!(error.contains("at most 64"), "{error}");
        }
        assert_eq!(
            validate_name(Language::Rust, &"a".repeat(MAX_NAME_LEN)),
            Ok(())
        );
    }

    #[test]
    fn render_replaces_placeholders_once() {
        let values = [("name", "{{sdk}}"), ("sdk", "/opt/sdk")];
        assert_eq!(
            render("{{name}} uses {{sdk}} {{other}} }} {{", &values),
            "{{sdk}} uses /opt/sdk {{other}} }} {{"
        );
    }

    #[test]
    fn projects_have_no_placeholders_left() {
        let sdk = Path::new("/opt/hook runner's/guest-sdk");
        for language in LANGUAGES {
            let files = render_project(language, "risk_summary", sdk).expect("renders");
            for file in &files {
                assert!(!file.text.contains("{{"), "{}: {}", file.path, file.text);
                assert!(!file.text.contains("}}"), "{}: {}", file.path, file.text);
            }
            let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
            for expected in [
                "policy.toml",
                "README.md",
                "hook-runner.toml",
                "ticket_info.xml",
            ] {
                assert!(paths.contains(&expected), "{language:?} lacks {expected}");
            }
        }
    }

    #[test]
    fn rust_project_names_crate_and_sdk() {
        let sdk = Path::new("/opt/a \"quoted\" sdk");
        let files = render_project(Language::Rust, "risk-summary", sdk).expect("renders");
        let manifest = &files[0];
        assert_eq!(manifest.path, "Cargo.toml");
        let parsed: toml::Table = manifest.text.parse().expect("valid TOML");
        assert_eq!(parsed["package"]["name"].as_str(), Some("risk-summary"));
        let dependency = &parsed["dependencies"]["hook-runner-guest"]["path"];
        assert_eq!(dependency.as_str(), Some("/opt/a \"quoted\" sdk/rust"));
        let config = files.iter().find(|file| file.path == "hook-runner.toml");
        let config: toml::Table = config.expect("config").text.parse().expect("valid TOML");
        let hook = &config["hook"].as_array().expect("hooks")[0];
        assert_eq!(
            hook["component"].as_str(),
            Some("target/wasm32-wasip2/release/risk_summary.wasm")
        );
    }

    #[test]
    fn scripts_quote_sdk_path() {
        let sdk = Path::new("/opt/it's here/guest-sdk");
        for language in [Language::Python, Language::Js, Language::C] {
            let files = render_project(language, "summary", sdk).expect("renders");
            let script = files
                .iter()
                .find(|file| file.path == "build.sh")
                .expect("build.sh");
            assert!(script.executable);
            assert!(
                script
                    .text
                    .contains(r"${HOOK_RUNNER_SDK:-'/opt/it'\''s here/guest-sdk'}"),
                "{}",
                script.text
            );
        }
    }

    #[test]
    fn hook_source_named_after_hook() {
        let sdk = Path::new("/opt/guest-sdk");
        let python = render_project(Language::Python, "summary", sdk).expect("renders");
        assert_eq!(python[0].path, "summary.py");
        assert!(
            python[0]
                .text
                .contains("\"summary listed the access requests")
        );
        let js = render_project(Language::Js, "summary", sdk).expect("renders");
        assert_eq!(js[0].path, "summary.js");
        assert!(js[0].text.contains("`summary listed the access requests"));
        let c = render_project(Language::C, "summary", sdk).expect("renders");
        assert_eq!(c[0].path, "summary.c");
        assert!(c[0].text.contains("\"summary listed the access requests"));
    }

    #[test]
    fn missing_sdk_fails_with_config_status() {
        let failure =
            locate_sdk(Path::new("/nonexistent/guest-sdk"), Language::Rust).expect_err("missing");
        assert_eq!(failure.status, Status::Config);
        assert!(failure.render().contains("--sdk"), "{}", failure.render());
    }
}
