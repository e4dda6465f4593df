// End-to-end: the real debug app under Xvfb, driven through the Tauri MCP
// bridge, against the harness's real PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
	startPostgres,
	startApp,
	connectMcp,
	ipc,
	js,
	tool,
	psql,
	until,
	waitForText,
	root
} from './harness.mjs';

let pg, app, home, client, connectionId, db;
const artefacts = path.join(root, 'test-results/mcp');
/** Job ids are UUIDs, as the window makes them (crypto.randomUUID()). */
const jobIds = { backup: randomUUID(), restore: randomUUID(), cancel: randomUUID() };

before(async () => {
	mkdirSync(artefacts, { recursive: true });
	pg = await startPostgres();
	db = 'shop_e2e';
	psql(pg, 'postgres', `CREATE DATABASE ${db}`);
	psql(
		pg,
		db,
		`CREATE SCHEMA sales;
		 CREATE TABLE sales.customers (id serial PRIMARY KEY, name text NOT NULL);
		 CREATE TABLE sales.orders (id bigserial PRIMARY KEY, customer_id int REFERENCES sales.customers(id), total numeric);
		 CREATE TABLE public.big AS SELECT i, (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 24) WHERE i > 0) AS t
		   FROM generate_series(1, 80000) i;
		 INSERT INTO sales.customers (name) SELECT 'c' || i FROM generate_series(1, 1000) i;
		 INSERT INTO sales.orders (customer_id, total) SELECT 1 + i % 1000, i FROM generate_series(1, 5000) i;
		 ANALYZE;`
	);
	({ app, home } = startApp(pg));
	client = await connectMcp();
	const profile = await ipc(client, 'save_connection', {
		profile: { name: 'E2E shop', host: pg.socketDir, port: pg.port, database: db, user: 'postgres' }
	});
	connectionId = profile.id;
});

after(async () => {
	await client?.close();
	app?.kill();
	pg?.stop();
	// The app's history, connections and backups: nothing is left in the temp folder.
	if (home) rmSync(home, { recursive: true, force: true });
});

/**
 * Restores as the window does: the pre-flight of exactly these options first,
 * then its token and, when the plan asks for one, the database name typed.
 */
async function restore(jobId, options) {
	const plan = await ipc(client, 'preflight_restore', { options });
	return ipc(client, 'restore_backup', {
		jobId,
		options,
		confirmation: { token: plan.token, typedName: plan.safety.confirmName ?? null }
	});
}

async function finished(jobId) {
	return until(`job ${jobId} to end`, async () => {
		const jobs = await ipc(client, 'list_jobs');
		const job = jobs.find((j) => j.jobId === jobId);
		return job?.outcome ?? null;
	});
}

test('create_backup completes and writes the file', async () => {
	const outputPath = path.join(home, 'e2e.backup');
	const started = await ipc(client, 'create_backup', {
		jobId: jobIds.backup,
		options: {
			connectionId,
			outputPath,
			format: 'custom',
			compression: 1,
			excludeTableData: ['public.big']
		}
	});
	assert.equal(started.jobType, 'backup');
	const outcome = await finished(jobIds.backup);
	assert.equal(outcome.status, 'completed', JSON.stringify(outcome.error));
	assert.ok(existsSync(outputPath));
	assert.ok(outcome.sizeBytes > 0);
});

test('get_backup_info returns the real database name and table count', async () => {
	const info = await ipc(client, 'get_backup_info', { path: path.join(home, 'e2e.backup') });
	assert.equal(info.format, 'custom');
	assert.equal(info.database, db);
	assert.equal(info.contents.tables.length, 3);
	assert.ok(info.contents.schemas.includes('sales'));
});

test('restore_backup into a new database restores the rows', async () => {
	await restore(jobIds.restore, {
		connectionId,
		inputPath: path.join(home, 'e2e.backup'),
		targetDatabase: 'shop_e2e_copy',
		createDatabase: true
	});
	const outcome = await finished(jobIds.restore);
	assert.equal(outcome.status, 'completed', JSON.stringify(outcome.error));
	assert.equal(psql(pg, 'shop_e2e_copy', 'SELECT count(*) FROM sales.orders'), '5000');
	assert.equal(psql(pg, 'shop_e2e_copy', 'SELECT count(*) FROM sales.customers'), '1000');
	// A restore that completed leaves nothing for the window to warn about.
	assert.deepEqual(await ipc(client, 'list_incomplete_restores'), []);
});

