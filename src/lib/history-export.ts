// The history exported to a file: its default name, the format its extension asks for and
// what is said once it is written. Pure functions, unit tested.
import type { ExportFormat } from './ipc/bindings';
import { plural } from './format';

const pad = (n: number) => String(n).padStart(2, '0');

/** `tusk-history-2025-03-14.csv`, dated in local time. */
export function defaultExportName(at: Date): string {
	return `tusk-history-${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}.csv`;
}

/** JSON for a `.json` file, CSV for anything else. */
export function exportFormatOf(path: string): ExportFormat {
	return /\.json$/i.test(path) ? 'json' : 'csv';
}

/** "Exported 42 backups to /home/alex/tusk-history-2025-03-14.csv." */
export function exportedText(count: number, path: string): string {
	return `Exported ${plural(count, 'backup')} to ${path}.`;
}
