//! Tools for pack authors, above the core: answer sets that measure whether coverage tells the
//! truth (`packs check --fixtures`), and the lab that explains one answer clause by clause
//! (`packs lab`). Nothing here runs during an interview.

pub mod fixtures;
pub mod lab;

pub use fixtures::{check_fixtures, AnswerKind, AnswerResult, FixtureReport, Half, KindFigures, Target};
