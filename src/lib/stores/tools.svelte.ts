// The PostgreSQL tools: those this machine has and the folders the user added
// (Settings → PostgreSQL tools), and which of them one connection's jobs use.
import type { ConnectionTools, ToolInfo, ToolsView } from '../ipc/bindings';
import { toErrorPayload } from '../ipc/errors';

export interface ToolsApi {
	listTools(): Promise<ToolsView>;
	addToolsFolder(path: string): Promise<ToolsView>;
	removeToolsFolder(path: string): Promise<ToolsView>;
}

export class ToolsStore {
	view = $state.raw<ToolsView | null>(null);
	loadError = $state<string | null>(null);
	/** Why the latest folder was not added or removed. */
	folderError = $state.raw<{ path: string; adding: boolean; message: string } | null>(null);
	busy = $state(false);

	readonly #api: ToolsApi;
	readonly #onFolders: (folders: string[]) => void;

	/** `onFolders` hears the added folders after each change (the backend saved them in the settings). */
	constructor(api: ToolsApi, onFolders: (folders: string[]) => void = () => {}) {
		this.#api = api;
		this.#onFolders = onFolders;
	}

	async load(): Promise<void> {
		try {
			this.view = await this.#api.listTools();
			this.loadError = null;
		} catch (e) {
			this.loadError = toErrorPayload(e).message;
		}
	}

	/** Resolves to whether the folder was added; if not, `folderError` says why. */
	add(path: string): Promise<boolean> {
		return this.#change(path, true, () => this.#api.addToolsFolder(path));
	}

	remove(path: string): Promise<boolean> {
		return this.#change(path, false, () => this.#api.removeToolsFolder(path));
	}

	async #change(path: string, adding: boolean, change: () => Promise<ToolsView>): Promise<boolean> {
		this.busy = true;
		this.folderError = null;
		try {
			this.view = await change();
			this.loadError = null;
			this.#onFolders(this.view.added);
			return true;
		} catch (e) {
			this.folderError = { path, adding, message: toErrorPayload(e).message };
			return false;
		} finally {
			this.busy = false;
		}
	}
}

/** Which tools a connection's jobs use: the answer for the connection asked last. */
export class ConnectionToolsCheck {
	result = $state.raw<ConnectionTools | null>(null);
	error = $state<string | null>(null);
	pending = $state(false);
	/** The connection `result` or `error` is about. */
	connectionId = $state<string | null>(null);

	readonly #ask: (connectionId: string) => Promise<ConnectionTools>;
	#latest = 0;

	constructor(ask: (connectionId: string) => Promise<ConnectionTools>) {
		this.#ask = ask;
	}

	async run(connectionId: string): Promise<void> {
		const asked = ++this.#latest;
		if (connectionId !== this.connectionId) {
			// Another connection's tools say nothing about this one's.
			this.result = null;
			this.error = null;
			this.connectionId = connectionId;
		}
		this.pending = true;
		try {
			const result = await this.#ask(connectionId);
			if (asked !== this.#latest) return;
			this.result = result;
			this.error = null;
		} catch (e) {
			if (asked !== this.#latest) return;
			this.result = null;
			this.error = toErrorPayload(e).message;
		}
		this.pending = false;
	}

	/** The tool picked by that name; `null` while not known, or when none fits. */
	tool(name: string): ToolInfo | null {
		return this.result?.picks.find((p) => p.name === name)?.choice?.tool ?? null;
	}
}
