import { describe, expect, it } from 'vitest';
import type { SavedChannel } from './ipc/bindings';
import {
	checkDraft,
	defaultPort,
	draftOf,
	hasSavedSecret,
	needsSecret,
	parseRecipients,
	toSaveChannel,
	type ChannelDraft
} from './channels';

const slack: SavedChannel = {
	channel: { name: 'team', via: { kind: 'webhook', format: 'slack' } },
	secretStorage: 'keychain',
	description: 'webhook (Slack) to hooks.slack.com'
};

const ops: SavedChannel = {
	channel: {
		name: 'ops mail',
		via: {
			kind: 'email',
			host: 'smtp.example.com',
			port: null,
			security: 'startTls',
			username: 'tusk@example.com',
			from: 'Tusk <tusk@example.com>',
			to: ['ops@example.com', 'dba@example.com'],
			caCertificate: null
		}
	},
	secretStorage: 'keychain',
	description: 'e-mail to ops@example.com, dba@example.com via smtp.example.com:587'
};

const email = (extra: Partial<ChannelDraft> = {}): ChannelDraft => ({
	...draftOf(ops),
	...extra
});

describe('the SMTP port', () => {
	it('defaults as the backend does for each security', () => {
		expect(defaultPort('startTls')).toBe(587);
		expect(defaultPort('tls')).toBe(465);
		expect(defaultPort('none')).toBe(25);
	});
});

describe('the To list', () => {
	it('is split on commas and lines, trimmed, empty ones dropped', () => {
		expect(parseRecipients(' a@x.org,b@x.org\n\n  Ops <c@x.org> ,, \n')).toEqual([
			'a@x.org',
			'b@x.org',
			'Ops <c@x.org>'
		]);
		expect(parseRecipients(' \n , ')).toEqual([]);
	});
});

describe('the form of a channel', () => {
	it('starts as a JSON webhook when new', () => {
		expect(draftOf(null)).toMatchObject({ name: '', kind: 'webhook', format: 'json', url: '' });
	});

	it('starts from a saved channel, never with its secret', () => {
		expect(draftOf(slack)).toMatchObject({ name: 'team', kind: 'webhook', format: 'slack' });
		expect(draftOf(ops)).toMatchObject({
			kind: 'email',
			host: 'smtp.example.com',
			port: null,
			username: 'tusk@example.com',
			password: '',
			to: 'ops@example.com, dba@example.com'
		});
	});

	it('sends an empty secret as null: the saved one is kept', () => {
		expect(toSaveChannel({ ...draftOf(slack), url: '  ' }, 'team')).toEqual({
			originalName: 'team',
			channel: { name: 'team', via: { kind: 'webhook', format: 'slack' } },
			secret: null
		});
	});

	it('sends the webhook URL as the secret, and no e-mail field', () => {
		const draft = { ...email(), kind: 'webhook' as const, url: ' https://hooks.slack.com/T/B/x ' };
		expect(toSaveChannel(draft, null)).toEqual({
			originalName: null,
			channel: { name: 'ops mail', via: { kind: 'webhook', format: 'json' } },
			secret: 'https://hooks.slack.com/T/B/x'
		});
	});

	it('sends e-mail with the To list parsed and empty fields as null', () => {
		const draft = email({
			name: ' ops ',
			port: 2525,
			username: ' ',
			to: 'ops@example.com,\n dba@example.com\n',
			caCertificate: ' /etc/ssl/ca.pem ',
			password: 'hunter2'
		});
		expect(toSaveChannel(draft, 'ops mail')).toEqual({
			originalName: 'ops mail',
			channel: {
				name: 'ops',
				via: {
					kind: 'email',
					host: 'smtp.example.com',
					port: 2525,
					security: 'startTls',
					username: null,
					from: 'Tusk <tusk@example.com>',
					to: ['ops@example.com', 'dba@example.com'],
					caCertificate: '/etc/ssl/ca.pem'
				}
			},
			secret: 'hunter2'
		});
	});

	it('sends a password as typed, spaces and all', () => {
		const draft = email({ username: 'tusk', password: ' pass word ' });
		expect(toSaveChannel(draft, null).secret).toBe(' pass word ');
		expect(toSaveChannel({ ...draft, password: '' }, null).secret).toBeNull();
	});
});

