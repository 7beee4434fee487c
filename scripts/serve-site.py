#!/usr/bin/env python3
"""Serves a built site on 127.0.0.1 for scripts/check-site.

Usage: serve-site.py PORT DIR [PREFIX]

PORT 0 takes a free port; the port is printed on the first line.

Like `python3 -m http.server --bind 127.0.0.1 PORT --directory DIR`, with
two differences that make it a stricter test host: no directory listings
(a link to a folder without index.html is broken, as on most static hosts),
and, with PREFIX (e.g. /briefs/), anything outside that sub-path is 404, so a
link that climbs out of the sub-path is caught rather than served a listing.
"""

import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def send_head(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix):
            self.send_error(404, "outside the site's sub-path")
            return None
        return super().send_head()

    def list_directory(self, path):
        self.send_error(404, "no index.html in this folder")
        return None

    def log_message(self, format, *args):
        pass


def main():
    port, directory = int(sys.argv[1]), sys.argv[2]
    Handler.prefix = sys.argv[3] if len(sys.argv) > 3 else "/"
    handler = functools.partial(Handler, directory=directory)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
