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
#include <stdlib.h>

/* interned dict keys, made once at import */
static PyObject *key_text, *key_x0, *key_x1, *key_top, *key_bottom, *key_size, *key_page_number,
    *key_page_bbox, *key_confidence;

/* char[key] as a borrowed reference; KeyError (as Python's char[key]) if absent */
static PyObject *item(PyObject *char_, PyObject *key) {
    if (!PyDict_Check(char_)) {
        PyErr_SetString(PyExc_TypeError, "a character must be a dict");
        return NULL;
    }
    PyObject *value = PyDict_GetItemWithError(char_, key);
    if (!value && !PyErr_Occurred())
        PyErr_SetObject(PyExc_KeyError, key);
    return value;
}

/* float(char[key]) into *out; ValueError if not finite (the caller reads it in Python) */
static int number(PyObject *char_, PyObject *key, double *out) {
    PyObject *value = item(char_, key);
    if (!value)
        return -1;
    double x = PyFloat_AsDouble(value);
    if (x == -1.0 && PyErr_Occurred())
        return -1;
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

/* the line keys[start:end] (reading order) as a list sorted left to right */
static PyObject *line_list(PyObject *chars, Key *keys, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t n = end - start;
    Key *line = PyMem_Malloc((n ? n : 1) * sizeof(Key));
    if (!line)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        line[i] = keys[start + i];
        line[i].index = i; /* stable within the line: its reading order */
    }
    qsort(line, n, sizeof(Key), by_x0);
    PyObject *list = PyList_New(n);
    if (list) {
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *char_ = PyList_GET_ITEM(chars, keys[start + line[i].index].index);
            Py_INCREF(char_);
            PyList_SET_ITEM(list, i, char_);
        }
    }
    PyMem_Free(line);
    return list;
}

