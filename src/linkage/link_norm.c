/*
 * Normalisation before encoding, the same on every side.  Text is NFKC
 * case folded; text in another script is transliterated to Latin (CLDR's
 * Sinhala rules, which ICU 72 lacks, then ICU's Any-Latin) and reduced to
 * ASCII; then common South Asian romanisation variants are folded: vowel
 * length, aspiration, sibilants, v/w/b, doubled letters and the Indic
 * inherent vowel at the end of a word.  A skeleton goes further for
 * scripts that do not write what Latin spellings distinguish (Tamil has
 * one letter for k and g): consonants only, voicing merged.
 */
#include "linkage/link.h"

#include "base/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>
#include <unicode/utrans.h>

extern const char link_sinhala_rules[];

/* A word keeps WORD_MAX letters; folding may lengthen it (x is ks). */
enum { WORD_MAX = 64, WORD_BUF = 2 * WORD_MAX + 1, INPUT_MAX = 1024 };

/* After Any-Latin and the inherent vowel: the ISO 15919 letters whose plain
 * Latin reading differs from how South Asian names are spelt in Latin. */
static const char latin_fixes[] =
	"[\\u1E41\\u1E43] } h > ng;" /* anusvara before h: Singh(e) */
	"[\\u1E41\\u1E43] > n;"	     /* anusvara */
	"\\u1E45 } [kg] > n;"	     /* velar nasal: Shankar, */
	"\\u1E45 > ng;"		     /* Tamang */
	"m\\u0310 > ;"		     /* chandrabindu */
	"\\u0303 > ;"		     /* nasalised vowel */
	"\\u1E25 > ;"		     /* visarga */
	"r\\u0325 > ri;"	     /* vocalic r: Krishna */
	"\\u1E5B > ri;"		     /* Sinhala vocalic r */
	"[\\u00E6\\u01E3] > e;"	     /* Sinhala ae */
	"\\u0129 > ai;"		     /* Sinhala ai */
	"\\u1E05 > mb;"		     /* Sinhala prenasalised b */
	"::Latin-ASCII; ::NFD; ::[:Mn:] Remove; ::Lower;";

/* Each thread's own transliterators (they are not thread-safe). */
struct translit {
	UTransliterator *to_latin; /* CLDR Sinhala rules, then Any-Latin */
	UTransliterator *to_ascii; /* latin_fixes */
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t clone_key;
static struct translit template; /* never used directly: cloned */
static const UNormalizer2 *folding;

static void
close_clone(void *p)
{
	struct translit *t = p;

	utrans_close(t->to_latin);
	utrans_close(t->to_ascii);
	free(t);
}

static UTransliterator *
compile(const char *name, const char *a, const char *b, UErrorCode *e)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *rules = xmalloc(n);
	UChar *u = xmalloc(n * sizeof(UChar)), id[32];
	UTransliterator *t;
	UParseError pe;
	int32_t ulen;

	snprintf(rules, n, "%s%s", a, b);
	u_strFromUTF8(u, (int32_t)n, &ulen, rules, -1, e);
	u_uastrcpy(id, name);
	t = utrans_openU(id, -1, UTRANS_FORWARD, u, ulen, &pe, e);
	free(rules);
	free(u);
	return t;
}

static void
setup(void)
{
	UErrorCode e = U_ZERO_ERROR;

	template.to_latin = compile("atip-link-latin", link_sinhala_rules,
				    "::Any-Latin;", &e);
	template.to_ascii = compile("atip-link-ascii", "", latin_fixes, &e);
	folding = unorm2_getNFKCCasefoldInstance(&e);
	/* Fixed rules: failing here is a build defect, caught by any test. */
	if (U_FAILURE(e) || pthread_key_create(&clone_key, close_clone))
		abort();
}

static const struct translit *
transliterators(void)
{
	struct translit *t = pthread_getspecific(clone_key);
	UErrorCode e = U_ZERO_ERROR;

	if (t)
		return t;
	t = xcalloc(1, sizeof(*t));
	t->to_latin = utrans_clone(template.to_latin, &e);
	t->to_ascii = utrans_clone(template.to_ascii, &e);
	if (U_FAILURE(e) || pthread_setspecific(clone_key, t))
		abort();
	return t;
}

