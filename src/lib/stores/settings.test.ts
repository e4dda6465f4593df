import { describe, expect, it, vi } from 'vitest';
import type { AppSettings } from '../ipc/bindings';
import { SettingsStore } from './settings.svelte';

const saved: AppSettings = { verifyAfterBackup: false, toolsFolders: [] };

describe('SettingsStore', () => {
	it('saves a change, and puts the old value back when saving fails', async () => {
		const api = {
			getSettings: vi.fn(async () => saved),
			saveSettings: vi.fn(async (s: AppSettings) => s)
		};
		const store = new SettingsStore(api);
		await store.load();
		await store.update({ verifyAfterBackup: true });
		expect(store.value.verifyAfterBackup).toBe(true);
		api.saveSettings.mockRejectedValueOnce({ message: 'disk full' });
		await store.update({ verifyAfterBackup: false });
		expect(store.value.verifyAfterBackup).toBe(true);
		expect(store.error).toBe('disk full');
	});

	it('keeps the tools folders the backend saved, so a later change does not undo them', async () => {
		const api = {
			getSettings: vi.fn(async () => saved),
			saveSettings: vi.fn(async (s: AppSettings) => s)
		};
		const store = new SettingsStore(api);
		await store.load();
		store.adopt({ toolsFolders: ['/opt/pg17/bin'] });
		await store.update({ verifyAfterBackup: true });
		expect(api.saveSettings).toHaveBeenLastCalledWith({
			verifyAfterBackup: true,
			toolsFolders: ['/opt/pg17/bin']
		});
	});
});
