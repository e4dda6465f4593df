import { describe, expect, it } from 'vitest';
import { defaultBackupOptions, defaultRestoreOptions, presetOf, PRESETS } from './options';

describe('defaults', () => {
	it('match the design seed', () => {
		const b = defaultBackupOptions('c1');
		expect(b).toMatchObject({
			format: 'custom',
			compression: 6,
			includeSchema: true,
			includeData: true,
			includePrivileges: true,
			includeOwnership: true,
			jobs: 4,
			lockWaitTimeout: 30,
			verbose: true,
			ifExists: false
		});
		const r = defaultRestoreOptions('c1');
		expect(r).toMatchObject({
			ifExists: true,
			exitOnError: true,
			singleTransaction: true,
			jobs: 1,
			clean: false
		});
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
