// Whole servers in the app: the Backup dialog's "What" (the whole server with its databases,
// or the roles and tablespaces only), a server backup in the history, and its restore.
import { expect, test, type Page } from '@playwright/test';
import type {
	BackupPart,
	Schedule,
	ServerBackupPlan,
	ServerContents,
	ServerRestorePlan
} from '../../src/lib/ipc/bindings';
import {
	mock,
	openApp,
	page as backupPage,
	prodSource,
	record,
	server,
	tool,
	type Setup
} from './fixtures';
import { nightly, openSchedules } from './schedule-fixtures';

const MB = 1024 * 1024;
const pgDumpall = {
	tool: tool('pg_dumpall', 150018),
	reason: 'same major version as the server (15)'
};

const serverPlan: ServerBackupPlan = {
	command:
		'pg_dumpall -w -h db.example.com -p 5432 -U app -l postgres --globals-only -f /home/alex/Production_server_2025-03-14_0926/globals.sql && pg_dump -Fc for each of 3 database(s): crm, postgres, shop → /home/alex/Production_server_2025-03-14_0926',
	server,
	pgDump: { tool: tool('pg_dump', 150018), reason: pgDumpall.reason },
	pgDumpall,
	databases: [
		{ name: 'crm', bytes: 48 * MB, owner: 'crm_owner', chosen: true, leftOutBecause: null },
		{ name: 'postgres', bytes: 7 * MB, owner: 'postgres', chosen: true, leftOutBecause: null },
		{ name: 'shop', bytes: 2131 * MB, owner: 'app', chosen: true, leftOutBecause: null },
		{
			name: 'template0',
			bytes: 7 * MB,
			owner: 'postgres',
			chosen: false,
			leftOutBecause: 'a template'
		},
		{
			name: 'template1',
			bytes: 7 * MB,
			owner: 'postgres',
			chosen: false,
			leftOutBecause: 'a template'
		}
	],
	estimatedBytes: 2186 * MB,
	warnings: []
};

const globalsPlan: ServerBackupPlan = {
	...serverPlan,
	command:
		'pg_dumpall -w -h db.example.com -p 5432 -U app -l postgres --globals-only --no-role-passwords -f /home/alex/Production_roles_2025-03-14_0926.sql',
	pgDump: pgDumpall,
	databases: [],
	estimatedBytes: 0,
	warnings: [
		'the role passwords were left out (--no-role-passwords): "app" may not read pg_authid, where PostgreSQL keeps them (only a superuser may; managed services let no one). The roles restore without passwords: set them again with ALTER ROLE … PASSWORD'
	]
};

function part(name: string, extra: Partial<BackupPart> = {}): BackupPart {
	return {
		kind: 'database',
		name,
		file: `${name}.backup`,
		status: 'completed',
		sizeBytes: 12 * MB,
		sha256: 'ab'.repeat(32),
		error: null,
		durationMs: 2_000,
		databaseBytes: 40 * MB,
		roles: [],
		...extra
	};
}

const parts: BackupPart[] = [
	part('globals', {
		kind: 'globals',
		file: 'globals.sql',
		sizeBytes: 4_096,
		roles: ['app', 'crm_owner', 'readers']
	}),
	part('crm'),
	part('postgres', { sizeBytes: 2_000 }),
	part('shop', { sizeBytes: 690 * MB }),
	part('Ledger “2024” = old', {
		status: 'failed',
		sizeBytes: null,
		sha256: null,
		error: 'pg_dump: error: query failed: canceling statement due to lock timeout'
	})
];

const serverRecord = record({
	id: 'server-1',
	name: 'whole server Production 2025-03-14 05:00',
	path: '/home/alex/backups/Production_server_2025-03-14_0500',
	sizeBytes: 702 * MB,
	status: 'completedWithWarnings',
	options: { ...record({ id: 'x' }).options, scope: 'server' },
	parts,
	source: prodSource
});

