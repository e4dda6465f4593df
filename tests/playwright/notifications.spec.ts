import { expect, test, type Locator, type Page } from '@playwright/test';
import { mock, openApp, scrollToTop, unlabelledControls, type Setup } from './fixtures';
import { nightly, openSchedules, card } from './schedule-fixtures';
import type {
	ChannelsView,
	Email,
	SaveChannel,
	SavedChannel,
	Schedule,
	ScheduleSummary
} from '../../src/lib/ipc/bindings';
import type { MockAnswer } from '../../src/lib/ipc/mock';

/** A Slack webhook, its URL in the keychain. */
const team: SavedChannel = {
	channel: { name: 'team', via: { kind: 'webhook', format: 'slack' } },
	secretStorage: 'keychain',
	description: 'webhook (Slack) to hooks.slack.com'
};

/** The company's SMTP server, signed in to with STARTTLS on the default port. */
const opsEmail: Email = {
	host: 'smtp.example.com',
	port: null,
	security: 'startTls',
	username: 'tusk@example.com',
	from: 'Tusk Backup <tusk@example.com>',
	to: ['ops@example.com', 'dba@example.com'],
	caCertificate: null
};

/** E-mail through the company's server, on a system without a keychain. */
const ops: SavedChannel = {
	channel: { name: 'ops', via: { kind: 'email', ...opsEmail } },
	secretStorage: 'session',
	description: 'e-mail to ops@example.com, dba@example.com via smtp.example.com:587'
};

const view = (...channels: SavedChannel[]): ChannelsView => ({ channels });
const saved: Setup['replies'] = { list_channels: { ok: view(team, ops) } };

const refused = (message: string): MockAnswer => ({
	err: { kind: 'invalidOptions', message, detail: null }
});

/** Opens Settings, scrolled to its Notifications section. */
async function openNotifications(page: Page, setup: Setup = {}) {
	await openApp(page, setup);
	await page.getByRole('button', { name: 'Settings' }).click();
	const settings = page.getByTestId('settings');
	const section = settings.getByTestId('notifications');
	// The sections above have their final height, so that the scroll below stays where it is.
	await expect(settings.getByTestId('tools-found')).toBeVisible();
	await expect(settings.getByTestId('retention-summary')).toBeVisible();
	await expect(section.getByText(/Reading the notification channels/)).toHaveCount(0);
	await scrollToTop(section.getByRole('heading').first());
	return section;
}

const form = (section: Locator) => section.getByTestId('channel-form');

/** Fills a new e-mail channel as for the company's server. */
async function fillEmail(section: Locator) {
	const f = form(section);
	await f.getByLabel('Name', { exact: true }).fill('ops');
	await f.getByRole('radio', { name: /^E-mail/ }).check();
	await f.getByLabel('SMTP server', { exact: true }).fill('smtp.example.com');
	await f.getByLabel('User name (optional)', { exact: true }).fill('tusk@example.com');
	await f.getByLabel('Password', { exact: true }).fill('not-the-right-one');
	await f.getByLabel('From', { exact: true }).fill('Tusk Backup <tusk@example.com>');
	await f.getByLabel('To', { exact: true }).fill('ops@example.com,\n  dba@example.com\n');
}

