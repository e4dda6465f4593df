// Option defaults and presets (generated from the engine), and the choices
// that move together (format, compression, file name).
import {
	DEFAULT_BACKUP_OPTIONS,
	DEFAULT_RESTORE_OPTIONS,
	PG_DUMP_COMPRESSION_SINCE,
	PG_DUMP_SINCE,
	PG_RESTORE_SINCE,
	PRESETS,
	PRESETS_WITH_PG_DUMP_ZSTD,
	STATISTICS_SINCE,
	type BackupFormat,
	type BackupOptions,
	type BackupPreset,
	type CompressionMethod,
	type PresetChoice,
	type RestoreOptions,
	type ToolInfo
} from './ipc/bindings';
import { formatPgVersion, joinArgs, joinList, withFormatExtension } from './format';

/** The engine's defaults (generated from Rust), for one connection. */
export function defaultBackupOptions(connectionId: string, outputPath = ''): BackupOptions {
	return { ...structuredClone(DEFAULT_BACKUP_OPTIONS), connectionId, outputPath };
}

export function defaultRestoreOptions(connectionId: string, inputPath = ''): RestoreOptions {
	return { ...structuredClone(DEFAULT_RESTORE_OPTIONS), connectionId, inputPath };
}

export type PresetName = BackupPreset;
export type Preset = PresetChoice;

/** Measured on a 0.5 GB database (bench/): gzip 6 is what makes pg_dump slow;
 * zstd 1 on pg_dump's uncompressed stream is over 3× faster and a little smaller.
 * Generated from the engine's presets. */
export { PRESETS };

/** Which preset the options match (with either pg_dump), or `null` once changed by hand. */
export function presetOf(
	options: Pick<BackupOptions, 'format' | 'compression' | 'compressionMethod'>
): PresetName | null {
	for (const table of [PRESETS, PRESETS_WITH_PG_DUMP_ZSTD]) {
		for (const [name, p] of Object.entries(table) as [PresetName, Preset][]) {
			if (
				options.format === p.format &&
				options.compression === p.compression &&
				options.compressionMethod === p.compressionMethod
			)
				return name;
		}
	}
	return null;
}

/** Whether this pg_dump compresses with zstd itself (16+, built with it). */
export function hasPgDumpZstd(pgDump: ToolInfo | null): boolean {
	return !!pgDump && whyNoMethod('pgZstd', pgDump) === null;
}

/**
 * What preset `name` sets with this pg_dump: the fast preset uses pg_dump's own zstd where
 * it has it (measured faster to back up and to restore, and stock pg_restore reads it), else
 * Tusk's zstd (the engine's `BackupPreset::choice_with`).
 */
export function presetChoice(name: PresetName, pgDump: ToolInfo | null): Preset {
	return (hasPgDumpZstd(pgDump) ? PRESETS_WITH_PG_DUMP_ZSTD : PRESETS)[name];
}

/** Where a backup goes and how it is compressed: what the Backup dialog
 * switches together so that the backend never sees a name that does not fit. */
export type Output = Pick<
	BackupOptions,
	'format' | 'compression' | 'compressionMethod' | 'outputPath'
> &
	Partial<Pick<BackupOptions, 'encryption'>>;

/** The levels each method takes, as the engine checks them. */
export const LEVELS: Record<CompressionMethod, { min: number; max: number }> = {
	gzip: { min: 0, max: 9 },
	zstd: { min: 1, max: 19 },
	pgZstd: { min: 1, max: 19 },
	lz4: { min: 1, max: 12 }
};

/** The formats each method compresses: Tusk's zstd wraps a custom archive; pg_dump's own
 * zstd and lz4 are for its archive formats; a plain script stays gzip (`.sql.gz`) and tar
 * is never compressed (gzip at level 0). */
export const METHOD_FORMATS: Record<CompressionMethod, BackupFormat[]> = {
	gzip: ['custom', 'directory', 'tar', 'plain'],
	zstd: ['custom'],
	pgZstd: ['custom', 'directory'],
	lz4: ['custom', 'directory']
};

