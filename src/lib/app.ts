// The app's stores, wired to the real backend.
import * as commands from './ipc/commands';
import {
	onHistoryChanged,
	onJobsChanged,
	onProgress,
	onSchedulesChanged,
	subscribeJob
} from './ipc/events';
import type { JobType } from './ipc/bindings';
import { AutomaticStore } from './stores/automatic.svelte';
import { ConnectionsStore } from './stores/connections.svelte';
import { DestinationsStore } from './stores/destinations.svelte';
import { HistoryStore } from './stores/history.svelte';
import { JobRun } from './stores/job-run.svelte';
import { JobsStore } from './stores/jobs.svelte';
import { RestoresStore } from './stores/restores.svelte';
import { SchedulesStore } from './stores/schedules.svelte';
import { SettingsStore } from './stores/settings.svelte';
import { ConnectionToolsCheck, ToolsStore } from './stores/tools.svelte';
import { VerifyTracker } from './stores/verify.svelte';

export const connections = new ConnectionsStore(commands);

export const jobs = new JobsStore({
	listJobs: commands.listJobs,
	onJobsChanged,
	onProgress,
	cancelJob: commands.cancelJob
});

export function newJobRun(type: JobType): JobRun {
	return new JobRun(type, {
		subscribe: subscribeJob,
		cancel: commands.cancelJob,
		newId: () => crypto.randomUUID()
	});
}

export const history = new HistoryStore({ listBackups: commands.listBackups, onHistoryChanged });

export const restores = new RestoresStore({ ...commands, onHistoryChanged });

export const settings = new SettingsStore(commands);

export const tools = new ToolsStore(commands, (toolsFolders) => settings.adopt({ toolsFolders }));

/** Which tools a connection's jobs use (a dialog's, or a row of Settings'). */
export const newToolsCheck = () => new ConnectionToolsCheck(commands.connectionTools);

export const destinations = new DestinationsStore(commands);

export const verifications = new VerifyTracker(
	() => newJobRun('verify'),
	(jobId, backupId) => commands.verifyBackup(jobId, backupId)
);

export const schedules = new SchedulesStore({ ...commands, onSchedulesChanged, onHistoryChanged });

export const automatic = new AutomaticStore({ ...commands, onSchedulesChanged, onHistoryChanged });
