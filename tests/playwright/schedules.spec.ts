import { expect, test, type Locator, type Page } from '@playwright/test';
import {
	connectionTools,
	destinationsView,
	mock,
	prodSource,
	unlabelledControls,
	type Setup
} from './fixtures';
import {
	card,
	dailyPreview,
	newSchedulePreview,
	nightly,
	openSchedules,
	prunePreview,
	toNas
} from './schedule-fixtures';
import type { Schedule, ScheduleSummary } from '../../src/lib/ipc/bindings';

/** Saved destinations (offsite and r2) and a passphrase in the keychain. */
const saved: Setup['replies'] = { list_destinations: { ok: destinationsView() } };

/** Nightly shop, made straight into the offsite bucket. */
const intoBucket: ScheduleSummary = {
	...nightly,
	schedule: { ...nightly.schedule, bucket: 'offsite', destination: '' }
};

/** Every 6 hours to the NAS, each backup then copied to both buckets. */
const withCopies: ScheduleSummary = {
	...toNas,
	schedule: { ...toNas.schedule, copyTo: ['offsite', 'r2'] }
};

/** Nightly shop, encrypted with the passphrase saved under Destinations. */
const encryptedNightly: ScheduleSummary = {
	...nightly,
	schedule: {
		...nightly.schedule,
		options: { ...nightly.schedule.options, encryption: { kind: 'passphrase' } }
	}
};

/** Every 6 hours to the NAS, encrypted to two public keys with `tusk schedule add`. */
const toKeys: ScheduleSummary = {
	...toNas,
	schedule: {
		...toNas.schedule,
		options: {
			...toNas.schedule.options,
			encryption: { kind: 'recipients', recipients: ['age1qyqszqgpqyqszqgp', 'age1zvkyg2lqzcy'] }
		}
	}
};

/** The folder on this computer (its label holds the Browse… button too). */
const folderField = (editor: Locator) => editor.getByRole('textbox', { name: /^Folder/ });

async function openEditor(page: Page, button = 'New schedule…') {
	await page.getByRole('button', { name: button }).click();
	const editor = page.getByTestId('schedule-editor');
	await expect(editor).toBeVisible();
	return editor;
}

