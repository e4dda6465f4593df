import { expect, test, type Page } from '@playwright/test';
import type { AutomaticBackups } from '../../src/lib/ipc/bindings';
import { automaticBackups, LOOKS, mock, NOW, openApp, prod, type Setup } from './fixtures';
import { automaticProd, card, openSchedules } from './schedule-fixtures';

const MINUTE = 60_000;
const later = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE).toISOString();

/** A connection added with the form. */
const warehouse = { ...prod, id: 'warehouse', name: 'Warehouse', database: 'warehouse' };

/** What the backend answers once they are on: the schedule, the next run 3 h 12 min away. */
const on = (extra: Partial<AutomaticBackups> = {}) =>
	automaticBackups({
		enabled: true,
		schedule: automaticProd.schedule,
		nextRun: later(192),
		...extra
	});

/** Adds a connection with the form; the backend has `offered` as given. */
async function addConnection(page: Page, offered: boolean, setup: Setup = {}) {
	await openApp(page, {
		...setup,
		replies: {
			list_connections: { ok: [] },
			save_connection: { ok: warehouse },
			automatic_backups: { ok: automaticBackups({ offered, lastGoodBackup: null }) },
			set_automatic_backups: { ok: on() },
			dismiss_automatic_offer: { ok: automaticBackups({ lastGoodBackup: null }) },
			...setup.replies
		}
	});
	await page.getByRole('button', { name: 'Add connection' }).click();
	const form = page.getByTestId('connection-form');
	await form.getByLabel('Name').fill('Warehouse');
	await form.getByRole('button', { name: 'Save', exact: true }).click();
	await expect(form).toBeHidden();
	await expect(page.getByRole('heading', { name: 'Warehouse' })).toBeVisible();
}

const line = (page: Page) => page.getByTestId('automatic-line');

test.describe('the question after adding a connection', () => {
	for (const [name, setup] of LOOKS) {
		test(`asks once, ${name}`, async ({ page }) => {
			await addConnection(page, false, setup);
			const offer = page.getByTestId('automatic-offer');
			await expect(offer.getByText('Back this database up automatically?')).toBeVisible();
			await expect(offer).toContainText('every 4 hours, with the Fast preset');
			await expect(offer).toContainText('keeping the newest 15 backups');
			await expect(page).toHaveScreenshot(`offer-${name}.png`);
		});
	}

	test('Back up automatically turns them on, and the panel says so', async ({ page }) => {
		await addConnection(page, false);
		const offer = page.getByTestId('automatic-offer');
		await offer.getByRole('button', { name: 'Back up automatically' }).click();
		await expect(offer).toBeHidden();
		const m = mock(page);
		expect((await m.calls('set_automatic_backups')).map((c) => c.args)).toEqual([
			{ connectionId: 'warehouse', enabled: true }
		]);
		expect(await m.calls('dismiss_automatic_offer')).toEqual([]);
		await expect(line(page)).toContainText('Automatic backups on · next in 3 h 12 min');
	});

	test('a refusal is shown in the question, which stays', async ({ page }) => {
		await addConnection(page, false, {
			replies: {
				set_automatic_backups: {
					err: { kind: 'catalog', message: 'the history database is read-only', detail: null }
				}
			}
		});
		const offer = page.getByTestId('automatic-offer');
		await offer.getByRole('button', { name: 'Back up automatically' }).click();
		await expect(offer.getByRole('alert')).toContainText('the history database is read-only');
		await expect(offer.getByRole('button', { name: 'Not now' })).toBeEnabled();
	});

	test('Not now is not asked again', async ({ page }) => {
		await addConnection(page, false);
		const offer = page.getByTestId('automatic-offer');
		await offer.getByRole('button', { name: 'Not now' }).click();
		await expect(offer).toBeHidden();
		const m = mock(page);
		await expect
			.poll(async () => (await m.calls('dismiss_automatic_offer')).map((c) => c.args))
			.toEqual([{ connectionId: 'warehouse' }]);
		expect(await m.calls('set_automatic_backups')).toEqual([]);
		await expect(line(page)).toContainText('Automatic backups off');
	});

	test('closing it is Not now', async ({ page }) => {
		await addConnection(page, false);
		await page.keyboard.press('Escape');
		await expect(page.getByTestId('automatic-offer')).toBeHidden();
		await expect
			.poll(async () => (await mock(page).calls('dismiss_automatic_offer')).length)
			.toBe(1);
	});

	test('is not asked when it was asked before, nor after editing a connection', async ({
		page
	}) => {
		await addConnection(page, true);
		const m = mock(page);
		// Asked by the question (and by the panel's line) for the new connection.
		await expect
			.poll(async () => (await m.calls('automatic_backups')).map((c) => c.args.connectionId))
			.toEqual(['warehouse', 'warehouse']);
		await expect(line(page)).toContainText('Automatic backups off');
		await expect(page.getByTestId('automatic-offer')).toHaveCount(0);

		await m.reply('automatic_backups', { ok: automaticBackups({ offered: false }) });
		await page.getByRole('button', { name: 'Edit' }).click();
		const form = page.getByTestId('connection-form');
		await form.getByRole('button', { name: 'Save', exact: true }).click();
		await expect(form).toBeHidden();
		await expect(page.getByTestId('automatic-offer')).toHaveCount(0);
	});
});

