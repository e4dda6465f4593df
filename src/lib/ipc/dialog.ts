// Native file pickers.
import { homeDir } from '@tauri-apps/api/path';
import { open, save } from '@tauri-apps/plugin-dialog';
import type { BackupFormat } from './bindings';

const FILTERS: Record<BackupFormat, { name: string; extensions: string[] }[]> = {
	// `.zst`: a custom archive compressed with zstd (the Fast preset).
	custom: [{ name: 'PostgreSQL custom archive', extensions: ['backup', 'dump', 'zst'] }],
	plain: [{ name: 'SQL script', extensions: ['sql', 'gz'] }],
	tar: [{ name: 'Tar archive', extensions: ['tar'] }],
	directory: []
};

/** Where to write a backup: a file, or a (new) folder for the directory format. */
export async function chooseBackupTarget(
	format: BackupFormat,
	defaultPath: string
): Promise<string | null> {
	if (format === 'directory') {
		// A folder picker cannot name a new folder, so the save dialog names it.
		return save({ title: 'Backup folder to create', defaultPath });
	}
	return save({ title: 'Save backup as', defaultPath, filters: FILTERS[format] });
}

/** A backup to restore: an archive or SQL file, or a directory-format folder. */
export async function chooseBackupSource(kind: 'file' | 'folder'): Promise<string | null> {
	const picked = await open({
		title: kind === 'file' ? 'Choose a backup file' : 'Choose a directory-format backup',
		multiple: false,
		directory: kind === 'folder',
		filters:
			kind === 'file'
				? [
						{ name: 'Backups', extensions: ['backup', 'dump', 'zst', 'sql', 'gz', 'tar'] },
						{ name: 'All files', extensions: ['*'] }
					]
				: undefined
	});
	return typeof picked === 'string' ? picked : null;
}

const FOLDER_KEY = 'tusk.backupFolder';

/** The folder a new backup goes to: the last one used, else the home folder. */
export async function defaultBackupFolder(): Promise<string> {
	const remembered = localStorage.getItem(FOLDER_KEY);
	if (remembered) return remembered;
	try {
		const home = await homeDir();
		const sep = home.includes('\\') ? '\\' : '/';
		return home.endsWith(sep) ? home : home + sep;
	} catch {
		return '';
	}
}

export function rememberBackupFolder(folder: string): void {
	if (folder) localStorage.setItem(FOLDER_KEY, folder);
}

/** Where to export the history: a CSV or a JSON file. */
export function chooseHistoryExport(defaultPath: string): Promise<string | null> {
	return save({
		title: 'Export the history',
		defaultPath,
		filters: [
			{ name: 'CSV (spreadsheets)', extensions: ['csv'] },
			{ name: 'JSON', extensions: ['json'] }
		]
	});
}

/** A folder (to copy a backup to, or for a schedule's backups). */
export async function chooseFolder(title: string): Promise<string | null> {
	const picked = await open({ title, directory: true, multiple: false });
	return typeof picked === 'string' ? picked : null;
}

/** A CA certificate (a PEM file) to trust besides the system's. */
export async function chooseCertificate(): Promise<string | null> {
	const picked = await open({
		title: 'Choose the CA certificate (PEM)',
		multiple: false,
		filters: [
			{ name: 'Certificates', extensions: ['pem', 'crt', 'cer'] },
			{ name: 'All files', extensions: ['*'] }
		]
	});
	return typeof picked === 'string' ? picked : null;
}
