//! The psql-like reader: quotes, dollar quotes, nested comments, `BEGIN
//! ATOMIC` bodies and COPY data, line by line, noting what it finds.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Sql,
    LineComment,
    BlockComment(u32),
    /// `'…'`; `true`: backslash escapes (`E'…'`, or any string with
    /// standard_conforming_strings off).
    Quote(bool),
    /// After a closing quote inside `Quote`: `''` continues the string.
    QuoteEnd(bool),
    /// After a backslash inside an escaping string.
    QuoteEscape,
    DoubleQuote,
    DoubleQuoteEnd,
    /// `$tag$…$tag$`; `matched` bytes of the closing delimiter seen.
    Dollar {
        matched: usize,
    },
    /// Reading a `$tag$` delimiter that may open a dollar quote.
    DollarTag,
    /// A backslash command's name and arguments, to the end of the line.
    Meta,
    /// A backslash inside a command's arguments.
    MetaBackslash,
    /// COPY data lines, up to `\.`.
    CopyData,
}

/// The psql-like reader, fed the script's bytes in order.
pub struct Lexer {
    state: State,
    line: u64,
    findings: ScriptFindings,
    /// standard_conforming_strings as psql knows it.
    standard_strings: bool,

    // The current unquoted word (identifier or keyword).
    word: Vec<u8>,
    word_ended: bool,
    // The statement being read.
    statement_line: u64,
    head: Vec<u8>,
    /// The statement's first words (up to 4), as psql's heuristic keeps them.
    first: Vec<String>,
    previous: String,
    paren_depth: i64,
    begin_depth: i64,
    copy_from_stdin: bool,
    copy_program: bool,
    /// The statement sets a setting that changes how psql reads strings.
    sets: Option<String>,
    /// The words after `SET x =` or `TO`, and string contents.
    set_value: Option<String>,
    /// A string literal's contents (its start), for `set_config('…')`.
    literal: Vec<u8>,
    mentions_unreadable: bool,

    // Dollar quotes.
    tag: Vec<u8>,
    open_tag: Vec<u8>,

    // The backslash command being read.
    meta_line: u64,
    meta: Vec<u8>,
    /// Copy data: the line read so far (its start).
    data_line: Vec<u8>,
    /// A `COPY … FROM stdin` statement ended: its data starts on the next line.
    copy_pending: bool,
    /// A `:` that may start a psql variable.
    colon: bool,
    /// The current word follows such a `:`.
    variable: bool,
    /// The byte before this one, outside quotes and comments (`--`, `/*`,
    /// `::`); 0 after a comment or a quote.
    prev: u8,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer {
            state: State::Sql,
            line: 1,
            findings: ScriptFindings::default(),
            standard_strings: true,
            word: Vec::new(),
            word_ended: true,
            statement_line: 1,
            head: Vec::new(),
            first: Vec::new(),
            previous: String::new(),
            paren_depth: 0,
            begin_depth: 0,
            copy_from_stdin: false,
            copy_program: false,
            sets: None,
            set_value: None,
            literal: Vec::new(),
            mentions_unreadable: false,
            tag: Vec::new(),
            open_tag: Vec::new(),
            meta_line: 0,
            meta: Vec::new(),
            data_line: Vec::new(),
            copy_pending: false,
            colon: false,
            variable: false,
            prev: 0,
        }
    }
}

pub(super) fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

pub(super) fn is_tag_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

pub(super) fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > EXCERPT {
        let cut: String = text.chars().take(EXCERPT).collect();
        format!("{cut}…")
    } else {
        text
    }
}

