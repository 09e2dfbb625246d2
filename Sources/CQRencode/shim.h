#ifndef ENROLL_CQRENCODE_SHIM_H
#define ENROLL_CQRENCODE_SHIM_H

#include <qrencode.h>

#endif
