/*
 * atomic_file.h - replacing a small file atomically: write a temporary file in the target's
 * folder (".NAME.tmp.PID"), fsync it, rename it over the target, fsync the folder.  A reader
 * opening the target sees the old bytes or the new ones, never a mix; a crash at any point
 * leaves the old file (and at worst a temporary that the next writer removes).
 *
 * Used for the manifest and the deletion files of an index (manifest.h, deletions.h).
 */
#ifndef IBID_ATOMIC_FILE_H
#define IBID_ATOMIC_FILE_H

#include <stddef.h>

/* Writes data[0..len) to path atomically (see above).  Returns IBID_OK, IBID_ENOMEM or
   IBID_EIO (errno says why; the temporary is removed and any old file at path is untouched). */
int ibid_atomic_write(const char *path, const void *data, size_t len);

/* fsyncs the folder dir (so a rename or unlink in it is durable).  IBID_OK or IBID_EIO. */
int ibid_fsync_dir(const char *dir);

/* The folder part of path ("." when it has none), malloc'd; NULL when out of memory. */
char *ibid_dir_of(const char *path);

#endif
