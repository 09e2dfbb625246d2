#ifndef ENROLL_CLIBXML2_SHIM_H
#define ENROLL_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#endif
