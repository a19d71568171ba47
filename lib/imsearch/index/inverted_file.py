"""Inverted indexes: posting lists per visual word, scoring only the images that share words.

A bag of visual words is a very sparse vector: an image with a few hundred local
descriptors uses a few hundred of the ``k`` words. Comparing a query with every
database vector (the brute-force product ``database @ query``) visits every
non-zero of the database; the **inverted index** of text retrieval visits only the
entries of the words the query contains (Sivic & Zisserman, ICCV 2003, section 4):

* for each word ``w`` a **posting list** holds the images that contain it, with the
  weight of ``w`` in each (``ids[ptr[w]:ptr[w + 1]]``, ``weights[ptr[w]:ptr[w + 1]]``,
  sorted by image id: the compressed-sparse-column layout of the database matrix);
* a query walks the posting lists of its own words, in increasing word order, and
  adds ``query weight × posting weight`` to an accumulator per image. Images that
  share no word with the query are never touched and keep the score 0.

:class:`InvertedIndex` returns exactly the scores of the brute-force sparse product
(:func:`brute_force_scores`): each image's contributions are added in the same
order (increasing word index), so the floating-point sums are the same, and
rankings break ties the same way (:func:`ranking`: higher score first, then lower
image id).

:class:`HammingInvertedFile` keeps one posting per *descriptor* rather than per image,
with its binary signature, for Hamming embedding (Jégou, Douze & Schmid, ECCV 2008):
two descriptors match only when they share the word and their signatures are within a
Hamming distance threshold.
"""
from __future__ import annotations


import numpy as np

from .._util.validation import check_array, check_int, check_number
from ..index.brute_force import top_k


# ----------------------------------------------------------------------------- inputs

def _sparse():
    import scipy.sparse

    return scipy.sparse


def _as_csr(vectors, name: str, n_words: int | None = None):
    """Check a (N, k) matrix (dense or scipy sparse) of finite weights; return a canonical CSR copy."""
    sp = _sparse()
    if sp.issparse(vectors):
        if vectors.ndim != 2:
            raise ValueError(f"{name} must have 2 dimensions, got shape {vectors.shape}")
        if vectors.dtype.kind not in "biuf":
            raise TypeError(f"{name} must have a bool, int or float dtype, got {vectors.dtype}")
        m = sp.csr_matrix(vectors, dtype=np.float64, copy=True)
        if m.nnz and not np.all(np.isfinite(m.data)):
            raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    else:
        arr = check_array(vectors, name, kinds="biuf", allow_empty=True)
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise ValueError(f"{name} must have shape (N, k) or (k,), got {arr.shape}")
        m = sp.csr_matrix(arr.astype(np.float64))
    m.sum_duplicates()
    m.sort_indices()
    m.eliminate_zeros()
    if n_words is not None and m.shape[1] != n_words:
        raise ValueError(f"{name} must have {n_words} columns (one per visual word), got {m.shape[1]}")
    return m


# ----------------------------------------------------------------------------- the query, one image

def score_postings(ptr, ids, weights, query_words, query_weights, n_images):
    """Scores of every database image for one query, accumulated from posting lists.

    The posting list of word ``w`` is ``ids[ptr[w]:ptr[w + 1]]`` (image ids) with
    ``weights[ptr[w]:ptr[w + 1]]`` (the word's weight in each image). For each query
    word ``w`` with weight ``q``, every image ``i`` of the list gains ``q × weight``;
    the result is the dot product of the query with each database vector, and 0
    for the images that share no word with the query.

    Parameters
    ----------
    ptr : (k + 1,) int array
        Non-decreasing offsets, ``ptr[0] = 0`` and ``ptr[k] = len(ids)``.
    ids : (P,) int array
        Image ids in ``0 .. n_images - 1``.
    weights : (P,) float array
    query_words : (m,) int array
        Distinct words of the query, in ``0 .. k - 1``.
    query_weights : (m,) float array
    n_images : int
        Number of database images.

    Returns
    -------
    (n_images,) float64 array
        Contributions are added word by word in increasing word order, which gives
        the same floating-point sums as a sparse matrix product.

    References
    ----------
    J. Sivic and A. Zisserman. Video Google: a text retrieval approach to object
    matching in videos. ICCV 2003.
    """
    ptr, ids, weights, words, qw, n = _check_postings(ptr, ids, weights, query_words, query_weights, n_images)
    order = np.argsort(words, kind="stable")
    return _accumulate(ptr, ids, weights, words[order], qw[order], np.zeros(len(words), np.int64), 1, n)[0]


