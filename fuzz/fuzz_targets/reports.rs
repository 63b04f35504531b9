//! Any bytes as a `.py` file, scanned, and its findings rendered in every report format.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resilint::facts::Lang;

fuzz_target!(|data: &[u8]| {
    let result = resilint_fuzz::scan_one(Lang::Python, "py", data);
    resilint_fuzz::render_all(&result);
});
