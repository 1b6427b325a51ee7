/*
 * extractors._pdfium_bulk: a page's characters, objects and paths out of PDFium in one call
 * each (the characters' objects are made from them by ``extractors._assemble.chars``).
 *
 * extractors/pdfium.py reads every character of a text page with five FPDFText_* calls.
 * Through ctypes each call costs ~0.5 us, which made the page source the slowest stage
 * of a PDF reading (issue 10). This module makes the same calls, in the same order and
 * with the same rules, from C, and hands back flat columns that Python turns into lists
 * with memoryview.cast(...).tolist().
 *
 * It does not link against PDFium: ``bind`` receives the addresses of the PDFium
 * functions of the library pypdfium2 has loaded (taken with ctypes), so there is one
 * PDFium in the process and nothing here depends on where it lives. The prototypes below
 * are PDFium's public C API (fpdf_text.h, fpdfview.h, fpdf_edit.h), which is stable.
 *
 * extractors/pdfium.py keeps a pure-ctypes twin of each function for a build without a
 * C compiler; tests/test_pdfium_bulk.py checks both give the same columns on every PDF.
 * The caller holds extractors.pdfium's lock, as for every PDFium call; the GIL is kept.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct { float left, top, right, bottom; } RectF; /* FS_RECTF */

typedef int (*count_chars_fn)(void *text_page);
typedef unsigned int (*get_unicode_fn)(void *text_page, int index);
typedef int (*char_flag_fn)(void *text_page, int index);
typedef void *(*text_object_fn)(void *text_page, int index);
typedef double (*font_size_fn)(void *text_page, int index);
typedef int (*loose_box_fn)(void *text_page, int index, RectF *rect);
typedef int (*char_origin_fn)(void *text_page, int index, double *x, double *y);
typedef int (*count_objects_fn)(void *page);
typedef void *(*get_object_fn)(void *page, int index);
typedef int (*object_type_fn)(void *object);
typedef int (*object_bounds_fn)(void *object, float *left, float *bottom, float *right, float *top);
typedef void *(*object_font_fn)(void *text_object);
typedef struct { float a, b, c, d, e, f; } Matrix; /* FS_MATRIX */
typedef int (*object_matrix_fn)(void *object, Matrix *matrix);
typedef int (*draw_mode_fn)(void *path, int *fill_mode, int *stroke);
typedef int (*count_segments_fn)(void *path);
typedef void *(*get_segment_fn)(void *path, int index);
typedef int (*segment_point_fn)(void *segment, float *x, float *y);
typedef int (*segment_flag_fn)(void *segment);

#define TEXT_OBJECT 1 /* FPDF_PAGEOBJ_TEXT */

static struct {
    count_chars_fn count_chars;
    get_unicode_fn get_unicode;
    char_flag_fn is_generated;
    char_flag_fn has_unicode_map_error;
    text_object_fn get_text_object;
    font_size_fn get_font_size;
    loose_box_fn get_loose_char_box;
    char_origin_fn get_char_origin;
    count_objects_fn count_objects;
    get_object_fn get_object;
    object_type_fn object_type;
    object_bounds_fn object_bounds;
    object_font_fn text_object_font;
    object_matrix_fn object_matrix;
    draw_mode_fn draw_mode;
    count_segments_fn count_segments;
    get_segment_fn get_segment;
    segment_point_fn segment_point;
    segment_flag_fn segment_type;
    segment_flag_fn segment_close;
} pdfium;

#define ADDRESSES 20

static int bound = 0;

