//! `src/lib/ipc/bindings.ts`: every type crossing IPC, generated from the Rust
//! types with ts-rs. The test fails when the committed file is stale;
//! `UPDATE_BINDINGS=1 cargo test -p tusk-app bindings` rewrites it.

#[cfg(test)]
mod tests {
    use crate::channels::{ChannelsView, SaveChannel, SavedChannel};
    use crate::commands::about::AppInfo;
    use crate::commands::automatic::AutomaticBackups;
    use crate::commands::connections::ToolsView;
    use crate::commands::destinations::BucketListing;
    use crate::commands::jobs::{BackupNotes, RestoreConfirmation, RestorePlan};
    use crate::commands::schedules::{PrunePreview, TriggerPreview};
    use crate::commands::server::ServerRestoreInput;
    use crate::commands::settings::RetentionGroup;
    use crate::destinations::{DestinationsView, SaveDestination, SavedDestination};
    use crate::jobs::JobStarted;
    use crate::profiles::{ConnectionProfile, PasswordStorage, SaveConnection};
    use crate::settings::AppSettings;
    use crate::state::JobSummary;
    use ts_rs::{Config, TS};
    use tusk_engine::backup::recorded::Deleted;
    use tusk_engine::catalog::export::ExportFormat;
    use tusk_engine::catalog::retention::{Gfs, PruneDecision, RetentionPolicy};
    use tusk_engine::catalog::*;
    use tusk_engine::cluster::backup::ServerBackupPlan;
    use tusk_engine::cluster::restore::{DatabaseRestorePlan, ServerRestorePlan};
    use tusk_engine::cluster::{ServerContents, ServerDatabase};
    use tusk_engine::explain::{Explanation, FailureKind};
    use tusk_engine::jobs::{RowCheck, RowDifference};
    use tusk_engine::notify::{Channel, Email, SmtpSecurity, Via, Webhook, WebhookFormat};
    use tusk_engine::options::{
        BackupPreset, BackupScope, DumpSection, Encryption, GlobalsContent, InsertMode,
        PresetChoice, ServerOptions, StatisticsMode,
    };
    use tusk_engine::restore::guarded::RestoreSafety;
    use tusk_engine::restore::RestorePreflight;
    use tusk_engine::schedule::housekeeping::{OwnKind, OwnRetention};
    use tusk_engine::schedule::runner::Notice;
    use tusk_engine::server::objects::{ConnectionTools, ToolPick};
    use tusk_engine::server::tools::{PgVersion, ToolChoice, ToolInfo};
    use tusk_engine::server::ServerInfo;
    use tusk_engine::storage::{RemoteBackup, S3Destination, StorageFailure, TestStep};
    use tusk_engine::*;

    fn generate() -> String {
        let cfg = Config::new().with_large_int("number");
        let mut out = String::from(
            "// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p tusk-app bindings`. Do not edit.\n",
        );
        macro_rules! declare {
            ($($t:ty),* $(,)?) => {
                $( out.push_str(&format!("\nexport {}\n", <$t as TS>::decl(&cfg))); )*
            };
        }
        declare!(
            BackupFormat,
            Compression,
            BackupInfo,
            ScriptFindings,
            ScriptFinding,
            FindingKind,
            BackupContents,
            TableRef,
            TocEntry,
            Section,
            DataLocation,
            DumpSection,
            InsertMode,
            Encryption,
            CompressionMethod,
            StatisticsMode,
            BackupScope,
            GlobalsContent,
            ServerOptions,
            BackupOptions,
            BackupPreset,
            PresetChoice,
            RestoreOptions,
            Phase,
            BackupProgress,
            JobType,
            JobStatus,
            RowDifference,
            RowCheck,
            JobOutcome,
            FailureKind,
            Explanation,
            ErrorPayload,
            PgVersion,
            ServerInfo,
            ToolInfo,
            ToolsView,
            ConnectionTools,
            ToolPick,
            ToolChoice,
            BackupPlan,
            ServerDatabase,
            ServerBackupPlan,
            ServerContents,
            DatabaseRestorePlan,
            ServerRestorePlan,
            ServerRestoreInput,
            RestorePreflight,
            DbObjects,
            SchemaObjects,
            TableObject,
            PasswordStorage,
            S3Destination,
            SavedDestination,
            DestinationsView,
            SaveDestination,
            StorageFailure,
            TestStep,
            RemoteBackup,
            BucketListing,
            ConnectionProfile,
            SaveConnection,
            JobStarted,
            JobSummary,
            BackupNotes,
            RestorePlan,
            RestoreConfirmation,
            RestoreSafety,
            RestoreRecord,
            BackupStatus,
            BackupReason,
            Source,
            BackupCopy,
            PartKind,
            BackupPart,
            RowTotals,
            BackupRecord,
            VerifyStatus,
            VerifyCheck,
            TableCheck,
            Verification,
            BackupQuery,
            BackupPage,
            ExportFormat,
            ImportReport,
            OpenReport,
            Trigger,
            NotifyOn,
            Gfs,
            RetentionPolicy,
            OwnRetention,
            OwnKind,
            Schedule,
            RunStatus,
            ScheduleRun,
            ScheduleStats,
            ScheduleSummary,
            AutomaticBackups,
            PruneDecision,
            PrunePreview,
            RetentionGroup,
            TriggerPreview,
            Notice,
            WebhookFormat,
            Webhook,
            SmtpSecurity,
            Email,
            Via,
            Channel,
            SavedChannel,
            ChannelsView,
            SaveChannel,
            AppSettings,
            Deleted,
            AppInfo,
        );
        out.push_str(&values());
        out
    }

