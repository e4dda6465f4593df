// The schedules and their statistics, refreshed when the backend says
// `schedules:changed` and when `history:changed` (a run that ends changes the
// statistics), and the schedules started here with Run now.
import { SvelteSet } from 'svelte/reactivity';
import type { JobStarted, Schedule, ScheduleSummary } from '../ipc/bindings';

export interface SchedulesApi {
	listSchedules(): Promise<ScheduleSummary[]>;
	onSchedulesChanged(handler: () => void): Promise<() => void>;
	onHistoryChanged(handler: () => void): Promise<() => void>;
	setScheduleEnabled(id: string, enabled: boolean): Promise<Schedule>;
	deleteSchedule(id: string): Promise<null>;
	runScheduleNow(jobId: string, scheduleId: string): Promise<JobStarted>;
}

export class SchedulesStore {
	list = $state.raw<ScheduleSummary[]>([]);
	loading = $state(false);
	/** A first answer came, list or error. */
	loaded = $state(false);
	error = $state<string | null>(null);

	readonly #api: SchedulesApi;
	/** Run now was accepted but no list since has said whether the run is on. */
	readonly #starting = new SvelteSet<string>();
	#unlisten: (() => void) | null = null;
	#session = 0;
	#generation = 0;

	constructor(api: SchedulesApi) {
		this.#api = api;
	}

	/** Listens for changes and loads the list; starting again only reloads. */
	async start(): Promise<void> {
		if (this.#unlisten) return this.refresh();
		const session = ++this.#session;
		const refresh = () => void this.refresh();
		const unlisteners = await Promise.all([
			this.#api.onSchedulesChanged(refresh),
			this.#api.onHistoryChanged(refresh)
		]);
		// Stopped (or started again) while the listeners were being set up.
		if (session !== this.#session) {
			unlisteners.forEach((u) => u());
			return;
		}
		this.#unlisten = () => unlisteners.forEach((u) => u());
		await this.refresh();
	}

	stop(): void {
		this.#session++;
		this.#unlisten?.();
		this.#unlisten = null;
	}

	/** Loads the list; a late answer to an older request is dropped. */
	async refresh(): Promise<void> {
		const generation = ++this.#generation;
		this.loading = true;
		try {
			const list = await this.#api.listSchedules();
			if (generation !== this.#generation) return;
			this.list = list;
			// The backend's word on running replaces the guess made at Run now.
			this.#starting.clear();
			this.error = null;
		} catch (error) {
			if (generation !== this.#generation) return;
			this.error = (error as { message?: string }).message ?? String(error);
		} finally {
			if (generation === this.#generation) {
				this.loading = false;
				this.loaded = true;
			}
		}
	}

	forConnection(connectionId: string): ScheduleSummary[] {
		return this.list.filter((s) => s.schedule.source.connectionId === connectionId);
	}

	/** Running, or just started with Run now. */
	isRunning(summary: ScheduleSummary): boolean {
		return summary.stats.running || this.#starting.has(summary.schedule.id);
	}

	/** Shows the change at once; puts it back if the backend refuses. */
	async setEnabled(id: string, enabled: boolean): Promise<void> {
		const before = this.list;
		this.#replace(id, (s) => ({ ...s, enabled }));
		try {
			const saved = await this.#api.setScheduleEnabled(id, enabled);
			this.#replace(id, () => saved);
		} catch (error) {
			this.list = before;
			throw error;
		}
	}

	async remove(id: string): Promise<void> {
		await this.#api.deleteSchedule(id);
		this.list = this.list.filter((s) => s.schedule.id !== id);
	}

	/** Starts a run as job `jobId`; it shows in the running jobs like any backup. */
	async runNow(scheduleId: string, jobId: string): Promise<void> {
		this.#starting.add(scheduleId);
		try {
			await this.#api.runScheduleNow(jobId, scheduleId);
		} catch (error) {
			this.#starting.delete(scheduleId);
			throw error;
		}
	}

	#replace(id: string, change: (s: Schedule) => Schedule): void {
		this.list = this.list.map((s) =>
			s.schedule.id === id ? { ...s, schedule: change(s.schedule) } : s
		);
	}
}
