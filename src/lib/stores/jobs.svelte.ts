// The jobs the main window lists: refreshed from list_jobs whenever the
// backend says `jobs:changed`, with live progress for the running ones.
import type { BackupProgress, JobSummary, JobType } from '../ipc/bindings';

export interface JobsApi {
	listJobs(): Promise<JobSummary[]>;
	onJobsChanged(handler: () => void): Promise<() => void>;
	onProgress(
		type: JobType,
		jobId: string,
		handler: (p: BackupProgress) => void
	): Promise<() => void>;
	cancelJob(jobId: string): Promise<boolean>;
}

/** What the frontend knows about a job it started, beyond JobSummary. */
export interface JobMeta {
	connectionId: string;
	database?: string | null;
}

const ACTIVE = new Set(['pending', 'running']);

export function isActive(job: JobSummary): boolean {
	return ACTIVE.has(job.status);
}

export class JobsStore {
	jobs = $state.raw<JobSummary[]>([]);
	meta = $state.raw<Record<string, JobMeta>>({});
	loadError = $state<string | null>(null);

	running = $derived(this.jobs.filter(isActive));
	failed = $derived(
		this.jobs.filter((j) => j.status === 'failed' && j.outcome !== null).slice(0, 5)
	);

	readonly #api: JobsApi;
	#live = new Map<string, () => void>();
	#stopChanged: (() => void) | null = null;
	#refreshing: Promise<void> | null = null;
	#again = false;

	constructor(api: JobsApi) {
		this.#api = api;
	}

	async start(): Promise<void> {
		this.#stopChanged = await this.#api.onJobsChanged(() => void this.refresh());
		await this.refresh();
	}

	stop(): void {
		this.#stopChanged?.();
		this.#stopChanged = null;
		for (const unlisten of this.#live.values()) unlisten();
		this.#live.clear();
	}

	/** Remembers what a dialog knows about the job it starts. */
	remember(jobId: string, meta: JobMeta): void {
		this.meta = { ...this.meta, [jobId]: meta };
	}

	/** One refresh at a time; a request during one runs once more after it. */
	refresh(): Promise<void> {
		if (this.#refreshing) {
			this.#again = true;
			return this.#refreshing;
		}
		this.#refreshing = (async () => {
			do {
				this.#again = false;
				try {
					this.#setJobs(await this.#api.listJobs());
					this.loadError = null;
				} catch (error) {
					this.loadError = (error as { message?: string }).message ?? String(error);
				}
			} while (this.#again);
			this.#refreshing = null;
		})();
		return this.#refreshing;
	}

	cancel(jobId: string): Promise<boolean> {
		return this.#api.cancelJob(jobId);
	}

	applyProgress(jobId: string, progress: BackupProgress): void {
		this.jobs = this.jobs.map((j) =>
			j.jobId === jobId && isActive(j) ? { ...j, progress, status: 'running' } : j
		);
	}

	forConnection(connectionId: string | null): JobSummary[] {
		return this.jobs.filter((j) => this.#belongs(j.jobId, connectionId));
	}

	#belongs(jobId: string, connectionId: string | null): boolean {
		const known = this.meta[jobId]?.connectionId;
		return !known || !connectionId || known === connectionId;
	}

	#setJobs(jobs: JobSummary[]): void {
		this.jobs = jobs;
		const active = new Set(jobs.filter(isActive).map((j) => j.jobId));
		for (const [id, unlisten] of this.#live) {
			if (!active.has(id)) {
				unlisten();
				this.#live.delete(id);
			}
		}
		for (const job of jobs) {
			if (active.has(job.jobId) && !this.#live.has(job.jobId)) {
				// Placeholder first, so a second refresh does not subscribe twice.
				this.#live.set(job.jobId, () => {});
				void this.#api
					.onProgress(job.jobType, job.jobId, (p) => this.applyProgress(job.jobId, p))
					.then((unlisten) => {
						if (this.#live.has(job.jobId)) this.#live.set(job.jobId, unlisten);
						else unlisten();
					});
			}
		}
	}
}
