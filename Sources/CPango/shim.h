#ifndef ENROLL_CPANGO_SHIM_H
#define ENROLL_CPANGO_SHIM_H

#include <pango/pangocairo.h>

#endif
