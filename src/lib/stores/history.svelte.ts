// The history as the main window shows it: one page of the catalog, scoped
// to a connection (or everything), filtered by outcome and searched by words,
// refreshed whenever the backend says `history:changed`.
import type { BackupPage, BackupQuery, BackupRecord, BackupStatus } from '../ipc/bindings';

export interface HistoryApi {
	listBackups(query: BackupQuery): Promise<BackupPage>;
	onHistoryChanged(handler: () => void): Promise<() => void>;
}

export type OutcomeFilter = 'all' | 'ok' | 'failed';

const STATUSES: Record<OutcomeFilter, BackupStatus[]> = {
	all: [],
	ok: ['completed', 'completedWithWarnings'],
	failed: ['failed', 'cancelled', 'interrupted']
};

export const PAGE_SIZE = 8;

export class HistoryStore {
	page = $state.raw<BackupPage | null>(null);
	loading = $state(false);
	error = $state<string | null>(null);
	/** `null`: every connection, the CLI's backups included. */
	connectionId = $state<string | null>(null);
	filter = $state<OutcomeFilter>('all');
	/** Words every backup shown has in its name, note, database or connection name. */
	search = $state('');
	offset = $state(0);

	readonly #api: HistoryApi;
	#stop: (() => void) | null = null;
	#generation = 0;

	constructor(api: HistoryApi) {
		this.#api = api;
	}

	get items(): BackupRecord[] {
		return this.page?.items ?? [];
	}

	get total(): number {
		return this.page?.total ?? 0;
	}

	get pageNumber(): number {
		return Math.floor(this.offset / PAGE_SIZE) + 1;
	}

	get pageCount(): number {
		return Math.max(1, Math.ceil(this.total / PAGE_SIZE));
	}

	async start(): Promise<void> {
		this.#stop = await this.#api.onHistoryChanged(() => void this.refresh());
		await this.refresh();
	}

	stop(): void {
		this.#stop?.();
		this.#stop = null;
	}

	/** Shows one connection's backups (or all), from the first page. */
	scope(connectionId: string | null): Promise<void> {
		if (connectionId === this.connectionId && this.page) return Promise.resolve();
		this.connectionId = connectionId;
		this.offset = 0;
		return this.refresh();
	}

	setFilter(filter: OutcomeFilter): Promise<void> {
		this.filter = filter;
		this.offset = 0;
		return this.refresh();
	}

	setSearch(text: string): Promise<void> {
		const search = text.trim();
		if (search === this.search) return Promise.resolve();
		this.search = search;
		this.offset = 0;
		return this.refresh();
	}

	next(): Promise<void> {
		if (this.pageNumber >= this.pageCount) return Promise.resolve();
		this.offset += PAGE_SIZE;
		return this.refresh();
	}

	previous(): Promise<void> {
		if (this.offset === 0) return Promise.resolve();
		this.offset = Math.max(0, this.offset - PAGE_SIZE);
		return this.refresh();
	}

	/** Loads the current page; a late answer to an older request is dropped. */
	async refresh(): Promise<void> {
		const generation = ++this.#generation;
		this.loading = true;
		try {
			const page = await this.#api.listBackups(this.query());
			if (generation !== this.#generation) return;
			// Deleting the last row of the last page: show the page before.
			if (page.items.length === 0 && page.total > 0 && this.offset > 0) {
				this.offset = Math.max(0, (Math.ceil(page.total / PAGE_SIZE) - 1) * PAGE_SIZE);
				return this.refresh();
			}
			this.page = page;
			this.error = null;
		} catch (error) {
			if (generation !== this.#generation) return;
			this.error = (error as { message?: string }).message ?? String(error);
		} finally {
			if (generation === this.#generation) this.loading = false;
		}
	}

	query(): BackupQuery {
		return {
			connectionId: this.connectionId,
			connectionName: null,
			database: null,
			scheduleId: null,
			statuses: STATUSES[this.filter],
			search: this.search || null,
			limit: PAGE_SIZE,
			offset: this.offset
		};
	}
}