static bool
iso_vowel(const UChar *s, int32_t i, int32_t len)
{
	static const UChar vowels[] = u"a\u0101i\u012Bu\u016Be\u0113o\u014D";

	/* r and l with a ring below are vowels (r-ring: Krishna). */
	if (i + 1 < len && s[i + 1] == 0x0325)
		return true;
	return u_strchr(vowels, s[i]) != NULL;
}

static bool
iso_consonant(const UChar *s, int32_t i, int32_t len)
{
	/* Anusvara and candrabindu nasalise the vowel before them. */
	if (s[i] == 0x1E41 || s[i] == 0x1E43 ||
	    (i + 1 < len && s[i + 1] == 0x0310))
		return false;
	return u_isalpha(s[i]) && !iso_vowel(s, i, len);
}

/*
 * Devanagari and Bengali write a vowel after every consonant that has no
 * other; at the end of a word it is not said (राम is Ram, रहिम Rahim) unless
 * a cluster comes before it (श्रेष्ठ is Shrestha, कृष्ण Krishna).  Drops it
 * from the ISO 15919 transliteration in s[0..*len).
 */
static void
drop_inherent_vowel(UChar *s, int32_t *len)
{
	static const UChar aspirated[] = u"kgcjtdpb\u1E6D\u1E0D";

	for (int32_t i = 1; i < *len; i++) {
		int32_t j = i - 1;

		if (s[i] != 'a' ||
		    (i + 1 < *len &&
		     (u_isalpha(s[i + 1]) ||
		      u_charType(s[i + 1]) == U_NON_SPACING_MARK)))
			continue;
		/* सिंह comes out "sinha": the anusvara before h, Singh. */
		if (j > 0 && s[j] == 'h' && s[j - 1] == 'n') {
			s[j] = 'g';
			s[i] = 'h';
			continue;
		}
		if (s[j] == 'h' && j > 0 && u_strchr(aspirated, s[j - 1]))
			j--; /* an aspirate: kh, th, dh... one consonant */
		if (!iso_consonant(s, j, *len) ||
		    (j > 0 && iso_consonant(s, j - 1, *len)))
			continue;
		memmove(s + i, s + i + 1, (size_t)(*len - i - 1) * sizeof(*s));
		(*len)--;
	}
}

/*
 * Folds in (UTF-8) to lower-case ASCII letters, digits and single spaces
 * into out[0..cap); returns the length, or -1 when in is not UTF-8.
 */
