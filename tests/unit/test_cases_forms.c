/*
 * The case forms against the HTCDS v2.0 field standards they follow
 * (data/htcds/htcds-2.0-fields.csv, read with base/sheet): every field
 * named with an HTCDS prefix exists in the standard, every picklist value
 * of the standard is accepted, and atip's own additions are marked atp_.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/sheet.h"
#include "cases/cases.h"

enum { MAX_FIELDS = 200 };

/* The standard's fields: name with prefix, and picklist value names. */
static struct {
	char name[64];
	char *values; /* space-separated, as in the sheet */
} htcds[MAX_FIELDS];
static size_t nhtcds;
static long name_col = -1, values_col = -1;

static bool
on_row(char **cells, size_t n, long line, void *arg)
{
	(void)arg;
	if (line == 1) {
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(cells[i], "Field Name including Prefix"))
				name_col = (long)i;
			if (!strcmp(cells[i], "Value Names (if picklist)"))
				values_col = (long)i;
		}
		return name_col >= 0 && values_col >= 0;
	}
	if ((size_t)name_col < n && cells[name_col][0] && nhtcds < MAX_FIELDS) {
		snprintf(htcds[nhtcds].name, sizeof(htcds[nhtcds].name), "%s",
			 cells[name_col]);
		htcds[nhtcds++].values =
			strdup((size_t)values_col < n ? cells[values_col] : "");
	}
	return true;
}

static int
load(void **state)
{
	FILE *f = fopen("data/htcds/htcds-2.0-fields.csv", "rb");
	struct buf b;
	char chunk[8192];
	size_t n;
	const char *why = NULL;
	bool ok;

	(void)state;
	if (!f) {
		fprintf(stderr, "run from the repository root: "
				"data/htcds/htcds-2.0-fields.csv\n");
		return -1;
	}
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	ok = sheet_csv_read(b.p, b.len, on_row, NULL, &why);
	buf_release(&b);
	return ok && nhtcds > 50 ? 0 : -1;
}

static int
unload(void **state)
{
	(void)state;
	for (size_t i = 0; i < nhtcds; i++)
		free(htcds[i].values);
	return 0;
}

static const char *
standard(const char *name)
{
	for (size_t i = 0; i < nhtcds; i++)
		if (!strcmp(htcds[i].name, name))
			return htcds[i].values;
	return NULL;
}

static bool
ours(const char *prefix)
{
	return !strncmp(prefix, "atp_", 4);
}

static void
every_htcds_name_is_in_the_standard(void **state)
{
	(void)state;
	for (int f = 0; f < FORM_COUNT; f++)
		for (size_t i = 0; i < case_forms[f].n; i++) {
			const char *h = case_forms[f].fields[i].htcds;

			if (ours(h))
				continue;
			if (!standard(h))
				fail_msg("%s.%s: %s is not an HTCDS v2.0 field",
					 case_forms[f].name,
					 case_forms[f].fields[i].name, h);
		}
}

static void
atip_names_are_not_htcds_names(void **state)
{
	(void)state;
	for (int f = 0; f < FORM_COUNT; f++)
		for (size_t i = 0; i < case_forms[f].n; i++) {
			const char *h = case_forms[f].fields[i].htcds;

			assert_true(ours(h) || strchr(h, '_'));
			if (ours(h) && standard(h))
				fail_msg("%s is HTCDS's own name", h);
		}
}

/* Every value name the standard lists is one the picklist takes. */
static void
every_standard_value_is_accepted(void **state)
{
	size_t checked = 0;

	(void)state;
	for (int f = 0; f < FORM_COUNT; f++)
		for (size_t i = 0; i < case_forms[f].n; i++) {
			const struct case_field *x = &case_forms[f].fields[i];
			const char *values = standard(x->htcds);
			char *copy, *save = NULL;

			if (!values || !x->values)
				continue;
			copy = strdup(values);
			for (char *v = strtok_r(copy, " ", &save); v;
			     v = strtok_r(NULL, " ", &save)) {
				if (!case_pick_valid(x, v))
					fail_msg("%s: the standard's %s is "
						 "refused",
						 x->htcds, v);
				checked++;
			}
			free(copy);
		}
	assert_true(checked > 150);
}

static void
unknown_is_a_value_and_junk_is_not(void **state)
{
	const struct case_field *status =
		case_field_find(FORM_VICTIM, "trafficking_status");

	(void)state;
	assert_non_null(status);
	assert_true(case_pick_valid(status, "Unknown"));
	assert_true(case_pick_valid(status, "PossibleVictimOfTrafficking"));
	assert_false(case_pick_valid(status, "possiblevictimoftrafficking"));
	assert_false(case_pick_valid(status, ""));
	assert_false(case_pick_valid(status, NULL));
	assert_true(case_pick_valid(case_field_find(FORM_VICTIM,
						    "exploitation_types"),
				    "ForcedCriminality"));
}

/* Personal fields are the identifying ones, and the notes. */
static void
identifying_fields_are_personal(void **state)
{
	static const char *const personal[] = {
		"first_name",	   "family_name",   "aliases",
		"birth_date",	   "mobile_phone",  "email",
		"identity_number", "mailing_street"
	};
	static const char *const plain[] = { "gender", "age_band",
					     "citizenship",
					     "exploitation_types" };

	(void)state;
	for (size_t i = 0; i < sizeof(personal) / sizeof(personal[0]); i++) {
		const struct case_field *v =
			case_field_find(FORM_VICTIM, personal[i]);
		const struct case_field *p =
			case_field_find(FORM_PERPETRATOR, personal[i]);

		assert_non_null(v);
		assert_true(v->flags & CF_PERSONAL);
		assert_true(p && (p->flags & CF_PERSONAL));
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		assert_false(case_field_find(FORM_VICTIM, plain[i])->flags &
			     CF_PERSONAL);
	assert_true(case_field_find(FORM_TIMELINE, "notes")->flags &
		    CF_PERSONAL);
	assert_true(case_field_find(FORM_EVENT, "description")->flags &
		    CF_PERSONAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_htcds_name_is_in_the_standard),
		cmocka_unit_test(atip_names_are_not_htcds_names),
		cmocka_unit_test(every_standard_value_is_accepted),
		cmocka_unit_test(unknown_is_a_value_and_junk_is_not),
		cmocka_unit_test(identifying_fields_are_personal),
	};

	return cmocka_run_group_tests(tests, load, unload);
}
