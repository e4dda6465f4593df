import { expect, test, type Page } from '@playwright/test';
import {
	backupCompleted,
	backupFailed,
	connectionTools,
	destinationsView,
	dumpLog,
	mock,
	offsite,
	openApp,
	plan,
	progress,
	scrollToTop,
	unlabelledControls,
	type Setup
} from './fixtures';

const started = {
	ok: { jobId: '', jobType: 'backup', command: plan().command },
	withJobId: true
} as const;

async function openBackup(page: Page, setup: Setup = {}) {
	await openApp(page, { ...setup, replies: { create_backup: started, ...setup.replies } });
	await page.getByRole('button', { name: 'Backup…' }).click();
	const dialog = page.getByTestId('backup-dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog.getByText(/^Ready:/)).toBeVisible();
	return dialog;
}

async function startRunning(page: Page, setup: Setup = {}) {
	const dialog = await openBackup(page, setup);
	await dialog.getByRole('button', { name: 'Start backup' }).click();
	const m = mock(page);
	const jobId = await m.lastJobId('create_backup');
	await m.emit(`job:log:${jobId}`, dumpLog);
	await m.emit(`backup:progress:${jobId}`, progress(40.6));
	await expect(dialog.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '40');
	return { dialog, jobId, m };
}

test.describe('backup dialog', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`empty, ${theme}`, async ({ page }) => {
			const dialog = await openBackup(page, { theme });
			await expect(dialog.getByRole('radio', { name: /Standard/ })).toBeChecked();
			await expect(page).toHaveScreenshot(`empty-${theme}.png`);
		});
	}

	for (const viewport of [
		{ width: 800, height: 600 },
		{ width: 1600, height: 1000 }
	]) {
		test(`empty at ${viewport.width}×${viewport.height}`, async ({ page }) => {
			const dialog = await openBackup(page, { viewport });
			// The footer stays in view however tall the options grow.
			await dialog.locator('details.advanced > summary').click();
			// The advanced options' two columns fit: nothing to scroll sideways.
			const body = dialog.locator('.modal-body');
			expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
			await expect(dialog.getByRole('button', { name: 'Start backup' })).toBeInViewport();
			await expect(page).toHaveScreenshot(`empty-${viewport.width}x${viewport.height}.png`);
		});
	}

	test('sends the default options and the untick as exclusions', async ({ page }) => {
		const dialog = await openBackup(page);
		await dialog.getByRole('checkbox', { name: 'public.audit_log', exact: true }).uncheck();
		await dialog.getByRole('checkbox', { name: 'Include the rows of billing.payments' }).uncheck();
		await expect(dialog.getByTestId('scope-summary')).toContainText('7 tables');
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await mock(page).calls('create_backup');
		expect(call.args.options).toMatchObject({
			connectionId: 'prod',
			outputPath: '/home/alex/shop_2025-03-14_0926.backup',
			format: 'custom',
			compression: 6,
			jobs: 4,
			schemas: null,
			excludeTables: ['public.audit_log'],
			excludeTableData: ['billing.payments'],
			verbose: true
		});
	});

	test('filled: fast preset, a table left out, advanced options', async ({ page }) => {
		const dialog = await openBackup(page);
		const zstdCommand =
			'pg_dump --host=db.example.com --port=5432 --username=app --dbname=shop --format=custom --verbose --compress=0 --lock-wait-timeout=30s | zstd -1 > /home/alex/shop_2025-03-14_0926.backup.zst';
		await mock(page).reply('preview_backup', { ok: { ...plan(), command: zstdCommand } });
		await dialog.getByRole('radio', { name: /Fast/ }).check();
		await expect(dialog.getByLabel('Output file')).toHaveValue(
			'/home/alex/shop_2025-03-14_0926.backup.zst'
		);
		await dialog.getByRole('checkbox', { name: 'public.audit_log', exact: true }).uncheck();
		await dialog
			.getByRole('checkbox', { name: 'Include the rows of public.order_items' })
			.uncheck();
		await dialog.locator('details.advanced > summary').click();
		await expect(dialog.getByRole('slider', { name: /Compression/ })).toHaveValue('1');
		await expect(dialog.getByTestId('compression-method')).toHaveValue('zstd');
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await expect(page).toHaveScreenshot('filled-top.png');
		await dialog.getByRole('heading', { name: 'Command' }).scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('filled-bottom.png');
	});

	test('every control is labelled', async ({ page }) => {
		const dialog = await openBackup(page);
		await dialog.locator('details.advanced > summary').click();
		expect(await unlabelledControls(page, 'backup-dialog')).toEqual([]);
	});

	test('tar turns compression off; jobs only for directory', async ({ page }) => {
		const dialog = await openBackup(page);
		await dialog.locator('details.advanced > summary').click();
		await expect(dialog.getByRole('spinbutton', { name: 'Parallel jobs' })).toBeDisabled();
		await dialog.getByRole('radio', { name: /^Tar/ }).check();
		await expect(dialog.getByRole('slider', { name: /Compression/ })).toBeDisabled();
		await expect(dialog.getByRole('slider', { name: /Compression/ })).toHaveValue('0');
		await expect(dialog.getByLabel('Output file')).toHaveValue(/\.tar$/);
		await dialog.getByRole('radio', { name: /^Custom/ }).check();
		await expect(dialog.getByRole('slider', { name: /Compression/ })).toHaveValue('6');
	});

	test('plain SQL starts uncompressed as .sql; compressed, it is named .sql.gz', async ({
		page
	}) => {
		const dialog = await openBackup(page);
		await dialog.locator('details.advanced > summary').click();
		const slider = dialog.getByRole('slider', { name: /Compression/ });
		const output = dialog.getByLabel('Output file');
		const plain = dialog.getByRole('radio', { name: /^Plain SQL/ });
		await plain.check();
		await expect(slider).toHaveValue('0');
		await expect(slider).toBeEnabled();
		await expect(output).toHaveValue('/home/alex/shop_2025-03-14_0926.sql');
		await slider.fill('5');
		await expect(output).toHaveValue('/home/alex/shop_2025-03-14_0926.sql.gz');
		await expect(dialog.locator('.card-option.selected').last()).toContainText('Plain SQL .sql.gz');
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await output.scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('plain-compressed-top.png');
		await slider.scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('plain-compressed-bottom.png');
		await slider.fill('0');
		await expect(output).toHaveValue('/home/alex/shop_2025-03-14_0926.sql');
		await slider.fill('3');
		await expect(output).toHaveValue('/home/alex/shop_2025-03-14_0926.sql.gz');
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await mock(page).calls('create_backup');
		expect(call.args.jobId).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
		);
		expect(call.args.options).toMatchObject({
			format: 'plain',
			compression: 3,
			outputPath: '/home/alex/shop_2025-03-14_0926.sql.gz'
		});
	});

	test('back from plain to custom, the level and the name come back', async ({ page }) => {
		const dialog = await openBackup(page);
		await dialog.locator('details.advanced > summary').click();
		const slider = dialog.getByRole('slider', { name: /Compression/ });
		await dialog.getByRole('radio', { name: /^Plain SQL/ }).check();
		await slider.fill('4');
		await dialog.getByRole('radio', { name: /^Custom/ }).check();
		await expect(slider).toHaveValue('6');
		await expect(dialog.getByLabel('Output file')).toHaveValue(
			'/home/alex/shop_2025-03-14_0926.backup'
		);
		await expect(dialog.getByRole('radio', { name: /Standard/ })).toBeChecked();
	});

	test('zstd is for the custom format, levels 1–19, and names the file .backup.zst', async ({
		page
	}) => {
		const dialog = await openBackup(page);
		await dialog.locator('details.advanced > summary').click();
		const method = dialog.getByTestId('compression-method');
		await method.selectOption('zstd');
		await expect(dialog.getByLabel('Output file')).toHaveValue(/\.backup\.zst$/);
		await expect(dialog.getByRole('slider', { name: /Compression/ })).toHaveAttribute('max', '19');
		await expect(dialog.getByRole('radio', { name: /Fast/ })).not.toBeChecked();
		await dialog.getByRole('slider', { name: /Compression/ }).fill('1');
		await expect(dialog.getByRole('radio', { name: /Fast/ })).toBeChecked();
		await dialog.getByRole('radio', { name: /^Directory/ }).check();
		await expect(method).toHaveValue('gzip');
		// A folder of files takes pg_dump's own methods, not Tusk's zstd around one archive.
		await expect(method).toBeEnabled();
		await expect(method.locator('option[value="zstd"]')).toBeDisabled();
		await dialog.getByRole('radio', { name: /^Tar/ }).check();
		await expect(method).toBeDisabled();
		await dialog.getByRole('radio', { name: /^Custom/ }).check();
		await expect(dialog.getByLabel('Output file')).toHaveValue(/_0926\.backup$/);
	});

	test('what pg_dump 15 lacks is off, saying the version that has it', async ({ page }) => {
		const dialog = await openBackup(page);
		await dialog.locator('details.advanced > summary').click();
		const policies = dialog.getByRole('checkbox', { name: /^Row security policies/ });
		await expect(policies).toBeDisabled();
		await expect(policies).toHaveAccessibleName('Row security policies pg_dump 18+');
		await expect(policies).toHaveAccessibleDescription(
			'needs pg_dump 18+ (this connection uses 15.18)'
		);
		const children = dialog.getByRole('checkbox', {
			name: /^Left-out tables take their partitions/
		});
		await expect(children).toBeDisabled();
		await expect(children).toHaveAccessibleDescription(
			'needs pg_dump 16+ (this connection uses 15.18)'
		);
		// 14 and 15 have these.
		await expect(dialog.getByRole('checkbox', { name: /^TOAST compression/ })).toBeEnabled();
		await expect(dialog.getByRole('checkbox', { name: /^Table access methods/ })).toBeEnabled();
		await expect(dialog.getByTestId('statistics')).toBeDisabled();
		const method = dialog.getByTestId('compression-method');
		await expect(method.locator('option[value="lz4"]')).toBeDisabled();
		await expect(method.locator('option[value="pgZstd"]')).toBeDisabled();
		await expect(dialog.getByTestId('method-note')).toHaveText(
			'pg_dump’s zstd and lz4: needs pg_dump 16+ (this connection uses 15.18)'
		);
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await scrollToTop(dialog.locator('details.advanced > summary'));
		await expect(page).toHaveScreenshot('advanced-pg-dump-15-top.png');
		await scrollToTop(dialog.getByRole('group', { name: 'Do not save' }));
		await expect(page).toHaveScreenshot('advanced-pg-dump-15-middle.png');
		await scrollToTop(dialog.getByRole('group', { name: 'Miscellaneous' }));
		await expect(page).toHaveScreenshot('advanced-pg-dump-15-bottom.png');
	});

	test('what pg_dump 15 lacks, dark', async ({ page }) => {
		const dialog = await openBackup(page, { theme: 'dark' });
		await dialog.locator('details.advanced > summary').click();
		await expect(dialog.getByRole('checkbox', { name: /^Row security policies/ })).toBeDisabled();
		await scrollToTop(dialog.getByRole('group', { name: 'Data' }));
		await expect(page).toHaveScreenshot('advanced-pg-dump-15-dark.png');
	});

	test('with pg_dump 18 every option is on offer, and is sent', async ({ page }) => {
		const dialog = await openBackup(page, {
			replies: { connection_tools: { ok: connectionTools(18) } }
		});
		await dialog.locator('details.advanced > summary').click();
		const policies = dialog.getByRole('checkbox', { name: /^Row security policies/ });
		await expect(policies).toBeEnabled();
		await expect(dialog.getByTestId('gate-note')).toHaveCount(0);
		await expect(dialog.getByTestId('method-note')).toHaveCount(0);
		await policies.check();
		await dialog.getByRole('checkbox', { name: /^Left-out tables take their partitions/ }).check();
		await dialog.getByTestId('statistics').selectOption('include');
		await dialog.getByTestId('compression-method').selectOption('lz4');
		await expect(dialog.getByRole('slider', { name: /Compression/ })).toHaveAttribute('max', '12');
		await dialog.getByLabel('Schemas to leave out').fill('audit, tmp_*');
		await dialog.getByLabel('Rows per INSERT').fill('100');
		await dialog.getByRole('checkbox', { name: 'ON CONFLICT DO NOTHING' }).check();
		await dialog.getByLabel('Extra float digits').fill('3');
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await scrollToTop(dialog.locator('details.advanced > summary'));
		await expect(page).toHaveScreenshot('advanced-pg-dump-18.png');
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await mock(page).calls('create_backup');
		expect(call.args.options).toMatchObject({
			compressionMethod: 'lz4',
			compression: 6,
			outputPath: '/home/alex/shop_2025-03-14_0926.backup',
			noPolicies: true,
			includeChildTables: true,
			statistics: 'include',
			excludeSchemas: ['audit', 'tmp_*'],
			insertMode: 'copy',
			rowsPerInsert: 100,
			onConflictDoNothing: true,
			extraFloatDigits: 3
		});
	});

	test('with pg_dump 18 the fast preset uses pg_dump’s own zstd, named .backup', async ({
		page
	}) => {
		const dialog = await openBackup(page, {
			replies: { connection_tools: { ok: connectionTools(18) } }
		});
		await expect(dialog.getByText('Custom · pg_dump’s zstd 1 (.backup)')).toBeVisible();
		await dialog.getByRole('radio', { name: /Fast/ }).check();
		await expect(dialog.getByLabel('Output file')).toHaveValue(
			'/home/alex/shop_2025-03-14_0926.backup'
		);
		await expect(dialog.getByRole('radio', { name: /Fast/ })).toBeChecked();
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await mock(page).calls('create_backup');
		expect(call.args.options).toMatchObject({
			format: 'custom',
			compression: 1,
			compressionMethod: 'pgZstd'
		});
	});

	test('before the connection’s pg_dump is known, nothing is held back', async ({ page }) => {
		const dialog = await openBackup(page, { replies: { connection_tools: { pending: true } } });
		await dialog.locator('details.advanced > summary').click();
		await expect(dialog.getByRole('checkbox', { name: /^Row security policies/ })).toBeEnabled();
		await expect(dialog.getByTestId('statistics')).toBeEnabled();
		await expect(
			dialog.getByTestId('compression-method').locator('option[value="lz4"]')
		).toBeEnabled();
	});

	test('validation error from preview_backup disables Start', async ({ page }) => {
		const dialog = await openBackup(page);
		await mock(page).reply('preview_backup', {
			err: {
				kind: 'invalidOptions',
				message:
					'/home/alex/shop_2025-03-14_0926.backup already exists: choose another name or allow overwriting',
				detail: null
			}
		});
		await dialog.getByLabel('Data', { exact: true }).uncheck();
		await expect(dialog.getByTestId('backup-validation')).toContainText('already exists');
		await expect(dialog.getByTestId('path-error')).toContainText('allow overwriting');
		await expect(dialog.getByRole('button', { name: 'Start backup' })).toBeDisabled();
		// Unticking Data scrolled the dialog: back to the path and its error.
		await dialog.locator('.modal-body').evaluate((el) => (el.scrollTop = 0));
		await expect(page).toHaveScreenshot('validation-error.png');
	});

	test('running at 40% with the log; Escape does not close it', async ({ page }) => {
		const { dialog } = await startRunning(page);
		await expect(dialog.getByRole('log')).toContainText('public.order_items');
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
		await expect(dialog).toBeVisible();
		await expect(page).toHaveScreenshot('running-light.png');
	});

	test('running, dark', async ({ page }) => {
		await startRunning(page, { theme: 'dark' });
		await expect(page).toHaveScreenshot('running-dark.png');
	});

	test('cancel asks the backend to stop the job', async ({ page }) => {
		const { dialog, jobId, m } = await startRunning(page, {
			replies: { cancel_job: { ok: true } }
		});
		await dialog.getByRole('button', { name: 'Cancel backup' }).click();
		expect((await m.calls('cancel_job'))[0].args).toEqual({ jobId });
		await m.emit(`backup:finished:${jobId}`, {
			...backupFailed,
			jobId,
			status: 'cancelled',
			error: null,
			errors: []
		});
		await expect(dialog.getByText('Backup cancelled')).toBeVisible();
	});

	test('completed', async ({ page }) => {
		const { dialog, jobId, m } = await startRunning(page);
		await m.emit(`backup:finished:${jobId}`, { ...backupCompleted, jobId });
		await expect(dialog.getByText('Backup completed')).toBeVisible();
		await expect(dialog.getByText('734 MB')).toBeVisible();
		await page.keyboard.press('Escape');
		await expect(dialog).toBeHidden();
		await expect(page.getByRole('button', { name: 'Backup…' })).toBeFocused();
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`completed screenshot, ${theme}`, async ({ page }) => {
			const { dialog, jobId, m } = await startRunning(page, { theme });
			await m.emit(`backup:finished:${jobId}`, { ...backupCompleted, jobId });
			await expect(dialog.getByText('Backup completed')).toBeVisible();
			await expect(page).toHaveScreenshot(`completed-${theme}.png`);
		});

		test(`failed with explanation, ${theme}`, async ({ page }) => {
			const { dialog, jobId, m } = await startRunning(page, { theme });
			await m.emit(`backup:finished:${jobId}`, { ...backupFailed, jobId });
			await expect(dialog.getByText('Backup failed')).toBeVisible();
			await dialog.getByText(/Show full log/).click();
			await expect(page).toHaveScreenshot(`failed-${theme}.png`);
			await dialog.getByRole('button', { name: 'Back to options' }).click();
			await expect(dialog.getByRole('button', { name: 'Start backup' })).toBeVisible();
		});
	}

	test('Ctrl+Shift+B opens it', async ({ page }) => {
		await openApp(page);
		await page.keyboard.press('Control+Shift+B');
		await expect(page.getByTestId('backup-dialog')).toBeVisible();
	});
});

