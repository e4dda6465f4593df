// Typed wrappers over the backend's commands: the only way the UI calls Rust.
import type {
	AppInfo,
	AppSettings,
	AutomaticBackups,
	BackupInfo,
	BackupNotes,
	BackupOptions,
	BackupPage,
	BackupPlan,
	BackupQuery,
	BackupRecord,
	BucketListing,
	ChannelsView,
	ConnectionProfile,
	ConnectionTools,
	DbObjects,
	Deleted,
	DestinationsView,
	ExportFormat,
	ImportReport,
	JobStarted,
	JobSummary,
	OpenReport,
	PrunePreview,
	RestoreConfirmation,
	RestoreOptions,
	RestorePlan,
	RestoreRecord,
	SaveChannel,
	SaveConnection,
	SaveDestination,
	Schedule,
	ScheduleRun,
	ScheduleSummary,
	ServerBackupPlan,
	ServerContents,
	ServerInfo,
	ServerRestoreInput,
	ServerRestorePlan,
	TestStep,
	ToolsView,
	Trigger,
	TriggerPreview
} from './bindings';
import { call } from './call';

/** With a `destination`, the backup goes into that bucket, under a key the backend names
 * (`options.outputPath` is not used). */
export const createBackup = (
	jobId: string,
	options: BackupOptions,
	notes?: BackupNotes,
	destination: string | null = null
) => call<JobStarted>('create_backup', { jobId, options, notes: notes ?? null, destination });

/** Runs only as `confirmation.token`'s pre-flight checked it: the same options, file and target. */
export const restoreBackup = (
	jobId: string,
	options: RestoreOptions,
	confirmation: RestoreConfirmation
) => call<JobStarted>('restore_backup', { jobId, options, confirmation });

/** `path`: a file, or a backup in a bucket as `DEST:KEY`. */
export const getBackupInfo = (path: string) => call<BackupInfo>('get_backup_info', { path });

export const cancelJob = (jobId: string) => call<boolean>('cancel_job', { jobId });

export const previewBackup = (options: BackupOptions, destination: string | null = null) =>
	call<BackupPlan>('preview_backup', { options, destination });

export const preflightRestore = (options: RestoreOptions) =>
	call<RestorePlan>('preflight_restore', { options });

// Whole servers: a server or roles backup's plan (create_backup runs it), and a server restore.
export const previewServerBackup = (options: BackupOptions) =>
	call<ServerBackupPlan>('preview_server_backup', { options });

export const serverBackupContents = (path: string) =>
	call<ServerContents>('server_backup_contents', { path });

export const previewServerRestore = (connectionId: string, input: ServerRestoreInput) =>
	call<ServerRestorePlan>('preview_server_restore', { connectionId, input });

export const restoreServer = (jobId: string, connectionId: string, input: ServerRestoreInput) =>
	call<JobStarted>('restore_server', { jobId, connectionId, input });

export const listJobs = () => call<JobSummary[]>('list_jobs');

// Restores that stopped part way.
export const listIncompleteRestores = () => call<RestoreRecord[]>('list_incomplete_restores');

export const dismissRestore = (id: string) => call<null>('dismiss_restore', { id });

/** Resolves to the name of the database dropped. */
export const dropIncompleteRestore = (id: string, typedName: string) =>
	call<string>('drop_incomplete_restore', { id, typedName });

export const listConnections = () => call<ConnectionProfile[]>('list_connections');

export const saveConnection = (profile: SaveConnection) =>
	call<ConnectionProfile>('save_connection', { profile });

export const deleteConnection = (id: string) => call<null>('delete_connection', { id });

export const testConnection = (id: string) => call<ServerInfo>('test_connection', { id });

export const listObjects = (connectionId: string) =>
	call<DbObjects>('list_objects', { connectionId });

export const startDemoDatabase = () => call<ConnectionProfile>('start_demo_database');

// PostgreSQL tools: those found, the folders searched and those the user added.
export const listTools = () => call<ToolsView>('list_tools');

/** Which tools a connection's jobs use, and why; asks the server its version (it may not answer). */
export const connectionTools = (connectionId: string) =>
	call<ConnectionTools>('connection_tools', { connectionId });

/** Searched first by every job; refused when the folder holds none of the tools. */
export const addToolsFolder = (path: string) => call<ToolsView>('add_tools_folder', { path });

export const removeToolsFolder = (path: string) => call<ToolsView>('remove_tools_folder', { path });

// The history.
export const listBackups = (query: BackupQuery) => call<BackupPage>('list_backups', { query });

export const deleteBackup = (id: string, keepFile = false) =>
	call<Deleted>('delete_backup', { id, keepFile });

export const exportBackup = (id: string, folder: string) =>
	call<string>('export_backup', { id, folder });

export const revealBackup = (id: string) => call<null>('reveal_backup', { id });

