import { describe, expect, it, vi } from 'vitest';
import type { ConnectionTools, ToolInfo, ToolsView } from '../ipc/bindings';
import { ConnectionToolsCheck, ToolsStore, type ToolsApi } from './tools.svelte';

const pgDump = (version: number): ToolInfo => ({
	name: 'pg_dump',
	path: `/usr/lib/postgresql/${Math.floor(version / 10_000)}/bin/pg_dump`,
	version,
	versionText: `pg_dump (PostgreSQL) ${version}`,
	compression: []
});

const view = (added: string[] = []): ToolsView => ({
	tools: [pgDump(150018)],
	added,
	fixed: null,
	searched: [...added, '/usr/lib/postgresql/15/bin']
});

const refusal = (message: string) => ({ kind: 'invalidOptions', message, detail: null });

function fakeApi(): ToolsApi {
	return {
		listTools: vi.fn(async () => view()),
		addToolsFolder: vi.fn(async (path: string) => view([path])),
		removeToolsFolder: vi.fn(async () => view())
	};
}

describe('ToolsStore', () => {
	it('adds and removes folders, and hands the saved list on', async () => {
		const heard: string[][] = [];
		const store = new ToolsStore(fakeApi(), (folders) => heard.push(folders));
		await store.load();
		expect(store.view?.added).toEqual([]);
		expect(await store.add('/opt/pg17/bin')).toBe(true);
		expect(store.view?.searched[0]).toBe('/opt/pg17/bin');
		expect(await store.remove('/opt/pg17/bin')).toBe(true);
		expect(heard).toEqual([['/opt/pg17/bin'], []]);
		expect(store.busy).toBe(false);
	});

	it('says why a folder was refused and keeps the list as it was', async () => {
		const api = fakeApi();
		vi.mocked(api.addToolsFolder).mockRejectedValueOnce(
			refusal('/home/alex holds none of pg_dump, pg_restore, psql or pg_dumpall that runs')
		);
		const onFolders = vi.fn();
		const store = new ToolsStore(api, onFolders);
		await store.load();
		expect(await store.add('/home/alex')).toBe(false);
		expect(store.folderError).toEqual({
			path: '/home/alex',
			adding: true,
			message: '/home/alex holds none of pg_dump, pg_restore, psql or pg_dumpall that runs'
		});
		expect(store.view?.added).toEqual([]);
		expect(onFolders).not.toHaveBeenCalled();
		expect(await store.add('/opt/pg17/bin')).toBe(true);
		expect(store.folderError).toBeNull();
	});

	it('says why the tools could not be listed', async () => {
		const api = fakeApi();
		vi.mocked(api.listTools).mockRejectedValueOnce(refusal('no PATH'));
		const store = new ToolsStore(api);
		await store.load();
		expect(store.loadError).toBe('no PATH');
	});
});

describe('ConnectionToolsCheck', () => {
	const picked = (version: number): ConnectionTools => ({
		server: null,
		serverError: 'timeout',
		picks: [
			{ name: 'pg_dump', choice: { tool: pgDump(version), reason: 'newest' }, error: null },
			{ name: 'psql', choice: null, error: 'psql was not found' }
		]
	});

	it('knows a tool once the answer is in, and none that was not found', async () => {
		const check = new ConnectionToolsCheck(async () => picked(180006));
		expect(check.tool('pg_dump')).toBeNull();
		await check.run('prod');
		expect(check.tool('pg_dump')?.version).toBe(180006);
		expect(check.tool('psql')).toBeNull();
		expect(check.connectionId).toBe('prod');
	});

	it('keeps only the answer for the connection asked last', async () => {
		let answer: (t: ConnectionTools) => void = () => {};
		const ask = vi.fn(
			(id: string) =>
				new Promise<ConnectionTools>((resolve) => {
					if (id === 'slow') answer = resolve;
					else resolve(picked(160004));
				})
		);
		const check = new ConnectionToolsCheck(ask);
		const slow = check.run('slow');
		await check.run('fast');
		answer(picked(150018));
		await slow;
		expect(check.connectionId).toBe('fast');
		expect(check.tool('pg_dump')?.version).toBe(160004);
		expect(check.pending).toBe(false);
	});

	it('says why the server or the tools could not be asked', async () => {
		const check = new ConnectionToolsCheck(async () => {
			throw refusal('no connection named prod');
		});
		await check.run('prod');
		expect(check.error).toBe('no connection named prod');
		expect(check.result).toBeNull();
	});
});
