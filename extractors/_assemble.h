/*
 * extractors._assemble: what its five files share (see _assemble.c). Hidden outside the module.
 */
#ifndef JIXIAO_ASSEMBLE_H
#define JIXIAO_ASSEMBLE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* a page source's character: the eight values of pdfplumber's character dict (_assemble_chars.c) */
typedef struct {
    PyObject_HEAD
    PyObject *text;
    PyObject *fontname;
    double size, x0, x1, top, bottom;
    PyObject *page_number;
} CharObject;

HIDDEN extern PyTypeObject CharType;
static inline int is_char(PyObject *o) { return Py_IS_TYPE(o, &CharType); }
HIDDEN PyObject *char_bbox(PyObject *self, void *closure);

/* interned dict keys (_assemble.c) */
HIDDEN extern PyObject *key_text, *key_x0, *key_x1, *key_top, *key_bottom, *key_size, *key_page_number,
    *key_page_bbox, *key_confidence;

/* shared readers (_assemble.c) */
HIDDEN PyObject *item(PyObject *char_, PyObject *key);
HIDDEN int number(PyObject *char_, PyObject *key, double *out);
HIDDEN int read_box(PyObject *box, double out[4]);
HIDDEN int is_plain_tuple_type(PyTypeObject *type, const char *argument);

/* what each file makes ready at import: 0, or -1 with an exception set */
HIDDEN int chars_ready(void);
HIDDEN int text_ready(void);
HIDDEN int paths_ready(void);

/* the module's functions */
HIDDEN PyObject *chars(PyObject *self, PyObject *args);
HIDDEN PyObject *page_chars(PyObject *self, PyObject *args);
HIDDEN PyObject *runs(PyObject *self, PyObject *args);
HIDDEN PyObject *lines(PyObject *self, PyObject *args);
HIDDEN PyObject *line_pairs(PyObject *self, PyObject *args);
HIDDEN PyObject *assign(PyObject *self, PyObject *args);
HIDDEN PyObject *normalise(PyObject *self, PyObject *args);
HIDDEN PyObject *cell_text(PyObject *self, PyObject *args);
HIDDEN PyObject *grid(PyObject *self, PyObject *args);
HIDDEN PyObject *cells_to_table(PyObject *self, PyObject *args);
HIDDEN PyObject *locate(PyObject *self, PyObject *args);
HIDDEN PyObject *path_edges(PyObject *self, PyObject *args);
HIDDEN PyObject *paths_edges(PyObject *self, PyObject *args);

#endif
