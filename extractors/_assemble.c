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
 *
 * One module in five files, each one idea: this one (the module, and what the others share:
 * reading a character's key or number, a box, a named-tuple type), _assemble_chars.c (Char,
 * and the page source's characters and runs), _assemble_text.c (lines, pairs, assignment to
 * cells, a cell's text), _assemble_grid.c (the ruled-table grid, a table from its boxes, a
 * span's page and box), _assemble_paths.c (a path's edges). _assemble.h declares what they
 * share, hidden outside the module.
 */
#include "_assemble.h"

/* interned dict keys, made once at import */
PyObject *key_text, *key_x0, *key_x1, *key_top, *key_bottom, *key_size, *key_page_number, *key_page_bbox,
    *key_confidence;

/* char[key] as a borrowed reference, for a key that is no number (text, page_number, or a
   dict's own); KeyError (as Python's char[key]) if absent */
PyObject *item(PyObject *char_, PyObject *key) {
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
int number(PyObject *char_, PyObject *key, double *out) {
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

/* a tuple subtype with no fields of its own (a NamedTuple), whose instances are made here as
   tuple.__new__ makes them; else TypeError naming the argument */
int is_plain_tuple_type(PyTypeObject *type, const char *argument) {
    if (!PyType_IsSubtype(type, &PyTuple_Type) || type->tp_itemsize != sizeof(PyObject *) ||
        type->tp_basicsize != PyTuple_Type.tp_basicsize) {
        PyErr_Format(PyExc_TypeError, "%s must be a tuple subtype with no fields of its own", argument);
        return 0;
    }
    return 1;
}

int read_box(PyObject *box, double out[4]) {
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
    if (chars_ready() < 0 || text_ready() < 0 || paths_ready() < 0)
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