test.describe('backup into a destination, encrypted', () => {
	const key = 'shop/shop_2025-03-14_092612_3f2b8c1e.backup.age';
	const bucketPlan = {
		...plan(),
		command: `pg_dump --host=db.example.com --port=5432 --username=app --dbname=shop --format=custom --compress=6 --lock-wait-timeout=30s --verbose | age -p | upload to offsite:${key}`
	};
	const withDestinations: Setup = {
		replies: {
			list_destinations: { ok: destinationsView() },
			preview_backup: { ok: bucketPlan }
		}
	};

	async function chooseOffsite(page: Page, setup: Setup = {}) {
		const dialog = await openBackup(page, {
			...setup,
			replies: { ...withDestinations.replies, ...setup.replies }
		});
		await dialog.getByLabel('Save to').selectOption('offsite');
		await dialog.getByRole('checkbox', { name: /^Encrypt with the saved passphrase/ }).check();
		await expect(dialog.getByTestId('bucket-target')).toHaveText(
			'offsite · bucket backups/team · named shop/shop_<date>_<id>.backup.age'
		);
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		return dialog;
	}

	for (const theme of ['light', 'dark'] as const) {
		test(`the bucket replaces the file, ${theme}`, async ({ page }) => {
			const dialog = await chooseOffsite(page, { theme });
			await expect(dialog.getByLabel('Output file')).toHaveCount(0);
			await expect(
				dialog.getByRole('checkbox', { name: 'Replace the file if it already exists' })
			).toHaveCount(0);
			await expect(page).toHaveScreenshot(`destination-${theme}.png`);
		});
	}

	test('at 800×600 the choice fits', async ({ page }) => {
		const dialog = await chooseOffsite(page, { viewport: { width: 800, height: 600 } });
		const body = dialog.locator('.modal-body');
		expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
		await expect(dialog.getByRole('button', { name: 'Start backup' })).toBeInViewport();
		await expect(page).toHaveScreenshot('destination-800x600.png');
	});

	test('sends the destination and the encryption, and ends in the bucket', async ({ page }) => {
		const dialog = await chooseOffsite(page);
		const m = mock(page);
		const preview = (await m.calls('preview_backup')).at(-1)!;
		expect(preview.args.destination).toBe('offsite');
		expect(preview.args.options).toMatchObject({ encryption: { kind: 'passphrase' } });
		await expect(dialog.getByLabel('pg_dump command', { exact: true })).toContainText(
			`| upload to offsite:${key}`
		);

		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await m.calls('create_backup');
		expect(call.args.destination).toBe('offsite');
		expect(call.args.options).toMatchObject({
			encryption: { kind: 'passphrase' },
			overwrite: false,
			format: 'custom'
		});
		const jobId = await m.lastJobId('create_backup');
		await m.emit(`backup:finished:${jobId}`, {
			...backupCompleted,
			jobId,
			outputPath: null,
			location: `offsite:${key}`
		});
		await expect(dialog.getByText('Backup completed')).toBeVisible();
		await expect(dialog.getByTestId('outcome-where')).toHaveText(`offsite:${key}`);
		await expect(dialog).toContainText('In the bucket');
		await expect(page).toHaveScreenshot('completed-in-bucket.png');
	});

	test('back to this computer, the file is encrypted too and named .age', async ({ page }) => {
		const dialog = await chooseOffsite(page);
		await dialog.getByLabel('Save to').selectOption('This computer');
		const output = dialog.getByLabel('Output file');
		await expect(output).toHaveValue('/home/alex/shop_2025-03-14_0926.backup.age');
		await dialog.getByRole('checkbox', { name: /^Encrypt with the saved passphrase/ }).uncheck();
		await expect(output).toHaveValue('/home/alex/shop_2025-03-14_0926.backup');
		await dialog.getByRole('checkbox', { name: /^Encrypt with the saved passphrase/ }).check();
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await mock(page).calls('create_backup');
		expect(call.args.destination).toBeNull();
		expect(call.args.options).toMatchObject({
			outputPath: '/home/alex/shop_2025-03-14_0926.backup.age',
			encryption: { kind: 'passphrase' }
		});
	});

	test('encryption needs a saved passphrase, and is not for the directory format', async ({
		page
	}) => {
		const dialog = await openBackup(page, {
			replies: { list_destinations: { ok: destinationsView([offsite], 'none') } }
		});
		const encrypt = dialog.getByRole('checkbox', { name: /^Encrypt with the saved passphrase/ });
		await expect(encrypt).toBeDisabled();
		await expect(encrypt).toHaveAccessibleDescription('Set a passphrase under Destinations');

		await mock(page).reply('list_destinations', { ok: destinationsView([offsite], 'session') });
		await page.keyboard.press('Escape');
		await page.getByRole('button', { name: 'Destinations' }).click();
		await expect(page.getByTestId('passphrase-status')).toHaveText(
			'Passphrase: kept for this session only'
		);
		await page.keyboard.press('Escape');
		await page.getByRole('button', { name: 'Backup…' }).click();
		await expect(encrypt).toBeEnabled();
		await encrypt.check();
		await dialog.getByRole('radio', { name: /^Directory/ }).check();
		await expect(encrypt).toBeDisabled();
		await expect(encrypt).not.toBeChecked();
		await expect(encrypt).toHaveAccessibleDescription(
			'Not for the directory format, a folder of files'
		);
		await expect(dialog.getByLabel('Output folder')).toHaveValue('/home/alex/shop_2025-03-14_0926');
	});
});
