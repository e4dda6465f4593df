import { expect, test, type Page } from '@playwright/test';
import type { BackupRecord } from '../../src/lib/ipc/bindings';
import { backups, LOOKS, mock, openApp, page as backupPage, type Setup } from './fixtures';

/** The backups with the tables and rows counted after each (the failed one has none). */
const counted: BackupRecord[] = backups.map((b) =>
	b.id === 'nightly-0600'
		? { ...b, rows: { tables: 8, rows: 14_249_170 } }
		: b.id === 'manual-1'
			? { ...b, rows: { tables: 3, rows: 1_250 } }
			: b.id === 'pre-restore-1'
				? { ...b, rows: { tables: 1, rows: 1 } }
				: b
);

const csvPath = '/home/alex/tusk-history-2025-03-14.csv';

async function openHistory(page: Page, setup: Setup = {}) {
	await openApp(page, {
		...setup,
		replies: {
			list_backups: { ok: backupPage(counted) },
			'plugin:dialog|save': { ok: csvPath },
			export_history: { ok: 42 },
			...setup.replies
		}
	});
	const history = page.getByTestId('history');
	await expect(history.getByTestId('history-row')).toHaveCount(counted.length);
	return history;
}

const meta = (page: Page, n: number) =>
	page.getByTestId('history').getByTestId('history-row').nth(n).locator('.meta');

test.describe('tables and rows in the history', () => {
	test('are shown beside the size, with thousands separated and singulars', async ({ page }) => {
		await openHistory(page);
		await expect(meta(page, 0)).toContainText(/712 MB ·\s*8 tables ·\s*14,249,170 rows ·\s*7.4 s/);
		await expect(meta(page, 1)).toContainText(/3 tables ·\s*1,250 rows/);
		await expect(meta(page, 3)).toContainText(/1 table ·\s*1 row ·/);
	});

	test('are left out when they were not counted', async ({ page }) => {
		await openHistory(page);
		await expect(meta(page, 2)).not.toContainText('table');
		await expect(meta(page, 4)).not.toContainText('rows');
	});
});

test.describe('history export', () => {
	test('sends what the history shows, its filter and search, to a CSV file', async ({ page }) => {
		const history = await openHistory(page);
		const m = mock(page);
		await history.getByRole('button', { name: 'Completed', exact: true }).click();
		await history.getByRole('searchbox').fill('release');
		await history.getByRole('searchbox').press('Enter');
		await expect
			.poll(async () => (await m.calls('list_backups')).at(-1)?.args.query)
			.toMatchObject({ search: 'release' });
		await history.getByRole('button', { name: 'Export…' }).click();
		await expect(history.getByRole('status')).toContainText(`Exported 42 backups to ${csvPath}.`);

		const [dialog] = await m.calls('plugin:dialog|save');
		expect(dialog.args.options).toMatchObject({
			defaultPath: '/home/alex/tusk-history-2025-03-14.csv',
			filters: [
				{ name: 'CSV (spreadsheets)', extensions: ['csv'] },
				{ name: 'JSON', extensions: ['json'] }
			]
		});
		const [call] = await m.calls('export_history');
		expect(call.args).toEqual({
			query: {
				connectionId: 'prod',
				connectionName: null,
				database: null,
				scheduleId: null,
				statuses: ['completed', 'completedWithWarnings'],
				search: 'release',
				limit: 8,
				offset: 0
			},
			format: 'csv',
			path: csvPath
		});
	});

	test('writes JSON to a .json file, and every connection’s backups when asked', async ({
		page
	}) => {
		const history = await openHistory(page, {
			replies: {
				'plugin:dialog|save': { ok: '/home/alex/history.JSON' },
				export_history: { ok: 1 }
			}
		});
		await history.getByRole('checkbox', { name: 'All connections' }).check();
		await history.getByRole('button', { name: 'Export…' }).click();
		await expect(history.getByRole('status')).toContainText(
			'Exported 1 backup to /home/alex/history.JSON.'
		);
		const [call] = await mock(page).calls('export_history');
		expect(call.args).toMatchObject({
			query: { connectionId: null, statuses: [], search: null },
			format: 'json'
		});
	});

	test('nothing is written when the dialog is cancelled', async ({ page }) => {
		const history = await openHistory(page, { replies: { 'plugin:dialog|save': { ok: null } } });
		await history.getByRole('button', { name: 'Export…' }).click();
		await expect(history.getByRole('button', { name: 'Export…' })).toBeEnabled();
		expect(await mock(page).calls('export_history')).toEqual([]);
		await expect(history.getByRole('status')).toHaveCount(0);
	});

	test('the backend’s refusal is shown', async ({ page }) => {
		const history = await openHistory(page, {
			replies: {
				export_history: {
					err: {
						kind: 'io',
						message: 'could not write /home/alex/tusk-history-2025-03-14.csv: permission denied',
						detail: null
					}
				}
			}
		});
		await history.getByRole('button', { name: 'Export…' }).click();
		await expect(history.getByRole('alert')).toContainText(
			'The history was not exported: could not write /home/alex/tusk-history-2025-03-14.csv: permission denied'
		);
	});

	for (const [name, setup] of LOOKS) {
		test(`the history with rows and the export said, ${name}`, async ({ page }) => {
			const history = await openHistory(page, setup);
			await history.getByRole('button', { name: 'Export…' }).click();
			await expect(history.getByRole('status')).toBeVisible();
			await history.evaluate((el) => el.scrollIntoView({ block: 'start' }));
			await expect(page).toHaveScreenshot(`history-${name}.png`);
		});
	}
});
