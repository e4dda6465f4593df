// One job followed from start to outcome, as a dialog shows it: subscribe to
// its events first, then start it, then keep its progress, log and outcome.
import type {
	BackupProgress,
	ErrorPayload,
	JobOutcome,
	JobStarted,
	JobType
} from '../ipc/bindings';
import { toErrorPayload } from '../ipc/errors';

export const LOG_LIMIT = 1000;

export type RunState = 'idle' | 'starting' | 'running' | 'finished';

export interface JobRunApi {
	subscribe(
		type: JobType,
		jobId: string,
		handlers: {
			progress: (p: BackupProgress) => void;
			log: (lines: string[]) => void;
			finished: (o: JobOutcome) => void;
		}
	): Promise<() => void>;
	cancel(jobId: string): Promise<boolean>;
	newId(): string;
}

/** Appends `lines` and keeps the newest `limit`. */
export function appendBounded(log: string[], lines: string[], limit = LOG_LIMIT): string[] {
	const next = log.concat(lines);
	return next.length > limit ? next.slice(-limit) : next;
}

export class JobRun {
	state = $state<RunState>('idle');
	jobId = $state<string | null>(null);
	command = $state('');
	progress = $state.raw<BackupProgress | null>(null);
	log = $state.raw<string[]>([]);
	/** Lines dropped from the front to keep the log bounded. */
	dropped = $state(0);
	outcome = $state.raw<JobOutcome | null>(null);
	startError = $state.raw<ErrorPayload | null>(null);
	cancelling = $state(false);

	#unlisten: (() => void) | null = null;
	readonly #type: JobType;
	readonly #api: JobRunApi;

	constructor(type: JobType, api: JobRunApi) {
		this.#type = type;
		this.#api = api;
	}

	get busy(): boolean {
		return this.state === 'starting' || this.state === 'running';
	}

	/** Subscribes, then calls `begin` with the new job id. */
	async start(begin: (jobId: string) => Promise<JobStarted>): Promise<void> {
		this.dispose();
		const jobId = this.#api.newId();
		this.jobId = jobId;
		this.state = 'starting';
		this.progress = null;
		this.log = [];
		this.dropped = 0;
		this.outcome = null;
		this.startError = null;
		this.cancelling = false;
		this.command = '';
		this.#unlisten = await this.#api.subscribe(this.#type, jobId, {
			progress: (p) => {
				if (this.state !== 'finished') this.progress = p;
			},
			log: (lines) => this.#appendLog(lines),
			finished: (o) => this.#finish(o)
		});
		try {
			const started = await begin(jobId);
			this.command = started.command;
			if (this.state === 'starting') this.state = 'running';
		} catch (error) {
			this.dispose();
			this.startError = toErrorPayload(error);
			this.state = 'idle';
		}
	}

	async cancel(): Promise<void> {
		if (!this.jobId || !this.busy) return;
		this.cancelling = true;
		try {
			await this.#api.cancel(this.jobId);
		} catch {
			// The job ended on its own meanwhile; its outcome arrives anyway.
		}
	}

	/** Back to editing after a failure, keeping nothing of the last run. */
	reset(): void {
		this.dispose();
		this.state = 'idle';
		this.outcome = null;
		this.progress = null;
		this.log = [];
		this.dropped = 0;
		this.startError = null;
	}

	dispose(): void {
		this.#unlisten?.();
		this.#unlisten = null;
	}

	#appendLog(lines: string[]): void {
		const before = this.log.length + lines.length;
		this.log = appendBounded(this.log, lines);
		this.dropped += before - this.log.length;
	}

	#finish(outcome: JobOutcome): void {
		this.outcome = outcome;
		this.progress = outcome.progress;
		this.state = 'finished';
		this.cancelling = false;
		this.dispose();
	}
}
