// Restores that stopped part way, leaving a database with part of a backup:
// the main window warns about each until it is dropped, restored again or
// dismissed. Refreshed whenever the backend says `history:changed`.
import type { RestoreRecord } from '../ipc/bindings';

export interface RestoresApi {
	listIncompleteRestores(): Promise<RestoreRecord[]>;
	dismissRestore(id: string): Promise<null>;
	dropIncompleteRestore(id: string, typedName: string): Promise<string>;
	onHistoryChanged(handler: () => void): Promise<() => void>;
}

export class RestoresStore {
	list = $state.raw<RestoreRecord[]>([]);
	error = $state<string | null>(null);

	readonly #api: RestoresApi;
	#stop: (() => void) | null = null;
	#generation = 0;

	constructor(api: RestoresApi) {
		this.#api = api;
	}

	async start(): Promise<void> {
		this.#stop = await this.#api.onHistoryChanged(() => void this.refresh());
		await this.refresh();
	}

	stop(): void {
		this.#stop?.();
		this.#stop = null;
	}

	/** Loads the list; a late answer to an older request is dropped. */
	async refresh(): Promise<void> {
		const generation = ++this.#generation;
		try {
			const list = await this.#api.listIncompleteRestores();
			if (generation !== this.#generation) return;
			this.list = list;
			this.error = null;
		} catch (error) {
			if (generation !== this.#generation) return;
			this.error = (error as { message?: string }).message ?? String(error);
		}
	}

	/** Keeps the database as it is and forgets the warning. */
	async dismiss(id: string): Promise<void> {
		await this.#api.dismissRestore(id);
		this.#forget(id);
	}

	/** Drops the database the restore left; resolves to its name. */
	async drop(id: string, typedName: string): Promise<string> {
		const dropped = await this.#api.dropIncompleteRestore(id, typedName);
		this.#forget(id);
		return dropped;
	}

	/** Gone at once, then the list as the backend has it. */
	#forget(id: string): void {
		this.list = this.list.filter((r) => r.id !== id);
		void this.refresh();
	}
}