test.describe('settings: notifications', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`the channels, with where their secret is, ${theme}`, async ({ page }) => {
			const section = await openNotifications(page, { theme, replies: saved });
			const rows = section.getByTestId('channel');
			await expect(rows).toHaveCount(2);
			await expect(rows.nth(0)).toContainText('team');
			await expect(rows.nth(0)).toContainText('webhook (Slack) to hooks.slack.com');
			await expect(rows.nth(0)).toContainText('secret in keychain');
			await expect(rows.nth(1)).toContainText(
				'e-mail to ops@example.com, dba@example.com via smtp.example.com:587'
			);
			await expect(rows.nth(1)).toContainText('secret for this session only');
			await expect(rows.nth(1)).toContainText('enter its SMTP password again');
			await expect(page).toHaveScreenshot(`list-${theme}.png`);
		});
	}

	test('none yet: what channels are for', async ({ page }) => {
		const section = await openNotifications(page);
		await expect(section.getByTestId('no-channels')).toContainText(
			'Schedules can tell a webhook (Slack, Mattermost, a monitoring service) or an e-mail address when a backup fails.'
		);
		await expect(page).toHaveScreenshot('empty.png');
	});

	test('the channels cannot be read: the rest of Settings still works', async ({ page }) => {
		await openApp(page, {
			replies: { list_channels: refused('cannot read channels.json: Permission denied') }
		});
		await page.getByRole('button', { name: 'Settings' }).click();
		const settings = page.getByTestId('settings');
		const section = settings.getByTestId('notifications');
		await expect(section.getByRole('alert')).toContainText('The channels could not be read');
		await expect(section.getByRole('alert')).toContainText(
			'Cannot read channels.json: Permission denied'
		);
		await expect(settings.getByTestId('tools-found')).toBeVisible();
	});

	test('a webhook is added: checked first, then saved with its URL', async ({ page }) => {
		const section = await openNotifications(page, {
			replies: { save_channel: { ok: view(team) } }
		});
		const m = mock(page);
		await section.getByRole('button', { name: 'Add channel' }).click();
		const f = form(section);
		await expect(
			section.getByRole('heading', { name: 'Add a notification channel' })
		).toBeVisible();
		await expect(f.getByRole('radio', { name: /^Webhook/ })).toBeChecked();
		await expect(f.getByLabel('Webhook URL', { exact: true })).toHaveAttribute('type', 'password');

		await f.getByRole('button', { name: 'Save' }).click();
		await expect(f.getByTestId('field-error')).toHaveText([
			'Give the notification channel a name',
			'Enter the webhook URL'
		]);
		await f.getByLabel('Name', { exact: true }).fill('team');
		await f
			.getByLabel('Webhook URL', { exact: true })
			.fill('hooks.slack.com/services/T000/B000/XXXX');
		await expect(f.getByTestId('field-error')).toHaveText(
			/^The webhook URL is not a URL: copy it again from the service/
		);
		expect(await m.calls('save_channel')).toEqual([]);

		await f
			.getByLabel('Webhook URL', { exact: true })
			.fill('https://hooks.slack.com/services/T000/B000/XXXX');
		await f.getByRole('radio', { name: /^Slack-compatible/ }).check();
		await expect(f.getByTestId('field-error')).toHaveCount(0);
		await scrollToTop(section.getByRole('heading').first());
		await expect(page).toHaveScreenshot('webhook-form.png');

		await f.getByRole('button', { name: 'Save' }).click();
		await expect(section.getByRole('status')).toHaveText('✓ Saved team.');
		await expect(section.getByTestId('channel')).toHaveCount(1);
		expect((await m.calls('save_channel')).map((c) => c.args)).toEqual([
			{
				input: {
					originalName: null,
					channel: { name: 'team', via: { kind: 'webhook', format: 'slack' } },
					secret: 'https://hooks.slack.com/services/T000/B000/XXXX'
				}
			}
		]);
	});

	test('an e-mail test that fails shows the server’s answer in full, in the form', async ({
		page
	}) => {
		const message =
			'smtp.example.com:587 refused the user name or password (permanent error (535): 5.7.8 Username and Password not accepted): check them (some providers want an app password)';
		const section = await openNotifications(page, {
			replies: { test_channel: { ...refused(message), delayMs: 300 } }
		});
		const m = mock(page);
		await section.getByRole('button', { name: 'Add channel' }).click();
		await fillEmail(section);
		const f = form(section);
		await expect(f.getByLabel('Port', { exact: true })).toHaveAttribute('placeholder', '587');
		await f.getByRole('radio', { name: /^TLS/ }).check();
		await expect(f.getByLabel('Port', { exact: true })).toHaveAttribute('placeholder', '465');
		await f.getByRole('radio', { name: /^STARTTLS/ }).check();

		await f.getByRole('button', { name: 'Send test' }).click();
		await expect(f.getByRole('button', { name: 'Sending…' })).toBeDisabled();
		const error = f.getByTestId('channel-error');
		// A message that starts with the server's name keeps its case.
		await expect(error).toHaveText(`Not sent ${message}`);
		await expect(f).toBeVisible();
		expect((await m.calls('test_channel')).map((c) => c.args)).toEqual([
			{
				input: {
					originalName: null,
					channel: ops.channel,
					secret: 'not-the-right-one'
				}
			}
		]);
		await f.getByRole('button', { name: 'Save' }).scrollIntoViewIfNeeded();
		await page.mouse.move(0, 0);
		await expect(page).toHaveScreenshot('email-test-error.png');
	});

	test('the e-mail form, its checks in the backend’s words', async ({ page }) => {
		const section = await openNotifications(page, {
			replies: { 'plugin:dialog|open': { ok: '/etc/ssl/certs/company-ca.pem' } }
		});
		await section.getByRole('button', { name: 'Add channel' }).click();
		const f = form(section);
		await f.getByLabel('Name', { exact: true }).fill('ops');
		await f.getByRole('radio', { name: /^E-mail/ }).check();
		await f.getByLabel('User name (optional)', { exact: true }).fill('tusk@example.com');
		await f.getByRole('radio', { name: /^None/ }).check();
		await f.getByLabel('From', { exact: true }).fill('tusk');
		await f.getByLabel('To', { exact: true }).fill('ops@example.com, dba');
		await f.getByLabel('Port', { exact: true }).fill('0');
		await f.getByRole('button', { name: 'Browse…' }).click();
		await expect(f.getByRole('textbox', { name: /^CA certificate/ })).toHaveValue(
			'/etc/ssl/certs/company-ca.pem'
		);
		await f.getByRole('button', { name: 'Save' }).click();
		await expect(f.getByTestId('field-error')).toHaveText([
			"Enter the SMTP server's host name (smtp.example.com)",
			'The SMTP port must be between 1 and 65535',
			'The password would cross the network unencrypted: choose STARTTLS or TLS, or leave the user name empty for a relay that needs none',
			'tusk is not an e-mail address: write it as name@example.com or Name <name@example.com>',
			'dba is not an e-mail address: write it as name@example.com or Name <name@example.com>'
		]);
		expect(await mock(page).calls('save_channel')).toEqual([]);
		await scrollToTop(section.getByRole('heading').first());
		await expect(page).toHaveScreenshot('email-form-errors.png');
	});

	test('editing keeps the saved secret when the field is left empty', async ({ page }) => {
		const edited: SavedChannel = {
			...ops,
			channel: {
				name: 'ops',
				via: {
					kind: 'email',
					...opsEmail,
					to: ['ops@example.com', 'dba@example.com', 'cto@example.com']
				}
			}
		};
		const section = await openNotifications(page, {
			replies: { ...saved, save_channel: { ok: view(team, edited) } }
		});
		await section.getByRole('button', { name: 'Edit ops' }).click();
		const f = form(section);
		await expect(section.getByRole('heading', { name: 'Edit ops' })).toBeVisible();
		await expect(f.getByRole('radio', { name: /^E-mail/ })).toBeChecked();
		await expect(f.getByLabel('Password', { exact: true })).toHaveValue('');
		await expect(f.getByLabel('Password', { exact: true })).toHaveAttribute(
			'placeholder',
			'saved — leave empty to keep it'
		);
		await expect(f.getByLabel('To', { exact: true })).toHaveValue(
			'ops@example.com, dba@example.com'
		);
		await expect(f).toContainText('kept until Tusk quits (no keychain on this system)');
		await f
			.getByLabel('To', { exact: true })
			.fill('ops@example.com\ndba@example.com,\n\n cto@example.com ,');
		await f.getByRole('button', { name: 'Save' }).click();
		await expect(section.getByRole('status')).toHaveText('✓ Saved ops.');
		const [call] = await mock(page).calls('save_channel');
		const input = call.args.input as SaveChannel;
		expect(input.originalName).toBe('ops');
		expect(input.secret).toBeNull();
		expect(input.channel).toEqual(edited.channel);
	});

	test('a saved webhook is tested with its saved URL', async ({ page }) => {
		const section = await openNotifications(page, {
			replies: {
				...saved,
				test_channel: { ok: 'webhook (Slack) to hooks.slack.com', delayMs: 200 }
			}
		});
		const m = mock(page);
		// From its row…
		const row = section.getByTestId('channel').filter({ hasText: 'team' });
		await row.getByRole('button', { name: 'Send a test through team' }).click();
		await expect(row.getByRole('button', { name: 'Send a test through team' })).toHaveText(
			'Sending…'
		);
		await expect(row.getByTestId('channel-sent')).toHaveText(
			'✓ Sent to webhook (Slack) to hooks.slack.com.'
		);
		// …and from its form, the URL left empty.
		await row.getByRole('button', { name: 'Edit team' }).click();
		const f = form(section);
		await expect(f.getByLabel('Webhook URL', { exact: true })).toHaveAttribute(
			'placeholder',
			'saved — leave empty to keep it'
		);
		await expect(f.getByRole('radio', { name: /^Slack-compatible/ })).toBeChecked();
		await f.getByRole('button', { name: 'Send test' }).click();
		await expect(f.getByTestId('channel-sent')).toHaveText(
			'Test sent Sent to webhook (Slack) to hooks.slack.com. Check that it arrived.'
		);
		await f.getByRole('button', { name: 'Save' }).scrollIntoViewIfNeeded();
		const expected = { input: { originalName: 'team', channel: team.channel, secret: null } };
		expect((await m.calls('test_channel')).map((c) => c.args)).toEqual([expected, expected]);
		await page.mouse.move(0, 0);
		await expect(page).toHaveScreenshot('test-sent.png');
	});

	test('a channel a schedule uses is not removed, and says why', async ({ page }) => {
		const message =
			'“team” cannot be removed: “Nightly shop” notifies through it; take it out of that schedule first';
		const section = await openNotifications(page, {
			replies: {
				...saved,
				remove_channel: { by: 'name', answers: { team: refused(message), ops: { ok: view(team) } } }
			}
		});
		const teamRow = section.getByTestId('channel').filter({ hasText: 'team' });
		await teamRow.getByRole('button', { name: 'Remove team' }).click();
		const confirm = teamRow.getByTestId('remove-confirm');
		await expect(confirm).toContainText('Remove team? Tusk forgets it and its webhook URL.');
		await confirm.getByRole('button', { name: 'Remove team' }).click();
		await expect(teamRow.getByTestId('channel-error')).toHaveText(`Not removed ${message}`);
		await expect(section.getByTestId('channel')).toHaveCount(2);
		await expect(page).toHaveScreenshot('remove-refused.png');

		const opsRow = section.getByTestId('channel').filter({ hasText: 'ops' });
		await opsRow.getByRole('button', { name: 'Remove ops' }).click();
		await opsRow.getByTestId('remove-confirm').getByRole('button', { name: 'Remove ops' }).click();
		await expect(section.getByRole('status')).toHaveText('✓ Removed ops.');
		await expect(section.getByTestId('channel')).toHaveCount(1);
		expect((await mock(page).calls('remove_channel')).map((c) => c.args)).toEqual([
			{ name: 'team' },
			{ name: 'ops' }
		]);
	});

	test('the form at 800×600: nothing overflows', async ({ page }) => {
		const section = await openNotifications(page, { viewport: { width: 800, height: 600 } });
		await section.getByRole('button', { name: 'Add channel' }).click();
		await fillEmail(section);
		const body = page.getByTestId('settings').locator('.modal-body');
		expect(await body.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
		await scrollToTop(section.getByRole('heading').first());
		await expect(page).toHaveScreenshot('email-form-800x600.png');
	});

	test('every control is labelled', async ({ page }) => {
		const section = await openNotifications(page, { replies: saved });
		await section.getByRole('button', { name: 'Edit ops' }).click();
		expect(await unlabelledControls(page, 'notifications')).toEqual([]);
	});
});

