// Test-only backend: loaded by hooks.client.ts in `--mode e2e` builds and never
// in the app. Playwright puts the replies in `window.__TUSK_MOCK__` before the
// page loads and drives events through `window.__tuskMock`.
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import type { ErrorPayload } from './bindings';

/** One reply: a value, an error, or a call that never answers (a job in flight). */
export type MockReply =
	| { ok: unknown; withJobId?: boolean; delayMs?: number }
	| { err: ErrorPayload; delayMs?: number }
	| { pending: true };

export interface MockConfig {
	/** Keyed by command name, e.g. `create_backup` or `plugin:dialog|save`. */
	replies: Record<string, MockReply>;
}

export interface MockCall {
	cmd: string;
	args: Record<string, unknown>;
}

export interface MockControl {
	calls: MockCall[];
	reply(cmd: string, reply: MockReply): void;
	emit(event: string, payload?: unknown): Promise<void>;
	/** The job id the app chose for its latest call of `cmd`. */
	lastJobId(cmd: string): string | null;
}

declare global {
	interface Window {
		__TUSK_MOCK__?: MockConfig;
		__tuskMock?: MockControl;
	}
}

export function installMock(): void {
	const config: MockConfig = window.__TUSK_MOCK__ ?? { replies: {} };
	const calls: MockCall[] = [];

	mockIPC(
		async (cmd, rawArgs) => {
			const args = (rawArgs ?? {}) as Record<string, unknown>;
			calls.push({ cmd, args: JSON.parse(JSON.stringify(args)) });
			const reply = config.replies[cmd];
			if (!reply) {
				throw { kind: 'mock', message: `no mock reply for ${cmd}`, detail: null };
			}
			if ('pending' in reply) return new Promise(() => {});
			if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
			if ('err' in reply) throw reply.err;
			if (reply.withJobId && reply.ok && typeof reply.ok === 'object') {
				return { ...reply.ok, jobId: args.jobId };
			}
			return reply.ok;
		},
		{ shouldMockEvents: true }
	);

	window.__tuskMock = {
		calls,
		reply: (cmd, reply) => {
			config.replies[cmd] = reply;
		},
		emit: (event, payload) => emit(event, payload),
		lastJobId: (cmd) => {
			const call = calls.filter((c) => c.cmd === cmd).at(-1);
			return (call?.args.jobId as string | undefined) ?? null;
		}
	};
}