test("seed 001's restore example (jobs: 4, the rest left to defaults) runs in parallel and says why single transaction is off", async () => {
	psql(pg, 'postgres', 'CREATE DATABASE shop_e2e_seed');
	const target = await ipc(client, 'save_connection', {
		profile: {
			name: 'E2E seed target',
			host: pg.socketDir,
			port: pg.port,
			database: 'shop_e2e_seed',
			user: 'postgres'
		}
	});
	// The example's options as the seed writes them: no singleTransaction.
	const options = {
		connectionId: target.id,
		inputPath: path.join(home, 'e2e.backup'),
		clean: false,
		noOwner: true,
		exitOnError: true,
		jobs: 4
	};
	const plan = await ipc(client, 'preflight_restore', { options });
	assert.ok(
		plan.preflight.warnings.some((w) =>
			w.startsWith('single transaction is off: pg_restore cannot run 4 parallel jobs')
		),
		JSON.stringify(plan.preflight.warnings)
	);
	const jobId = randomUUID();
	await ipc(client, 'restore_backup', {
		jobId,
		options,
		confirmation: { token: plan.token, typedName: plan.safety.confirmName ?? null }
	});
	const outcome = await finished(jobId);
	assert.equal(outcome.status, 'completed', JSON.stringify(outcome.error));
	assert.match(outcome.command, / -j 4 /);
	assert.doesNotMatch(outcome.command, /--single-transaction/);
	assert.equal(psql(pg, 'shop_e2e_seed', 'SELECT count(*) FROM sales.orders'), '5000');
	// Asked for explicitly, a single transaction with 4 jobs is still refused, with the reason.
	await assert.rejects(
		ipc(client, 'preflight_restore', { options: { ...options, singleTransaction: true } }),
		/cannot run parallel jobs inside a single transaction/
	);
});

test('cancel_job ends a long backup as cancelled with no file left', async () => {
	const folder = path.join(home, 'cancel');
	mkdirSync(folder);
	const outputPath = path.join(folder, 'long.backup');
	await ipc(client, 'create_backup', {
		jobId: jobIds.cancel,
		options: { connectionId, outputPath, compression: 9 }
	});
	// pg_dump is at work once the job is past connecting; a job that ended
	// first fails here at once, saying how it ended.
	await until('the backup to start dumping', async () => {
		const job = (await ipc(client, 'list_jobs')).find((j) => j.jobId === jobIds.cancel);
		if (job?.outcome)
			throw new Error(`the backup ended before it was cancelled: ${job.outcome.status}`);
		return ['schema', 'data'].includes(job?.progress?.phase);
	});
	assert.equal(await ipc(client, 'cancel_job', { jobId: jobIds.cancel }), true);
	const outcome = await finished(jobIds.cancel);
	assert.equal(outcome.status, 'cancelled');
	assert.deepEqual(readdirSync(folder), []);
});

test('a duplicate job id is refused with its error', async () => {
	await assert.rejects(
		ipc(client, 'create_backup', {
			jobId: jobIds.backup,
			options: { connectionId, outputPath: path.join(home, 'again.backup') }
		}),
		/already exists: use a new id/
	);
});

test('a job id that is not a UUID is refused', async () => {
	const options = {
		connectionId,
		inputPath: path.join(home, 'e2e.backup'),
		targetDatabase: 'shop_e2e_not_uuid',
		createDatabase: true
	};
	const plan = await ipc(client, 'preflight_restore', { options });
	await assert.rejects(
		ipc(client, 'restore_backup', {
			jobId: 'e2e-restore-again',
			options,
			confirmation: { token: plan.token, typedName: null }
		}),
		/is not a UUID/
	);
	await assert.rejects(
		ipc(client, 'create_backup', {
			jobId: 'e2e-backup-again',
			options: { connectionId, outputPath: path.join(home, 'not-uuid.backup') }
		}),
		/is not a UUID/
	);
	assert.equal(
		psql(pg, 'postgres', "SELECT count(*) FROM pg_database WHERE datname = 'shop_e2e_not_uuid'"),
		'0'
	);
	assert.ok(!existsSync(path.join(home, 'not-uuid.backup')));
});