test.describe('schedules', () => {
	test('empty state explains what schedules do', async ({ page }) => {
		const panel = await openSchedules(page, { replies: { list_schedules: { ok: [] } } });
		await expect(panel.getByTestId('schedules-empty')).toContainText('tusk daemon');
		await expect(panel.getByTestId('schedules-empty')).toContainText('tusk schedule run --due');
		await expect(page).toHaveScreenshot('empty.png');
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`a healthy and a failing schedule, ${theme}`, async ({ page }) => {
			await openSchedules(page, { theme });
			await expect(page.getByTestId('schedule')).toHaveCount(2);
			await expect(page).toHaveScreenshot(`list-${theme}.png`);
		});
	}

	for (const viewport of [
		{ width: 800, height: 600 },
		{ width: 1600, height: 1000 }
	]) {
		test(`the list at ${viewport.width}×${viewport.height}`, async ({ page }) => {
			await openSchedules(page, { viewport });
			await expect(page.getByTestId('schedule')).toHaveCount(2);
			await expect(page).toHaveScreenshot(`list-${viewport.width}x${viewport.height}.png`);
		});
	}

	test('cards say when, where, what is kept and how the runs went', async ({ page }) => {
		await openSchedules(page);
		const good = card(page, 'Nightly shop');
		await expect(good).toContainText('Every day at 02:30 (Europe/Paris)');
		await expect(good).toContainText('in 16 h · 2025-03-15 01:30');
		await expect(good).toContainText('/home/alex/backups/nightly');
		await expect(good).toContainText('Keeps the newest 7 · at least 3');
		await expect(good).toContainText('12 runs · 11 succeeded · 1 failed');
		await expect(good).toContainText('Verifies each backup');
		await expect(good.getByTestId('last-error')).toHaveCount(0);

		const bad = card(page, 'Every 6 hours to the NAS');
		await expect(bad).toContainText('Every 6 hours');
		await expect(bad).toContainText('Failed');
		await expect(bad).toContainText('after 3 attempts');
		await expect(bad.getByTestId('last-error')).toHaveText(/The disk holding \/mnt\/nas is full/);
		// Another connection's schedule stays on its own tab.
		await expect(page.getByText('Staging nightly')).toHaveCount(0);
	});

	test('an unusual cron expression is described by the backend', async ({ page }) => {
		const weekdays = {
			...nightly,
			schedule: { ...nightly.schedule, trigger: { kind: 'cron', expression: '*/15 9-17 * * 1-5' } }
		};
		await openSchedules(page, {
			replies: {
				list_schedules: { ok: [weekdays] },
				preview_trigger: {
					ok: { ...dailyPreview, description: 'Every 15 minutes, between 09:00 and 17:59' }
				}
			}
		});
		await expect(card(page, 'Nightly shop')).toContainText('Every 15 minutes, between');
		const [call] = await mock(page).calls('preview_trigger');
		expect(call.args).toEqual({ trigger: weekdays.schedule.trigger, timezone: 'Europe/Paris' });
	});

	test('the switch turns a schedule off', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				set_schedule_enabled: { ok: { ...nightly.schedule, enabled: false, nextRunAt: null } }
			}
		});
		const good = card(page, 'Nightly shop');
		await good.getByRole('switch', { name: 'Enabled' }).uncheck();
		await expect(good).toContainText('Disabled');
		const [call] = await mock(page).calls('set_schedule_enabled');
		expect(call.args).toEqual({ id: 'sched-nightly', enabled: false });
	});

	test('Run now starts the run as a job and waits for it', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				run_schedule_now: { ok: { jobId: '', jobType: 'backup', command: '' }, withJobId: true }
			}
		});
		const good = card(page, 'Nightly shop');
		await good.getByRole('button', { name: 'Run now' }).click();
		await expect(good.getByRole('button', { name: 'Running…' })).toBeDisabled();
		const jobId = await mock(page).lastJobId('run_schedule_now');
		expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
		const [call] = await mock(page).calls('run_schedule_now');
		expect(call.args).toEqual({ jobId, scheduleId: 'sched-nightly' });

		// The run ends: the backend's list says so.
		await mock(page).reply('list_schedules', {
			ok: [{ ...nightly, stats: { ...nightly.stats, totalRuns: 13, successfulRuns: 12 } }, toNas]
		});
		await mock(page).emit('history:changed');
		await expect(good).toContainText('13 runs · 12 succeeded');
		await expect(good.getByRole('button', { name: 'Run now' })).toBeEnabled();
	});

	test('Run now says why the backend refused', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				run_schedule_now: {
					err: { kind: 'catalog', message: 'the catalog is locked', detail: null }
				}
			}
		});
		const good = card(page, 'Nightly shop');
		await good.getByRole('button', { name: 'Run now' }).click();
		await expect(page.getByTestId('schedules').getByRole('alert')).toContainText(
			'The catalog is locked'
		);
		await expect(good.getByRole('button', { name: 'Run now' })).toBeEnabled();
	});

	test('a schedule running in the background cannot be started again', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				list_schedules: { ok: [{ ...nightly, stats: { ...nightly.stats, running: true } }] }
			}
		});
		await expect(
			card(page, 'Nightly shop').getByRole('button', { name: 'Running…' })
		).toBeDisabled();
	});

	test('retention preview lists what would be kept and deleted', async ({ page }) => {
		await openSchedules(page, { replies: { preview_prune: { ok: prunePreview } } });
		await card(page, 'Nightly shop').getByRole('button', { name: 'Retention preview…' }).click();
		const dialog = page.getByTestId('retention-preview');
		await expect(dialog.getByTestId('prune-row')).toHaveCount(5);
		await expect(dialog.getByTestId('prune-summary')).toHaveText(
			'2 backups would be deleted and 3 kept if the rules ran now.'
		);
		await expect(dialog).toContainText('Not among the newest 7');
		await expect(page).toHaveScreenshot('retention-preview.png');
		const [call] = await mock(page).calls('preview_prune');
		expect(call.args).toEqual({ scheduleId: 'sched-nightly' });
	});

	test('retention preview when nothing would be deleted', async ({ page }) => {
		const keptOnly = prunePreview.filter((p) => p.decision.keep);
		await openSchedules(page, { replies: { preview_prune: { ok: keptOnly } } });
		await card(page, 'Nightly shop').getByRole('button', { name: 'Retention preview…' }).click();
		await expect(page.getByTestId('prune-summary')).toHaveText(
			'Nothing would be deleted: all 3 backups are kept.'
		);
	});

	test('Delete asks first and says the backups stay', async ({ page }) => {
		await openSchedules(page, { replies: { delete_schedule: { ok: null } } });
		await card(page, 'Nightly shop').getByRole('button', { name: 'Delete…' }).click();
		const dialog = page.getByTestId('delete-schedule');
		await expect(dialog).toContainText('stay in the history');
		await dialog.getByRole('button', { name: 'Delete schedule' }).click();
		await expect(dialog).toBeHidden();
		await expect(page.getByTestId('schedule')).toHaveCount(1);
		const [call] = await mock(page).calls('delete_schedule');
		expect(call.args).toEqual({ id: 'sched-nightly' });
	});
});

