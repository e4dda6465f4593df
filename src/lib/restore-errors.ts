// pg_restore's and psql's error lines, grouped by the object they are about
// and explained in plain words.

export type ErrorKind =
	| 'alreadyExists'
	| 'duplicateRows'
	| 'missingRole'
	| 'missingObject'
	| 'permissionDenied'
	| 'missingExtension'
	| 'foreignKey'
	| 'other';

export interface RestoreError {
	message: string;
	/** The SQL that failed (`Command was:` and the lines after it). */
	command: string | null;
	/** DETAIL / HINT / CONTEXT lines. */
	details: string[];
	/** `from TOC entry …` — the archive entry being restored. */
	entry: string | null;
}

export interface ErrorGroup {
	kind: ErrorKind;
	object: string;
	title: string;
	explanation: string;
	hint: string;
	errors: RestoreError[];
}

const TWO_WORD_KINDS = [
	'TABLE DATA',
	'FK CONSTRAINT',
	'CHECK CONSTRAINT',
	'SEQUENCE SET',
	'SEQUENCE OWNED BY',
	'MATERIALIZED VIEW DATA',
	'MATERIALIZED VIEW',
	'DEFAULT ACL',
	'DATABASE PROPERTIES',
	'FOREIGN TABLE',
	'EVENT TRIGGER',
	'TEXT SEARCH CONFIGURATION',
	'TEXT SEARCH DICTIONARY',
	'BLOB METADATA',
	'LARGE OBJECT'
];

/** "from TOC entry 214; 1259 16386 TABLE orders postgres" → "TABLE orders". */
export function parseTocEntry(line: string): { kind: string; name: string } | null {
	const m = /from TOC entry \d+; \d+ \d+ (.+)$/.exec(line);
	if (!m) return null;
	const rest = m[1];
	const kind = TWO_WORD_KINDS.find((k) => rest.startsWith(k + ' ')) ?? rest.split(' ')[0];
	const words = rest.slice(kind.length).trim().split(' ');
	// The last word is the owner; what is left is the tag.
	const name = words.length > 1 ? words.slice(0, -1).join(' ') : words[0];
	return { kind, name };
}

interface Rule {
	kind: ErrorKind;
	re: RegExp;
	title: (name: string) => string;
	explanation: string;
	hint: string;
}

const RULES: Rule[] = [
	{
		kind: 'alreadyExists',
		re: /(?:relation|schema|type|function|sequence|index|constraint|trigger|view|extension) "([^"]+)" (?:already exists|for relation "[^"]+" already exists)|multiple primary keys for table "([^"]+)"/,
		title: (n) => `“${n}” already exists in the target`,
		explanation:
			'The target database already has this object, so the backup could not create it again.',
		hint: 'Turn on Clean to drop and recreate the backup’s objects, or restore into a new database.'
	},
	{
		kind: 'duplicateRows',
		re: /duplicate key value violates unique constraint "([^"]+)"/,
		title: (n) => `Rows collide with existing rows (${n})`,
		explanation:
			'The table already holds rows with the same keys, so copying the backup’s rows failed.',
		hint: 'Restore with Clean, or restore data only into empty tables.'
	},
	{
		kind: 'missingRole',
		re: /role "([^"]+)" does not exist/,
		title: (n) => `Role “${n}” does not exist on this server`,
		explanation: 'Objects in the backup are owned by, or granted to, a role this server lacks.',
		hint: 'Turn on No owner (and No privileges), or create the role first — roles are backed up with pg_dumpall --globals-only.'
	},
	{
		kind: 'missingExtension',
		re: /extension "([^"]+)" is not available|could not open extension control file ".*\/([^/"]+)\.control"/,
		title: (n) => `Extension “${n}” is not installed on this server`,
		explanation: 'The backup uses an extension whose files are missing on the target server.',
		hint: 'Install the extension’s package on the server, then restore again.'
	},
	{
		kind: 'missingObject',
		re: /(?:relation|schema|type|function|sequence) "([^"]+)" does not exist/,
		title: (n) => `“${n}” does not exist in the target`,
		explanation:
			'Something this object depends on is not in the target — often a schema or table left out of a partial restore.',
		hint: 'Restore the object it depends on too, or restore the whole backup.'
	},
	{
		kind: 'permissionDenied',
		re: /permission denied for (?:\w+ )?(\S+)|must be owner of (?:\w+ )?(\S+)/,
		title: (n) => `Not allowed to change ${n.replace(/^"|"$/g, '')}`,
		explanation: 'The restoring user lacks the rights this statement needs.',
		hint: 'Connect as the objects’ owner or a superuser, or turn on No owner and No privileges.'
	},
	{
		kind: 'foreignKey',
		re: /violates foreign key constraint "([^"]+)"/,
		title: (n) => `Rows point at missing rows (${n})`,
		explanation: 'Rows reference rows in another table that are not in the target.',
		hint: 'Restore the referenced tables too, or restore the whole backup.'
	}
];

