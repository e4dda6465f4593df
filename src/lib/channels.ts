// Notification channels as the UI shows them: the channel form's draft, its checks (in the
// backend's words) and the `SaveChannel` it sends. Pure functions, unit tested.
import type { SaveChannel, SavedChannel, SmtpSecurity, Via, WebhookFormat } from './ipc/bindings';

export type ChannelKind = Via['kind'];

/** The channel form as typed; the secret of each kind is kept apart, so switching loses none. */
export interface ChannelDraft {
	name: string;
	kind: ChannelKind;
	format: WebhookFormat;
	/** The webhook's URL (its secret); empty keeps the saved one when editing. */
	url: string;
	host: string;
	/** Number inputs give `null` when emptied: the default for `security`. */
	port: number | null;
	security: SmtpSecurity;
	username: string;
	/** Empty keeps the saved one when editing. */
	password: string;
	from: string;
	/** One or more addresses, comma- or newline-separated. */
	to: string;
	caCertificate: string;
}

export type ChannelField = Exclude<keyof ChannelDraft, 'kind' | 'format' | 'security'>;
export type ChannelErrors = Partial<Record<ChannelField, string>>;

/** The backend's (`Email::port`). */
export function defaultPort(security: SmtpSecurity): number {
	return { startTls: 587, tls: 465, none: 25 }[security];
}

/** "a@x.org, b@x.org\nc@x.org" → each address, trimmed, empty ones dropped. */
export function parseRecipients(text: string): string[] {
	return text
		.split(/[,\n]/)
		.map((t) => t.trim())
		.filter((t) => t !== '');
}

export function draftOf(saved: SavedChannel | null): ChannelDraft {
	const via = saved?.channel.via;
	const email = via?.kind === 'email' ? via : null;
	return {
		name: saved?.channel.name ?? '',
		kind: via?.kind ?? 'webhook',
		format: via?.kind === 'webhook' ? via.format : 'json',
		url: '',
		host: email?.host ?? '',
		port: email?.port ?? null,
		security: email?.security ?? 'startTls',
		username: email?.username ?? '',
		password: '',
		from: email?.from ?? '',
		to: email?.to.join(', ') ?? '',
		caCertificate: email?.caCertificate ?? ''
	};
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** What save_channel and test_channel take; `originalName` when editing. */
export function toSaveChannel(draft: ChannelDraft, originalName: string | null): SaveChannel {
	const via: Via =
		draft.kind === 'webhook'
			? { kind: 'webhook', format: draft.format }
			: {
					kind: 'email',
					host: draft.host.trim(),
					port: draft.port,
					security: draft.security,
					username: orNull(draft.username),
					from: draft.from.trim(),
					to: parseRecipients(draft.to),
					caCertificate: orNull(draft.caCertificate)
				};
	return {
		originalName,
		channel: { name: draft.name.trim(), via },
		// A password is taken as typed (spaces are characters too); a URL trimmed.
		secret: draft.kind === 'webhook' ? orNull(draft.url) : draft.password || null
	};
}

/** Sending needs a secret: a webhook always (its URL), e-mail when it signs in. */
export function needsSecret(draft: ChannelDraft): boolean {
	return draft.kind === 'webhook' || draft.username.trim() !== '';
}

/**
 * A secret is saved that the form may leave empty: one of the same kind (a webhook's URL is
 * no SMTP password).
 */
export function hasSavedSecret(original: SavedChannel | null, kind: ChannelKind): boolean {
	return (
		original !== null && original.secretStorage !== 'none' && original.channel.via.kind === kind
	);
}

/** `Name <name@example.com>` or `name@example.com`; the backend's parser has the last word. */
function isAddress(text: string): boolean {
	const angled = /^[^<>]*<([^<>]*)>$/.exec(text);
	return /^[^\s@<>,]+@[^\s@<>,]+$/.test(angled ? angled[1].trim() : text);
}

const notAddress = (text: string) =>
	`\`${text}\` is not an e-mail address: write it as name@example.com or Name <name@example.com>`;

function checkWebhookUrl(url: string): string | null {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return 'the webhook URL is not a URL: copy it again from the service, starting with https://';
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
		return `the webhook URL starts with \`${parsed.protocol}\`: it must be an https:// (or http://) URL`;
	if (!parsed.hostname) return 'the webhook URL has no host: copy it again from the service';
	return null;
}

/**
 * The backend's checks (`Channel::validate`, `check_url`, a secret to save), in its words,
 * made as the form is filled in so that each field says what it needs. `savedSecret`: the
 * form may leave the secret empty; `taken`: the names of the other channels.
 */
export function checkDraft(
	draft: ChannelDraft,
	savedSecret: boolean,
	taken: string[] = []
): ChannelErrors {
	const errors: ChannelErrors = {};
	const name = draft.name.trim();
	const of = name ? ` of “${name}”` : '';
	if (!name) errors.name = 'give the notification channel a name';
	else if (/\p{Cc}/u.test(name))
		errors.name = 'the channel name has control characters: use letters, digits, spaces or dashes';
	else if (taken.includes(name))
		errors.name = `a notification channel named “${name}” already exists: choose another name`;

	if (draft.kind === 'webhook') {
		const url = draft.url.trim();
		if (url) {
			const problem = checkWebhookUrl(url);
			if (problem) errors.url = problem;
		} else if (!savedSecret) errors.url = `enter the ${secretName('webhook')}${of}`;
		return errors;
	}

	if (!draft.host.trim()) errors.host = "enter the SMTP server's host name (smtp.example.com)";
	if (
		draft.port !== null &&
		!(Number.isInteger(draft.port) && draft.port >= 1 && draft.port <= 65535)
	)
		errors.port = 'the SMTP port must be between 1 and 65535';
	const username = draft.username.trim();
	if (draft.security === 'none' && username)
		errors.username =
			'the password would cross the network unencrypted: choose STARTTLS or TLS, or leave the user name empty for a relay that needs none';
	else if (username && !savedSecret && !draft.password.trim())
		errors.password = `enter the ${secretName('email')}${of}`;
	const from = draft.from.trim();
	if (!from) errors.from = "enter the sender's address (From)";
	else if (!isAddress(from)) errors.from = notAddress(from);
	const to = parseRecipients(draft.to);
	const wrong = to.find((t) => !isAddress(t));
	if (to.length === 0) errors.to = 'enter who gets the e-mails (To)';
	else if (wrong) errors.to = notAddress(wrong);
	return errors;
}

/** What a channel's secret is, as the backend names it. */
export function secretName(kind: ChannelKind): string {
	return kind === 'webhook' ? 'webhook URL' : 'SMTP password';
}
