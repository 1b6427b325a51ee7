/*
 * pipeline.figures._segment: jieba's word graph, best route and cut of a sentence, in C.
 *
 * The number reader and the search index cut their text with jieba (0.42.1), and jieba's
 * cut — ``Tokenizer.get_DAG`` (a dictionary lookup for every prefix of every position),
 * ``Tokenizer.calc`` (a dynamic programme over that graph), the walk of ``__cut_DAG`` and,
 * for a run of characters the dictionary does not know, finalseg's viterbi — was a large
 * part of a reading, in Python loops and generators. ``cut_block`` takes the graph, the route
 * and the walk of ``__cut_DAG`` (or ``__cut_DAG_NO_HMM``) for a whole block in one call, and
 * ``hmm_block`` finalseg's viterbi and ``__cut``: step for step, the same lookups in the
 * tokenizer's own ``FREQ`` dictionary, the same float operations in the same order (C's log,
 * which Python's math.log calls), the same tie-breaks as ``max`` over tuples has them.
 * pipeline/figures/lexicon.py (``Lexicon.tokenize``, ``hmm_cut``) uses them when this module
 * is built; tests/test_segment.py holds them to jieba's own on random and real sentences.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

/* ---- Words: FREQ as a compact hash table, for cut_block's lookups ------------------------- */

/* jieba's FREQ holds ~500,000 words and prefixes. cut_block looks up every prefix of every
 * position in it: a slice made, hashed, and a lookup that touches the dict's index, its entry,
 * the key and the count, in a dict of ~80 MB whose lines a reading's other work has evicted
 * (measured: ~0.4 ms a PDF page of cold-cache lookups). Words holds the same keys in one array
 * of 24-byte slots (hugepage-backed where the kernel allows): a key of up to three characters
 * of the Basic Multilingual Plane inline, a longer one in a pool; whether its count is truthy
 * (an end of jieba's graph) and its weight log(count) - logtotal as calc computes it. A
 * lookup hashes the characters as it extends the prefix (FNV-1a), makes no object and
 * touches one slot. Built once from the dictionary it stands for; cut_block refuses it for
 * another total (lexicon.py builds it after the user dictionary, and checks the size). */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u
#define COUNTED 1
#define INLINE 2

typedef struct {
    uint32_t hash;     /* 0: an empty slot (a key hashing to 0 is stored as 1) */
    uint16_t chars[3]; /* the key, when INLINE */
    uint8_t length;    /* the key's characters */
    uint8_t flags;     /* COUNTED, INLINE */
    double weight;     /* log(count) - logtotal, when COUNTED */
} Slot;

typedef struct {
    PyObject_HEAD
    Slot *slots;
    size_t mask, mapped; /* slots: mask + 1 of them, in mapped bytes */
    uint32_t *where;     /* per slot: the pool offset of a key not INLINE */
    Py_UCS4 *pool;
    Py_ssize_t size;     /* the dictionary's entries */
    double logtotal;
} WordsObject;

static PyTypeObject WordsType;

static inline uint32_t step_hash(uint32_t hash, Py_UCS4 ch) { return (hash ^ ch) * FNV_PRIME; }

/* the slot of text[start:start+length] whose running hash is ``hash``, or NULL */
static const Slot *find(const WordsObject *words, int kind, const void *data, Py_ssize_t start,
                        Py_ssize_t length, uint32_t hash) {
    if (length > 255)
        return NULL;
    hash = hash ? hash : 1;
    for (size_t at = hash & words->mask;; at = (at + 1) & words->mask) {
        const Slot *slot = &words->slots[at];
        if (!slot->hash)
            return NULL;
        if (slot->hash != hash || slot->length != length)
            continue;
        Py_ssize_t k = 0;
        if (slot->flags & INLINE) {
            while (k < length && slot->chars[k] == PyUnicode_READ(kind, data, start + k))
                k++;
        } else {
            const Py_UCS4 *key = words->pool + words->where[at];
            while (k < length && key[k] == PyUnicode_READ(kind, data, start + k))
                k++;
        }
        if (k == length)
            return slot;
    }
}

