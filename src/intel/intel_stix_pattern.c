/*
 * The STIX patterning language (STIX 2.1 part 9), read strictly and in
 * bounded time and memory: one pass over the text, no recursion, two
 * counters for the depth of parentheses outside and inside observation
 * brackets.  Only what atip can hold is kept: equality comparisons of
 * known object paths.  Everything else well formed is listed as skipped.
 *
 * And the other way: the pattern of an atip indicator, on the standard
 * observables where STIX has one and on x-atip-* ones where it has not.
 */
#include <string.h>
#include <strings.h>

#include "intel/intel_stix_int.h"

enum tok_kind {
	T_END,
	T_LBRACK,
	T_RBRACK,
	T_LPAREN,
	T_RPAREN,
	T_COMMA,
	T_OP,	   /* = != < <= > >= */
	T_STRING,  /* '...' */
	T_TSTAMP,  /* t'...' */
	T_LITERAL, /* b'...', h'...' */
	T_NUMBER,  /* 12, -1.5 */
	T_WORD,	   /* AND, OR, NOT, true, ... */
};

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct tok {
	enum tok_kind kind;
	enum op op;
	size_t at, len;	  /* where in the pattern */
	const char *text; /* T_STRING: unescaped, arena memory */
	bool integer;	  /* T_NUMBER without a fraction or sign */
};

struct lex {
	const char *p;
	size_t len, i;
	struct arena *a;
	const char *why;
	size_t at;
};

/* Where a known path's value goes. */
enum role { R_VALUE, R_QUALIFIER, R_IGNORED };

static const struct known {
	const char *path;
	enum intel_type type;
	enum role role;
	const char *object; /* the object a qualifier belongs to */
} known[] = {
	{ "email-addr:value", INTEL_EMAIL, R_VALUE, NULL },
	{ "email-message:from_ref.value", INTEL_EMAIL, R_VALUE, NULL },
	{ "email-message:sender_ref.value", INTEL_EMAIL, R_VALUE, NULL },
	{ "email-message:to_refs[*].value", INTEL_EMAIL, R_VALUE, NULL },
	{ "email-message:cc_refs[*].value", INTEL_EMAIL, R_VALUE, NULL },
	{ "email-message:bcc_refs[*].value", INTEL_EMAIL, R_VALUE, NULL },
	{ "url:value", INTEL_URL, R_VALUE, NULL },
	{ "domain-name:value", INTEL_DOMAIN, R_VALUE, NULL },
	{ "ipv4-addr:value", INTEL_IP, R_VALUE, NULL },
	{ "ipv6-addr:value", INTEL_IP, R_VALUE, NULL },
	{ "user-account:account_login", INTEL_HANDLE, R_VALUE, NULL },
	{ "user-account:account_type", INTEL_HANDLE, R_QUALIFIER, NULL },
	{ "x-atip-phone:value", INTEL_PHONE, R_VALUE, NULL },
	{ "x-atip-upi:value", INTEL_UPI, R_VALUE, NULL },
	{ "x-atip-bank-account:value", INTEL_BANK, R_VALUE, NULL },
	{ "x-atip-crypto-wallet:value", INTEL_WALLET, R_VALUE, NULL },
	{ "x-atip-crypto-wallet:chain", INTEL_WALLET, R_QUALIFIER, NULL },
	{ "x-atip-vehicle-plate:value", INTEL_PLATE, R_VALUE, NULL },
	{ "x-atip-ad-text:value", INTEL_AD, R_VALUE, NULL },
	/* Derived from the text, which the reader computes again. */
	{ "x-atip-ad-text:simhash", INTEL_AD, R_IGNORED, NULL },
};

