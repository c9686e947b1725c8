"""The pipeline: question -> retrieve -> read -> merged, scored Answer with sources."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from qa.checks import (
    check_readings,
    check_threshold,
    check_top_k,
    clean_question,
    has_content_word,
)
from qa.chunk import ChunkSettings
from qa.compose import compose_answer
from qa.config import (
    DEFAULT_THRESHOLD,
    DEFAULT_TOP_K,
    MAX_QUESTION_CHARS,
    default_corpus,
    default_index_dir,
    env_index_dir,
)
from qa.embed import DEFAULT_MODEL_ID, Embedder, missing_model_folder
from qa.errors import (
    ConfigError,
    IndexCorruptError,
    IndexLockedError,
    IngestError,
    QAError,
    QuestionError,
)
from qa.generations import BM25_CACHE, BY_ENVIRONMENT, BY_OPTION
from qa.index import INDEX_TYPES, IndexStore, LoadedIndex, SourcesChanged
from qa.ingest import DEFAULT_MAX_BYTES, IngestReport, load_documents
from qa.manifest import chunking_problem, index_type_problem, manifest_stamp
from qa.reader import ExtractiveReader, Reading
from qa.retrieve import BM25Retriever, DenseRetriever, HybridRetriever, Retriever
from qa.reuse import BuildStats
from qa.sources import dropped_sources, merged_sources, nothing_read, unique_roots
from qa.types import Answer, Retrieved

logger = logging.getLogger(__name__)

#: How often an add reads the index's sources again when other builds change them.
_ADD_ATTEMPTS = 5


class Reader(Protocol):
    def read(self, question: str, passages: Sequence[str]) -> list[Reading]: ...


class QAPipeline:
    """Answers questions over an index of articles.

    Models and the index load on first use. With ``corpus`` set, a missing index is
    built from it on first use; so is the checkout's own ``index/`` (no ``index_dir``
    and no ``$QA_INDEX_DIR``), from ``$QA_CORPUS``, else ``seeds/`` (an installed copy's
    default index, in the user's data folder, only from ``$QA_CORPUS``). Another folder
    must hold an index (else IndexNotFoundError, saying how to build one). ``answer_types`` drops
    candidate answers of the wrong type (a "how many" question answered without a
    number) and counts of another named thing ("how many Syrian…" answered with a count
    of Russians); see :mod:`qa.answer_type`.
    """

    def __init__(
        self,
        index_dir: str | Path | None = None,
        *,
        corpus: str | Path | None = None,
        embedding_model: str | Path | None = None,
        reader_model: str | Path | None = None,
        top_k: int | None = None,
        threshold: float | None = None,
        reader: Reader | None = None,
        chunking: ChunkSettings | None = None,
        index_type: str | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS,
        max_file_bytes: int = DEFAULT_MAX_BYTES,
        uploads_dir: str | Path | None = None,
        answer_types: bool | None = None,
        retriever: Retriever | None = None,
    ) -> None:
        top_k = None if top_k is None else check_top_k(top_k)
        threshold = None if threshold is None else check_threshold(threshold)
        if max_question_chars < 1:
            raise ConfigError(f"max_question_chars must be at least 1, got {max_question_chars}")
        if max_file_bytes < 1:
            raise ConfigError(f"the file size limit must be positive, got {max_file_bytes}")
        self.index_dir = Path(index_dir).expanduser() if index_dir else default_index_dir()
        # Only the checkout's own index/ is built from the corpus (seeds/) when missing: a
        # folder chosen by index_dir, --index or $QA_INDEX_DIR must hold an index, so a
        # mistyped one is an IndexNotFoundError, not an index of the seeds.
        chosen = index_dir or env_index_dir()
        self.corpus = (Path(corpus).expanduser() if corpus
                       else (None if chosen else default_corpus()))
        self.uploads_dir = Path(uploads_dir).expanduser() if uploads_dir else None
        self.store = IndexStore(self.index_dir, named_by=BY_OPTION if index_dir or not
                                env_index_dir() else BY_ENVIRONMENT)
        self.embedder = Embedder(embedding_model)
        # given none, the pipeline takes the model the index is built with when it loads or
        # builds the index, also after another process rebuilt it with another
        # (_follow_embedding_model; nothing is read here); not once the embedder was
        # replaced by one's own
        self._own_embedder: Embedder | None = None if embedding_model else self.embedder
        self.reader: Reader = reader or ExtractiveReader(reader_model)
        # None: the built-in hybrid retriever (FAISS + BM25) over the index
        self.retriever: Retriever | None = retriever
        self._top_k = top_k
        self._threshold = threshold
        if index_type is not None and index_type not in INDEX_TYPES:
            raise ConfigError(f"index_type must be one of {INDEX_TYPES}, got '{index_type}'")
        # None: what the index was built with (else the defaults), so a rebuild or an
        # upload keeps the passage length and index type the index was made with
        self.chunking = chunking
        self.index_type = index_type
        self.max_question_chars = max_question_chars
        self.max_file_bytes = max_file_bytes
        self._answer_types = answer_types
        self._index: LoadedIndex | None = None
        self._retriever: HybridRetriever | None = None
        self._lock = threading.RLock()
        # Lock order: _first_build, then _follow_lock, then _lock; never the other way
        # round. _follow_lock: held by the one thread that loads a generation another
        # process built, or by a build of this pipeline.
        self._follow_lock = threading.Lock()
        self._first_build = threading.RLock()  # one build at a time, from this pipeline
        self._unloadable: str | None = None  # what CURRENT named when that load failed

    # -- index -------------------------------------------------------------------
    # What `qa calibrate` stored with the index is the default for what was not given:
    # a threshold is chosen for one top-k and one setting of the answer checks.
    @property
    def threshold(self) -> float:
        if self._threshold is not None:
            return self._threshold
        stored = self._stored_settings().get("threshold")
        return float(stored) if stored is not None else DEFAULT_THRESHOLD

    @property
    def top_k(self) -> int:
        if self._top_k is not None:
            return self._top_k
        return int(self._stored_settings().get("top_k") or DEFAULT_TOP_K)

    @property
    def answer_types(self) -> bool:
        if self._answer_types is not None:
            return self._answer_types
        return bool(self._stored_settings().get("answer_types", True))

    def setting_source(self, name: str) -> str:
        """Where the ``threshold``, ``top_k`` or ``answer_types`` in force comes from:
        'given' (to this pipeline), 'calibrated' (stored in the index by `qa calibrate`)
        or 'default'."""
        if getattr(self, f"_{name}") is not None:
            return "given"
        return "calibrated" if self._stored_settings().get(name) is not None else "default"

    def _stored_settings(self) -> dict[str, Any]:
        """What `qa calibrate` stored: from the loaded index, else read from its manifest
        (a setting is no reason to load the index, or to build a missing one: that one's
        settings will be the defaults). Nothing with a retriever of one's own: the index's
        threshold was chosen for its own retrieval."""
        if self.retriever is not None:
            return {}
        with self._lock:
            if self._index is not None:
                return self._index.settings
        return self.store.settings()

    @property
    def index(self) -> LoadedIndex:
        """The live index: loaded (or built) on first use, and loaded again when another
        process has built a new generation since (see :meth:`_follow_current`)."""
        self._follow_current()
        return self._loaded()

    def _loaded(self) -> LoadedIndex:
        """The index answers come from, loading (or building) it first if none is."""
        if self._index is None and self.corpus is not None:
            # built outside self._lock: build() takes the follow lock, then self._lock
            with self._first_build:
                if self._index is None and not self.store.exists():
                    logger.info("no index at %s: building it from %s", self.index_dir,
                                self.corpus)
                    self.build(self.sources())
        with self._lock:
            if self._index is None:
                self._load()
            assert self._index is not None
            return self._index

    def _load(self) -> None:
        self._swap_in(self._open())

    def _swap_in(self, opened: tuple[LoadedIndex, HybridRetriever],
                 replacing: LoadedIndex | None = None) -> bool:
        """Answer from ``opened`` (see :meth:`_open`) from now on. The pipeline's lock is
        held only for the swap, so questions are answered from the index loaded before
        while ``opened`` was read. With ``replacing``, only when that is still the one
        loaded (a build of this pipeline may have swapped in a newer one meanwhile)."""
        with self._lock:
            if replacing is not None and self._index is not replacing:
                return False
            self._index, self._retriever = opened
            return True

    def _follow_settings(self, loaded: LoadedIndex) -> None:
        """Take the settings of the loaded generation's manifest again when it has been
        rewritten since it was read: `qa calibrate` stores a threshold in place, without
        a new generation. One stat of the manifest when nothing changed."""
        stamp = manifest_stamp(loaded.generation)
        if stamp is None or stamp == loaded.manifest_stamp:
            return
        try:
            manifest = self.store.checked_manifest(loaded.generation)
        except QAError as exc:
            logger.warning("cannot read the settings stored with the index at %s (%s); "
                           "keeping those read before", self.index_dir, exc)
            manifest = None
        with self._lock:  # the manifest and the stamp it was read under, together
            if loaded.manifest_stamp != stamp:
                loaded.manifest_stamp = stamp  # (a damaged one is not read again)
                if manifest is not None:
                    loaded.manifest = manifest
                    logger.info("the index at %s has new settings: %s", self.index_dir,
                                loaded.settings)

    def _follow_current(self) -> None:
        """Load the generation that the index folder's CURRENT names, when it is not the
        loaded one: another process (`qa index`, another chat) has built the index again.

        Cheap when nothing changed: one read of the small CURRENT file (about 25 µs; an
        answer takes 50 ms or more). Does nothing before the first load, or with a
        retriever of one's own. One thread loads while the others go on answering from the
        loaded index. When CURRENT is gone or damaged, or names a generation that cannot
        be loaded (damaged, another embedding model), answers keep coming from the loaded
        one, and a warning is logged once (until CURRENT changes again)."""
        loaded = self._index
        if loaded is None or self.retriever is not None:
            return
        try:
            current = self.store.current_generation()
            seen = "no CURRENT" if current is None else current.name
            problem: Exception | None = None
        except IndexCorruptError as exc:
            current, seen, problem = None, "a damaged CURRENT", exc
        if current is not None and current == loaded.generation:
            self._unloadable = None
            self._follow_settings(loaded)
            return
        if seen == self._unloadable or not self._follow_lock.acquire(blocking=False):
            return  # known not to load, or another thread is loading it now
        try:
            if self._index is not loaded:
                return  # swapped meanwhile (by another thread, or a build of this pipeline)
            if current is not None:
                try:
                    opened = self._open()
                except (QAError, OSError) as exc:
                    problem = exc
                else:
                    if self._swap_in(opened, replacing=loaded):
                        logger.info("the index at %s was built again: answering from %s",
                                    self.index_dir, opened[0].generation)
                    self._unloadable = None
                    return
            self._unloadable = seen
            why = f": {problem}" if problem else " (the index was removed)"
            logger.warning("cannot load the index at %s as it is now (%s)%s; answering from "
                           "the one loaded before (%s)", self.index_dir, seen, why,
                           loaded.generation.name if loaded.generation else "?")
        finally:
            self._follow_lock.release()

    def _open(self) -> tuple[LoadedIndex, HybridRetriever]:
        """The live index and a retriever over it, ready to swap in (IndexNotFoundError,
        saying how to build one, when there is none)."""
        self._follow_embedding_model()
        return self._retrieving(self.store.load(self.embedder.name))

    def _follow_embedding_model(self) -> None:
        """Given no embedding model, take the one the live index is built with when that
        is no longer the embedder's: another process (`qa index --embedding-model …`)
        rebuilt it with another. Else the chat would go on answering from the index
        loaded before and, at its next upload, re-embed every article with the old
        model and record that, undoing the rebuild."""
        if self._own_embedder is None or self.embedder is not self._own_embedder:
            return
        built = self.built_embedding_model()
        wanted = Embedder(built, batch_size=self.embedder.batch_size,
                          precision=self.embedder.precision)
        if wanted.name != self.embedder.name:
            logger.info("the index at %s is built with the embedding model %s: using it",
                        self.index_dir, wanted.name)
            self.embedder = self._own_embedder = wanted

    def _retrieving(self, loaded: LoadedIndex) -> tuple[LoadedIndex, HybridRetriever]:
        """``loaded`` and a retriever over it, ready to swap in."""
        dense = DenseRetriever(loaded.passages, loaded.faiss_index, self.embedder)
        cache = loaded.generation / BM25_CACHE if loaded.generation else None
        return loaded, HybridRetriever(dense, BM25Retriever(loaded.passages, cache))

    def build(self, paths: Iterable[str | Path], rebuild: bool = False, *,
              expect_sources: Sequence[Path] | None = None) -> tuple[BuildStats, IngestReport]:
        """(Re)index the corpus at ``paths``: the index then holds exactly these documents,
        and records ``paths`` as what it was built from (see :meth:`sources`); the articles
        this removes are in ``BuildStats.removed_documents``, the folders and files the
        index was built from that ``paths`` leaves out in ``BuildStats.dropped_sources``.
        To add to the index, use :meth:`add_documents`.

        Questions are answered from the index loaded before while this reads and embeds;
        the new one is swapped in when it is written. ``expect_sources``: what the live
        index recorded when ``paths`` were worked out from it (:meth:`add_documents`);
        SourcesChanged when another build changed that meanwhile."""
        if isinstance(paths, str | Path):  # one path, not the characters of one
            paths = [paths]
        roots = unique_roots(paths)
        if self.index_dir.resolve() in {r.resolve() for r in roots}:
            raise ConfigError(
                f"the index folder {self.index_dir} is also a folder to index: its own files "
                "would be read as articles. Keep the index in a folder of its own, e.g. qa "
                f"index {self.index_dir} --index {self.index_dir}-index")
        self.store.check_buildable()  # now, not after every article has been read
        # the index and uploads folders may sit inside the corpus: not articles of it
        own = [self.index_dir, *([self.uploads_dir] if self.uploads_dir else [])]
        t0 = time.perf_counter()  # the build's time includes reading the files
        report = load_documents(roots, max_bytes=self.max_file_bytes, exclude=own,
                                indexed=self._indexed_ids())
        if not report.documents:
            raise IngestError(nothing_read(roots, report, self.store.exists()))
        # The store's file lock keeps writers apart; the pipeline's lock is held only to
        # swap the new index in, so answers go on meanwhile. Holding the follow lock, this
        # build is the one that loads the generation it writes (questions asked meanwhile
        # do not load it a second time, see _follow_current).
        chunking, index_type = self.build_settings()
        self._follow_embedding_model()  # the index's own, if another process changed it
        try:
            before = self.recorded_sources() or []
        except QAError:
            before = []  # a damaged index: the build replaces it
        with self._first_build, self._follow_lock:
            # a path that is not there was skipped (IngestReport.skipped), not indexed: as a
            # recorded source it would stop every later refresh and upload ("built from …,
            # which is not there any more")
            stats, built = self.store.build_loaded(report.documents, self.embedder, chunking,
                                                   index_type, rebuild=rebuild,
                                                   sources=[str(p.resolve()) for p in roots
                                                            if p.exists()],
                                                   expect_sources=None if expect_sources is None
                                                   else [str(p) for p in expect_sources])
            self._swap_in(self._retrieving(built))  # as written: not read and hashed again
        stats.seconds = round(time.perf_counter() - t0, 3)
        stats.dropped_sources = [str(p) for p in dropped_sources(before, roots)]
        return stats, report

    def _indexed_ids(self) -> set[str]:
        """The ids of the live index's articles (none without a readable index): of two
        files with one text, a build keeps the one the index has."""
        if not self.store.exists():
            return set()
        try:
            return set(self.store.checked_manifest()["documents"])
        except QAError:
            return set()  # a damaged index: the build replaces it

    def build_settings(self) -> tuple[ChunkSettings, str]:
        """The chunking and index type the next build uses: the pipeline's own where set,
        else those the live index was built with, else the defaults."""
        built: dict[str, Any] = {}
        if (self.chunking is None or self.index_type is None) and self.store.exists():
            try:
                built = self.store.read_manifest()
            except QAError:
                built = {}  # a damaged index: the build replaces it
        chunking = self.chunking
        if chunking is None:
            try:
                chunking = ChunkSettings(**built["chunking"])
            except (KeyError, TypeError, QAError):
                chunking = ChunkSettings()
        index_type = self.index_type or built.get("index_type")
        if index_type not in INDEX_TYPES:
            index_type = "flat"
        return chunking, index_type

    def built_embedding_model(self) -> str | None:
        """The embedding model the live index was built with, for a pipeline given none:
        a refresh, an upload or a question then keeps the index's own model, as a build
        keeps its passage length, rather than re-embedding every article with the default
        model (or refusing the question). None (the default model): no readable index,
        the default built it, or it names a local folder that is not there (its mismatch
        is then said when the index loads)."""
        if not self.store.exists():
            return None
        try:
            built = self.store.read_manifest().get("embedding_model")
        except QAError:
            return None  # a damaged index: loading it says so
        if not isinstance(built, str) or not built or built == DEFAULT_MODEL_ID \
                or missing_model_folder(built):
            return None
        return built

    def damaged_build_settings(self) -> tuple[str | None, str | None]:
        """What is wrong with the passage length and overlap, and with the index type, that
        the live index's manifest records (each None when sound, or without a readable
        manifest): :meth:`build_settings` falls back to the defaults for a damaged one."""
        if not self.store.exists():
            return None, None
        try:
            built = self.store.read_manifest()
        except QAError:
            return None, None
        return chunking_problem(built), index_type_problem(built)

    def recorded_sources(self) -> list[Path] | None:
        """The folders and files the live index was built from, as it recorded them;
        None without an index, or for an index from before qa recorded them."""
        recorded = self.store.recorded_sources()
        return [Path(p) for p in recorded] if recorded else None

    def sources(self) -> list[Path]:
        """What the index is built from: what it recorded at its last build (else the
        corpus), then the uploads folder if it exists. IngestError when a recorded folder
        or file is gone (moved, deleted, an unmounted drive): building without it would
        drop its articles from the index."""
        recorded = self.recorded_sources()
        gone = [p for p in recorded or [] if not p.exists()]
        if gone:
            raise IngestError(
                f"the index at {self.index_dir} was built from {gone[0]}, which is not there "
                "any more, so its articles would be dropped; nothing was changed. Put it "
                "back, or index what the index should hold now: qa index PATH… --index "
                f"{self.index_dir}")
        paths = recorded or ([self.corpus] if self.corpus is not None else [])
        uploads = self.uploads_dir
        if uploads is not None and uploads.is_dir() and uploads.resolve() not in {
                p.resolve() for p in paths}:
            paths.append(uploads)
        return paths

    def can_add_documents(self) -> bool:
        """Whether :meth:`add_documents` knows what the index is built from."""
        return self.corpus is not None or self.recorded_sources() is not None

    def add_documents(self, paths: Iterable[str | Path] = (), rebuild: bool = False
                      ) -> tuple[BuildStats, IngestReport]:
        """Index again what the index was built from (:meth:`sources`), plus ``paths``
        (recorded as sources too; ``qa index --add PATH…``); unchanged files are not
        re-embedded. Call it after files were added to the uploads folder or to the
        folders the index was built from. Without an index yet (and no ``corpus``), the
        index is built from ``paths``. When another build changes the index's sources
        meanwhile (two adds at once), they are read again, so neither addition is lost."""
        paths = [paths] if isinstance(paths, str | Path) else list(paths)
        if paths and self.corpus is None and not self.store.exists():
            return self.build(paths, rebuild)
        if not self.can_add_documents():
            raise ConfigError("this pipeline has no corpus folder to add documents to: "
                              "give it one (corpus=…, or --corpus on the command line)")
        for _ in range(_ADD_ATTEMPTS):
            recorded = self.recorded_sources() or []
            try:
                return self.build(merged_sources(self.sources(), paths), rebuild,
                                  expect_sources=recorded)
            except SourcesChanged:
                logger.info("another build changed what the index at %s holds meanwhile: "
                            "reading its sources again", self.index_dir)
        raise IndexLockedError(f"other builds kept changing the index at {self.index_dir} "
                               f"while this one read its files ({_ADD_ATTEMPTS} times); "
                               "try again when they are done")

    def reload(self) -> None:
        with self._lock:
            self._index = None

    # -- answering ---------------------------------------------------------------
    def retrieve(self, question: str, top_k: int | None = None) -> list[Retrieved]:
        question = clean_question(question, self.max_question_chars)
        self._follow_current()  # a build by another process: retrieve from it
        k = check_top_k(self.top_k if top_k is None else top_k)
        return list(self._ready_retriever().retrieve(question, k))[:k]

    def _ready_retriever(self) -> Retriever:
        """The retriever given, else the built-in one over the loaded index (loading or
        building it first)."""
        if self.retriever is not None:
            return self.retriever
        self._loaded()  # not under self._lock: it may build (lock order in __init__)
        with self._lock:
            assert self._retriever is not None
            return self._retriever

    def answer(self, question: str, *, top_k: int | None = None,
               threshold: float | None = None, query: str | None = None,
               answer_types: bool | None = None) -> Answer:
        """Answer ``question``. ``query`` (default, or empty: the question) is what
        retrieval searches; ``top_k``, ``threshold`` and ``answer_types`` default to the
        pipeline's."""
        question = clean_question(question, self.max_question_chars)
        query = clean_question(query, self.max_question_chars) if query else question
        self._follow_current()  # a build by another process: answer from it
        k = check_top_k(self.top_k if top_k is None else top_k)
        cutoff = self.threshold if threshold is None else check_threshold(threshold)
        retriever = self._ready_retriever()
        # the built-in retriever gets the question's vector, so that embedding is timed apart
        builtin = (retriever if self.retriever is None and isinstance(retriever, HybridRetriever)
                   else None)
        if builtin is not None:
            self.embedder.load()  # loading is not the answer's time: timings_ms measure work
        load_reader = getattr(self.reader, "load", None)
        if callable(load_reader):
            load_reader()
        t0 = time.perf_counter()
        if builtin is not None:  # the question's embedding is timed on its own
            qvec = self.embedder.encode([query])[0]
            t1 = time.perf_counter()
            hits = builtin.retrieve(query, k, query_vector=qvec)
        else:
            t1 = t0
            hits = list(retriever.retrieve(query, k))[:k]
        t2 = time.perf_counter()
        passages = [h.passage.text for h in hits]
        if has_content_word(question) or has_content_word(query):
            readings = list(self.reader.read(question, passages)) if hits else []
            check_readings(passages, readings)
        else:  # function words alone ("the") name nothing to find: the reader would still
            # pick some span ("audio", 0.40, in a trial), so it is not read
            logger.info("not answered: %r has no word to look for, only words such as "
                        "'the' and 'who'", question)
            readings = []
        t3 = time.perf_counter()
        timings = {"embed": (t1 - t0) * 1e3, "retrieve": (t2 - t1) * 1e3,
                   "read": (t3 - t2) * 1e3, "total": (t3 - t0) * 1e3}
        return compose_answer(question, hits, readings, cutoff, timings,
                              answer_types=self.answer_types if answer_types is None
                              else answer_types)

    def answer_many(self, questions: Iterable[str], **kwargs: Any) -> list[Answer]:
        """Answer each question in turn (keywords as :meth:`answer`). A question that
        cannot be asked (empty, too long, not text) raises QuestionError naming it (its
        place, from 1) before any question is answered, so no answer is thrown away."""
        questions = [questions] if isinstance(questions, str) else list(questions)
        for n, question in enumerate(questions, 1):
            with _named(n, question):
                clean_question(question, self.max_question_chars)
        answers = []
        for n, question in enumerate(questions, 1):
            with _named(n, question):
                answers.append(self.answer(question, **kwargs))
        return answers


@contextmanager
def _named(n: int, question: Any) -> Iterator[None]:
    """A QuestionError raised within names the question: its place (from 1) and text."""
    try:
        yield
    except QuestionError as exc:
        shown = question if not isinstance(question, str) or len(question) <= 60 \
            else question[:60] + "…"
        raise QuestionError(f"question {n} ({shown!r}): {exc}") from exc
