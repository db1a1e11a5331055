/*
 * index_lock.h - the one-writer lock of an index (issue 7): an exclusive flock(2) on
 * INDEX.d/lock.ibid (manifest.h names it), held by ibid-index for its whole run.
 *
 * flock locks belong to the open file: the kernel drops the lock when the holder closes the
 * file or dies in any way (kill -9 included), so a crashed writer can never leave the index
 * locked.  The holder writes its pid into the lock file, only so that a waiting writer can say
 * whom it waits for; the pid is never trusted for anything else.  Readers take no lock.
 *
 * Ownership: ibid_index_lock holds the open descriptor until ibid_index_lock_release.
 */
#ifndef IBID_INDEX_LOCK_H
#define IBID_INDEX_LOCK_H

typedef struct ibid_index_lock {
    int fd; /* the open lock file, -1 when not held */
} ibid_index_lock;

/* Creates INDEX.d (mode 0777 less the umask) when missing, opens (creating) its lock.ibid and
   tries to lock it without waiting.  Returns IBID_OK with the lock held (our pid written into
   the file); 1 when another process holds it (*holder gets its pid as written in the file, 0
   when unknown or not a live process; lk stays open so that ibid_index_lock_wait can wait);
   IBID_ENOMEM or IBID_EIO (errno says why; lk->fd is -1). */
int ibid_index_lock_try(const char *index_path, ibid_index_lock *lk, long *holder);

/* After ibid_index_lock_try returned 1: blocks until the lock is ours.  IBID_OK, or IBID_EIO
   (errno says why; the lock file is closed). */
int ibid_index_lock_wait(ibid_index_lock *lk);

/* Releases the lock (closes the file; the file itself stays).  Safe on a lock not held. */
void ibid_index_lock_release(ibid_index_lock *lk);

#endif
