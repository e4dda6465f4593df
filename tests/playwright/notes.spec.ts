// A backup's name and note: set in the Backup dialog (with the connection's backups so far
// above it), shown in the history under each name and found by the history's search.
import { expect, test, type Page } from '@playwright/test';
import type { BackupRecord, ServerBackupPlan } from '../../src/lib/ipc/bindings';
import {
	backups,
	mock,
	NOW,
	openApp,
	page as backupPage,
	plan,
	record,
	scrollToTop,
	server,
	tool,
	type Setup
} from './fixtures';

const GB = 1024 ** 3;
const started = {
	ok: { jobId: '', jobType: 'backup', command: plan().command },
	withJobId: true
} as const;

/** Roles and tablespaces only: what the backend plans for them. */
const globalsPlan: ServerBackupPlan = {
	command:
		'pg_dumpall -w -h db.example.com -p 5432 -U app -l postgres --globals-only -f /home/alex/Production_roles_2025-03-14_0926.sql',
	server,
	pgDump: { tool: tool('pg_dumpall', 150018), reason: 'same major version as the server (15)' },
	pgDumpall: { tool: tool('pg_dumpall', 150018), reason: 'same major version as the server (15)' },
	databases: [],
	estimatedBytes: 0,
	warnings: []
};

/** Production's last good backup two hours ago, of 14 taking 3.2 GB. */
const lastGood = {
	...backupPage([record({ id: 'last', name: 'Before release 2.3', startedAt: hoursAgo(2) })], 14),
	totalBytes: 3.2 * GB
};

function hoursAgo(hours: number): string {
	return new Date(NOW.getTime() - hours * 3_600_000).toISOString();
}

async function openBackup(page: Page, setup: Setup = {}) {
	await openApp(page, { ...setup, replies: { create_backup: started, ...setup.replies } });
	await page.getByRole('button', { name: 'Backup…' }).click();
	const dialog = page.getByTestId('backup-dialog');
	await expect(dialog.getByText(/^Ready:/)).toBeVisible();
	return dialog;
}

test.describe('name and note in the Backup dialog', () => {
	test('are sent, trimmed, with the backup', async ({ page }) => {
		const dialog = await openBackup(page);
		const name = dialog.getByLabel('Name in the history');
		await expect(name).toHaveAttribute('placeholder', 'shop 2025-03-14 09:26');
		await expect(name).toHaveAttribute('maxlength', '200');
		await expect(dialog.getByLabel('Note')).toHaveAttribute('maxlength', '2000');
		await name.fill('  Before release 2.3 ');
		await dialog.getByLabel('Note').fill('Orders table migrated to the new schema.\nKeep a week.');
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await mock(page).calls('create_backup');
		expect(call.args.notes).toEqual({
			name: 'Before release 2.3',
			description: 'Orders table migrated to the new schema.\nKeep a week.'
		});
	});

	test('left empty, the backend names it', async ({ page }) => {
		const dialog = await openBackup(page);
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await mock(page).calls('create_backup');
		expect(call.args.notes).toEqual({ name: null, description: null });
	});

	test('go with a roles and tablespaces backup too', async ({ page }) => {
		const dialog = await openBackup(page, {
			replies: { preview_server_backup: { ok: globalsPlan } }
		});
		await dialog
			.getByRole('radio', { name: /Roles and tablespaces/ })
			.first()
			.check();
		const name = dialog.getByLabel('Name in the history');
		await expect(name).toHaveAttribute(
			'placeholder',
			'roles and tablespaces Production 2025-03-14 09:26'
		);
		await dialog.getByRole('radio', { name: /The whole server/ }).check();
		await expect(name).toHaveAttribute('placeholder', 'whole server Production 2025-03-14 09:26');
		await dialog
			.getByRole('radio', { name: /Roles and tablespaces/ })
			.first()
			.check();
		await dialog.getByLabel('Note').fill('Roles before the upgrade to 17');
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await mock(page).calls('create_backup');
		expect(call.args.options).toMatchObject({ scope: 'globals' });
		expect(call.args.notes).toEqual({ name: null, description: 'Roles before the upgrade to 17' });
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`filled, with the connection's backups above, ${theme}`, async ({ page }) => {
			const dialog = await openBackup(page, { theme, replies: { list_backups: { ok: lastGood } } });
			await dialog.getByLabel('Name in the history').fill('Before release 2.3');
			await dialog.getByLabel('Note').fill('Orders table migrated to the new schema. Keep a week.');
			await expect(dialog.getByTestId('connection-backups')).toHaveText(
				'Last backup 2 h ago · 14 backups · 3.20 GB'
			);
			await expect(page).toHaveScreenshot(`backup-dialog-${theme}.png`);
		});
	}

	test('at 800×600', async ({ page }) => {
		const dialog = await openBackup(page, {
			viewport: { width: 800, height: 600 },
			replies: { list_backups: { ok: lastGood } }
		});
		await dialog.getByLabel('Note').fill('Orders table migrated to the new schema. Keep a week.');
		await expect(dialog.getByTestId('connection-backups')).toContainText('14 backups');
		await scrollToTop(dialog.getByLabel('Output file'));
		const body = dialog.locator('.modal-body');
		expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
		await expect(page).toHaveScreenshot('backup-dialog-800x600.png');
	});
});

