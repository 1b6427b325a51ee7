/*
 * extractors._assemble, its tables: pdfplumber's ruled-table grid, a table from its cell boxes,
 * and a span's page and box (see _assemble.c).
 */
#include "_assemble.h"

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

PyObject *grid(PyObject *Py_UNUSED(self), PyObject *args) {
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

PyObject *cells_to_table(PyObject *Py_UNUSED(self), PyObject *args) {
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
PyObject *locate(PyObject *Py_UNUSED(self), PyObject *args) {
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