const contents: ServerContents = {
	version: 1,
	server: 'db.example.com:5432',
	serverVersion: '15.18',
	takenAt: '2025-03-14T05:00:00Z',
	format: 'custom',
	noRolePasswords: false,
	parts
};

const restorePlan: ServerRestorePlan = {
	server,
	contents,
	globals: true,
	existingRoles: ['app'],
	databases: [
		{ name: 'crm', file: 'crm.backup', intoExisting: false },
		{ name: 'postgres', file: 'postgres.backup', intoExisting: true },
		{ name: 'shop', file: 'shop.backup', intoExisting: false }
	],
	warnings: ['"Ledger “2024” = old" failed when this backup was made and is not restored']
};

async function openBackup(page: Page, setup: Setup = {}) {
	await openApp(page, {
		...setup,
		replies: {
			preview_server_backup: { ok: serverPlan },
			create_backup: {
				ok: { jobId: '', jobType: 'backup', command: serverPlan.command },
				withJobId: true
			},
			...setup.replies
		}
	});
	await page.getByRole('button', { name: 'Backup…' }).click();
	const dialog = page.getByTestId('backup-dialog');
	await expect(dialog.getByText(/^Ready:/)).toBeVisible();
	return dialog;
}

test.describe('whole server', () => {
	for (const theme of ['light', 'dark'] as const) {
		test(`backup of the whole server, ${theme}`, async ({ page }) => {
			const dialog = await openBackup(page, { theme });
			await dialog.getByRole('radio', { name: /The whole server/ }).check();
			await expect(dialog.getByTestId('server-databases')).toBeVisible();
			await expect(
				dialog.getByText('Ready: 3 databases, about 2.13 GB, and the roles')
			).toBeVisible();
			await expect(dialog.getByLabel('Output folder')).toHaveValue(
				'/home/alex/Production_server_2025-03-14_0926'
			);
			await expect(dialog.getByText('left out: a template')).toHaveCount(2);
			await expect(dialog.getByRole('radio', { name: /Plain SQL/ })).toBeDisabled();
			await dialog.getByTestId('server-summary').scrollIntoViewIfNeeded();
			await expect(page).toHaveScreenshot(`server-backup-${theme}.png`);
		});
	}

	test('sends the server scope with the databases left out', async ({ page }) => {
		const dialog = await openBackup(page);
		await dialog.getByRole('radio', { name: /The whole server/ }).check();
		await dialog.getByRole('checkbox', { name: 'crm' }).uncheck();
		await expect(dialog.getByTestId('server-summary')).toContainText('2 of 3 databases');
		await dialog.getByLabel('Databases at once').fill('2');
		const m = mock(page);
		await expect
			.poll(async () => (await m.calls('preview_server_backup')).length)
			.toBeGreaterThan(0);
		await expect(dialog.getByText(/^Ready:/)).toBeVisible();
		await dialog.getByRole('button', { name: 'Start backup' }).click();
		const [call] = await m.calls('create_backup');
		expect(call.args.options).toMatchObject({
			scope: 'server',
			outputPath: '/home/alex/Production_server_2025-03-14_0926',
			format: 'custom',
			encryption: { kind: 'none' },
			server: { excludeDatabases: ['crm'], parallel: 2, globals: 'all' }
		});
	});

	test('roles and tablespaces only, with the passwords left out and why', async ({ page }) => {
		const dialog = await openBackup(page, {
			replies: { preview_server_backup: { ok: globalsPlan } }
		});
		await dialog
			.getByRole('radio', { name: /Roles and tablespaces/ })
			.first()
			.check();
		await expect(dialog.getByLabel('Output file')).toHaveValue(
			'/home/alex/Production_roles_2025-03-14_0926.sql'
		);
		await expect(dialog.getByText('may not read pg_authid')).toBeVisible();
		await expect(dialog.getByRole('radio', { name: 'Roles only' })).toBeVisible();
		await dialog.getByText('may not read pg_authid').scrollIntoViewIfNeeded();
		await expect(page).toHaveScreenshot('globals-backup.png');
	});

	test('a server backup in the history, restored onto the server', async ({ page }) => {
		await openApp(page, {
			replies: {
				list_backups: { ok: backupPage([serverRecord]) },
				server_backup_contents: { ok: contents },
				preview_server_restore: { ok: restorePlan },
				restore_server: {
					ok: { jobId: '', jobType: 'restore', command: 'restore of 3 database(s)' },
					withJobId: true
				}
			}
		});
		const history = page.getByTestId('history');
		await expect(history.getByText('Whole server · 3 databases')).toBeVisible();
		await history.getByRole('button', { name: `Restore ${serverRecord.name}` }).click();
		const dialog = page.getByRole('dialog');
		await expect(dialog.getByText(/^Ready: 3 databases after the roles/)).toBeVisible();
		await expect(dialog.getByText('restored into the empty database there')).toBeVisible();
		await expect(
			dialog.getByText('left as they are (attributes and passwords unchanged): app')
		).toBeVisible();
		await expect(page).toHaveScreenshot('server-restore.png');
		await dialog.getByRole('checkbox', { name: 'crm' }).uncheck();
		const m = mock(page);
		await expect
			.poll(async () => (await m.calls('preview_server_restore')).at(-1)?.args.input)
			.toMatchObject({ databases: ['postgres', 'shop'] });
		await dialog.getByRole('button', { name: 'Restore onto this server' }).click();
		const [call] = await m.calls('restore_server');
		expect(call.args).toMatchObject({
			connectionId: 'prod',
			input: {
				path: serverRecord.path,
				databases: ['postgres', 'shop'],
				skipGlobals: false,
				jobs: 2
			}
		});
	});

	test('a schedule of whole-server backups', async ({ page }) => {
		await openSchedules(page, {
			replies: {
				save_schedule: { ok: { ...nightly.schedule, id: 'new-id' } },
				'plugin:dialog|open': { ok: '/srv/backups/server' }
			}
		});
		await page.getByRole('button', { name: 'New schedule…' }).click();
		const editor = page.getByTestId('schedule-editor');
		await editor.getByLabel('Name', { exact: true }).fill('Whole server nightly');
		await editor
			.getByTestId('schedule-scope')
			.selectOption({ label: 'The whole server: roles, tablespaces, every database' });
		await expect(editor.getByLabel('Connect through database')).toBeVisible();
		await expect(editor.getByText('Encrypt with the saved passphrase (age)')).toHaveCount(0);
		await editor.getByRole('button', { name: 'Browse…' }).click();
		await editor.getByRole('button', { name: 'Save' }).click();
		await expect(editor).toBeHidden();
		const [call] = await mock(page).calls('save_schedule');
		const sent = call.args.schedule as Schedule;
		expect(sent.options.scope).toBe('server');
		expect(sent.destination).toBe('/srv/backups/server');
	});

	test('the Restore dialog hands a server backup it is given to the server restore', async ({
		page
	}) => {
		await openApp(page, {
			replies: {
				'plugin:dialog|open': { ok: serverRecord.path },
				get_backup_info: {
					err: { kind: 'invalid', message: 'not a pg_dump archive', detail: null }
				},
				server_backup_contents: { ok: contents },
				preview_server_restore: { ok: restorePlan }
			}
		});
		await page.getByRole('button', { name: 'Restore…', exact: true }).click();
		const dialog = page.getByTestId('restore-dialog');
		await dialog.getByRole('button', { name: 'Choose file…' }).click();
		await expect(page.getByText('Restore a whole server')).toBeVisible();
		await expect(page.getByText(/^Ready: 3 databases after the roles/)).toBeVisible();
		// The file restore closed: its Choose file… is gone.
		await expect(page.getByRole('button', { name: 'Choose file…' })).toHaveCount(0);
	});
});
