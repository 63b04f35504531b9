use std::process::ExitCode;

use clap::Parser;

// syn allocates for every token and tree node: with the system allocator a third of a Rust
// scan is spent in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
