// Typed subscriptions to the backend's events.
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { BackupProgress, JobOutcome, JobType, Notice } from './bindings';

export type { UnlistenFn };

function on<T>(event: string, handler: (payload: T) => void): Promise<UnlistenFn> {
	return listen<T>(event, (e) => handler(e.payload));
}

export const onProgress = (type: JobType, jobId: string, handler: (p: BackupProgress) => void) =>
	on(`${type}:progress:${jobId}`, handler);

/** Batches of new log lines. */
export const onLog = (jobId: string, handler: (lines: string[]) => void) =>
	on(`job:log:${jobId}`, handler);

/** Exactly one per job. */
export const onFinished = (type: JobType, jobId: string, handler: (o: JobOutcome) => void) =>
	on(`${type}:finished:${jobId}`, handler);

/** A job started or ended: list_jobs has news. */
export const onJobsChanged = (handler: () => void) => on<null>('jobs:changed', () => handler());

/** Everything a job reports, subscribed at once; resolves when all listeners are in place. */
export async function subscribeJob(
	type: JobType,
	jobId: string,
	handlers: {
		progress: (p: BackupProgress) => void;
		log: (lines: string[]) => void;
		finished: (o: JobOutcome) => void;
	}
): Promise<UnlistenFn> {
	const unlisteners = await Promise.all([
		onProgress(type, jobId, handlers.progress),
		onLog(jobId, handlers.log),
		onFinished(type, jobId, handlers.finished)
	]);
	return () => unlisteners.forEach((u) => u());
}

/** A backup was recorded, verified, deleted or imported. */
export const onHistoryChanged = (handler: () => void) =>
	on<null>('history:changed', () => handler());

export const onSchedulesChanged = (handler: () => void) =>
	on<null>('schedules:changed', () => handler());

/** A scheduled run ended (also shown as a desktop notification). */
export const onScheduleNotice = (handler: (n: Notice) => void) => on('schedule:notice', handler);

/** Connections changed: saved or deleted (by any window or the MCP tests), the demo database started. */
export const onConnectionsChanged = (handler: () => void) =>
	on<null>('connections:changed', () => handler());
