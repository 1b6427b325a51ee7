/*
 * extractors._assemble: the PDF assembly's per-character steps, in C.
 *
 * ``extractors.pdf`` assembles a page's characters (pdfplumber-shaped dicts) into table
 * cells and lines. Three of its steps touch every character several times in Python loops
 * and were ~half of the assembly's time: giving each character of a table to its cell
 * (``_assign_chars``), grouping characters into lines (``_lines``) and turning a line into
 * (character, box) pairs with the gaps between words (``_line_pairs``). These are the same
 * three functions, step for step: the same comparisons, the same float operations in the
 * same order, the same stable orders (an index breaks ties as Python's stable sort does),
 * the same objects in the results. A coordinate that is not a finite number raises
 * ValueError, and the caller goes the Python way, whose order for NaN is its own.
 * tests/test_assemble.py holds them to the Python functions on random and real pages.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* interned dict keys, made once at import */
static PyObject *key_text, *key_x0, *key_x1, *key_top, *key_bottom, *key_size, *key_page_number,
    *key_page_bbox, *key_confidence;

/* ---- Char: a page source's character, read as its pdfplumber-shaped dict ------------------ */

/* The PDF page source makes ~1,000 characters a page. As dicts each costs a dict and five
   floats, and every step of the assembly reads it back through a dict lookup per key. A Char
   holds the same eight values (the keys of char_keys, in that order) in a C struct: the steps
   here read its numbers directly, and Python reads it as it reads the dict (``char["x0"]``,
   ``get``, ``in``, ``keys``, ``dict(char)``, its repr, equality with a dict). It is read-only,
   as the assembly never writes a character; a page source that needs other keys (OCR's
   ``confidence``, ``page_bbox``) makes dicts, and the steps take both. */
typedef struct {
    PyObject_HEAD
    PyObject *text;
    PyObject *fontname;
    double size, x0, x1, top, bottom;
    PyObject *page_number;
} CharObject;

static PyTypeObject CharType;
#define CHAR_KEYS 8
static PyObject *char_keys[CHAR_KEYS]; /* text, fontname, size, x0, x1, top, bottom, page_number */

static int is_char(PyObject *o) { return Py_IS_TYPE(o, &CharType); }

/* the position of key among char_keys, or -1 (an error set only if the comparison failed) */
static int char_key_index(PyObject *key) {
    for (int k = 0; k < CHAR_KEYS; k++) {
        if (key == char_keys[k])
            return k;
    }
    if (!PyUnicode_Check(key))
        return -1;
    for (int k = 0; k < CHAR_KEYS; k++) {
        int equal = PyUnicode_Compare(key, char_keys[k]);
        if (equal == 0)
            return k;
        if (equal == -1 && PyErr_Occurred())
            return -1;
    }
    return -1;
}

/* the k-th value as a new reference */
static PyObject *char_value(CharObject *c, int k) {
    switch (k) {
    case 0: return Py_NewRef(c->text);
    case 1: return Py_NewRef(c->fontname);
    case 2: return PyFloat_FromDouble(c->size);
    case 3: return PyFloat_FromDouble(c->x0);
    case 4: return PyFloat_FromDouble(c->x1);
    case 5: return PyFloat_FromDouble(c->top);
    case 6: return PyFloat_FromDouble(c->bottom);
    default: return Py_NewRef(c->page_number);
    }
}

static PyObject *char_subscript(PyObject *self, PyObject *key) {
    int k = char_key_index(key);
    if (k < 0) {
        if (!PyErr_Occurred())
            PyErr_SetObject(PyExc_KeyError, key);
        return NULL;
    }
    return char_value((CharObject *)self, k);
}

static Py_ssize_t char_length(PyObject *Py_UNUSED(self)) { return CHAR_KEYS; }

static int char_contains(PyObject *Py_UNUSED(self), PyObject *key) {
    int k = char_key_index(key);
    return k >= 0 ? 1 : (PyErr_Occurred() ? -1 : 0);
}

static PyObject *char_as_dict(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    PyObject *dict = PyDict_New();
    if (!dict)
        return NULL;
    for (int k = 0; k < CHAR_KEYS; k++) {
        PyObject *value = char_value((CharObject *)self, k);
        if (!value || PyDict_SetItem(dict, char_keys[k], value) < 0) {
            Py_XDECREF(value);
            Py_DECREF(dict);
            return NULL;
        }
        Py_DECREF(value);
    }
    return dict;
}

static PyObject *char_get(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "get(key, default=None)");
        return NULL;
    }
    int k = char_key_index(args[0]);
    if (k >= 0)
        return char_value((CharObject *)self, k);
    if (PyErr_Occurred())
        return NULL;
    return Py_NewRef(nargs == 2 ? args[1] : Py_None);
}

/* keys(), values(), items(): the dict's views, of a dict made for the call */
static PyObject *char_view(PyObject *self, const char *name) {
    PyObject *dict = char_as_dict(self, NULL);
    if (!dict)
        return NULL;
    PyObject *view = PyObject_CallMethod(dict, name, NULL);
    Py_DECREF(dict);
    return view;
}
static PyObject *char_keys_method(PyObject *self, PyObject *Py_UNUSED(ignored)) { return char_view(self, "keys"); }
static PyObject *char_values_method(PyObject *self, PyObject *Py_UNUSED(ignored)) { return char_view(self, "values"); }
static PyObject *char_items_method(PyObject *self, PyObject *Py_UNUSED(ignored)) { return char_view(self, "items"); }

static PyObject *char_iter(PyObject *self) {
    PyObject *dict = char_as_dict(self, NULL);
    if (!dict)
        return NULL;
    PyObject *iterator = PyObject_GetIter(dict);
    Py_DECREF(dict);
    return iterator;
}

static PyObject *char_repr(PyObject *self) {
    PyObject *dict = char_as_dict(self, NULL);
    if (!dict)
        return NULL;
    PyObject *repr = PyObject_Repr(dict);
    Py_DECREF(dict);
    return repr;
}

/* == and != as the dict it reads as; a Char equals a dict (or Char) of the same items */
static PyObject *char_richcompare(PyObject *self, PyObject *other, int op) {
    if ((op != Py_EQ && op != Py_NE) || !(is_char(other) || PyDict_Check(other)))
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *mine = char_as_dict(self, NULL);
    PyObject *theirs = mine ? (is_char(other) ? char_as_dict(other, NULL) : Py_NewRef(other)) : NULL;
    PyObject *result = theirs ? PyObject_RichCompare(mine, theirs, op) : NULL;
    Py_XDECREF(mine);
    Py_XDECREF(theirs);
    return result;
}

/* pickled (a worker hands pages on) as the dict it reads as */
static PyObject *char_reduce(PyObject *self, PyObject *Py_UNUSED(ignored)) {
    PyObject *dict = char_as_dict(self, NULL);
    return dict ? Py_BuildValue("(O(N))", (PyObject *)&PyDict_Type, dict) : NULL;
}

static void char_dealloc(PyObject *self) {
    CharObject *c = (CharObject *)self;
    Py_XDECREF(c->text);
    Py_XDECREF(c->fontname);
    Py_XDECREF(c->page_number);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *char_new_from(PyObject *text, PyObject *fontname, const double values[5], PyObject *page_number) {
    CharObject *c = PyObject_New(CharObject, &CharType);
    if (!c)
        return NULL;
    c->text = Py_NewRef(text);
    c->fontname = Py_NewRef(fontname);
    c->size = values[0], c->x0 = values[1], c->x1 = values[2], c->top = values[3], c->bottom = values[4];
    c->page_number = Py_NewRef(page_number);
    return (PyObject *)c;
}

static PyObject *char_new(PyTypeObject *Py_UNUSED(type), PyObject *args, PyObject *kwargs) {
    static char *names[] = {"text", "fontname", "size", "x0", "x1", "top", "bottom", "page_number", NULL};
    PyObject *text, *fontname, *page_number;
    double values[5];
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "UOdddddO", names, &text, &fontname, &values[0], &values[1],
                                     &values[2], &values[3], &values[4], &page_number))
        return NULL;
    return char_new_from(text, fontname, values, page_number);
}

/* A Char is also its own box: page, bbox and confidence read as a CharBox's (the assembly
   keeps the character as the box of its place in the text, see extractors.document.CharBoxes) */
static PyObject *char_page(PyObject *self, void *Py_UNUSED(closure)) {
    return Py_NewRef(((CharObject *)self)->page_number);
}

static PyObject *char_bbox(PyObject *self, void *Py_UNUSED(closure)) {
    CharObject *c = (CharObject *)self;
    double sides[4] = {c->x0, c->top, c->x1, c->bottom};
    PyObject *box = PyTuple_New(4);
    for (int k = 0; box && k < 4; k++) {
        PyObject *side = PyFloat_FromDouble(sides[k]);
        if (!side)
            Py_CLEAR(box);
        else
            PyTuple_SET_ITEM(box, k, side);
    }
    return box;
}

static PyObject *char_confidence(PyObject *Py_UNUSED(self), void *Py_UNUSED(closure)) { Py_RETURN_NONE; }

