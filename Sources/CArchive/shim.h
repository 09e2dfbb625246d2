#ifndef ENROLL_CARCHIVE_SHIM_H
#define ENROLL_CARCHIVE_SHIM_H

#include <archive.h>
#include <archive_entry.h>
#include <zstd.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <errno.h>
#include <sys/syscall.h>

/* libarchive's AE_IF* file type macros are casts, which Swift cannot import. */
static const unsigned int enroll_AE_IFMT = AE_IFMT;
static const unsigned int enroll_AE_IFREG = AE_IFREG;
static const unsigned int enroll_AE_IFLNK = AE_IFLNK;
static const unsigned int enroll_AE_IFSOCK = AE_IFSOCK;
static const unsigned int enroll_AE_IFCHR = AE_IFCHR;
static const unsigned int enroll_AE_IFBLK = AE_IFBLK;
static const unsigned int enroll_AE_IFDIR = AE_IFDIR;
static const unsigned int enroll_AE_IFIFO = AE_IFIFO;

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/// Renames `from` to `to`, failing with EEXIST instead of replacing an existing `to`.
///
/// Wraps the Linux renameat2(2) system call with RENAME_NOREPLACE. glibc's renameat2()
/// wrapper is only declared under _GNU_SOURCE, which the Swift Glibc module does not set,
/// so the raw system call is used. Returns 0 or -1 with errno set (ENOSYS/EINVAL when the
/// kernel or file system does not support the flag).
static inline int enroll_rename_noreplace(const char *from, const char *to) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#ifndef SYNC_FILE_RANGE_WAIT_BEFORE
#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4
#endif

static const unsigned int enroll_SYNC_FILE_RANGE_WRITE = SYNC_FILE_RANGE_WRITE;
static const unsigned int enroll_SYNC_FILE_RANGE_WAIT_ALL =
    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;

/// Starts (and with the WAIT flags, waits for) write-back of a byte range of `fd`.
///
/// Wraps the Linux sync_file_range(2) system call, which glibc declares only under
/// _GNU_SOURCE. It is an optimisation only and never replaces fsync(2): it lets the disk
/// work while the archive is still being compressed, so the final fsync has little left to
/// wait for. Returns 0 or -1 with errno set (ENOSYS elsewhere than Linux).
static inline int enroll_sync_file_range(int fd, long long offset, long long count, unsigned int flags) {
#if defined(__linux__) && defined(SYS_sync_file_range)
    return (int)syscall(SYS_sync_file_range, fd, (off_t)offset, (off_t)count, flags);
#else
    errno = ENOSYS;
    return -1;
#endif
}

#endif
