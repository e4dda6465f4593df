// Option defaults (the design seed's, as the Rust side has them) and presets.
import type { BackupFormat, BackupOptions, RestoreOptions } from './ipc/bindings';

export function defaultBackupOptions(connectionId: string, outputPath = ''): BackupOptions {
	return {
		connectionId,
		outputPath,
		format: 'custom',
		compression: 6,
		includeSchema: true,
		includeData: true,
		includePrivileges: true,
		includeOwnership: true,
		schemas: null,
		tables: null,
		excludeTables: [],
		excludeTableData: [],
		jobs: 4,
		lockWaitTimeout: 30,
		noSync: false,
		encoding: null,
		extraArgs: [],
		sections: [],
		blobs: null,
		insertMode: 'copy',
		rowsPerInsert: null,
		onConflictDoNothing: false,
		create: false,
		clean: false,
		ifExists: false,
		noComments: false,
		noPublications: false,
		noSubscriptions: false,
		noSecurityLabels: false,
		noTablespaces: false,
		noUnloggedTableData: false,
		loadViaPartitionRoot: false,
		role: null,
		verbose: true,
		overwrite: false
	};
}

export function defaultRestoreOptions(connectionId: string, inputPath = ''): RestoreOptions {
	return {
		connectionId,
		inputPath,
		targetDatabase: null,
		createDatabase: false,
		schemaOnly: false,
		dataOnly: false,
		schemas: null,
		tables: null,
		clean: false,
		ifExists: true,
		noOwner: false,
		noPrivileges: false,
		exitOnError: true,
		singleTransaction: true,
		jobs: 1,
		disableTriggers: false,
		extraArgs: [],
		tocEntries: null,
		role: null,
		verbose: true,
		safetyBackup: true,
		ignoreChecksum: false,
		swap: false
	};
}

export type PresetName = 'fast' | 'standard';

export interface Preset {
	format: BackupFormat;
	compression: number;
	jobs: number;
}

/** Measured on a 0.5 GB database (bench/): gzip 6 is what makes pg_dump slow. */
export const PRESETS: Record<PresetName, Preset> = {
	fast: { format: 'directory', compression: 1, jobs: 2 },
	standard: { format: 'custom', compression: 6, jobs: 4 }
};

/** Which preset the options match, or `null` once changed by hand. */
export function presetOf(
	options: Pick<BackupOptions, 'format' | 'compression' | 'jobs'>
): PresetName | null {
	for (const [name, p] of Object.entries(PRESETS) as [PresetName, Preset][]) {
		const jobsMatter = p.format === 'directory';
		if (
			options.format === p.format &&
			options.compression === p.compression &&
			(!jobsMatter || options.jobs === p.jobs)
		)
			return name;
	}
	return null;
}