test.describe('schedule editor: notification channels', () => {
	/** Nightly shop, notifying the team's webhook. */
	const notifying: ScheduleSummary = {
		...nightly,
		schedule: { ...nightly.schedule, notifyVia: ['team'] }
	};

	async function editNightly(page: Page, setup: Setup = {}) {
		await openSchedules(page, {
			...setup,
			replies: { list_schedules: { ok: [notifying] }, ...setup.replies }
		});
		await card(page, 'Nightly shop').getByRole('button', { name: 'Edit…' }).click();
		const editor = page.getByTestId('schedule-editor');
		await expect(editor).toBeVisible();
		return editor;
	}

	test('the channels are ticked, and saved with the schedule', async ({ page }) => {
		const editor = await editNightly(page, {
			replies: { ...saved, save_schedule: { ok: notifying.schedule } }
		});
		const via = editor.getByTestId('notify-via');
		await expect(via.getByRole('checkbox', { name: /^team/ })).toBeChecked();
		await expect(via.getByRole('checkbox', { name: /^ops/ })).not.toBeChecked();
		await via.getByRole('checkbox', { name: /^ops/ }).check();
		await expect(via).toContainText('ops e-mail to ops@example.com, dba@example.com');
		await editor.locator('.modal-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
		await expect(page).toHaveScreenshot('schedule-editor.png');

		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect((call.args.schedule as Schedule).notifyVia).toEqual(['team', 'ops']);
	});

	test('a schedule that never notifies names no channel', async ({ page }) => {
		const editor = await editNightly(page, {
			replies: { ...saved, save_schedule: { ok: notifying.schedule } }
		});
		await expect(editor.getByTestId('notify-via')).toBeVisible();
		await editor.getByLabel('Notify').selectOption({ label: 'Never' });
		await expect(editor.getByTestId('notify-via')).toHaveCount(0);
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect(call.args.schedule).toMatchObject({ notify: 'never', notifyVia: [] });
	});

	test('without channels, a line points to Settings', async ({ page }) => {
		await openSchedules(page);
		await page.getByRole('button', { name: 'New schedule…' }).click();
		const editor = page.getByTestId('schedule-editor');
		await expect(editor.getByTestId('no-channels')).toContainText('Settings → Notifications');
	});

	test('a channel since removed is shown to be unticked', async ({ page }) => {
		const editor = await editNightly(page, { replies: { list_channels: { ok: view(ops) } } });
		const via = editor.getByTestId('notify-via');
		await expect(via.getByRole('checkbox', { name: /^team/ })).toBeChecked();
		await expect(via).toContainText('team no longer saved under Settings → Notifications');
	});

	test('the channels cannot be read: the editor still saves, keeping those named', async ({
		page
	}) => {
		const editor = await editNightly(page, {
			replies: {
				list_channels: refused('cannot read channels.json: Permission denied'),
				save_schedule: { ok: notifying.schedule }
			}
		});
		await expect(editor.getByTestId('channels-error')).toContainText(
			'The notification channels could not be read: Cannot read channels.json'
		);
		await expect(editor.getByRole('checkbox', { name: /^team/ })).toBeChecked();
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		expect((call.args.schedule as Schedule).notifyVia).toEqual(['team']);
	});
});