describe('the secret', () => {
	it('is needed by a webhook, and by e-mail that signs in', () => {
		expect(needsSecret(draftOf(slack))).toBe(true);
		expect(needsSecret(email())).toBe(true);
		expect(needsSecret(email({ username: '  ' }))).toBe(false);
	});

	it('may be left empty when one of the same kind is saved', () => {
		expect(hasSavedSecret(null, 'webhook')).toBe(false);
		expect(hasSavedSecret(slack, 'webhook')).toBe(true);
		expect(hasSavedSecret({ ...slack, secretStorage: 'session' }, 'webhook')).toBe(true);
		expect(hasSavedSecret(slack, 'email')).toBe(false);
		expect(hasSavedSecret({ ...ops, secretStorage: 'none' }, 'email')).toBe(false);
	});
});

describe('the checks, in the backend’s words', () => {
	it('pass a complete channel', () => {
		expect(checkDraft(email(), true)).toEqual({});
		expect(checkDraft({ ...draftOf(slack), url: 'https://hooks.slack.com/x' }, false)).toEqual({});
		expect(checkDraft(draftOf(slack), true)).toEqual({});
	});

	it('want a name, not one taken', () => {
		expect(checkDraft({ ...draftOf(slack), name: ' ' }, true).name).toBe(
			'give the notification channel a name'
		);
		expect(checkDraft(draftOf(slack), true, ['team']).name).toBe(
			'a notification channel named “team” already exists: choose another name'
		);
		expect(checkDraft({ ...draftOf(slack), name: 'a\tb' }, true).name).toMatch(
			/control characters/
		);
	});

	it('want the webhook URL of a new webhook, an http(s) one', () => {
		const draft = { ...draftOf(null), name: 'team' };
		expect(checkDraft(draft, false).url).toBe('enter the webhook URL of “team”');
		expect(checkDraft({ ...draft, url: 'hooks.slack.com/x' }, false).url).toMatch(
			/^the webhook URL is not a URL/
		);
		expect(checkDraft({ ...draft, url: 'ftp://example.com/x' }, false).url).toBe(
			'the webhook URL starts with `ftp:`: it must be an https:// (or http://) URL'
		);
	});

	it('want the server, the sender and who gets the e-mails', () => {
		const errors = checkDraft(email({ host: ' ', from: '', to: ' , ' }), true);
		expect(errors).toEqual({
			host: "enter the SMTP server's host name (smtp.example.com)",
			from: "enter the sender's address (From)",
			to: 'enter who gets the e-mails (To)'
		});
	});

	it('want addresses', () => {
		const errors = checkDraft(email({ from: 'tusk', to: 'ops@example.com, x' }), true);
		expect(errors.from).toBe(
			'`tusk` is not an e-mail address: write it as name@example.com or Name <name@example.com>'
		);
		expect(errors.to).toMatch(/^`x` is not an e-mail address/);
		expect(checkDraft(email({ to: 'Ops Team <ops@example.com>' }), true)).toEqual({});
	});

	it('want a port from 1 to 65535, or none', () => {
		expect(checkDraft(email({ port: 0 }), true).port).toBe(
			'the SMTP port must be between 1 and 65535'
		);
		expect(checkDraft(email({ port: 70_000 }), true).port).toBeDefined();
		expect(checkDraft(email({ port: null }), true).port).toBeUndefined();
	});

	it('refuse a password sent unencrypted', () => {
		expect(checkDraft(email({ security: 'none' }), true).username).toMatch(
			/^the password would cross the network unencrypted/
		);
		expect(checkDraft(email({ security: 'none', username: '' }), false)).toEqual({});
	});

	it('want the SMTP password when none is saved', () => {
		expect(checkDraft(email(), false).password).toBe('enter the SMTP password of “ops mail”');
		expect(checkDraft(email({ password: 'x' }), false).password).toBeUndefined();
	});
});
