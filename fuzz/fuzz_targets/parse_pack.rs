//! `bank::parse_pack` on arbitrary bytes (decoded lossily, as an upload would be): it must not
//! panic, and a pack it accepts must be accepted again once written back out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panelist::bank::parse_pack;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_pack(&text, "fuzz.toml") {
        Ok(pack) => {
            for q in &pack.questions {
                let _ = q.matcher();
            }
            let written = toml::to_string(&pack).expect("an accepted pack serializes");
            if let Err(errors) = parse_pack(&written, "rewritten.toml") {
                panic!("an accepted pack is refused once rewritten: {errors:?}");
            }
        }
        Err(errors) => assert!(!errors.is_empty(), "refused without an error"),
    }
});
