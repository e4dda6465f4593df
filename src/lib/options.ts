// Option defaults (the design seed's, as the Rust side has them) and presets.
import type {
	BackupFormat,
	BackupOptions,
	CompressionMethod,
	RestoreOptions
} from './ipc/bindings';

export function defaultBackupOptions(connectionId: string, outputPath = ''): BackupOptions {
	return {
		connectionId,
		outputPath,
		format: 'custom',
		compression: 6,
		compressionMethod: 'gzip',
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
	compressionMethod: CompressionMethod;
}

/** Measured on a 0.5 GB database (bench/): gzip 6 is what makes pg_dump slow;
 * zstd 1 on pg_dump's uncompressed stream is over 3× faster and a little smaller. */
export const PRESETS: Record<PresetName, Preset> = {
	fast: { format: 'custom', compression: 1, compressionMethod: 'zstd' },
	standard: { format: 'custom', compression: 6, compressionMethod: 'gzip' }
};

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
