import { describe, expect, it, vi } from 'vitest';
import type { AutomaticBackups } from '../ipc/bindings';
import { AutomaticStore, type AutomaticApi } from './automatic.svelte';

const off: AutomaticBackups = {
	schedule: null,
	enabled: false,
	offered: false,
	lastGoodBackup: null,
	nextRun: null
};
const on: AutomaticBackups = {
	...off,
	enabled: true,
	offered: true,
	nextRun: '2025-03-14T12:00:00Z'
};

/** An API whose events can be fired by the test. */
function fakeApi() {
	const handlers = { schedules: new Set<() => void>(), history: new Set<() => void>() };
	const listen = (set: Set<() => void>) => async (h: () => void) => {
		set.add(h);
		return () => set.delete(h);
	};
	const api = {
		automaticBackups: vi.fn(async (_id: string) => off),
		setAutomaticBackups: vi.fn(async (_id: string, enabled: boolean) => (enabled ? on : off)),
		dismissAutomaticOffer: vi.fn(async (_id: string) => ({ ...off, offered: true })),
		onSchedulesChanged: vi.fn(listen(handlers.schedules)),
		onHistoryChanged: vi.fn(listen(handlers.history))
	} satisfies AutomaticApi;
	const fire = (set: Set<() => void>) => set.forEach((h) => h());
	return { api, handlers, fire };
}

describe('AutomaticStore', () => {
	it('keeps each connection’s answer', async () => {
		const { api } = fakeApi();
		const store = new AutomaticStore(api);
		expect(await store.load('prod')).toEqual(off);
		expect(store.of('prod')).toEqual(off);
		expect(store.of('staging')).toBeUndefined();
		await store.set('prod', true);
		expect(api.setAutomaticBackups).toHaveBeenCalledWith('prod', true);
		expect(store.of('prod')).toEqual(on);
		await store.dismiss('staging');
		expect(store.of('staging')?.offered).toBe(true);
	});

	it('keeps why it could not be read, until an answer comes', async () => {
		const { api } = fakeApi();
		api.automaticBackups.mockRejectedValueOnce({ message: 'the catalog is locked' });
		const store = new AutomaticStore(api);
		expect(await store.load('prod')).toBeNull();
		expect(store.errors.get('prod')).toBe('the catalog is locked');
		await store.load('prod');
		expect(store.errors.has('prod')).toBe(false);
	});

	it('passes a refusal to turn them on to the caller', async () => {
		const { api } = fakeApi();
		api.setAutomaticBackups.mockRejectedValueOnce({ message: 'no such connection' });
		const store = new AutomaticStore(api);
		await expect(store.set('gone', true)).rejects.toEqual({ message: 'no such connection' });
		expect(store.of('gone')).toBeUndefined();
	});

	it('drops a late answer to an older request', async () => {
		const { api } = fakeApi();
		let answer!: (a: AutomaticBackups) => void;
		api.automaticBackups.mockImplementationOnce(() => new Promise((r) => (answer = r)));
		const store = new AutomaticStore(api);
		const first = store.load('prod');
		await store.set('prod', true);
		answer(off);
		await first;
		expect(store.of('prod')).toEqual(on);
	});

	it('reloads the connections it knows when schedules or the history change', async () => {
		const { api, handlers, fire } = fakeApi();
		const store = new AutomaticStore(api);
		await store.start();
		await store.load('prod');
		await store.load('staging');
		const asked = () => api.automaticBackups.mock.calls.map((c) => c[0]).sort();
		api.automaticBackups.mockClear();
		api.automaticBackups.mockResolvedValue(on);
		fire(handlers.schedules);
		await vi.waitFor(() => expect(store.of('staging')).toEqual(on));
		expect(asked()).toEqual(['prod', 'staging']);
		fire(handlers.history);
		expect(asked()).toEqual(['prod', 'prod', 'staging', 'staging']);
		store.stop();
		expect(handlers.schedules.size + handlers.history.size).toBe(0);
	});
});
