/*
 * Good-practice bodies: Markdown rendered by cmark in safe mode
 * (coord_markdown).  Whatever the input, the HTML holds only the tags and
 * attributes Markdown makes (no raw tag of the input, no event handler)
 * and no script link.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "coord/coord.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
listed(const char *const *names, const char *p, size_t n)
{
	for (; *names; names++)
		if (strlen(*names) == n && !strncasecmp(*names, p, n))
			return true;
	return false;
}

/* Every tag is one Markdown makes, with attributes it makes. */
static void
check_tags(const char *html)
{
	static const char *const tags[] = {
		"p",  "em", "strong",	  "a",	"img", "code", "pre",
		"h1", "h2", "h3",	  "h4", "h5",  "h6",   "ul",
		"ol", "li", "blockquote", "hr", "br",  "!--",  NULL
	};
	static const char *const attrs[] = { "href",  "src",   "alt", "title",
					     "start", "class", NULL };

	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
		const char *q = p + 1 + (p[1] == '/');
		size_t n = strcspn(q, " >/\n");

		if (!strncmp(q, "!--", 3))
			continue; /* "<!-- raw HTML omitted -->" */
		assert(listed(tags, q, n));
		for (q += n; *q && *q != '>';) {
			if (*q == ' ' && q[1] && q[1] != '/' && q[1] != '>') {
				size_t a = strcspn(q + 1, "= >");

				assert(listed(attrs, q + 1, a));
				q += 1 + a;
				if (*q == '=' && q[1] == '"')
					q = strchr(q + 2, '"');
				assert(q);
				q++;
			} else {
				q++;
			}
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *md = malloc(size + 1);
	struct arena a;
	const char *html;

	memcpy(md, data, size);
	md[size] = '\0';
	arena_init(&a);
	html = coord_markdown(&a, md);
	assert(html);
	assert(!strcasestr(html, "<script"));
	assert(!strcasestr(html, "<iframe"));
	assert(!strcasestr(html, "href=\"javascript:"));
	assert(!strcasestr(html, "src=\"javascript:"));
	check_tags(html);
	arena_release(&a);
	free(md);
	return 0;
}
