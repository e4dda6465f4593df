// The app's stores, wired to the real backend.
import * as commands from './ipc/commands';
import { onJobsChanged, onProgress, subscribeJob } from './ipc/events';
import type { JobType } from './ipc/bindings';
import { ConnectionsStore } from './stores/connections.svelte';
import { JobRun } from './stores/job-run.svelte';
import { JobsStore } from './stores/jobs.svelte';

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
