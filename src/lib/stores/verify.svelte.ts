// Verifications started from the history, one job per backup: the row shows
// its progress while it runs, then the verification the catalog recorded.
import { SvelteMap } from 'svelte/reactivity';
import type { JobStarted } from '../ipc/bindings';
import type { JobRun } from './job-run.svelte';

export class VerifyTracker {
	readonly runs = new SvelteMap<string, JobRun>();
	readonly #newRun: () => JobRun;
	readonly #start: (jobId: string, backupId: string) => Promise<JobStarted>;

	constructor(
		newRun: () => JobRun,
		start: (jobId: string, backupId: string) => Promise<JobStarted>
	) {
		this.#newRun = newRun;
		this.#start = start;
	}

	/** The verification of `backupId` started here, if any. */
	of(backupId: string): JobRun | undefined {
		return this.runs.get(backupId);
	}

	busy(backupId: string): boolean {
		return this.runs.get(backupId)?.busy ?? false;
	}

	async verify(backupId: string): Promise<void> {
		if (this.busy(backupId)) return;
		this.runs.get(backupId)?.dispose();
		const run = this.#newRun();
		this.runs.set(backupId, run);
		await run.start((jobId) => this.#start(jobId, backupId));
	}

	cancel(backupId: string): Promise<void> {
		return this.runs.get(backupId)?.cancel() ?? Promise.resolve();
	}
}