static PyObject *bind(PyObject *self, PyObject *args) {
    unsigned long long a[ADDRESSES];
    if (!PyArg_ParseTuple(args, "KKKKKKKKKKKKKKKKKKKK", &a[0], &a[1], &a[2], &a[3], &a[4], &a[5],
                          &a[6], &a[7], &a[8], &a[9], &a[10], &a[11], &a[12], &a[13], &a[14],
                          &a[15], &a[16], &a[17], &a[18], &a[19]))
        return NULL;
    for (int i = 0; i < ADDRESSES; i++) {
        if (!a[i]) {
            PyErr_SetString(PyExc_ValueError, "a PDFium function address is null");
            return NULL;
        }
    }
    pdfium.count_chars = (count_chars_fn)(uintptr_t)a[0];
    pdfium.get_unicode = (get_unicode_fn)(uintptr_t)a[1];
    pdfium.is_generated = (char_flag_fn)(uintptr_t)a[2];
    pdfium.has_unicode_map_error = (char_flag_fn)(uintptr_t)a[3];
    pdfium.get_text_object = (text_object_fn)(uintptr_t)a[4];
    pdfium.get_font_size = (font_size_fn)(uintptr_t)a[5];
    pdfium.get_loose_char_box = (loose_box_fn)(uintptr_t)a[6];
    pdfium.get_char_origin = (char_origin_fn)(uintptr_t)a[7];
    pdfium.count_objects = (count_objects_fn)(uintptr_t)a[8];
    pdfium.get_object = (get_object_fn)(uintptr_t)a[9];
    pdfium.object_type = (object_type_fn)(uintptr_t)a[10];
    pdfium.object_bounds = (object_bounds_fn)(uintptr_t)a[11];
    pdfium.text_object_font = (object_font_fn)(uintptr_t)a[12];
    pdfium.object_matrix = (object_matrix_fn)(uintptr_t)a[13];
    pdfium.draw_mode = (draw_mode_fn)(uintptr_t)a[14];
    pdfium.count_segments = (count_segments_fn)(uintptr_t)a[15];
    pdfium.get_segment = (get_segment_fn)(uintptr_t)a[16];
    pdfium.segment_point = (segment_point_fn)(uintptr_t)a[17];
    pdfium.segment_type = (segment_flag_fn)(uintptr_t)a[18];
    pdfium.segment_close = (segment_flag_fn)(uintptr_t)a[19];
    bound = 1;
    Py_RETURN_NONE;
}

static int check_bound(void) {
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "_pdfium_bulk.bind was not called");
        return 0;
    }
    return 1;
}

/* The one argument of chars and objects, a PDFium handle as an address; NULL with an
 * exception set when the helper is not bound, the argument is not an address, or it is null. */
static void *handle_argument(PyObject *args, const char *null_message) {
    unsigned long long address;
    if (!PyArg_ParseTuple(args, "K", &address) || !check_bound())
        return NULL;
    if (!address) {
        PyErr_SetString(PyExc_ValueError, null_message);
        return NULL;
    }
    return (void *)(uintptr_t)address;
}

/* chars(text_page) -> (unmapped, codes, objects, fonts, numbers)
 *
 * Every character the text page holds, but those PDFium generated (a space or line break
 * it inferred), those with no Unicode map (counted in ``unmapped``) and the null, line
 * break and 0xFFFE characters. For each kept character: ``codes`` its Unicode (uint32),
 * ``objects`` its text object's address (uint64), ``fonts`` that object's font (uint64, 0
 * for no object), ``numbers`` four doubles: its font size, the loose box's left and right,
 * and the origin's y (the baseline). The font and its size are read again only where the
 * text object changes. */
static PyObject *chars(PyObject *self, PyObject *args) {
    void *page = handle_argument(args, "the text page is null");
    if (!page)
        return NULL;
    int count = pdfium.count_chars(page);
    size_t n = count > 0 ? (size_t)count : 0;
    uint32_t *codes = PyMem_Malloc((n ? n : 1) * sizeof(uint32_t));
    uint64_t *objects = PyMem_Malloc((n ? n : 1) * sizeof(uint64_t));
    uint64_t *fonts = PyMem_Malloc((n ? n : 1) * sizeof(uint64_t));
    double *numbers = PyMem_Malloc((n ? n : 1) * 4 * sizeof(double));
    PyObject *result = NULL;
    if (!codes || !objects || !fonts || !numbers) {
        PyErr_NoMemory();
        goto done;
    }
    size_t kept = 0;
    long unmapped = 0;
    void *last = NULL, *font = NULL;
    int started = 0;
    double size = 0.0;
    for (int index = 0; index < count; index++) {
        unsigned int code = pdfium.get_unicode(page, index);
        /* PDFium generates only spaces and line breaks */
        if ((code == 0x20 || code == 0x0D || code == 0x0A) && pdfium.is_generated(page, index))
            continue;
        if (pdfium.has_unicode_map_error(page, index)) {
            unmapped++;
            continue;
        }
        if (code == 0 || code == 0x0D || code == 0x0A || code == 0xFFFE)
            continue;
        void *object = pdfium.get_text_object(page, index);
        if (!started || object != last || !object) {
            /* a character's size is its text object's (CPDF_TextPage::GetCharFontSize) */
            started = 1;
            last = object;
            size = pdfium.get_font_size(page, index);
            font = object ? pdfium.text_object_font(object) : NULL;
        }
        RectF rect = {0.0f, 0.0f, 0.0f, 0.0f};
        double x = 0.0, y = 0.0;
        pdfium.get_loose_char_box(page, index, &rect);
        pdfium.get_char_origin(page, index, &x, &y);
        codes[kept] = code;
        objects[kept] = (uint64_t)(uintptr_t)object;
        fonts[kept] = (uint64_t)(uintptr_t)font;
        numbers[4 * kept] = size;
        numbers[4 * kept + 1] = (double)rect.left;
        numbers[4 * kept + 2] = (double)rect.right;
        numbers[4 * kept + 3] = y;
        kept++;
    }
    result = Py_BuildValue(
        "ly#y#y#y#", unmapped,
        (const char *)codes, (Py_ssize_t)(kept * sizeof(uint32_t)),
        (const char *)objects, (Py_ssize_t)(kept * sizeof(uint64_t)),
        (const char *)fonts, (Py_ssize_t)(kept * sizeof(uint64_t)),
        (const char *)numbers, (Py_ssize_t)(kept * 4 * sizeof(double)));
done:
    PyMem_Free(codes);
    PyMem_Free(objects);
    PyMem_Free(fonts);
    PyMem_Free(numbers);
    return result;
}