static PyGetSetDef char_getset[] = {
    {"page", char_page, NULL, "the page number, as CharBox.page", NULL},
    {"bbox", char_bbox, NULL, "(x0, top, x1, bottom), as CharBox.bbox", NULL},
    {"confidence", char_confidence, NULL, "None: no OCR read it, as CharBox.confidence", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMappingMethods char_mapping = {char_length, char_subscript, NULL};
static PySequenceMethods char_sequence = {.sq_contains = char_contains};
static PyMethodDef char_methods[] = {
    {"get", (PyCFunction)(void (*)(void))char_get, METH_FASTCALL, "get(key, default=None), as dict.get"},
    {"keys", char_keys_method, METH_NOARGS, "the keys, as the dict's"},
    {"values", char_values_method, METH_NOARGS, "the values, as the dict's"},
    {"items", char_items_method, METH_NOARGS, "the items, as the dict's"},
    {"to_dict", char_as_dict, METH_NOARGS, "the character as a new dict"},
    {"__reduce__", char_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CharType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "extractors._assemble.Char",
    .tp_basicsize = sizeof(CharObject),
    .tp_dealloc = char_dealloc,
    .tp_repr = char_repr,
    .tp_as_sequence = &char_sequence,
    .tp_as_mapping = &char_mapping,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_MAPPING,
    .tp_doc = "Char(text, fontname, size, x0, x1, top, bottom, page_number): a character of a page, "
              "read as pdfplumber's character dict with these eight keys",
    .tp_richcompare = char_richcompare,
    .tp_iter = char_iter,
    .tp_methods = char_methods,
    .tp_getset = char_getset,
    .tp_new = char_new,
};

/* chars(codes, names, which, (size, x0, x1, top, bottom), page_number) -> [Char, ...]: for
   character i, text chr(codes[i]), fontname names[which[i]], the five numbers columns[k][i];
   codes uint32, which int64, each column float64, all of one length. A code point's str is
   made once per process (BMP) and shared, as the text of the page repeats its characters. */
static PyObject *ordinals[0x10000];

/* chr(code) as a new reference: a BMP character's str made once and shared; ValueError past
   Unicode */
static PyObject *code_text(uint32_t code) {
    if (code > 0x10FFFF) {
        PyErr_SetString(PyExc_ValueError, "a code point is outside Unicode");
        return NULL;
    }
    if (code >= 0x10000)
        return PyUnicode_FromOrdinal((int)code);
    if (!ordinals[code] && !(ordinals[code] = PyUnicode_FromOrdinal((int)code)))
        return NULL;
    return Py_NewRef(ordinals[code]);
}

static PyObject *chars(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer codes, which, columns[5];
    PyObject *names, *page_number, *result = NULL;
    memset(columns, 0, sizeof columns);
    memset(&codes, 0, sizeof codes);
    memset(&which, 0, sizeof which);
    if (!PyArg_ParseTuple(args, "y*O!y*(y*y*y*y*y*)O", &codes, &PyList_Type, &names, &which, &columns[0],
                          &columns[1], &columns[2], &columns[3], &columns[4], &page_number))
        return NULL;
    Py_ssize_t n = codes.len / (Py_ssize_t)sizeof(uint32_t);
    if (codes.len % (Py_ssize_t)sizeof(uint32_t) || which.len != n * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_SetString(PyExc_ValueError, "codes and which must hold one uint32 and one int64 per character");
        goto done;
    }
    for (int k = 0; k < 5; k++) {
        if (columns[k].len != n * (Py_ssize_t)sizeof(double)) {
            PyErr_SetString(PyExc_ValueError, "each column must hold one float64 per character");
            goto done;
        }
    }
    const uint32_t *code = codes.buf;
    const int64_t *name_of = which.buf;
    result = PyList_New(n);
    if (!result)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (name_of[i] < 0 || name_of[i] >= PyList_GET_SIZE(names)) {
            PyErr_SetString(PyExc_IndexError, "a font index is outside names");
            goto fail;
        }
        PyObject *text = code_text(code[i]);
        if (!text)
            goto fail;
        double values[5];
        for (int k = 0; k < 5; k++)
            values[k] = ((const double *)columns[k].buf)[i];
        PyObject *c = char_new_from(text, PyList_GET_ITEM(names, name_of[i]), values, page_number);
        Py_DECREF(text);
        if (!c)
            goto fail;
        PyList_SET_ITEM(result, i, c);
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    PyBuffer_Release(&codes);
    PyBuffer_Release(&which);
    for (int k = 0; k < 5; k++)
        PyBuffer_Release(&columns[k]);
    return result;
}

/* ---- page_chars and runs: the PDFium page source's columns into characters and text runs ---- */

/* page_chars(codes, objects, fonts, numbers, font_of, dx, dy, page_number) -> [Char, ...]
 *
 * extractors.pdfium._chars on an upright page, in one pass: codes uint32, objects and fonts
 * uint64, numbers four float64 (size, left, right, baseline) per character, as _char_columns
 * gives them. font_of(font address) -> (name, descent per point) is asked once per font, in
 * the order the fonts first appear. A character's box is the same float64 operations in the
 * same order as the NumPy columns there: x0 = left + dx, x1 = right + dx, with low = baseline
 * + descent * size, top = dy - (low + size), bottom = dy - low (no fused multiply-add: built
 * with -ffp-contract=off). */
typedef struct {
    uint64_t address;
    PyObject *name; /* owned */
    double descent;
} Font;

static PyObject *page_chars(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer codes, objects, fonts, numbers;
    PyObject *font_of, *page_number, *result = NULL;
    double dx, dy;
    if (!PyArg_ParseTuple(args, "y*y*y*y*OddO", &codes, &objects, &fonts, &numbers, &font_of, &dx, &dy, &page_number))
        return NULL;
    Py_ssize_t n = codes.len / (Py_ssize_t)sizeof(uint32_t), known = 0, room = 8;
    Font *table = PyMem_Malloc(room * sizeof(Font));
    if (!table) {
        PyErr_NoMemory();
        goto done;
    }
    if (codes.len % (Py_ssize_t)sizeof(uint32_t) || objects.len != n * (Py_ssize_t)sizeof(uint64_t) ||
        fonts.len != n * (Py_ssize_t)sizeof(uint64_t) || numbers.len != n * 4 * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "the columns must hold one code, object, font and four numbers per character");
        goto done;
    }
    const uint32_t *code = codes.buf;
    const uint64_t *font = fonts.buf;
    const double *number = numbers.buf;
    result = PyList_New(n);
    if (!result)
        goto done;
    Py_ssize_t last = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (last < 0 || table[last].address != font[i]) {
            for (last = 0; last < known && table[last].address != font[i]; last++)
                ;
            if (last == known) { /* a font not met before on this page */
                if (known == room) {
                    Font *grown = PyMem_Realloc(table, 2 * room * sizeof(Font));
                    if (!grown) {
                        PyErr_NoMemory();
                        goto fail;
                    }
                    table = grown, room *= 2;
                }
                PyObject *address = PyLong_FromUnsignedLongLong(font[i]);
                PyObject *found = address ? PyObject_CallOneArg(font_of, address) : NULL;
                Py_XDECREF(address);
                if (!found)
                    goto fail;
                if (!PyTuple_Check(found) || PyTuple_GET_SIZE(found) != 2) {
                    Py_DECREF(found);
                    PyErr_SetString(PyExc_TypeError, "font_of must give a (name, descent) tuple");
                    goto fail;
                }
                double descent = PyFloat_AsDouble(PyTuple_GET_ITEM(found, 1));
                if (descent == -1.0 && PyErr_Occurred()) {
                    Py_DECREF(found);
                    goto fail;
                }
                table[known++] = (Font){font[i], Py_NewRef(PyTuple_GET_ITEM(found, 0)), descent};
                Py_DECREF(found);
            }
        }
        PyObject *text = code_text(code[i]);
        if (!text)
            goto fail;
        const double *row = number + 4 * i;
        double size = row[0], low = row[3] + table[last].descent * size;
        double values[5] = {size, row[1] + dx, row[2] + dx, dy - (low + size), dy - low};
        PyObject *c = char_new_from(text, table[last].name, values, page_number);
        Py_DECREF(text);
        if (!c)
            goto fail;
        PyList_SET_ITEM(result, i, c);
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    if (table) {
        for (Py_ssize_t k = 0; k < known; k++)
            Py_DECREF(table[k].name);
        PyMem_Free(table);
    }
    PyBuffer_Release(&codes);
    PyBuffer_Release(&objects);
    PyBuffer_Release(&fonts);
    PyBuffer_Release(&numbers);
    return result;
}

/* runs(codes, objects, fonts, numbers) -> (objects, left, right, baseline, size, space_em)
 *
 * extractors.pdfium._runs: each text object's characters (0: none) taken together in page
 * order, as a stable sort by address groups them (found by address in a hash table, the
 * runs then sorted by address); per object, ascending: its address
 * (uint64), the least left and greatest right of its characters (np.minimum and np.maximum
 * taken in that order, NaN kept), its first character's baseline and size (float64, as bytes);
 * and space_em: for each font, (right - left) / size of its first space in page order that
 * has a text object and a size above 0. */
typedef struct {
    uint64_t object;
    Py_ssize_t run; /* the run's place in first-seen order */
} ByObject;

static int by_object(const void *a, const void *b) {
    const ByObject *p = a, *q = b;
    return p->object < q->object ? -1 : (p->object > q->object);
}

static PyObject *runs(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer codes, objects, fonts, numbers;
    PyObject *result = NULL, *space_em = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*y*", &codes, &objects, &fonts, &numbers))
        return NULL;
    Py_ssize_t n = codes.len / (Py_ssize_t)sizeof(uint32_t), count = 0;
    size_t slots = 16;
    while (slots < 2 * (size_t)n)
        slots *= 2;
    /* each object's run, found by an open-addressed table on its address (the page's
       characters of one object mostly follow each other: the last one is tried first) */
    Py_ssize_t *table = PyMem_Malloc(slots * sizeof(Py_ssize_t));
    ByObject *order = PyMem_Malloc((n ? n : 1) * sizeof(ByObject));
    uint64_t *run_object = PyMem_Malloc((n ? n : 1) * sizeof(uint64_t));
    double *columns = PyMem_Malloc((n ? n : 1) * 8 * sizeof(double)); /* first seen, then sorted */
    if (!table || !order || !run_object || !columns) {
        PyErr_NoMemory();
        goto done;
    }
    if (codes.len % (Py_ssize_t)sizeof(uint32_t) || objects.len != n * (Py_ssize_t)sizeof(uint64_t) ||
        fonts.len != n * (Py_ssize_t)sizeof(uint64_t) || numbers.len != n * 4 * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "the columns must hold one code, object, font and four numbers per character");
        goto done;
    }
    for (size_t k = 0; k < slots; k++)
        table[k] = -1;
    const uint32_t *code = codes.buf;
    const uint64_t *object = objects.buf, *font = fonts.buf;
    const double *number = numbers.buf;
    double *left = columns, *right = columns + n, *baseline = columns + 2 * n, *size = columns + 3 * n;
    Py_ssize_t last = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *row = number + 4 * i;
        Py_ssize_t run = -1;
        if (last >= 0 && run_object[last] == object[i]) {
            run = last;
        } else {
            size_t at = (size_t)((object[i] >> 4) ^ (object[i] >> 20)) & (slots - 1);
            while (table[at] >= 0 && run_object[table[at]] != object[i])
                at = (at + 1) & (slots - 1);
            if (table[at] >= 0) {
                run = table[at];
            } else { /* the object's first character, in page order */
                run = table[at] = count++;
                run_object[run] = object[i];
                left[run] = row[1], right[run] = row[2], baseline[run] = row[3], size[run] = row[0];
                last = run;
                continue;
            }
        }
        last = run;
        /* np.minimum and np.maximum, taken in page order as reduceat over a stable sort does */
        left[run] = (left[run] < row[1] || isnan(left[run])) ? left[run] : row[1];
        right[run] = (right[run] > row[2] || isnan(right[run])) ? right[run] : row[2];
    }
    for (Py_ssize_t r = 0; r < count; r++)
        order[r] = (ByObject){run_object[r], r};
    qsort(order, count, sizeof(ByObject), by_object); /* addresses are distinct: no tie */
    double *sorted = columns + 4 * n;
    for (Py_ssize_t r = 0; r < count; r++) {
        Py_ssize_t from = order[r].run;
        sorted[r] = left[from], sorted[n + r] = right[from], sorted[2 * n + r] = baseline[from];
        sorted[3 * n + r] = size[from];
        run_object[r] = order[r].object;
    }
    space_em = PyDict_New();
    if (!space_em)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double *row = number + 4 * i;
        if (code[i] != 0x20 || !object[i] || !(row[0] > 0))
            continue;
        PyObject *key = PyLong_FromUnsignedLongLong(font[i]);
        int seen = key ? PyDict_Contains(space_em, key) : -1;
        PyObject *value = seen == 0 ? PyFloat_FromDouble((row[2] - row[1]) / row[0]) : NULL;
        int stored = value ? PyDict_SetItem(space_em, key, value) : (seen == 1 ? 0 : -1);
        Py_XDECREF(key);
        Py_XDECREF(value);
        if (stored < 0)
            goto done;
    }
    result = Py_BuildValue("y#y#y#y#y#O", (const char *)run_object, (Py_ssize_t)(count * sizeof(uint64_t)),
                           (const char *)sorted, (Py_ssize_t)(count * sizeof(double)),
                           (const char *)(sorted + n), (Py_ssize_t)(count * sizeof(double)),
                           (const char *)(sorted + 2 * n), (Py_ssize_t)(count * sizeof(double)),
                           (const char *)(sorted + 3 * n), (Py_ssize_t)(count * sizeof(double)), space_em);
done:
    Py_XDECREF(space_em);
    PyMem_Free(table);
    PyMem_Free(order);
    PyMem_Free(run_object);
    PyMem_Free(columns);
    PyBuffer_Release(&codes);
    PyBuffer_Release(&objects);
    PyBuffer_Release(&fonts);
    PyBuffer_Release(&numbers);
    return result;
}

/* char[key] as a borrowed reference, for a key that is no number (text, page_number, or a
   dict's own); KeyError (as Python's char[key]) if absent */
static PyObject *item(PyObject *char_, PyObject *key) {
    if (is_char(char_)) {
        CharObject *c = (CharObject *)char_;
        if (key == key_text)
            return c->text;
        if (key == key_page_number)
            return c->page_number;
        PyErr_SetObject(PyExc_KeyError, key);
        return NULL;
    }
    if (!PyDict_Check(char_)) {
        PyErr_SetString(PyExc_TypeError, "a character must be a dict or a Char");
        return NULL;
    }
    PyObject *value = PyDict_GetItemWithError(char_, key);
    if (!value && !PyErr_Occurred())
        PyErr_SetObject(PyExc_KeyError, key);
    return value;
}

