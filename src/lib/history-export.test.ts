import { describe, expect, it } from 'vitest';
import { defaultExportName, exportedText, exportFormatOf } from './history-export';

describe('history export', () => {
	it('is named after the day, in local time', () => {
		expect(defaultExportName(new Date(2025, 2, 4, 23, 59))).toBe('tusk-history-2025-03-04.csv');
	});

	it('takes its format from the extension', () => {
		expect(exportFormatOf('/home/alex/history.json')).toBe('json');
		expect(exportFormatOf('C:\\Users\\alex\\HISTORY.JSON')).toBe('json');
		expect(exportFormatOf('/home/alex/history.csv')).toBe('csv');
		expect(exportFormatOf('/home/alex/history')).toBe('csv');
		expect(exportFormatOf('/home/alex/json/history.txt')).toBe('csv');
	});

	it('says how many were written, and where', () => {
		expect(exportedText(42, '/tmp/h.csv')).toBe('Exported 42 backups to /tmp/h.csv.');
		expect(exportedText(1, '/tmp/h.json')).toBe('Exported 1 backup to /tmp/h.json.');
		expect(exportedText(1250, '/tmp/h.csv')).toBe('Exported 1,250 backups to /tmp/h.csv.');
	});
});
