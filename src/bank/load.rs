//! Reading packs from a file or a directory of `*.toml` files into a validated [`Bank`].

use std::path::Path;
use std::sync::Arc;

use super::validate::{validate, PackError, MAX_PACK_BYTES};
use super::Pack;

/// The validated packs, one per role.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    packs: Vec<Arc<Pack>>,
}

impl Bank {
    /// Builds a bank from packs that already passed validation; rejects duplicate role ids.
    pub fn new(packs: Vec<(String, Pack)>) -> Result<Bank, Vec<PackError>> {
        let mut errors = Vec::new();
        for (i, (file, p)) in packs.iter().enumerate() {
            if let Some((other, _)) = packs[..i].iter().find(|(_, q)| q.role.id == p.role.id) {
                errors.push(PackError {
                    file: file.clone(),
                    question: None,
                    field: "role.id".into(),
                    message: format!("role '{}' is already defined in {other}", p.role.id),
                });
            }
        }
        if errors.is_empty() {
            Ok(Bank {
                packs: packs.into_iter().map(|(_, p)| Arc::new(p)).collect(),
            })
        } else {
            Err(errors)
        }
    }

    pub fn packs(&self) -> &[Arc<Pack>] {
        &self.packs
    }

    pub fn role(&self, id: &str) -> Option<&Arc<Pack>> {
        self.packs.iter().find(|p| p.role.id == id)
    }
}

/// Parses and validates one pack's text; `file` names it in errors.
pub fn parse_pack(text: &str, file: &str) -> Result<Pack, Vec<PackError>> {
    let err = |field: &str, message: String| {
        vec![PackError {
            file: file.to_string(),
            question: None,
            field: field.to_string(),
            message,
        }]
    };
    if text.len() > MAX_PACK_BYTES {
        return Err(err("(file)", format!("is {} bytes; the limit is {MAX_PACK_BYTES}", text.len())));
    }
    let pack: Pack = toml::from_str(text).map_err(|e| err(&toml_field(&e), toml_message(text, &e)))?;
    let errors = validate(&pack, file);
    if errors.is_empty() {
        Ok(pack)
    } else {
        Err(errors)
    }
}

/// The question or table an error sits in, from the line it points at.
fn toml_field(e: &toml::de::Error) -> String {
    let msg = e.message();
    if let Some(rest) = msg.strip_prefix("missing field `") {
        return rest.trim_end_matches('`').to_string();
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        return rest.split('`').next().unwrap_or("").to_string();
    }
    "(toml)".to_string()
}

fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let at = e.span().map(|s| {
        let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
        format!(" (line {line})")
    });
    format!("{}{}", e.message().trim(), at.unwrap_or_default())
}

/// Loads one pack file, or every `*.toml` in a directory (sorted), collecting all errors.
pub fn load_path(path: &Path) -> Result<Bank, Vec<PackError>> {
    let io_err = |p: &Path, e: std::io::Error| PackError {
        file: p.display().to_string(),
        question: None,
        field: "(file)".into(),
        message: format!("cannot read: {e}"),
    };
    let files = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| vec![io_err(path, e)])?
            .filter_map(|d| d.ok().map(|d| d.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        files
    } else {
        vec![path.to_path_buf()]
    };
    if files.is_empty() {
        return Err(vec![io_err(path, std::io::Error::other("no *.toml pack files here"))]);
    }
    let mut packs = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let name = f.display().to_string();
        match std::fs::read_to_string(&f) {
            Err(e) => errors.push(io_err(&f, e)),
            Ok(text) => match parse_pack(&text, &name) {
                Ok(p) => packs.push((name, p)),
                Err(es) => errors.extend(es),
            },
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Bank::new(packs)
}
