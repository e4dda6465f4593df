import { describe, expect, it } from 'vitest';
import type { ToolInfo } from './ipc/bindings';
import {
	defaultBackupOptions,
	defaultRestoreOptions,
	fitBackupTool,
	fitRestoreTool,
	hasPgDumpZstd,
	LEVELS,
	METHOD_FORMATS,
	PG_DUMP_SINCE,
	PG_RESTORE_SINCE,
	presetChoice,
	presetOf,
	plainScriptOptions,
	PRESETS,
	restoreChoices,
	switchCompression,
	switchEncryption,
	switchFormat,
	switchMethod,
	tooOld,
	whyNoMethod,
	whyNotEncrypted,
	type Output
} from './options';

describe('defaults', () => {
	it("are the engine's, for the connection, and each call has its own lists", () => {
		const a = defaultBackupOptions('c1', '/b/x.backup');
		expect(a).toMatchObject({ connectionId: 'c1', outputPath: '/b/x.backup' });
		a.excludeTables.push('public.audit');
		expect(defaultBackupOptions('c2').excludeTables).toEqual([]);
		const r = defaultRestoreOptions('c1', '/b/x.backup');
		expect(r).toMatchObject({ connectionId: 'c1', inputPath: '/b/x.backup' });
		r.extraArgs.push('--no-comments');
		expect(defaultRestoreOptions('c1').extraArgs).toEqual([]);
	});
});

describe('presetOf', () => {
	it('recognises the presets', () => {
		expect(presetOf(PRESETS.fast)).toBe('fast');
		expect(presetOf(PRESETS.standard)).toBe('standard');
		expect(presetOf(defaultBackupOptions('c'))).toBe('standard');
	});
	it('tells gzip from zstd at the same level', () => {
		expect(presetOf({ format: 'custom', compression: 1, compressionMethod: 'gzip' })).toBeNull();
		expect(presetOf({ format: 'custom', compression: 1, compressionMethod: 'zstd' })).toBe('fast');
		expect(presetOf({ format: 'custom', compression: 5, compressionMethod: 'gzip' })).toBeNull();
	});
});

