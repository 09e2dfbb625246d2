#ifndef ENROLL_CLIBXML2_SHIM_H
#define ENROLL_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>

/* xmlFree is a macro over a per-thread function pointer in threaded builds of libxml2,
   which Swift cannot call; this forwards to it. */
static inline void enroll_xmlFree(void *pointer) {
    xmlFree(pointer);
}
#endif
