// Saved connection profiles and the one the main window shows.
import type { ConnectionProfile, SaveConnection } from '../ipc/bindings';

export interface ConnectionsApi {
	listConnections(): Promise<ConnectionProfile[]>;
	saveConnection(profile: SaveConnection): Promise<ConnectionProfile>;
	deleteConnection(id: string): Promise<null>;
	startDemoDatabase(): Promise<ConnectionProfile>;
}

const SELECTED_KEY = 'tusk.selectedConnection';

export class ConnectionsStore {
	list = $state.raw<ConnectionProfile[]>([]);
	selectedId = $state<string | null>(null);
	loaded = $state(false);
	loadError = $state<string | null>(null);

	selected = $derived(this.list.find((c) => c.id === this.selectedId) ?? null);

	readonly #api: ConnectionsApi;

	constructor(api: ConnectionsApi) {
		this.#api = api;
	}

	async load(): Promise<void> {
		try {
			this.list = await this.#api.listConnections();
			this.loadError = null;
		} catch (error) {
			this.loadError = (error as { message?: string }).message ?? String(error);
		}
		this.loaded = true;
		const remembered = readSelected();
		const keep = [this.selectedId, remembered].find((id) => this.list.some((c) => c.id === id));
		this.select(keep ?? this.list[0]?.id ?? null);
	}

	select(id: string | null): void {
		this.selectedId = id;
		writeSelected(id);
	}

	async save(profile: SaveConnection): Promise<ConnectionProfile> {
		const saved = await this.#api.saveConnection(profile);
		this.#upsert(saved);
		return saved;
	}

	async remove(id: string): Promise<void> {
		await this.#api.deleteConnection(id);
		this.list = this.list.filter((c) => c.id !== id);
		if (this.selectedId === id) this.select(this.list[0]?.id ?? null);
	}

	async startDemo(): Promise<ConnectionProfile> {
		const demo = await this.#api.startDemoDatabase();
		this.#upsert(demo);
		return demo;
	}

	#upsert(profile: ConnectionProfile): void {
		const exists = this.list.some((c) => c.id === profile.id);
		this.list = exists
			? this.list.map((c) => (c.id === profile.id ? profile : c))
			: [...this.list, profile];
		this.select(profile.id);
	}
}

function readSelected(): string | null {
	try {
		return globalThis.localStorage?.getItem(SELECTED_KEY) ?? null;
	} catch {
		return null;
	}
}

function writeSelected(id: string | null): void {
	try {
		if (id) globalThis.localStorage?.setItem(SELECTED_KEY, id);
		else globalThis.localStorage?.removeItem(SELECTED_KEY);
	} catch {
		// Storage can be unavailable; the selection just is not remembered.
	}
}