test.describe('schedule editor', () => {
	test('a new schedule, empty', async ({ page }) => {
		await openSchedules(page, {
			replies: { list_schedules: { ok: [] }, preview_trigger: { ok: newSchedulePreview } }
		});
		const editor = await openEditor(page);
		await expect(editor.getByLabel('Database', { exact: true })).toHaveValue('shop');
		await expect(editor.getByLabel('Expression', { exact: true })).toHaveValue('0 2 * * *');
		await expect(editor.getByLabel('Time zone')).toHaveValue('UTC');
		await expect(editor.getByRole('radio', { name: /^Fast/ })).toBeChecked();
		await expect(editor.getByTestId('trigger-preview')).toContainText('At 02:00 every day (UTC)');
		await expect(page).toHaveScreenshot('editor-empty.png');
	});

	test('filled in, with the preview of a cron expression', async ({ page }) => {
		await openSchedules(page);
		const editor = await openEditor(page);
		await editor.getByLabel('Name', { exact: true }).fill('Nightly shop');
		await editor.getByLabel('Expression', { exact: true }).fill('30 2 * * *');
		await editor.getByLabel('Time zone').selectOption('Europe/Paris');
		const preview = editor.getByTestId('trigger-preview');
		await expect(preview).toContainText('At 02:30 every day (Europe/Paris)');
		await expect(preview).toContainText(
			'Next runs (this computer’s time): 2025-03-15 01:30 · 2025-03-16 01:30 · 2025-03-17 01:30'
		);
		// The reply is canned: wait for the debounced call with the final expression.
		await expect
			.poll(async () => (await mock(page).calls('preview_trigger')).at(-1)?.args)
			.toEqual({
				trigger: { kind: 'cron', expression: '30 2 * * *' },
				timezone: 'Europe/Paris'
			});
		await expect(page).toHaveScreenshot('editor-filled.png');
		await editor.locator('.modal-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
		await expect(page).toHaveScreenshot('editor-filled-bottom.png');
	});

	for (const setup of [
		{ name: 'dark', theme: 'dark' as const },
		{ name: '800x600', viewport: { width: 800, height: 600 } }
	]) {
		test(`the editor, ${setup.name}`, async ({ page }) => {
			await openSchedules(page, {
				...setup,
				replies: { preview_trigger: { ok: newSchedulePreview } }
			});
			const editor = await openEditor(page);
			await editor.getByLabel('Name', { exact: true }).fill('Nightly shop');
			await expect(editor.getByTestId('trigger-preview')).toContainText('At 02:00 every day');
			await expect(page).toHaveScreenshot(`editor-${setup.name}.png`);
			await editor.locator('.modal-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
			await expect(page).toHaveScreenshot(`editor-${setup.name}-bottom.png`);
		});
	}

	test('a bad cron expression shows why under it', async ({ page }) => {
		await openSchedules(page);
		const editor = await openEditor(page);
		await mock(page).reply('preview_trigger', {
			err: {
				kind: 'invalidOptions',
				message:
					'`every night` is not a cron expression (invalid pattern): use five fields, minute hour day month weekday, e.g. `30 2 * * *` for 02:30 every day',
				detail: null
			}
		});
		await editor.getByLabel('Expression', { exact: true }).fill('every night');
		const preview = editor.getByTestId('trigger-preview');
		await expect(preview).toContainText('is not a cron expression');
		const color = await preview.locator('p').evaluate((el) => getComputedStyle(el).color);
		const danger = await page.evaluate(() => {
			const probe = document.createElement('span');
			probe.style.color = 'var(--danger)';
			document.body.append(probe);
			return getComputedStyle(probe).color;
		});
		expect(color).toBe(danger);
	});

	test('checks the form, then shows the backend’s refusal', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				preview_trigger: { ok: newSchedulePreview },
				save_schedule: {
					err: {
						kind: 'invalidOptions',
						message:
							'cannot create the destination /mnt/backup/shop: Permission denied (os error 13); choose a folder you can write to',
						detail: null
					}
				}
			}
		});
		const editor = await openEditor(page);
		const validation = editor.getByTestId('schedule-validation');
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(validation).toHaveText('Give the schedule a name.');
		expect(await mock(page).calls('save_schedule')).toHaveLength(0);

		await editor.getByLabel('Name', { exact: true }).fill('Nightly shop');
		await expect(validation).toHaveCount(0);
		await folderField(editor).fill('/mnt/backup/shop');
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(validation).toHaveText(/^Cannot create the destination \/mnt\/backup\/shop/);
		await expect(editor).toBeVisible();
		// Filling the folder field scrolled the form by however much it took: from the top.
		await editor.getByLabel('Name', { exact: true }).evaluate((el) => {
			let box = el.parentElement;
			while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowY))
				box = box.parentElement;
			if (box) box.scrollTop = 0;
		});
		await expect(page).toHaveScreenshot('editor-error.png');
		// Changing the form clears the backend's answer.
		await folderField(editor).fill('/mnt/backup/shop2');
		await expect(validation).toHaveCount(0);
	});

	test('Save sends the whole schedule', async ({ page }) => {
		const saved = { ...nightly.schedule, id: 'new-id' };
		await openSchedules(page, {
			replies: {
				save_schedule: { ok: saved },
				'plugin:dialog|open': { ok: '/srv/backups/shop' }
			}
		});
		const editor = await openEditor(page);
		await editor.getByLabel('Name', { exact: true }).fill('  Every 6 hours ');
		await editor.getByRole('radio', { name: 'Every …' }).check();
		await editor.getByRole('spinbutton', { name: 'Every', exact: true }).fill('6');
		await editor.getByLabel('Unit').selectOption('hours');
		await editor.getByRole('radio', { name: /^Standard/ }).check();
		await editor.getByRole('button', { name: 'Browse…' }).click();
		await expect(folderField(editor)).toHaveValue('/srv/backups/shop');
		await editor.getByRole('checkbox', { name: 'Keep the newest' }).uncheck();
		await editor.getByRole('checkbox', { name: 'Delete backups older than' }).check();
		await editor.getByLabel('Age in days after which backups are deleted').fill('14');
		await editor.getByRole('checkbox', { name: /^Grandfather-father-son/ }).check();
		await editor.getByLabel('Always keep at least').fill('5');
		await editor.getByRole('checkbox', { name: /^Verify each backup/ }).check();
		await editor.getByLabel('Notify').selectOption({ label: 'After every run' });
		await editor.getByLabel('Retries after a failure').fill('4');
		await editor.getByLabel('First retry after (seconds)').fill('120');
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();

		const [call] = await mock(page).calls('save_schedule');
		const sent = call.args.schedule as Schedule;
		expect(sent).toMatchObject({
			id: '',
			name: 'Every 6 hours',
			enabled: true,
			source: prodSource,
			sslmode: 'require',
			trigger: { kind: 'interval', everySecs: 21_600 },
			timezone: 'UTC',
			destination: '/srv/backups/shop',
			copyTo: [],
			bucket: null,
			retention: {
				keepLast: null,
				maxAgeDays: 14,
				gfs: { allHours: 24, dailyDays: 7, weeklyDays: 30 },
				minKeep: 5,
				minVerified: 1
			},
			verifyAfter: true,
			notify: 'always',
			maxRetries: 4,
			retryDelaySecs: 120,
			createdAt: '2025-03-14T09:26:00.000Z',
			nextRunAt: null
		});
		expect(sent.options).toMatchObject({
			connectionId: 'prod',
			outputPath: '',
			format: 'custom',
			compression: 6,
			includeData: true
		});
		// The list is read again, so the new schedule shows at once.
		expect((await mock(page).calls('list_schedules')).length).toBeGreaterThan(1);
	});

	test('with pg_dump 18 the fast preset of a new schedule uses pg_dump’s own zstd', async ({
		page
	}) => {
		const saved = { ...nightly.schedule, id: 'new-id' };
		await openSchedules(page, {
			replies: {
				save_schedule: { ok: saved },
				connection_tools: { ok: connectionTools(18) }
			}
		});
		const editor = await openEditor(page);
		await expect(editor.getByText('Custom · pg_dump’s zstd 1 (.backup)')).toBeVisible();
		await expect(editor.getByRole('radio', { name: /^Fast/ })).toBeChecked();
		await editor.getByLabel('Name', { exact: true }).fill('Fast nightly');
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect((call.args.schedule as Schedule).options).toMatchObject({
			format: 'custom',
			compression: 1,
			compressionMethod: 'pgZstd'
		});
	});

	test('Edit starts from the schedule and keeps its id', async ({ page }) => {
		await openSchedules(page, { replies: { save_schedule: { ok: nightly.schedule } } });
		await card(page, 'Nightly shop').getByRole('button', { name: 'Edit…' }).click();
		const editor = page.getByTestId('schedule-editor');
		await expect(editor.getByRole('heading', { name: 'Edit “Nightly shop”' })).toBeVisible();
		await expect(editor.getByLabel('Name', { exact: true })).toHaveValue('Nightly shop');
		await expect(editor.getByLabel('Time zone')).toHaveValue('Europe/Paris');
		await expect(editor.getByRole('button', { name: 'Daily at 02:00' })).toHaveAttribute(
			'aria-pressed',
			'false'
		);
		await editor.getByRole('button', { name: 'Weekly, Sunday 03:00' }).click();
		await expect(editor.getByLabel('Expression', { exact: true })).toHaveValue('0 3 * * 0');
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect(call.args.schedule).toEqual({
			...nightly.schedule,
			trigger: { kind: 'cron', expression: '0 3 * * 0' },
			nextRunAt: null
		});
	});

	test('every control is labelled', async ({ page }) => {
		await openSchedules(page, { replies: saved });
		const editor = await openEditor(page);
		expect(await unlabelledControls(page, 'schedule-editor')).toEqual([]);
		await page.getByRole('radio', { name: 'Every …' }).check();
		await editor.getByLabel('Save to').selectOption('offsite');
		expect(await unlabelledControls(page, 'schedule-editor')).toEqual([]);
	});
});