/** Resolves to the updated record; an empty note removes it. */
export const renameBackup = (id: string, name: string, description: string | null) =>
	call<BackupRecord>('rename_backup', { id, name, description });

/** Every backup `query` matches, all pages (its limit and offset are left aside), written to
 * `path`; resolves to how many. */
export const exportHistory = (query: BackupQuery, format: ExportFormat, path: string) =>
	call<number>('export_history', { query, format, path });

export const importBackups = (folder: string) => call<ImportReport>('import_backups', { folder });

export const verifyBackup = (jobId: string, backupId: string, connectionId: string | null = null) =>
	call<JobStarted>('verify_backup_job', { jobId, backupId, connectionId });

export const catalogReport = () => call<OpenReport>('catalog_report');

export const getSettings = () => call<AppSettings>('get_settings');

export const saveSettings = (settings: AppSettings) =>
	call<AppSettings>('save_settings', { settings });

// Destinations: S3-compatible buckets, the passphrase backups are encrypted with, and the
// private key that reads backups encrypted to a public key.
export const listDestinations = () => call<DestinationsView>('list_destinations');

export const saveDestination = (input: SaveDestination) =>
	call<DestinationsView>('save_destination', { input });

export const removeDestination = (name: string) =>
	call<DestinationsView>('remove_destination', { name });

/** Writes, reads back and deletes a probe object with the form's values; stops at the first failure. */
export const testDestination = (input: SaveDestination) =>
	call<TestStep[]>('test_destination', { input });

/** `null` forgets it. */
export const setEncryptionPassphrase = (passphrase: string | null) =>
	call<DestinationsView>('set_encryption_passphrase', { passphrase });

/**
 * Saves an age private key (an `age-keygen` file or an `AGE-SECRET-KEY-1…` line) that reads the
 * backups made to its public key; `null` forgets it.
 */
export const setEncryptionIdentity = (identity: string | null) =>
	call<DestinationsView>('set_encryption_identity', { identity });

export const bucketBackups = (name: string) => call<BucketListing>('bucket_backups', { name });

export const importFromDestination = (name: string) =>
	call<ImportReport>('import_from_destination', { name });

/** Uploads a local backup to a destination; resolves to its record with the new copy. */
export const copyBackup = (backupId: string, destination: string) =>
	call<BackupRecord>('copy_backup', { backupId, destination });

// Notification channels (webhooks, e-mail) schedules notify through; each secret (the
// webhook's URL, the SMTP password) goes to the keychain and never comes back.
export const listChannels = () => call<ChannelsView>('list_channels');

/** A `null` secret keeps the saved one (renaming keeps it too). */
export const saveChannel = (input: SaveChannel) => call<ChannelsView>('save_channel', { input });

/** Refused while a schedule notifies through it. */
export const removeChannel = (name: string) => call<ChannelsView>('remove_channel', { name });

/** Sends a real test message with the form's values (the saved secret when the form's is empty
 * and `originalName` is set); resolves to what it was sent to. */
export const testChannel = (input: SaveChannel) => call<string>('test_channel', { input });

// Schedules.
export const listSchedules = () => call<ScheduleSummary[]>('list_schedules');

export const scheduleRuns = (scheduleId: string, limit = 20) =>
	call<ScheduleRun[]>('schedule_runs', { scheduleId, limit });

export const saveSchedule = (schedule: Schedule) => call<Schedule>('save_schedule', { schedule });

export const deleteSchedule = (id: string) => call<null>('delete_schedule', { id });

export const setScheduleEnabled = (id: string, enabled: boolean) =>
	call<Schedule>('set_schedule_enabled', { id, enabled });

export const runScheduleNow = (jobId: string, scheduleId: string) =>
	call<JobStarted>('run_schedule_now', { jobId, scheduleId });

export const previewTrigger = (trigger: Trigger, timezone: string | null) =>
	call<TriggerPreview>('preview_trigger', { trigger, timezone });

export const previewPrune = (scheduleId: string) =>
	call<PrunePreview[]>('preview_prune', { scheduleId });

export const listTimezones = () => call<string[]>('list_timezones');

// Automatic backups of a connection: a schedule Tusk makes, asked once per new connection.
export const automaticBackups = (connectionId: string) =>
	call<AutomaticBackups>('automatic_backups', { connectionId });

/** Also answers the question: it is not asked again. */
export const setAutomaticBackups = (connectionId: string, enabled: boolean) =>
	call<AutomaticBackups>('set_automatic_backups', { connectionId, enabled });

/** "Not now": the question is not asked again for this connection. */
export const dismissAutomaticOffer = (connectionId: string) =>
	call<AutomaticBackups>('dismiss_automatic_offer', { connectionId });

// The app itself.
export const appInfo = () => call<AppInfo>('app_info');

export const openLogFolder = () => call<null>('open_log_folder');
