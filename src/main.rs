//! The `panelist` binary: environment, logging, then one call into the library.

use std::process::ExitCode;

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    panelist::cli::main()
}
