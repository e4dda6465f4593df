//! pg_dump's name patterns (`-n`, `-t`, `-T`): `schema.table`, `*` and `?`
//! wildcards, double quotes keep case and dots. Used to weigh only the tables
//! pg_dump will actually dump.

/// A parsed pattern: optional schema part and a name part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    schema: Option<Vec<Tok>>,
    name: Vec<Tok>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Char(char),
    Any,
    One,
}

impl NamePattern {
    pub fn parse(text: &str) -> NamePattern {
        let mut parts: Vec<Vec<Tok>> = vec![Vec::new()];
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let part = parts.last_mut().expect("never empty");
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    part.push(Tok::Char('"'));
                }
                '"' => quoted = !quoted,
                '.' if !quoted => parts.push(Vec::new()),
                '*' if !quoted => part.push(Tok::Any),
                '?' if !quoted => part.push(Tok::One),
                c if quoted => part.push(Tok::Char(c)),
                c => part.push(Tok::Char(c.to_ascii_lowercase())),
            }
        }
        let name = parts.pop().unwrap_or_default();
        NamePattern {
            schema: parts.pop(),
            name,
        }
    }

    /// Matches a schema name alone (`-n`): the whole pattern is the schema.
    pub fn matches_schema(&self, schema: &str) -> bool {
        self.schema.is_none() && glob(&self.name, &schema.chars().collect::<Vec<_>>())
    }

    /// Matches a table; a pattern without schema matches any schema.
    pub fn matches_table(&self, schema: &str, name: &str) -> bool {
        let schema_ok = self
            .schema
            .as_ref()
            .is_none_or(|s| glob(s, &schema.chars().collect::<Vec<_>>()));
        schema_ok && glob(&self.name, &name.chars().collect::<Vec<_>>())
    }
}

fn glob(pattern: &[Tok], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((Tok::Any, rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        Some((Tok::One, rest)) => !text.is_empty() && glob(rest, &text[1..]),
        Some((Tok::Char(c), rest)) => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_follow_pg_dump() {
        assert!(NamePattern::parse("public.orders").matches_table("public", "orders"));
        assert!(NamePattern::parse("Orders").matches_table("sales", "orders"));
        assert!(!NamePattern::parse("\"Orders\"").matches_table("sales", "orders"));
        assert!(NamePattern::parse("s*.ord?rs").matches_table("sales", "orders"));
        assert!(NamePattern::parse("\"My \"\"odd\"\" schema\"").matches_schema("My \"odd\" schema"));
        assert!(NamePattern::parse("\"a.b\".t").matches_table("a.b", "t"));
        assert!(!NamePattern::parse("public.orders").matches_table("public", "orders2"));
    }
}
