//! Every component panelist shows, in one place: the question's buttons, the rubric (checklist
//! menu and rating buttons, for self-scoring and reviewers alike), the lobby and scoring
//! buttons, the answer and note forms, and reading a click's values back.

use poise::serenity_prelude as serenity;
use serenity::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, ComponentInteractionDataKind, CreateActionRow, CreateButton, CreateInputText,
    CreateModal, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption, InputTextStyle, ModalInteraction,
};

use super::card::{clip, Reply};
use super::ids::{ComponentId, LobbyAction, PeerAction, QuestionAction, RubricAction};
use crate::interview::peer::MAX_NOTE_CHARS;
use crate::interview::Ask;

/// The answer form's text box holds at most this (Discord's limit for a paragraph input).
pub const FORM_MAX: usize = 4000;

pub fn ask_components(session: &str, a: &Ask) -> Vec<CreateActionRow> {
    let id = |action| {
        ComponentId::Question {
            action,
            session: session.to_string(),
            item: a.item,
            part: a.part,
        }
        .encode()
    };
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(id(QuestionAction::Submit))
            .label("Submit answer")
            .style(ButtonStyle::Success),
        CreateButton::new(id(QuestionAction::Form))
            .label("Answer in a form")
            .style(ButtonStyle::Primary),
        CreateButton::new(id(QuestionAction::Hint))
            .label("Hint")
            .style(ButtonStyle::Secondary),
        CreateButton::new(id(QuestionAction::Skip))
            .label("Skip")
            .style(ButtonStyle::Secondary),
        CreateButton::new(id(QuestionAction::End)).label("End").style(ButtonStyle::Danger),
    ])]
}

pub fn rubric_components(session: &str, item: usize, checklist: &[String]) -> Vec<CreateActionRow> {
    let id = |action| {
        ComponentId::Rubric {
            action,
            session: session.to_string(),
            item,
        }
        .encode()
    };
    let skip = CreateButton::new(id(RubricAction::SkipScore))
        .label("Skip scoring")
        .style(ButtonStyle::Secondary);
    scoring_rows(
        &id(RubricAction::Ticks),
        "Checklist: what did your answer do?",
        checklist,
        |n| id(RubricAction::Rate(n)),
        skip,
    )
}

/// A checklist multi-select and a row of the four rating buttons (plus one more button): the
/// rubric, for self-scoring and for a reviewer's private score alike.
fn scoring_rows(
    select_id: &str,
    placeholder: &str,
    checklist: &[String],
    rate_id: impl Fn(u8) -> String,
    last: CreateButton,
) -> Vec<CreateActionRow> {
    let options = checklist
        .iter()
        .enumerate()
        .map(|(i, c)| CreateSelectMenuOption::new(clip(&format!("{}. {c}", i + 1), 100), i.to_string()))
        .collect();
    let menu = CreateSelectMenu::new(select_id, CreateSelectMenuKind::String { options })
        .placeholder(placeholder)
        .min_values(0)
        .max_values(checklist.len() as u8);
    let bands = ["strong no hire", "lean no hire", "lean hire", "strong hire"];
    let mut buttons: Vec<CreateButton> = (1..=4u8)
        .map(|n| {
            CreateButton::new(rate_id(n))
                .label(format!("{n} · {}", bands[n as usize - 1]))
                .style(ButtonStyle::Secondary)
        })
        .collect();
    buttons.push(last);
    vec![CreateActionRow::SelectMenu(menu), CreateActionRow::Buttons(buttons)]
}

pub fn lobby_components(session: &str) -> Vec<CreateActionRow> {
    let id = |action| {
        ComponentId::Lobby {
            action,
            session: session.to_string(),
        }
        .encode()
    };
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(id(LobbyAction::Join))
            .label("Join as reviewer")
            .style(ButtonStyle::Primary),
        CreateButton::new(id(LobbyAction::Leave))
            .label("Leave")
            .style(ButtonStyle::Secondary),
        CreateButton::new(id(LobbyAction::Start))
            .label("Start interview")
            .style(ButtonStyle::Success),
    ])]
}

pub fn scoring_components(session: &str, item: usize) -> Vec<CreateActionRow> {
    let id = |action| {
        ComponentId::Peer {
            action,
            session: session.to_string(),
            item,
            message: 0,
        }
        .encode()
    };
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(id(PeerAction::Score))
            .label("Score this answer")
            .style(ButtonStyle::Primary),
        CreateButton::new(id(PeerAction::Close))
            .label("Close scoring")
            .style(ButtonStyle::Secondary),
    ])]
}

/// The rows of a reviewer's private rubric: checklist select, rating buttons, note form.
pub fn reviewer_rubric_rows(session: &str, item: usize, message: u64, checklist: &[String]) -> Vec<CreateActionRow> {
    let id = |action| {
        ComponentId::Peer {
            action,
            session: session.to_string(),
            item,
            message,
        }
        .encode()
    };
    let note = CreateButton::new(id(PeerAction::Note))
        .label("Add a note")
        .style(ButtonStyle::Secondary);
    scoring_rows(
        &id(PeerAction::Ticks),
        "Checklist: what did the answer do?",
        checklist,
        |n| id(PeerAction::Rate(n)),
        note,
    )
}

/// The answer form of question `item` (follow-up `part`), pre-filled with the typed draft.
pub fn answer_form(session: &str, item: usize, part: usize, draft: &str) -> CreateModal {
    let mut input = CreateInputText::new(InputTextStyle::Paragraph, "Your answer", "answer")
        .max_length(FORM_MAX as u16)
        .required(true);
    if !draft.is_empty() {
        input = input.value(draft);
    }
    let title = if part == 0 {
        format!("Answer to question {}", item + 1)
    } else {
        format!("Answer to follow-up {part}")
    };
    let id = ComponentId::Form {
        session: session.to_string(),
        item,
        part,
    };
    CreateModal::new(id.encode(), title).components(vec![CreateActionRow::InputText(input)])
}

/// A reviewer's note form for `item`; `message` is the public scoring message to update.
pub fn note_form(session: &str, item: usize, message: u64) -> CreateModal {
    let input = CreateInputText::new(InputTextStyle::Paragraph, "Your note for the candidate", "note")
        .max_length(MAX_NOTE_CHARS as u16)
        .required(true);
    let id = ComponentId::Note {
        session: session.to_string(),
        item,
        message,
    };
    CreateModal::new(id.encode(), format!("Note on question {}", item + 1)).components(vec![CreateActionRow::InputText(input)])
}

/// The answer to select values the menu never offered.
pub fn not_offered() -> Reply {
    Reply::text("That choice is not one of the checklist's items; nothing was changed.").ephemeral()
}

/// The checklist items (0-based) picked in a select menu; `None` when a value is not one the
/// menu offers (a forged or garbled click), so nothing is applied.
pub fn selected(ci: &ComponentInteraction) -> Option<Vec<u8>> {
    match &ci.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.iter().map(|v| v.parse().ok()).collect(),
        _ => None,
    }
}

/// The text of a modal's input `field`.
pub fn modal_text(mi: &ModalInteraction, field: &str) -> String {
    mi.data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            ActionRowComponent::InputText(t) if t.custom_id == field => t.value.clone(),
            _ => None,
        })
        .unwrap_or_default()
}