/* float(char[key]) into *out; ValueError if not finite (the caller reads it in Python) */
static int number(PyObject *char_, PyObject *key, double *out) {
    double x;
    if (is_char(char_)) {
        CharObject *c = (CharObject *)char_;
        if (key == key_x0)
            x = c->x0;
        else if (key == key_x1)
            x = c->x1;
        else if (key == key_top)
            x = c->top;
        else if (key == key_bottom)
            x = c->bottom;
        else if (key == key_size)
            x = c->size;
        else {
            PyErr_SetObject(PyExc_KeyError, key);
            return -1;
        }
    } else {
        PyObject *value = item(char_, key);
        if (!value)
            return -1;
        x = PyFloat_AsDouble(value);
        if (x == -1.0 && PyErr_Occurred())
            return -1;
    }
    if (!isfinite(x)) {
        PyErr_SetString(PyExc_ValueError, "a coordinate is not a finite number");
        return -1;
    }
    *out = x;
    return 0;
}

/* ---- lines(chars, tolerance) -> [[char, ...], ...]: extractors.pdf._lines ------------------ */

typedef struct {
    long page;
    double row;  /* round(top): Python's round, half to even, as rint in the default mode */
    double x0;
    double top, bottom;
    Py_ssize_t index; /* the position before sorting: ties keep it, as a stable sort does */
} Key;

static int by_reading_order(const void *a, const void *b) {
    const Key *p = a, *q = b;
    if (p->page != q->page)
        return p->page < q->page ? -1 : 1;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->index < q->index ? -1 : (p->index > q->index);
}

static int by_x0(const void *a, const void *b) {
    const Key *p = a, *q = b;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->index < q->index ? -1 : (p->index > q->index);
}

/* The characters' keys, sorted in reading order: keys[i].index is the character's position
   in chars. 0, or -1 with an error set (a key missing, a coordinate not finite). */
static int reading_keys(PyObject *chars, Key *keys) {
    Py_ssize_t n = PyList_GET_SIZE(chars);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *char_ = PyList_GET_ITEM(chars, i);
        PyObject *page = item(char_, key_page_number);
        if (!page)
            return -1;
        keys[i].page = PyLong_AsLong(page);
        if (keys[i].page == -1 && PyErr_Occurred())
            return -1;
        if (number(char_, key_top, &keys[i].top) < 0 || number(char_, key_bottom, &keys[i].bottom) < 0 ||
            number(char_, key_x0, &keys[i].x0) < 0)
            return -1;
        keys[i].row = rint(keys[i].top);
        keys[i].index = i;
    }
    qsort(keys, n, sizeof(Key), by_reading_order);
    return 0;
}

/* Where each line starts among the sorted keys: starts[0..lines], starts[lines] == n; the
   number of lines. A character joins the line when its centre is inside the line's band or
   its top within the tolerance of the line's first top (_py_lines). */
static Py_ssize_t line_starts(const Key *keys, Py_ssize_t n, double tolerance, Py_ssize_t *starts) {
    Py_ssize_t count = 0, start = 0;
    long page = 0;
    double band_top = 0.0, band_bottom = 0.0, line_top = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double top = keys[i].top, bottom = keys[i].bottom;
        double centre = (top + bottom) / 2;
        if (i > start && page == keys[i].page &&
            ((band_top <= centre && centre <= band_bottom) || fabs(line_top - top) <= tolerance)) {
            if (top < band_top)
                band_top = top;
            if (bottom > band_bottom)
                band_bottom = bottom;
            continue;
        }
        starts[count++] = i;
        start = i;
        page = keys[i].page, band_top = top, band_bottom = bottom, line_top = top;
    }
    starts[count] = n;
    return count;
}

/* The characters of the line keys[start:end] left to right (by x0, ties in reading order),
   as positions in chars, into order[0 .. end-start]. 0, or -1 with MemoryError. */
static int line_order(const Key *keys, Py_ssize_t start, Py_ssize_t end, Py_ssize_t *order) {
    Py_ssize_t n = end - start;
    Key *line = PyMem_Malloc((n ? n : 1) * sizeof(Key));
    if (!line) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        line[i] = keys[start + i];
        line[i].index = i; /* stable within the line: its reading order */
    }
    qsort(line, n, sizeof(Key), by_x0);
    for (Py_ssize_t i = 0; i < n; i++)
        order[i] = keys[start + line[i].index].index;
    PyMem_Free(line);
    return 0;
}

static PyObject *lines_of(PyObject *chars, double tolerance) {
    Py_ssize_t n = PyList_GET_SIZE(chars);
    Key *keys = PyMem_Malloc((n ? n : 1) * sizeof(Key));
    Py_ssize_t *starts = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *order = PyMem_Malloc((n ? n : 1) * sizeof(Py_ssize_t));
    PyObject *result = NULL;
    if (!keys || !starts || !order) {
        PyErr_NoMemory();
        goto done;
    }
    if (reading_keys(chars, keys) < 0)
        goto done;
    Py_ssize_t count = line_starts(keys, n, tolerance, starts);
    result = PyList_New(count);
    if (!result)
        goto done;
    for (Py_ssize_t j = 0; j < count; j++) {
        Py_ssize_t size = starts[j + 1] - starts[j];
        PyObject *line = line_order(keys, starts[j], starts[j + 1], order) < 0 ? NULL : PyList_New(size);
        if (!line) {
            Py_CLEAR(result);
            goto done;
        }
        for (Py_ssize_t i = 0; i < size; i++) {
            PyObject *char_ = PyList_GET_ITEM(chars, order[i]);
            Py_INCREF(char_);
            PyList_SET_ITEM(line, i, char_);
        }
        PyList_SET_ITEM(result, j, line);
    }
done:
    PyMem_Free(keys);
    PyMem_Free(starts);
    PyMem_Free(order);
    return result;
}

static PyObject *lines(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *chars;
    double tolerance;
    if (!PyArg_ParseTuple(args, "O!d", &PyList_Type, &chars, &tolerance))
        return NULL;
    return lines_of(chars, tolerance);
}

/* ---- line_pairs(line, page, char_box, gap) -> [(text, box), ...]: _line_pairs ------------- */

/* CharBox(page, box, confidence) of one character, made as tuple.__new__ makes a tuple
   subtype's instance (char_box is a tuple subtype with no fields of its own, as a NamedTuple) */
static PyObject *char_box_of(PyObject *char_, PyObject *page, PyTypeObject *char_box) {
    PyObject *box, *confidence = NULL;
    if (is_char(char_)) { /* no page_bbox, no confidence: its own box */
        CharObject *c = (CharObject *)char_;
        int same = page == c->page_number ? 1 : PyObject_RichCompareBool(page, c->page_number, Py_EQ);
        if (same < 0)
            return NULL;
        if (same) /* the character stands for its CharBox (extractors.document.CharBoxes) */
            return Py_NewRef(char_);
        box = char_bbox(char_, NULL);
    } else {
        PyObject *page_bbox = PyDict_GetItemWithError(char_, key_page_bbox);
        if (!page_bbox && PyErr_Occurred())
            return NULL;
        if (page_bbox && page_bbox != Py_None) {
            box = PySequence_Tuple(page_bbox);
        } else {
            PyObject *x0 = item(char_, key_x0), *top = x0 ? item(char_, key_top) : NULL;
            PyObject *x1 = top ? item(char_, key_x1) : NULL, *bottom = x1 ? item(char_, key_bottom) : NULL;
            box = bottom ? PyTuple_Pack(4, x0, top, x1, bottom) : NULL;
        }
        if (box && !(confidence = PyDict_GetItemWithError(char_, key_confidence)) && PyErr_Occurred()) {
            Py_DECREF(box);
            return NULL;
        }
    }
    if (!box)
        return NULL;
    PyObject *result = char_box->tp_alloc(char_box, 3);
    if (!result) {
        Py_DECREF(box);
        return NULL;
    }
    Py_INCREF(page);
    PyTuple_SET_ITEM(result, 0, page);
    PyTuple_SET_ITEM(result, 1, box); /* the reference made above */
    confidence = confidence ? confidence : Py_None;
    Py_INCREF(confidence);
    PyTuple_SET_ITEM(result, 2, confidence);
    return result;
}

/* the gap pair put between words: a (str, box) tuple, as fold and cell_text read it */
static int is_gap_pair(PyObject *gap_pair) {
    if (!PyTuple_Check(gap_pair) || PyTuple_GET_SIZE(gap_pair) != 2 || !PyUnicode_Check(PyTuple_GET_ITEM(gap_pair, 0))) {
        PyErr_SetString(PyExc_TypeError, "gap must be a (str, box) tuple");
        return 0;
    }
    return 1;
}

/* a tuple subtype with no fields of its own (a NamedTuple), whose instances are made here as
   tuple.__new__ makes them; else TypeError naming the argument */
static int is_plain_tuple_type(PyTypeObject *type, const char *argument) {
    if (!PyType_IsSubtype(type, &PyTuple_Type) || type->tp_itemsize != sizeof(PyObject *) ||
        type->tp_basicsize != PyTuple_Type.tp_basicsize) {
        PyErr_Format(PyExc_TypeError, "%s must be a tuple subtype with no fields of its own", argument);
        return 0;
    }
    return 1;
}

static PyObject *pairs_of(PyObject *line, PyObject *page, PyTypeObject *char_box, PyObject *gap_pair) {
    PyObject *pairs = PyList_New(0);
    if (!pairs)
        return NULL;
    int first = 1;
    double previous_x1 = 0.0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(line); i++) {
        PyObject *char_ = PyList_GET_ITEM(line, i);
        double x0, x1;
        if (number(char_, key_x0, &x0) < 0)
            goto fail;
        if (!first) {
            double size = 10; /* char["size"] or 10 */
            if (is_char(char_)) {
                if (((CharObject *)char_)->size != 0.0)
                    size = ((CharObject *)char_)->size;
            } else {
                PyObject *size_object = item(char_, key_size);
                if (!size_object)
                    goto fail;
                int truth = PyObject_IsTrue(size_object);
                if (truth < 0)
                    goto fail;
                if (truth) {
                    size = PyFloat_AsDouble(size_object);
                    if (size == -1.0 && PyErr_Occurred())
                        goto fail;
                }
            }
            double gap = 0.25 * size;
            if (x0 - previous_x1 > (gap > 1.5 ? gap : 1.5) && PyList_Append(pairs, gap_pair) < 0)
                goto fail;
        }
        PyObject *box = char_box_of(char_, page, char_box);
        if (!box)
            goto fail;
        PyObject *text = item(char_, key_text);
        PyObject *pair = text ? PyTuple_Pack(2, text, box) : NULL;
        Py_DECREF(box);
        if (!pair)
            goto fail;
        int appended = PyList_Append(pairs, pair);
        Py_DECREF(pair);
        if (appended < 0 || number(char_, key_x1, &x1) < 0)
            goto fail;
        previous_x1 = x1;
        first = 0;
    }
    return pairs;
fail:
    Py_DECREF(pairs);
    return NULL;
}

static PyObject *line_pairs(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *line, *page, *gap_pair;
    PyTypeObject *char_box;
    if (!PyArg_ParseTuple(args, "O!OO!O", &PyList_Type, &line, &page, &PyType_Type, &char_box, &gap_pair))
        return NULL;
    if (!is_plain_tuple_type(char_box, "char_box") || !is_gap_pair(gap_pair))
        return NULL;
    return pairs_of(line, page, char_box, gap_pair);
}

/* ---- assign(cells, chars, table_box, edge_tolerance) -> left over: _assign_chars ------------ */

typedef struct {
    double left, top, right, bottom;
    PyObject *chars; /* borrowed: the cell's list, held by the caller's cells */
} Span;

static int read_box(PyObject *box, double out[4]) {
    PyObject *fast = PySequence_Fast(box, "a box must be a sequence of four numbers");
    if (!fast)
        return -1;
    if (PySequence_Fast_GET_SIZE(fast) != 4) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "a box must be a sequence of four numbers");
        return -1;
    }
    for (int k = 0; k < 4; k++) {
        out[k] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, k));
        if (out[k] == -1.0 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
        if (!isfinite(out[k])) {
            Py_DECREF(fast);
            PyErr_SetString(PyExc_ValueError, "a coordinate is not a finite number");
            return -1;
        }
    }
    Py_DECREF(fast);
    return 0;
}

