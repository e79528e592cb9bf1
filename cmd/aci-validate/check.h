/* The checks of aci-validate, one function per kind of input. */
#ifndef ACI_VALIDATE_CHECK_H
#define ACI_VALIDATE_CHECK_H

#include <stdbool.h>

enum vtype { VT_GUESS, VT_ACI, VT_IMAGE, VT_POD, VT_LAYOUT };

/* Validate one FILE ("-" = stdin) as type t (VT_GUESS: from its content).
 * Every problem goes to stderr as "FILE: field: reason"; with verbose, what
 * was checked goes to stdout. Returns 0 if valid, 1 if not. */
int check_file(const char *file, enum vtype t, bool verbose);

#endif
