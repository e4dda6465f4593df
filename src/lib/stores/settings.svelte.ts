// The app's preferences, kept in the catalog.
import type { AppSettings } from '../ipc/bindings';

export interface SettingsApi {
	getSettings(): Promise<AppSettings>;
	saveSettings(settings: AppSettings): Promise<AppSettings>;
}

export class SettingsStore {
	value = $state<AppSettings>({ verifyAfterBackup: false, toolsFolders: [] });
	error = $state<string | null>(null);
	readonly #api: SettingsApi;

	constructor(api: SettingsApi) {
		this.#api = api;
	}

	async load(): Promise<void> {
		try {
			this.value = await this.#api.getSettings();
		} catch (e) {
			this.error = (e as { message?: string }).message ?? String(e);
		}
	}

	/** Takes a change the backend saved itself (the tools folders), so that the next
	 * `update` does not write the old value back. */
	adopt(change: Partial<AppSettings>): void {
		this.value = { ...this.value, ...change };
	}

	/** Saves a change; on failure the old value comes back and says why. */
	async update(change: Partial<AppSettings>): Promise<void> {
		const before = this.value;
		this.value = { ...before, ...change };
		try {
			this.value = await this.#api.saveSettings(this.value);
			this.error = null;
		} catch (e) {
			this.value = before;
			this.error = (e as { message?: string }).message ?? String(e);
		}
	}
}
