/* What the files of the services module share. */
#ifndef ATIP_SERVICES_INT_H
#define ATIP_SERVICES_INT_H

#include "services/services.h"

/* Reads LOC_COLUMNS from column col of rows into l (arena strings). */
void services_read_location(struct db_rows *rows, int col, struct arena *a,
			    struct location *l);

/* Reads the organisations a location lets refer there. */
enum err services_read_referrers(struct db_conn *c, struct arena *a,
				 struct location *l);

/* A text column, NULL when SQL NULL (arena). */
const char *services_text(struct arena *a, struct db_rows *rows, int col);

#endif