static bool
fail(struct lex *l, size_t at, const char *why)
{
	l->why = why;
	l->at = at;
	return false;
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A quoted string at l->i: its unescaped text into t->text. */
static bool
lex_string(struct lex *l, struct tok *t)
{
	size_t i = l->i + 1, n = 0, o = 0;
	char *s;

	for (;; i++, n++) {
		if (i >= l->len)
			return fail(l, l->i, "a string has no closing quote");
		if (l->p[i] == '\'')
			break;
		if (l->p[i] == '\\') {
			if (i + 1 >= l->len ||
			    (l->p[i + 1] != '\'' && l->p[i + 1] != '\\'))
				return fail(l, i,
					    "a backslash in a string escapes "
					    "only a quote or a backslash");
			i++;
		}
	}
	s = arena_alloc(l->a, n + 1);
	for (size_t j = l->i + 1; j < i; j++) {
		if (l->p[j] == '\\')
			j++;
		s[o++] = l->p[j];
	}
	s[o] = '\0';
	t->text = s;
	l->i = i + 1;
	return true;
}

static bool
lex_number(struct lex *l, struct tok *t)
{
	size_t i = l->i;

	t->integer = is_digit(l->p[i]);
	if (l->p[i] == '-' || l->p[i] == '+')
		i++;
	while (i < l->len && is_digit(l->p[i]))
		i++;
	if (i < l->len && l->p[i] == '.') {
		t->integer = false;
		if (++i >= l->len || !is_digit(l->p[i]))
			return fail(l, i, "a number has no digits after '.'");
		while (i < l->len && is_digit(l->p[i]))
			i++;
	}
	if (i < l->len && (is_alpha(l->p[i]) || l->p[i] == '\''))
		return fail(l, i, "a number runs into a word");
	t->kind = T_NUMBER;
	l->i = i;
	return true;
}

/* The next token of an expression (not of an object path). */
static bool
lex(struct lex *l, struct tok *t)
{
	char c;

	while (l->i < l->len && strchr(" \t\r\n", l->p[l->i]))
		l->i++;
	memset(t, 0, sizeof(*t));
	t->at = l->i;
	if (l->i >= l->len) {
		t->kind = T_END;
		return true;
	}
	c = l->p[l->i];
	switch (c) {
	case '[':
	case ']':
	case '(':
	case ')':
	case ',':
		t->kind = c == '['   ? T_LBRACK
			  : c == ']' ? T_RBRACK
			  : c == '(' ? T_LPAREN
			  : c == ')' ? T_RPAREN
				     : T_COMMA;
		l->i++;
		break;
	case '=':
		t->kind = T_OP;
		t->op = OP_EQ;
		l->i++;
		break;
	case '!':
		if (l->i + 1 >= l->len || l->p[l->i + 1] != '=')
			return fail(l, l->i, "'!' is not followed by '='");
		t->kind = T_OP;
		t->op = OP_NE;
		l->i += 2;
		break;
	case '<':
	case '>': {
		bool eq = l->i + 1 < l->len && l->p[l->i + 1] == '=';

		t->kind = T_OP;
		t->op = c == '<' ? (eq ? OP_LE : OP_LT) : (eq ? OP_GE : OP_GT);
		l->i += eq ? 2 : 1;
		break;
	}
	case '\'':
		t->kind = T_STRING;
		if (!lex_string(l, t))
			return false;
		break;
	default:
		if (is_digit(c) ||
		    ((c == '-' || c == '+') && l->i + 1 < l->len &&
		     is_digit(l->p[l->i + 1]))) {
			if (!lex_number(l, t))
				return false;
			break;
		}
		if (!is_alpha(c))
			return fail(l, l->i, "an unexpected character");
		if (l->i + 1 < l->len && l->p[l->i + 1] == '\'' &&
		    strchr("bht", c)) {
			l->i++;
			if (!lex_string(l, t))
				return false;
			t->kind = c == 't' ? T_TSTAMP : T_LITERAL;
			break;
		}
		while (l->i < l->len &&
		       (is_alpha(l->p[l->i]) || is_digit(l->p[l->i])))
			l->i++;
		t->kind = T_WORD;
		break;
	}
	t->len = l->i - t->at;
	return true;
}

static bool
word_is(const struct lex *l, const struct tok *t, const char *w)
{
	return t->kind == T_WORD && t->len == strlen(w) &&
	       !strncasecmp(l->p + t->at, w, t->len);
}

/* A property name of a path: an identifier or a quoted string. */
static bool
path_part(struct lex *l, struct buf *canon)
{
	struct tok t;
	size_t start = l->i;

	if (l->i < l->len && l->p[l->i] == '\'') {
		if (!lex_string(l, &t))
			return false;
		return buf_adds(canon, t.text) ||
		       fail(l, start, "an object path is too long");
	}
	if (l->i >= l->len || !is_alpha(l->p[l->i]))
		return fail(l, l->i, "an object path lacks a property name");
	while (l->i < l->len && (is_alpha(l->p[l->i]) || is_digit(l->p[l->i])))
		l->i++;
	return buf_add(canon, l->p + start, l->i - start) ||
	       fail(l, start, "an object path is too long");
}

/*
 * An object path at l->i ("file:hashes.'SHA-256'", "email-message:
 * to_refs[0].value") into canon, array indexes written "[*]".
 */
static bool
lex_path(struct lex *l, struct buf *canon)
{
	size_t start = l->i;

	buf_reset(canon);
	if (l->i >= l->len || !is_alpha(l->p[l->i]))
		return fail(l, l->i,
			    "a comparison does not start with an "
			    "object path");
	while (l->i < l->len && (is_alpha(l->p[l->i]) || is_digit(l->p[l->i]) ||
				 l->p[l->i] == '-'))
		l->i++;
	if (l->i - start > 250)
		return fail(l, start, "an object type is too long");
	if (l->i >= l->len || l->p[l->i] != ':')
		return fail(l, l->i, "an object type is not followed by ':'");
	if (!buf_add(canon, l->p + start, l->i - start + 1))
		return fail(l, start, "an object path is too long");
	l->i++;
	if (!path_part(l, canon))
		return false;
	while (l->i < l->len) {
		if (l->p[l->i] == '.') {
			l->i++;
			if (!buf_adds(canon, "."))
				return fail(l, l->i,
					    "an object path is too long");
			if (!path_part(l, canon))
				return false;
		} else if (l->p[l->i] == '[') {
			size_t i = l->i + 1;

			if (i < l->len && l->p[i] == '*') {
				i++;
			} else {
				if (i < l->len && l->p[i] == '-')
					i++;
				if (i >= l->len || !is_digit(l->p[i]))
					return fail(l, i,
						    "a list index is not a "
						    "number or '*'");
				while (i < l->len && is_digit(l->p[i]))
					i++;
			}
			if (i >= l->len || l->p[i] != ']')
				return fail(l, i, "a list index has no ']'");
			l->i = i + 1;
			if (!buf_adds(canon, "[*]"))
				return fail(l, i, "an object path is too long");
		} else {
			break;
		}
	}
	return true;
}

struct parse {
	struct lex l;
	struct intel_stix_value *values;
	size_t nvalues, cap;
	const char **skipped;
	size_t nskipped, skipcap;
	size_t obs_first;    /* first value of the current observation */
	const char *qual[2]; /* account type, chain, of the observation */
	size_t comparisons;
};

static void
skip(struct parse *p, const char *path, const char *why)
{
	p->skipped = intel_stix_grow(p->l.a, p->skipped, p->nskipped,
				     &p->skipcap, sizeof(*p->skipped));
	p->skipped[p->nskipped++] = arena_printf(p->l.a, "%s: %s", path, why);
}

static const struct known *
known_path(const char *path)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].path, path))
			return &known[i];
	return NULL;
}