test.describe("the connection's backups in the Backup dialog", () => {
	test('the last good one, how many and their size', async ({ page }) => {
		const dialog = await openBackup(page, { replies: { list_backups: { ok: lastGood } } });
		const line = dialog.getByTestId('connection-backups');
		await expect(line).toHaveText('Last backup 2 h ago · 14 backups · 3.20 GB');
		await expect(line).toHaveAttribute('title', 'Last: Before release 2.3, 2025-03-14 07:26');
		const queries = (await mock(page).calls('list_backups')).map((c) => c.args.query);
		expect(queries).toContainEqual(
			expect.objectContaining({
				connectionId: 'prod',
				statuses: ['completed', 'completedWithWarnings'],
				search: null,
				limit: 1,
				offset: 0
			})
		);
	});

	test('none yet', async ({ page }) => {
		const dialog = await openBackup(page, { replies: { list_backups: { ok: backupPage([]) } } });
		await expect(dialog.getByTestId('connection-backups')).toHaveText(
			'No backup of this connection yet'
		);
	});

	test('an unreadable history leaves the dialog working', async ({ page }) => {
		const dialog = await openBackup(page, {
			replies: {
				list_backups: {
					err: { kind: 'catalog', message: 'the catalog is locked by another Tusk', detail: null }
				}
			}
		});
		await expect(dialog.getByTestId('connection-backups')).toHaveText(
			'This connection’s backups could not be counted: the catalog is locked by another Tusk'
		);
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		expect(await mock(page).calls('create_backup')).toHaveLength(1);
	});
});

test.describe('notes and search in the history', () => {
	const noted: BackupRecord[] = backups.map((b) =>
		b.id === 'manual-1'
			? {
					...b,
					description:
						'Taken before release 2.3 moved the orders table to the new billing schema; keep it until the migration has run for a week without complaint from the shop team.'
				}
			: b.id === 'nightly-0600'
				? { ...b, description: 'Nightly, kept for 14 days; the first one after release 2.3.' }
				: b
	);

	async function openHistory(page: Page, setup: Setup = {}) {
		await openApp(page, {
			...setup,
			replies: { list_backups: { ok: backupPage(noted) }, ...setup.replies }
		});
		const history = page.getByTestId('history');
		await expect(history.getByTestId('history-row')).toHaveCount(noted.length);
		return history;
	}

	const lastQuery = async (page: Page) =>
		(await mock(page).calls('list_backups')).at(-1)?.args.query;

	test('a note is shown under its backup’s name, all of it on hover', async ({ page }) => {
		const history = await openHistory(page);
		const note = history.getByTestId('history-row').nth(1).locator('.note');
		await expect(note).toHaveAttribute('title', noted[1].description!);
		await expect(history.getByTestId('history-row').nth(2).locator('.note')).toHaveCount(0);
	});

	test('the search is sent with the outcome filter, from the first page', async ({ page }) => {
		const history = await openHistory(page);
		await history.getByRole('button', { name: 'Completed', exact: true }).click();
		const search = history.getByRole('searchbox', { name: /Search the history/ });
		await search.pressSequentially('  Release ');
		await expect
			.poll(() => lastQuery(page))
			.toMatchObject({
				search: 'Release',
				statuses: ['completed', 'completedWithWarnings'],
				connectionId: 'prod',
				offset: 0
			});
		const searches = (await mock(page).calls('list_backups')).filter((c) => {
			const q = c.args.query as { search: string | null };
			return q.search !== null;
		});
		// Typing rests before the history is asked: not one request per key.
		expect(searches.length).toBeLessThan('  Release '.length);
		await history.getByRole('button', { name: 'Clear the search' }).click();
		await expect(search).toHaveValue('');
		await expect(search).toBeFocused();
		await expect.poll(() => lastQuery(page)).toMatchObject({ search: null });
	});

	test('no match says so, apart from an empty history', async ({ page }) => {
		const history = await openHistory(page);
		await mock(page).reply('list_backups', { ok: backupPage([]) });
		await history.getByRole('searchbox', { name: /Search the history/ }).fill('zürich');
		await expect(history.getByTestId('history-empty')).toHaveText('No backup matches “zürich”.');
		await expect.poll(() => lastQuery(page)).toMatchObject({ search: 'zürich' });
		await history.getByRole('searchbox').press('Escape');
		await expect(history.getByTestId('history-empty')).toHaveText(/^No backups yet\./);
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`a search with notes, ${theme}`, async ({ page }) => {
			const history = await openHistory(page, { theme });
			await mock(page).reply('list_backups', { ok: backupPage(noted.slice(0, 2)) });
			await history.getByRole('searchbox').fill('release');
			await expect(history.getByTestId('history-row')).toHaveCount(2);
			await expect.poll(() => lastQuery(page)).toMatchObject({ search: 'release' });
			await history.scrollIntoViewIfNeeded();
			await expect(history).toHaveScreenshot(`history-search-${theme}.png`);
		});
	}

	test('at 800×600 the search has a line of its own', async ({ page }) => {
		const history = await openHistory(page, { viewport: { width: 800, height: 600 } });
		await mock(page).reply('list_backups', { ok: backupPage(noted.slice(0, 2)) });
		await history.getByRole('searchbox').fill('release');
		await expect(history.getByTestId('history-row')).toHaveCount(2);
		await history.scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('history-search-800x600.png');
	});
});
