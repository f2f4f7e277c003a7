//! Sample-answer fixtures: a strong and a weak answer written for a question, proving that
//! talking-point coverage tells the truth on real answers (strong >= 70%, weak <= 30%).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::Bank;

impl std::fmt::Display for PackFixtures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} questions with strong/weak sample answers", self.questions)?;
        if let (Some(s), Some(w)) = (self.lowest_strong, self.highest_weak) {
            write!(
                f,
                " (strong answers at least {:.0}% coverage, weak at most {:.0}%)",
                s * 100.0,
                w * 100.0
            )?;
        }
        Ok(())
    }
}
use crate::interview::coverage::coverage;

pub const STRONG_MIN: f64 = 0.7;
pub const WEAK_MAX: f64 = 0.3;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    role: String,
    question: String,
    strong: String,
    weak: String,
}

/// What the fixtures of one pack showed.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct PackFixtures {
    /// Questions with a strong and a weak sample answer.
    pub questions: usize,
    /// The lowest coverage of a strong answer and the highest of a weak one (0.0-1.0).
    pub lowest_strong: Option<f64>,
    pub highest_weak: Option<f64>,
}

/// What the fixtures of a directory showed.
#[derive(Debug, Default)]
pub struct FixtureReport {
    /// Per role id (every pack listed, zero included).
    pub per_role: BTreeMap<String, PackFixtures>,
    /// One line per fixture that failed a threshold or could not be read.
    pub failures: Vec<String>,
}

/// Checks every `*.toml` fixture in `dir` against the bank.
pub fn check_fixtures(bank: &Bank, dir: &Path) -> std::io::Result<FixtureReport> {
    let mut report = FixtureReport {
        per_role: bank.packs().iter().map(|p| (p.role.id.clone(), PackFixtures::default())).collect(),
        ..Default::default()
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for path in files {
        let name = path.display().to_string();
        let f: Fixture = match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| toml::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(f) => f,
            Err(e) => {
                report.failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let Some(q) = bank.role(&f.role).and_then(|p| p.question(&f.question)) else {
            report
                .failures
                .push(format!("{name}: no question '{}' in role '{}'", f.question, f.role));
            continue;
        };
        let strong = coverage(&f.strong, &q.talking_points).fraction();
        let weak = coverage(&f.weak, &q.talking_points).fraction();
        if strong < STRONG_MIN || weak > WEAK_MAX {
            report.failures.push(format!(
                "{name}: strong {:.0}% (needs >= 70%), weak {:.0}% (needs <= 30%)",
                strong * 100.0,
                weak * 100.0
            ));
        }
        let e = report.per_role.entry(f.role).or_default();
        e.questions += 1;
        e.lowest_strong = Some(e.lowest_strong.map_or(strong, |x| x.min(strong)));
        e.highest_weak = Some(e.highest_weak.map_or(weak, |x| x.max(weak)));
    }
    Ok(report)
}