static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* One string an equality compares a known path with. */
static void
take(struct parse *p, const char *path, const struct known *k, const char *s)
{
	struct intel_stix_value *v;

	if (k->role == R_IGNORED)
		return;
	if (!*s) {
		skip(p, path, "an empty value");
		return;
	}
	if (chars(s) > INTEL_VALUE_MAX) {
		skip(p, path, "a value longer than 2000 characters");
		return;
	}
	if (k->role == R_QUALIFIER) {
		int q = k->type == INTEL_WALLET;

		if (!p->qual[q])
			p->qual[q] = s;
		return;
	}
	if (k->type == INTEL_IP && strchr(s, '/')) {
		skip(p, path, "a network range, not one address");
		return;
	}
	p->values = intel_stix_grow(p->l.a, p->values, p->nvalues, &p->cap,
				    sizeof(*p->values));
	v = &p->values[p->nvalues++];
	v->type = k->type;
	v->qualifier = NULL;
	v->value = s;
}

/* The qualifiers of an observation go to its accounts and wallets. */
static void
observation_end(struct parse *p)
{
	for (size_t i = p->obs_first; i < p->nvalues; i++) {
		struct intel_stix_value *v = &p->values[i];

		if (v->type == INTEL_HANDLE && p->qual[0]) {
			v->qualifier = p->qual[0];
			if (intel_stix_messaging_app(v->qualifier))
				v->type = INTEL_MESSAGING;
		} else if (v->type == INTEL_WALLET) {
			v->qualifier = p->qual[1];
		}
	}
	p->qual[0] = p->qual[1] = NULL;
}

