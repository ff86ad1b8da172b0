/* QR codes (libqrencode) drawn as SVG: numbers only, nothing to escape. */
#include <stdlib.h>

#include <qrencode.h>

#include "auth/auth_http.h"
#include "base/buf.h"

enum { QUIET = 4 }; /* modules of blank margin, as the standard asks */

char *
auth_qr_svg(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	struct buf b;
	int size;

	if (!qr)
		return NULL;
	size = qr->width + 2 * QUIET;
	buf_init(&b, 0);
	buf_printf(&b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		   "viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		   "<path fill=\"#000\" d=\"",
		   size, size, size, size);
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				buf_printf(&b, "M%d %dh1v1h-1z", x + QUIET,
					   y + QUIET);
	buf_adds(&b, "\"/></svg>");
	QRcode_free(qr);
	return buf_detach(&b, NULL);
}