def _check_postings(ptr, ids, weights, query_words, query_weights, n_images):
    n = check_int(n_images, "n_images", minimum=0)
    ptr = check_array(ptr, "ptr", ndim=1, kinds="iu")
    if ptr[0] != 0 or np.any(np.diff(ptr) < 0):
        raise ValueError("ptr must start at 0 and be non-decreasing")
    ids = check_array(ids, "ids", ndim=1, kinds="iu", allow_empty=True, min_value=0,
                      max_value=max(n - 1, 0))
    weights = check_array(weights, "weights", ndim=1, kinds="biuf", allow_empty=True)
    if len(ids) != len(weights) or ptr[-1] != len(ids):
        raise ValueError(f"ids and weights must both have ptr[-1] = {ptr[-1]} entries, "
                         f"got {len(ids)} and {len(weights)}")
    if len(ids) and n == 0:
        raise ValueError("n_images must be > 0 when the posting lists are not empty")
    k = len(ptr) - 1
    words = check_array(query_words, "query_words", ndim=1, kinds="iu", allow_empty=True,
                        min_value=0, max_value=max(k - 1, 0))
    if len(words) and k == 0:
        raise ValueError("query_words must be empty when there are no posting lists")
    qw = check_array(query_weights, "query_weights", ndim=1, kinds="biuf", allow_empty=True)
    if len(words) != len(qw):
        raise ValueError(f"query_words and query_weights must have the same length, got {len(words)} and {len(qw)}")
    if len(np.unique(words)) != len(words):
        raise ValueError("query_words must not repeat a word (sum the weights of a repeated word first)")
    return (ptr.astype(np.int64), ids.astype(np.int64), weights.astype(np.float64), words.astype(np.int64),
            qw.astype(np.float64), n)


def _gather(ptr, words):
    """Positions in the posting arrays of every entry of the lists of ``words``, list after list."""
    starts, ends = ptr[words], ptr[words + 1]
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64), lengths
    # position j of list i is starts[i] + j: one arange shifted list by list
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return np.arange(total, dtype=np.int64) + shift, lengths


def _accumulate(ptr, ids, weights, words, qweights, query_of, n_queries, n_images):
    """Accumulators of ``n_queries`` queries given as parallel (word, weight, query) entries.

    Entries must be sorted by query, then by increasing word.
    """
    pos, lengths = _gather(ptr, words)
    if len(pos) == 0:
        return np.zeros((n_queries, n_images))
    contrib = np.repeat(qweights, lengths) * weights[pos]
    cells = np.repeat(query_of, lengths) * n_images + ids[pos]
    # bincount adds the entries in their order: for one (query, image), word after word
    return np.bincount(cells, weights=contrib, minlength=n_queries * n_images).reshape(n_queries, n_images)


# ----------------------------------------------------------------------------- the index

def brute_force_scores(queries, database) -> np.ndarray:
    """Dot products of every query with every database vector, by the sparse matrix product.

    Parameters
    ----------
    queries : (Q, k) or (k,) array or scipy sparse matrix
    database : (N, k) array or scipy sparse matrix

    Returns
    -------
    (Q, N) float64 array
        ``database @ query`` for each query (SciPy's sparse product, which visits every
        non-zero of the database).
    """
    db = _as_csr(database, "database")
    q = _as_csr(queries, "queries", db.shape[1])
    return np.asarray((db @ q.T.tocsr()).toarray().T, dtype=np.float64)


