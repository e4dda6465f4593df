// Option defaults and presets (generated from the engine), and the choices
// that move together (format, compression, file name).
import {
	DEFAULT_BACKUP_OPTIONS,
	DEFAULT_RESTORE_OPTIONS,
	PRESETS,
	type BackupFormat,
	type BackupOptions,
	type BackupPreset,
	type CompressionMethod,
	type PresetChoice,
	type RestoreOptions
} from './ipc/bindings';
import { joinArgs, withFormatExtension } from './format';

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

/** Which preset the options match, or `null` once changed by hand. */
export function presetOf(
	options: Pick<BackupOptions, 'format' | 'compression' | 'compressionMethod'>
): PresetName | null {
	for (const [name, p] of Object.entries(PRESETS) as [PresetName, Preset][]) {
		if (
			options.format === p.format &&
			options.compression === p.compression &&
			options.compressionMethod === p.compressionMethod
		)
			return name;
	}
	return null;
}

/** Where a backup goes and how it is compressed: what the Backup dialog
 * switches together so that the backend never sees a name that does not fit. */
export type Output = Pick<
	BackupOptions,
	'format' | 'compression' | 'compressionMethod' | 'outputPath'
> &
	Partial<Pick<BackupOptions, 'encryption'>>;

/** pg_dump cannot compress tar; plain SQL stays a script anyone can read and run. */
const uncompressed = (format: BackupFormat) => format === 'tar' || format === 'plain';

/**
 * Another format: zstd falls back to gzip outside the custom format, tar and
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
	if (format !== 'custom' && o.compressionMethod === 'zstd') {
		next.compressionMethod = 'gzip';
		next.compression = Math.min(o.compression, 9);
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

/** Another compression method, with a level it accepts (zstd 1–19, gzip 0–9). */
export function switchMethod(o: Output, method: CompressionMethod): Output {
	const compression = method === 'zstd' ? Math.max(1, o.compression) : Math.min(9, o.compression);
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
		extraArgs: [],
		jobs: 1
	};
}

export type RestoreTarget = 'same' | 'swap' | 'other' | 'new';

/** The Restore dialog's choices for a restore made before (to run it again). */
export interface RestoreChoices {
	options: RestoreOptions;
	target: RestoreTarget;
	newName: string;
	extraArgsText: string;
	roleText: string;
	/** Tables ticked (`schema.table` keys); `null`: all of them. */
	tables: string[] | null;
}

/**
 * A recorded restore as the dialog can show it again, for the connection it
 * went through: its target and options. Permission to run a script's psql
 * commands is not carried over: it is asked again for the file as it is now.
 */
export function restoreChoices(recorded: RestoreOptions): RestoreChoices {
	const target: RestoreTarget = recorded.swap ? 'swap' : recorded.createDatabase ? 'new' : 'same';
	return {
		options: { ...recorded, allowScriptCommands: false },
		target,
		newName: target === 'new' ? (recorded.targetDatabase ?? '') : '',
		extraArgsText: joinArgs(recorded.extraArgs),
		roleText: recorded.role ?? '',
		tables: recorded.tables
	};
}