/* objects(page) -> (types, addresses, bounds)
 *
 * The page's top-level objects: ``types`` each one's FPDF_PAGEOBJ_* (int32, -1 where
 * PDFium gave no object), ``addresses`` each one's address (uint64, 0 where none), and
 * ``bounds`` four doubles per object (left, bottom, right, top from FPDFPageObj_GetBounds)
 * for a text object whose bounds PDFium gave, NaN otherwise. */
static PyObject *objects(PyObject *self, PyObject *args) {
    void *page = handle_argument(args, "the page is null");
    if (!page)
        return NULL;
    int count = pdfium.count_objects(page);
    size_t n = count > 0 ? (size_t)count : 0;
    int32_t *types = PyMem_Malloc((n ? n : 1) * sizeof(int32_t));
    uint64_t *addresses = PyMem_Malloc((n ? n : 1) * sizeof(uint64_t));
    double *bounds = PyMem_Malloc((n ? n : 1) * 4 * sizeof(double));
    PyObject *result = NULL;
    if (!types || !addresses || !bounds) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        void *object = pdfium.get_object(page, (int)i);
        types[i] = object ? pdfium.object_type(object) : -1;
        addresses[i] = (uint64_t)(uintptr_t)object;
        float left, bottom, right, top;
        if (object && types[i] == TEXT_OBJECT && pdfium.object_bounds(object, &left, &bottom, &right, &top)) {
            bounds[4 * i] = (double)left;
            bounds[4 * i + 1] = (double)bottom;
            bounds[4 * i + 2] = (double)right;
            bounds[4 * i + 3] = (double)top;
        } else {
            bounds[4 * i] = bounds[4 * i + 1] = bounds[4 * i + 2] = bounds[4 * i + 3] = Py_NAN;
        }
    }
    result = Py_BuildValue(
        "y#y#y#",
        (const char *)types, (Py_ssize_t)(n * sizeof(int32_t)),
        (const char *)addresses, (Py_ssize_t)(n * sizeof(uint64_t)),
        (const char *)bounds, (Py_ssize_t)(n * 4 * sizeof(double)));
done:
    PyMem_Free(types);
    PyMem_Free(addresses);
    PyMem_Free(bounds);
    return result;
}

/* path(path_object) -> (matrix, painted, kinds, points)
 *
 * A path object as the page walk needs it: ``matrix`` its six numbers (a, b, c, d, e, f of
 * FPDFPageObj_GetMatrix) or None where PDFium gave none; ``painted`` whether it is filled
 * or stroked (True where PDFium gave no draw mode); for a painted path, its segments:
 * ``kinds`` two int32 each (FPDF_SEGMENT_* type, closes the sub-path), ``points`` two
 * float32 each (x, y; a point PDFium could not give repeats the one before, 0 at first,
 * as the ctypes floats reused across the calls do). */
static PyObject *path_of(void *object) {
    Matrix m;
    PyObject *matrix;
    if (pdfium.object_matrix(object, &m))
        matrix = Py_BuildValue("(dddddd)", (double)m.a, (double)m.b, (double)m.c, (double)m.d,
                               (double)m.e, (double)m.f);
    else
        matrix = Py_NewRef(Py_None);
    if (!matrix)
        return NULL;
    int fill = 0, stroke = 0;
    int painted = !pdfium.draw_mode(object, &fill, &stroke) || fill || stroke;
    int count = painted ? pdfium.count_segments(object) : 0;
    size_t n = count > 0 ? (size_t)count : 0;
    int32_t *kinds = PyMem_Malloc((n ? n : 1) * 2 * sizeof(int32_t));
    float *points = PyMem_Malloc((n ? n : 1) * 2 * sizeof(float));
    PyObject *result = NULL;
    if (!kinds || !points) {
        PyErr_NoMemory();
        goto done;
    }
    float x = 0.0f, y = 0.0f;
    for (size_t i = 0; i < n; i++) {
        void *segment = pdfium.get_segment(object, (int)i);
        pdfium.segment_point(segment, &x, &y);
        kinds[2 * i] = pdfium.segment_type(segment);
        kinds[2 * i + 1] = pdfium.segment_close(segment);
        points[2 * i] = x;
        points[2 * i + 1] = y;
    }
    result = Py_BuildValue("OOy#y#", matrix, painted ? Py_True : Py_False,
                           (const char *)kinds, (Py_ssize_t)(n * 2 * sizeof(int32_t)),
                           (const char *)points, (Py_ssize_t)(n * 2 * sizeof(float)));
done:
    Py_DECREF(matrix);
    PyMem_Free(kinds);
    PyMem_Free(points);
    return result;
}

