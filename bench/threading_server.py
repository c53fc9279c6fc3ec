# threading_server.py - the lecture's TCP server written the way Python's
# standard library would serve many clients: socketserver.ThreadingTCPServer,
# one thread per connection, streaming every byte back uppercased until the
# client closes (unlike the lecture's TCPServer.py, which answers one recv()).
#
#   python3 threading_server.py [--port P] [-q]
#
# Uppercase as the lecture does it, message.decode().upper(), but with an
# incremental decoder so a character cut in two by recv() is uppercased whole,
# and 'surrogateescape' so bytes that are not UTF-8 pass through instead of
# killing the connection: the same contract as the project's servers.
import codecs
import socketserver
import sys


class UppercaseHandler(socketserver.BaseRequestHandler):
    def handle(self):
        decoder = codecs.getincrementaldecoder('utf-8')('surrogateescape')
        while True:
            sentence = self.request.recv(65536)
            if not sentence:
                break
            text = decoder.decode(sentence)
            self.request.sendall(text.upper().encode('utf-8', 'surrogateescape'))
        rest = decoder.decode(b'', final=True)
        if rest:
            self.request.sendall(rest.upper().encode('utf-8', 'surrogateescape'))
        # socketserver then shuts the connection down and closes it.


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True       # Ctrl-C does not wait for clients that stay connected
    request_queue_size = 4096   # listen(4096): same backlog the benchmark gives every server


def main():
    port = 12000
    args = sys.argv[1:]
    if '--port' in args:
        port = int(args[args.index('--port') + 1])
    # -q is accepted for the same command line as the other servers; this one never logs.
    with Server(('', port), UppercaseHandler) as server:
        print('The server is ready to receive on port', server.server_address[1], flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass  # Ctrl-C: a clean stop, exit status 0
    return 0


if __name__ == '__main__':
    sys.exit(main())
