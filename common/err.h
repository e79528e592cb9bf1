/* Errors: library code returns -1 and fills a struct err; only main() prints
 * "prog: message" and exits. Exit codes shared by every tool. */
#ifndef RKT_ERR_H
#define RKT_ERR_H

#include <stdarg.h>
#include <stddef.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct err {
	int errnum;      /* errno of the cause, 0 if none */
	char msg[1024];  /* "what failed: why" */
};

/* Each returns -1 so callers can write `return err_set(e, ...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As err_set, appending ": strerror(errno)" and keeping errno. */
int err_sys(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prepend context: "ctx: <old message>". */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

/* A list of validation problems, each "field: reason"; validators append to it
 * and keep going so that every error is reported at once. */
struct errlist {
	char **items;
	size_t n, cap;
};
void errlist_add(struct errlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void errlist_addv(struct errlist *l, const char *fmt, va_list ap);
void errlist_free(struct errlist *l);

/* Program-level reporting (main only). prog_init sets the name used as prefix. */
void prog_init(const char *argv0);
const char *prog_name(void);
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void die_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void die_err(const struct err *e) __attribute__((noreturn));
void die_usage(const char *usage) __attribute__((noreturn));
void die_code(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

#endif