impl Lexer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the next bytes of the script.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if self.state == State::CopyData {
                i = self.copy_data(bytes, i);
                continue;
            }
            let b = bytes[i];
            self.byte(b);
            if b == b'\n' {
                self.line += 1;
                if self.copy_pending && self.state == State::Sql {
                    self.copy_pending = false;
                    self.state = State::CopyData;
                }
            }
            i += 1;
        }
    }

    /// What was found; a script cut off inside a command still reports it.
    pub fn finish(mut self) -> ScriptFindings {
        match self.state {
            State::Meta | State::MetaBackslash => self.end_meta(),
            State::Sql => self.end_statement(),
            _ => {}
        }
        self.findings
    }

    fn found(&mut self, kind: FindingKind, line: u64, text: String) {
        if self.findings.items.len() < MAX_FINDINGS {
            self.findings.items.push(ScriptFinding { kind, line, text });
        } else {
            self.findings.more += 1;
        }
    }

    /// COPY data: whole lines, up to one that is `\.`.
    fn copy_data(&mut self, bytes: &[u8], start: usize) -> usize {
        let rest = &bytes[start..];
        let (chunk, ends) = match rest.iter().position(|&b| b == b'\n') {
            Some(n) => (&rest[..n], true),
            None => (rest, false),
        };
        if self.data_line.len() < 64 {
            let room = 64 - self.data_line.len();
            self.data_line
                .extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        if chunk.contains(&b'`') && self.data_line.first() == Some(&b'\\') {
            self.data_line.push(b'`');
        }
        if !ends {
            return bytes.len();
        }
        let line = std::mem::take(&mut self.data_line);
        let trimmed = line.strip_suffix(b"\r").unwrap_or(&line);
        if trimmed == b"\\." {
            self.state = State::Sql;
        } else if suspicious_data_line(trimmed) {
            // Were the COPY to fail while psql goes on after errors, psql
            // would read this line as a command.
            self.found(FindingKind::MetaCommand, self.line, excerpt(trimmed));
        }
        self.line += 1;
        start + chunk.len() + 1
    }

    fn byte(&mut self, b: u8) {
        if matches!(
            self.state,
            State::Quote(_) | State::QuoteEscape | State::DoubleQuote | State::Dollar { .. }
        ) || (matches!(self.state, State::QuoteEnd(_) | State::DoubleQuoteEnd)
            && b == self.head.last().copied().unwrap_or(0))
        {
            self.keep(b);
        }
        match self.state {
            State::Sql => self.sql(b),
            State::LineComment => {
                if b == b'\n' {
                    self.state = State::Sql;
                }
            }
            State::BlockComment(depth) => self.block_comment(b, depth),
            State::Quote(escapes) => match b {
                b'\'' => self.state = State::QuoteEnd(escapes),
                b'\\' if escapes => self.state = State::QuoteEscape,
                _ => self.literal_byte(b),
            },
            State::QuoteEnd(escapes) => {
                if b == b'\'' {
                    self.state = State::Quote(escapes);
                } else {
                    self.end_literal();
                    self.state = State::Sql;
                    self.sql(b);
                }
            }
            State::QuoteEscape => {
                self.literal_byte(b);
                self.state = State::Quote(true);
            }
            State::DoubleQuote => {
                if b == b'"' {
                    self.state = State::DoubleQuoteEnd;
                }
            }
            State::DoubleQuoteEnd => {
                if b == b'"' {
                    self.state = State::DoubleQuote;
                } else {
                    self.state = State::Sql;
                    self.word_ended = true;
                    self.sql(b);
                }
            }
            State::DollarTag => self.dollar_tag(b),
            State::Dollar { matched } => self.dollar_body(b, matched),
            State::Meta => self.meta_byte(b),
            State::MetaBackslash => {
                if b == b'\\' {
                    // `\\` ends the command; SQL follows on the same line.
                    self.end_meta();
                    self.state = State::Sql;
                } else {
                    // Another command on the same line.
                    self.end_meta();
                    self.start_meta();
                    self.meta_byte(b);
                }
            }
            State::CopyData => unreachable!("handled by copy_data"),
        }
    }

    fn sql(&mut self, b: u8) {
        let prev = std::mem::replace(&mut self.prev, b);
        if is_word_char(b) && !(b == b'$' && self.word.is_empty()) {
            if self.word_ended {
                self.word.clear();
                self.word_ended = false;
                self.variable = std::mem::take(&mut self.colon);
            }
            if self.word.len() < 64 {
                self.word.push(b);
            }
            self.keep(b);
            return;
        }
        // `:name` is a psql variable; `::` a cast.
        self.colon = b == b':' && prev != b':';
        let quote_prefix = std::mem::take(&mut self.word);
        let had_word = !self.word_ended && !quote_prefix.is_empty();
        self.word_ended = true;
        match b {
            b'\'' => {
                // E'…' escapes; U&'…', B'…', X'…', N'…' do not.
                let prefix = quote_prefix.to_ascii_uppercase();
                let escapes = (had_word && prefix == b"E") || !self.standard_strings;
                if had_word && !matches!(prefix.as_slice(), b"E" | b"U&" | b"B" | b"X" | b"N") {
                    self.word_done(&quote_prefix);
                }
                self.literal.clear();
                self.keep(b);
                self.state = State::Quote(escapes);
                return;
            }
            _ if had_word => self.word_done(&quote_prefix),
            _ => {}
        }
        self.keep(b);
        match b {
            b'"' => self.state = State::DoubleQuote,
            b'$' => {
                self.tag.clear();
                self.state = State::DollarTag;
            }
            b'-' if prev == b'-' => {
                self.uncomment(b"--");
                self.state = State::LineComment;
            }
            b'*' if prev == b'/' => {
                self.uncomment(b"/*");
                self.state = State::BlockComment(1);
            }
            b'(' => self.paren_depth += 1,
            b')' => self.paren_depth = (self.paren_depth - 1).max(0),
            b';' if self.paren_depth == 0 && self.begin_depth == 0 => self.end_statement(),
            b'\\' => {
                self.head.pop();
                self.start_meta();
            }
            _ => {}
        }
    }

    /// A comment's opening is not part of the statement's text.
    fn uncomment(&mut self, opening: &[u8]) {
        self.prev = 0;
        if self.head.ends_with(opening) {
            self.head.truncate(self.head.len() - opening.len());
        }
    }

    /// Keeps the start of the statement, for a finding's text.
    fn keep(&mut self, b: u8) {
        if self.head.is_empty() {
            if b.is_ascii_whitespace() {
                return;
            }
            self.statement_line = self.line;
        }
        if self.head.len() < HEAD {
            self.head.push(b);
        }
    }

    fn block_comment(&mut self, b: u8, depth: u32) {
        let last = std::mem::replace(&mut self.tag, vec![b]);
        match (last.first(), b) {
            (Some(b'/'), b'*') => {
                self.tag.clear();
                self.state = State::BlockComment(depth + 1);
            }
            (Some(b'*'), b'/') => {
                self.tag.clear();
                self.state = if depth == 1 {
                    State::Sql
                } else {
                    State::BlockComment(depth - 1)
                };
            }
            _ => {}
        }
    }

    fn dollar_tag(&mut self, b: u8) {
        if b == b'$' {
            self.open_tag = std::mem::take(&mut self.tag);
            self.state = State::Dollar { matched: 0 };
            self.keep(b);
        } else if is_tag_char(b) && !(self.tag.is_empty() && b.is_ascii_digit()) {
            self.tag.push(b);
            self.keep(b);
        } else {
            // `$1` or a lone `$`: not a quote.
            self.tag.clear();
            self.state = State::Sql;
            self.sql(b);
        }
    }

    fn dollar_body(&mut self, b: u8, matched: usize) {
        // The closing delimiter is `$` + tag + `$`.
        let delimiter_len = self.open_tag.len() + 2;
        let expected = |i: usize, tag: &[u8]| {
            if i == 0 || i == delimiter_len - 1 {
                b'$'
            } else {
                tag[i - 1]
            }
        };
        if b == expected(matched, &self.open_tag) {
            if matched + 1 == delimiter_len {
                self.state = State::Sql;
                self.word_ended = true;
            } else {
                self.state = State::Dollar {
                    matched: matched + 1,
                };
            }
        } else {
            self.state = State::Dollar {
                matched: usize::from(b == b'$'),
            };
        }
    }

    fn literal_byte(&mut self, b: u8) {
        if self.literal.len() < 64 {
            self.literal.push(b);
        }
    }

    fn end_literal(&mut self) {
        let text = String::from_utf8_lossy(&self.literal).to_ascii_lowercase();
        if text.contains("standard_conforming_strings") || text.contains("client_encoding") {
            self.mentions_unreadable = true;
        }
        if self.sets.is_some() && self.set_value.is_none() {
            self.set_value = Some(text);
        }
    }

    /// An unquoted word of the statement ended.
    fn word_done(&mut self, raw: &[u8]) {
        let raw = String::from_utf8_lossy(raw).into_owned();
        if std::mem::take(&mut self.variable) && PSQL_VARIABLES.contains(&raw.as_str()) {
            let line = self.line;
            self.found(FindingKind::MetaCommand, line, format!(":{raw}"));
        }
        let word = raw.to_ascii_uppercase();
        if self.first.len() < 4 {
            self.first.push(word.clone());
        }
        // psql's own rule for SQL-standard function bodies: inside
        // CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN … END holds
        // semicolons that do not end the statement.
        let routine = {
            let f: Vec<&str> = self.first.iter().map(String::as_str).collect();
            matches!(
                f.as_slice(),
                ["CREATE", "FUNCTION" | "PROCEDURE", ..]
                    | ["CREATE", "OR", "REPLACE", "FUNCTION" | "PROCEDURE", ..]
            )
        };
        if routine && self.paren_depth == 0 {
            match word.as_str() {
                "BEGIN" => self.begin_depth += 1,
                "CASE" if self.begin_depth >= 1 => self.begin_depth += 1,
                "END" if self.begin_depth > 0 => self.begin_depth -= 1,
                _ => {}
            }
        }
        let first = self.first.first().map(String::as_str);
        if first == Some("COPY") {
            if self.previous == "FROM" && word == "STDIN" {
                self.copy_from_stdin = true;
            }
            if word == "PROGRAM" {
                self.copy_program = true;
            }
        }
        let lower = word.to_ascii_lowercase();
        if lower == "standard_conforming_strings" || lower == "client_encoding" {
            if first == Some("SET") && self.sets.is_none() {
                self.sets = Some(lower);
            } else {
                self.mentions_unreadable = true;
            }
        } else if self.sets.is_some()
            && self.set_value.is_none()
            && !matches!(word.as_str(), "TO" | "SESSION" | "LOCAL")
        {
            self.set_value = Some(lower);
        }
        self.previous = word;
    }

    fn end_statement(&mut self) {
        if !self.word_ended && !self.word.is_empty() {
            let word = std::mem::take(&mut self.word);
            self.word_done(&word);
        }
        self.word_ended = true;
        let first: Vec<&str> = self.first.iter().map(String::as_str).collect();
        let line = self.statement_line;
        let text = excerpt(&self.head);
        if let ["CREATE" | "DROP" | "ALTER", "DATABASE", ..] = first.as_slice() {
            self.found(FindingKind::DatabaseSwitch, line, text.clone());
        }
        if self.copy_program {
            self.found(FindingKind::ServerProgram, line, text.clone());
        }
        match (self.sets.take(), self.set_value.take()) {
            (Some(setting), Some(value)) if setting == "standard_conforming_strings" => {
                match value.trim_matches('\'') {
                    "on" | "true" | "yes" | "1" => self.standard_strings = true,
                    "off" | "false" | "no" | "0" => self.standard_strings = false,
                    _ => self.mentions_unreadable = true,
                }
            }
            (Some(_), Some(value)) => {
                let name: String = value
                    .to_ascii_uppercase()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect();
                if UNSAFE_ENCODINGS.contains(&name.as_str()) {
                    self.mentions_unreadable = true;
                }
            }
            (Some(_), None) => self.mentions_unreadable = true,
            (None, _) => {}
        }
        if std::mem::take(&mut self.mentions_unreadable) {
            self.found(FindingKind::UnreadableChange, line, text);
        }
        self.copy_pending = self.copy_from_stdin;
        self.head.clear();
        self.first.clear();
        self.previous.clear();
        self.paren_depth = 0;
        self.begin_depth = 0;
        self.copy_from_stdin = false;
        self.copy_program = false;
    }

    fn start_meta(&mut self) {
        self.meta_line = self.line;
        self.meta.clear();
        self.state = State::Meta;
    }

    fn meta_byte(&mut self, b: u8) {
        match b {
            b'\n' => {
                self.end_meta();
                self.state = State::Sql;
            }
            b'\\' => self.state = State::MetaBackslash,
            _ => {
                if self.meta.len() < HEAD {
                    self.meta.push(b);
                }
            }
        }
    }

    /// A backslash command was read: pg_dump's own are let through.
    fn end_meta(&mut self) {
        let text = std::mem::take(&mut self.meta);
        let name_len = text
            .iter()
            .take_while(|&&b| is_tag_char(b))
            .count()
            .max(usize::from(!text.is_empty()));
        let (name, args) = text.split_at(name_len);
        let args = String::from_utf8_lossy(args);
        let args = args.trim();
        let shown = format!("\\{}", excerpt(&text));
        match name {
            b"restrict" | b"unrestrict"
                if !args.is_empty() && args.bytes().all(|b| b.is_ascii_alphanumeric()) => {}
            b"connect" | b"c" => self.found(FindingKind::DatabaseSwitch, self.meta_line, shown),
            _ => self.found(FindingKind::MetaCommand, self.meta_line, shown),
        }
    }
}
