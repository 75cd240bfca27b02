"""A stand-in for one route of the People API, POST /api/v1/people/{lname}/attachments, that
reads multipart/form-data with Werkzeug (the parser behind Flask) and answers with the
attachments as Werkzeug read them: file name, size and SHA-256. scripts/multipart-interop.sh
uploads to it with the SDK.

    python multipart-interop.py PORT_FILE

Listens on a free loopback port, writes the port number to PORT_FILE and serves until stopped.
"""

import hashlib
import json
import re
import sys

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ROUTE = re.compile(r"/api/v1/people/[^/]+/attachments")

# Werkzeug 3.1 decodes %22 in a quoted file name (and unescapes \" and \\) but leaves %0D and
# %0A, the other two escapes of the HTML standard's multipart/form-data encoding that browsers,
# curl and the SDK use. This finishes the standard's reading of a name.
LINE_BREAK = re.compile(r"%0[dDaA]")


def html_reading(name):
    return LINE_BREAK.sub(lambda m: "\r" if m.group(0)[2] in "dD" else "\n", name)


def json_response(status, body):
    return Response(json.dumps(body), status=status, content_type="application/json")


@Request.application
def app(request):
    if request.method != "POST" or not ROUTE.fullmatch(request.path):
        return json_response(404, {"message": "Not here", "error_code": 404000, "error": "not_found"})
    note = request.form.get("note")
    data = []
    for number, part in enumerate(request.files.getlist("files"), start=1):
        body = part.read()
        data.append(
            {
                "id": f"att_{number:08d}",
                "filename": html_reading(part.filename or ""),
                "content_type": part.mimetype or "application/octet-stream",
                "size": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "uploaded_at": "2026-01-01T00:00:00Z",
                "note": note,
            }
        )
    return json_response(201, {"data": data})


def main():
    server = make_server("127.0.0.1", 0, app)
    with open(sys.argv[1], "w", encoding="ascii") as port_file:
        port_file.write(f"{server.server_port}\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
