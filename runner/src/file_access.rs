//! Checks of who besides its owner can change or read a file that decides
//! what hook-runner runs or sends: the configuration, policies, components
//! and the password file. `check` reports them as warnings, not problems,
//! because an admin may share a folder on purpose, and each run logs a
//! shared password file.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Returns a warning when `path`, or the folder that contains it, can be
/// written by its group or by other users. `what` names the file, such as
/// `policy`, and `risk` describes what a writer could do.
pub fn writable_warning(path: &Path, what: &str, risk: &str) -> Option<String> {
    let folder = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty());
    let writable = [Some(path), folder]
        .into_iter()
        .flatten()
        .find(|candidate| mode(candidate).is_some_and(|mode| mode & 0o022 != 0))?;
    Some(format!(
        "{what} `{}` can be written by other users than its owner through `{}`, so they could \
         {risk}: run `chmod go-w {}`",
        path.display(),
        writable.display(),
        writable.display()
    ))
}

/// Returns a warning when `path` can be read by its group or by other users.
pub fn readable_warning(path: &Path, what: &str) -> Option<String> {
    let mode = mode(path)?;
    (mode & 0o077 != 0).then(|| {
        format!(
            "{what} `{}` can be read by other users than its owner (mode {mode:o}): run \
             `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

fn mode(path: &Path) -> Option<u32> {
    std::fs::metadata(path)
        .ok()
        .map(|metadata| metadata.permissions().mode() & 0o777)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_mode(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }

    #[test]
    fn group_or_world_write_is_reported() {
        let dir = tempfile::tempdir().expect("temp dir");
        set_mode(dir.path(), 0o755);
        let file = dir.path().join("policy.toml");
        std::fs::write(&file, "").expect("write");

        set_mode(&file, 0o644);
        assert_eq!(writable_warning(&file, "policy", "grant more"), None);
        set_mode(&file, 0o664);
        let warning = writable_warning(&file, "policy", "grant more").unwrap_or_default();
        assert!(warning.contains("chmod go-w"), "{warning}");
        set_mode(&file, 0o644);
        set_mode(dir.path(), 0o777);
        let warning = writable_warning(&file, "policy", "grant more").unwrap_or_default();
        assert!(
            warning.contains(&format!("through `{}`", dir.path().display())),
            "{warning}"
        );
    }

    #[test]
    fn group_or_world_read_is_reported() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("password");
        std::fs::write(&file, "x").expect("write");
        set_mode(&file, 0o600);
        assert_eq!(readable_warning(&file, "api.password_file"), None);
        set_mode(&file, 0o640);
        let warning = readable_warning(&file, "api.password_file").unwrap_or_default();
        assert!(warning.contains("mode 640"), "{warning}");
    }
}
