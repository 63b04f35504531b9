use std::process::ExitCode;

use clap::Parser;

// syn allocates for every token and tree node: with the system allocator a third of a Rust
// scan is spent in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// tree-sitter's C code allocates its parse stacks and subtrees through its own hooks; pointing
// them at mimalloc too saves the libc malloc share of a Python scan.
unsafe extern "C" fn zeroed_array(count: usize, size: usize) -> *mut std::ffi::c_void {
    match count.checked_mul(size) {
        // SAFETY: mi_zalloc takes any size and returns null when it cannot allocate.
        Some(bytes) => unsafe { libmimalloc_sys::mi_zalloc(bytes) },
        None => std::ptr::null_mut(),
    }
}

fn main() -> ExitCode {
    // SAFETY: set before any parser exists, so every tree-sitter allocation is freed by the
    // allocator that made it.
    unsafe {
        tree_sitter::set_allocator(
            Some(libmimalloc_sys::mi_malloc),
            Some(zeroed_array),
            Some(libmimalloc_sys::mi_realloc),
            Some(libmimalloc_sys::mi_free),
        );
    }
    let cli = resilint::cli::Cli::parse();
    match resilint::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}