static PyObject *path(PyObject *self, PyObject *args) {
    void *object = handle_argument(args, "the path object is null");
    return object ? path_of(object) : NULL;
}

/* paths(addresses, parent) -> [(matrix, kinds, points), ...]
 *
 * extractors.pdfium's walk over path objects, for many at once: for each path object at the
 * uint64 ``addresses`` that is painted, in order, its matrix combined with ``parent`` as
 * _multiply combines them (its own, or the identity where PDFium gives none, then the
 * parent's: the same float64 products and sums in the same order; built with
 * -ffp-contract=off) and its segments as ``path`` gives them. */
static PyObject *paths(PyObject *self, PyObject *args) {
    Py_buffer addresses;
    double P[6];
    if (!PyArg_ParseTuple(args, "y*(dddddd)", &addresses, &P[0], &P[1], &P[2], &P[3], &P[4], &P[5]))
        return NULL;
    PyObject *result = NULL;
    if (!check_bound())
        goto done;
    if (addresses.len % (Py_ssize_t)sizeof(uint64_t)) {
        PyErr_SetString(PyExc_ValueError, "addresses must hold uint64");
        goto done;
    }
    Py_ssize_t n = addresses.len / (Py_ssize_t)sizeof(uint64_t);
    const uint64_t *address = addresses.buf;
    result = PyList_New(0);
    for (Py_ssize_t i = 0; result && i < n; i++) {
        if (!address[i]) {
            PyErr_SetString(PyExc_ValueError, "a path object is null");
            Py_CLEAR(result);
            break;
        }
        PyObject *one = path_of((void *)(uintptr_t)address[i]); /* matrix, paint, segments */
        if (!one) {
            Py_CLEAR(result);
            break;
        }
        PyObject *own = PyTuple_GET_ITEM(one, 0), *painted = PyTuple_GET_ITEM(one, 1);
        if (painted != Py_True) {
            Py_DECREF(one);
            continue;
        }
        double m[6] = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
        if (own != Py_None) {
            for (int k = 0; k < 6; k++)
                m[k] = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(own, k));
        }
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5];
        PyObject *combined = Py_BuildValue("(dddddd)", a * P[0] + b * P[2], a * P[1] + b * P[3], c * P[0] + d * P[2],
                                           c * P[1] + d * P[3], e * P[0] + f * P[2] + P[4], e * P[1] + f * P[3] + P[5]);
        PyObject *entry = combined ? PyTuple_Pack(3, combined, PyTuple_GET_ITEM(one, 2), PyTuple_GET_ITEM(one, 3)) : NULL;
        Py_XDECREF(combined);
        Py_DECREF(one);
        if (!entry || PyList_Append(result, entry) < 0) {
            Py_XDECREF(entry);
            Py_CLEAR(result);
            break;
        }
        Py_DECREF(entry);
    }
done:
    PyBuffer_Release(&addresses);
    return result;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS,
     "bind(*addresses): the PDFium functions to call, by address (see extractors/pdfium.py)"},
    {"chars", chars, METH_VARARGS,
     "chars(text_page) -> (unmapped, codes, objects, fonts, numbers): a text page's kept characters"},
    {"objects", objects, METH_VARARGS,
     "objects(page) -> (types, addresses, bounds): a page's top-level objects"},
    {"paths", paths, METH_VARARGS,
     "paths(addresses, parent) -> [(matrix, kinds, points), ...]: the painted ones of many path objects"},
    {"path", path, METH_VARARGS,
     "path(path_object) -> (matrix, painted, kinds, points): a path object's matrix, paint and segments"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pdfium_bulk",
    "A page's characters, objects and paths out of PDFium in one call each (see _pdfium_bulk.c).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__pdfium_bulk(void) {
    return PyModule_Create(&module);
}
