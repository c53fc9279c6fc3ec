/* floor.c - the least a server can do: the yardstick for the benchmark.
 *
 *   bench_floor udp|tcp [--port P] [-q]
 *
 * Plain C and POSIX sockets, no wrapper, no checks beyond what keeps it
 * running: recv, uppercase ASCII in place, send, as tightly as it can be
 * written. Whatever our servers spend above this per request is the price of
 * the wrapper, the Unicode uppercase and the error handling.
 *
 *   udp  one loop: recvfrom / toupper / sendto
 *   tcp  a thread per connection: recv / toupper / send until EOF, close
 *
 * Like the project's servers it binds all interfaces (IPv6 with IPv4 mapped
 * in, so both take the same path through the kernel) and prints
 * "The server is ready to receive on port N". Ctrl-C (SIGINT) or SIGTERM
 * end it at once with exit status 0: it holds nothing that needs cleaning up.
 * -q is accepted and ignored (it never logs), so it runs with the same
 * command line as the others.
 */
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { buffer_size = 65536 };

static void on_stop(int signo) {
    (void)signo;
    _exit(0);
}

/* ASCII toupper: 'a'..'z' become 'A'..'Z', every other byte stays.
 * Written without a branch (subtract 32 exactly when c - 'a' < 26) and in
 * blocks of 32 bytes, so that the compiler turns the inner loop into vector
 * instructions even at -O2: a byte-at-a-time loop would make this "floor"
 * slower than the servers it is meant to bound when data streams in bulk. */
static unsigned char upper_byte(unsigned char c) {
    return (unsigned char)(c - (((unsigned char)(c - 'a') < 26u) << 5));
}

static void upper_ascii(char* text, size_t n) {
    unsigned char* p = (unsigned char*)text;
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (size_t j = 0; j < 32; ++j) p[i + j] = upper_byte(p[i + j]);
    for (; i < n; ++i) p[i] = upper_byte(p[i]);
}

/* One socket bound to every interface; IPv6 with IPv4 mapped, else IPv4. */
static int bound_socket(int type, int port) {
    int fd = socket(AF_INET6, type, 0);
    if (fd >= 0) {
        int off = 0, on = 1;
        struct sockaddr_in6 a;
        memset(&a, 0, sizeof a);
        a.sin6_family = AF_INET6;
        a.sin6_addr = in6addr_any;
        a.sin6_port = htons((unsigned short)port);
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (bind(fd, (struct sockaddr*)&a, sizeof a) == 0) return fd;
        close(fd);
    }
    fd = socket(AF_INET, type, 0);
    struct sockaddr_in a4;
    memset(&a4, 0, sizeof a4);
    a4.sin_family = AF_INET;
    a4.sin_addr.s_addr = htonl(INADDR_ANY);
    a4.sin_port = htons((unsigned short)port);
    if (fd < 0 || bind(fd, (struct sockaddr*)&a4, sizeof a4) != 0) {
        perror("bench_floor: bind");
        exit(1);
    }
    return fd;
}

static void announce(int fd) {
    struct sockaddr_storage local;
    socklen_t length = sizeof local;
    getsockname(fd, (struct sockaddr*)&local, &length);
    unsigned port = local.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6*)&local)->sin6_port)
                                                : ntohs(((struct sockaddr_in*)&local)->sin_port);
    printf("The server is ready to receive on port %u\n", port);
    fflush(stdout);
}

static void serve_udp(int fd) {
    static char message[buffer_size];
    for (;;) {
        struct sockaddr_storage client;
        socklen_t length = sizeof client;
        ssize_t n = recvfrom(fd, message, sizeof message, 0, (struct sockaddr*)&client, &length);
        if (n < 0) continue;
        upper_ascii(message, (size_t)n);
        sendto(fd, message, (size_t)n, 0, (struct sockaddr*)&client, length);
    }
}

/* send() may take part of the data: loop until all of it is gone. */
static int send_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t sent = send(fd, p, n, MSG_NOSIGNAL);
        if (sent < 0) return -1;
        p += sent;
        n -= (size_t)sent;
    }
    return 0;
}

static void* serve_connection(void* arg) {
    int fd = (int)(long)arg;
    char sentence[buffer_size];
    ssize_t n;
    while ((n = recv(fd, sentence, sizeof sentence, 0)) > 0) {
        upper_ascii(sentence, (size_t)n);
        if (send_all(fd, sentence, (size_t)n) != 0) break;
    }
    close(fd);
    return NULL;
}

static void serve_tcp(int fd) {
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    if (listen(fd, SOMAXCONN) != 0) {
        perror("bench_floor: listen");
        exit(1);
    }
    announce(fd);
    for (;;) {
        int connection = accept(fd, NULL, NULL);
        if (connection < 0) continue;
        pthread_t thread;
        if (pthread_create(&thread, &detached, serve_connection, (void*)(long)connection) != 0) close(connection);
    }
}

int main(int argc, char* argv[]) {
    int port = 12000, tcp = -1, bad = 0;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "udp") == 0) tcp = 0;
        else if (strcmp(argv[i], "tcp") == 0) tcp = 1;
        else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) port = atoi(argv[++i]);
        else if (strcmp(argv[i], "-q") != 0) bad = 1;
    }
    if (bad || tcp < 0 || port < 0 || port > 65535) {
        fprintf(stderr, "usage: bench_floor udp|tcp [--port P] [-q]\n");
        return 2;
    }
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    int fd = bound_socket(tcp ? SOCK_STREAM : SOCK_DGRAM, port);
    if (tcp) serve_tcp(fd);
    announce(fd);
    serve_udp(fd);
    return 0;
}
