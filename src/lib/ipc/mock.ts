// Test-only backend: loaded by hooks.client.ts in `--mode e2e` builds and never
// in the app. Playwright puts the replies in `window.__TUSK_MOCK__` before the
// page loads and drives events through `window.__tuskMock`. Like the backend,
// it refuses job ids that are not UUIDs and restores not confirmed as checked.
import { emit } from '@tauri-apps/api/event';
import { mockIPC } from '@tauri-apps/api/mocks';
import type { ErrorPayload, RestoreConfirmation, RestorePlan } from './bindings';

/** One reply: a value, an error, or a call that never answers (a job in flight). */
export type MockAnswer =
	| { ok: unknown; withJobId?: boolean; delayMs?: number }
	| { err: ErrorPayload; delayMs?: number }
	| { pending: true };

/** An answer, or one per value of an argument (`connectionId`, `path`…). */
export type MockReply = MockAnswer | { by: string; answers: Record<string, MockAnswer> };

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

/** Commands whose job id the backend takes only as a UUID. */
const JOB_COMMANDS = new Set([
	'create_backup',
	'restore_backup',
	'verify_backup_job',
	'run_schedule_now'
]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** JSON with object keys sorted: the same options however they were built. */
const canonical = (value: unknown) =>
	JSON.stringify(value, (_key, v) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
			: v
	);

const invalid = (message: string): ErrorPayload => ({
	kind: 'invalidOptions',
	message,
	detail: null
});

/** The backend's checks before it starts a job, with its messages. */
function refusal(
	cmd: string,
	args: Record<string, unknown>,
	plans: Map<string, RestorePlan>
): ErrorPayload | null {
	if (JOB_COMMANDS.has(cmd) && !UUID.test(String(args.jobId))) {
		return invalid(
			`the job id \`${args.jobId}\` is not a UUID: use a new one (crypto.randomUUID())`
		);
	}
	if (cmd !== 'restore_backup') return null;
	const plan = plans.get(canonical(args.options));
	const confirmation = args.confirmation as RestoreConfirmation | undefined;
	if (!plan || plan.token !== confirmation?.token) {
		return invalid(
			'this restore is not the one that was checked: its options, the backup file or the target changed since the pre-flight. Check it again and confirm'
		);
	}
	const name = plan.safety.confirmName;
	if (name !== null && confirmation.typedName?.trim() !== name) {
		return invalid(`${plan.safety.mustConfirm.join('; ')}: type "${name}" to confirm`);
	}
	return null;
}

export function installMock(): void {
	const config: MockConfig = window.__TUSK_MOCK__ ?? { replies: {} };
	const calls: MockCall[] = [];
	/** Pre-flights answered, by their options: what a restore must match. */
	const plans = new Map<string, RestorePlan>();

	mockIPC(
		async (cmd, rawArgs) => {
			const args = (rawArgs ?? {}) as Record<string, unknown>;
			calls.push({ cmd, args: JSON.parse(JSON.stringify(args)) });
			const configured = config.replies[cmd];
			const reply =
				configured && 'by' in configured
					? configured.answers[String(args[configured.by])]
					: configured;
			if (!reply) {
				throw { kind: 'mock', message: `no mock reply for ${cmd}`, detail: null };
			}
			if ('delayMs' in reply) await new Promise((r) => setTimeout(r, reply.delayMs));
			if ('err' in reply) throw reply.err;
			const refused = refusal(cmd, args, plans);
			if (refused) throw refused;
			if ('pending' in reply) return new Promise(() => {});
			if (cmd === 'preflight_restore') plans.set(canonical(args.options), reply.ok as RestorePlan);
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
