//! `discord::ComponentId::parse` on arbitrary text: it must not panic, and whatever it parses
//! encodes to an id that parses back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use panelist::discord::ComponentId;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Some(id) = ComponentId::parse(&text) {
        let encoded = id.encode();
        assert_eq!(ComponentId::parse(&encoded), Some(id), "{text:?} -> {encoded:?}");
    }
});
