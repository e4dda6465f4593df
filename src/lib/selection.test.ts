import { describe, expect, it } from 'vitest';
import type { DbObjects } from './ipc/bindings';
import { backupScope, groupBySchema, quoteIdent, restoreTables, tableKey } from './selection';

const objects: DbObjects = {
	database: 'shop',
	serverVersion: '150018',
	schemas: [
		{
			name: 'public',
			tables: [
				{ name: 'orders', rowsEstimate: 1000, bytes: 800 },
				{ name: 'customers', rowsEstimate: 10, bytes: 100 }
			]
		},
		{ name: 'Audit', tables: [{ name: 'log', rowsEstimate: 5, bytes: 50 }] },
		{ name: 'empty', tables: [] }
	]
};

const allTables = ['public.orders', 'public.customers', '"Audit".log'];

describe('quoteIdent', () => {
	it('quotes what pg_dump would fold or split', () => {
		expect(quoteIdent('orders')).toBe('orders');
		expect(quoteIdent('Orders')).toBe('"Orders"');
		expect(quoteIdent('a.b')).toBe('"a.b"');
		expect(quoteIdent('say "hi"')).toBe('"say ""hi"""');
		expect(tableKey('Audit', 'log')).toBe('"Audit".log');
	});
});

describe('backupScope', () => {
	it('asks for nothing special when everything is ticked', () => {
		const scope = backupScope(objects, new Set(['public', 'Audit', 'empty']), new Set(allTables));
		expect(scope).toEqual({ schemas: null, excludeTables: [], tableCount: 3, bytes: 950 });
	});
	it('excludes unticked tables instead of listing ticked ones', () => {
		const tables = new Set(['public.orders', '"Audit".log']);
		const scope = backupScope(objects, new Set(['public', 'Audit', 'empty']), tables);
		expect(scope.schemas).toBeNull();
		expect(scope.excludeTables).toEqual(['public.customers']);
		expect(scope.tableCount).toBe(2);
	});
	it('names the ticked schemas, quoted when needed', () => {
		const scope = backupScope(objects, new Set(['Audit']), new Set(['"Audit".log']));
		expect(scope.schemas).toEqual(['"Audit"']);
		expect(scope.excludeTables).toEqual([]);
		expect(scope.bytes).toBe(50);
	});
});

describe('restoreTables', () => {
	const refs = [
		{ schema: 'public', name: 'orders', dataBytes: 10 },
		{ schema: 'Audit', name: 'log', dataBytes: null }
	];
	it('is null when all are ticked', () => {
		expect(restoreTables(refs, new Set(['public.orders', '"Audit".log']))).toBeNull();
	});
	it('lists the ticked ones', () => {
		expect(restoreTables(refs, new Set(['"Audit".log']))).toEqual(['"Audit".log']);
		expect(restoreTables(refs, new Set())).toEqual([]);
	});
	it('groups by schema in order', () => {
		expect(groupBySchema(refs).map((g) => g.schema)).toEqual(['public', 'Audit']);
	});
});