test.describe('automatic backups on the connection’s panel', () => {
	for (const [name, setup] of LOOKS) {
		test(`on, with the next run, ${name}`, async ({ page }) => {
			await openApp(page, { ...setup, replies: { automatic_backups: { ok: on() } } });
			await expect(line(page)).toHaveText(/Automatic backups on · next in 3 h 12 min\s*Turn off/);
			await expect(page).toHaveScreenshot(`panel-on-${name}.png`);
		});
	}

	test('off, with the link to turn them on', async ({ page }) => {
		await openApp(page);
		await expect(line(page)).toHaveText(/Automatic backups off\s*Turn on/);
	});

	test('Turn off and Turn on send the switch', async ({ page }) => {
		await openApp(page, {
			replies: {
				automatic_backups: { ok: on() },
				set_automatic_backups: { ok: automaticBackups({ schedule: automaticProd.schedule }) }
			}
		});
		const m = mock(page);
		await line(page).getByRole('button', { name: 'Turn off' }).click();
		await expect(line(page)).toContainText('Automatic backups off');
		await m.reply('set_automatic_backups', { ok: on() });
		await line(page).getByRole('button', { name: 'Turn on' }).click();
		await expect(line(page)).toContainText('Automatic backups on · next in 3 h 12 min');
		expect((await m.calls('set_automatic_backups')).map((c) => c.args)).toEqual([
			{ connectionId: 'prod', enabled: false },
			{ connectionId: 'prod', enabled: true }
		]);
	});

	test('a refusal is said on the line', async ({ page }) => {
		await openApp(page, {
			replies: {
				set_automatic_backups: {
					err: { kind: 'notFound', message: 'no connection `prod`', detail: null }
				}
			}
		});
		await line(page).getByRole('button', { name: 'Turn on' }).click();
		await expect(line(page).getByRole('alert')).toHaveText('no connection `prod`');
		await expect(line(page)).toContainText('Automatic backups off');
	});

	test('counts down each minute, then says it is due', async ({ page }) => {
		await page.clock.install({ time: NOW });
		await openApp(page, { replies: { automatic_backups: { ok: on({ nextRun: later(2) }) } } });
		await expect(line(page)).toContainText('next in 2 min');
		await page.clock.setFixedTime(new Date(NOW.getTime() + MINUTE));
		await page.clock.runFor(MINUTE);
		await expect(line(page)).toContainText('next in 1 min');
		await page.clock.setFixedTime(new Date(NOW.getTime() + 2 * MINUTE));
		await page.clock.runFor(MINUTE);
		await expect(line(page)).toContainText('Automatic backups on · due now');
	});

	test('follows the schedules and the history as they change', async ({ page }) => {
		await openApp(page);
		const m = mock(page);
		await expect(line(page)).toContainText('Automatic backups off');
		await m.reply('automatic_backups', { ok: on() });
		await m.emit('schedules:changed');
		await expect(line(page)).toContainText('next in 3 h 12 min');
		await m.reply('automatic_backups', { ok: on({ nextRun: later(240) }) });
		await m.emit('history:changed');
		await expect(line(page)).toContainText('next in 4 h');
	});

	test('is the selected connection’s', async ({ page }) => {
		await openApp(page, {
			replies: {
				automatic_backups: {
					by: 'connectionId',
					answers: { prod: { ok: on() }, staging: { ok: automaticBackups() } }
				}
			}
		});
		await expect(line(page)).toContainText('Automatic backups on');
		await page.getByRole('button', { name: /Staging/ }).click();
		await expect(line(page)).toContainText('Automatic backups off');
	});
});

test.describe('the automatic schedule', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`is marked Automatic, ${theme}`, async ({ page }) => {
			await openSchedules(page, { theme, replies: { list_schedules: { ok: [automaticProd] } } });
			const sched = card(page, 'Automatic backups of Production');
			await expect(sched.getByTestId('schedule-automatic')).toHaveText('Automatic');
			await expect(sched).toContainText('Every 4 hours');
			await expect(sched).toHaveScreenshot(`schedule-${theme}.png`);
		});
	}

	test('other schedules are not', async ({ page }) => {
		const panel = await openSchedules(page);
		await expect(panel.getByTestId('schedule')).toHaveCount(2);
		await expect(panel.getByTestId('schedule-automatic')).toHaveCount(0);
	});
});
