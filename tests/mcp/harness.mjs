// Shared by the MCP end-to-end tests: the throwaway PostgreSQL (from the Rust
// test harness), the real debug app under the current DISPLAY, and an MCP
// client talking to @hypothesi/tauri-mcp-server over stdio.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const root = path.resolve(import.meta.dirname, '../..');
const target = path.join(root, 'src-tauri/target/debug');

/** Starts PostgreSQL; resolves to { socketDir, port, binDir, stop }. */
export async function startPostgres() {
	const child = spawn(path.join(target, 'pg-harness'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
	const line = await new Promise((resolve, reject) => {
		readline.createInterface({ input: child.stdout }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`pg-harness exited with ${code}`)));
	});
	const pg = JSON.parse(line);
	return { ...pg, stop: () => child.stdin.end() };
}

/** Runs SQL with psql on the harness server; returns trimmed -At output. */
export function psql(pg, db, sql) {
	return execFileSync(
		path.join(pg.binDir, 'psql'),
		[
			'-X',
			'-q',
			'-At',
			'-v',
			'ON_ERROR_STOP=1',
			'-h',
			pg.socketDir,
			'-p',
			String(pg.port),
			'-U',
			'postgres',
			'-d',
			db,
			'-c',
			sql
		],
		{ encoding: 'utf8' }
	).trim();
}

/** Starts the real app with its own config and data folders. */
export function startApp(pg) {
	const home = mkdtempSync(path.join(tmpdir(), 'tusk-e2e-'));
	const app = spawn(path.join(target, 'tusk-app'), [], {
		env: {
			...process.env,
			XDG_CONFIG_HOME: path.join(home, 'config'),
			XDG_DATA_HOME: path.join(home, 'data'),
			TUSK_PG_BIN: pg.binDir
		},
		stdio: ['ignore', 'inherit', 'inherit']
	});
	return { app, home };
}

/** An MCP client connected to the app's bridge. */
export async function connectMcp() {
	const server = path.join(root, 'node_modules/@hypothesi/tauri-mcp-server/dist/index.js');
	const client = new Client({ name: 'tusk-e2e', version: '1.0.0' });
	await client.connect(new StdioClientTransport({ command: process.execPath, args: [server] }));
	const deadline = Date.now() + 60_000;
	for (;;) {
		const result = await client.callTool({
			name: 'driver_session',
			arguments: { action: 'start', port: 9223 }
		});
		// A session is only there once a command goes through: the bridge
		// listens before the window is ready (a cold first start takes longer).
		let why = text(result);
		if (!result.isError) {
			const probe = await client.callTool({
				name: 'ipc_execute_command',
				arguments: { command: 'app_info', args: {} }
			});
			why = text(probe);
			if (!probe.isError && answered(why)) break;
		}
		if (Date.now() > deadline) throw new Error(`no MCP bridge: ${why}`);
		await new Promise((r) => setTimeout(r, 500));
	}
	return client;
}

/** Whether a reply of ipc_execute_command is a command's result. */
function answered(reply) {
	try {
		return JSON.parse(reply).success !== false;
	} catch {
		return false;
	}
}

export function text(result) {
	return (result.content ?? []).map((c) => c.text ?? '').join('\n');
}

/** Calls a tool; throws with its message when it reports an error. */
export async function tool(client, name, args) {
	const result = await client.callTool({ name, arguments: args });
	if (result.isError) throw new Error(`${name} failed: ${text(result)}`);
	return text(result);
}

/**
 * Invokes one of the app's commands through the bridge. Resolves to its
 * result; rejects with the command's error message.
 */
export async function ipc(client, command, args = {}) {
	const reply = JSON.parse(await tool(client, 'ipc_execute_command', { command, args }));
	if (reply.success === false) throw new Error(reply.error);
	return reply.result;
}

export async function until(what, check, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** Runs a script in the webview and parses its JSON result. */
export async function js(client, script) {
	// The bridge appends "[Executed in window: …]" to the result.
	const out = (await tool(client, 'webview_execute_js', { script }))
		.replace(/\n*\[Executed in window: [^\]]*\]\s*$/, '')
		.trim();
	try {
		return JSON.parse(out);
	} catch {
		return out;
	}
}

/** Waits for `text` on screen, polling: the bridge gives one script at most 5 s. */
export function waitForText(client, text, timeoutMs = 30_000) {
	return until(
		`"${text}" on screen`,
		() =>
			js(client, `(() => document.body.innerText.includes(${JSON.stringify(text)}))()`).then(
				(shown) => shown === true
			),
		timeoutMs
	);
}
