//! The committed C bindings match what the generator writes from `wit/`.

use hook_runner_c_bindgen::{
    REGENERATE_COMMAND, default_bindings_dir, default_wit_dir, generate, read, write,
};

#[test]
fn committed_bindings_match_wit() {
    let generated = generate(&default_wit_dir()).expect("the WIT package generates bindings");
    let temp = tempfile::tempdir().expect("temp dir");
    write(&generated, temp.path()).expect("write the bindings");
    let fresh = read(temp.path()).expect("read the fresh bindings");
    let committed = read(&default_bindings_dir()).expect("read the committed bindings");

    let fresh_paths: Vec<_> = fresh.keys().collect();
    let committed_paths: Vec<_> = committed.keys().collect();
    assert_eq!(
        committed_paths, fresh_paths,
        "the committed C bindings have other files than the generator writes; run \
         `{REGENERATE_COMMAND}` to update them"
    );
    for (path, contents) in &fresh {
        assert!(
            committed[path] == *contents,
            "guest-sdk/c/bindings/{} differs from what `wit/` generates; run \
             `{REGENERATE_COMMAND}` to update it",
            path.display()
        );
    }
}

#[test]
fn every_world_has_header_source_and_object() {
    let generated = generate(&default_wit_dir()).expect("the WIT package generates bindings");
    for world in hook_runner_c_bindgen::WORLDS {
        for file in [
            format!("{world}.h"),
            format!("{world}.c"),
            format!("{world}_component_type.o"),
        ] {
            let path = std::path::Path::new(world).join(&file);
            assert!(generated.contains_key(&path), "no {}", path.display());
        }
    }
}

#[test]
fn missing_wit_dir_is_named() {
    let temp = tempfile::tempdir().expect("temp dir");
    let missing = temp.path().join("no-wit");
    let error = generate(&missing).expect_err("no WIT package");
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );
}