test('restore_backup refuses a token that is not the pre-flight of these options', async () => {
	const options = {
		connectionId,
		inputPath: path.join(home, 'e2e.backup'),
		targetDatabase: 'shop_e2e_token',
		createDatabase: true
	};
	const plan = await ipc(client, 'preflight_restore', { options });
	assert.equal(plan.safety.confirmName, null, 'a new database asks for no typed name');
	// The options changed after the pre-flight: its token is not for them.
	await assert.rejects(
		ipc(client, 'restore_backup', {
			jobId: randomUUID(),
			options: { ...options, targetDatabase: 'shop_e2e_token_other' },
			confirmation: { token: plan.token, typedName: null }
		}),
		/not the one that was checked/
	);
	// A token the app never handed out.
	await assert.rejects(
		ipc(client, 'restore_backup', {
			jobId: randomUUID(),
			options,
			confirmation: { token: 'f'.repeat(64), typedName: null }
		}),
		/not the one that was checked/
	);
	assert.equal(
		psql(pg, 'postgres', "SELECT count(*) FROM pg_database WHERE datname LIKE 'shop_e2e_token%'"),
		'0',
		'nothing was created'
	);
});

test('a restore that drops objects runs only with the database name typed', async () => {
	const options = { connectionId, inputPath: path.join(home, 'e2e.backup'), clean: true };
	const plan = await ipc(client, 'preflight_restore', { options });
	assert.equal(plan.safety.confirmName, db);
	assert.ok(
		plan.safety.mustConfirm.some((reason) => reason.startsWith('clean drops')),
		JSON.stringify(plan.safety.mustConfirm)
	);
	const before = psql(pg, db, 'SELECT count(*) FROM sales.orders');
	for (const typedName of [null, 'shop']) {
		await assert.rejects(
			ipc(client, 'restore_backup', {
				jobId: randomUUID(),
				options,
				confirmation: { token: plan.token, typedName }
			}),
			new RegExp(`type "${db}" to confirm`)
		);
	}
	assert.equal(psql(pg, db, 'SELECT count(*) FROM sales.orders'), before, 'nothing was touched');
});

test('the Backup dialog, opened by a click, runs a real backup to completion', async () => {
	const outputPath = path.join(home, 'from-dialog.backup');
	await tool(client, 'webview_interact', {
		action: 'click',
		selector: 'Backup…',
		strategy: 'text'
	});
	// The object tree comes from the live database.
	await waitForText(client, 'customers');
	await js(
		client,
		`(() => {
			const input = document.querySelector('[data-testid="backup-dialog"] .path-row input');
			input.value = ${JSON.stringify(outputPath)};
			input.dispatchEvent(new Event('input', { bubbles: true }));
			return input.value;
		})()`
	);
	// The dialog checks the options against the server before Start is enabled.
	await waitForText(client, 'Ready:');
	await tool(client, 'webview_interact', {
		action: 'click',
		selector: 'Start backup',
		strategy: 'text'
	});
	await waitForText(client, 'Backup completed', 60_000);
	// The panel behind the dialog stops listing it as running.
	await until('the running list to empty', () =>
		js(client, `(() => document.querySelectorAll('[data-testid="running-job"]').length === 0)()`)
	);
	const shot = path.join(artefacts, 'backup-dialog-completed.png');
	await tool(client, 'webview_screenshot', { filePath: shot, format: 'png' });
	assert.ok(existsSync(shot));
	assert.ok(existsSync(outputPath), 'the dialog wrote the backup');
	const info = await ipc(client, 'get_backup_info', { path: outputPath });
	assert.equal(info.database, db);
	assert.equal(info.contents.tables.length, 3);
	await tool(client, 'webview_keyboard', { action: 'press', key: 'Escape' });
});