describe('switching the output', () => {
	const custom: Output = {
		format: 'custom',
		compression: 6,
		compressionMethod: 'gzip',
		outputPath: '/b/shop.backup'
	};

	it('starts plain uncompressed as .sql, and comes back to the level before', () => {
		const plain = switchFormat(custom, 'plain', 0);
		expect(plain.output).toEqual({
			...custom,
			format: 'plain',
			compression: 0,
			outputPath: '/b/shop.sql'
		});
		expect(plain.saved).toBe(6);
		const back = switchFormat(plain.output, 'custom', plain.saved);
		expect(back.output).toEqual(custom);
	});

	it('names a compressed plain script .sql.gz, and .sql again at level 0', () => {
		const plain = switchFormat(custom, 'plain', 0).output;
		const gz = switchCompression(plain, 4);
		expect(gz).toMatchObject({ compression: 4, outputPath: '/b/shop.sql.gz' });
		expect(switchCompression(gz, 9).outputPath).toBe('/b/shop.sql.gz');
		expect(switchCompression(gz, 0)).toMatchObject({ compression: 0, outputPath: '/b/shop.sql' });
	});

	it('leaves a name alone when the level changes for other formats', () => {
		expect(switchCompression(custom, 0)).toEqual({ ...custom, compression: 0 });
		const named = { ...custom, format: 'plain' as const, outputPath: '/b/my-dump.sql.gz' };
		expect(switchCompression(named, 3)).toEqual({ ...named, compression: 3 });
	});

	it('keeps tar and plain at 0 between them, and the level to come back to', () => {
		const tar = switchFormat(custom, 'tar', 0);
		const plain = switchFormat(tar.output, 'plain', tar.saved);
		expect(plain.output).toMatchObject({ compression: 0, outputPath: '/b/shop.sql' });
		const gz = switchCompression(plain.output, 5);
		const tarAgain = switchFormat(gz, 'tar', plain.saved);
		expect(tarAgain.output).toMatchObject({ compression: 0, outputPath: '/b/shop.tar' });
		expect(switchFormat(tarAgain.output, 'directory', tarAgain.saved).output).toMatchObject({
			compression: 6,
			outputPath: '/b/shop'
		});
	});

	it('drops zstd outside the custom format, within gzip levels', () => {
		const zstd = switchMethod(custom, 'zstd');
		expect(zstd).toMatchObject({ compressionMethod: 'zstd', outputPath: '/b/shop.backup.zst' });
		const fast = { ...zstd, compression: 12 };
		const plain = switchFormat(fast, 'plain', 0);
		expect(plain.output).toMatchObject({
			compressionMethod: 'gzip',
			compression: 0,
			outputPath: '/b/shop.sql'
		});
		expect(switchFormat(plain.output, 'custom', plain.saved).output).toMatchObject({
			compressionMethod: 'gzip',
			compression: 9,
			outputPath: '/b/shop.backup'
		});
		expect(switchMethod({ ...custom, compression: 0 }, 'zstd').compression).toBe(1);
	});

	it('adds .age when encrypted and takes it off again; a folder is never encrypted', () => {
		const sealed = switchEncryption(custom, true);
		expect(sealed).toEqual({
			...custom,
			encryption: { kind: 'passphrase' },
			outputPath: '/b/shop.backup.age'
		});
		expect(switchFormat(sealed, 'plain', 0).output.outputPath).toBe('/b/shop.sql.age');
		expect(switchFormat(sealed, 'directory', 0).output).toMatchObject({
			encryption: { kind: 'none' },
			outputPath: '/b/shop'
		});
		expect(switchEncryption(sealed, false)).toEqual({ ...custom, encryption: { kind: 'none' } });
	});

	it('says why a backup cannot be encrypted: no passphrase first, then a folder', () => {
		expect(whyNotEncrypted('custom', true)).toBeNull();
		expect(whyNotEncrypted('directory', false)).toBe('Set a passphrase under Destinations');
		expect(whyNotEncrypted('directory', true)).toBe(
			'Not for the directory format, a folder of files'
		);
	});
});

describe('restoreChoices', () => {
	const recorded = {
		...defaultRestoreOptions('prod', '/b/shop.backup'),
		clean: true,
		tables: ['public.orders'],
		extraArgs: ['--no-comments', 'a b'],
		role: 'owner',
		allowScriptCommands: true
	};

	it('brings back the target and the options, not the permission for psql commands', () => {
		const c = restoreChoices(recorded);
		expect(c).toMatchObject({
			target: 'same',
			newName: '',
			extraArgsText: '--no-comments "a b"',
			roleText: 'owner',
			tables: ['public.orders']
		});
		expect(c.options).toMatchObject({ clean: true, allowScriptCommands: false });
	});

	it('restores into the new database, the backup’s own, or swaps as it did', () => {
		const created = { ...recorded, createDatabase: true, targetDatabase: 'shop_copy' };
		expect(restoreChoices(created)).toMatchObject({ target: 'new', newName: 'shop_copy' });
		expect(restoreChoices({ ...recorded, swap: true }).target).toBe('swap');
		const own = { ...recorded, createFromArchive: true, singleTransaction: false };
		expect(restoreChoices(own)).toMatchObject({ target: 'archive', newName: '' });
	});

	it('brings back the schemas left out as the text typed', () => {
		const c = restoreChoices({ ...recorded, excludeSchemas: ['audit', 'tmp_*'] });
		expect(c.excludeSchemasText).toBe('audit, tmp_*');
		expect(restoreChoices(recorded).excludeSchemasText).toBe('');
	});
});

