//! Regenerates the committed C bindings in `guest-sdk/c/bindings/` from the
//! repository's `wit/` folder. Run it after changing the WIT package:
//!
//! ```text
//! cargo run -p hook-runner-c-bindgen
//! ```

use std::process::ExitCode;

use hook_runner_c_bindgen::{default_bindings_dir, default_wit_dir, generate, write};

fn main() -> ExitCode {
    if std::env::args_os().len() > 1 {
        eprintln!(
            "error: hook-runner-c-bindgen takes no arguments; it reads `wit/` and writes \
             `guest-sdk/c/bindings/` of the repository it was built from"
        );
        return ExitCode::from(2);
    }
    let out_dir = default_bindings_dir();
    let out_dir = out_dir.canonicalize().unwrap_or(out_dir);
    let result = generate(&default_wit_dir()).and_then(|bindings| {
        write(&bindings, &out_dir)?;
        Ok(bindings.len())
    });
    match result {
        Ok(count) => {
            println!("wrote {count} files into {}", out_dir.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
