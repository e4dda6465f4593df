//! Tauri commands: thin — parse, call the engine, map errors.

pub mod about;
pub mod archive;
pub mod automatic;
pub mod channels;
pub mod connections;
pub mod destinations;
pub mod history;
pub mod jobs;
pub mod restores;
pub mod schedules;
pub mod server;
pub mod settings;