static PyObject *assign(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *cells, *chars, *table_box;
    double tolerance;
    if (!PyArg_ParseTuple(args, "O!O!Od", &PyList_Type, &cells, &PyList_Type, &chars, &table_box, &tolerance))
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(cells);
    Span *spans = PyMem_Malloc((count ? count : 1) * sizeof(Span));
    if (!spans)
        return PyErr_NoMemory();
    PyObject *left_over = NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        /* each cell as (box, chars list) */
        PyObject *cell = PyList_GET_ITEM(cells, i);
        double box[4];
        if (!PyTuple_Check(cell) || PyTuple_GET_SIZE(cell) != 2 || !PyList_Check(PyTuple_GET_ITEM(cell, 1))) {
            PyErr_SetString(PyExc_TypeError, "a cell must be a (box, list) pair");
            goto done;
        }
        if (read_box(PyTuple_GET_ITEM(cell, 0), box) < 0)
            goto done;
        spans[i] = (Span){box[0], box[1], box[2], box[3], PyTuple_GET_ITEM(cell, 1)};
    }
    double table[4];
    if (read_box(table_box, table) < 0)
        goto done;
    double left = table[0] - tolerance, right = table[2] + tolerance, top = table[1], bottom = table[3];
    left_over = PyList_New(0);
    if (!left_over)
        goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(chars); i++) {
        PyObject *char_ = PyList_GET_ITEM(chars, i);
        double x0, x1, char_top, char_bottom;
        if (number(char_, key_x0, &x0) < 0 || number(char_, key_x1, &x1) < 0 ||
            number(char_, key_top, &char_top) < 0 || number(char_, key_bottom, &char_bottom) < 0)
            goto fail;
        double quarter = (x1 - x0) / 4;
        double x = x0 + (quarter < 1.0 ? quarter : 1.0);
        double y = (char_top + char_bottom) / 2;
        PyObject *home = NULL;
        if (left <= x && x <= right && top <= y && y <= bottom) {
            /* the cells across the character's height, in order: the first holding x, else
               the nearest (the first of equals) when it is within the tolerance */
            Py_ssize_t nearest = -1;
            double nearest_distance = 0.0;
            for (Py_ssize_t k = 0; k < count; k++) {
                Span *span = &spans[k];
                if (!(span->top <= y && y <= span->bottom))
                    continue;
                if (span->left <= x && x <= span->right) {
                    home = span->chars;
                    break;
                }
                double a = fabs(x - span->left), b = fabs(x - span->right);
                double distance = b < a ? b : a;
                if (nearest < 0 || distance < nearest_distance)
                    nearest = k, nearest_distance = distance;
            }
            if (!home && nearest >= 0 && nearest_distance <= tolerance)
                home = spans[nearest].chars;
        }
        if (PyList_Append(home ? home : left_over, char_) < 0)
            goto fail;
    }
    goto done;
fail:
    Py_CLEAR(left_over);
done:
    PyMem_Free(spans);
    return left_over;
}

/* ---- normalise(pairs) -> (text, boxes): _normalise; cell_text: _normalise(_cell_pairs) ------ */

/* str.isspace(): not empty, and every character white space */
static int is_space(PyObject *text) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (!n)
        return 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            return 0;
    }
    return 1;
}

static int is_one(PyObject *text, Py_UCS4 ch) {
    return PyUnicode_GET_LENGTH(text) == 1 && PyUnicode_READ_CHAR(text, 0) == ch;
}

/* The pairs' blanks folded as normalise_cell_text does: a run of blanks one space, spaces
   before a line break dropped, line breaks not doubled, none at either end; a blank loses its
   box. The text of each pair must be a str. */
static PyObject *fold(PyObject *pairs) {
    Py_ssize_t n = PyList_GET_SIZE(pairs);
    PyObject *texts = PyList_New(0), *boxes = PyList_New(0), *space = NULL, *newline = NULL, *result = NULL;
    if (!texts || !boxes || !(space = PyUnicode_FromOrdinal(' ')) || !(newline = PyUnicode_FromOrdinal('\n')))
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = PyList_GET_ITEM(pairs, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 || !PyUnicode_Check(PyTuple_GET_ITEM(pair, 0))) {
            PyErr_SetString(PyExc_TypeError, "a pair must be a (str, box) tuple");
            goto done;
        }
        PyObject *text = PyTuple_GET_ITEM(pair, 0), *box = PyTuple_GET_ITEM(pair, 1);
        Py_ssize_t held = PyList_GET_SIZE(texts);
        PyObject *last = held ? PyList_GET_ITEM(texts, held - 1) : NULL;
        if (is_one(text, '\n')) {
            while (held && is_one(PyList_GET_ITEM(texts, held - 1), ' ')) {
                held--;
                if (PyList_SetSlice(texts, held, held + 1, NULL) < 0 || PyList_SetSlice(boxes, held, held + 1, NULL) < 0)
                    goto done;
            }
            last = held ? PyList_GET_ITEM(texts, held - 1) : NULL;
            if (last && !is_one(last, '\n') &&
                (PyList_Append(texts, newline) < 0 || PyList_Append(boxes, Py_None) < 0))
                goto done;
        } else if (is_space(text)) {
            if (last && !is_one(last, ' ') && !is_one(last, '\n') &&
                (PyList_Append(texts, space) < 0 || PyList_Append(boxes, Py_None) < 0))
                goto done;
        } else if (PyList_Append(texts, text) < 0 || PyList_Append(boxes, box) < 0) {
            goto done;
        }
    }
    Py_ssize_t held = PyList_GET_SIZE(texts);
    while (held && (is_one(PyList_GET_ITEM(texts, held - 1), ' ') || is_one(PyList_GET_ITEM(texts, held - 1), '\n')))
        held--;
    if (PyList_SetSlice(texts, held, PyList_GET_SIZE(texts), NULL) < 0 ||
        PyList_SetSlice(boxes, held, PyList_GET_SIZE(boxes), NULL) < 0)
        goto done;
    PyObject *empty = PyUnicode_New(0, 0);
    PyObject *joined = empty ? PyUnicode_Join(empty, texts) : NULL;
    Py_XDECREF(empty);
    if (joined) {
        result = PyTuple_Pack(2, joined, boxes);
        Py_DECREF(joined);
    }
done:
    Py_XDECREF(texts);
    Py_XDECREF(boxes);
    Py_XDECREF(space);
    Py_XDECREF(newline);
    return result;
}

static PyObject *normalise(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *pairs;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &pairs))
        return NULL;
    return fold(pairs);
}

/* cell_text(chars, tolerance, char_box, gap, breaks_before[, item_starts]) -> (text, boxes): a cell's
   characters line by line (as lines_of, then each line's pairs as pairs_of, with the page
   number of the line's first character), a line break put before a line when
   breaks_before(the last text so far, the line's text) is true; then folded as fold does.
   The same steps on C arrays of items, with no list or pair made on the way. */
typedef struct {
    PyObject *text; /* borrowed: a character's (held by chars), the gap's, or a static one */
    PyObject *box;  /* owned */
} Item;

static PyObject *static_space, *static_newline; /* " " and "\n" */

/* the items' texts joined: "".join(...) */
static PyObject *join_texts(const Item *items, Py_ssize_t count) {
    Py_ssize_t length = 0;
    Py_UCS4 widest = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        length += PyUnicode_GET_LENGTH(items[i].text);
        Py_UCS4 max = PyUnicode_MAX_CHAR_VALUE(items[i].text);
        if (max > widest)
            widest = max;
    }
    PyObject *joined = PyUnicode_New(length, widest);
    if (!joined)
        return NULL;
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t size = PyUnicode_GET_LENGTH(items[i].text);
        if (size && PyUnicode_CopyCharacters(joined, at, items[i].text, 0, size) < 0) {
            Py_DECREF(joined);
            return NULL;
        }
        at += size;
    }
    return joined;
}

static void drop_boxes(Item *items, Py_ssize_t count) {
    for (Py_ssize_t i = 0; i < count; i++)
        Py_CLEAR(items[i].box);
}

/* fold (see there) in place over items[0:count], each box dropped or kept; the count kept */
static Py_ssize_t fold_items(Item *items, Py_ssize_t count) {
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        Item this = items[i]; /* read before kept (<= i) is written */
        if (is_one(this.text, '\n')) {
            Py_DECREF(this.box);
            while (kept && is_one(items[kept - 1].text, ' ')) {
                kept--;
                Py_CLEAR(items[kept].box); /* a macro: its argument is read more than once */
            }
            if (kept && !is_one(items[kept - 1].text, '\n'))
                items[kept++] = (Item){static_newline, Py_NewRef(Py_None)};
        } else if (is_space(this.text)) {
            Py_DECREF(this.box);
            if (kept && !is_one(items[kept - 1].text, ' ') && !is_one(items[kept - 1].text, '\n'))
                items[kept++] = (Item){static_space, Py_NewRef(Py_None)};
        } else {
            items[kept++] = this;
        }
    }
    while (kept && (is_one(items[kept - 1].text, ' ') || is_one(items[kept - 1].text, '\n'))) {
        kept--;
        Py_CLEAR(items[kept].box);
    }
    return kept;
}

