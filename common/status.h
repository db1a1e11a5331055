/*
 * status.h - status codes shared by every ibid module.
 *
 * Every function that can fail returns an int status: IBID_OK (0) on success, a negative
 * IBID_E* code on failure.  Functions that also answer a yes/no question (a lookup) return
 * 1 for "found", 0 for "not found" and a negative code on failure; their headers say so.
 * ibid_strerror() gives a short English phrase for a code ("out of memory"), never NULL.
 */
#ifndef IBID_STATUS_H
#define IBID_STATUS_H

enum {
    IBID_OK = 0,
    IBID_ENOMEM = -1,   /* an allocation failed */
    IBID_EIO = -2,      /* a read, write, fsync, rename or mmap failed; errno says why */
    IBID_ECORRUPT = -3, /* an index file is truncated, corrupt or of another format version */
    IBID_EINVAL = -4,   /* bad argument or malformed input that cannot be repaired */
    IBID_ELIMIT = -5,   /* a documented limit was exceeded (term, passage, query or file size) */
    IBID_ENOENT = -6    /* a file or index does not exist */
};

/* Short phrase for a status code; a static string, never NULL. */
const char *ibid_strerror(int status);

#endif
