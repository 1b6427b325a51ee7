/*
 * extractors._assemble, its paths: a painted path's segments as pdfplumber's edges, one path or
 * a page's at once (see _assemble.c).
 */
#include "_assemble.h"

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

static PyObject *string_h, *string_v; /* "h" and "v", made by paths_ready */

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

PyObject *path_edges(PyObject *Py_UNUSED(self), PyObject *args) {
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
PyObject *paths_edges(PyObject *Py_UNUSED(self), PyObject *args) {
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


/* the orientations' strings: 0, or -1 with an exception set */
int paths_ready(void) {
    if ((!string_h && !(string_h = PyUnicode_InternFromString("h"))) ||
        (!string_v && !(string_v = PyUnicode_InternFromString("v"))))
        return -1;
    return 0;
}