static PyObject *cell_text(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *chars, *gap_pair, *breaks_before, *item_starts = NULL;
    double tolerance;
    PyTypeObject *char_box;
    if (!PyArg_ParseTuple(args, "O!dO!OO|U", &PyList_Type, &chars, &tolerance, &PyType_Type, &char_box,
                          &gap_pair, &breaks_before, &item_starts))
        return NULL;
    if (!is_plain_tuple_type(char_box, "char_box") || !is_gap_pair(gap_pair))
        return NULL;
    PyObject *gap_text = PyTuple_GET_ITEM(gap_pair, 0), *gap_box = PyTuple_GET_ITEM(gap_pair, 1);
    Py_ssize_t n = PyList_GET_SIZE(chars), held = 0;
    Key *keys = PyMem_Malloc((n ? n : 1) * sizeof(Key));
    Py_ssize_t *starts = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *order = PyMem_Malloc((n ? n : 1) * sizeof(Py_ssize_t));
    /* at most a gap before each character and a line break before each line */
    Item *items = PyMem_Malloc((2 * n + 1) * sizeof(Item));
    PyObject *result = NULL;
    if (!keys || !starts || !order || !items) {
        PyErr_NoMemory();
        goto done;
    }
    if (reading_keys(chars, keys) < 0)
        goto done;
    Py_ssize_t lines = line_starts(keys, n, tolerance, starts);
    for (Py_ssize_t j = 0; j < lines; j++) {
        Py_ssize_t size = starts[j + 1] - starts[j], line_start = held;
        if (line_order(keys, starts[j], starts[j + 1], order) < 0)
            goto done;
        PyObject *page = item(PyList_GET_ITEM(chars, order[0]), key_page_number);
        if (!page)
            goto done;
        double previous_x1 = 0.0;
        for (Py_ssize_t i = 0; i < size; i++) { /* pairs_of */
            PyObject *char_ = PyList_GET_ITEM(chars, order[i]);
            double x0, x1;
            if (number(char_, key_x0, &x0) < 0)
                goto done;
            if (i) {
                double size_value = 10; /* char["size"] or 10 */
                if (is_char(char_)) {
                    if (((CharObject *)char_)->size != 0.0)
                        size_value = ((CharObject *)char_)->size;
                } else {
                    PyObject *size_object = item(char_, key_size);
                    int truth = size_object ? PyObject_IsTrue(size_object) : -1;
                    if (truth < 0)
                        goto done;
                    if (truth) {
                        size_value = PyFloat_AsDouble(size_object);
                        if (size_value == -1.0 && PyErr_Occurred())
                            goto done;
                    }
                }
                double gap = 0.25 * size_value;
                if (x0 - previous_x1 > (gap > 1.5 ? gap : 1.5))
                    items[held++] = (Item){gap_text, Py_NewRef(gap_box)};
            }
            PyObject *text = item(char_, key_text);
            if (!text)
                goto done;
            if (!PyUnicode_Check(text)) {
                PyErr_SetString(PyExc_TypeError, "a character's text must be a str");
                goto done;
            }
            PyObject *box = char_box_of(char_, page, char_box);
            if (!box)
                goto done;
            items[held++] = (Item){text, box};
            if (number(char_, key_x1, &x1) < 0)
                goto done;
            previous_x1 = x1;
        }
        if (line_start && item_starts) {
            /* breaks_before is asked only of a line whose first character (past white space)
               can start a numbered item: a decimal digit or one of item_starts */
            Py_UCS4 first = 0;
            int found = 0;
            for (Py_ssize_t k = line_start; k < held && !found; k++) {
                PyObject *piece = items[k].text;
                for (Py_ssize_t c = 0; c < PyUnicode_GET_LENGTH(piece); c++) {
                    Py_UCS4 ch = PyUnicode_READ_CHAR(piece, c);
                    if (!Py_UNICODE_ISSPACE(ch)) {
                        first = ch, found = 1;
                        break;
                    }
                }
            }
            if (!found || !(Py_UNICODE_ISDECIMAL(first) ||
                            PyUnicode_FindChar(item_starts, first, 0, PyUnicode_GET_LENGTH(item_starts), 1) >= 0))
                continue; /* no line break before this line */
        }
        if (line_start) { /* a line break before this line when it starts a numbered item */
            PyObject *line_text = join_texts(items + line_start, held - line_start);
            PyObject *breaks = line_text ? PyObject_CallFunctionObjArgs(
                breaks_before, items[line_start - 1].text, line_text, NULL) : NULL;
            Py_XDECREF(line_text);
            int truth = breaks ? PyObject_IsTrue(breaks) : -1;
            Py_XDECREF(breaks);
            if (truth < 0)
                goto done;
            if (truth) {
                memmove(items + line_start + 1, items + line_start, (held - line_start) * sizeof(Item));
                items[line_start] = (Item){static_newline, Py_NewRef(Py_None)};
                held++;
            }
        }
    }
    held = fold_items(items, held);
    PyObject *text = join_texts(items, held), *boxes = text ? PyList_New(held) : NULL;
    if (boxes) {
        for (Py_ssize_t i = 0; i < held; i++) {
            PyList_SET_ITEM(boxes, i, items[i].box); /* the reference moves to the list */
            items[i].box = NULL;
        }
        held = 0;
        result = PyTuple_Pack(2, text, boxes);
    }
    Py_XDECREF(text);
    Py_XDECREF(boxes);
done:
    if (items)
        drop_boxes(items, held);
    PyMem_Free(keys);
    PyMem_Free(starts);
    PyMem_Free(order);
    PyMem_Free(items);
    return result;
}


/* ---- grid(horizontals, verticals, snap, join, min_length, tolerance): extractors.grid ------ */

typedef struct {
    double v[4]; /* x0, top, x1, bottom */
    Py_ssize_t index;
} Edge;

static int cmp_ssize(const void *a, const void *b) {
    Py_ssize_t p = *(const Py_ssize_t *)a, q = *(const Py_ssize_t *)b;
    return p < q ? -1 : p > q;
}

static int cmp_double(const void *a, const void *b) {
    double p = *(const double *)a, q = *(const double *)b;
    return p < q ? -1 : p > q;
}

/* the boxes of a list, each a finite number and none of them -0.0 (which equals 0.0 but
   prints otherwise: Python keeps whichever it met first, so the caller goes its way) */
static Edge *read_edges(PyObject *list, Py_ssize_t *count) {
    Py_ssize_t n = PyList_GET_SIZE(list);
    Edge *edges = PyMem_Malloc((n ? n : 1) * sizeof(Edge));
    if (!edges) {
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (read_box(PyList_GET_ITEM(list, i), edges[i].v) < 0) {
            PyMem_Free(edges);
            return NULL;
        }
        for (int k = 0; k < 4; k++) {
            if (edges[i].v[k] == 0.0 && signbit(edges[i].v[k])) {
                PyErr_SetString(PyExc_ValueError, "a coordinate is -0.0");
                PyMem_Free(edges);
                return NULL;
            }
        }
        edges[i].index = i;
    }
    *count = n;
    return edges;
}

/* qsort has no context argument: the coordinate the edges are sorted by (and, below, the
   points a sort of indices compares) is set just before each sort. The GIL is held from
   the call's start to its end, so no other call can change it meanwhile. */
static int sort_at;

static int by_at_then_index(const void *a, const void *b) {
    const Edge *p = a, *q = b;
    if (p->v[sort_at] != q->v[sort_at])
        return p->v[sort_at] < q->v[sort_at] ? -1 : 1;
    return p->index < q->index ? -1 : (p->index > q->index);
}

/* pdfplumber's snap_objects: the edges' ``at`` coordinates clustered (sorted distinct
   values, a value within ``tolerance`` of the one before joins its cluster), each cluster's
   edges moved by (mean - own) on ``at`` and its partner, cluster by cluster, each in input
   order. The mean is Python's sum over the cluster, divided by its size. */
static int snap(Edge *edges, Py_ssize_t n, int at, double tolerance, PyObject *sum) {
    if (!n)
        return 0;
    double *values = PyMem_Malloc(n * sizeof(double));
    Py_ssize_t *cluster = PyMem_Malloc(n * sizeof(Py_ssize_t));
    int result = -1;
    if (!values || !cluster) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        values[i] = edges[i].v[at];
    qsort(values, n, sizeof(double), cmp_double);
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!distinct || values[i] != values[distinct - 1])
            values[distinct++] = values[i];
    }
    /* cluster[k]: the cluster of the k-th distinct value */
    double last = values[0];
    cluster[0] = 0;
    for (Py_ssize_t k = 1; k < distinct; k++) {
        cluster[k] = values[k] <= last + tolerance ? cluster[k - 1] : cluster[k - 1] + 1;
        last = values[k];
    }
    {
        /* the edges by (cluster, input index) */
        Py_ssize_t *order = PyMem_Malloc(n * sizeof(Py_ssize_t) * 2);
        Edge *copy = PyMem_Malloc(n * sizeof(Edge));
        if (!order || !copy) {
            PyMem_Free(order);
            PyMem_Free(copy);
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            double *found = bsearch(&edges[i].v[at], values, distinct, sizeof(double), cmp_double);
            order[2 * i] = cluster[found - values];
            order[2 * i + 1] = i;
        }
        /* counting sort by cluster keeps input order within a cluster */
        Py_ssize_t clusters = cluster[distinct - 1] + 1, *start = PyMem_Calloc(clusters + 1, sizeof(Py_ssize_t));
        if (!start) {
            PyMem_Free(order);
            PyMem_Free(copy);
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t i = 0; i < n; i++)
            start[order[2 * i] + 1]++;
        for (Py_ssize_t c = 0; c < clusters; c++)
            start[c + 1] += start[c];
        Py_ssize_t *fill = PyMem_Malloc(clusters * sizeof(Py_ssize_t));
        if (!fill) {
            PyMem_Free(order);
            PyMem_Free(copy);
            PyMem_Free(start);
            PyErr_NoMemory();
            goto done;
        }
        memcpy(fill, start, clusters * sizeof(Py_ssize_t));
        for (Py_ssize_t i = 0; i < n; i++)
            copy[fill[order[2 * i]]++] = edges[i];
        PyMem_Free(fill);
        PyMem_Free(order);
        int partner = at + 2;
        for (Py_ssize_t c = 0; c < clusters; c++) {
            Py_ssize_t lo = start[c], hi = start[c + 1];
            PyObject *members = PyList_New(hi - lo);
            if (!members) {
                PyMem_Free(copy);
                PyMem_Free(start);
                goto done;
            }
            for (Py_ssize_t i = lo; i < hi; i++) {
                PyObject *value = PyFloat_FromDouble(copy[i].v[at]);
                if (!value) {
                    Py_DECREF(members);
                    PyMem_Free(copy);
                    PyMem_Free(start);
                    goto done;
                }
                PyList_SET_ITEM(members, i - lo, value);
            }
            PyObject *total = PyObject_CallOneArg(sum, members);
            Py_DECREF(members);
            double mean = total ? PyFloat_AsDouble(total) : -1.0;
            Py_XDECREF(total);
            if (!total || (mean == -1.0 && PyErr_Occurred())) {
                PyMem_Free(copy);
                PyMem_Free(start);
                goto done;
            }
            mean = mean / (double)(hi - lo);
            for (Py_ssize_t i = lo; i < hi; i++) {
                double shift = mean - copy[i].v[at];
                copy[i].v[at] = copy[i].v[at] + shift;
                copy[i].v[partner] = copy[i].v[partner] + shift;
                copy[i].index = i; /* the order snapping leaves them in */
            }
        }
        memcpy(edges, copy, n * sizeof(Edge));
        PyMem_Free(copy);
        PyMem_Free(start);
    }
    result = 0;
done:
    PyMem_Free(values);
    PyMem_Free(cluster);
    return result;
}

/* pdfplumber's join_edge_group on each line (edges with the same ``line`` coordinate), lines
   in order, each line's edges in order of ``low``; an edge starting within ``tolerance`` of
   the end of the one before extends it. Edges shorter than ``min_length`` are dropped.
   Returns how many edges are kept (at the front of ``edges``). */
static Py_ssize_t join(Edge *edges, Py_ssize_t n, int line, int low, int high, double tolerance,
                       double min_length) {
    sort_at = line;
    qsort(edges, n, sizeof(Edge), by_at_then_index);
    Py_ssize_t kept = 0;
    for (Py_ssize_t first = 0; first < n;) {
        Py_ssize_t end = first;
        while (end < n && edges[end].v[line] == edges[first].v[line])
            end++;
        for (Py_ssize_t i = first; i < end; i++)
            edges[i].index = i; /* stable within the line */
        sort_at = low;
        qsort(edges + first, end - first, sizeof(Edge), by_at_then_index);
        Py_ssize_t joined = first; /* joined edges written over the line's own, from its start */
        for (Py_ssize_t i = first + 1; i < end; i++) {
            Edge *last = &edges[joined];
            if (edges[i].v[low] <= last->v[high] + tolerance) {
                if (edges[i].v[high] > last->v[high])
                    last->v[high] = edges[i].v[high];
            } else {
                edges[++joined] = edges[i];
            }
        }
        for (Py_ssize_t i = first; i <= joined; i++) {
            if (edges[i].v[high] - edges[i].v[low] >= min_length)
                edges[kept++] = edges[i];
        }
        first = end;
    }
    for (Py_ssize_t i = 0; i < kept; i++)
        edges[i].index = i;
    return kept;
}

typedef struct {
    double x, y;
    Py_ssize_t v, h; /* the vertical and horizontal edge met there (ids by value) */
} Meeting;

static int by_point_then_edges(const void *a, const void *b) {
    const Meeting *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    if (p->v != q->v)
        return p->v < q->v ? -1 : 1;
    return p->h < q->h ? -1 : (p->h > q->h);
}

static int by_box(const void *a, const void *b) {
    const Edge *p = a, *q = b;
    for (int k = 0; k < 4; k++) {
        if (p->v[k] != q->v[k])
            return p->v[k] < q->v[k] ? -1 : 1;
    }
    return 0;
}

/* ids by value: equal boxes (a set holds one) get one id, their rank among distinct boxes */
static int edge_ids(Edge *edges, Py_ssize_t n, Py_ssize_t *ids) {
    Edge *sorted = PyMem_Malloc((n ? n : 1) * sizeof(Edge));
    if (!sorted) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(sorted, edges, n * sizeof(Edge));
    qsort(sorted, n, sizeof(Edge), by_box);
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!distinct || by_box(&sorted[i], &sorted[distinct - 1]))
            sorted[distinct++] = sorted[i];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Edge *found = bsearch(&edges[i], sorted, distinct, sizeof(Edge), by_box);
        ids[i] = found - sorted;
    }
    PyMem_Free(sorted);
    return 0;
}

