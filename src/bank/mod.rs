//! Question packs: the TOML format, loading from `prompts/`, and validation that names the file,
//! question and field in every error. A [`Bank`] is only built from packs that passed validation.

mod format;
mod load;
mod validate;

pub use format::{Area, Kind, Misconception, Pack, Question, Role, TalkingPoint};
pub use load::{load_path, parse_pack, Bank};
pub use validate::{completeness, PackError, MAX_PACK_BYTES};

/// Counts per area and kind, as `packs check` prints them.
pub fn counts_report(pack: &Pack) -> String {
    use std::fmt::Write;
    let mut out = format!("{} ({}): {} questions\n", pack.role.name, pack.role.id, pack.questions.len());
    for area in &pack.areas {
        let qs: Vec<&Question> = pack.questions.iter().filter(|q| q.area == area.id).collect();
        let _ = writeln!(out, "  {:<52} {:>3}", format!("{} ({})", area.name, area.id), qs.len());
    }
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("{} {}", k.as_str(), pack.questions.iter().filter(|q| q.kind == *k).count()))
        .collect();
    let _ = writeln!(out, "  kinds: {}", kinds.join(", "));
    out
}
