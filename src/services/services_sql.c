/*
 * Statements and migrations of the service directory.  Coordinates are
 * kept as whole numbers of 1/10 000 degree, so both engines compare and
 * order them exactly; lists (genders, nationalities, languages) are framed
 * ",a,b," and "" means anyone.
 */
#include "services/services.h"
#include "services/services_sql.h"

const struct db_migration services_migrations[] = {
	{ 40, "service directory",
	  "CREATE TABLE service_locations ("
	  " id TEXT PRIMARY KEY,"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " name TEXT NOT NULL,"
	  " description TEXT NOT NULL,"
	  " address TEXT NOT NULL,"
	  " city TEXT NOT NULL,"
	  " country TEXT NOT NULL,"
	  " subdivision TEXT,"
	  " district TEXT,"
	  " lat_e4 BIGINT,"
	  " lon_e4 BIGINT,"
	  " confidential INTEGER NOT NULL,"
	  " created_at TEXT NOT NULL,"
	  " updated_at TEXT NOT NULL,"
	  " version BIGINT NOT NULL);"
	  "CREATE INDEX service_locations_org ON service_locations (org_id);"
	  "CREATE TABLE location_referrers ("
	  " location_id TEXT NOT NULL REFERENCES service_locations (id)"
	  "  ON DELETE CASCADE,"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " PRIMARY KEY (location_id, org_id));"
	  "CREATE INDEX location_referrers_org ON location_referrers (org_id);"
	  "CREATE TABLE services ("
	  " id TEXT PRIMARY KEY,"
	  " org_id TEXT NOT NULL REFERENCES orgs (id),"
	  " location_id TEXT REFERENCES service_locations (id),"
	  " type TEXT NOT NULL CHECK (type IN ('shelter', 'medical',"
	  "  'psychosocial', 'legal_aid', 'repatriation', 'family_tracing',"
	  "  'livelihood', 'education', 'helpline')),"
	  " name TEXT NOT NULL,"
	  " description TEXT NOT NULL,"
	  " status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),"
	  " email TEXT,"
	  " phone TEXT,"
	  " url TEXT,"
	  " genders TEXT NOT NULL,"
	  " nationalities TEXT NOT NULL,"
	  " languages TEXT NOT NULL,"
	  " min_age INTEGER,"
	  " max_age INTEGER,"
	  " capacity BIGINT,"
	  " vacancies BIGINT,"
	  " vacancies_at TEXT,"
	  " hours TEXT,"
	  " created_at TEXT NOT NULL,"
	  " updated_at TEXT NOT NULL,"
	  " version BIGINT NOT NULL);"
	  "CREATE INDEX services_type ON services (type, status);"
	  /* The directory's order: a search reads it and stops at a page. */
	  "CREATE INDEX services_name ON services (name, id);"
	  "CREATE INDEX services_org ON services (org_id);"
	  "CREATE INDEX services_location ON services (location_id);",
	  NULL, NULL },
};

const size_t services_nmigrations =
	sizeof(services_migrations) / sizeof(services_migrations[0]);

#define SVC_COLUMNS                                                       \
	"s.id, s.org_id, s.location_id, s.type, s.name, s.description,"   \
	" s.status, s.email, s.phone, s.url, s.genders, s.nationalities," \
	" s.languages, s.min_age, s.max_age, s.capacity, s.vacancies,"    \
	" s.vacancies_at, s.created_at, s.updated_at, s.version, s.hours"

/* May organisation o see where location l is? */
#define LOC_OPEN(o)                                                   \
	"(l.confidential = 0 OR l.org_id = " o " OR EXISTS (SELECT 1" \
	" FROM location_referrers r WHERE r.location_id = l.id"       \
	" AND r.org_id = " o "))"

/*
 * The directory for reader $1: organisation $2 (or "": every active
 * service), type $3, country $4, subdivision $5, district $6 (only where
 * the reader may see it), gender $7, age $8 (-1: any), nationality $9,
 * language $10, free places on or after $11 ("": not asked).
 */
#define SVC_FILTER                                                                   \
	" FROM services s LEFT JOIN service_locations l"                             \
	" ON l.id = s.location_id"                                                   \
	" WHERE ($2 = '' OR s.org_id = $2)"                                          \
	" AND ($2 <> '' OR s.status = 'active')"                                     \
	" AND ($3 = '' OR s.type = $3)"                                              \
	" AND ($4 = '' OR l.country = $4)"                                           \
	" AND ($5 = '' OR l.subdivision = $5)"                                       \
	" AND ($6 = '' OR (l.district = $6 AND " LOC_OPEN(                           \
		"$1") "))"                                                           \
		      " AND ($7 = '' OR s.genders = '' OR s.genders LIKE '%,' || $7" \
		      "  || ',%')"                                                   \
		      " AND ($8 < 0 OR ((s.min_age IS NULL OR s.min_age <= $8)"      \
		      "  AND (s.max_age IS NULL OR s.max_age >= $8)))"               \
		      " AND ($9 = '' OR s.nationalities = ''"                        \
		      "  OR s.nationalities LIKE '%,' || $9 || ',%')"                \
		      " AND ($10 = '' OR s.languages LIKE '%,' || $10 || ',%')"      \
		      " AND ($11 = '' OR (s.vacancies > 0 AND s.vacancies_at >= $11))"