typedef struct {
    double x, y;
    Py_ssize_t v_start, v_end, h_start, h_end; /* its edge ids, sorted, in vs / hs */
} Point;

static int by_xy(const void *a, const void *b) {
    const Point *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->y < q->y ? -1 : (p->y > q->y);
}

static Point *points_for_sort;

static int by_yx_index(const void *a, const void *b) {
    const Point *p = &points_for_sort[*(const Py_ssize_t *)a], *q = &points_for_sort[*(const Py_ssize_t *)b];
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return p->x < q->x ? -1 : (p->x > q->x);
}

/* two sorted id runs share an id */
static int share(const Py_ssize_t *a, Py_ssize_t a_n, const Py_ssize_t *b, Py_ssize_t b_n) {
    Py_ssize_t i = 0, j = 0;
    while (i < a_n && j < b_n) {
        if (a[i] == b[j])
            return 1;
        if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return 0;
}

typedef struct {
    double x0, top, x1, bottom;
} Cell;

static Py_ssize_t find_root(Py_ssize_t *parent, Py_ssize_t i) {
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

typedef struct {
    double x, y;
    Py_ssize_t cell;
} Corner;

static int by_corner(const void *a, const void *b) {
    const Corner *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return p->cell < q->cell ? -1 : (p->cell > q->cell);
}

typedef struct {
    double top, x0;
    Py_ssize_t root;
} TableKey;

static int by_table_key(const void *a, const void *b) {
    const TableKey *p = a, *q = b;
    if (p->top != q->top)
        return p->top < q->top ? -1 : 1;
    return p->x0 < q->x0 ? -1 : (p->x0 > q->x0);
}

static PyObject *grid(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *h_list, *v_list, *sum;
    double snap_tolerance, join_tolerance, min_length, tolerance;
    if (!PyArg_ParseTuple(args, "O!O!ddddO", &PyList_Type, &h_list, &PyList_Type, &v_list, &snap_tolerance,
                          &join_tolerance, &min_length, &tolerance, &sum))
        return NULL;
    Py_ssize_t h_n = 0, v_n = 0, meetings_n = 0, meetings_cap = 0, points_n = 0, cells_n = 0, cells_cap = 0;
    Edge *hs = NULL, *vs = NULL;
    Meeting *meetings = NULL;
    Point *points = NULL;
    Py_ssize_t *v_ids = NULL, *h_ids = NULL, *v_of = NULL, *h_of = NULL, *by_row = NULL, *row_pos = NULL;
    Py_ssize_t *parent = NULL;
    Cell *cells = NULL;
    Corner *corners = NULL;
    TableKey *keys = NULL;
    PyObject *result = NULL;
    if (!(hs = read_edges(h_list, &h_n)) || !(vs = read_edges(v_list, &v_n)))
        goto done;
    /* merge_edges: snap (verticals by x0, horizontals by top), then join each line */
    if (snap(hs, h_n, 1, snap_tolerance, sum) < 0 || snap(vs, v_n, 0, snap_tolerance, sum) < 0)
        goto done;
    h_n = join(hs, h_n, 1, 0, 2, join_tolerance, min_length);
    v_n = join(vs, v_n, 0, 1, 3, join_tolerance, min_length);
    /* intersections: a vertical meets a horizontal within the tolerance at (its x0, their top) */
    v_ids = PyMem_Malloc((v_n ? v_n : 1) * sizeof(Py_ssize_t));
    h_ids = PyMem_Malloc((h_n ? h_n : 1) * sizeof(Py_ssize_t));
    if (!v_ids || !h_ids) {
        PyErr_NoMemory();
        goto done;
    }
    if (edge_ids(vs, v_n, v_ids) < 0 || edge_ids(hs, h_n, h_ids) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < v_n; i++) {
        double x = vs[i].v[0], v_top = vs[i].v[1], v_bottom = vs[i].v[3];
        for (Py_ssize_t j = 0; j < h_n; j++) {
            double h_top = hs[j].v[1];
            if (v_top <= h_top + tolerance && v_bottom >= h_top - tolerance && x >= hs[j].v[0] - tolerance &&
                x <= hs[j].v[2] + tolerance) {
                if (meetings_n == meetings_cap) {
                    meetings_cap = meetings_cap ? 2 * meetings_cap : 64;
                    Meeting *grown = PyMem_Realloc(meetings, meetings_cap * sizeof(Meeting));
                    if (!grown) {
                        PyErr_NoMemory();
                        goto done;
                    }
                    meetings = grown;
                }
                meetings[meetings_n++] = (Meeting){x, h_top, v_ids[i], h_ids[j]};
            }
        }
    }
    qsort(meetings, meetings_n, sizeof(Meeting), by_point_then_edges);
    /* the points, sorted; each point's distinct vertical and horizontal ids, sorted */
    points = PyMem_Malloc((meetings_n ? meetings_n : 1) * sizeof(Point));
    v_of = PyMem_Malloc((meetings_n ? meetings_n : 1) * sizeof(Py_ssize_t));
    h_of = PyMem_Malloc((meetings_n ? meetings_n : 1) * sizeof(Py_ssize_t));
    if (!points || !v_of || !h_of) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t v_used = 0, h_used = 0;
    for (Py_ssize_t i = 0; i < meetings_n;) {
        Py_ssize_t end = i;
        while (end < meetings_n && meetings[end].x == meetings[i].x && meetings[end].y == meetings[i].y)
            end++;
        Point *point = &points[points_n++];
        point->x = meetings[i].x, point->y = meetings[i].y;
        point->v_start = v_used;
        for (Py_ssize_t k = i; k < end; k++) {
            if (v_used == point->v_start || v_of[v_used - 1] != meetings[k].v)
                v_of[v_used++] = meetings[k].v; /* sorted by v within the point */
        }
        point->v_end = v_used;
        point->h_start = h_used;
        for (Py_ssize_t k = i; k < end; k++)
            h_of[h_used++] = meetings[k].h;
        qsort(h_of + point->h_start, h_used - point->h_start, sizeof(Py_ssize_t), cmp_ssize);
        Py_ssize_t distinct = point->h_start;
        for (Py_ssize_t k = point->h_start; k < h_used; k++) {
            if (distinct == point->h_start || h_of[distinct - 1] != h_of[k])
                h_of[distinct++] = h_of[k];
        }
        h_used = distinct;
        point->h_end = h_used;
        i = end;
    }
    /* rows: the points by (y, x), and each point's place there */
    by_row = PyMem_Malloc((points_n ? points_n : 1) * sizeof(Py_ssize_t));
    row_pos = PyMem_Malloc((points_n ? points_n : 1) * sizeof(Py_ssize_t));
    if (!by_row || !row_pos) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < points_n; i++)
        by_row[i] = i;
    points_for_sort = points;
    qsort(by_row, points_n, sizeof(Py_ssize_t), by_yx_index);
    for (Py_ssize_t i = 0; i < points_n; i++)
        row_pos[by_row[i]] = i;
    /* the smallest cell at each point: the first point below on a shared vertical, the first
       to the right on a shared horizontal, whose corner is a point on both their rules */
    for (Py_ssize_t p = 0; p + 1 < points_n; p++) {
        Point *pt = &points[p];
        int found = 0;
        for (Py_ssize_t b = p + 1; b < points_n && points[b].x == pt->x && !found; b++) {
            Point *below = &points[b];
            if (!share(v_of + pt->v_start, pt->v_end - pt->v_start, v_of + below->v_start,
                       below->v_end - below->v_start))
                continue;
            for (Py_ssize_t r = row_pos[p] + 1; r < points_n && points[by_row[r]].y == pt->y; r++) {
                Point *right = &points[by_row[r]];
                if (!share(h_of + pt->h_start, pt->h_end - pt->h_start, h_of + right->h_start,
                           right->h_end - right->h_start))
                    continue;
                Point key = {right->x, below->y, 0, 0, 0, 0};
                Point *corner = bsearch(&key, points, points_n, sizeof(Point), by_xy);
                if (corner &&
                    share(v_of + corner->v_start, corner->v_end - corner->v_start, v_of + right->v_start,
                          right->v_end - right->v_start) &&
                    share(h_of + corner->h_start, corner->h_end - corner->h_start, h_of + below->h_start,
                          below->h_end - below->h_start)) {
                    if (cells_n == cells_cap) {
                        cells_cap = cells_cap ? 2 * cells_cap : 32;
                        Cell *grown = PyMem_Realloc(cells, cells_cap * sizeof(Cell));
                        if (!grown) {
                            PyErr_NoMemory();
                            goto done;
                        }
                        cells = grown;
                    }
                    cells[cells_n++] = (Cell){pt->x, pt->y, corner->x, corner->y};
                    found = 1;
                    break;
                }
            }
        }
    }
    /* tables: cells sharing a corner, directly or through others; one cell is no table;
       the tables by their top-left-most corner */
    parent = PyMem_Malloc((cells_n ? cells_n : 1) * sizeof(Py_ssize_t));
    corners = PyMem_Malloc((cells_n ? cells_n : 1) * 4 * sizeof(Corner));
    keys = PyMem_Malloc((cells_n ? cells_n : 1) * sizeof(TableKey));
    if (!parent || !corners || !keys) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < cells_n; i++) {
        parent[i] = i;
        Cell *c = &cells[i];
        corners[4 * i] = (Corner){c->x0, c->top, i};
        corners[4 * i + 1] = (Corner){c->x0, c->bottom, i};
        corners[4 * i + 2] = (Corner){c->x1, c->top, i};
        corners[4 * i + 3] = (Corner){c->x1, c->bottom, i};
    }
    qsort(corners, 4 * cells_n, sizeof(Corner), by_corner);
    for (Py_ssize_t i = 1; i < 4 * cells_n; i++) {
        if (corners[i].x == corners[i - 1].x && corners[i].y == corners[i - 1].y) {
            Py_ssize_t a = find_root(parent, corners[i].cell), b = find_root(parent, corners[i - 1].cell);
            if (a != b)
                parent[a < b ? b : a] = a < b ? a : b;
        }
    }
    Py_ssize_t tables_n = 0;
    for (Py_ssize_t i = 0; i < cells_n; i++) {
        Py_ssize_t root = find_root(parent, i);
        Py_ssize_t t = 0;
        while (t < tables_n && keys[t].root != root)
            t++;
        Cell *c = &cells[i];
        if (t == tables_n) {
            keys[tables_n++] = (TableKey){c->top, c->x0, root};
        } else if (c->top < keys[t].top || (c->top == keys[t].top && c->x0 < keys[t].x0)) {
            keys[t].top = c->top, keys[t].x0 = c->x0;
        }
    }
    qsort(keys, tables_n, sizeof(TableKey), by_table_key);
    result = PyList_New(0);
    if (!result)
        goto done;
    for (Py_ssize_t t = 0; t < tables_n; t++) {
        PyObject *table = PyList_New(0);
        if (!table)
            goto fail;
        for (Py_ssize_t i = 0; i < cells_n; i++) {
            if (find_root(parent, i) != keys[t].root)
                continue;
            Cell *c = &cells[i];
            PyObject *box = Py_BuildValue("(dddd)", c->x0, c->top, c->x1, c->bottom);
            if (!box || PyList_Append(table, box) < 0) {
                Py_XDECREF(box);
                Py_DECREF(table);
                goto fail;
            }
            Py_DECREF(box);
        }
        if (PyList_GET_SIZE(table) > 1 && PyList_Append(result, table) < 0) {
            Py_DECREF(table);
            goto fail;
        }
        Py_DECREF(table);
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    PyMem_Free(hs);
    PyMem_Free(vs);
    PyMem_Free(meetings);
    PyMem_Free(points);
    PyMem_Free(v_ids);
    PyMem_Free(h_ids);
    PyMem_Free(v_of);
    PyMem_Free(h_of);
    PyMem_Free(by_row);
    PyMem_Free(row_pos);
    PyMem_Free(parent);
    PyMem_Free(cells);
    PyMem_Free(corners);
    PyMem_Free(keys);
    return result;
}


/* ---- cells_to_table(boxes, grid_cell) -> (bbox, rows): extractors.grid.cells_to_table ------ */

/* A table from its cell boxes: rows by distinct top, columns by distinct left edge, each
   cell's spans the rows (columns) whose top (left) starts inside it, as bisect_left over the
   sorted distinct values gives them; the rows in order, each by column (ties in the boxes'
   order, as a stable sort); the table's box the least and greatest sides, the first of
   equals kept as min and max keep it. A side that is not a finite number raises ValueError
   (the caller goes the Python way). */
typedef struct {
    double v[4];
    Py_ssize_t index, row, col;
} CellBox;

static int by_row_col(const void *a, const void *b) {
    const CellBox *p = a, *q = b;
    if (p->row != q->row)
        return p->row < q->row ? -1 : 1;
    if (p->col != q->col)
        return p->col < q->col ? -1 : 1;
    return p->index < q->index ? -1 : (p->index > q->index);
}

/* the distinct values of a sorted array, in place; their count */
static Py_ssize_t distinct(double *values, Py_ssize_t n) {
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!kept || values[i] != values[kept - 1])
            values[kept++] = values[i];
    }
    return kept;
}

