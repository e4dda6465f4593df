// Automatic backups of the connections (seed 002 §3): what the backend says of each
// connection shown, turned on and off, the question answered; reloaded when schedules
// or the history change (a run, or an edit under Schedules, moves the next one).
import { SvelteMap } from 'svelte/reactivity';
import type { AutomaticBackups } from '../ipc/bindings';

export interface AutomaticApi {
	automaticBackups(connectionId: string): Promise<AutomaticBackups>;
	setAutomaticBackups(connectionId: string, enabled: boolean): Promise<AutomaticBackups>;
	dismissAutomaticOffer(connectionId: string): Promise<AutomaticBackups>;
	onSchedulesChanged(handler: () => void): Promise<() => void>;
	onHistoryChanged(handler: () => void): Promise<() => void>;
}

export class AutomaticStore {
	/** By connection id: the backend's latest answer. */
	readonly states = new SvelteMap<string, AutomaticBackups>();
	/** By connection id: why it could not be read. */
	readonly errors = new SvelteMap<string, string>();

	readonly #api: AutomaticApi;
	/** By connection id: the latest request, so that a late answer to an older one is dropped. */
	readonly #latest = new Map<string, number>();
	#requests = 0;
	#unlisten: (() => void) | null = null;
	#session = 0;

	constructor(api: AutomaticApi) {
		this.#api = api;
	}

	/** Reloads every connection read so far whenever schedules or the history change. */
	async start(): Promise<void> {
		if (this.#unlisten) return;
		const session = ++this.#session;
		const reload = () => {
			for (const id of this.states.keys()) void this.load(id);
		};
		const unlisteners = await Promise.all([
			this.#api.onSchedulesChanged(reload),
			this.#api.onHistoryChanged(reload)
		]);
		if (session !== this.#session) {
			unlisteners.forEach((u) => u());
			return;
		}
		this.#unlisten = () => unlisteners.forEach((u) => u());
	}

	stop(): void {
		this.#session++;
		this.#unlisten?.();
		this.#unlisten = null;
	}

	of(connectionId: string): AutomaticBackups | undefined {
		return this.states.get(connectionId);
	}

	/** Resolves to the answer, or `null` when it failed (the error is kept). */
	async load(connectionId: string): Promise<AutomaticBackups | null> {
		const current = this.#begin(connectionId);
		try {
			return this.#keep(connectionId, current, await this.#api.automaticBackups(connectionId));
		} catch (error) {
			if (current()) {
				this.errors.set(connectionId, (error as { message?: string }).message ?? String(error));
			}
			return null;
		}
	}

	/** Turns them on or off; rejects with the backend's error. */
	async set(connectionId: string, enabled: boolean): Promise<AutomaticBackups> {
		const current = this.#begin(connectionId);
		const answer = await this.#api.setAutomaticBackups(connectionId, enabled);
		return this.#keep(connectionId, current, answer);
	}

	/** "Not now"; rejects with the backend's error. */
	async dismiss(connectionId: string): Promise<AutomaticBackups> {
		const current = this.#begin(connectionId);
		return this.#keep(connectionId, current, await this.#api.dismissAutomaticOffer(connectionId));
	}

	/** A new request for the connection; the function says whether it is still the latest. */
	#begin(connectionId: string): () => boolean {
		const n = ++this.#requests;
		this.#latest.set(connectionId, n);
		return () => this.#latest.get(connectionId) === n;
	}

	#keep(connectionId: string, current: () => boolean, answer: AutomaticBackups): AutomaticBackups {
		if (current()) {
			this.states.set(connectionId, answer);
			this.errors.delete(connectionId);
		}
		return answer;
	}
}
