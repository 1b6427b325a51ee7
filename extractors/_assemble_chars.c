/*
 * extractors._assemble, its characters: Char (a page source's character, read as its
 * pdfplumber-shaped dict and as its own box) and the PDFium page source's columns made into
 * characters and text runs in one call each (see _assemble.c).
 */
#include "_assemble.h"

/* ---- Char: a page source's character, read as its pdfplumber-shaped dict ------------------ */

/* The PDF page source makes ~1,000 characters a page. As dicts each costs a dict and five
   floats, and every step of the assembly reads it back through a dict lookup per key. A Char
   holds the same eight values (the keys of char_keys, in that order) in a C struct: the steps
   here read its numbers directly, and Python reads it as it reads the dict (``char["x0"]``,
   ``get``, ``in``, ``keys``, ``dict(char)``, its repr, equality with a dict). It is read-only,
   as the assembly never writes a character; a page source that needs other keys (OCR's
   ``confidence``, ``page_bbox``) makes dicts, and the steps take both. */
#define CHAR_KEYS 8
static PyObject *char_keys[CHAR_KEYS]; /* text, fontname, size, x0, x1, top, bottom, page_number */

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
static PyObject *dict_keys(PyObject *dict) { return PyObject_CallMethod(dict, "keys", NULL); }
static PyObject *dict_values(PyObject *dict) { return PyObject_CallMethod(dict, "values", NULL); }
static PyObject *dict_items(PyObject *dict) { return PyObject_CallMethod(dict, "items", NULL); }

/* what ``read`` gives of the dict the character reads as (its iterator, its repr) */
static PyObject *through_dict(PyObject *self, PyObject *(*read)(PyObject *)) {
    PyObject *dict = char_as_dict(self, NULL);
    if (!dict)
        return NULL;
    PyObject *result = read(dict);
    Py_DECREF(dict);
    return result;
}

static PyObject *char_keys_method(PyObject *self, PyObject *Py_UNUSED(ignored)) { return through_dict(self, dict_keys); }
static PyObject *char_values_method(PyObject *self, PyObject *Py_UNUSED(ignored)) { return through_dict(self, dict_values); }
static PyObject *char_items_method(PyObject *self, PyObject *Py_UNUSED(ignored)) { return through_dict(self, dict_items); }
static PyObject *char_iter(PyObject *self) { return through_dict(self, PyObject_GetIter); }
static PyObject *char_repr(PyObject *self) { return through_dict(self, PyObject_Repr); }

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

PyObject *char_bbox(PyObject *self, void *Py_UNUSED(closure)) {
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

PyTypeObject CharType = {
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

/* result[i] = Char(chr(code), fontname, values, page_number): 0, or -1 with an exception set */
static int set_char(PyObject *result, Py_ssize_t i, uint32_t code, PyObject *fontname, const double values[5],
                    PyObject *page_number) {
    PyObject *text = code_text(code);
    if (!text)
        return -1;
    PyObject *c = char_new_from(text, fontname, values, page_number);
    Py_DECREF(text);
    if (!c)
        return -1;
    PyList_SET_ITEM(result, i, c);
    return 0;
}

PyObject *chars(PyObject *Py_UNUSED(self), PyObject *args) {
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
        double values[5];
        for (int k = 0; k < 5; k++)
            values[k] = ((const double *)columns[k].buf)[i];
        if (set_char(result, i, code[i], PyList_GET_ITEM(names, name_of[i]), values, page_number) < 0)
            goto fail;
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

/* the page source's columns (_char_columns) of one length: codes uint32, objects and fonts
   uint64, numbers four float64 a character; else ValueError */
static int columns_agree(const Py_buffer *codes, const Py_buffer *objects, const Py_buffer *fonts,
                         const Py_buffer *numbers) {
    Py_ssize_t n = codes->len / (Py_ssize_t)sizeof(uint32_t);
    if (codes->len % (Py_ssize_t)sizeof(uint32_t) || objects->len != n * (Py_ssize_t)sizeof(uint64_t) ||
        fonts->len != n * (Py_ssize_t)sizeof(uint64_t) || numbers->len != n * 4 * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "the columns must hold one code, object, font and four numbers per character");
        return 0;
    }
    return 1;
}

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

PyObject *page_chars(PyObject *Py_UNUSED(self), PyObject *args) {
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
    if (!columns_agree(&codes, &objects, &fonts, &numbers))
        goto done;
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
        const double *row = number + 4 * i;
        double size = row[0], low = row[3] + table[last].descent * size;
        double values[5] = {size, row[1] + dx, row[2] + dx, dy - (low + size), dy - low};
        if (set_char(result, i, code[i], table[last].name, values, page_number) < 0)
            goto fail;
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

PyObject *runs(PyObject *Py_UNUSED(self), PyObject *args) {
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
    if (!columns_agree(&codes, &objects, &fonts, &numbers))
        goto done;
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


/* the Char type ready and its keys interned: 0, or -1 with an exception set */
int chars_ready(void) {
    static const char *names[CHAR_KEYS] = {"text", "fontname", "size", "x0", "x1", "top", "bottom", "page_number"};
    for (int k = 0; k < CHAR_KEYS; k++) {
        if (!char_keys[k] && !(char_keys[k] = PyUnicode_InternFromString(names[k])))
            return -1;
    }
    return PyType_Ready(&CharType);
}