static bool
literal(const struct lex *l, const struct tok *t)
{
	return t->kind == T_STRING || t->kind == T_NUMBER ||
	       t->kind == T_LITERAL || t->kind == T_TSTAMP ||
	       word_is(l, t, "true") || word_is(l, t, "false");
}

/* The rest of a comparison after its path: [NOT] operator operand. */
static bool
comparison(struct parse *p, const char *path)
{
	struct lex *l = &p->l;
	const struct known *k = known_path(path);
	bool negated = false, equality;
	struct tok t;
	size_t at;

	if (++p->comparisons > INTEL_STIX_COMPARISONS_MAX)
		return fail(l, l->i, "a pattern holds too many comparisons");
	if (!lex(l, &t))
		return false;
	if (word_is(l, &t, "NOT")) {
		negated = true;
		if (!lex(l, &t))
			return false;
	}
	at = t.at;
	if (t.kind == T_OP) {
		equality = t.op == OP_EQ;
		if (!lex(l, &t))
			return false;
		if (!literal(l, &t))
			return fail(l, t.at,
				    "an operator is not followed by "
				    "a value");
		if (!k)
			skip(p, path, "no atip indicator for this path");
		else if (negated || !equality || t.kind != T_STRING)
			skip(p, path, "only equality with a string is read");
		else
			take(p, path, k, t.text);
		return true;
	}
	if (word_is(l, &t, "IN")) {
		size_t n = 0;

		if (!lex(l, &t))
			return false;
		if (t.kind != T_LPAREN)
			return fail(l, t.at, "IN is not followed by '('");
		do {
			if (!lex(l, &t))
				return false;
			if (!literal(l, &t))
				return fail(l, t.at,
					    "IN lists something "
					    "other than values");
			if (++n > INTEL_STIX_COMPARISONS_MAX)
				return fail(l, t.at,
					    "IN lists too many "
					    "values");
			if (k && !negated && t.kind == T_STRING)
				take(p, path, k, t.text);
			if (!lex(l, &t))
				return false;
		} while (t.kind == T_COMMA);
		if (t.kind != T_RPAREN)
			return fail(l, t.at, "IN's list has no ')'");
		if (!k)
			skip(p, path, "no atip indicator for this path");
		else if (negated)
			skip(p, path, "only equality with a string is read");
		return true;
	}
	if (word_is(l, &t, "LIKE") || word_is(l, &t, "MATCHES") ||
	    word_is(l, &t, "ISSUBSET") || word_is(l, &t, "ISSUPERSET")) {
		if (!lex(l, &t))
			return false;
		if (t.kind != T_STRING)
			return fail(l, t.at,
				    "LIKE, MATCHES, ISSUBSET and "
				    "ISSUPERSET take a string");
		skip(p, path, "only equality with a string is read");
		return true;
	}
	return fail(l, at, "a comparison has no operator");
}

