import { describe, expect, it } from 'vitest';
import { groupErrors, parseErrors, parseTocEntry } from './restore-errors';

const output = [
	'pg_restore: from TOC entry 214; 1259 16386 TABLE orders postgres',
	'pg_restore: error: could not execute query: ERROR:  relation "orders" already exists',
	'Command was: CREATE TABLE public.orders (',
	'    id integer NOT NULL,',
	'    total numeric',
	');',
	'pg_restore: from TOC entry 3320; 0 16386 TABLE DATA orders postgres',
	'pg_restore: error: COPY failed for table "orders": ERROR:  duplicate key value violates unique constraint "orders_pkey"',
	'DETAIL:  Key (id)=(1) already exists.',
	'CONTEXT:  COPY orders, line 1',
	'pg_restore: error: could not execute query: ERROR:  role "app_owner" does not exist',
	'Command was: ALTER TABLE public.orders OWNER TO app_owner;',
	'pg_restore: error: could not execute query: ERROR:  role "app_owner" does not exist',
	'Command was: ALTER TABLE public.customers OWNER TO app_owner;',
	'pg_restore: warning: errors ignored on restore: 4'
];

describe('parseTocEntry', () => {
	it('reads two-word kinds and tags with spaces', () => {
		expect(
			parseTocEntry('pg_restore: from TOC entry 3320; 0 16386 TABLE DATA orders postgres')
		).toEqual({
			kind: 'TABLE DATA',
			name: 'orders'
		});
		expect(
			parseTocEntry('pg_restore: from TOC entry 3170; 2606 16390 CONSTRAINT orders orders_pkey app')
		).toEqual({ kind: 'CONSTRAINT', name: 'orders orders_pkey' });
		expect(parseTocEntry('pg_restore: creating TABLE "public.orders"')).toBeNull();
	});
});

describe('parseErrors', () => {
	it('keeps each error with its command, details and entry', () => {
		const errors = parseErrors(output);
		expect(errors).toHaveLength(4);
		expect(errors[0]).toEqual({
			message: 'ERROR: relation "orders" already exists',
			command: 'CREATE TABLE public.orders (\n    id integer NOT NULL,\n    total numeric\n);',
			details: [],
			entry: 'TABLE orders'
		});
		expect(errors[1].details).toEqual([
			'DETAIL:  Key (id)=(1) already exists.',
			'CONTEXT:  COPY orders, line 1'
		]);
		expect(errors[1].entry).toBe('TABLE DATA orders');
		expect(errors[2].entry).toBeNull();
	});
	it('reads psql errors of a plain restore', () => {
		const errors = parseErrors(['psql:/tmp/shop.sql:45: ERROR:  relation "orders" already exists']);
		expect(errors[0].message).toBe('ERROR: relation "orders" already exists');
	});
});

describe('groupErrors', () => {
	it('groups by object and kind, most frequent first, in plain words', () => {
		const groups = groupErrors(output);
		expect(groups.map((g) => [g.kind, g.object, g.errors.length])).toEqual([
			['missingRole', 'app_owner', 2],
			['alreadyExists', 'orders', 1],
			['duplicateRows', 'orders_pkey', 1]
		]);
		expect(groups[0].title).toBe('Role “app_owner” does not exist on this server');
		expect(groups[0].hint).toMatch(/No owner/);
		expect(groups[1].hint).toMatch(/Clean/);
	});
	it('keeps unknown errors, labelled by their archive entry', () => {
		const groups = groupErrors([
			'pg_restore: from TOC entry 5; 0 0 COMMENT EXTENSION plpgsql postgres',
			'pg_restore: error: could not execute query: ERROR:  something odd'
		]);
		expect(groups[0].kind).toBe('other');
		expect(groups[0].title).toBe('Error restoring COMMENT EXTENSION plpgsql');
		expect(groups[0].explanation).toBe('something odd');
	});
});
