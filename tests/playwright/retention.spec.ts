import { expect, test, type Page } from '@playwright/test';
import { NOW, mock, openApp, prodSource, record, scrollToTop, type Setup } from './fixtures';
import type {
	BackupReason,
	OwnKind,
	OwnRetention,
	RetentionGroup,
	RetentionPolicy
} from '../../src/lib/ipc/bindings';

const MB = 1024 * 1024;
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const manualRule: RetentionPolicy = {
	keepLast: 15,
	maxAgeDays: null,
	gfs: null,
	minKeep: 3,
	minVerified: 1
};
const safetyRule: RetentionPolicy = {
	keepLast: null,
	maxAgeDays: 14,
	gfs: null,
	minKeep: 2,
	minVerified: 0
};
const defaults: OwnRetention = { manual: null, safety: safetyRule };
const withManual: OwnRetention = { manual: manualRule, safety: safetyRule };

/** One database's backups of a kind, the oldest `deleted` of them let go with `reason`. */
function group(
	kind: OwnKind,
	database: string,
	count: number,
	deleted: number,
	reason: string,
	connection = 'Production'
): RetentionGroup {
	const backupReason: BackupReason = kind === 'manual' ? 'manual' : 'preRestore';
	const items = Array.from({ length: count }, (_, i) => {
		const keep = i < count - deleted;
		const id = `${kind}-${database}-${i}`;
		return {
			decision: {
				id,
				keep,
				reason: keep
					? kind === 'manual'
						? 'one of the newest 15'
						: 'younger than 14 days'
					: reason
			},
			backup: record({
				id,
				name:
					kind === 'manual' ? `${database} by hand #${count - i}` : `${database} before restore`,
				reason: backupReason,
				source: { ...prodSource, connectionName: connection, database },
				startedAt: daysAgo(kind === 'manual' ? i * 2 + 1 : i * 9 + 3),
				sizeBytes: (database === 'shop' ? 734 : 48) * MB
			})
		};
	});
	return { kind, database, connection, items };
}

/** What the rules with manual backups on would delete: 3 backups of shop, kept elsewhere. */
const deletions: RetentionGroup[] = [
	group('manual', 'shop', 17, 2, 'not among the newest 15'),
	group('safety', 'shop', 3, 1, 'older than 14 days'),
	group('safety', 'crm', 2, 0, '', 'Staging')
];

const deleted = (groups: RetentionGroup[]) =>
	groups
		.map((g) => ({ ...g, items: g.items.filter((i) => !i.decision.keep) }))
		.filter((g) => g.items.length > 0);

async function openRetention(page: Page, setup: Setup = {}) {
	await openApp(page, setup);
	await page.getByRole('button', { name: 'Settings' }).click();
	const section = page.getByTestId('settings').getByTestId('retention');
	await expect(section.getByTestId('retention-manual')).toBeVisible();
	await scrollToTop(section.getByRole('heading', { name: 'Old backups' }));
	return section;
}

const lastPreview = async (page: Page) =>
	(await mock(page).calls('preview_retention')).at(-1)?.args ?? null;