class InvertedIndex:
    """An inverted index of weighted bag-of-words vectors (posting lists of (image id, weight)).

    Parameters
    ----------
    n_words : int >= 1
        Size ``k`` of the vocabulary.

    Examples
    --------
    >>> index = InvertedIndex(n_words=1000)
    >>> index.add(database_vectors)        # (N, 1000) scipy.sparse or dense, ids 0..N-1
    >>> scores = index.scores(query_vectors)            # (Q, N) dot products
    >>> top_scores, top_ids = index.search(query_vectors, k=10)

    References
    ----------
    J. Sivic and A. Zisserman. Video Google: a text retrieval approach to object
    matching in videos. ICCV 2003. J. Zobel and A. Moffat. Inverted files for text
    search engines. ACM Computing Surveys 38(2), 2006.
    """

    def __init__(self, n_words: int):
        self.n_words = check_int(n_words, "n_words", minimum=1)
        self._chunks = []
        self.n_images = 0
        self._ptr = np.zeros(self.n_words + 1, np.int64)
        self._ids = np.zeros(0, np.int64)
        self._weights = np.zeros(0, np.float64)
        self._fresh = True

    def add(self, vectors) -> np.ndarray:
        """Add database vectors; return their ids (consecutive, from the current size).

        Parameters
        ----------
        vectors : (N, n_words) array or scipy sparse matrix of finite weights

        Returns
        -------
        (N,) int64 array of the new images' ids
        """
        m = _as_csr(vectors, "vectors", self.n_words)
        ids = np.arange(self.n_images, self.n_images + m.shape[0], dtype=np.int64)
        self._chunks.append(m)
        self.n_images += m.shape[0]
        self._fresh = False
        return ids

    def _build(self):
        if self._fresh:
            return
        sp = _sparse()
        m = sp.vstack(self._chunks, format="csr") if len(self._chunks) > 1 else self._chunks[0]
        self._chunks = [m]
        rows = np.repeat(np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr))
        cols = m.indices.astype(np.int64)
        # entries come row by row (image by image); a stable sort by word keeps each
        # posting list sorted by image id
        order = np.argsort(cols, kind="stable")
        self._ids = rows[order]
        self._weights = m.data[order].astype(np.float64)
        self._ptr = np.zeros(self.n_words + 1, np.int64)
        np.cumsum(np.bincount(cols, minlength=self.n_words), out=self._ptr[1:])
        self._fresh = True

    @property
    def n_postings(self) -> int:
        """Total number of (image, weight) entries in the posting lists."""
        self._build()
        return int(self._ptr[-1])

    def posting_list(self, word: int):
        """The images containing ``word`` and the word's weight in each: ``(ids, weights)``."""
        word = check_int(word, "word", minimum=0, maximum=self.n_words - 1)
        self._build()
        a, b = self._ptr[word], self._ptr[word + 1]
        return self._ids[a:b].copy(), self._weights[a:b].copy()

    def postings(self):
        """The whole index as arrays ``(ptr, ids, weights)`` (see :func:`score_postings`)."""
        self._build()
        return self._ptr.copy(), self._ids.copy(), self._weights.copy()

    def posting_lengths(self) -> np.ndarray:
        """(n_words,) int64: the number of images in each posting list."""
        self._build()
        return np.diff(self._ptr)

    def scores(self, queries, batch_size: int | None = None) -> np.ndarray:
        """Dot products of the queries with every indexed vector, from the posting lists.

        Parameters
        ----------
        queries : (Q, n_words) or (n_words,) array or scipy sparse matrix
        batch_size : int, optional
            Queries accumulated together (bounded so that the accumulator holds at most
            about 4 million numbers by default).

        Returns
        -------
        (Q, N) float64 array
            Equal to :func:`brute_force_scores` (same sums, same order of additions);
            0 for images sharing no word with a query.
        """
        q = _as_csr(queries, "queries", self.n_words)
        self._build()
        n = self.n_images
        if batch_size is None:
            batch_size = max(1, (1 << 22) // max(n, 1))
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        out = np.zeros((q.shape[0], n))
        if n == 0:
            return out
        for a in range(0, q.shape[0], batch_size):
            part = q[a:a + batch_size]
            words = part.indices.astype(np.int64)
            query_of = np.repeat(np.arange(part.shape[0], dtype=np.int64), np.diff(part.indptr))
            out[a:a + part.shape[0]] = _accumulate(self._ptr, self._ids, self._weights, words,
                                                   part.data.astype(np.float64), query_of, part.shape[0], n)
        return out

    def n_touched(self, queries) -> np.ndarray:
        """(Q,) int64: how many database images share at least one word with each query."""
        q = _as_csr(queries, "queries", self.n_words)
        self._build()
        out = np.zeros(q.shape[0], np.int64)
        for i in range(q.shape[0]):
            pos, _ = _gather(self._ptr, q.indices[q.indptr[i]:q.indptr[i + 1]].astype(np.int64))
            out[i] = len(np.unique(self._ids[pos]))
        return out

    def search(self, queries, k: int = 10):
        """The ``k`` most similar indexed images per query (higher dot product first, ties by lower id).

        Returns
        -------
        top_scores : (Q, k) float64 array
        top_ids : (Q, k) int64 array
        """
        if self.n_images == 0:
            raise ValueError("the index is empty: add vectors before searching")
        return top_k(self.scores(queries), k)


# ----------------------------------------------------------------------------- Hamming embedding

def _popcount64(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).astype(np.int64)


def he_votes(query_words, query_signatures, words, signatures, image_ids, n_images, threshold=24) -> np.ndarray:
    """Hamming-embedding matches of one query image with every database image, counted per image.

    A query descriptor and a database descriptor match when they fall on the same visual
    word **and** their signatures differ in at most ``threshold`` bits (Jégou, Douze &
    Schmid, ECCV 2008); every matching pair is one vote for the database descriptor's image.
    The brute-force definition that :class:`HammingInvertedFile` computes with posting lists.

    Parameters
    ----------
    query_words : (m,) int array
    query_signatures : (m,) uint64 array
    words : (M,) int array
        Visual words of the database descriptors.
    signatures : (M,) uint64 array
    image_ids : (M,) int array in ``0 .. n_images - 1``
        The image of each database descriptor.
    n_images : int >= 1
    threshold : int in 0 .. 64

    Returns
    -------
    (n_images,) int64 array
        Matches per image (0 for an image with none).
    """
    qw = check_array(query_words, "query_words", ndim=1, kinds="iu", allow_empty=True).astype(np.int64)
    qs = check_array(query_signatures, "query_signatures", shape=(len(qw),), kinds="u", allow_empty=True)
    w = check_array(words, "words", ndim=1, kinds="iu", allow_empty=True).astype(np.int64)
    sig = check_array(signatures, "signatures", shape=(len(w),), kinds="u", allow_empty=True)
    img = check_array(image_ids, "image_ids", shape=(len(w),), kinds="iu", allow_empty=True).astype(np.int64)
    n_images = check_int(n_images, "n_images", minimum=1)
    threshold = check_int(threshold, "threshold", minimum=0, maximum=64)
    if img.size and (img.min() < 0 or img.max() >= n_images):
        raise ValueError(f"image_ids must be in 0 .. {n_images - 1}")
    votes = np.zeros(n_images, dtype=np.int64)
    for word in np.unique(qw):
        db = np.flatnonzero(w == word)
        if not db.size:
            continue
        h = _popcount64(qs[qw == word].astype(np.uint64)[:, None] ^ sig[db].astype(np.uint64)[None, :])
        votes += np.bincount(img[db], weights=(h <= threshold).sum(axis=0), minlength=n_images).astype(np.int64)
    return votes


class HammingInvertedFile:
    """Posting lists of descriptors (image id, binary signature) for Hamming embedding.

    A query descriptor with word ``w`` and signature ``s`` matches a database
    descriptor of the same word whose signature is within ``threshold`` bits of ``s``;
    the match adds ``weight(h) × word_weights[w]²`` to the score of its image, with
    ``weight(h) = exp(-h² / sigma²)`` (``sigma=None``: every match counts 1). Scores
    are divided by the norms of the two images' bags of words weighted by
    ``word_weights``, so that with ``threshold = n_bits`` and ``sigma = None`` the score
    is exactly the cosine of the two ``word_weights``-weighted bags of words.

    Parameters
    ----------
    n_words : int >= 1
    word_weights : (n_words,) float array, optional
        Per-word weights, e.g. the idf; ones by default.

    References
    ----------
    H. Jégou, M. Douze and C. Schmid. Hamming embedding and weak geometric consistency
    for large scale image search. ECCV 2008. H. Jégou, M. Douze and C. Schmid.
    Improving bag-of-features for large scale image search. IJCV 87(3), 2010 (weighting
    matches by their Hamming distance).
    """

    def __init__(self, n_words: int, word_weights=None, n_bits: int = 64):
        self.n_words = check_int(n_words, "n_words", minimum=1)
        self.n_bits = check_int(n_bits, "n_bits", minimum=1, maximum=64)
        if word_weights is None:
            word_weights = np.ones(self.n_words)
        self.word_weights = check_array(word_weights, "word_weights", shape=(self.n_words,), kinds="biuf",
                                        min_value=0).astype(np.float64)
        self._parts = []
        self.n_images = 0
        self._fresh = True
        self._ptr = np.zeros(self.n_words + 1, np.int64)
        self._img = np.zeros(0, np.int64)
        self._sig = np.zeros(0, np.uint64)
        self._norms = np.zeros(0)

    def _check(self, words, signatures, image_ids, n_images=None):
        words = check_array(words, "words", ndim=1, kinds="iu", allow_empty=True, min_value=0,
                            max_value=self.n_words - 1).astype(np.int64)
        sig = check_array(signatures, "signatures", ndim=1, kinds="u", allow_empty=True)
        if sig.dtype != np.uint64:
            raise TypeError(f"signatures must have dtype uint64, got {sig.dtype}")
        img = check_array(image_ids, "image_ids", ndim=1, kinds="iu", allow_empty=True,
                          min_value=0).astype(np.int64)
        if not (len(words) == len(sig) == len(img)):
            raise ValueError(f"words, signatures and image_ids must have the same length, "
                             f"got {len(words)}, {len(sig)} and {len(img)}")
        if n_images is not None and len(img) and img.max() >= n_images:
            raise ValueError(f"image_ids must be < n_images = {n_images}, got {img.max()}")
        return words, sig, img

    def add(self, words, signatures, image_ids, n_images: int | None = None) -> np.ndarray:
        """Add the descriptors of ``n_images`` new images; return the new images' ids.

        Parameters
        ----------
        words : (M,) int array
            Visual word of each descriptor.
        signatures : (M,) uint64 array
            Binary signature of each descriptor (bit ``b`` is ``(s >> b) & 1``).
        image_ids : (M,) int array
            Image of each descriptor, ``0 .. n_images - 1`` among the images added now.
        n_images : int, optional
            Number of images added (images without descriptors count); default
            ``max(image_ids) + 1``.
        """
        words, sig, img = self._check(words, signatures, image_ids)
        if n_images is None:
            n_images = int(img.max()) + 1 if len(img) else 0
        n_images = check_int(n_images, "n_images", minimum=0)
        if len(img) and img.max() >= n_images:
            raise ValueError(f"image_ids must be < n_images = {n_images}, got {img.max()}")
        self._parts.append((words, sig, img + self.n_images))
        new = np.arange(self.n_images, self.n_images + n_images, dtype=np.int64)
        self.n_images += n_images
        self._fresh = False
        return new

    def _bow_norms(self, words, img, n):
        counts = np.bincount(img * self.n_words + words, minlength=n * self.n_words).reshape(n, self.n_words)
        return np.sqrt(((counts * self.word_weights) ** 2).sum(axis=1))

    def _build(self):
        if self._fresh:
            return
        words = np.concatenate([p[0] for p in self._parts])
        sig = np.concatenate([p[1] for p in self._parts])
        img = np.concatenate([p[2] for p in self._parts])
        self._parts = [(words, sig, img)]
        order = np.lexsort((img, words))
        self._img, self._sig = img[order], sig[order]
        self._ptr = np.zeros(self.n_words + 1, np.int64)
        np.cumsum(np.bincount(words, minlength=self.n_words), out=self._ptr[1:])
        self._norms = np.zeros(self.n_images)
        for a in range(0, self.n_images, 256):   # bounded (256, n_words) count blocks
            b = min(a + 256, self.n_images)
            sel = (img >= a) & (img < b)
            self._norms[a:b] = self._bow_norms(words[sel], img[sel] - a, b - a)
        self._fresh = True

    def match_histograms(self, words, signatures, image_ids, n_queries: int | None = None,
                         max_distance: int | None = None, max_pairs: int = 2_000_000) -> np.ndarray:
        """For every (query image, database image), the weighted number of matches at each Hamming distance.

        Entry ``[q, i, h]`` sums ``word_weights[w]²`` over the pairs of descriptors (one of
        query ``q``, one of image ``i``) that share the word ``w`` and whose signatures
        differ in exactly ``h`` bits. Any threshold and weighting of the distance is then
        a weighted sum over ``h`` (:meth:`scores_from_histograms`), without walking the
        posting lists again.

        Parameters
        ----------
        words, signatures, image_ids : (M,) arrays
            The query descriptors (as in :meth:`add`); ``image_ids`` numbers the query
            images ``0 .. n_queries - 1``.
        n_queries : int, optional
            Default ``max(image_ids) + 1``.
        max_distance : int, optional
            Pairs farther apart than this are not counted (default: all, ``n_bits``).
        max_pairs : int
            Candidate pairs compared at once (memory bound).

        Returns
        -------
        (n_queries, N, max_distance + 1) float64 array
        """
        words, sig, img = self._check(words, signatures, image_ids)
        if n_queries is None:
            n_queries = int(img.max()) + 1 if len(img) else 0
        n_queries = check_int(n_queries, "n_queries", minimum=0)
        if len(img) and img.max() >= n_queries:
            raise ValueError(f"image_ids must be < n_queries = {n_queries}, got {img.max()}")
        max_distance = self.n_bits if max_distance is None else check_int(max_distance, "max_distance", minimum=0,
                                                                          maximum=self.n_bits)
        max_pairs = check_int(max_pairs, "max_pairs", minimum=1)
        self._build()
        n, nh = self.n_images, max_distance + 1
        hist = np.zeros(n_queries * n * nh)
        if n == 0 or len(words) == 0:
            return hist.reshape(n_queries, n, nh)
        ends = np.cumsum(self._ptr[words + 1] - self._ptr[words])
        a = 0
        while a < len(words):     # blocks of query descriptors with at most max_pairs candidates
            b = max(int(np.searchsorted(ends, (ends[a - 1] if a else 0) + max_pairs, side="right")), a + 1)
            pos, lens = _gather(self._ptr, words[a:b])
            if len(pos):
                h = _popcount64(np.repeat(sig[a:b], lens) ^ self._sig[pos])
                keep = h <= max_distance
                w = np.repeat(self.word_weights[words[a:b]] ** 2, lens)[keep]
                cells = (np.repeat(img[a:b], lens)[keep] * n + self._img[pos][keep]) * nh + h[keep]
                hist += np.bincount(cells, weights=w, minlength=len(hist))
            a = b
        return hist.reshape(n_queries, n, nh)

    def query_norms(self, words, image_ids, n_queries: int | None = None) -> np.ndarray:
        """(n_queries,) norms of the query images' bags of words weighted by ``word_weights``."""
        words = check_array(words, "words", ndim=1, kinds="iu", allow_empty=True, min_value=0,
                            max_value=self.n_words - 1).astype(np.int64)
        img = check_array(image_ids, "image_ids", shape=(len(words),), kinds="iu", allow_empty=True,
                          min_value=0).astype(np.int64)
        if n_queries is None:
            n_queries = int(img.max()) + 1 if len(img) else 0
        return self._bow_norms(words, img, check_int(n_queries, "n_queries", minimum=0))

    @property
    def image_norms(self) -> np.ndarray:
        """(N,) norms of the indexed images' bags of words weighted by ``word_weights``."""
        self._build()
        return self._norms.copy()

    def scores_from_histograms(self, histograms, query_norms, threshold: int = 24, sigma=16.0) -> np.ndarray:
        """Scores from :meth:`match_histograms`: ``Σ_{h <= threshold} weight(h) · hist[q, i, h]``, normalised.

        Parameters
        ----------
        histograms : (Q, N, H) float array
        query_norms : (Q,) float array (:meth:`query_norms`)
        threshold : int
            Largest Hamming distance of a match, ``< H``.
        sigma : float > 0 or None
            ``weight(h) = exp(-h²/σ²)``; None: weight 1.

        Returns
        -------
        (Q, N) float64 array, divided by the query's and the image's norms (0 where one is 0)
        """
        hist = check_array(histograms, "histograms", ndim=3, kinds="f", allow_empty=True)
        if hist.shape[1] != self.n_images:
            raise ValueError(f"histograms must have {self.n_images} columns (indexed images), got {hist.shape[1]}")
        qn = check_array(query_norms, "query_norms", shape=(hist.shape[0],), kinds="iuf", allow_empty=True,
                         min_value=0)
        threshold = check_int(threshold, "threshold", minimum=0, maximum=hist.shape[2] - 1)
        if sigma is not None:
            sigma = check_number(sigma, "sigma", minimum=0.0, strict_min=True)
        self._build()
        h = np.arange(threshold + 1)
        table = np.ones(threshold + 1) if sigma is None else np.exp(-(h ** 2) / sigma ** 2)
        acc = hist[:, :, :threshold + 1] @ table
        denom = qn[:, None] * self._norms[None, :]
        return np.divide(acc, denom, out=np.zeros_like(acc), where=denom > 0)

    def scores(self, words, signatures, image_ids, n_queries: int | None = None, threshold: int = 24,
               sigma=16.0, max_pairs: int = 2_000_000) -> np.ndarray:
        """Hamming-embedding similarity of query images with every indexed image.

        Parameters
        ----------
        words, signatures, image_ids : (M,) arrays
            The query descriptors (as in :meth:`add`); ``image_ids`` numbers the query
            images ``0 .. n_queries - 1``.
        n_queries : int, optional
            Default ``max(image_ids) + 1``.
        threshold : int in 0 .. n_bits
            Largest Hamming distance of a match, in bits.
        sigma : float > 0 or None
            Width of the Gaussian weight ``exp(-h²/σ²)``, in bits; ``None``: weight 1.
        max_pairs : int
            Candidate pairs compared at once (memory bound).

        Returns
        -------
        (n_queries, N) float64 array
            0 for images with no match; images without descriptors score 0.
        """
        threshold = check_int(threshold, "threshold", minimum=0, maximum=self.n_bits)
        hist = self.match_histograms(words, signatures, image_ids, n_queries, threshold, max_pairs)
        return self.scores_from_histograms(hist, self.query_norms(words, image_ids, hist.shape[0]), threshold, sigma)
