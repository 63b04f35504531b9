use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = resilint::cli::Cli::parse();
    match resilint::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}
