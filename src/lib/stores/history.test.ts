import { describe, expect, it, vi } from 'vitest';
import type { BackupPage, BackupQuery, BackupRecord } from '../ipc/bindings';
import { HistoryStore, PAGE_SIZE, type HistoryApi } from './history.svelte';

function rec(id: string): BackupRecord {
	return { id, name: id } as BackupRecord;
}

/** A catalog of `total` backups that answers like the backend. */
function fakeApi(total: number) {
	let records = Array.from({ length: total }, (_, i) => rec(`b${i}`));
	let changed: () => void = () => {};
	const api: HistoryApi = {
		listBackups: vi.fn(async (q: BackupQuery): Promise<BackupPage> => ({
			items: records.slice(q.offset, q.offset + q.limit),
			total: records.length,
			totalBytes: 0,
			offset: q.offset,
			limit: q.limit
		})),
		onHistoryChanged: vi.fn(async (handler) => {
			changed = handler;
			return () => {};
		})
	};
	return {
		api,
		remove(count: number) {
			records = records.slice(0, records.length - count);
			changed();
		},
		lastQuery: () => vi.mocked(api.listBackups).mock.calls.at(-1)![0]
	};
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('HistoryStore', () => {
	it('pages through the history and scopes it to a connection', async () => {
		const fake = fakeApi(PAGE_SIZE * 2 + 3);
		const store = new HistoryStore(fake.api);
		await store.start();
		expect(store.items).toHaveLength(PAGE_SIZE);
		expect(store.pageCount).toBe(3);
		await store.next();
		await store.next();
		expect(store.pageNumber).toBe(3);
		expect(store.items.map((b) => b.id)).toEqual(['b16', 'b17', 'b18']);
		await store.next();
		expect(store.pageNumber).toBe(3);
		await store.scope('prod');
		expect(fake.lastQuery()).toMatchObject({ connectionId: 'prod', offset: 0 });
		expect(store.pageNumber).toBe(1);
	});

	it('filters by outcome from the first page', async () => {
		const fake = fakeApi(20);
		const store = new HistoryStore(fake.api);
		await store.start();
		await store.next();
		await store.setFilter('failed');
		expect(fake.lastQuery()).toMatchObject({
			statuses: ['failed', 'cancelled', 'interrupted'],
			offset: 0
		});
		await store.setFilter('ok');
		expect(fake.lastQuery().statuses).toEqual(['completed', 'completedWithWarnings']);
	});

	it('searches from the first page, combined with the outcome filter', async () => {
		const fake = fakeApi(20);
		const store = new HistoryStore(fake.api);
		await store.start();
		expect(fake.lastQuery().search).toBeNull();
		await store.setFilter('ok');
		await store.next();
		await store.setSearch('  before release ');
		expect(fake.lastQuery()).toMatchObject({
			search: 'before release',
			statuses: ['completed', 'completedWithWarnings'],
			offset: 0
		});
		const calls = vi.mocked(fake.api.listBackups).mock.calls.length;
		await store.setSearch('before release');
		expect(vi.mocked(fake.api.listBackups).mock.calls).toHaveLength(calls);
		await store.setSearch('   ');
		expect(fake.lastQuery().search).toBeNull();
	});

	it('refreshes on history:changed and steps back when its page empties', async () => {
		const fake = fakeApi(PAGE_SIZE + 1);
		const store = new HistoryStore(fake.api);
		await store.start();
		await store.next();
		expect(store.items).toHaveLength(1);
		fake.remove(1);
		await settle();
		await settle();
		expect(store.pageNumber).toBe(1);
		expect(store.items).toHaveLength(PAGE_SIZE);
	});

	it('keeps the page it has when a refresh fails, and says why', async () => {
		const fake = fakeApi(3);
		const store = new HistoryStore(fake.api);
		await store.start();
		vi.mocked(fake.api.listBackups).mockRejectedValueOnce({ message: 'catalog locked' });
		await store.refresh();
		expect(store.items).toHaveLength(3);
		expect(store.error).toBe('catalog locked');
		expect(store.loading).toBe(false);
	});
});