test.describe('where scheduled backups go', () => {
	test('cards say which bucket, or which destinations get copies', async ({ page }) => {
		await openSchedules(page, {
			replies: { ...saved, list_schedules: { ok: [intoBucket, withCopies] } }
		});
		const bucket = card(page, 'Nightly shop');
		await expect(bucket.getByTestId('schedule-target')).toHaveText('offsite · bucket backups/team');
		await expect(bucket.getByTestId('schedule-copies')).toHaveCount(0);
		const copies = card(page, 'Every 6 hours to the NAS');
		await expect(copies.getByTestId('schedule-target')).toHaveText('/mnt/nas/postgres/shop');
		await expect(copies.getByTestId('schedule-copies')).toHaveText('offsite and r2');
		await expect(page).toHaveScreenshot('list-destinations.png');
	});

	test('with no destination saved, one line says how to add one', async ({ page }) => {
		await openSchedules(page);
		const editor = await openEditor(page);
		await expect(editor.getByTestId('no-destinations')).toHaveText(
			'No destinations saved: to back up or copy to a bucket, add one with the header’s cloud button.'
		);
		await expect(editor.getByLabel('Save to')).toHaveCount(0);
		await expect(editor.getByRole('group', { name: 'Also copy each backup to' })).toHaveCount(0);
		await expect(folderField(editor)).toBeVisible();
	});

	test('Save sends the destinations each backup is copied to', async ({ page }) => {
		await openSchedules(page, {
			replies: { ...saved, save_schedule: { ok: withCopies.schedule } }
		});
		const editor = await openEditor(page);
		await editor.getByLabel('Name', { exact: true }).fill('Nightly shop');
		await expect(editor.getByLabel('Save to')).toHaveValue('');
		await expect(editor.getByTestId('no-destinations')).toHaveCount(0);
		const copies = editor.getByRole('group', { name: 'Also copy each backup to' });
		await copies.getByRole('checkbox', { name: 'r2' }).check();
		await copies.getByRole('checkbox', { name: 'offsite' }).check();
		await expect(editor.getByTestId('retention-hint')).toContainText(
			'A backup they let go is deleted from offsite and r2 too.'
		);
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect(call.args.schedule).toMatchObject({ bucket: null, copyTo: ['offsite', 'r2'] });
	});

	test('Save sends the bucket chosen, with no folder and no copies', async ({ page }) => {
		await openSchedules(page, {
			replies: { ...saved, save_schedule: { ok: intoBucket.schedule } }
		});
		const editor = await openEditor(page);
		await editor.getByLabel('Name', { exact: true }).fill('Nightly shop');
		await folderField(editor).fill('/srv/backups/shop');
		await editor.getByRole('checkbox', { name: 'r2' }).check();
		await editor.getByLabel('Save to').selectOption('offsite');
		await expect(editor.getByTestId('schedule-bucket')).toHaveText('offsite · bucket backups/team');
		await expect(folderField(editor)).toHaveCount(0);
		await expect(editor.getByRole('group', { name: 'Also copy each backup to' })).toHaveCount(0);
		await expect(editor.getByTestId('retention-hint')).toContainText(
			'The rules count the backups in offsite; those they let go are deleted from it.'
		);
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect(call.args.schedule).toMatchObject({ bucket: 'offsite', destination: '', copyTo: [] });
	});

	test('Edit of a schedule made into a bucket starts from it', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				...saved,
				list_schedules: { ok: [intoBucket] },
				save_schedule: { ok: intoBucket.schedule }
			}
		});
		await card(page, 'Nightly shop').getByRole('button', { name: 'Edit…' }).click();
		const editor = page.getByTestId('schedule-editor');
		await expect(editor.getByLabel('Save to')).toHaveValue('offsite');
		await expect(editor.getByTestId('schedule-bucket')).toHaveText('offsite · bucket backups/team');
		await expect(folderField(editor)).toHaveCount(0);
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect(call.args.schedule).toEqual({ ...intoBucket.schedule, nextRunAt: null });
	});

	test('a destination no longer saved is shown, to be changed', async ({ page }) => {
		const gone: ScheduleSummary = {
			...withCopies,
			schedule: { ...withCopies.schedule, copyTo: ['offsite', 'old-nas'] }
		};
		await openSchedules(page, {
			replies: { ...saved, list_schedules: { ok: [gone] }, save_schedule: { ok: gone.schedule } }
		});
		await card(page, 'Every 6 hours to the NAS').getByRole('button', { name: 'Edit…' }).click();
		const editor = page.getByTestId('schedule-editor');
		const copies = editor.getByRole('group', { name: 'Also copy each backup to' });
		await expect(copies.getByRole('checkbox')).toHaveCount(3);
		await copies.getByRole('checkbox', { name: 'old-nas (not saved)' }).uncheck();
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect((call.args.schedule as Schedule).copyTo).toEqual(['offsite']);
	});

	test('the editor with copies ticked', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				...saved,
				list_schedules: { ok: [withCopies] },
				preview_trigger: { ok: newSchedulePreview }
			}
		});
		await card(page, 'Every 6 hours to the NAS').getByRole('button', { name: 'Edit…' }).click();
		const editor = page.getByTestId('schedule-editor');
		const where = editor.getByRole('group', { name: 'Where the backups go' });
		await expect(where.getByRole('checkbox', { name: 'r2' })).toBeChecked();
		await where.evaluate((el) => el.scrollIntoView({ block: 'start' }));
		await expect(page).toHaveScreenshot('editor-copies.png');
	});

	for (const setup of [
		{ name: 'light', theme: 'light' as const },
		{ name: 'dark', theme: 'dark' as const },
		{ name: '800x600', viewport: { width: 800, height: 600 } }
	]) {
		test(`the editor with a destination chosen, ${setup.name}`, async ({ page }) => {
			await openSchedules(page, {
				...setup,
				replies: { ...saved, preview_trigger: { ok: newSchedulePreview } }
			});
			const editor = await openEditor(page);
			await editor.getByLabel('Name', { exact: true }).fill('Nightly shop');
			await editor.getByLabel('Save to').selectOption('offsite');
			const where = editor.getByRole('group', { name: 'Where the backups go' });
			await where.evaluate((el) => el.scrollIntoView({ block: 'start' }));
			await expect(editor.getByTestId('schedule-bucket')).toBeVisible();
			await expect(page).toHaveScreenshot(`editor-bucket-${setup.name}.png`);
		});
	}
});