/* the slot of a whole str, or NULL */
static const Slot *find_word(const WordsObject *words, PyObject *word) {
    Py_ssize_t length = PyUnicode_GET_LENGTH(word);
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    uint32_t hash = FNV_OFFSET;
    for (Py_ssize_t k = 0; k < length; k++)
        hash = step_hash(hash, PyUnicode_READ(kind, data, k));
    return find(words, kind, data, 0, length, hash);
}

static void words_dealloc(PyObject *self) {
    WordsObject *words = (WordsObject *)self;
    if (words->slots)
        munmap(words->slots, words->mapped);
    PyMem_Free(words->where);
    PyMem_Free(words->pool);
    Py_TYPE(self)->tp_free(self);
}

/* Words(freq, logtotal): freq's str keys and counts; ValueError for a key that is no str or
   longer than 255 characters (the caller then keeps to the dict) */
static PyObject *words_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    PyObject *freq;
    double logtotal;
    static char *names[] = {"freq", "logtotal", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!d", names, &PyDict_Type, &freq, &logtotal))
        return NULL;
    WordsObject *words = (WordsObject *)type->tp_alloc(type, 0);
    if (!words)
        return NULL;
    words->size = PyDict_GET_SIZE(freq);
    words->logtotal = logtotal;
    size_t count = 1024;
    while (count < 2 * (size_t)words->size + 1)
        count *= 2;
    words->mask = count - 1;
    words->mapped = count * sizeof(Slot);
    words->slots = mmap(NULL, words->mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (words->slots == MAP_FAILED) {
        words->slots = NULL;
        Py_DECREF(words);
        return PyErr_NoMemory();
    }
#ifdef MADV_HUGEPAGE
    madvise(words->slots, words->mapped, MADV_HUGEPAGE); /* advice only: fewer TLB misses */
#endif
    words->where = PyMem_Calloc(count, sizeof(uint32_t));
    size_t pooled = 0, room = 1 << 16;
    words->pool = PyMem_Malloc(room * sizeof(Py_UCS4));
    if (!words->where || !words->pool) {
        Py_DECREF(words);
        return PyErr_NoMemory();
    }
    Py_ssize_t position = 0;
    PyObject *key, *value;
    while (PyDict_Next(freq, &position, &key, &value)) {
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) > 255) {
            PyErr_SetString(PyExc_ValueError, "a dictionary key is not a str of at most 255 characters");
            Py_DECREF(words);
            return NULL;
        }
        Py_ssize_t length = PyUnicode_GET_LENGTH(key);
        int kind = PyUnicode_KIND(key);
        const void *data = PyUnicode_DATA(key);
        uint32_t hash = FNV_OFFSET;
        int bmp = 1;
        for (Py_ssize_t k = 0; k < length; k++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, k);
            hash = step_hash(hash, ch);
            bmp = bmp && ch < 0x10000;
        }
        hash = hash ? hash : 1;
        int truth = PyObject_IsTrue(value);
        double weight = 0.0;
        if (truth < 0) {
            Py_DECREF(words);
            return NULL;
        }
        if (truth) {
            weight = PyFloat_AsDouble(value);
            if (weight == -1.0 && PyErr_Occurred()) {
                Py_DECREF(words);
                return NULL;
            }
            weight = log(weight) - logtotal; /* calc's (log(count) - logtotal), as keep_best has it */
        }
        size_t at = hash & words->mask;
        while (words->slots[at].hash)
            at = (at + 1) & words->mask;
        Slot *slot = &words->slots[at];
        *slot = (Slot){hash, {0, 0, 0}, (uint8_t)length, (uint8_t)(truth ? COUNTED : 0), weight};
        if (bmp && length <= 3) {
            slot->flags |= INLINE;
            for (Py_ssize_t k = 0; k < length; k++)
                slot->chars[k] = (uint16_t)PyUnicode_READ(kind, data, k);
        } else {
            if (pooled + (size_t)length > UINT32_MAX) {
                PyErr_SetString(PyExc_ValueError, "the dictionary's long words do not fit the pool");
                Py_DECREF(words);
                return NULL;
            }
            while (pooled + (size_t)length > room) {
                Py_UCS4 *grown = PyMem_Realloc(words->pool, 2 * room * sizeof(Py_UCS4));
                if (!grown) {
                    Py_DECREF(words);
                    return PyErr_NoMemory();
                }
                words->pool = grown, room *= 2;
            }
            words->where[at] = (uint32_t)pooled;
            for (Py_ssize_t k = 0; k < length; k++)
                words->pool[pooled++] = PyUnicode_READ(kind, data, k);
        }
    }
    return (PyObject *)words;
}

