//! Tauri commands: thin — parse, call the engine, map errors.

pub mod archive;
pub mod connections;
pub mod jobs;
