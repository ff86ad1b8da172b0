/* The good-practice library: what works, shared, searchable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "base/text.h"
#include "coord/coord.h"
#include "coord/coord_sql.h"

const char *
coord_markdown(struct arena *a, const char *md)
{
	/* cmark's default is safe: raw HTML and javascript:, vbscript:,
	 * file: and most data: links are left out. */
	char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
	const char *out = arena_strdup(a, html ? html : "");

	free(html);
	return out;
}

/* Reads PRACTICE_COLUMNS and the column after them (body or snippet). */
static void
read_practice(struct db_rows *rows, struct arena *a, struct practice *p,
	      bool snippet)
{
	memset(p, 0, sizeof(*p));
	coord_read_head(rows, p->id, &p->share);
	p->title = arena_strdup(a, db_col_text(rows, 6));
	p->summary = arena_strdup(a, db_col_text(rows, 7));
	p->source = arena_strdup(a, db_col_text(rows, 8));
	coord_copy(p->country, sizeof(p->country), db_col_text(rows, 9));
	theme_parse(db_col_text(rows, 10), &p->theme);
	text_split(a, db_col_text(rows, 11), &p->tags, &p->ntags);
	coord_copy(p->published_on, sizeof(p->published_on),
		   db_col_text(rows, 12));
	coord_copy(p->created_by, sizeof(p->created_by), db_col_text(rows, 13));
	coord_copy(p->created_at, sizeof(p->created_at), db_col_text(rows, 14));
	coord_copy(p->updated_at, sizeof(p->updated_at), db_col_text(rows, 15));
	p->version = db_col_int(rows, 16);
	if (snippet)
		p->snippet = arena_strdup(a, db_col_text(rows, 17));
	else
		p->body = arena_strdup(a, db_col_text(rows, 17));
}

enum err
coord_practice_get(struct db_conn *c, struct arena *a, const char *id,
		   struct practice *out)
{
	struct db_arg arg = db_text(id);
	struct db_rows rows;
	bool found;
	enum err e;

	db_query(c, &coord_sql[PRACTICE_GET], &arg, 1, &rows);
	found = db_next(&rows);
	if (found)
		read_practice(&rows, a, out, false);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	return found ? ERR_OK : ERR_NOT_FOUND;
}

enum err
coord_practice_load(struct db_conn *c, const char *id, struct arena *a,
		    struct access_record *out)
{
	struct practice *p = arena_alloc(a, sizeof(*p));
	enum err e = coord_practice_get(c, a, id, p);

	if (e == ERR_OK)
		*out = coord_access(&p->share, NULL, 0);
	return e;
}

/* Tags: short words, lower case, no commas, unique. */
static void
tags(struct arena *a, const struct practice_input *in, struct practice *p,
     struct coord_errors *errs)
{
	const char **v;

	if (in->ntags > PRACTICE_TAGS_MAX) {
		coord_error(errs, "tags", "has too many tags");
		return;
	}
	v = arena_alloc(a, (in->ntags + 1) * sizeof(*v));
	for (size_t i = 0; i < in->ntags; i++) {
		const char *t;
		char *low;

		if (!coord_text(a, "tags", in->tags[i], 40, 0, true, &t, errs))
			return;
		if (strchr(t, ',')) {
			coord_error(errs, "tags", "must not contain commas");
			return;
		}
		low = arena_strdup(a, t);
		for (char *q = low; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q + 32);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[j], low)) {
				coord_error(errs, "tags", "names a tag twice");
				return;
			}
		v[i] = low;
	}
	p->tags = v;
	p->ntags = in->ntags;
}

static enum err
apply(struct db_conn *c, struct arena *a, const struct practice_input *in,
      bool creating, struct practice *p, struct coord_errors *errs)
{
	enum err e;

	if (creating || in->title)
		coord_text(a, "title", in->title, COORD_TITLE_MAX, 0, true,
			   &p->title, errs);
	if (creating || in->summary)
		coord_text(a, "summary", in->summary, 2000, TEXT_LINES, true,
			   &p->summary, errs);
	if (creating || in->body)
		coord_text(a, "body", in->body, PRACTICE_BODY_MAX, TEXT_LINES,
			   false, &p->body, errs);
	if (creating || in->source)
		coord_text(a, "source", in->source, COORD_LINE_MAX, 0, false,
			   &p->source, errs);
	if (in->country) {
		char up[3];

		if (!*in->country)
			p->country[0] = '\0';
		else if (!iso_country_parse(in->country, up))
			coord_error(errs, "country",
				    "must be an ISO 3166-1 alpha-2 code");
		else
			coord_copy(p->country, sizeof(p->country), up);
	}
	if (creating && !in->theme)
		coord_error(errs, "theme", "is required");
	if (in->theme && !theme_parse(in->theme, &p->theme))
		coord_error(errs, "theme",
			    "must be prevention, protection, prosecution or "
			    "partnership");
	if (in->has_tags)
		tags(a, in, p, errs);
	if (in->published_on) {
		if (!*in->published_on)
			p->published_on[0] = '\0';
		else if (!time_parse_date(in->published_on, p->published_on))
			coord_error(errs, "published_on",
				    "must be a date, YYYY-MM-DD");
	}
	e = coord_share_parse(c, in->level, in->group_id, in->tlp, true,
			      &p->share, errs);
	if (e != ERR_OK && e != ERR_INVALID)
		return e;
	return errs->n ? ERR_INVALID : ERR_OK;
}

enum err
coord_practice_create(struct db_conn *c, struct arena *a,
		      const struct coord_share *owner, const char *user_id,
		      const struct practice_input *in, struct practice *out,
		      struct coord_errors *errs)
{
	struct db_arg args[16];
	enum err e;