test('a schedule runs by itself and its backup is verified in the history', async () => {
	const destination = path.join(home, 'scheduled');
	const saved = await ipc(client, 'save_schedule', {
		schedule: {
			name: 'Every two seconds',
			source: { connectionId, database: db },
			trigger: { kind: 'interval', everySecs: 2 },
			options: { compression: 1, excludeTableData: ['public.big'] },
			destination,
			retention: { keepLast: 5, minKeep: 1 },
			verifyAfter: true,
			maxRetries: 0
		}
	});
	assert.ok(saved.nextRunAt, 'the next run is computed');
	const verified = await until(
		'a scheduled backup to be verified',
		async () => {
			const page = await ipc(client, 'list_backups', {
				query: { scheduleId: saved.id, statuses: [], limit: 10, offset: 0 }
			});
			return page.items.find((b) => b.verification?.status === 'passed') ?? null;
		},
		90_000
	);
	// Stop it before the next tests: it would go on every two seconds.
	await ipc(client, 'set_schedule_enabled', { id: saved.id, enabled: false });
	assert.equal(verified.reason, 'scheduled');
	assert.ok(existsSync(verified.path));
	assert.ok(existsSync(`${verified.path}.sha256`));
	const orders = verified.verification.tables.find((t) => t.name === 'orders');
	assert.deepEqual([orders.expected, orders.restored], [5000, 5000]);
	const summaries = await ipc(client, 'list_schedules');
	const stats = summaries.find((s) => s.schedule.id === saved.id).stats;
	assert.ok(stats.successfulRuns >= 1, JSON.stringify(stats));
	// The window shows it: the history row with its verified badge.
	await waitForText(client, 'Verified restorable', 30_000);
	const shot = path.join(artefacts, 'history-verified.png');
	await tool(client, 'webview_screenshot', { filePath: shot, format: 'png' });
	assert.ok(existsSync(shot));
});

test('a whole-server backup from the app: recorded with its parts, verified, restored onto a fresh server', async () => {
	const outputPath = path.join(home, 'whole server');
	const jobId = randomUUID();
	await ipc(client, 'create_backup', {
		jobId,
		options: {
			connectionId,
			outputPath,
			scope: 'server',
			compression: 1,
			excludeTableData: ['public.big'],
			server: { includeDatabases: [db], parallel: 1 }
		}
	});
	const outcome = await finished(jobId);
	assert.equal(outcome.status, 'completed', JSON.stringify(outcome.error ?? outcome.warnings));
	assert.ok(existsSync(path.join(outputPath, 'tusk-server.json')));
	const record = (
		await ipc(client, 'list_backups', { query: { statuses: [], limit: 20, offset: 0 } })
	).items.find((b) => b.id === outcome.backupId);
	assert.deepEqual(
		record.parts.map((p) => [p.kind, p.name, p.status]),
		[
			['globals', 'globals', 'completed'],
			['database', db, 'completed']
		]
	);
	const verifyId = randomUUID();
	await ipc(client, 'verify_backup_job', { jobId: verifyId, backupId: record.id, connectionId });
	const verified = await finished(verifyId);
	assert.equal(verified.status, 'completed', JSON.stringify(verified.error));
	// Onto a fresh server (a second throwaway one): the roles, then the database, back.
	const fresh = await startPostgres();
	try {
		const target = await ipc(client, 'save_connection', {
			profile: {
				name: 'Fresh server',
				host: fresh.socketDir,
				port: fresh.port,
				database: 'postgres',
				user: 'postgres'
			}
		});
		const input = { path: outputPath, databases: null, skipGlobals: false, jobs: 2 };
		const plan = await ipc(client, 'preview_server_restore', { connectionId: target.id, input });
		assert.deepEqual(
			plan.databases.map((d) => [d.name, d.intoExisting]),
			[[db, false]]
		);
		const restoreId = randomUUID();
		await ipc(client, 'restore_server', { jobId: restoreId, connectionId: target.id, input });
		const restored = await finished(restoreId);
		assert.ok(
			['completed', 'completedWithWarnings'].includes(restored.status),
			JSON.stringify(restored.error ?? restored)
		);
		assert.equal(psql(fresh, db, 'SELECT count(*) FROM sales.orders'), '5000');
		assert.equal(psql(fresh, db, 'SELECT count(*) FROM sales.customers'), '1000');
	} finally {
		fresh.stop();
	}
	// Onto the server it came from, the pre-flight refuses: the database has tables.
	await assert.rejects(
		ipc(client, 'preview_server_restore', {
			connectionId,
			input: { path: outputPath, databases: null, skipGlobals: false, jobs: 1 }
		}),
		/already has "shop_e2e" \(\d+ tables\) with tables: nothing was restored/
	);
});