static int
to_ascii(const char *in, char *out, size_t cap)
{
	UChar src[INPUT_MAX], dst[4 * INPUT_MAX];
	const struct translit *t = transliterators();
	UErrorCode e = U_ZERO_ERROR;
	int32_t n, len, limit;
	size_t o = 0;
	bool ascii = true, indic = false;

	for (const char *p = in; *p; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = false;
	if (ascii) {
		for (const char *p = in; *p && o + 1 < cap; p++)
			out[o++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32)
							    : *p;
		out[o] = 0;
		return (int)o;
	}
	u_strFromUTF8(src, INPUT_MAX, &n, in, -1, &e);
	if (e == U_BUFFER_OVERFLOW_ERROR ||
	    e == U_STRING_NOT_TERMINATED_WARNING)
		return -1; /* longer than any field */
	len = unorm2_normalize(folding, src, n, dst, INPUT_MAX, &e);
	if (U_FAILURE(e))
		return -1;
	for (int32_t i = 0; i < len; i++)
		if (dst[i] >= 0x0900 && dst[i] <= 0x09FF)
			indic = true; /* Devanagari or Bengali */
	limit = len;
	utrans_transUChars(t->to_latin, dst, &len, 4 * INPUT_MAX, 0, &limit,
			   &e);
	if (indic)
		drop_inherent_vowel(dst, &len);
	limit = len;
	utrans_transUChars(t->to_ascii, dst, &len, 4 * INPUT_MAX, 0, &limit,
			   &e);
	if (U_FAILURE(e))
		return -1;
	for (int32_t i = 0; i < len && o + 1 < cap; i++) {
		int32_t d = u_charDigitValue(dst[i]);

		if (dst[i] < 0x80)
			out[o++] = (char)dst[i];
		else if (d >= 0 && d <= 9)
			out[o++] = (char)('0' + d);
		else
			out[o++] = ' ';
	}
	out[o] = 0;
	return (int)o;
}

static bool
vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static bool
letter(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Words that are titles, not names. */
static bool
title(const char *w)
{
	static const char *const titles[] = { "mr",  "mrs",	 "ms",
					      "mst", "smt",	 "shrimati",
					      "dr",  "mosammat", NULL };

	for (size_t i = 0; titles[i]; i++)
		if (!strcmp(w, titles[i]))
			return true;
	return false;
}

/*
 * Replaces w[i..i+n) by r in a word of WORD_BUF bytes; a replacement that
 * would not fit is not made.  Returns the new length.
 */
static size_t
replace(char *w, size_t len, size_t i, size_t n, const char *r)
{
	size_t rn = strlen(r);

	if (len - n + rn >= WORD_BUF)
		return len;
	memmove(w + i + rn, w + i + n, len - i - n + 1);
	memcpy(w + i, r, rn);
	return len - n + rn;
}

/* Folds one lower-case ASCII word in place; returns its length. */
static size_t
fold_word(char *w, size_t len)
{
	static const struct {
		const char *from, *to;
	} vowels[] = { { "ee", "i" }, { "ii", "i" }, { "oo", "u" },
		       { "uu", "u" }, { "aa", "a" }, { "ou", "o" },
		       { "ow", "o" }, { "au", "o" }, { "ai", "e" },
		       { NULL, NULL } },
	  consonants[] = { { "ksh", "ks" }, { "x", "ks" }, { "tc", "ks" },
			   { "jn", "gy" },  { "ck", "k" }, { "chh", "c" },
			   { "ch", "c" },   { "ph", "f" }, { "sh", "s" },
			   { "w", "b" },    { "v", "b" },  { "z", "j" },
			   { "q", "k" },    { NULL, NULL } };
	size_t i, k, o;

	if (!strcmp(w, "md") || !strcmp(w, "mohd"))
		len = replace(w, len, 0, len, "mohammad");
	for (k = 0; vowels[k].from; k++)
		/* Not the first letter: Aisha is not Esha. */
		for (i = 1; i + strlen(vowels[k].from) <= len; i++)
			if (!strncmp(w + i, vowels[k].from,
				     strlen(vowels[k].from)))
				len = replace(w, len, i, strlen(vowels[k].from),
					      vowels[k].to);
	for (k = 0; consonants[k].from; k++)
		for (i = 0; i + strlen(consonants[k].from) <= len; i++)
			if (!strncmp(w + i, consonants[k].from,
				     strlen(consonants[k].from)))
				len = replace(w, len, i,
					      strlen(consonants[k].from),
					      consonants[k].to);
	/* Aspiration: h after a consonant; doubled letters. */
	for (i = o = 0; i < len; i++) {
		if (w[i] == 'h' && o > 0 && !vowel(w[o - 1]) && w[o - 1] != 'h')
			continue;
		if (o > 0 && w[o - 1] == w[i])
			continue;
		w[o++] = w[i];
	}
	len = o;
	if (len > 1 && w[len - 1] == 'y' && !vowel(w[len - 2]))
		w[len - 1] = 'i';
	/* Sinhala names end in a or e alike: Jayasingha, Jayasinghe. */
	if (len > 2 && w[len - 1] == 'e' && !vowel(w[len - 2]))
		w[len - 1] = 'a';
	w[len] = 0;
	return len;
}

/* The consonant skeleton of a folded word, voicing merged. */
static size_t
skeleton_word(char *w, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = w[i];

		switch (c) {
		case 'g':
		case 'q': c = 'k'; break;
		case 'd': c = 't'; break;
		case 'b':
		case 'f':
		case 'v': c = 'p'; break;
		case 'c':
		case 'z': c = 's'; break;
		default: break;
		}
		if (i > 0 && (vowel(c) || c == 'y' || c == 'h'))
			continue;
		if (o > 0 && w[o - 1] == c)
			continue;
		w[o++] = c;
	}
	w[o] = 0;
	return o;
}

static bool
norm_words(const char *ascii, bool skeleton, struct buf *out)
{
	const char *p = ascii;
	bool initials = false;

	while (*p) {
		char w[WORD_BUF];
		size_t n = 0;

		while (*p && !letter(*p))
			p++;
		/* An apostrophe is no break: ICU writes one between letters
		 * that would otherwise read as another (l'h, a'i). */
		while (letter(*p) || (*p == '\'' && letter(p[1]))) {
			if (n < WORD_MAX && *p != '\'')
				w[n++] = *p;
			p++;
		}
		/* Initials written apart are one word: B. K. and BK. */
		while (n == 1 || (n > 1 && initials)) {
			const char *q = p;

			while (*q == '.' || *q == ' ')
				q++;
			if (!letter(q[0]) || letter(q[1]) || n >= WORD_MAX)
				break;
			w[n++] = q[0];
			p = q + 1;
			initials = true;
		}
		initials = false;
		w[n] = 0;
		if (!n || title(w))
			continue;
		n = fold_word(w, n);
		if (skeleton)
			n = skeleton_word(w, n);
		if (out->len && !buf_add(out, " ", 1))
			return false;
		if (!buf_add(out, w, n))
			return false;
	}
	return out->len > 0;
}

static bool
digits(const char *ascii, size_t keep, size_t least, struct buf *out)
{
	char d[INPUT_MAX];
	size_t n = 0;

	for (const char *p = ascii; *p; p++)
		if (*p >= '0' && *p <= '9')
			d[n++] = *p;
	if (n < least)
		return false;
	if (keep && n > keep)
		return buf_add(out, d + n - keep, keep);
	return buf_add(out, d, n);
}

static bool
number(const char *p, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return n > 0;
}

/* Dates written YYYY-MM-DD, YYYYMMDD, DD-MM-YYYY (any separator), YYYY-MM
 * or YYYY, day and month allowed either way round. */
static bool
date(const char *ascii, bool year_only, struct buf *out)
{
	char f[3][9];
	size_t nf = 0, len[3];
	int y, m = 0, d = 0;

	for (const char *p = ascii; *p;) {
		if (*p == '-' || *p == '/' || *p == '.' || *p == ' ') {
			p++;
			continue;
		}
		if (*p < '0' || *p > '9' || nf == 3)
			return false;
		for (len[nf] = 0; *p >= '0' && *p <= '9'; p++) {
			if (len[nf] == 8)
				return false;
			f[nf][len[nf]++] = *p;
		}
		nf++;
	}
	if (nf == 1 && len[0] == 8) { /* YYYYMMDD */
		memcpy(f[1], f[0] + 4, 2);
		memcpy(f[2], f[0] + 6, 2);
		len[0] = 4;
		len[1] = len[2] = 2;
		nf = 3;
	}
	if (nf == 3 && len[2] == 4 && len[0] <= 2) { /* DD-MM-YYYY */
		char t[9];
		size_t tl = len[0];

		memcpy(t, f[0], sizeof(t));
		memcpy(f[0], f[2], sizeof(t));
		memcpy(f[2], t, sizeof(t));
		len[0] = len[2];
		len[2] = tl;
	}
	if (nf == 0 || len[0] != 4 || !number(f[0], 4, &y) || y < 1900 ||
	    y > 2100)
		return false;
	if (nf >= 2 && (len[1] > 2 || !number(f[1], len[1], &m)))
		return false;
	if (nf == 3 && (len[2] > 2 || !number(f[2], len[2], &d)))
		return false;
	/* A month or day out of range leaves the year. */
	if (year_only || nf == 1 || m < 1 || m > 31 ||
	    (nf == 3 && (d < 1 || d > 31 || (m > 12 && d > 12))) ||
	    (nf == 2 && m > 12))
		return buf_printf(out, "%04d", y);
	if (nf == 2)
		return buf_printf(out, "%04d-%02d", y, m);
	return buf_printf(out, "%04d-%02d-%02d", y, m, d);
}

static bool
gender(const char *in, const char *ascii, struct buf *out)
{
	/* HTCDS's values among them: a transgender woman recorded as
	 * Feminine by one agency is the same person to another. */
	static const char *const female[] = { "f",	  "female",
					      "feminine", "transgenderfeminine",
					      "woman",	  "girl",
					      "w",	  NULL };
	static const char *const male[] = { "m",	 "male",
					    "masculine", "transgendermasculine",
					    "man",	 "boy",
					    NULL };
	/* Female and male in Nepali/Hindi, Bengali, Sinhala and Tamil. */
	static const char *const female_native[] = {
		"महिला", "स्त्री", "মহিলা", "নারী", "ස්ත්‍රී",
		"பெண்",	 NULL
	};
	static const char *const male_native[] = { "पुरुष", "পুরুষ", "පුරුෂ", "ஆண்",
						   NULL };
	char w[32];
	size_t n = 0;

	for (const char *p = ascii; *p && n + 1 < sizeof(w); p++)
		if (letter(*p))
			w[n++] = *p;
	w[n] = 0;
	for (size_t i = 0; female[i]; i++)
		if (!strcmp(w, female[i]))
			return buf_adds(out, "f");
	for (size_t i = 0; male[i]; i++)
		if (!strcmp(w, male[i]))
			return buf_adds(out, "m");
	for (size_t i = 0; female_native[i]; i++)
		if (strstr(in, female_native[i]))
			return buf_adds(out, "f");
	for (size_t i = 0; male_native[i]; i++)
		if (strstr(in, male_native[i]))
			return buf_adds(out, "m");
	if (!strcmp(w, "x") || !strcmp(w, "other") ||
	    !strcmp(w, "transgender") || !strcmp(w, "nonconforming"))
		return buf_adds(out, "x");
	return false;
}

static bool
plain(const char *ascii, struct buf *out)
{
	bool space = false;

	for (const char *p = ascii; *p; p++) {
		if (letter(*p) || (*p >= '0' && *p <= '9')) {
			if (space && out->len && !buf_add(out, " ", 1))
				return false;
			space = false;
			if (!buf_add(out, p, 1))
				return false;
		} else {
			space = true;
		}
	}
	return out->len > 0;
}

bool
link_norm(enum link_norm_kind kind, const char *in, struct buf *out)
{
	char ascii[4 * INPUT_MAX];
	bool ok = false;

	pthread_once(&once, setup);
	buf_reset(out);
	if (!in || !*in || to_ascii(in, ascii, sizeof(ascii)) < 0)
		return false;
	switch (kind) {
	case LINK_NORM_NONE: ok = plain(ascii, out); break;
	case LINK_NORM_NAME: ok = norm_words(ascii, false, out); break;
	case LINK_NORM_SKELETON: ok = norm_words(ascii, true, out); break;
	case LINK_NORM_DATE: ok = date(ascii, false, out); break;
	case LINK_NORM_YEAR: ok = date(ascii, true, out); break;
	case LINK_NORM_PHONE: ok = digits(ascii, 8, 7, out); break;
	case LINK_NORM_GENDER: ok = gender(in, ascii, out); break;
	case LINK_NORM_DIGITS: ok = digits(ascii, 0, 1, out); break;
	}
	if (!ok)
		buf_reset(out);
	return ok && out->len > 0;
}

bool
link_norm_parse(const char *s, enum link_norm_kind *out)
{
	static const char *const names[] = {
		[LINK_NORM_NONE] = "none",
		[LINK_NORM_NAME] = "name",
		[LINK_NORM_SKELETON] = "skeleton",
		[LINK_NORM_DATE] = "date",
		[LINK_NORM_YEAR] = "year",
		[LINK_NORM_PHONE] = "phone",
		[LINK_NORM_GENDER] = "gender",
		[LINK_NORM_DIGITS] = "digits",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum link_norm_kind)i;
			return true;
		}
	return false;
}