#define SEARCH_COLUMNS                          \
	"SELECT " SVC_COLUMNS ", " LOC_COLUMNS( \
		"l") ", CASE WHEN l.id IS"      \
		     " NOT NULL AND " LOC_OPEN("$1") " THEN 1 ELSE 0 END"

/* The squared distance to ($14, $15), or -1 where unknown or hidden. */
#define DISTANCE                                                                  \
	"(CASE WHEN l.lat_e4 IS NULL OR NOT " LOC_OPEN(                           \
		"$1") " THEN -1"                                                  \
		      " ELSE ((l.lat_e4 - $14) * 100) * ((l.lat_e4 - $14) * 100)" \
		      " + ((l.lon_e4 - $15) * $16) * ((l.lon_e4 - $15) * $16) END)"

const struct db_stmt services_sql[SERVICES_SQL_COUNT] = {
	[LOC_INSERT] = { "loc_insert",
			 "INSERT INTO service_locations (id, org_id, name,"
			 " description, address, city, country, subdivision,"
			 " district, lat_e4, lon_e4, confidential, created_at,"
			 " updated_at, version) VALUES ($1, $2, $3, $4, $5,"
			 " $6, $7, $8, $9, $10, $11, $12, $13, $13, 1)",
			 NULL, NULL },
	[LOC_GET] = { "loc_get",
		      "SELECT " LOC_COLUMNS("l") " FROM service_locations l"
						 " WHERE l.id = $1",
		      NULL, NULL },
	[LOC_UPDATE] = { "loc_update",
			 "UPDATE service_locations SET name = $3,"
			 " description = $4, address = $5, city = $6,"
			 " country = $7, subdivision = $8, district = $9,"
			 " lat_e4 = $10, lon_e4 = $11, confidential = $12,"
			 " updated_at = $13, version = version + 1"
			 " WHERE id = $1 AND version = $2",
			 NULL, NULL },
	[LOC_REFERRERS] = { "loc_referrers",
			    "SELECT org_id FROM location_referrers"
			    " WHERE location_id = $1 ORDER BY org_id",
			    NULL, NULL },
	[LOC_REFERRERS_DELETE] = { "loc_referrers_delete",
				   "DELETE FROM location_referrers"
				   " WHERE location_id = $1",
				   NULL, NULL },
	[LOC_REFERRER_INSERT] = { "loc_referrer_insert",
				  "INSERT INTO location_referrers"
				  " (location_id, org_id) VALUES ($1, $2)",
				  NULL, NULL },
	[LOC_OF_ORG] = { "loc_of_org",
			 "SELECT " LOC_COLUMNS(
				 "l") " FROM service_locations l"
				      " WHERE l.org_id = $1 ORDER BY l.name, l.id"
				      " LIMIT 500",
			 NULL, NULL },
	[SVC_INSERT] = { "svc_insert",
			 "INSERT INTO services (id, org_id, location_id, type,"
			 " name, description, status, email, phone, url,"
			 " genders, nationalities, languages, min_age,"
			 " max_age, capacity, vacancies, vacancies_at,"
			 " created_at, updated_at, version, hours) VALUES ($1,"
			 " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
			 " $14, $15, $16, NULL, NULL, $17, $17, 1, $18)",
			 NULL, NULL },
	[SVC_GET] = { "svc_get",
		      "SELECT " SVC_COLUMNS " FROM services s WHERE s.id = $1",
		      NULL, NULL },
	[SVC_UPDATE] = { "svc_update",
			 "UPDATE services SET location_id = $3, type = $4,"
			 " name = $5, description = $6, status = $7,"
			 " email = $8, phone = $9, url = $10, genders = $11,"
			 " nationalities = $12, languages = $13, min_age = $14,"
			 " max_age = $15, capacity = $16, updated_at = $17,"
			 " hours = $18, version = version + 1"
			 " WHERE id = $1 AND version = $2",
			 NULL, NULL },
	[SVC_VACANCIES] = { "svc_vacancies",
			    "UPDATE services SET vacancies = $2,"
			    " vacancies_at = $3, updated_at = $3,"
			    " version = version + 1 WHERE id = $1",
			    NULL, NULL },
	[SVC_SEARCH] = { "svc_search",
			 SEARCH_COLUMNS
			 ", -1" SVC_FILTER
			 " ORDER BY s.name, s.id LIMIT $12 OFFSET $13",
			 NULL, NULL },
	/* Nearest first from ($14, $15), longitude differences weighted by
	 * $16 (cos(latitude) x 100); hidden places last. */
	[SVC_NEAR] = { "svc_near",
		       SEARCH_COLUMNS
		       ", " DISTANCE SVC_FILTER " ORDER BY CASE WHEN " DISTANCE
		       " < 0 THEN 1 ELSE 0"
		       " END, " DISTANCE ", s.id LIMIT $12 OFFSET $13",
		       NULL, NULL },
};