/** pg_dump cannot compress tar; plain SQL stays a script anyone can read and run. */
const uncompressed = (format: BackupFormat) => format === 'tar' || format === 'plain';

/**
 * Another format: a method the format does not take falls back to gzip (Tusk's
 * zstd is for custom, pg_dump's zstd and lz4 for custom and directory), tar and
 * plain start uncompressed (the level before is `saved`, to come back to), a
 * folder is not encrypted, and the file name takes the new extension.
 */
export function switchFormat(
	o: Output,
	format: BackupFormat,
	saved: number
): { output: Output; saved: number } {
	const next = { ...o, format };
	if (format === 'directory' && o.encryption) next.encryption = { kind: 'none' };
	if (!METHOD_FORMATS[o.compressionMethod].includes(format)) {
		next.compressionMethod = 'gzip';
		next.compression = Math.min(o.compression, LEVELS.gzip.max);
	}
	if (uncompressed(format)) {
		if (!uncompressed(o.format)) saved = next.compression;
		next.compression = 0;
	} else if (uncompressed(o.format)) {
		next.compression = saved;
	}
	next.outputPath = withFormatExtension(o.outputPath, next);
	return { output: next, saved };
}

/** Another compression method, with the nearest level it accepts (`LEVELS`). */
export function switchMethod(o: Output, method: CompressionMethod): Output {
	const { min, max } = LEVELS[method];
	const compression = Math.min(max, Math.max(min, o.compression));
	const next = { ...o, compressionMethod: method, compression };
	return { ...next, outputPath: withFormatExtension(o.outputPath, next) };
}

/** Another level: a plain script compressed or not is `.sql.gz` or `.sql`. */
export function switchCompression(o: Output, compression: number): Output {
	const next = { ...o, compression };
	const renamed = o.format === 'plain' && o.compression > 0 !== compression > 0;
	return renamed ? { ...next, outputPath: withFormatExtension(o.outputPath, next) } : next;
}

/** Encrypted with the saved passphrase or not: `.age` comes or goes at the end of the name. */
export function switchEncryption(o: Output, on: boolean): Output {
	const next: Output = { ...o, encryption: on ? { kind: 'passphrase' } : { kind: 'none' } };
	return { ...next, outputPath: withFormatExtension(o.outputPath, next) };
}

/** Why a backup cannot be encrypted with the saved passphrase, or `null` when it can. */
export function whyNotEncrypted(format: BackupFormat, canEncrypt: boolean): string | null {
	if (!canEncrypt) return 'Set a passphrase under Destinations';
	return format === 'directory' ? 'Not for the directory format, a folder of files' : null;
}

/**
 * A plain script's restore: psql runs it as it was written, over one
 * connection, so what only pg_restore can do is off (the backend refuses it
 * rather than leave it out silently).
 */
export function plainScriptOptions(o: RestoreOptions): RestoreOptions {
	return {
		...o,
		schemas: null,
		tables: null,
		tocEntries: null,
		schemaOnly: false,
		dataOnly: false,
		clean: false,
		noOwner: false,
		noPrivileges: false,
		disableTriggers: false,
		createFromArchive: false,
		sections: [],
		excludeSchemas: [],
		noTablespaces: false,
		noComments: false,
		noPublications: false,
		noSubscriptions: false,
		noSecurityLabels: false,
		noTableAccessMethod: false,
		noPolicies: false,
		noStatistics: false,
		noDataForFailedTables: false,
		useSetSessionAuthorization: false,
		enableRowSecurity: false,
		extraArgs: [],
		jobs: 1
	};
}

/** Where a restore goes; `archive`: the database named in the backup, created by pg_restore. */
export type RestoreTarget = 'same' | 'swap' | 'other' | 'new' | 'archive';