/* bisect_left(values[0:n], x) */
static Py_ssize_t bisect_left_of(const double *values, Py_ssize_t n, double x) {
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (values[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static PyObject *cells_to_table(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *boxes;
    PyTypeObject *grid_cell;
    if (!PyArg_ParseTuple(args, "O!O!", &PyList_Type, &boxes, &PyType_Type, &grid_cell))
        return NULL;
    if (!is_plain_tuple_type(grid_cell, "grid_cell"))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(boxes);
    if (!n) {
        PyErr_SetString(PyExc_ValueError, "a table has at least one cell");
        return NULL;
    }
    CellBox *cells = PyMem_Malloc(n * sizeof(CellBox));
    double *tops = PyMem_Malloc(n * sizeof(double)), *lefts = PyMem_Malloc(n * sizeof(double));
    PyObject *rows = NULL, *result = NULL;
    if (!cells || !tops || !lefts) {
        PyErr_NoMemory();
        goto done;
    }
    double table[4];
    for (Py_ssize_t i = 0; i < n; i++) {
        if (read_box(PyList_GET_ITEM(boxes, i), cells[i].v) < 0)
            goto done;
        cells[i].index = i;
        tops[i] = cells[i].v[1], lefts[i] = cells[i].v[0];
        for (int k = 0; k < 4; k++) {
            double x = cells[i].v[k];
            if (!i || (k < 2 ? x < table[k] : x > table[k]))
                table[k] = x;
        }
    }
    qsort(tops, n, sizeof(double), cmp_double);
    qsort(lefts, n, sizeof(double), cmp_double);
    Py_ssize_t row_count = distinct(tops, n), col_count = distinct(lefts, n);
    for (Py_ssize_t i = 0; i < n; i++) {
        cells[i].row = bisect_left_of(tops, row_count, cells[i].v[1]);
        cells[i].col = bisect_left_of(lefts, col_count, cells[i].v[0]);
    }
    qsort(cells, n, sizeof(CellBox), by_row_col);
    rows = PyList_New(0);
    PyObject *row = NULL;
    for (Py_ssize_t i = 0; rows && i < n; i++) {
        CellBox *c = &cells[i];
        if (!i || c->row != cells[i - 1].row) {
            row = PyList_New(0);
            if (!row || PyList_Append(rows, row) < 0) {
                Py_XDECREF(row);
                Py_CLEAR(rows);
                break;
            }
            Py_DECREF(row); /* held by rows */
        }
        Py_ssize_t row_span = bisect_left_of(tops, row_count, c->v[3]) - c->row;
        Py_ssize_t col_span = bisect_left_of(lefts, col_count, c->v[2]) - c->col;
        PyObject *cell = grid_cell->tp_alloc(grid_cell, 5);
        PyObject *fields[5] = {PyLong_FromSsize_t(c->row), PyLong_FromSsize_t(c->col),
                               PyLong_FromSsize_t(row_span > 1 ? row_span : 1),
                               PyLong_FromSsize_t(col_span > 1 ? col_span : 1),
                               Py_BuildValue("(dddd)", c->v[0], c->v[1], c->v[2], c->v[3])};
        int failed = !cell;
        for (int k = 0; k < 5; k++) {
            if (!fields[k])
                failed = 1;
            if (cell)
                PyTuple_SET_ITEM(cell, k, fields[k]);
            else
                Py_XDECREF(fields[k]);
        }
        if (failed || PyList_Append(row, cell) < 0) {
            Py_XDECREF(cell);
            Py_CLEAR(rows);
            break;
        }
        Py_DECREF(cell);
    }
    if (rows)
        result = Py_BuildValue("((dddd)O)", table[0], table[1], table[2], table[3], rows);
done:
    Py_XDECREF(rows);
    PyMem_Free(cells);
    PyMem_Free(tops);
    PyMem_Free(lefts);
    return result;
}


/* ---- locate(char_boxes, start, end) -> (page, box): extractors.document.Document.locate ---- */

/* The page of the first boxed character of char_boxes[start:end] and the union of the boxes
   of its characters on that page (the first smallest left and top, the first largest right
   and bottom, as min and max pick them); (None, None) when none is boxed. */
static PyObject *locate(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *char_boxes, *start, *end;
    if (!PyArg_ParseTuple(args, "OOO", &char_boxes, &start, &end))
        return NULL;
    PyObject *slice = PySlice_New(start, end, NULL);
    PyObject *boxes = slice ? PyObject_GetItem(char_boxes, slice) : NULL;
    Py_XDECREF(slice);
    if (!boxes)
        return NULL;
    PyObject *fast = PySequence_Fast(boxes, "char_boxes must be a sequence");
    Py_DECREF(boxes);
    if (!fast)
        return NULL;
    /* each side's best so far: its value, and the float it came from (NULL: a Char's, made
       at the end) */
    PyObject *page = NULL, *best[4] = {NULL, NULL, NULL, NULL}, *result = NULL;
    double value[4] = {0, 0, 0, 0};
    int have[4] = {0, 0, 0, 0};
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        PyObject *box = PySequence_Fast_GET_ITEM(fast, i);
        if (box == Py_None)
            continue;
        PyObject *box_page, *sides = NULL;
        double x[4];
        if (is_char(box)) { /* a Char as its own box (extractors.document.CharBoxes) */
            CharObject *c = (CharObject *)box;
            box_page = c->page_number;
            x[0] = c->x0, x[1] = c->top, x[2] = c->x1, x[3] = c->bottom;
        } else {
            if (!PyTuple_Check(box) || PyTuple_GET_SIZE(box) < 2) {
                PyErr_SetString(PyExc_TypeError, "a character's box must be a CharBox");
                goto done;
            }
            box_page = PyTuple_GET_ITEM(box, 0);
        }
        if (!page) {
            page = box_page;
        } else {
            int same = PyObject_RichCompareBool(box_page, page, Py_EQ);
            if (same < 0)
                goto done;
            if (!same)
                continue;
        }
        if (!is_char(box)) {
            sides = PySequence_Fast(PyTuple_GET_ITEM(box, 1), "a box must be a sequence of four numbers");
            if (!sides)
                goto done;
            if (PySequence_Fast_GET_SIZE(sides) != 4) {
                Py_DECREF(sides);
                PyErr_SetString(PyExc_ValueError, "a box must be a sequence of four numbers");
                goto done;
            }
            for (int k = 0; k < 4; k++) {
                x[k] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(sides, k));
                if (x[k] == -1.0 && PyErr_Occurred()) {
                    Py_DECREF(sides);
                    goto done;
                }
            }
        }
        for (int k = 0; k < 4; k++) {
            if (x[k] != x[k]) { /* NaN: min and max have their own ways with it */
                Py_XDECREF(sides);
                PyErr_SetString(PyExc_ValueError, "a coordinate is not a number");
                goto done;
            }
            if (!have[k] || (k < 2 ? x[k] < value[k] : x[k] > value[k])) { /* the first of equals kept */
                PyObject *side = sides ? Py_NewRef(PySequence_Fast_GET_ITEM(sides, k)) : NULL;
                Py_XSETREF(best[k], side);
                value[k] = x[k];
                have[k] = 1;
            }
        }
        Py_XDECREF(sides);
    }
    if (!page) {
        result = Py_BuildValue("(OO)", Py_None, Py_None);
        goto done;
    }
    for (int k = 0; k < 4; k++) {
        if (!best[k] && !(best[k] = PyFloat_FromDouble(value[k])))
            goto done;
    }
    result = Py_BuildValue("(O(OOOO))", page, best[0], best[1], best[2], best[3]);
done:
    Py_DECREF(fast);
    for (int k = 0; k < 4; k++)
        Py_XDECREF(best[k]);
    return result;
}


/* ---- path_edges(kinds, points, matrix, view, edge): extractors.pdfium's _subpaths + _classify - */

#define SEGMENT_LINETO 0
#define SEGMENT_BEZIERTO 1
#define SEGMENT_MOVETO 2

typedef struct {
    double x, y;
} Pt;

/* Python's min(a, b) and max(a, b): the first unless the second is smaller (larger) */
static double first_min(double a, double b) { return b < a ? b : a; }
static double first_max(double a, double b) { return b > a ? b : a; }

/* math.isclose(a, b, abs_tol=1e-6) */
static int is_close(double a, double b) {
    if (a == b)
        return 1;
    if (isinf(a) || isinf(b) || isnan(a) || isnan(b))
        return 0;
    double diff = fabs(b - a), scale = 1e-9 * fabs(b), other = 1e-9 * fabs(a);
    return diff <= scale || diff <= other || diff <= 1e-6;
}

static int same(Pt p, Pt q) { return is_close(p.x, q.x) && is_close(p.y, q.y); }

static PyObject *string_h, *string_v;

/* Edge(orientation, x0, top, x1, bottom) appended to ``list``, made as tuple.__new__ would */
static int add_edge(PyObject *list, PyTypeObject *edge_type, int horizontal, double x0, double top, double x1,
                    double bottom) {
    PyObject *edge = edge_type->tp_alloc(edge_type, 5);
    if (!edge)
        return -1;
    PyObject *orientation = horizontal ? string_h : string_v;
    Py_INCREF(orientation);
    PyTuple_SET_ITEM(edge, 0, orientation);
    double values[4] = {x0, top, x1, bottom};
    for (int k = 0; k < 4; k++) {
        PyObject *value = PyFloat_FromDouble(values[k]);
        if (!value) {
            Py_DECREF(edge);
            return -1;
        }
        PyTuple_SET_ITEM(edge, k + 1, value);
    }
    int result = PyList_Append(list, edge);
    Py_DECREF(edge);
    return result;
}

/* _classify: pdfminer's paint_path of one sub-path (its letters, its points), then
   pdfplumber's edges: one line, one rectangle's four sides, or a curve's straight parts */
static int classify(const char *shape, Py_ssize_t letters, const Pt *pts, PyObject *lines, PyObject *rects,
                    PyObject *curves, PyTypeObject *edge_type) {
    if ((letters == 2 && !memcmp(shape, "ml", 2)) || (letters == 3 && !memcmp(shape, "mlh", 3))) {
        double top = first_min(pts[0].y, pts[1].y), bottom = first_max(pts[0].y, pts[1].y);
        return add_edge(lines, edge_type, top == bottom, first_min(pts[0].x, pts[1].x), top,
                        first_max(pts[0].x, pts[1].x), bottom);
    }
    if (letters == 5 && (!memcmp(shape, "mlllh", 5) || !memcmp(shape, "mllll", 5))) {
        double x0 = pts[0].x, y0 = pts[0].y, x1 = pts[1].x, y1 = pts[1].y, x2 = pts[2].x, y2 = pts[2].y;
        double x3 = pts[3].x, y3 = pts[3].y;
        int square = (x0 == x1 && y1 == y2 && x2 == x3 && y3 == y0) || (y0 == y1 && x1 == x2 && y2 == y3 && x3 == x0);
        if (same(pts[0], pts[4]) && square) {
            double left = first_min(x0, x2), top = first_min(y0, y2), right = first_max(x0, x2);
            double bottom = first_max(y0, y2);
            /* rect_to_edges */
            if (add_edge(rects, edge_type, 1, left, top, right, top) < 0 ||
                add_edge(rects, edge_type, 1, left, bottom, right, bottom) < 0 ||
                add_edge(rects, edge_type, 0, left, top, left, bottom) < 0 ||
                add_edge(rects, edge_type, 0, right, top, right, bottom) < 0)
                return -1;
            return 0;
        }
    }
    for (Py_ssize_t i = 0; i + 1 < letters; i++) {
        Pt a = pts[i], b = pts[i + 1];
        if (a.x == b.x) {
            if (add_edge(curves, edge_type, 0, a.x, first_min(a.y, b.y), b.x, first_max(a.y, b.y)) < 0)
                return -1;
        } else if (a.y == b.y) {
            if (add_edge(curves, edge_type, 1, first_min(a.x, b.x), a.y, first_max(a.x, b.x), b.y) < 0)
                return -1;
        }
    }
    return 0;
}

/* One path's segments (n of them: kinds two int32, xy two float32 each) under matrix m, as
   pdfplumber's edges appended to lines, rects and curves: 0, or -1 with an exception set */
static int edges_of(const int32_t *kinds, const float *xy, Py_ssize_t n, const double m[6], const double ctm[6],
                    double left, double height, double top, PyTypeObject *edge_type, PyObject *lines,
                    PyObject *rects, PyObject *curves) {
    int status = -1;
    char *shape = PyMem_Malloc(2 * (size_t)n + 2); /* a sub-path has at most two letters a segment */
    Pt *pts = PyMem_Malloc((2 * (size_t)n + 2) * sizeof(Pt));
    if (!shape || !pts) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t letters = 0, count = 0; /* the sub-path so far: letters, points */
    long bezier = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        int kind = kinds[2 * i], closes = kinds[2 * i + 1];
        double x = xy[2 * i], y = xy[2 * i + 1];
        /* _apply, then the view's point (pdfminer's page matrix, pdfplumber's top-left) */
        double px = m[0] * x + m[2] * y + m[4], py = m[1] * x + m[3] * y + m[5];
        Pt point = {ctm[0] * px + ctm[2] * py + ctm[4] + left, height - (ctm[1] * px + ctm[3] * py + ctm[5]) + top};
        if (kind == SEGMENT_MOVETO) {
            if (letters && classify(shape, letters, pts, lines, rects, curves, edge_type) < 0)
                goto done;
            shape[0] = 'm', pts[0] = point, letters = 1, count = 1, bezier = 0;
            continue;
        }
        if (!letters) { /* a path must begin with a move; pdfminer ignores one that does not */
            shape[0] = 'm', pts[0] = point, letters = 1, count = 1;
            continue;
        }
        if (kind == SEGMENT_BEZIERTO) {
            bezier++;
            if (bezier % 3)
                continue; /* the two control points; a curve is known by its end point */
            shape[letters++] = 'c';
        } else {
            shape[letters++] = 'l';
        }
        pts[count++] = point;
        if (closes) {
            /* PDFium closes a sub-path on its last point, adding a line back to the start when
               needed; pdfminer keeps h and drops a redundant line before it */
            if (shape[letters - 1] == 'l' && same(pts[count - 1], pts[0])) {
                shape[letters - 1] = 'h';
                pts[count - 1] = pts[0];
            } else {
                shape[letters++] = 'h';
                pts[count++] = pts[0];
            }
        }
    }
    if (letters && classify(shape, letters, pts, lines, rects, curves, edge_type) < 0)
        goto done;
    status = 0;
done:
    PyMem_Free(shape);
    PyMem_Free(pts);
    return status;
}

