/* Attachments over HTTP: /api/v1/files. */
#ifndef ATIP_FILES_HTTP_H
#define ATIP_FILES_HTTP_H

#include "http/http.h"

/*
 * POST /api/v1/files?record_kind=K&record_id=ID: the body is the file's
 * bytes (any Content-Type; the type is found by content), X-File-Name its
 * name (UTF-8, %-escaped).  Needs the right to change the record.
 */
void files_http_upload(struct http_request *req);

/* GET /api/v1/files?record_kind=K&record_id=ID: a record's files. */
void files_http_list(struct http_request *req);

/* GET /api/v1/files/{id}: one file's description. */
void files_http_get(struct http_request *req);

/* GET /api/v1/files/{id}/content: the bytes, always as a download. */
void files_http_content(struct http_request *req);

/* DELETE /api/v1/files/{id}: erases a file (and its key). */
void files_http_delete(struct http_request *req);

#endif