test('automatic backups of a new connection run at once, are counted, exported and renamed', async () => {
	psql(pg, 'postgres', 'CREATE DATABASE auto_e2e');
	psql(
		pg,
		'auto_e2e',
		`CREATE TABLE notes (id int PRIMARY KEY, body text);
		 INSERT INTO notes SELECT i, 'n' || i FROM generate_series(1, 321) i;`
	);
	const profile = await ipc(client, 'save_connection', {
		profile: {
			name: 'E2E automatic',
			host: pg.socketDir,
			port: pg.port,
			database: 'auto_e2e',
			user: 'postgres'
		}
	});
	const asked = await ipc(client, 'automatic_backups', { connectionId: profile.id });
	assert.equal(asked.offered, false, 'a new connection is asked once');
	assert.equal(asked.enabled, false);
	const on = await ipc(client, 'set_automatic_backups', {
		connectionId: profile.id,
		enabled: true
	});
	assert.equal(on.enabled, true);
	assert.equal(on.offered, true);
	assert.equal(on.schedule.automatic, true);
	assert.deepEqual(on.schedule.trigger, { kind: 'interval', everySecs: 4 * 3600 });
	// No good backup yet: the first runs at once, by itself.
	const query = { connectionId: profile.id, statuses: ['completed'], limit: 5, offset: 0 };
	const made = await until(
		'the first automatic backup',
		async () => {
			const page = await ipc(client, 'list_backups', { query });
			return page.items.find((b) => b.rows) ?? null;
		},
		90_000
	);
	assert.equal(made.reason, 'scheduled');
	assert.deepEqual(made.rows, { tables: 1, rows: 321 });
	const later = await ipc(client, 'automatic_backups', { connectionId: profile.id });
	const hours = (Date.parse(later.nextRun) - Date.now()) / 3_600_000;
	assert.ok(hours > 3.9 && hours <= 4, `next automatic backup in ${hours} h`);
	// Renamed with a note: in the history and the manifest beside the file.
	const renamed = await ipc(client, 'rename_backup', {
		id: made.id,
		name: 'Before the "=1" migration',
		description: 'kept, ünï'
	});
	assert.equal(renamed.name, 'Before the "=1" migration');
	const manifest = JSON.parse(readFileSync(`${made.path}.tusk.json`, 'utf8'));
	assert.equal(manifest.record.name, 'Before the "=1" migration');
	// Exported: the history as CSV, found by its note.
	const csv = path.join(home, 'history.csv');
	const n = await ipc(client, 'export_history', {
		query: { ...query, search: 'ÜNÏ' },
		format: 'csv',
		path: csv
	});
	assert.equal(n, 1);
	const lines = readFileSync(csv, 'utf8').trim().split('\n');
	assert.equal(lines.length, 2);
	// Quotes doubled, and the note quoted for its comma.
	assert.match(lines[1], /,"Before the ""=1"" migration","kept, ünï",E2E automatic,/);
	// Off: the schedule stays, disabled.
	const off = await ipc(client, 'set_automatic_backups', {
		connectionId: profile.id,
		enabled: false
	});
	assert.equal(off.enabled, false);
	assert.equal(off.nextRun, null);
});

