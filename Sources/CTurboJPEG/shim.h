#ifndef ENROLL_CTURBOJPEG_SHIM_H
#define ENROLL_CTURBOJPEG_SHIM_H

#include <stddef.h>
#include <turbojpeg.h>

#endif