test.describe('settings: old backups', () => {
	test('by default manual backups are all kept and safety ones go after 14 days', async ({
		page
	}) => {
		const section = await openRetention(page);
		const manual = section.getByTestId('retention-manual');
		await expect(manual.getByRole('switch', { name: 'Delete old ones' })).not.toBeChecked();
		await expect(manual).toContainText('All are kept, however many there are.');
		await expect(manual.getByRole('spinbutton')).toHaveCount(0);

		const safety = section.getByTestId('retention-safety');
		await expect(safety).toContainText('Safety backups (taken before a restore)');
		await expect(safety.getByRole('switch', { name: 'Delete old ones' })).toBeChecked();
		await expect(safety.getByLabel('Delete them after')).toHaveValue('14');
		await expect(safety.getByLabel('Always keep at least')).toHaveValue('2');
		await expect(safety.getByLabel('Keep the newest')).toHaveCount(0);

		await expect(section.getByTestId('retention-summary')).toHaveText(
			'Nothing would be deleted now.'
		);
		expect(await lastPreview(page)).toEqual({ rules: defaults });
		await expect(section.getByRole('button', { name: 'Save' })).toBeDisabled();
	});

	test('manual backups switched on keep the newest 15, and the preview says so', async ({
		page
	}) => {
		const section = await openRetention(page);
		const manual = section.getByTestId('retention-manual');
		await manual.getByRole('switch', { name: 'Delete old ones' }).check();
		await expect(manual.getByLabel('Keep the newest')).toHaveValue('15');
		await expect(manual.getByLabel('Delete those older than')).toHaveValue('');
		await expect(manual.getByLabel('Always keep at least')).toHaveValue('3');
		await expect.poll(() => lastPreview(page)).toEqual({ rules: withManual });
		await expect(section.getByText('Not saved yet.')).toBeVisible();

		// Typed quickly, the rules are previewed once they settle.
		const calls = (await mock(page).calls('preview_retention')).length;
		await manual.getByLabel('Delete those older than').pressSequentially('90');
		await expect
			.poll(() => lastPreview(page))
			.toEqual({ rules: { ...withManual, manual: { ...manualRule, maxAgeDays: 90 } } });
		expect((await mock(page).calls('preview_retention')).length).toBe(calls + 1);
	});

	test('the preview lists what would be deleted, database by database, and why', async ({
		page
	}) => {
		const section = await openRetention(page, {
			replies: { preview_retention: { ok: deletions } }
		});
		await expect(section.getByTestId('retention-summary')).toHaveText(
			'3 backups of 22 would be deleted now, freeing 2.15 GB:'
		);
		const groups = section.getByTestId('retention-group');
		await expect(groups).toHaveCount(2);
		await expect(groups.first().locator('.group-head')).toHaveText(
			'shop on Production 2 of 17 manual backups'
		);
		await expect(groups.first().getByTestId('retention-item')).toHaveText([
			'shop by hand #2 2025-02-11 09:26 734 MB Not among the newest 15',
			'shop by hand #1 2025-02-09 09:26 734 MB Not among the newest 15'
		]);
		await expect(groups.nth(1).getByTestId('retention-item')).toHaveText([
			'shop before restore 2025-02-21 09:26 734 MB Older than 14 days'
		]);
	});

	test('saving rules that delete asks first, then says what was freed', async ({ page }) => {
		const section = await openRetention(page, {
			replies: {
				preview_retention: { ok: deletions },
				save_retention: { ok: deleted(deletions) }
			}
		});
		const m = mock(page);
		await section
			.getByTestId('retention-manual')
			.getByRole('switch', { name: 'Delete old ones' })
			.check();
		await expect.poll(() => lastPreview(page)).toEqual({ rules: withManual });

		await section.getByRole('button', { name: 'Save' }).click();
		const ask = section.getByRole('alertdialog', { name: 'Delete 3 backups now?' });
		await expect(ask).toContainText('freeing 2.15 GB. This cannot be undone.');
		await ask.getByRole('button', { name: 'Cancel' }).click();
		await expect(ask).toHaveCount(0);
		expect(await m.calls('save_retention')).toEqual([]);

		await section.getByRole('button', { name: 'Save' }).click();
		await m.reply('preview_retention', { ok: [] });
		await ask.getByRole('button', { name: 'Delete' }).click();
		await expect(section.getByTestId('retention-saved')).toHaveText(
			'Deleted 3 old backups (2.15 GB freed)'
		);
		expect((await m.calls('save_retention')).map((c) => c.args)).toEqual([{ rules: withManual }]);
		await expect(section.getByTestId('retention-summary')).toHaveText(
			'Nothing would be deleted now.'
		);
		await expect(section.getByRole('button', { name: 'Save' })).toBeDisabled();
	});

	test('rules that delete nothing are saved at once', async ({ page }) => {
		const section = await openRetention(page, { replies: { save_retention: { ok: [] } } });
		const safety = section.getByTestId('retention-safety');
		await safety.getByLabel('Delete them after').fill('30');
		await section.getByRole('button', { name: 'Save' }).click();
		await expect(section.getByTestId('retention-saved')).toHaveText('Saved');
		expect((await mock(page).calls('save_retention')).map((c) => c.args)).toEqual([
			{ rules: { ...defaults, safety: { ...safetyRule, maxAgeDays: 30 } } }
		]);

		// Switched off, safety backups are all kept.
		await safety.getByRole('switch', { name: 'Delete old ones' }).uncheck();
		await expect(safety).toContainText('All are kept');
		await section.getByRole('button', { name: 'Save' }).click();
		await expect
			.poll(async () => (await mock(page).calls('save_retention')).at(-1)?.args)
			.toEqual({ rules: { manual: null, safety: null } });
	});

	test('a rule with neither a count nor days is refused before anything is sent', async ({
		page
	}) => {
		const section = await openRetention(page, { replies: { save_retention: { ok: [] } } });
		const manual = section.getByTestId('retention-manual');
		await manual.getByRole('switch', { name: 'Delete old ones' }).check();
		await manual.getByLabel('Keep the newest').fill('');
		await expect(manual.getByTestId('retention-manual-problem')).toHaveText(
			'Enter how many to keep or after how many days to delete them, or switch this off to keep them all.'
		);
		await expect(manual.getByLabel('Keep the newest')).toHaveAccessibleDescription(
			/^Enter how many to keep/
		);
		await expect(section.getByTestId('retention-preview')).toHaveText(
			'Correct the rule above to see what it would delete.'
		);
		await expect(section.getByRole('button', { name: 'Save' })).toBeDisabled();
		await scrollToTop(section.getByRole('heading', { name: 'Old backups' }));
		await expect(page).toHaveScreenshot('retention-invalid.png');

		await manual.getByLabel('Always keep at least').fill('0');
		await manual.getByLabel('Keep the newest').fill('10');
		await expect(manual.getByTestId('retention-manual-problem')).toHaveText(
			'Always keep at least 1, so that no rule can delete every backup of a database.'
		);
		// Longer than the preview waits for typing to settle.
		await page.waitForTimeout(400);
		const sent = (await mock(page).calls('preview_retention')).map(
			(c) => (c.args.rules as OwnRetention).manual
		);
		expect(
			sent.filter((r) => r && (r.minKeep < 1 || (r.keepLast === null && r.maxAgeDays === null)))
		).toEqual([]);
		expect(await mock(page).calls('save_retention')).toEqual([]);
	});

	test("the engine's refusals are shown in the section", async ({ page }) => {
		const refused = {
			err: {
				kind: 'invalid',
				message:
					'manual backups: choose how many to keep or for how many days (or turn their retention off)',
				detail: null
			}
		} as const;
		const section = await openRetention(page, { replies: { preview_retention: refused } });
		const preview = section.getByTestId('retention-preview');
		await expect(preview).toHaveText(
			'The preview could not be made: Manual backups: choose how many to keep or for how many days (or turn their retention off)'
		);
		// What would be deleted is not known: nothing is.
		await section.getByTestId('retention-safety').getByLabel('Delete them after').fill('7');
		await expect(preview).toHaveText(/^The preview could not be made/);
		await expect(section.getByRole('button', { name: 'Save' })).toBeDisabled();

		await mock(page).reply('preview_retention', { ok: [] });
		await mock(page).reply('save_retention', refused);
		await section.getByTestId('retention-safety').getByLabel('Delete them after').fill('8');
		await expect(preview).toHaveText('Nothing would be deleted now.');
		await section.getByRole('button', { name: 'Save' }).click();
		await expect(section.getByTestId('retention-error')).toHaveText(
			'The rules were not saved: Manual backups: choose how many to keep or for how many days (or turn their retention off)'
		);
	});

	test('the rules could not be read', async ({ page }) => {
		await openApp(page, {
			replies: {
				get_retention: {
					err: { kind: 'io', message: 'the catalog is locked by another Tusk', detail: null }
				}
			}
		});
		await page.getByRole('button', { name: 'Settings' }).click();
		const section = page.getByTestId('retention');
		await expect(section.getByRole('alert')).toHaveText(
			'The rules could not be readThe catalog is locked by another Tusk'
		);
	});

	for (const theme of ['light', 'dark'] as const) {
		test(`the rules and what they would delete, ${theme}`, async ({ page }) => {
			const section = await openRetention(page, {
				theme,
				replies: { get_retention: { ok: withManual }, preview_retention: { ok: deletions } }
			});
			await expect(section.getByTestId('retention-item')).toHaveCount(3);
			await scrollToTop(section.getByRole('heading', { name: 'Old backups' }));
			await expect(page).toHaveScreenshot(`retention-${theme}.png`);

			await section.getByRole('button', { name: 'Save' }).click();
			await section.getByRole('alertdialog').scrollIntoViewIfNeeded();
			await expect(page).toHaveScreenshot(`retention-confirm-${theme}.png`);
		});
	}

	test('at 800×600 the rules and the preview fit', async ({ page }) => {
		const section = await openRetention(page, {
			viewport: { width: 800, height: 600 },
			replies: { get_retention: { ok: withManual }, preview_retention: { ok: deletions } }
		});
		await expect(section.getByTestId('retention-item')).toHaveCount(3);
		const body = page.getByTestId('settings').locator('.modal-body');
		expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
		await expect(page).toHaveScreenshot('retention-800x600.png');
		await section.getByTestId('retention-preview').scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('retention-preview-800x600.png');
	});
});