test('a schedule that fails tells its webhook; the channel is tested, its URL kept out of sight, and kept while a schedule uses it', async () => {
	const received = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			received.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
			res.writeHead(200, { 'content-type': 'text/plain' });
			res.end('ok');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = server.address().port;
	const token = 'T0E2E/secret-token-e2e';
	const url = `http://127.0.0.1:${port}/services/${token}`;
	try {
		const channel = { name: 'Team “ops” = ü', via: { kind: 'webhook', format: 'json' } };
		const input = (secret, originalName = null) => ({ input: { originalName, channel, secret } });
		await assert.rejects(
			ipc(client, 'save_channel', input(null)),
			/enter the webhook URL of “Team “ops” = ü”/
		);
		await assert.rejects(ipc(client, 'save_channel', input('hooks.example.com/x')), /is not a URL/);
		// Send test, before it is saved: the form's URL.
		const sentTo = await ipc(client, 'test_channel', input(url));
		assert.equal(sentTo, `webhook (JSON) to 127.0.0.1:${port}`);
		await until('the test message', async () => received.length === 1);
		assert.equal(received[0].path, `/services/${token}`);
		assert.equal(received[0].type, 'application/json');
		assert.equal(received[0].body.event, 'test');
		const view = await ipc(client, 'save_channel', input(url));
		assert.equal(view.channels[0].description, `webhook (JSON) to 127.0.0.1:${port}`);
		assert.ok(!JSON.stringify(view).includes(token), 'the URL is not sent back to the window');
		// Saved: a test with the field left empty uses the stored URL.
		await ipc(client, 'test_channel', input(null, channel.name));
		await until('the second test message', async () => received.length === 2);

		const schedule = await ipc(client, 'save_schedule', {
			schedule: {
				name: 'Fails and tells',
				source: { connectionId, database: 'no_such_db_e2e' },
				trigger: { kind: 'interval', everySecs: 86400 },
				destination: path.join(home, 'failing'),
				maxRetries: 0,
				notify: 'failure',
				notifyVia: [channel.name]
			}
		});
		assert.deepEqual(schedule.notifyVia, [channel.name]);
		await assert.rejects(
			ipc(client, 'remove_channel', { name: channel.name }),
			/“Fails and tells” notifies through it/
		);
		const jobId = randomUUID();
		await ipc(client, 'run_schedule_now', { jobId, scheduleId: schedule.id });
		const outcome = await finished(jobId);
		assert.equal(outcome.status, 'failed');
		const told = await until('the failure to reach the webhook', async () =>
			received.find((r) => r.body.event === 'backup.failed')
		);
		assert.equal(told.body.schedule, 'Fails and tells');
		assert.equal(told.body.database, 'no_such_db_e2e');
		assert.match(told.body.text, /no_such_db_e2e/);

		await ipc(client, 'delete_schedule', { id: schedule.id });
		const after = await ipc(client, 'remove_channel', { name: channel.name });
		assert.deepEqual(after.channels, []);
		const info = await ipc(client, 'app_info');
		for (const file of readdirSync(info.logFolder)) {
			const log = readFileSync(path.join(info.logFolder, file), 'utf8');
			assert.ok(!log.includes(token), `the webhook URL is in the log ${file}`);
		}
	} finally {
		server.close();
	}
});

test('the app logs what it ran to the folder Help / About shows', async () => {
	const info = await ipc(client, 'app_info');
	assert.equal(info.logFolder, path.join(home, 'data', 'tusk', 'logs'));
	const text = await until('the log to tell of pg_dump', async () => {
		const files = existsSync(info.logFolder)
			? readdirSync(info.logFolder).filter((f) => /^tusk\..+\.log$/.test(f))
			: [];
		if (files.length !== 1) return null;
		const log = readFileSync(path.join(info.logFolder, files[0]), 'utf8');
		return log.includes('tool ended') && log.includes('pg_dump') ? log : null;
	});
	assert.match(text, /Tusk started/);
	assert.match(text, /tool started.*pg_restore/);
});

test('the PostgreSQL tools: found, picked per connection with the reason, folders added and removed', async () => {
	const view = await ipc(client, 'list_tools');
	assert.equal(view.fixed, pg.binDir, 'TUSK_PG_BIN is the only folder searched');
	assert.ok(view.tools.some((t) => t.name === 'pg_dump' && t.path.startsWith(pg.binDir)));
	const picks = await ipc(client, 'connection_tools', { connectionId });
	assert.match(picks.server.versionText, /PostgreSQL \d+/);
	const pgDump = picks.picks.find((p) => p.name === 'pg_dump');
	assert.match(pgDump.choice.reason, /matches the server's PostgreSQL/);
	const empty = path.join(home, 'no-tools-here');
	mkdirSync(empty, { recursive: true });
	await assert.rejects(ipc(client, 'add_tools_folder', { path: empty }), /holds none of pg_dump/);
	const added = await ipc(client, 'add_tools_folder', { path: pg.binDir });
	assert.deepEqual(added.added, [pg.binDir]);
	assert.deepEqual((await ipc(client, 'get_settings')).toolsFolders, [pg.binDir]);
	const removed = await ipc(client, 'remove_tools_folder', { path: pg.binDir });
	assert.deepEqual(removed.added, []);
});

test('screenshot of the real window', async () => {
	const file = path.join(artefacts, 'main-window.png');
	await tool(client, 'webview_screenshot', { filePath: file, format: 'png' });
	assert.ok(existsSync(file));
});