function classify(message: string): { rule: Rule | null; name: string | null } {
	for (const rule of RULES) {
		const m = rule.re.exec(message);
		if (m) return { rule, name: m.slice(1).find((g) => g !== undefined) ?? null };
	}
	return { rule: null, name: null };
}

const ERROR_LINE = /^(?:pg_restore: error: |psql:[^:]*:\d+: ERROR:\s+|ERROR:\s+)/;
const DETAIL_LINE = /^(?:DETAIL|HINT|CONTEXT|LINE \d+):/;

/** Splits raw lines into single errors with their command and details. */
export function parseErrors(lines: string[]): RestoreError[] {
	const errors: RestoreError[] = [];
	let entry: string | null = null;
	let current: RestoreError | null = null;
	let inCommand = false;
	for (const raw of lines) {
		const line = raw.trimEnd();
		const toc = parseTocEntry(line);
		if (toc) {
			entry = `${toc.kind} ${toc.name}`;
			inCommand = false;
		} else if (ERROR_LINE.test(line)) {
			current = { message: cleanMessage(line), command: null, details: [], entry };
			errors.push(current);
			entry = null;
			inCommand = false;
		} else if (current && line.startsWith('Command was:')) {
			current.command = line.slice('Command was:'.length).trim();
			inCommand = true;
		} else if (current && DETAIL_LINE.test(line)) {
			current.details.push(line);
			inCommand = false;
		} else if (current && inCommand && !line.startsWith('pg_restore:')) {
			current.command = `${current.command}\n${line}`.trim();
		} else if (line.startsWith('pg_restore:')) {
			inCommand = false;
		}
	}
	return errors;
}

function cleanMessage(line: string): string {
	return line
		.replace(/^pg_restore: error: (?:could not execute query: )?/, '')
		.replace(/^psql:[^:]*:\d+: /, '')
		.replace(/ERROR:\s+/, 'ERROR: ');
}

/** Groups errors by what they are about, most frequent first. */
export function groupErrors(lines: string[]): ErrorGroup[] {
	const groups = new Map<string, ErrorGroup>();
	for (const error of parseErrors(lines)) {
		const { rule, name } = classify(error.message);
		const object = name ?? error.entry ?? 'other';
		const key = `${rule?.kind ?? 'other'}:${object}`;
		let group = groups.get(key);
		if (!group) {
			group = rule
				? {
						kind: rule.kind,
						object,
						title: rule.title(object),
						explanation: rule.explanation,
						hint: rule.hint,
						errors: []
					}
				: {
						kind: 'other',
						object,
						title: error.entry ? `Error restoring ${error.entry}` : 'Error',
						explanation: error.message.replace(/^ERROR: /, ''),
						hint: 'The failed statement and the server’s message are below.',
						errors: []
					};
			groups.set(key, group);
		}
		group.errors.push(error);
	}
	return [...groups.values()].sort((a, b) => b.errors.length - a.errors.length);
}