describe('plainScriptOptions', () => {
	it('turns off what psql cannot do with a script, and keeps the rest', () => {
		const asked = {
			...defaultRestoreOptions('prod', '/b/shop.sql'),
			clean: true,
			noOwner: true,
			noPrivileges: true,
			disableTriggers: true,
			extraArgs: ['--no-comments'],
			tables: ['public.orders'],
			jobs: 4,
			singleTransaction: false,
			role: 'owner',
			allowScriptCommands: true,
			sections: ['data' as const],
			excludeSchemas: ['audit'],
			noComments: true,
			noPolicies: true,
			noStatistics: true,
			noDataForFailedTables: true,
			useSetSessionAuthorization: true,
			enableRowSecurity: true,
			createFromArchive: true
		};
		expect(plainScriptOptions(asked)).toEqual({
			...asked,
			clean: false,
			noOwner: false,
			noPrivileges: false,
			disableTriggers: false,
			extraArgs: [],
			tables: null,
			jobs: 1,
			sections: [],
			excludeSchemas: [],
			noComments: false,
			noPolicies: false,
			noStatistics: false,
			noDataForFailedTables: false,
			useSetSessionAuthorization: false,
			enableRowSecurity: false,
			createFromArchive: false
		});
	});
});

describe('compression methods', () => {
	const custom: Output = {
		format: 'custom',
		compression: 6,
		compressionMethod: 'gzip',
		outputPath: '/b/shop.backup'
	};

	it('take the levels the engine takes, the nearest kept', () => {
		expect(LEVELS).toEqual({
			gzip: { min: 0, max: 9 },
			zstd: { min: 1, max: 19 },
			pgZstd: { min: 1, max: 19 },
			lz4: { min: 1, max: 12 }
		});
		const lz4 = switchMethod({ ...custom, compression: 0 }, 'lz4');
		expect(lz4).toEqual({ ...custom, compressionMethod: 'lz4', compression: 1 });
		const zstd = switchMethod({ ...custom, compressionMethod: 'pgZstd', compression: 19 }, 'lz4');
		expect(zstd.compression).toBe(12);
		expect(switchMethod({ ...custom, compressionMethod: 'lz4', compression: 12 }, 'gzip')).toEqual({
			...custom,
			compression: 9
		});
	});

	it("keep pg_dump's zstd and lz4 in a directory backup, and a .backup name", () => {
		const pgZstd = switchMethod(custom, 'pgZstd');
		expect(pgZstd.outputPath).toBe('/b/shop.backup');
		expect(switchFormat(pgZstd, 'directory', 0).output).toMatchObject({
			compressionMethod: 'pgZstd',
			compression: 6,
			outputPath: '/b/shop'
		});
		expect(METHOD_FORMATS.zstd).toEqual(['custom']);
	});

	it('fall back to gzip for tar and plain, and come back uncompressed-first', () => {
		const lz4 = { ...switchMethod(custom, 'lz4'), compression: 12 };
		const tar = switchFormat(lz4, 'tar', 0);
		expect(tar.output).toMatchObject({ compressionMethod: 'gzip', compression: 0 });
		expect(tar.saved).toBe(9);
		const plain = switchFormat(lz4, 'plain', 0);
		expect(plain.output).toMatchObject({ compressionMethod: 'gzip', outputPath: '/b/shop.sql' });
	});
});