/* WITHIN n SECONDS, START t'..' STOP t'..', REPEATS n TIMES: ignored. */
static bool
qualifier(struct parse *p, struct tok *t, bool *was)
{
	struct lex *l = &p->l;

	*was = true;
	if (word_is(l, t, "WITHIN")) {
		if (!lex(l, t))
			return false;
		if (t->kind != T_NUMBER || l->p[t->at] == '-')
			return fail(l, t->at, "WITHIN takes a number");
		if (!lex(l, t))
			return false;
		if (!word_is(l, t, "SECONDS"))
			return fail(l, t->at,
				    "WITHIN n is not followed by "
				    "SECONDS");
	} else if (word_is(l, t, "START")) {
		if (!lex(l, t))
			return false;
		if (t->kind != T_TSTAMP)
			return fail(l, t->at, "START takes t'timestamp'");
		if (!lex(l, t))
			return false;
		if (!word_is(l, t, "STOP"))
			return fail(l, t->at, "START has no STOP");
		if (!lex(l, t))
			return false;
		if (t->kind != T_TSTAMP)
			return fail(l, t->at, "STOP takes t'timestamp'");
	} else if (word_is(l, t, "REPEATS")) {
		if (!lex(l, t))
			return false;
		if (t->kind != T_NUMBER || !t->integer)
			return fail(l, t->at, "REPEATS takes a whole number");
		if (!lex(l, t))
			return false;
		if (!word_is(l, t, "TIMES"))
			return fail(l, t->at,
				    "REPEATS n is not followed by "
				    "TIMES");
	} else {
		*was = false;
	}
	return true;
}

/* The comparisons of one observation, after its '['. */
static bool
observation(struct parse *p, struct buf *path)
{
	struct lex *l = &p->l;
	size_t depth = 0;
	struct tok t;

	p->obs_first = p->nvalues;
	for (;;) {
		/* A comparison, or '(' opening a group of them. */
		while (l->i < l->len && strchr(" \t\r\n", l->p[l->i]))
			l->i++;
		if (l->i < l->len && l->p[l->i] == '(') {
			if (++depth > INTEL_STIX_DEPTH_MAX)
				return fail(l, l->i,
					    "parentheses nest too "
					    "deep");
			l->i++;
			continue;
		}
		if (l->i < l->len && l->p[l->i] == ']')
			return fail(l, l->i,
				    "an observation holds no "
				    "comparison");
		if (l->i + 6 < l->len &&
		    !strncasecmp(l->p + l->i, "EXISTS", 6) &&
		    strchr(" \t\r\n", l->p[l->i + 6])) {
			l->i += 6;
			while (l->i < l->len && strchr(" \t\r\n", l->p[l->i]))
				l->i++;
			if (!lex_path(l, path))
				return false;
			skip(p, path->p, "EXISTS names no value");
			if (++p->comparisons > INTEL_STIX_COMPARISONS_MAX)
				return fail(l, l->i,
					    "a pattern holds too many "
					    "comparisons");
		} else {
			if (!lex_path(l, path))
				return false;
			if (!comparison(p, path->p))
				return false;
		}
		/* Then ')', AND, OR or the closing ']'. */
		for (;;) {
			if (!lex(l, &t))
				return false;
			if (t.kind != T_RPAREN)
				break;
			if (depth-- == 0)
				return fail(l, t.at, "a ')' closes nothing");
		}
		if (t.kind == T_RBRACK) {
			if (depth)
				return fail(l, t.at,
					    "a '(' is not closed "
					    "before ']'");
			observation_end(p);
			return true;
		}
		if (t.kind == T_END)
			return fail(l, t.at, "the pattern ends too soon");
		if (!word_is(l, &t, "AND") && !word_is(l, &t, "OR"))
			return fail(l, t.at,
				    "comparisons are not joined by "
				    "AND or OR");
	}
}

