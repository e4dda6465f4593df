import { expect, test, type Page } from '@playwright/test';
import {
	backupPath,
	cleanPreflight,
	info,
	mock,
	openApp,
	preflight,
	progress,
	restoreFailed,
	restoreLog,
	record,
	restorePlan,
	unlabelledControls,
	verifiedPassed,
	type Setup
} from './fixtures';

const started = {
	ok: { jobId: '', jobType: 'restore', command: preflight().command },
	withJobId: true
} as const;

async function openRestore(page: Page, setup: Setup = {}) {
	await openApp(page, {
		...setup,
		replies: {
			'plugin:dialog|open': { ok: backupPath },
			get_backup_info: { ok: info },
			preflight_restore: { ok: restorePlan(preflight()) },
			restore_backup: started,
			...setup.replies
		}
	});
	await page.getByRole('button', { name: 'Restore…', exact: true }).click();
	const dialog = page.getByTestId('restore-dialog');
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: 'Choose file…' }).click();
	await expect(dialog.getByTestId('backup-info')).toBeVisible();
	await expect(dialog.getByTestId('preflight')).toBeVisible();
	return dialog;
}

async function cleanAndConfirm(page: Page, setup: Setup = {}) {
	const dialog = await openRestore(page, setup);
	await mock(page).reply('preflight_restore', {
		ok: restorePlan(cleanPreflight, {
			safetyBackup:
				'/home/alex/.local/share/tusk/safety-backups/shop_2025-03-14_092600_pre-restore.backup',
			safetyReason: 'clean drops objects in "shop"',
			catalogBackup: record({ id: 'restored', path: backupPath, verification: verifiedPassed }),
			checksChecksum: true
		})
	});
	await dialog.getByRole('checkbox', { name: 'Clean: drop objects first' }).check();
	await expect(dialog.getByTestId('clean-warning')).toBeVisible();
	await expect(dialog.getByText('Clean will drop 9 objects')).toBeVisible();
	return dialog;
}

async function startRunning(page: Page, setup: Setup = {}) {
	const dialog = await openRestore(page, setup);
	await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
	const m = mock(page);
	const jobId = await m.lastJobId('restore_backup');
	await m.emit(`job:log:${jobId}`, restoreLog);
	await m.emit(
		`restore:progress:${jobId}`,
		progress(38.2, { currentObject: 'public.audit_log', bytesWritten: 281 * 1024 * 1024 })
	);
	await expect(dialog.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '38');
	return { dialog, jobId, m };
}

