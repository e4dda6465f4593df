// From ticked schemas and tables to the names pg_dump and pg_restore take.
import type { DbObjects, TableRef } from './ipc/bindings';

/** A name as pg_dump patterns need it: quoted unless plain lower case. */
export function quoteIdent(name: string): string {
	return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function tableKey(schema: string, name: string): string {
	return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

export interface BackupScope {
	/** `null`: every schema. */
	schemas: string[] | null;
	excludeTables: string[];
	/** Tables that will be dumped, for counts and sizes. */
	tableCount: number;
	bytes: number;
}

/**
 * Ticked schemas become `-n`, unticked tables inside them `-T`: the schemas'
 * other objects (functions, views, types) stay in the backup, and an unticked
 * table is really left out.
 */
export function backupScope(
	objects: DbObjects,
	schemas: ReadonlySet<string>,
	tables: ReadonlySet<string>
): BackupScope {
	const chosen = objects.schemas.filter((s) => schemas.has(s.name));
	const excludeTables: string[] = [];
	let tableCount = 0;
	let bytes = 0;
	for (const schema of chosen) {
		for (const table of schema.tables) {
			const key = tableKey(schema.name, table.name);
			if (tables.has(key)) {
				tableCount++;
				bytes += table.bytes;
			} else {
				excludeTables.push(key);
			}
		}
	}
	const everySchema = chosen.length === objects.schemas.length;
	return {
		schemas: everySchema ? null : chosen.map((s) => quoteIdent(s.name)),
		excludeTables,
		tableCount,
		bytes
	};
}

/** The restore's `tables`: `null` when every table is ticked. */
export function restoreTables(all: TableRef[], ticked: ReadonlySet<string>): string[] | null {
	const keys = all.map((t) => tableKey(t.schema, t.name));
	if (keys.every((k) => ticked.has(k))) return null;
	return keys.filter((k) => ticked.has(k));
}

/** Tables grouped by schema, in the archive's order of schemas. */
export function groupBySchema(tables: TableRef[]): { schema: string; tables: TableRef[] }[] {
	const groups = new Map<string, TableRef[]>();
	for (const table of tables) {
		const list = groups.get(table.schema) ?? [];
		list.push(table);
		groups.set(table.schema, list);
	}
	return [...groups].map(([schema, list]) => ({ schema, tables: list }));
}