static PyObject *words_size(PyObject *self, void *Py_UNUSED(closure)) {
    return PyLong_FromSsize_t(((WordsObject *)self)->size);
}

static PyObject *words_logtotal(PyObject *self, void *Py_UNUSED(closure)) {
    return PyFloat_FromDouble(((WordsObject *)self)->logtotal);
}

/* words.get(word) -> (counted, weight) or None: the lookup cut_block makes, for the tests */
static PyObject *words_get(PyObject *self, PyObject *word) {
    if (!PyUnicode_Check(word)) {
        PyErr_SetString(PyExc_TypeError, "a word must be a str");
        return NULL;
    }
    const Slot *slot = find_word((WordsObject *)self, word);
    if (!slot)
        Py_RETURN_NONE;
    return Py_BuildValue("(Od)", (slot->flags & COUNTED) ? Py_True : Py_False, slot->weight);
}

static PyGetSetDef words_getset[] = {
    {"size", words_size, NULL, "the entries of the dictionary it was built from", NULL},
    {"logtotal", words_logtotal, NULL, "the log of the dictionary's total it was built with", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef words_methods[] = {
    {"get", words_get, METH_O, "get(word) -> (counted, weight) or None"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WordsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline.figures._segment.Words",
    .tp_basicsize = sizeof(WordsObject),
    .tp_dealloc = words_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Words(freq, logtotal): jieba's FREQ as a compact table for cut_block",
    .tp_methods = words_methods,
    .tp_getset = words_getset,
    .tp_new = words_new,
};

/* FREQ.get(word) or 1, the weight jieba's calc gives a graph end: ``count`` is FREQ's entry (NULL
   when absent). *counted says whether the count was there and truthy, which makes the word
   an end of get_DAG's graph. 0, or -1 with an exception set. */
static int word_weight(PyObject *count, double *weight, int *counted) {
    *weight = 1.0;
    *counted = count ? PyObject_IsTrue(count) : 0;
    if (*counted < 0)
        return -1;
    if (*counted) {
        *weight = PyFloat_AsDouble(count);
        if (*weight == -1.0 && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* jieba's calc, its step at one end x: its value, kept when it beats the best so far as max() over
   (value, x) tuples has it (a larger value, or the same value with a later end) */
static void keep_best(double weight, double logtotal, double after, Py_ssize_t x, double *top, Py_ssize_t *top_x) {
    double value = (log(weight) - logtotal) + after;
    if (*top_x < 0 || value > *top || (value == *top && x > *top_x)) {
        *top = value;
        *top_x = x;
    }
}

/* list.extend(iter(items)); -1 with an exception set if it fails */
static int extend_from(PyObject *list, PyObject *items) {
    PyObject *iterator = PyObject_GetIter(items);
    if (!iterator)
        return -1;
    PyObject *item;
    while ((item = PyIter_Next(iterator))) {
        int result = PyList_Append(list, item);
        Py_DECREF(item);
        if (result < 0) {
            Py_DECREF(iterator);
            return -1;
        }
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? -1 : 0;
}

/* list.append(sentence[start:end]); -1 with an exception set if it fails */
static int append_substring(PyObject *list, PyObject *sentence, Py_ssize_t start, Py_ssize_t end) {
    PyObject *word = PyUnicode_Substring(sentence, start, end);
    if (!word)
        return -1;
    int result = PyList_Append(list, word);
    Py_DECREF(word);
    return result;
}

/* FREQ.get(word) is truthy: 1, 0, or -1 with an exception set (freq: the dict, or Words) */
static int known(PyObject *freq, PyObject *word) {
    if (Py_IS_TYPE(freq, &WordsType)) {
        const Slot *slot = find_word((WordsObject *)freq, word);
        return slot && (slot->flags & COUNTED);
    }
    PyObject *count = PyDict_GetItemWithError(freq, word); /* borrowed */
    if (!count)
        return PyErr_Occurred() ? -1 : 0;
    return PyObject_IsTrue(count);
}

/* The run of single characters sentence[start:end] as __cut_DAG gives it out: one
   character as it is; a run that is a dictionary word character by character; any other
   run as the HMM (jieba.finalseg.cut, the hmm_cut given) recognises it. */
static int flush_run(PyObject *words, PyObject *sentence, Py_ssize_t start, Py_ssize_t end, PyObject *freq,
                     PyObject *hmm_cut) {
    if (end <= start)
        return 0;
    PyObject *run = PyUnicode_Substring(sentence, start, end);
    if (!run)
        return -1;
    int result;
    if (end - start == 1) {
        result = PyList_Append(words, run);
    } else {
        int truth = known(freq, run);
        if (truth < 0) {
            result = -1;
        } else if (!truth) {
            PyObject *recognised = PyObject_CallOneArg(hmm_cut, run);
            result = recognised ? extend_from(words, recognised) : -1;
            Py_XDECREF(recognised);
        } else {
            result = extend_from(words, run); /* each character */
        }
    }
    Py_DECREF(run);
    return result;
}

/* cut_block(block, freq, logtotal, hmm_cut) -> [word, ...]: jieba's Tokenizer.__cut_DAG
 * (HMM on) of one block of Chinese, letters and digits, or with hmm_cut None its
 * __cut_DAG_NO_HMM: the word graph, the best route and the walk along it, in one call. The
 * graph and route are get_DAG's and calc's, the entries of each position taken in the same
 * order, so the same route and tie-breaks. */
static PyObject *cut_block(PyObject *self, PyObject *args) {
    PyObject *sentence, *freq, *hmm_cut;
    double logtotal;
    if (!PyArg_ParseTuple(args, "UOdO", &sentence, &freq, &logtotal, &hmm_cut))
        return NULL;
    const WordsObject *table = Py_IS_TYPE(freq, &WordsType) ? (const WordsObject *)freq : NULL;
    if (!table && !PyDict_Check(freq)) {
        PyErr_SetString(PyExc_TypeError, "freq must be a dict or Words");
        return NULL;
    }
    if (table && table->logtotal != logtotal) {
        PyErr_SetString(PyExc_ValueError, "the Words were built with another dictionary total");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(sentence);
    int kind = PyUnicode_KIND(sentence);
    const void *data = PyUnicode_DATA(sentence);
    double *best = PyMem_Malloc((size_t)(n + 1) * sizeof(double));      /* route[x][0] */
    Py_ssize_t *step = PyMem_Malloc((size_t)(n + 1) * sizeof(Py_ssize_t)); /* route[x][1] */
    PyObject *words = NULL;
    if (!best || !step) {
        PyErr_NoMemory();
        goto done;
    }
    best[n] = 0.0;
    for (Py_ssize_t idx = n - 1; idx >= 0; idx--) {
        double top = 0.0;
        Py_ssize_t top_x = -1;
        /* get_DAG: each end i whose sentence[idx:i+1] is a word with a count, up to the
           first prefix FREQ does not hold; calc: the best of them by (value, end) */
        if (table) { /* the same ends and weights, from the compact table */
            uint32_t hash = FNV_OFFSET;
            for (Py_ssize_t i = idx; i < n; i++) {
                hash = step_hash(hash, PyUnicode_READ(kind, data, i));
                const Slot *slot = find(table, kind, data, idx, i + 1 - idx, hash);
                if (!slot)
                    break;
                if (slot->flags & COUNTED) { /* keep_best, its log(count) - logtotal made once */
                    double value = slot->weight + best[i + 1];
                    if (top_x < 0 || value > top || (value == top && i > top_x))
                        top = value, top_x = i;
                }
            }
        }
        for (Py_ssize_t i = idx; !table && i < n; i++) {
            PyObject *fragment = PyUnicode_Substring(sentence, idx, i + 1);
            if (!fragment)
                goto done;
            PyObject *count = PyDict_GetItemWithError(freq, fragment); /* borrowed */
            Py_DECREF(fragment);
            if (!count) {
                if (PyErr_Occurred())
                    goto done;
                break;
            }
            double weight;
            int counted;
            if (word_weight(count, &weight, &counted) < 0)
                goto done;
            if (counted) /* a word with a count: an end of the graph */
                keep_best(weight, logtotal, best[i + 1], i, &top, &top_x);
        }
        if (top_x < 0) {
            /* no word starts here: the graph's entry is the character alone, whose count
               (absent or zero, else it would have been an end) counts as 1 */
            keep_best(1.0, logtotal, best[idx + 1], idx, &top, &top_x);
        }
        best[idx] = top;
        step[idx] = top_x;
    }
    words = PyList_New(0);
    if (!words)
        goto done;
    if (hmm_cut == Py_None) {
        /* __cut_DAG_NO_HMM: the route's words, single ASCII letters and digits run together */
        Py_ssize_t x = 0, run = 0; /* sentence[run:x]: such characters not yet given out */
        while (x < n) {
            Py_ssize_t y = step[x] + 1;
            Py_UCS4 ch = PyUnicode_READ_CHAR(sentence, x);
            int ascii_alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
            if (!(y - x == 1 && ascii_alnum)) {
                if ((run < x && append_substring(words, sentence, run, x) < 0) ||
                    append_substring(words, sentence, x, y) < 0)
                    goto fail;
                run = y;
            }
            x = y;
        }
        if (run < n && append_substring(words, sentence, run, n) < 0)
            goto fail;
        goto done;
    }
    Py_ssize_t x = 0, run = 0; /* sentence[run:x]: the single characters not yet given out */
    while (x < n) {
        Py_ssize_t y = step[x] + 1;
        if (y - x > 1) {
            if (flush_run(words, sentence, run, x, freq, hmm_cut) < 0)
                goto fail;
            PyObject *word = PyUnicode_Substring(sentence, x, y);
            if (!word || PyList_Append(words, word) < 0) {
                Py_XDECREF(word);
                goto fail;
            }
            Py_DECREF(word);
            run = y;
        }
        x = y;
    }
    if (flush_run(words, sentence, run, n, freq, hmm_cut) < 0)
        goto fail;
    goto done;
fail:
    Py_CLEAR(words);
done:
    PyMem_Free(best);
    PyMem_Free(step);
    return words;
}


/* hmm_block(block, start_p, trans_p, emit_p) -> [word, ...]: jieba.finalseg's __cut of one
 * block of Chinese characters: its viterbi over the states B, M, E, S (the same sums in the
 * same order, a missing probability MIN_FLOAT, and max's tie-break over (probability,
 * state): the later letter wins), then the words the best state sequence marks. */
#define MIN_FLOAT (-3.14e100)

static const char STATES[4] = {'B', 'M', 'E', 'S'};
static const int PREVIOUS[4][2] = {{2, 3}, {1, 0}, {0, 1}, {3, 2}}; /* B: ES, M: MB, E: BM, S: SE */

/* ---- Emissions: finalseg's emission tables as one compact table ---------------------------- */

/* hmm_block reads emit_p[state].get(char, MIN_FLOAT) for each of the four states at every
 * character: a slice made and four lookups in dicts of 6,000-15,000 entries. Emissions holds
 * them in one open-addressed table keyed by code point, the four probabilities of a character
 * in one slot (MIN_FLOAT where its state's table has none), so a character costs one lookup. A
 * key that is not one character is left out: no character is ever looked up by it. */
typedef struct {
    uint32_t code; /* the character; 0xFFFFFFFF: an empty slot */
    double p[4];   /* B, M, E, S */
} Emission;

typedef struct {
    PyObject_HEAD
    Emission *slots;
    size_t mask;
} EmissionsObject;

static PyTypeObject EmissionsType;
#define NO_CODE 0xFFFFFFFFu

static Emission *emission_slot(const EmissionsObject *table, uint32_t code) {
    for (size_t at = (code * 2654435761u) & table->mask;; at = (at + 1) & table->mask) {
        Emission *slot = &table->slots[at];
        if (slot->code == code || slot->code == NO_CODE)
            return slot;
    }
}

static void emissions_dealloc(PyObject *self) {
    PyMem_Free(((EmissionsObject *)self)->slots);
    Py_TYPE(self)->tp_free(self);
}

/* Emissions(emit_p): emit_p[state] for the states B, M, E, S, each a dict of character to
   log probability */
static PyObject *emissions_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    PyObject *emit_p;
    static char *names[] = {"emit_p", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O", names, &emit_p))
        return NULL;
    PyObject *tables[4] = {NULL, NULL, NULL, NULL};
    EmissionsObject *table = NULL;
    size_t entries = 0;
    for (int y = 0; y < 4; y++) {
        tables[y] = PyMapping_GetItemString(emit_p, (char[]){STATES[y], 0});
        if (!tables[y])
            goto fail;
        if (!PyDict_Check(tables[y])) {
            PyErr_SetString(PyExc_TypeError, "a probability table must be a dict");
            goto fail;
        }
        entries += (size_t)PyDict_GET_SIZE(tables[y]);
    }
    table = (EmissionsObject *)type->tp_alloc(type, 0);
    if (!table)
        goto fail;
    size_t count = 1024;
    while (count < 2 * entries + 1)
        count *= 2;
    table->mask = count - 1;
    table->slots = PyMem_Malloc(count * sizeof(Emission));
    if (!table->slots) {
        PyErr_NoMemory();
        goto fail;
    }
    for (size_t k = 0; k < count; k++)
        table->slots[k].code = NO_CODE;
    for (int y = 0; y < 4; y++) {
        Py_ssize_t position = 0;
        PyObject *key, *value;
        while (PyDict_Next(tables[y], &position, &key, &value)) {
            if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) != 1)
                continue; /* never looked up by one character */
            double p = PyFloat_AsDouble(value);
            if (p == -1.0 && PyErr_Occurred())
                goto fail;
            uint32_t code = PyUnicode_READ_CHAR(key, 0);
            Emission *slot = emission_slot(table, code);
            if (slot->code == NO_CODE)
                *slot = (Emission){code, {MIN_FLOAT, MIN_FLOAT, MIN_FLOAT, MIN_FLOAT}};
            slot->p[y] = p;
        }
    }
    for (int y = 0; y < 4; y++)
        Py_DECREF(tables[y]);
    return (PyObject *)table;
fail:
    for (int y = 0; y < 4; y++)
        Py_XDECREF(tables[y]);
    Py_XDECREF(table);
    return NULL;
}

static PyTypeObject EmissionsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pipeline.figures._segment.Emissions",
    .tp_basicsize = sizeof(EmissionsObject),
    .tp_dealloc = emissions_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Emissions(emit_p): finalseg's emission tables as one compact table for hmm_block",
    .tp_new = emissions_new,
};

/* mapping[key].get(inner, MIN_FLOAT) as a double; -1 with an exception set if it fails */
static int probability(PyObject *mapping, PyObject *key, PyObject *inner, double *out) {
    PyObject *table = PyObject_GetItem(mapping, key);
    if (!table)
        return -1;
    int result = 0;
    if (!PyDict_Check(table)) {
        PyErr_SetString(PyExc_TypeError, "a probability table must be a dict");
        result = -1;
    } else {
        PyObject *value = PyDict_GetItemWithError(table, inner); /* borrowed, read before table goes */
        if (value) {
            *out = PyFloat_AsDouble(value);
            if (*out == -1.0 && PyErr_Occurred())
                result = -1;
        } else if (PyErr_Occurred()) {
            result = -1;
        } else {
            *out = MIN_FLOAT;
        }
    }
    Py_DECREF(table);
    return result;
}

static PyObject *hmm_block(PyObject *self, PyObject *args) {
    PyObject *sentence, *start_p, *trans_p, *emit_p;
    if (!PyArg_ParseTuple(args, "UOOO", &sentence, &start_p, &trans_p, &emit_p))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(sentence);
    if (!n)
        return PyList_New(0);
    PyObject *state_names[4] = {NULL, NULL, NULL, NULL}, *words = NULL;
    double *v = PyMem_Malloc((size_t)n * 4 * sizeof(double));
    signed char *back = PyMem_Malloc((size_t)n * 4);
    double start[4], trans[4][4];
    if (!v || !back) {
        PyErr_NoMemory();
        goto done;
    }
    for (int y = 0; y < 4; y++) {
        if (!(state_names[y] = PyUnicode_FromStringAndSize(&STATES[y], 1)))
            goto done;
    }
    for (int y = 0; y < 4; y++) {
        PyObject *value = PyObject_GetItem(start_p, state_names[y]);
        start[y] = value ? PyFloat_AsDouble(value) : -1.0;
        Py_XDECREF(value);
        if (!value || (start[y] == -1.0 && PyErr_Occurred()))
            goto done;
        for (int z = 0; z < 4; z++) {
            if (probability(trans_p, state_names[y], state_names[z], &trans[y][z]) < 0)
                goto done;
        }
    }
    const EmissionsObject *emissions = Py_IS_TYPE(emit_p, &EmissionsType) ? (const EmissionsObject *)emit_p : NULL;
    for (Py_ssize_t t = 0; t < n; t++) {
        double emit[4];
        if (emissions) { /* the same four probabilities, from one slot */
            const Emission *slot = emission_slot(emissions, PyUnicode_READ_CHAR(sentence, t));
            for (int y = 0; y < 4; y++)
                emit[y] = slot->code == NO_CODE ? MIN_FLOAT : slot->p[y];
        } else {
            PyObject *ch = PyUnicode_Substring(sentence, t, t + 1);
            if (!ch)
                goto done;
            for (int y = 0; y < 4; y++) {
                if (probability(emit_p, state_names[y], ch, &emit[y]) < 0) {
                    Py_DECREF(ch);
                    goto done;
                }
            }
            Py_DECREF(ch);
        }
        for (int y = 0; y < 4; y++) {
            if (t == 0) {
                v[y] = start[y] + emit[y];
                back[y] = (signed char)y;
                continue;
            }
            int a = PREVIOUS[y][0], b = PREVIOUS[y][1];
            double from_a = v[4 * (t - 1) + a] + trans[a][y] + emit[y];
            double from_b = v[4 * (t - 1) + b] + trans[b][y] + emit[y];
            /* max over (probability, state): the larger probability, else the later letter */
            int take_b = from_b > from_a || (from_b == from_a && STATES[b] > STATES[a]);
            v[4 * t + y] = take_b ? from_b : from_a;
            back[4 * t + y] = (signed char)(take_b ? b : a);
        }
    }
    /* the last state: E or S, by (probability, state) */
    int state = v[4 * (n - 1) + 3] >= v[4 * (n - 1) + 2] ? 3 : 2;
    signed char *states = PyMem_Malloc((size_t)n);
    if (!states) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t t = n - 1; t >= 0; t--) {
        states[t] = (signed char)state;
        state = back[4 * t + state];
    }
    words = PyList_New(0);
    Py_ssize_t begin = 0, next = 0;
    for (Py_ssize_t i = 0; words && i < n; i++) {
        int pos = states[i];
        if (pos == 0) {
            begin = i;
        } else if (pos == 2 || pos == 3) {
            if (append_substring(words, sentence, pos == 2 ? begin : i, i + 1) < 0)
                Py_CLEAR(words);
            next = i + 1;
        }
    }
    if (words && next < n && append_substring(words, sentence, next, n) < 0)
        Py_CLEAR(words);
    PyMem_Free(states);
done:
    for (int y = 0; y < 4; y++)
        Py_XDECREF(state_names[y]);
    PyMem_Free(v);
    PyMem_Free(back);
    return words;
}

static PyMethodDef methods[] = {
    {"hmm_block", hmm_block, METH_VARARGS,
     "hmm_block(block, start_p, trans_p, emit_p) -> [word, ...]: jieba.finalseg's __cut of a block; emit_p "
     "the model's emission tables or the Emissions made from them"},
    {"cut_block", cut_block, METH_VARARGS,
     "cut_block(block, freq, logtotal, hmm_cut) -> [word, ...]: jieba's Tokenizer.__cut_DAG; freq "
     "is the tokenizer's FREQ or the Words made from it"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_segment",
    "jieba's word graph, best route and cut of a sentence, in C (see _segment.c).", -1, methods,
};

PyMODINIT_FUNC PyInit__segment(void) {
    if (PyType_Ready(&WordsType) < 0 || PyType_Ready(&EmissionsType) < 0)
        return NULL;
    PyObject *module_object = PyModule_Create(&module);
    if (module_object && (PyModule_AddObjectRef(module_object, "Words", (PyObject *)&WordsType) < 0 ||
                          PyModule_AddObjectRef(module_object, "Emissions", (PyObject *)&EmissionsType) < 0))
        Py_CLEAR(module_object);
    return module_object;
}
