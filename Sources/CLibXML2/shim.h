#ifndef ENROLL_CLIBXML2_SHIM_H
#define ENROLL_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, so encoding.h would include the system's
   <unicode/ucnv.h>, whose UErrorCode clashes with the copy of ICU that Foundation brings
   (module _FoundationICU) and breaks a clean build. Nothing here uses libxml2's ICU
   converters: the ICU-only members sit at the end of xmlCharEncodingHandler, which Swift
   never allocates or reads, so they are hidden from Swift. */
#undef LIBXML_ICU_ENABLED
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

/* The first character in the UTF-8 text that XML 1.0 cannot represent even escaped (a C0
   control other than tab, line feed and carriage return, U+FFFE or U+FFFF), or -1 if none.
   A byte loop in C: XMLKit checks every text and attribute value it writes with it. */
static inline long enroll_xml_first_invalid_char(const unsigned char *text, size_t length) {
    for (size_t i = 0; i < length; i++) {
        unsigned char c = text[i];
        if (c < 0x20) {
            if (c != 0x09 && c != 0x0A && c != 0x0D) return c;
        } else if (c == 0xEF && i + 2 < length && text[i + 1] == 0xBF && (text[i + 2] == 0xBE || text[i + 2] == 0xBF)) {
            return text[i + 2] == 0xBE ? 0xFFFE : 0xFFFF;
        }
    }
    return -1;
}
#endif