test.describe('encrypted scheduled backups', () => {
	const encrypt = (editor: Locator) =>
		editor.getByRole('checkbox', { name: 'Encrypt with the saved passphrase (age)' });

	test('ticking Encrypt sends the saved passphrase', async ({ page }) => {
		await openSchedules(page, {
			replies: { ...saved, save_schedule: { ok: encryptedNightly.schedule } }
		});
		const editor = await openEditor(page);
		await editor.getByLabel('Name', { exact: true }).fill('Nightly shop');
		await expect(encrypt(editor)).not.toBeChecked();
		// The saved destinations (and whether a passphrase is) load with the page.
		await expect(editor.getByLabel('Save to').locator('option')).toHaveCount(3);
		await expect(encrypt(editor)).toBeEnabled();
		await expect(async () => {
			await encrypt(editor).check();
		}).toPass();
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect((call.args.schedule as Schedule).options.encryption).toEqual({ kind: 'passphrase' });
	});

	test('with no passphrase saved, Encrypt is off and says why', async ({ page }) => {
		await openSchedules(page, { replies: { save_schedule: { ok: nightly.schedule } } });
		const editor = await openEditor(page);
		await expect(encrypt(editor)).toBeDisabled();
		await expect(encrypt(editor)).not.toBeChecked();
		await expect(encrypt(editor)).toHaveAccessibleDescription(
			'Set a passphrase under Destinations'
		);
		await editor.getByLabel('Name', { exact: true }).fill('Nightly shop');
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect((call.args.schedule as Schedule).options.encryption).toEqual({ kind: 'none' });
	});

	test('Edit of an encrypted schedule starts ticked and keeps it', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				...saved,
				list_schedules: { ok: [encryptedNightly] },
				save_schedule: { ok: encryptedNightly.schedule }
			}
		});
		await expect(card(page, 'Nightly shop').getByTestId('schedule-encrypted')).toHaveText(
			'Encrypted'
		);
		await card(page, 'Nightly shop').getByRole('button', { name: 'Edit…' }).click();
		const editor = page.getByTestId('schedule-editor');
		await expect(encrypt(editor)).toBeChecked();
		await expect(encrypt(editor)).toBeEnabled();
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect(call.args.schedule).toEqual({ ...encryptedNightly.schedule, nextRunAt: null });
	});

	test('the backend’s refusal is shown when the passphrase is gone', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				list_schedules: { ok: [encryptedNightly] },
				preview_trigger: { ok: dailyPreview },
				save_schedule: {
					err: {
						kind: 'invalidOptions',
						message:
							'this schedule encrypts its backups with the saved passphrase, and none is saved: save one under Destinations → Encryption first',
						detail: null
					}
				}
			}
		});
		await card(page, 'Nightly shop').getByRole('button', { name: 'Edit…' }).click();
		const editor = page.getByTestId('schedule-editor');
		// Ticked, it can still be unticked; the reason it cannot stay so is beside it.
		await expect(encrypt(editor)).toBeChecked();
		await expect(encrypt(editor)).toBeEnabled();
		await expect(encrypt(editor)).toHaveAccessibleDescription(
			'Set a passphrase under Destinations'
		);
		await editor.getByRole('button', { name: 'Save' }).click();
		const validation = editor.getByTestId('schedule-validation');
		await expect(validation).toHaveText(
			/^This schedule encrypts its backups with the saved passphrase, and none is saved/
		);
		await expect(editor).toBeVisible();
		await expect(editor.getByTestId('trigger-preview')).toContainText('Next runs');
		const backup = editor.getByRole('group', { name: 'Backup', exact: true });
		await backup.evaluate((el) => el.scrollIntoView({ block: 'start' }));
		await expect(page).toHaveScreenshot('editor-encrypt-refused.png');
		// Unticked, the refusal goes and it cannot be ticked again.
		await encrypt(editor).uncheck();
		await expect(validation).toHaveCount(0);
		await expect(encrypt(editor)).toBeDisabled();
	});

	test('public keys set with the CLI are shown and kept', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				...saved,
				list_schedules: { ok: [toKeys] },
				save_schedule: { ok: toKeys.schedule }
			}
		});
		await expect(
			card(page, 'Every 6 hours to the NAS').getByTestId('schedule-encrypted')
		).toHaveAttribute('title', 'Encrypted with age to 2 public keys');
		await card(page, 'Every 6 hours to the NAS').getByRole('button', { name: 'Edit…' }).click();
		const editor = page.getByTestId('schedule-editor');
		await expect(editor.getByTestId('schedule-recipients')).toHaveText(
			'Encrypts each backup to 2 public keys (age), as set with the tusk CLI; saving here keeps them.'
		);
		await expect(encrypt(editor)).toHaveCount(0);
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect(call.args.schedule).toEqual({ ...toKeys.schedule, nextRunAt: null });
	});

	test('an encrypted schedule’s card', async ({ page }) => {
		await openSchedules(page, {
			replies: { ...saved, list_schedules: { ok: [encryptedNightly, toKeys] } }
		});
		await expect(page.getByTestId('schedule-encrypted')).toHaveCount(2);
		await expect(page).toHaveScreenshot('list-encrypted.png');
	});
});