test.describe('restore dialog', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`backup info card, ${theme}`, async ({ page }) => {
			const dialog = await openRestore(page, { theme });
			await expect(dialog.getByTestId('backup-info')).toContainText('734 MB');
			await expect(dialog.getByTestId('backup-info')).toContainText('14 functions');
			await expect(page).toHaveScreenshot(`info-${theme}.png`);
		});
	}

	test('restores the ticked tables into a new database', async ({ page }) => {
		const dialog = await openRestore(page);
		await dialog.getByRole('button', { name: 'Select none' }).click();
		await dialog.getByRole('checkbox', { name: 'public.orders', exact: true }).check();
		await dialog.getByRole('radio', { name: 'A new database on this server' }).check();
		await dialog.getByLabel('New database name').fill('shop_copy');
		await mock(page).reply('preflight_restore', {
			ok: restorePlan(preflight({ targetDatabase: 'shop_copy', createsDatabase: true }))
		});
		await expect(dialog.getByTestId('preflight')).toContainText('will be created');
		await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
		const [call] = await mock(page).calls('restore_backup');
		expect(call.args.options).toMatchObject({
			connectionId: 'prod',
			inputPath: backupPath,
			tables: ['public.orders'],
			targetDatabase: 'shop_copy',
			createDatabase: true,
			singleTransaction: true,
			exitOnError: true,
			jobs: 1
		});
	});

	test('every control is labelled', async ({ page }) => {
		const dialog = await openRestore(page);
		await dialog.getByText('More options').click();
		await dialog.getByRole('radio', { name: 'A new database on this server' }).check();
		expect(await unlabelledControls(page, 'restore-dialog')).toEqual([]);
	});

	test('parallel jobs turn single transaction off, with a hint', async ({ page }) => {
		const dialog = await openRestore(page);
		await dialog.getByRole('spinbutton', { name: 'Parallel jobs' }).fill('4');
		await expect(dialog.getByRole('checkbox', { name: /Single transaction/ })).not.toBeChecked();
		await expect(dialog.getByText(/Single transaction turned off/)).toBeVisible();
		await dialog.getByRole('checkbox', { name: /Single transaction/ }).check();
		await expect(dialog.getByRole('spinbutton', { name: 'Parallel jobs' })).toHaveValue('1');
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`clean warning, pre-flight and typed confirmation, ${theme}`, async ({ page }) => {
			const dialog = await cleanAndConfirm(page, { theme });
			const restore = dialog.getByRole('button', { name: 'Restore and replace' });
			await expect(restore).toBeDisabled();
			await dialog
				.getByTestId('confirm-input')
				.evaluate((el) => el.scrollIntoView({ block: 'end' }));
			await expect(page).toHaveScreenshot(`clean-preflight-${theme}.png`);
			await dialog.getByTestId('confirm-input').fill('sho');
			await expect(restore).toBeDisabled();
			await dialog.getByTestId('confirm-input').fill('shop');
			await expect(restore).toBeEnabled();
		});
	}

	test('clean warning at 800×600', async ({ page }) => {
		const dialog = await cleanAndConfirm(page, { viewport: { width: 800, height: 600 } });
		await dialog.getByTestId('clean-warning').scrollIntoViewIfNeeded();
		await expect(dialog.getByRole('button', { name: 'Restore and replace' })).toBeInViewport();
		await expect(page).toHaveScreenshot('clean-800x600.png');
	});

	test('running', async ({ page }) => {
		const { dialog } = await startRunning(page);
		await expect(dialog.getByRole('log')).toContainText('processing data for table');
		await expect(page).toHaveScreenshot('running.png');
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`errors grouped by object, ${theme}`, async ({ page }) => {
			const { dialog, jobId, m } = await startRunning(page, { theme });
			// pg_restore's exit code 1 with "errors ignored" is a warning; stopping at one is a failure.
			const ended =
				theme === 'light'
					? restoreFailed
					: {
							...restoreFailed,
							status: 'failed',
							error: {
								kind: 'alreadyExists',
								summary: 'Objects of the backup already exist in shop.',
								hint: 'Turn on Clean to replace them, or restore into a new database.'
							}
						};
			await m.emit(`restore:finished:${jobId}`, { ...ended, jobId });
			await expect(
				dialog.getByText(theme === 'light' ? 'Restore completed with warnings' : 'Restore failed')
			).toBeVisible();
			await expect(
				dialog.getByText('Role “reporting_ro” does not exist on this server')
			).toBeVisible();
			await expect(dialog.getByText('“orders” already exists in the target')).toBeVisible();
			await dialog.getByText('Statements and messages').first().click();
			await expect(page).toHaveScreenshot(`errors-${theme}.png`);
		});
	}

	test('a file that is not a backup says so', async ({ page }) => {
		await openApp(page, {
			replies: {
				'plugin:dialog|open': { ok: '/home/alex/notes.txt' },
				get_backup_info: {
					err: {
						kind: 'archive',
						message:
							'/home/alex/notes.txt is not a PostgreSQL backup: it starts with neither PGDMP, a tar header, nor SQL',
						detail: null
					}
				}
			}
		});
		await page.getByRole('button', { name: 'Restore…', exact: true }).click();
		const dialog = page.getByTestId('restore-dialog');
		await dialog.getByRole('button', { name: 'Choose file…' }).click();
		await expect(dialog.getByRole('alert')).toContainText('not a PostgreSQL backup');
		await expect(dialog.getByRole('button', { name: 'Restore', exact: true })).toBeDisabled();
	});

	test('replacing all at once restores into a new database and swaps it in', async ({ page }) => {
		const dialog = await openRestore(page);
		await mock(page).reply('preflight_restore', {
			ok: restorePlan(preflight({ targetDatabase: 'shop__tusk_1a2b3c4d', createsDatabase: true }), {
				swapTarget: 'shop',
				swapTempDatabase: 'shop__tusk_1a2b3c4d',
				swapKeepAs: 'shop_before_20250314_092600'
			})
		});
		await dialog.getByRole('radio', { name: /Replace shop all at once/ }).check();
		await expect(
			dialog.getByRole('checkbox', { name: 'Clean: drop objects first' })
		).toBeDisabled();
		await expect(dialog.getByTestId('safety')).toContainText('shop_before_20250314_092600');
		const start = dialog.getByRole('button', { name: 'Restore and replace' });
		await expect(start).toBeDisabled();
		await dialog.getByTestId('confirm-input').fill('shop');
		await expect(start).toBeEnabled();
		await expect(page).toHaveScreenshot('swap.png');
		await start.click();
		const sent = (await mock(page).calls('restore_backup')).at(-1)!.args.options as Record<
			string,
			unknown
		>;
		expect(sent).toMatchObject({ swap: true, clean: false, createDatabase: false });
	});

	test('a typed confirmation is for one target only', async ({ page }) => {
		const dialog = await cleanAndConfirm(page);
		const start = dialog.getByRole('button', { name: 'Restore and replace' });
		await dialog.getByTestId('confirm-input').fill('shop');
		await expect(start).toBeEnabled();
		// Staging's database has the same name: the confirmation does not carry over.
		await dialog.getByRole('radio', { name: 'Another connection' }).check();
		await dialog.getByRole('combobox', { name: 'Connection to restore into' }).selectOption({
			index: 1
		});
		await expect(dialog.getByTestId('confirm-input')).toHaveValue('');
		await expect(start).toBeDisabled();
	});

	test('a swap cannot be confirmed before the pre-flight names what it replaces', async ({
		page
	}) => {
		const dialog = await openRestore(page);
		await mock(page).reply('preflight_restore', {
			ok: restorePlan(preflight({ targetDatabase: 'shop__tusk_1a2b3c4d', createsDatabase: true }), {
				swapTarget: null,
				swapTempDatabase: 'shop__tusk_1a2b3c4d',
				swapKeepAs: 'shop_before_20250314_092600'
			})
		});
		await dialog.getByRole('radio', { name: /Replace shop all at once/ }).check();
		await expect(dialog.getByTestId('safety')).toContainText('shop_before_20250314_092600');
		const start = dialog.getByRole('button', { name: 'Restore and replace' });
		await expect(start).toBeDisabled();
		// The profile's name is not what the server would replace.
		await dialog.getByTestId('confirm-input').fill('shop');
		await expect(start).toBeDisabled();
	});

	test('back to options after a failed restore checks the target again', async ({ page }) => {
		const { dialog, jobId, m } = await startRunning(page);
		await m.emit(`restore:finished:${jobId}`, { ...restoreFailed, status: 'failed', jobId });
		await expect(dialog.getByText('Restore failed')).toBeVisible();
		const before = (await m.calls('preflight_restore')).length;
		await m.reply('preflight_restore', { ok: restorePlan(cleanPreflight) });
		await dialog.getByRole('button', { name: 'Back to options' }).click();
		// The half-restored target now has tables: asked again, confirmed again.
		await expect(dialog.getByTestId('confirm-input')).toBeVisible();
		expect((await m.calls('preflight_restore')).length).toBeGreaterThan(before);
		await expect(dialog.getByRole('button', { name: 'Restore and replace' })).toBeDisabled();
	});

	test('the safety backup can be turned off, and says what that costs', async ({ page }) => {
		const dialog = await cleanAndConfirm(page);
		const toggle = dialog.getByTestId('safety-toggle');
		await expect(toggle).toBeChecked();
		await toggle.uncheck();
		await expect(dialog.getByTestId('safety')).toContainText('cannot be brought back');
		await dialog.getByTestId('confirm-input').fill('shop');
		await dialog.getByRole('button', { name: 'Restore and replace' }).click();
		const sent = (await mock(page).calls('restore_backup')).at(-1)!.args.options as Record<
			string,
			unknown
		>;
		expect(sent).toMatchObject({ clean: true, safetyBackup: false });
	});
});