/** The Restore dialog's choices for a restore made before (to run it again). */
export interface RestoreChoices {
	options: RestoreOptions;
	target: RestoreTarget;
	newName: string;
	extraArgsText: string;
	roleText: string;
	excludeSchemasText: string;
	/** Tables ticked (`schema.table` keys); `null`: all of them. */
	tables: string[] | null;
}

/**
 * A recorded restore as the dialog can show it again, for the connection it
 * went through: its target and options. Permission to run a script's psql
 * commands is not carried over: it is asked again for the file as it is now.
 */
export function restoreChoices(recorded: RestoreOptions): RestoreChoices {
	const target: RestoreTarget = recorded.swap
		? 'swap'
		: recorded.createDatabase
			? 'new'
			: recorded.createFromArchive
				? 'archive'
				: 'same';
	return {
		options: { ...recorded, allowScriptCommands: false },
		target,
		newName: target === 'new' ? (recorded.targetDatabase ?? '') : '',
		extraArgsText: joinArgs(recorded.extraArgs),
		roleText: recorded.role ?? '',
		excludeSchemasText: joinList(recorded.excludeSchemas),
		tables: recorded.tables
	};
}

// What each version of the tools has, as the engine has it (engine/src/server/gates.rs,
// generated into bindings.ts): the engine refuses an option the picked tool lacks; the
// dialogs say so beside the control, before anything runs.
export { PG_DUMP_SINCE, PG_RESTORE_SINCE, STATISTICS_SINCE, PG_DUMP_COMPRESSION_SINCE };

export type BackupGate = keyof typeof PG_DUMP_SINCE;
export type RestoreGate = keyof typeof PG_RESTORE_SINCE;

/** 150018 → 15. */
export const majorOf = (version: number) => Math.floor(version / 10_000);

/**
 * Why `tool` lacks what first came in major `since`: "needs pg_dump 16+ (this connection
 * uses 15.18)"; `null` when it has it, or while the tool is not known (the engine checks).
 */
export function tooOld(tool: ToolInfo | null, since: number): string | null {
	if (!tool || majorOf(tool.version) >= since) return null;
	return `needs ${tool.name} ${since}+ (this connection uses ${formatPgVersion(tool.version)})`;
}

/** pg_dump's name for a method it compresses with itself, besides gzip. */
const PG_DUMP_METHOD: Partial<Record<CompressionMethod, string>> = { pgZstd: 'zstd', lz4: 'lz4' };

/** Why `pgDump` cannot compress with `method` (too old, or built without it), or `null`. */
export function whyNoMethod(method: CompressionMethod, pgDump: ToolInfo | null): string | null {
	const name = PG_DUMP_METHOD[method];
	if (!name || !pgDump) return null;
	return (
		tooOld(pgDump, PG_DUMP_COMPRESSION_SINCE) ??
		(pgDump.compression.includes(name)
			? null
			: `this pg_dump (${formatPgVersion(pgDump.version)}) was built without ${name}`)
	);
}

/**
 * The backup options `pgDump` does not have turned off, and its own zstd or lz4 back to
 * gzip: applied when the dialog learns the connection's pg_dump, so that no control it
 * disables stays on.
 */
export function fitBackupTool(o: BackupOptions, pgDump: ToolInfo): BackupOptions {
	const next = { ...o };
	for (const [key, since] of Object.entries(PG_DUMP_SINCE) as [BackupGate, number][]) {
		if (tooOld(pgDump, since)) next[key] = false;
	}
	if (tooOld(pgDump, STATISTICS_SINCE)) next.statistics = 'default';
	return whyNoMethod(o.compressionMethod, pgDump)
		? { ...next, ...switchMethod(next, 'gzip') }
		: next;
}

/** The restore options `pgRestore` does not have, turned off (as `fitBackupTool`). */
export function fitRestoreTool(o: RestoreOptions, pgRestore: ToolInfo): RestoreOptions {
	const next = { ...o };
	for (const [key, since] of Object.entries(PG_RESTORE_SINCE) as [RestoreGate, number][]) {
		if (tooOld(pgRestore, since)) next[key] = false;
	}
	return next;
}
