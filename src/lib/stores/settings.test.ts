import { describe, expect, it, vi } from 'vitest';
import { SettingsStore } from './settings.svelte';

describe('SettingsStore', () => {
	it('saves a change, and puts the old value back when saving fails', async () => {
		const api = {
			getSettings: vi.fn(async () => ({ verifyAfterBackup: false })),
			saveSettings: vi.fn(async (s: { verifyAfterBackup: boolean }) => s)
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
});
