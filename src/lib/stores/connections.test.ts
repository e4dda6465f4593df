import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionProfile } from '../ipc/bindings';
import { ConnectionsStore, type ConnectionsApi } from './connections.svelte';

function profile(id: string, extra: Partial<ConnectionProfile> = {}): ConnectionProfile {
	return {
		id,
		name: id,
		host: 'localhost',
		port: 5432,
		database: id,
		user: 'u',
		sslmode: null,
		passwordStorage: 'none',
		isDemo: false,
		...extra
	};
}

function fakeApi(list: ConnectionProfile[]): ConnectionsApi {
	return {
		listConnections: vi.fn(async () => list),
		saveConnection: vi.fn(async (p) => profile(p.id ?? 'new', { name: p.name })),
		deleteConnection: vi.fn(async () => null),
		startDemoDatabase: vi.fn(async () => profile('demo', { isDemo: true }))
	};
}

beforeEach(() => {
	const data = new Map<string, string>();
	vi.stubGlobal('localStorage', {
		getItem: (k: string) => data.get(k) ?? null,
		setItem: (k: string, v: string) => data.set(k, v),
		removeItem: (k: string) => data.delete(k)
	});
});

describe('ConnectionsStore', () => {
	it('selects the remembered connection, else the first', async () => {
		localStorage.setItem('tusk.selectedConnection', 'b');
		const store = new ConnectionsStore(fakeApi([profile('a'), profile('b')]));
		await store.load();
		expect(store.selected?.id).toBe('b');

		localStorage.setItem('tusk.selectedConnection', 'gone');
		const other = new ConnectionsStore(fakeApi([profile('a'), profile('b')]));
		await other.load();
		expect(other.selected?.id).toBe('a');
	});

	it('adds, updates and selects saved profiles', async () => {
		const store = new ConnectionsStore(fakeApi([profile('a')]));
		await store.load();
		await store.save({
			id: null,
			name: 'New one',
			host: null,
			port: null,
			database: null,
			user: null,
			sslmode: null,
			password: 'pw',
			forgetPassword: false
		});
		expect(store.list.map((c) => c.id)).toEqual(['a', 'new']);
		expect(store.selectedId).toBe('new');
		await store.save({ ...profile('a'), name: 'Renamed', password: null, forgetPassword: false });
		expect(store.list.find((c) => c.id === 'a')?.name).toBe('Renamed');
		expect(store.list).toHaveLength(2);
	});

	it('moves the selection when the selected profile is deleted', async () => {
		const store = new ConnectionsStore(fakeApi([profile('a'), profile('b')]));
		await store.load();
		store.select('a');
		await store.remove('a');
		expect(store.list.map((c) => c.id)).toEqual(['b']);
		expect(store.selectedId).toBe('b');
	});

	it('starts the demo and selects it', async () => {
		const store = new ConnectionsStore(fakeApi([]));
		await store.load();
		expect(store.selected).toBeNull();
		await store.startDemo();
		expect(store.selected?.isDemo).toBe(true);
	});

	it('reports a failed load but still counts as loaded', async () => {
		const api = fakeApi([]);
		vi.mocked(api.listConnections).mockRejectedValueOnce({
			kind: 'storage',
			message: 'unreadable',
			detail: null
		});
		const store = new ConnectionsStore(api);
		await store.load();
		expect(store.loaded).toBe(true);
		expect(store.loadError).toBe('unreadable');
	});
});
