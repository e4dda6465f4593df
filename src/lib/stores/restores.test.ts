import { describe, expect, it, vi } from 'vitest';
import type { RestoreRecord } from '../ipc/bindings';
import { defaultRestoreOptions } from '../options';
import { RestoresStore, type RestoresApi } from './restores.svelte';

function rec(id: string, database = 'shop'): RestoreRecord {
	return {
		id,
		host: 'db',
		port: 5432,
		database,
		connectionId: 'prod',
		inputPath: '/b/shop.backup',
		options: defaultRestoreOptions('prod', '/b/shop.backup'),
		startedAt: '2025-03-14T09:00:00Z',
		finishedAt: '2025-03-14T09:01:00Z',
		status: 'failed',
		incomplete: true,
		createdDatabase: false,
		error: null
	};
}

/** A catalog of incomplete restores that answers like the backend. */
function fakeApi(records: RestoreRecord[]) {
	let changed: () => void = () => {};
	const api = {
		listIncompleteRestores: vi.fn(async () => records),
		dismissRestore: vi.fn(async (id: string) => {
			records = records.filter((r) => r.id !== id);
			return null;
		}),
		dropIncompleteRestore: vi.fn(async (id: string, typedName: string) => {
			const found = records.find((r) => r.id === id)!;
			if (typedName !== found.database) {
				throw { kind: 'invalidOptions', message: 'type its name to confirm', detail: null };
			}
			records = records.filter((r) => r.id !== id);
			return found.database;
		}),
		onHistoryChanged: vi.fn(async (handler: () => void) => {
			changed = handler;
			return () => {};
		})
	} satisfies RestoresApi;
	return {
		api,
		add(record: RestoreRecord) {
			records = [...records, record];
			changed();
		}
	};
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RestoresStore', () => {
	it('loads at start and again when the history changes', async () => {
		const fake = fakeApi([rec('a')]);
		const store = new RestoresStore(fake.api);
		await store.start();
		expect(store.list.map((r) => r.id)).toEqual(['a']);
		fake.add(rec('b', 'shop_copy'));
		await settle();
		expect(store.list.map((r) => r.id)).toEqual(['a', 'b']);
	});

	it('dismisses and drops, and keeps a refused drop listed', async () => {
		const fake = fakeApi([rec('a'), rec('b', 'shop_copy')]);
		const store = new RestoresStore(fake.api);
		await store.start();
		await store.dismiss('a');
		expect(fake.api.dismissRestore).toHaveBeenCalledWith('a');
		expect(store.list.map((r) => r.id)).toEqual(['b']);
		await expect(store.drop('b', 'shop')).rejects.toMatchObject({ kind: 'invalidOptions' });
		expect(store.list.map((r) => r.id)).toEqual(['b']);
		expect(await store.drop('b', 'shop_copy')).toBe('shop_copy');
		await settle();
		expect(store.list).toEqual([]);
	});

	it('says when the list cannot be read', async () => {
		const fake = fakeApi([]);
		fake.api.listIncompleteRestores.mockRejectedValueOnce({ message: 'catalog locked' });
		const store = new RestoresStore(fake.api);
		await store.start();
		expect(store.error).toBe('catalog locked');
		await store.refresh();
		expect(store.error).toBeNull();
	});
});