bool
intel_stix_pattern(const char *pattern, struct arena *a,
		   struct intel_stix_value **values, size_t *nvalues,
		   const char ***skipped, size_t *nskipped, const char **why,
		   size_t *at)
{
	struct parse p = { .l = { .p = pattern, .a = a } };
	struct buf path;
	struct tok t;
	size_t depth = 0;
	bool ok = false, was;

	*values = NULL;
	*nvalues = *nskipped = 0;
	*skipped = NULL;
	p.l.len = strlen(pattern);
	if (p.l.len > INTEL_STIX_PATTERN_MAX) {
		*why = "the pattern is too long";
		*at = 0;
		return false;
	}
	buf_init(&path, 1024);
	for (;;) {
		/* An observation, or '(' opening a group of them. */
		if (!lex(&p.l, &t))
			goto out;
		if (t.kind == T_LPAREN) {
			if (++depth > INTEL_STIX_DEPTH_MAX) {
				fail(&p.l, t.at, "parentheses nest too deep");
				goto out;
			}
			continue;
		}
		if (t.kind != T_LBRACK) {
			fail(&p.l, t.at,
			     t.kind == T_END ? "the pattern ends too soon"
					     : "an observation does not start "
					       "with '['");
			goto out;
		}
		if (!observation(&p, &path))
			goto out;
		/* Then qualifiers, ')', AND, OR, FOLLOWEDBY or the end. */
		for (;;) {
			if (!lex(&p.l, &t) || !qualifier(&p, &t, &was))
				goto out;
			if (was)
				continue;
			if (t.kind != T_RPAREN)
				break;
			if (depth-- == 0) {
				fail(&p.l, t.at, "a ')' closes nothing");
				goto out;
			}
		}
		if (t.kind == T_END) {
			if (depth) {
				fail(&p.l, t.at, "a '(' is not closed");
				goto out;
			}
			break;
		}
		if (!word_is(&p.l, &t, "AND") && !word_is(&p.l, &t, "OR") &&
		    !word_is(&p.l, &t, "FOLLOWEDBY")) {
			fail(&p.l, t.at,
			     "observations are not joined by AND, "
			     "OR or FOLLOWEDBY");
			goto out;
		}
	}
	ok = true;
	*values = p.values;
	*nvalues = p.nvalues;
	*skipped = p.skipped;
	*nskipped = p.nskipped;
out:
	if (!ok) {
		*why = p.l.why;
		*at = p.l.at;
	}
	buf_release(&path);
	return ok;
}

/* ---- Out ---------------------------------------------------------------- */

/* Appends s as a pattern string: quoted, quotes and backslashes escaped. */
static void
quote(struct buf *out, const char *s)
{
	buf_adds(out, "'");
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_add(out, "\\", 1);
		buf_add(out, s, 1);
	}
	buf_adds(out, "'");
}

static void
compare(struct buf *out, const char *path, const char *s)
{
	buf_adds(out, path);
	buf_adds(out, " = ");
	quote(out, s);
}

bool
intel_stix_pattern_of(const struct intel_indicator *ind, struct buf *out)
{
	static const char *const paths[INTEL_TYPE_COUNT] = {
		[INTEL_PHONE] = "x-atip-phone:value",
		[INTEL_EMAIL] = "email-addr:value",
		[INTEL_URL] = "url:value",
		[INTEL_DOMAIN] = "domain-name:value",
		[INTEL_HANDLE] = "user-account:account_login",
		[INTEL_MESSAGING] = "user-account:account_login",
		[INTEL_UPI] = "x-atip-upi:value",
		[INTEL_BANK] = "x-atip-bank-account:value",
		[INTEL_WALLET] = "x-atip-crypto-wallet:value",
		[INTEL_IP] = "ipv4-addr:value",
		[INTEL_PLATE] = "x-atip-vehicle-plate:value",
		[INTEL_AD] = "x-atip-ad-text:value",
	};
	const char *path;

	buf_reset(out);
	/* A person's name is personal data: it never leaves in STIX. */
	if ((unsigned)ind->type >= INTEL_TYPE_COUNT ||
	    ind->type == INTEL_NAME || !ind->value)
		return false;
	path = paths[ind->type];
	if (ind->type == INTEL_IP && strchr(ind->value, ':'))
		path = "ipv6-addr:value";
	buf_adds(out, "[");
	compare(out, path, ind->value);
	if ((ind->type == INTEL_HANDLE || ind->type == INTEL_MESSAGING) &&
	    ind->qualifier) {
		buf_adds(out, " AND ");
		compare(out, "user-account:account_type", ind->qualifier);
	} else if (ind->type == INTEL_WALLET && ind->qualifier) {
		buf_adds(out, " AND ");
		compare(out, "x-atip-crypto-wallet:chain", ind->qualifier);
	} else if (ind->type == INTEL_AD && ind->key) {
		buf_adds(out, " AND ");
		compare(out, "x-atip-ad-text:simhash", ind->key);
	}
	buf_adds(out, "]");
	return true;
}
