/*
 * extractors._assemble, its text steps: characters into lines, a line into (character, box)
 * pairs, a table's characters to their cells, the fold of blanks, and a cell's text and boxes
 * (see _assemble.c).
 */
#include "_assemble.h"

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

PyObject *lines(PyObject *Py_UNUSED(self), PyObject *args) {
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

PyObject *line_pairs(PyObject *Py_UNUSED(self), PyObject *args) {
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


PyObject *assign(PyObject *Py_UNUSED(self), PyObject *args) {
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

PyObject *normalise(PyObject *Py_UNUSED(self), PyObject *args) {
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

PyObject *cell_text(PyObject *Py_UNUSED(self), PyObject *args) {
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



/* the strings the fold puts in: 0, or -1 with an exception set */
int text_ready(void) {
    if ((!static_space && !(static_space = PyUnicode_InternFromString(" "))) ||
        (!static_newline && !(static_newline = PyUnicode_InternFromString("\n"))))
        return -1;
    return 0;
}
