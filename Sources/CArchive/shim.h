#ifndef ENROLL_CARCHIVE_SHIM_H
#define ENROLL_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