static PyObject *lines_of(PyObject *chars, double tolerance) {
    Py_ssize_t n = PyList_GET_SIZE(chars);
    Key *keys = PyMem_Malloc((n ? n : 1) * sizeof(Key));
    if (!keys)
        return PyErr_NoMemory();
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *char_ = PyList_GET_ITEM(chars, i);
        PyObject *page = item(char_, key_page_number);
        if (!page)
            goto done;
        keys[i].page = PyLong_AsLong(page);
        if (keys[i].page == -1 && PyErr_Occurred())
            goto done;
        if (number(char_, key_top, &keys[i].top) < 0 || number(char_, key_bottom, &keys[i].bottom) < 0 ||
            number(char_, key_x0, &keys[i].x0) < 0)
            goto done;
        keys[i].row = rint(keys[i].top);
        keys[i].index = i;
    }
    qsort(keys, n, sizeof(Key), by_reading_order);
    result = PyList_New(0);
    if (!result)
        goto done;
    long page = 0;
    double band_top = 0.0, band_bottom = 0.0, line_top = 0.0;
    Py_ssize_t start = 0;
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
        if (i > start) {
            PyObject *line = line_list(chars, keys, start, i);
            if (!line || PyList_Append(result, line) < 0) {
                Py_XDECREF(line);
                Py_CLEAR(result);
                goto done;
            }
            Py_DECREF(line);
        }
        start = i;
        page = keys[i].page, band_top = top, band_bottom = bottom, line_top = top;
    }
    if (n > start) {
        PyObject *line = line_list(chars, keys, start, n);
        if (!line || PyList_Append(result, line) < 0) {
            Py_XDECREF(line);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(line);
    }
done:
    PyMem_Free(keys);
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
static PyObject *char_box_of(PyObject *char_, PyObject *page, PyTypeObject *char_box, PyObject *x0) {
    PyObject *box, *page_bbox = PyDict_GetItemWithError(char_, key_page_bbox);
    if (!page_bbox && PyErr_Occurred())
        return NULL;
    if (page_bbox && page_bbox != Py_None) {
        box = PySequence_Tuple(page_bbox);
    } else {
        PyObject *top = item(char_, key_top), *x1 = top ? item(char_, key_x1) : NULL;
        PyObject *bottom = x1 ? item(char_, key_bottom) : NULL;
        box = bottom ? PyTuple_Pack(4, x0, top, x1, bottom) : NULL;
    }
    if (!box)
        return NULL;
    PyObject *confidence = PyDict_GetItemWithError(char_, key_confidence);
    if (!confidence && PyErr_Occurred()) {
        Py_DECREF(box);
        return NULL;
    }
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

static int is_char_box_type(PyTypeObject *char_box) {
    if (!PyType_IsSubtype(char_box, &PyTuple_Type) || char_box->tp_itemsize != sizeof(PyObject *) ||
        char_box->tp_basicsize != PyTuple_Type.tp_basicsize) {
        PyErr_SetString(PyExc_TypeError, "char_box must be a tuple subtype with no fields of its own");
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
        PyObject *x0_object = item(char_, key_x0);
        double x0, x1;
        if (!x0_object || number(char_, key_x0, &x0) < 0)
            goto fail;
        if (!first) {
            PyObject *size_object = item(char_, key_size);
            if (!size_object)
                goto fail;
            int truth = PyObject_IsTrue(size_object);
            if (truth < 0)
                goto fail;
            double size = 10;
            if (truth) {
                size = PyFloat_AsDouble(size_object);
                if (size == -1.0 && PyErr_Occurred())
                    goto fail;
            }
            double gap = 0.25 * size;
            if (x0 - previous_x1 > (gap > 1.5 ? gap : 1.5) && PyList_Append(pairs, gap_pair) < 0)
                goto fail;
        }
        PyObject *box = char_box_of(char_, page, char_box, x0_object);
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
    if (!is_char_box_type(char_box))
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

/* cell_text(chars, tolerance, char_box, gap, breaks_before) -> (text, boxes): a cell's
   characters line by line (lines_of, pairs_of with each line's first page number), a line
   break put before a line when breaks_before(last text so far, the line's text) is true;
   then folded. */
static PyObject *cell_text(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *chars, *gap_pair, *breaks_before;
    double tolerance;
    PyTypeObject *char_box;
    if (!PyArg_ParseTuple(args, "O!dO!OO", &PyList_Type, &chars, &tolerance, &PyType_Type, &char_box,
                          &gap_pair, &breaks_before))
        return NULL;
    if (!is_char_box_type(char_box))
        return NULL;
    PyObject *lines = lines_of(chars, tolerance), *pairs = NULL, *newline_pair = NULL, *result = NULL;
    if (!lines || !(pairs = PyList_New(0)) || !(newline_pair = Py_BuildValue("(sO)", "\n", Py_None)))
        goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); i++) {
        PyObject *line = PyList_GET_ITEM(lines, i);
        PyObject *page = item(PyList_GET_ITEM(line, 0), key_page_number);
        PyObject *line_pairs = page ? pairs_of(line, page, char_box, gap_pair) : NULL;
        if (!line_pairs)
            goto done;
        Py_ssize_t held = PyList_GET_SIZE(pairs);
        if (held) {
            Py_ssize_t count = PyList_GET_SIZE(line_pairs);
            PyObject *texts = PyList_New(count), *empty = NULL, *text = NULL, *breaks = NULL;
            int truth = -1;
            if (texts) {
                for (Py_ssize_t k = 0; k < count; k++) {
                    PyObject *piece = PyTuple_GET_ITEM(PyList_GET_ITEM(line_pairs, k), 0);
                    Py_INCREF(piece);
                    PyList_SET_ITEM(texts, k, piece);
                }
                if ((empty = PyUnicode_New(0, 0)) && (text = PyUnicode_Join(empty, texts)))
                    breaks = PyObject_CallFunctionObjArgs(
                        breaks_before, PyTuple_GET_ITEM(PyList_GET_ITEM(pairs, held - 1), 0), text, NULL);
                if (breaks)
                    truth = PyObject_IsTrue(breaks);
            }
            Py_XDECREF(texts);
            Py_XDECREF(empty);
            Py_XDECREF(text);
            Py_XDECREF(breaks);
            if (truth < 0 || (truth && PyList_Append(pairs, newline_pair) < 0)) {
                Py_DECREF(line_pairs);
                goto done;
            }
        }
        Py_ssize_t end = PyList_GET_SIZE(pairs);
        int extended = PyList_SetSlice(pairs, end, end, line_pairs); /* pairs.extend(line_pairs) */
        Py_DECREF(line_pairs);
        if (extended < 0)
            goto done;
    }
    result = fold(pairs);
done:
    Py_XDECREF(lines);
    Py_XDECREF(pairs);
    Py_XDECREF(newline_pair);
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
    return PyModule_Create(&module);
}
