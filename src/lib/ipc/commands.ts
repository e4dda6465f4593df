// Typed wrappers over the backend's commands: the only way the UI calls Rust.
import { invoke } from '@tauri-apps/api/core';
import type {
	BackupInfo,
	BackupOptions,
	BackupPlan,
	ConnectionProfile,
	DbObjects,
	JobStarted,
	JobSummary,
	RestoreOptions,
	RestorePreflight,
	SaveConnection,
	ServerInfo,
	ToolInfo
} from './bindings';
import { toErrorPayload } from './errors';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
	try {
		return await invoke<T>(command, args);
	} catch (error) {
		throw toErrorPayload(error);
	}
}

export const createBackup = (jobId: string, options: BackupOptions) =>
	call<JobStarted>('create_backup', { jobId, options });

export const restoreBackup = (jobId: string, options: RestoreOptions) =>
	call<JobStarted>('restore_backup', { jobId, options });

export const getBackupInfo = (path: string) => call<BackupInfo>('get_backup_info', { path });

export const cancelJob = (jobId: string) => call<boolean>('cancel_job', { jobId });

export const previewBackup = (options: BackupOptions) =>
	call<BackupPlan>('preview_backup', { options });

export const preflightRestore = (options: RestoreOptions) =>
	call<RestorePreflight>('preflight_restore', { options });

export const listJobs = () => call<JobSummary[]>('list_jobs');

export const listConnections = () => call<ConnectionProfile[]>('list_connections');

export const saveConnection = (profile: SaveConnection) =>
	call<ConnectionProfile>('save_connection', { profile });

export const deleteConnection = (id: string) => call<null>('delete_connection', { id });

export const testConnection = (id: string) => call<ServerInfo>('test_connection', { id });

export const listObjects = (connectionId: string) =>
	call<DbObjects>('list_objects', { connectionId });

export const startDemoDatabase = () => call<ConnectionProfile>('start_demo_database');

export const listTools = () => call<ToolInfo[]>('list_tools');