	memset(out, 0, sizeof(*out));
	out->share = *owner;
	out->tags = arena_alloc(a, sizeof(*out->tags));
	if ((e = apply(c, a, in, true, out, errs)) != ERR_OK)
		return e;
	uuid_v7(out->id);
	coord_copy(out->created_by, sizeof(out->created_by), user_id);
	time_rfc3339(time_now_ms(), out->created_at, sizeof(out->created_at));
	memcpy(out->updated_at, out->created_at, sizeof(out->created_at));
	out->version = 1;
	coord_head_args(args, out->id, &out->share);
	args[6] = db_text(out->title);
	args[7] = db_text(out->summary);
	args[8] = db_text(out->body);
	args[9] = db_text(out->source);
	args[10] = db_text(out->country[0] ? out->country : NULL);
	args[11] = db_text(theme_name(out->theme));
	args[12] = db_text(text_join(a, out->tags, out->ntags, true));
	args[13] = db_text(out->published_on[0] ? out->published_on : NULL);
	args[14] = db_text(user_id);
	args[15] = db_text(out->created_at);
	return db_err(db_exec(c, &coord_sql[PRACTICE_INSERT], args, 16, NULL));
}

enum err
coord_practice_update(struct db_conn *c, struct arena *a, const char *id,
		      long long expected, const struct practice_input *in,
		      struct practice *out, struct coord_errors *errs)
{
	struct db_arg args[14];
	long long n = 0;
	enum err e = coord_practice_get(c, a, id, out);

	if (e != ERR_OK)
		return e;
	if (out->version != expected)
		return ERR_CONFLICT;
	if ((e = apply(c, a, in, false, out, errs)) != ERR_OK)
		return e;
	time_rfc3339(time_now_ms(), out->updated_at, sizeof(out->updated_at));
	args[0] = db_text(out->id);
	args[1] = DB_INT(expected);
	coord_share_args(args + 2, &out->share);
	args[5] = db_text(out->title);
	args[6] = db_text(out->summary);
	args[7] = db_text(out->body);
	args[8] = db_text(out->source);
	args[9] = db_text(out->country[0] ? out->country : NULL);
	args[10] = db_text(theme_name(out->theme));
	args[11] = db_text(text_join(a, out->tags, out->ntags, true));
	args[12] = db_text(out->published_on[0] ? out->published_on : NULL);
	args[13] = db_text(out->updated_at);
	e = db_err(db_exec(c, &coord_sql[PRACTICE_UPDATE], args, 14, &n));
	if (e == ERR_OK && n != 1)
		return ERR_CONFLICT;
	out->version = expected + 1;
	return e;
}

enum err
coord_practice_search(struct db_conn *c, struct arena *a,
		      const struct coord_viewer *v,
		      const struct practice_filter *f,
		      struct practice_page *out, struct coord_errors *errs)
{
	long long limit = f->limit ? f->limit : COORD_LIST_DEFAULT;
	long long offset = 0;
	char country[3] = "", before[UUID_STR_LEN] = "g";
	const char *query = NULL, *tag = "";
	enum theme theme;
	struct db_arg args[9];
	struct db_rows rows;
	size_t n = 0;
	enum err e;

	if (f->q) {
		query = db_fts_query(c, a, f->q);
		if (!query)
			coord_error(errs, "q", "must have a word to find");
		if (limit > SEARCH_MAX)
			coord_error(errs, "limit",
				    "must be at most 100 when searching");
		if (f->cursor &&
		    !str_to_i64(str_of(f->cursor), 1, 10000, &offset))
			coord_error(errs, "cursor",
				    "must be a next_cursor of this list");
	} else if (f->cursor && !uuid_normalise(str_of(f->cursor), before)) {
		coord_error(errs, "cursor",
			    "must be a next_cursor of this list");
	}
	if (f->country && !iso_country_parse(f->country, country))
		coord_error(errs, "country",
			    "must be an ISO 3166-1 alpha-2 code");
	if (f->theme && !theme_parse(f->theme, &theme))
		coord_error(errs, "theme",
			    "must be prevention, protection, prosecution or "
			    "partnership");
	if (f->tag) {
		/* Lower case, and LIKE's own characters taken literally. */
		char *low = arena_alloc(a, 2 * strlen(f->tag) + 1), *o = low;

		for (const char *q = f->tag; *q; q++) {
			if (*q == '!' || *q == '%' || *q == '_')
				*o++ = '!';
			*o++ = *q >= 'A' && *q <= 'Z' ? (char)(*q + 32) : *q;
		}
		tag = low;
	}
	if (errs->n)
		return ERR_INVALID;
	args[0] = db_text(v->org_id);
	args[1] = db_text(v->country);
	args[2] = db_text(v->groups);
	args[3] = db_text(country);
	args[4] = db_text(f->theme ? f->theme : "");
	args[5] = db_text(tag);
	if (query) {
		args[6] = db_text(query);
		args[7] = DB_INT(limit);
		args[8] = DB_INT(offset);
	} else {
		args[6] = db_text(before);
		args[7] = DB_INT(limit);
	}
	out->items = arena_alloc(a, (size_t)limit * sizeof(*out->items));
	out->next_cursor = NULL;
	db_query(c, &coord_sql[query ? PRACTICE_SEARCH : PRACTICE_RECENT], args,
		 query ? 9 : 8, &rows);
	while (db_next(&rows))
		read_practice(&rows, a, &out->items[n++], query != NULL);
	if ((e = db_err(db_rows_close(&rows))) != ERR_OK)
		return e;
	out->n = n;
	if (n == (size_t)limit)
		out->next_cursor =
			query ? arena_printf(a, "%lld", offset + limit)
			      : arena_printf(a, "%s", out->items[n - 1].id);
	return ERR_OK;
}
