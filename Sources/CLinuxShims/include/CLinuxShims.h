#ifndef ENROLL_CLINUXSHIMS_H
#define ENROLL_CLINUXSHIMS_H

/* Linux system calls that glibc declares only under _GNU_SOURCE, which the Swift Glibc
 * module does not set. They are compiled in shims.c, where the macro can be set before any
 * system header; this header shows only plain C types, so it needs no system header. */

/// Renames `from` to `to`, failing with EEXIST instead of replacing an existing `to`.
///
/// Calls renameat2(2) with AT_FDCWD and RENAME_NOREPLACE. Returns 0, or -1 with errno set
/// (ENOSYS or EINVAL when the kernel or the file system does not support the flag; ENOSYS
/// on every system other than Linux).
int enroll_rename_noreplace(const char *from, const char *to);

/// Starts write-back of `count` bytes of `fd` from `offset` (0 = to the end of the file)
/// without waiting for it.
///
/// Calls sync_file_range(2) with SYNC_FILE_RANGE_WRITE. An optimisation only, never a
/// replacement for fsync(2): it lets the disk work while more data is being produced, so
/// a final fsync has little left to wait for. Returns 0, or -1 with errno set (ENOSYS on
/// every system other than Linux).
int enroll_start_writeback(int fd, long long offset, long long count);

/// Starts write-back of `count` bytes of `fd` from `offset` and waits until they are on
/// the disk.
///
/// Calls sync_file_range(2) with SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
/// SYNC_FILE_RANGE_WAIT_AFTER. Like ``enroll_start_writeback``, it makes no promise about
/// metadata and does not replace fsync(2). Returns 0, or -1 with errno set.
int enroll_wait_writeback(int fd, long long offset, long long count);

#endif
