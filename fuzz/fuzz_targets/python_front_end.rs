//! Any bytes as a `.py` file: the tree-sitter front end and every rule.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resilint::facts::Lang;

fuzz_target!(|data: &[u8]| {
    resilint_fuzz::scan_one(Lang::Python, "py", data);
});
