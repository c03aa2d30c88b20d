use std::collections::BTreeSet;

use super::*;

/// An empty component with a custom section named `tag`, so that different
/// tags give different digests.
fn component(tag: &str) -> Vec<u8> {
    let mut bytes = b"\0asm\x0d\0\x01\0".to_vec();
    let name_len = u8::try_from(tag.len()).expect("short tag");
    bytes.push(0);
    bytes.push(name_len + 1);
    bytes.push(name_len);
    bytes.extend_from_slice(tag.as_bytes());
    bytes
}

fn engine(fuel: bool) -> Engine {
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    config.consume_fuel(fuel);
    Engine::new(&config).expect("engine")
}

fn digest(bytes: &[u8]) -> String {
    crate::audit::component_digest(bytes)
}

#[test]
fn key_depends_on_component_and_engine_settings() {
    let (with_fuel, without_fuel) = (engine(true), engine(false));
    let first = entry_key(&with_fuel, &digest(&component("a")));
    assert_eq!(first, entry_key(&engine(true), &digest(&component("a"))));
    assert_ne!(first, entry_key(&with_fuel, &digest(&component("b"))));
    assert_ne!(first, entry_key(&without_fuel, &digest(&component("a"))));
    assert_eq!(first.len(), 64);
}

#[test]
fn second_load_maps_the_stored_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CompileCache::new(dir.path().join("cache"));
    let (engine, bytes) = (engine(true), component("a"));

    let (_, first) = cache
        .load(&engine, &bytes, &digest(&bytes))
        .expect("compiles");
    assert!(matches!(first, CacheOutcome::Stored(_)), "{first:?}");
    let entry = cache.entry_path(&engine, &digest(&bytes));
    assert!(entry.is_file(), "no entry at {}", entry.display());

    let (_, second) = cache.load(&engine, &bytes, &digest(&bytes)).expect("maps");
    assert_eq!(second, CacheOutcome::Hit);
}

#[test]
fn corrupt_entries_are_compiled_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CompileCache::new(dir.path().to_path_buf());
    let (engine, bytes) = (engine(true), component("a"));
    cache
        .load(&engine, &bytes, &digest(&bytes))
        .expect("compiles");
    let entry = cache.entry_path(&engine, &digest(&bytes));
    let good = std::fs::read(&entry).expect("entry");

    let truncated = good[..good.len() / 2].to_vec();
    let mut flipped_header = good.clone();
    flipped_header[1] ^= 0xff;
    for corrupt in [
        Vec::new(),
        b"not compiled code".to_vec(),
        truncated,
        flipped_header,
    ] {
        std::fs::write(&entry, &corrupt).expect("corrupt the entry");
        let (_, outcome) = cache
            .load(&engine, &bytes, &digest(&bytes))
            .expect("recompiles");
        assert!(matches!(outcome, CacheOutcome::Stored(_)), "{outcome:?}");
        assert_eq!(std::fs::read(&entry).expect("entry"), good);
    }
}

#[test]
fn entry_from_other_engine_settings_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CompileCache::new(dir.path().to_path_buf());
    let bytes = component("a");
    let (with_fuel, without_fuel) = (engine(true), engine(false));
    cache
        .load(&without_fuel, &bytes, &digest(&bytes))
        .expect("compiles");
    // Plant the artifact of the other settings under this engine's key.
    std::fs::rename(
        cache.entry_path(&without_fuel, &digest(&bytes)),
        cache.entry_path(&with_fuel, &digest(&bytes)),
    )
    .expect("rename");

    let (_, outcome) = cache
        .load(&with_fuel, &bytes, &digest(&bytes))
        .expect("recompiles");
    assert!(matches!(outcome, CacheOutcome::Stored(_)), "{outcome:?}");
}

#[test]
fn invalid_component_is_an_error_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CompileCache::new(dir.path().to_path_buf());
    let engine = engine(true);
    let error = cache
        .load(&engine, b"\0asm\x0d\0\x01\0\x99", "sha256:bad")
        .expect_err("invalid");
    assert!(!format!("{error:#}").is_empty());
    assert!(!cache.entry_path(&engine, "sha256:bad").exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list the cache")
        .map(|item| item.expect("cache item").file_name())
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

#[cfg(unix)]
#[test]
fn shared_folder_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).expect("mkdir");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let cache = CompileCache::new(shared.clone());
    let (engine, bytes) = (engine(true), component("a"));

    let (_, outcome) = cache
        .load(&engine, &bytes, &digest(&bytes))
        .expect("compiles");
    let CacheOutcome::Uncached(_, reason) = outcome else {
        panic!("used a world-writable cache: {outcome:?}");
    };
    assert!(reason.contains("chmod go-w"), "{reason}");
    assert_eq!(std::fs::read_dir(&shared).expect("list").count(), 0);
}

#[cfg(unix)]
#[test]
fn symlinked_folder_is_not_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let real = dir.path().join("real");
    std::fs::create_dir(&real).expect("mkdir");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let cache = CompileCache::new(link);
    let (engine, bytes) = (engine(true), component("a"));

    let (_, outcome) = cache
        .load(&engine, &bytes, &digest(&bytes))
        .expect("compiles");
    assert!(matches!(outcome, CacheOutcome::Uncached(..)), "{outcome:?}");
}

#[cfg(unix)]
#[test]
fn new_folder_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CompileCache::new(dir.path().join("a/b"));
    let (engine, bytes) = (engine(true), component("a"));
    cache
        .load(&engine, &bytes, &digest(&bytes))
        .expect("compiles");
    let mode = std::fs::metadata(dir.path().join("a/b"))
        .expect("created")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}

#[test]
fn stale_files_are_listed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CompileCache::new(dir.path().to_path_buf());
    let engine = engine(true);
    let (used, unused) = (component("used"), component("unused"));
    cache
        .load(&engine, &used, &digest(&used))
        .expect("compiles");
    cache
        .load(&engine, &unused, &digest(&unused))
        .expect("compiles");
    std::fs::write(dir.path().join(".partial-x"), b"left by a kill").expect("write");
    std::fs::write(dir.path().join("notes.txt"), b"not ours").expect("write");

    let current = BTreeSet::from([cache.entry_path(&engine, &digest(&used))]);
    let entries = list_entries(dir.path(), &current).expect("lists");
    let names: Vec<String> = entries
        .stale
        .iter()
        .map(|path| {
            path.file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let unused_entry = format!("{}{ENTRY_SUFFIX}", entry_key(&engine, &digest(&unused)));
    let expected = vec![
        ".partial-x".to_string(),
        unused_entry.clone(),
        format!("{unused_entry}{LOCK_SUFFIX}"),
    ];
    assert_eq!(names, expected);
    assert!(entries.stale_bytes > 0);
    assert!(
        list_entries(&dir.path().join("missing"), &current)
            .expect("empty")
            .stale
            .is_empty()
    );
}