/* the segment buffers of one path: n segments, or -1 with ValueError */
static Py_ssize_t segment_count(const Py_buffer *kinds, const Py_buffer *points) {
    Py_ssize_t n = kinds->len / (Py_ssize_t)(2 * sizeof(int32_t));
    if (kinds->len != n * (Py_ssize_t)(2 * sizeof(int32_t)) || points->len != n * (Py_ssize_t)(2 * sizeof(float))) {
        PyErr_SetString(PyExc_ValueError, "kinds and points must hold two int32 and two float32 per segment");
        return -1;
    }
    return n;
}

static PyObject *path_edges(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer kinds_buffer, points_buffer;
    double m[6], ctm[6], left, height, top;
    PyTypeObject *edge_type;
    PyObject *lines = NULL, *rects = NULL, *curves = NULL, *result = NULL;
    if (!PyArg_ParseTuple(args, "y*y*(dddddd)(dddddd)dddO!", &kinds_buffer, &points_buffer, &m[0], &m[1], &m[2],
                          &m[3], &m[4], &m[5], &ctm[0], &ctm[1], &ctm[2], &ctm[3], &ctm[4], &ctm[5], &left,
                          &height, &top, &PyType_Type, &edge_type))
        return NULL;
    Py_ssize_t n = segment_count(&kinds_buffer, &points_buffer);
    if (n >= 0 && is_plain_tuple_type(edge_type, "edge") && (lines = PyList_New(0)) && (rects = PyList_New(0)) &&
        (curves = PyList_New(0)) &&
        edges_of(kinds_buffer.buf, points_buffer.buf, n, m, ctm, left, height, top, edge_type, lines, rects,
                 curves) == 0)
        result = PyTuple_Pack(3, lines, rects, curves);
    Py_XDECREF(lines);
    Py_XDECREF(rects);
    Py_XDECREF(curves);
    PyBuffer_Release(&kinds_buffer);
    PyBuffer_Release(&points_buffer);
    return result;
}

/* paths_edges(paths, ctm, left, height, top, edge) -> (lines, rects, curves): path_edges of
   each (matrix, kinds, points) in turn, as _pdfium_bulk.paths gives them, into one list each */
static PyObject *paths_edges(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *paths;
    double ctm[6], left, height, top;
    PyTypeObject *edge_type;
    if (!PyArg_ParseTuple(args, "O!(dddddd)dddO!", &PyList_Type, &paths, &ctm[0], &ctm[1], &ctm[2], &ctm[3], &ctm[4],
                          &ctm[5], &left, &height, &top, &PyType_Type, &edge_type))
        return NULL;
    if (!is_plain_tuple_type(edge_type, "edge"))
        return NULL;
    PyObject *lines = PyList_New(0), *rects = PyList_New(0), *curves = PyList_New(0), *result = NULL;
    if (!lines || !rects || !curves)
        goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(paths); i++) {
        PyObject *path = PyList_GET_ITEM(paths, i);
        double m[6];
        Py_buffer kinds_buffer, points_buffer;
        if (!PyArg_ParseTuple(path, "(dddddd)y*y*", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &kinds_buffer,
                              &points_buffer))
            goto done;
        Py_ssize_t n = segment_count(&kinds_buffer, &points_buffer);
        int status = n < 0 ? -1 : edges_of(kinds_buffer.buf, points_buffer.buf, n, m, ctm, left, height, top,
                                           edge_type, lines, rects, curves);
        PyBuffer_Release(&kinds_buffer);
        PyBuffer_Release(&points_buffer);
        if (status < 0)
            goto done;
    }
    result = PyTuple_Pack(3, lines, rects, curves);
done:
    Py_XDECREF(lines);
    Py_XDECREF(rects);
    Py_XDECREF(curves);
    return result;
}

static PyMethodDef methods[] = {
    {"lines", lines, METH_VARARGS,
     "lines(chars, tolerance) -> the characters grouped into lines, each left to right "
     "(extractors.pdf._lines)."},
    {"line_pairs", line_pairs, METH_VARARGS,
     "line_pairs(line, page, char_box, gap) -> (text, char_box(page, box, confidence)) pairs "
     "of a line, gap where words stand apart (extractors.pdf._line_pairs). char_box is a "
     "tuple subtype with no fields of its own, as a NamedTuple."},
    {"normalise", normalise, METH_VARARGS,
     "normalise(pairs) -> (text, boxes): blanks folded, each box kept with its character "
     "(extractors.pdf._normalise)."},
    {"cell_text", cell_text, METH_VARARGS,
     "cell_text(chars, tolerance, char_box, gap, breaks_before) -> (text, boxes) of a cell's "
     "characters (extractors.pdf._normalise(_cell_pairs(chars)))."},
    {"grid", grid, METH_VARARGS,
     "grid(horizontals, verticals, snap, join, min_length, tolerance, sum) -> the ruled tables' cell "
     "boxes, table by table (extractors.grid: pdfplumber's merge, intersections, cells, tables)."},
    {"cells_to_table", cells_to_table, METH_VARARGS,
     "cells_to_table(boxes, grid_cell) -> (bbox, rows): one table from its cell boxes "
     "(extractors.grid.cells_to_table)."},
    {"locate", locate, METH_VARARGS,
     "locate(char_boxes, start, end) -> (page, box) of the characters text[start:end] "
     "(extractors.document.Document.locate)."},
    {"path_edges", path_edges, METH_VARARGS,
     "path_edges(kinds, points, matrix, ctm, left, height, top, edge) -> (lines, rects, curves): a "
     "path's segments as pdfplumber's edges (extractors.pdfium._subpaths and _classify)."},
    {"chars", chars, METH_VARARGS,
     "chars(codes, names, which, (size, x0, x1, top, bottom), page_number) -> [Char, ...]: a page "
     "source's characters (extractors.pdfium._chars)."},
    {"page_chars", page_chars, METH_VARARGS,
     "page_chars(codes, objects, fonts, numbers, font_of, dx, dy, page_number) -> [Char, ...]: an "
     "upright page's characters from the page source's columns (extractors.pdfium._chars)."},
    {"runs", runs, METH_VARARGS,
     "runs(codes, objects, fonts, numbers) -> (objects, left, right, baseline, size, space_em): the "
     "page's text runs (extractors.pdfium._runs)."},
    {"paths_edges", paths_edges, METH_VARARGS,
     "paths_edges(paths, ctm, left, height, top, edge) -> (lines, rects, curves): path_edges of each "
     "(matrix, kinds, points) in turn."},
    {"assign", assign, METH_VARARGS,
     "assign(cells, chars, table_box, tolerance) -> the characters no cell takes; each other "
     "character is appended to its cell's list. cells: [(box, chars list), ...] in the "
     "table's order (extractors.pdf._assign_chars)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_assemble", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__assemble(void) {
    struct {
        PyObject **slot;
        const char *name;
    } keys[] = {
        {&key_text, "text"}, {&key_x0, "x0"}, {&key_x1, "x1"},
        {&key_top, "top"}, {&key_bottom, "bottom"}, {&key_size, "size"},
        {&key_page_number, "page_number"}, {&key_page_bbox, "page_bbox"},
        {&key_confidence, "confidence"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!*keys[i].slot && !(*keys[i].slot = PyUnicode_InternFromString(keys[i].name)))
            return NULL;
    }
    if ((!string_h && !(string_h = PyUnicode_InternFromString("h"))) ||
        (!string_v && !(string_v = PyUnicode_InternFromString("v"))))
        return NULL;
    static const char *char_names[CHAR_KEYS] = {"text", "fontname", "size", "x0", "x1", "top", "bottom",
                                                "page_number"};
    for (int k = 0; k < CHAR_KEYS; k++) {
        if (!char_keys[k] && !(char_keys[k] = PyUnicode_InternFromString(char_names[k])))
            return NULL;
    }
    if ((!static_space && !(static_space = PyUnicode_InternFromString(" "))) ||
        (!static_newline && !(static_newline = PyUnicode_InternFromString("\n"))))
        return NULL;
    if (PyType_Ready(&CharType) < 0)
        return NULL;
    PyObject *module_object = PyModule_Create(&module);
    if (!module_object)
        return NULL;
    if (PyModule_AddObjectRef(module_object, "Char", (PyObject *)&CharType) < 0) {
        Py_DECREF(module_object);
        return NULL;
    }
    return module_object;
}
