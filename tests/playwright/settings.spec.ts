import { expect, test, type Page } from '@playwright/test';
import {
	connectionTools,
	mock,
	openApp,
	server,
	tool,
	toolsView,
	scrollToTop,
	unlabelledControls,
	type Setup
} from './fixtures';

const added = '/opt/postgresql-17/bin';
const pgDump17 = tool('pg_dump', 170005, ['gzip', 'zstd'], added);

/** The demo database does not answer; Staging's server is unknown to the profiles. */
const picksByConnection = {
	by: 'connectionId',
	answers: {
		prod: { ok: connectionTools(18) },
		staging: {
			err: { kind: 'notFound', message: 'no saved connection `staging`', detail: null }
		},
		demo: {
			ok: {
				...connectionTools(18),
				server: null,
				serverError:
					'connection to server on socket "/home/alex/.local/share/tusk/demo/.s.PGSQL.5433" failed: No such file or directory'
			}
		}
	}
} as const;

async function openSettings(page: Page, setup: Setup = {}) {
	await openApp(page, {
		...setup,
		replies: { connection_tools: picksByConnection, ...setup.replies }
	});
	await page.getByRole('button', { name: 'Settings' }).click();
	const settings = page.getByTestId('settings');
	await expect(settings.getByTestId('tools-found')).toBeVisible();
	return settings;
}

test.describe('settings: PostgreSQL tools', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`the tools found and the folders searched, ${theme}`, async ({ page }) => {
			const settings = await openSettings(page, { theme });
			const rows = settings.getByTestId('tools-found').getByRole('row');
			await expect(rows).toHaveText([
				'ToolVersionFolderCompression',
				'pg_dump18.6/usr/lib/postgresql/18/bingzip, lz4, zstd',
				'pg_restore18.6/usr/lib/postgresql/18/bin',
				'psql18.6/usr/lib/postgresql/18/bin',
				'pg_dump15.18/usr/lib/postgresql/15/bin',
				'pg_restore15.18/usr/lib/postgresql/15/bin',
				'psql15.18/usr/lib/postgresql/15/bin'
			]);
			await expect(settings.getByTestId('searched-folders').getByRole('listitem')).toHaveText([
				'/usr/lib/postgresql/18/bin',
				'/usr/lib/postgresql/15/bin',
				'/usr/bin'
			]);
			await expect(settings.getByTestId('tools-fixed')).toHaveCount(0);
			await expect(page).toHaveScreenshot(`tools-${theme}.png`);
		});
	}

	test('a folder is added and removed; one without tools is refused', async ({ page }) => {
		const settings = await openSettings(page, {
			replies: {
				'plugin:dialog|open': { ok: '/home/alex/Downloads' },
				add_tools_folder: {
					by: 'path',
					answers: {
						'/home/alex/Downloads': {
							err: {
								kind: 'invalidOptions',
								message:
									'/home/alex/Downloads holds none of pg_dump, pg_restore, psql or pg_dumpall that runs: choose the bin folder of a PostgreSQL installation',
								detail: null
							}
						},
						[added]: { ok: toolsView([pgDump17], [added]) }
					}
				},
				remove_tools_folder: { ok: toolsView() }
			}
		});
		const m = mock(page);
		await settings.getByRole('button', { name: 'Add folder…' }).click();
		const error = settings.getByTestId('folder-error');
		await expect(error).toContainText('The folder was not added');
		await expect(error).toContainText('holds none of pg_dump, pg_restore, psql or pg_dumpall');
		await expect(settings.getByTestId('added-folders')).toHaveCount(0);
		await error.scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('folder-refused.png');

		await m.reply('plugin:dialog|open', { ok: added });
		await settings.getByRole('button', { name: 'Add folder…' }).click();
		await expect(error).toHaveCount(0);
		await expect(settings.getByTestId('added-folders').getByRole('listitem')).toHaveText([
			`${added} Remove`
		]);
		await expect(settings.getByTestId('searched-folders').getByRole('listitem').first()).toHaveText(
			added
		);
		await expect(settings.getByTestId('tools-found').getByRole('row').nth(1)).toHaveText(
			`pg_dump17.5${added}gzip, zstd`
		);
		expect((await m.calls('add_tools_folder')).map((c) => c.args)).toEqual([
			{ path: '/home/alex/Downloads' },
			{ path: added }
		]);
		await settings.getByTestId('added-folders').scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('folder-added.png');

		await settings.getByRole('button', { name: `Remove ${added}` }).click();
		await expect(settings.getByTestId('added-folders')).toHaveCount(0);
		expect((await m.calls('remove_tools_folder'))[0].args).toEqual({ path: added });
	});

	test('TUSK_PG_BIN overrides every folder, and says so', async ({ page }) => {
		const settings = await openSettings(page, {
			replies: {
				list_tools: {
					ok: {
						...toolsView([], [added]),
						fixed: '/usr/lib/postgresql/15/bin',
						searched: ['/usr/lib/postgresql/15/bin']
					}
				}
			}
		});
		await expect(settings.getByTestId('tools-fixed')).toContainText(
			'Only /usr/lib/postgresql/15/bin is searched'
		);
	});

	test('which tools each connection uses, checked on demand', async ({ page }) => {
		const settings = await openSettings(page);
		const rows = settings.getByTestId('connection-tools');
		await expect(rows).toHaveCount(3);
		expect(await mock(page).calls('connection_tools')).toEqual([]);

		const prod = rows.filter({ hasText: 'Production' });
		await prod.getByRole('button', { name: 'Check Production' }).click();
		await expect(prod).toContainText(
			`PostgreSQL 15.18 — connected to ${server.database} as ${server.user}`
		);
		await expect(prod.locator('dt')).toHaveText(['pg_dump', 'pg_restore', 'psql', 'pg_dumpall']);
		await expect(prod.locator('dd').first()).toHaveText(
			"18.6 /usr/lib/postgresql/18/bin/pg_dump pg_dump 18.6 is the closest found to the server's PostgreSQL 15 (none of 15 was found; a newer pg_dump works with an older server)"
		);
		await expect(prod.locator('dd').last()).toContainText('pg_dumpall was not found');
		await expect(prod.getByRole('button', { name: 'Check Production' })).toHaveText('Check again');

		const demo = rows.filter({ hasText: 'Demo database' });
		await demo.getByRole('button', { name: 'Check Demo database' }).click();
		await expect(demo).toContainText('The server did not answer: connection to server on socket');
		await expect(demo.locator('dd').first()).toContainText('18.6');

		const staging = rows.filter({ hasText: 'Staging' });
		await staging.getByRole('button', { name: 'Check Staging' }).click();
		await expect(staging).toContainText('✕ No saved connection staging');

		expect((await mock(page).calls('connection_tools')).map((c) => c.args)).toEqual([
			{ connectionId: 'prod' },
			{ connectionId: 'demo' },
			{ connectionId: 'staging' }
		]);
		await scrollToTop(settings.getByRole('heading', { name: 'Which tools each connection uses' }));
		await expect(page).toHaveScreenshot('connection-picks.png');
	});

	test('at 800×600 nothing overflows', async ({ page }) => {
		const settings = await openSettings(page, { viewport: { width: 800, height: 600 } });
		const body = settings.locator('.modal-body');
		expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
		await expect(
			settings.locator('.modal-footer').getByRole('button', { name: 'Close' })
		).toBeInViewport();
		await expect(page).toHaveScreenshot('tools-800x600.png');
	});

	test('every control is labelled', async ({ page }) => {
		await openSettings(page);
		expect(await unlabelledControls(page, 'settings')).toEqual([]);
	});
});