    /// The defaults and presets as the engine has them, for the dialogs to
    /// start from (never a hand-kept copy in TypeScript).
    fn values() -> String {
        let json = |value: serde_json::Value| serde_json::to_string_pretty(&value).unwrap();
        let presets = |pg_dump_zstd: bool| -> serde_json::Map<String, serde_json::Value> {
            BackupPreset::ALL
                .iter()
                .map(|p| {
                    let name = serde_json::to_value(p).unwrap();
                    let name = name.as_str().unwrap().to_owned();
                    (
                        name,
                        serde_json::to_value(p.choice_with(pg_dump_zstd)).unwrap(),
                    )
                })
                .collect()
        };
        use tusk_engine::options::Tool;
        use tusk_engine::server::gates;
        let since = |fields: &[(&str, &str)], tool: Tool| {
            let map: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(field, flag)| (field.to_string(), gates::since(tool, flag).into()))
                .collect();
            json(serde_json::Value::Object(map))
        };
        format!(
            "\n/** Backup options and the first pg_dump major that has them (`server::gates`). */\n\
             export const PG_DUMP_SINCE = {} as const;\n\
             \n/** `statistics` other than pg_dump's default: pg_dump 18+. */\n\
             export const STATISTICS_SINCE = {};\n\
             \n/** pg_dump's own zstd and lz4, where its build has them. */\n\
             export const PG_DUMP_COMPRESSION_SINCE = {};\n\
             \n/** Restore options and the first pg_restore major that has them. */\n\
             export const PG_RESTORE_SINCE = {} as const;\n\
             \n/** The engine's default backup options (`BackupOptions::default()`). */\n\
             export const DEFAULT_BACKUP_OPTIONS: BackupOptions = {};\n\
             \n/** The engine's default restore options (`RestoreOptions::default()`). */\n\
             export const DEFAULT_RESTORE_OPTIONS: RestoreOptions = {};\n\
             \n/** What each preset sets (`BackupPreset::choice`). */\n\
             export const PRESETS: Record<BackupPreset, PresetChoice> = {};\n\
             \n/** What each preset sets for a pg_dump with its own zstd (16+, built with it). */\n\
             export const PRESETS_WITH_PG_DUMP_ZSTD: Record<BackupPreset, PresetChoice> = {};\n",
            since(gates::BACKUP_FIELD_GATES, Tool::PgDump),
            gates::STATISTICS_SINCE,
            gates::NATIVE_COMPRESSION_SINCE,
            since(gates::RESTORE_FIELD_GATES, Tool::PgRestore),
            json(serde_json::to_value(BackupOptions::default()).unwrap()),
            json(serde_json::to_value(RestoreOptions::default()).unwrap()),
            json(serde_json::Value::Object(presets(false))),
            json(serde_json::Value::Object(presets(true))),
        )
    }

    #[test]
    fn bindings_are_fresh() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/lib/ipc/bindings.ts");
        let fresh = generate();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: run `UPDATE_BINDINGS=1 cargo test -p tusk-app bindings` and commit it",
            path.display()
        );
    }
}
