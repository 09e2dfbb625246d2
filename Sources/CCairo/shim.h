#ifndef ENROLL_CCAIRO_SHIM_H
#define ENROLL_CCAIRO_SHIM_H

#include <cairo.h>
#include <cairo-pdf.h>

#endif
