//! Answer sets: answers to a question written by someone who saw only the question, never its
//! talking points, in five kinds (strong, weak, wrong but keyword-rich, off-topic homonyms,
//! restating the question). Within each kind the answers alternate between a tuning half, which
//! pack authors may read to fix patterns, and a held-out half, which they never read; the
//! held-out half is what proves that coverage tells the truth.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::bank::Bank;
use crate::interview::coverage::assess;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnswerKind {
    Strong,
    Weak,
    Wrong,
    Offtopic,
    Restate,
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 5] = [Self::Strong, Self::Weak, Self::Wrong, Self::Offtopic, Self::Restate];

    /// The coverage this kind of answer must reach (strong) or stay under (the others).
    pub fn target(self) -> Target {
        match self {
            Self::Strong => Target::AtLeast(0.7),
            Self::Weak | Self::Wrong => Target::AtMost(0.3),
            Self::Offtopic | Self::Restate => Target::AtMost(0.1),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strong => "strong",
            Self::Weak => "weak",
            Self::Wrong => "wrong",
            Self::Offtopic => "offtopic",
            Self::Restate => "restate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    AtLeast(f64),
    AtMost(f64),
}

impl Target {
    pub fn met(self, x: f64) -> bool {
        match self {
            Target::AtLeast(t) => x + 1e-9 >= t,
            Target::AtMost(t) => x <= t + 1e-9,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::AtLeast(t) => write!(f, ">= {:.0}%", t * 100.0),
            Target::AtMost(t) => write!(f, "<= {:.0}%", t * 100.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Half {
    Tuning,
    HeldOut,
}

impl Half {
    pub fn as_str(self) -> &'static str {
        match self {
            Half::Tuning => "tuning",
            Half::HeldOut => "held-out",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerSet {
    role: String,
    question: String,
    answers: Vec<SetAnswer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetAnswer {
    kind: AnswerKind,
    #[serde(default)]
    style: String,
    /// Set for answers written later for tuning only; otherwise the kind's odd answers tune
    /// and its even ones are held out.
    #[serde(default)]
    half: Option<Half>,
    /// Why this answer's kind target does not fit it, when a reviewer agreed the patterns read
    /// it rightly (e.g. a "weak" answer that does make three points, briefly): it still counts
    /// as a miss in the figures, but is not a finding.
    #[serde(default)]
    disputed: Option<String>,
    text: String,
}

/// One answer's result.
#[derive(Debug, Clone)]
pub struct AnswerResult {
    pub role: String,
    pub question: String,
    pub kind: AnswerKind,
    /// 1-based number among the answers of its kind.
    pub number: usize,
    pub style: String,
    pub half: Half,
    pub covered: usize,
    pub points: usize,
    pub fraction: f64,
    pub met: bool,
    /// The answer set's reason why the kind's target does not fit this answer.
    pub disputed: Option<String>,
}

/// Everything the answer sets of a directory showed.
#[derive(Debug, Default)]
pub struct FixtureReport {
    pub answers: Vec<AnswerResult>,
    /// Files that could not be read or name no known question.
    pub errors: Vec<String>,
}

/// Figures of one half for one kind of answer.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KindFigures {
    pub answers: usize,
    pub met: usize,
    pub mean: f64,
    /// Lowest coverage for strong answers, highest for the others.
    pub worst: f64,
}

impl FixtureReport {
    /// Distinct questions with an answer set, per role.
    pub fn questions_per_role(&self) -> BTreeMap<String, usize> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = BTreeMap::new();
        for a in &self.answers {
            if seen.insert((a.role.clone(), a.question.clone())) {
                *out.entry(a.role.clone()).or_insert(0) += 1;
            }
        }
        out
    }

    pub fn figures(&self, half: Half, kind: AnswerKind) -> KindFigures {
        let xs: Vec<&AnswerResult> = self.answers.iter().filter(|a| a.half == half && a.kind == kind).collect();
        if xs.is_empty() {
            return KindFigures::default();
        }
        let fr = xs.iter().map(|a| a.fraction);
        let worst = if kind == AnswerKind::Strong {
            fr.clone().fold(1.0, f64::min)
        } else {
            fr.clone().fold(0.0, f64::max)
        };
        KindFigures {
            answers: xs.len(),
            met: xs.iter().filter(|a| a.met).count(),
            mean: fr.sum::<f64>() / xs.len() as f64,
            worst,
        }
    }

    /// Answers of `half` that miss their kind's target.
    pub fn misses(&self, half: Half) -> impl Iterator<Item = &AnswerResult> {
        self.answers.iter().filter(move |a| a.half == half && !a.met)
    }

    /// Misses of `half` that no answer set disputes: for the tuning half, findings.
    pub fn undisputed_misses(&self, half: Half) -> impl Iterator<Item = &AnswerResult> {
        self.misses(half).filter(|a| a.disputed.is_none())
    }
}

/// Reads every `*.toml` answer set in `dir` and scores each answer against the bank.
pub fn check_fixtures(bank: &Bank, dir: &Path) -> std::io::Result<FixtureReport> {
    let mut report = FixtureReport::default();
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for path in files {
        let name = path.display().to_string();
        let set: AnswerSet = match std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| toml::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(s) => s,
            Err(e) => {
                report.errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        let Some(q) = bank.role(&set.role).and_then(|p| p.question(&set.question)) else {
            report
                .errors
                .push(format!("{name}: no question '{}' in role '{}'", set.question, set.role));
            continue;
        };
        let mut seen: BTreeMap<AnswerKind, usize> = BTreeMap::new();
        for a in set.answers {
            let n = seen.entry(a.kind).or_insert(0);
            *n += 1;
            let c = assess(&a.text, q, 0);
            let fraction = c.fraction();
            report.answers.push(AnswerResult {
                role: set.role.clone(),
                question: set.question.clone(),
                kind: a.kind,
                number: *n,
                style: a.style,
                half: a.half.unwrap_or(if *n % 2 == 1 { Half::Tuning } else { Half::HeldOut }),
                covered: c.covered(),
                points: c.points.len(),
                fraction,
                met: a.kind.target().met(fraction),
                disputed: a.disputed,
            });
        }
    }
    Ok(report)
}

/// The table `packs check --fixtures` prints: one line per answer, then per half and kind the
/// number that met the target, the mean and the worst coverage.
pub fn render(report: &FixtureReport) -> String {
    use std::fmt::Write;
    let mut out = String::from("answer sets (coverage per answer; target by kind)\n");
    for a in &report.answers {
        let _ = writeln!(
            out,
            "  {:<36} {:<8} #{} {:<8} {:>3}% ({}/{}) {:<6} {}{}",
            a.question,
            a.kind.as_str(),
            a.number,
            a.half.as_str(),
            (a.fraction * 100.0).round(),
            a.covered,
            a.points,
            a.kind.target().to_string(),
            match (a.met, &a.disputed) {
                (true, _) => "ok".to_string(),
                (false, None) => "MISS".to_string(),
                (false, Some(why)) => format!("MISS, disputed: {why}"),
            },
            if a.style.is_empty() {
                String::new()
            } else {
                format!("  ({})", a.style)
            },
        );
    }
    let per_role: Vec<String> = report.questions_per_role().iter().map(|(r, n)| format!("{r} {n}")).collect();
    let _ = writeln!(out, "questions with answer sets: {}", per_role.join(", "));
    for half in [Half::Tuning, Half::HeldOut] {
        let _ = writeln!(out, "{} half:", half.as_str());
        for kind in AnswerKind::ALL {
            let f = report.figures(half, kind);
            let _ = writeln!(
                out,
                "  {:<8} {:>3}/{:<3} met {:<6} mean {:>3.0}%  worst {:>3.0}%",
                kind.as_str(),
                f.met,
                f.answers,
                kind.target().to_string(),
                f.mean * 100.0,
                f.worst * 100.0
            );
        }
    }
    out
}
