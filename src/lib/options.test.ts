import { describe, expect, it } from 'vitest';
import {
	defaultBackupOptions,
	defaultRestoreOptions,
	presetOf,
	plainScriptOptions,
	PRESETS,
	restoreChoices,
	switchCompression,
	switchEncryption,
	switchFormat,
	switchMethod,
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

	it('restores into the new database or swaps as it did', () => {
		const created = { ...recorded, createDatabase: true, targetDatabase: 'shop_copy' };
		expect(restoreChoices(created)).toMatchObject({ target: 'new', newName: 'shop_copy' });
		expect(restoreChoices({ ...recorded, swap: true }).target).toBe('swap');
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
			allowScriptCommands: true
		};
		expect(plainScriptOptions(asked)).toEqual({
			...asked,
			clean: false,
			noOwner: false,
			noPrivileges: false,
			disableTriggers: false,
			extraArgs: [],
			tables: null,
			jobs: 1
		});
	});
});