describe('what each version of the tools has', () => {
	const tool = (name: string, version: number, compression: string[] = []): ToolInfo => ({
		name,
		path: `/usr/lib/postgresql/${Math.floor(version / 10_000)}/bin/${name}`,
		version,
		versionText: `${name} ${version}`,
		compression
	});
	const pgDump15 = tool('pg_dump', 150018);
	const pgDump16NoLz4 = tool('pg_dump', 160004, ['gzip', 'zstd']);
	const pgDump18 = tool('pg_dump', 180006, ['gzip', 'lz4', 'zstd']);

	it('are the versions the engine checks', () => {
		expect(PG_DUMP_SINCE).toEqual({
			noToastCompression: 14,
			noTableAccessMethod: 15,
			includeChildTables: 16,
			noPolicies: 18,
			sequenceData: 18
		});
		expect(PG_RESTORE_SINCE).toEqual({ noTableAccessMethod: 15, noPolicies: 18, noStatistics: 18 });
	});

	it('make the fast preset use pg_dump’s own zstd where it has it', () => {
		expect(hasPgDumpZstd(pgDump15)).toBe(false);
		expect(hasPgDumpZstd(tool('pg_dump', 180006, ['gzip']))).toBe(false);
		expect(hasPgDumpZstd(pgDump16NoLz4)).toBe(true);
		expect(hasPgDumpZstd(null)).toBe(false);
		expect(presetChoice('fast', pgDump15)).toEqual(PRESETS.fast);
		const native = presetChoice('fast', pgDump18);
		expect(native).toEqual({ format: 'custom', compression: 1, compressionMethod: 'pgZstd' });
		expect(presetOf(native)).toBe('fast');
		expect(presetChoice('standard', pgDump18)).toEqual(PRESETS.standard);
	});

	it('say which version is needed and which one the connection uses', () => {
		expect(tooOld(pgDump15, 16)).toBe('needs pg_dump 16+ (this connection uses 15.18)');
		expect(tooOld(pgDump15, 15)).toBeNull();
		expect(tooOld(tool('pg_restore', 140011), 15)).toBe(
			'needs pg_restore 15+ (this connection uses 14.11)'
		);
		// Not known yet: the control stays on, the backend checks.
		expect(tooOld(null, 18)).toBeNull();
	});

	it("offer pg_dump's zstd and lz4 from 16 on, when the build has them", () => {
		expect(whyNoMethod('gzip', pgDump15)).toBeNull();
		expect(whyNoMethod('zstd', pgDump15)).toBeNull();
		expect(whyNoMethod('pgZstd', pgDump15)).toBe('needs pg_dump 16+ (this connection uses 15.18)');
		expect(whyNoMethod('pgZstd', pgDump16NoLz4)).toBeNull();
		expect(whyNoMethod('lz4', pgDump16NoLz4)).toBe('this pg_dump (16.4) was built without lz4');
		expect(whyNoMethod('lz4', pgDump18)).toBeNull();
		expect(whyNoMethod('lz4', null)).toBeNull();
	});

	it('turn off what an older pg_dump lacks, and its own compression back to gzip', () => {
		const asked = {
			...defaultBackupOptions('c', '/b/shop.backup'),
			compressionMethod: 'lz4' as const,
			compression: 12,
			noToastCompression: true,
			noTableAccessMethod: true,
			includeChildTables: true,
			noPolicies: true,
			sequenceData: true,
			statistics: 'include' as const
		};
		expect(fitBackupTool(asked, pgDump15)).toEqual({
			...asked,
			compressionMethod: 'gzip',
			compression: 9,
			includeChildTables: false,
			noPolicies: false,
			sequenceData: false,
			statistics: 'default'
		});
		expect(fitBackupTool(asked, pgDump16NoLz4)).toMatchObject({
			compressionMethod: 'gzip',
			includeChildTables: true,
			noPolicies: false
		});
		expect(fitBackupTool(asked, pgDump18)).toEqual(asked);
	});

	it('turn off what an older pg_restore lacks', () => {
		const asked = {
			...defaultRestoreOptions('c', '/b/shop.backup'),
			noTableAccessMethod: true,
			noPolicies: true,
			noStatistics: true,
			noComments: true
		};
		expect(fitRestoreTool(asked, tool('pg_restore', 150018))).toEqual({
			...asked,
			noPolicies: false,
			noStatistics: false
		});
		expect(fitRestoreTool(asked, tool('pg_restore', 140011))).toMatchObject({
			noTableAccessMethod: false,
			noComments: true
		});
	});
});
