//! Notification channels: webhooks and e-mail that schedules notify
//! through, their "Send test", and their removal.

use crate::channels::{ChannelsView, SaveChannel};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use tauri::State;

#[tauri::command]
pub fn list_channels(state: State<'_, AppState>) -> ChannelsView {
    state.channels.view()
}

#[tauri::command]
pub fn save_channel(state: State<'_, AppState>, input: SaveChannel) -> AppResult<ChannelsView> {
    let renamed = input
        .original_name
        .as_ref()
        .filter(|old| **old != input.channel.name.trim());
    if let Some(old) = renamed {
        refuse_if_used(&state, old, "renamed")?;
    }
    state.channels.save(input)
}

/// A channel schedules notify through is not taken from under them.
fn refuse_if_used(state: &AppState, name: &str, what: &str) -> AppResult<()> {
    let users: Vec<String> = state
        .catalog
        .list_schedules()?
        .into_iter()
        .filter(|s| s.notify_via.iter().any(|n| n == name))
        .map(|s| format!("“{}”", s.name))
        .collect();
    if users.is_empty() {
        return Ok(());
    }
    Err(AppError::Invalid(format!(
        "“{name}” cannot be {what}: {} notif{} through it; take it out of {} first",
        users.join(", "),
        if users.len() == 1 { "ies" } else { "y" },
        if users.len() == 1 {
            "that schedule"
        } else {
            "those schedules"
        }
    )))
}

#[tauri::command]
pub fn remove_channel(state: State<'_, AppState>, name: String) -> AppResult<ChannelsView> {
    refuse_if_used(&state, &name, "removed")?;
    state.channels.remove(&name)
}

/// Sends a test message with the form's values; returns what it was sent to.
#[tauri::command]
pub async fn test_channel(state: State<'_, AppState>, input: SaveChannel) -> AppResult<String> {
    state.channels.test(input).await
}
