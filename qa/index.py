"""The index on disk: FAISS vectors, passages in SQLite, and a manifest.

Layout of an index folder::

    CURRENT              name of the live generation (replaced atomically)
    gen-<id>/            manifest.json, passages.sqlite, vectors.npy, dense.faiss (see
                         qa.generations: which folders are generations)
                         (+ bm25/, the retriever's cache of its keyword index)
    .lock                held while a build writes

A build writes a whole new generation beside the live one, then swaps CURRENT
with ``os.replace``: a crash at any point leaves the previous index usable.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.chunk import CHUNKER_VERSION, ChunkSettings
from qa.embed import DEFAULT_MODEL_ID, Embedder, missing_model_folder, same_model
from qa.errors import (
    ConfigError,
    IndexCorruptError,
    IndexMismatchError,
    IndexNotFoundError,
    IndexWriteError,
    ModelLoadError,
    QAError,
)
from qa.fileio import write_atomic
from qa.generations import (
    BY_OPTION,
    DATA_FILES,
    GENERATION_NAME,
    a_file_not_a_folder,
    cannot_write,
    new_generation_name,
    newest_complete_generation,
    remove_leftover_generations,
    warn_once,
)
from qa.index_files import changed_file, folder_lock, read_data, write_data
from qa.manifest import (
    INDEX_TYPES,
    index_of_generation,
    manifest_problem,
    manifest_stamp,
    no_index_message,
    rebuild_hint,
    same_contents,
)
from qa.reuse import BuildStats, assemble
from qa.types import Document, Passage

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


class SourcesChanged(Exception):
    """Another build changed what the index is built from while this one read its files
    (two ``qa index --add`` at once): the build reads the sources again and retries."""


@dataclass
class LoadedIndex:
    path: Path
    manifest: dict[str, Any]
    passages: list[Passage]
    vectors: np.ndarray
    faiss_index: Any
    generation: Path | None = None  # the folder the files came from (immutable once live)
    #: which manifest file was read, and when it was written (see manifest_stamp), taken
    #: before reading it: a rewrite after that (qa calibrate) shows as another stamp
    manifest_stamp: tuple[int, int] | None = None

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.manifest.get("settings", {}))


class IndexStore:
    """Reads and (re)builds the index in one folder."""

    def __init__(self, path: str | Path, lock_timeout: float = 30.0,
                 named_by: str = BY_OPTION) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        #: how the folder was chosen (--index, or $QA_INDEX_DIR): messages name it
        self.named_by = named_by

    # -- reading -----------------------------------------------------------------
    def current_generation(self) -> Path | None:
        """The live generation's folder; None without an index.

        CURRENT names it; without CURRENT, or when CURRENT is damaged (unreadable, not a
        generation's name, or naming a generation that is not there or not complete),
        the newest complete generation a build wrote is taken, with a warning. Only
        generation folders inside this folder are ever taken, so a damaged pointer can
        never lead a build to read or delete anything outside it. IndexCorruptError when
        CURRENT is damaged and no complete generation is left.
        """
        pointer = self.path / "CURRENT"
        seen = None
        for _ in range(3):  # a build may swap CURRENT and delete the old generation meanwhile
            if not pointer.is_file():
                return self._unnamed_generation()
            try:
                name = pointer.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                return self._generation_despite(f"it cannot be read ({exc})")
            if not GENERATION_NAME.fullmatch(name):
                return self._generation_despite(
                    f"{name[:60]!r} is not the name of a generation" if name
                    else "it is empty")
            gen = self.path / name
            if (gen / "manifest.json").is_file() or name == seen:
                break
            seen = name  # read CURRENT again: a build may have replaced it
        if not (gen / "manifest.json").is_file():
            # a build names a generation only once it is complete: CURRENT was edited, or
            # the generation deleted by hand
            return self._generation_despite(
                f"it names {name}, which is not there" if not gen.is_dir()
                else f"it names {name}, which has no manifest.json",
                gone=None if gen.is_dir() else name)
        return gen

    def _generation_despite(self, problem: str, gone: str | None = None) -> Path:
        """The generation to use when CURRENT is damaged (``problem`` says how; ``gone``:
        the generation it names, when that folder is not there): the newest complete one,
        with a warning; IndexCorruptError when there is none."""
        newest = newest_complete_generation(self.path)
        if newest is None:
            what = (f"the index's data folder {self.path / gone}, which CURRENT names, is "
                    "not there (deleted or moved?)" if gone else
                    f"the index pointer {self.path / 'CURRENT'} is damaged ({problem})")
            raise IndexCorruptError(
                f"{what}, and {self.path} holds no complete generation to use instead. "
                f"{rebuild_hint(self.path, articles_needed=True)}")
        warn_once(self.path, newest, f"its CURRENT file is damaged ({problem})")
        return newest

    def _unnamed_generation(self) -> Path | None:
        """Without CURRENT, the newest complete generation a build wrote (CURRENT deleted by
        hand, or a build stopped right before naming its generation); None when there is
        none. Taking it keeps a build from replacing the user's index with the default
        articles, and from deleting it as a leftover."""
        newest = newest_complete_generation(self.path)
        if newest is not None:
            warn_once(self.path, newest, "it has no CURRENT file")
        return newest

    def _live_generation(self) -> Path | None:
        """The live generation for a build to keep; None when there is none or it is damaged."""
        try:
            return self.current_generation()
        except IndexCorruptError:
            return None

    def exists(self) -> bool:
        return (self.path / "CURRENT").is_file() or self._unnamed_generation() is not None

    def read_manifest(self, gen: Path | None = None) -> dict[str, Any]:
        """The manifest of generation ``gen`` (default: the live one)."""
        gen = gen or self.current_generation()
        if gen is None:
            raise IndexNotFoundError(self._no_index())
        try:
            manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
            if not isinstance(manifest, dict):
                raise ValueError("not a JSON object")
            return manifest
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(
                f"the index manifest in {gen} cannot be read ({exc}). "
                f"{rebuild_hint(self.path, articles_needed=True)}"
            ) from exc

    def _no_index(self) -> str:
        return no_index_message(self.path, self.named_by)

    def checked_manifest(self, gen: Path | None = None) -> dict[str, Any]:
        """``read_manifest``, checked: IndexMismatchError for another format version,
        IndexCorruptError for a damaged structure."""
        gen = gen or self.current_generation()
        manifest = self.read_manifest(gen)
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"the index at {self.path} has format version {manifest.get('format_version')}, "
                f"this version of qa reads version {FORMAT_VERSION}. {rebuild_hint(self.path)}"
            )
        problem = manifest_problem(manifest)
        if problem:
            raise IndexCorruptError(
                f"the index manifest in {gen} is damaged ({problem}). {rebuild_hint(self.path)}"
            )
        return manifest

    def settings(self) -> dict[str, Any]:
        """The live index's stored settings (e.g. the calibrated threshold), from its
        manifest alone; {} without an index. Like :meth:`load`, reads again when a build
        swaps generations meanwhile."""
        for _ in range(3):
            gen = self.current_generation()
            if gen is None:
                return {}
            try:
                return dict(self.checked_manifest(gen).get("settings") or {})
            except IndexCorruptError:
                if self._live_generation() == gen:
                    raise
        return dict(self.checked_manifest().get("settings") or {})

    def load(self, embedding_model: str | None = None) -> LoadedIndex:
        """Load the live index; check it was built by ``embedding_model`` (its stable name).

        A build that swaps generations while this reads is not an error: load again.
        """
        for _ in range(3):
            gen = self.current_generation()
            try:
                return self._load_live(embedding_model)
            except IndexCorruptError:
                if self._live_generation() == gen:
                    raise
                logger.info("the index at %s changed while loading: loading it again", self.path)
        return self._load_live(embedding_model)

    def _load_live(self, embedding_model: str | None) -> LoadedIndex:
        # One look at CURRENT: the manifest and the files must come from the same generation.
        gen = self.current_generation()
        stamp = manifest_stamp(gen)
        manifest = self.checked_manifest(gen)
        assert gen is not None
        if embedding_model is not None and not same_model(manifest.get("embedding_model"),
                                                          embedding_model):
            built = manifest.get("embedding_model")
            use = ("leave out --embedding-model" if built == DEFAULT_MODEL_ID
                   else f"--embedding-model {built}")
            if isinstance(built, str) and missing_model_folder(built):  # moved or deleted
                use += ", a folder that is not there any more: give the model's new place"
            if missing_model_folder(embedding_model):
                # no model there: rebuilding "for the configured model" cannot work either
                raise ModelLoadError(
                    f"no embedding model folder at {embedding_model}: pass a local "
                    f"sentence-transformers folder, or use the model the index at {self.path} "
                    f"was built with, '{built}' ({use}).")
            # the flag even for the default model: without one, a rebuild keeps the
            # model the index was built with (QAPipeline.built_embedding_model)
            flag = f" --embedding-model {embedding_model}"
            raise IndexMismatchError(
                f"the index at {self.path} was built with the embedding model '{built}', but "
                f"'{embedding_model}' is configured. Rebuild it for the configured model with: "
                f"qa index --rebuild --index {self.path}{flag} [ARTICLES…], or use the model "
                f"it was built with ({use})."
            )
        try:
            changed = changed_file(gen, manifest)  # hashes recorded since 2026-12-02
            if changed is not None:
                raise IndexCorruptError(self._changed_message(gen, changed))
            passages, vectors, index = read_data(gen)
        except (OSError, ValueError, RuntimeError, sqlite3.Error) as exc:
            raise IndexCorruptError(
                f"the index files in {gen} are damaged ({type(exc).__name__}: {exc}). "
                f"{rebuild_hint(self.path)}"
            ) from exc
        n = len(passages)
        if vectors.shape != (n, manifest.get("dimension")) or index.ntotal != n:
            raise IndexCorruptError(
                f"the index files in {gen} disagree ({n} passages, vectors {vectors.shape}, "
                f"FAISS {index.ntotal}). {rebuild_hint(self.path)}"
            )
        return LoadedIndex(self.path, manifest, passages, vectors, index, gen, stamp)

    # -- writing -----------------------------------------------------------------
    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Hold the index's write lock; wait up to ``lock_timeout`` seconds for it.
        IndexWriteError when the folder cannot be written."""
        return folder_lock(self.path, self.lock_timeout, self.named_by)

    def check_buildable(self) -> None:
        """Refuse a folder no index can be built in (before any article is read): a file
        (IndexWriteError), or one generation of an index (ConfigError: the index written
        there would go with that generation)."""
        if self.path.exists() and not self.path.is_dir():
            raise IndexWriteError(a_file_not_a_folder(self.path, self.named_by))
        index = index_of_generation(self.path)
        if index is not None:
            raise ConfigError(f"{self.path} is one generation of the index {index}, not an "
                              f"index folder: use --index {index}")

    def build(self, documents: Sequence[Document], embedder: Embedder,
              chunking: ChunkSettings | None = None, index_type: str = "flat",
              rebuild: bool = False, progress: bool = True,
              sources: Sequence[str] | None = None) -> BuildStats:
        """Index ``documents`` (the whole corpus): reuse unchanged ones, drop missing ones.
        ``sources``, the folders and files they were read from, is recorded in the manifest."""
        return self.build_loaded(documents, embedder, chunking, index_type, rebuild,
                                 progress, sources)[0]

    def build_loaded(self, documents: Sequence[Document], embedder: Embedder,
                     chunking: ChunkSettings | None = None, index_type: str = "flat",
                     rebuild: bool = False, progress: bool = True,
                     sources: Sequence[str] | None = None,
                     expect_sources: Sequence[str] | None = None,
                     ) -> tuple[BuildStats, LoadedIndex]:
        """:meth:`build`, and the index it leaves live, as it was written (or, when nothing
        changed, as it was read and checked for reuse): no need to read and hash its files
        again to answer from it. ``expect_sources``: the sources the live index recorded
        when ``documents`` were read; SourcesChanged when, with the lock held, it records
        others (another build added to it meanwhile), and nothing is written."""
        if index_type not in INDEX_TYPES:
            raise ConfigError(f"index_type must be one of {INDEX_TYPES}, got '{index_type}'")
        self.check_buildable()
        chunking = chunking or ChunkSettings()
        t0 = time.perf_counter()
        with self.lock():
            recorded = self._recorded() if expect_sources is not None else None
            if recorded is not None and recorded != set(expect_sources or ()):
                raise SourcesChanged(f"the sources of the index at {self.path} changed")
            self._remove_stale_generations()
            previous = None if rebuild else self._previous_for_reuse(embedder.name, chunking)
            stats, passages, vectors = assemble(documents, embedder, chunking, previous,
                                                progress)
            settings = previous.settings if previous else self._old_settings()
            manifest = {
                "format_version": FORMAT_VERSION,
                "embedding_model": embedder.name,
                "dimension": int(vectors.shape[1]),
                "chunking": asdict(chunking),
                "chunker": CHUNKER_VERSION,
                "index_type": index_type,
                "documents": {d.doc_id: {"hash": d.content_hash, "title": d.title}
                              for d in documents},
                "passages": len(passages),
                "settings": settings,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            if sources is not None:
                manifest["sources"] = list(sources)
            if previous is not None and same_contents(previous.manifest, manifest):
                logger.info("the index at %s is up to date: nothing to write", self.path)
                if previous.generation is not None and not self._names(previous.generation):
                    try:  # the generation taken without (a sound) CURRENT: named again
                        write_atomic(self.path / "CURRENT", previous.generation.name + "\n")
                    except OSError as exc:
                        raise IndexWriteError(cannot_write(self.path, exc, self.named_by)) from exc
                live = previous
            else:
                try:
                    live = self._write_generation(manifest, passages, vectors, index_type)
                except (OSError, sqlite3.Error, RuntimeError) as exc:  # RuntimeError: FAISS's
                    raise IndexWriteError(
                        f"could not write the index at {self.path} ({exc}); the index in use "
                        "is unchanged. A build writes a second copy of the index beside the "
                        "first: free some space (or fix the folder's permissions) and try "
                        "again") from exc
        stats.seconds = round(time.perf_counter() - t0, 3)
        return stats, live

    def update_settings(self, **settings: Any) -> None:
        """Merge ``settings`` (e.g. the calibrated threshold) into the live manifest; a
        setting given as None is removed (its default applies again)."""
        with self.lock():
            manifest = self.read_manifest()
            stored = manifest.setdefault("settings", {})
            stored.update(settings)
            for key in [k for k, v in settings.items() if v is None]:
                del stored[key]
            gen = self.current_generation()
            assert gen is not None
            try:
                write_atomic(gen / "manifest.json", json.dumps(manifest, indent=2))
            except OSError as exc:
                raise IndexWriteError(
                    f"could not store the settings in the index at {self.path} ({exc}); the "
                    "index is unchanged. Free some space (or fix the folder's permissions) "
                    "and try again") from exc

    def recorded_sources(self) -> list[str] | None:
        """The folders and files the live index was built from, as it recorded them; None
        without an index, or for an index from before qa recorded them."""
        if not self.exists():
            return None
        recorded = self.read_manifest().get("sources")
        if not isinstance(recorded, list):
            return None
        return [p for p in recorded if isinstance(p, str)] or None

    def _recorded(self) -> set[str] | None:
        """:meth:`recorded_sources` as a set (empty without them); None when the manifest
        cannot be read (a damaged index: the build replaces it)."""
        try:
            return set(self.recorded_sources() or ())
        except QAError:
            return None

    def _names(self, generation: Path) -> bool:
        """Whether CURRENT names ``generation``."""
        try:
            return (self.path / "CURRENT").read_text(encoding="utf-8").strip() == \
                generation.name
        except (OSError, UnicodeDecodeError):
            return False

    def _changed_message(self, gen: Path, changed: str) -> str:
        return (f"the index file {gen / changed} is not as it was written (changed or "
                f"damaged since). {rebuild_hint(self.path)}")

    def damage(self, gen: Path, manifest: dict[str, Any]) -> str | None:
        """What is wrong with the data files of generation ``gen`` (its manifest:
        ``manifest``), as loading it would say, without loading it: a file missing,
        unreadable, or not as it was written (its hash); None when they are sound, as
        far as their hashes tell (indexes before 2026-12-02 recorded none)."""
        missing = next((name for name in DATA_FILES if not (gen / name).is_file()), None)
        if missing is not None and not manifest.get("files"):  # no hashes (before 2026-12-02)
            return (f"the index file {gen / missing} is missing. "
                    f"{rebuild_hint(self.path)}")
        try:
            changed = changed_file(gen, manifest)
        except OSError as exc:
            return (f"the index files in {gen} are damaged ({type(exc).__name__}: {exc}). "
                    f"{rebuild_hint(self.path)}")
        return None if changed is None else self._changed_message(gen, changed)

    def _old_settings(self) -> dict[str, Any]:
        try:
            manifest = self.read_manifest() if self.exists() else {}
        except IndexCorruptError:
            return {}
        settings = manifest.get("settings")
        if not isinstance(settings, dict) or manifest_problem(manifest):
            return {}
        return dict(settings)

    def _previous_for_reuse(self, model: str, chunking: ChunkSettings) -> LoadedIndex | None:
        if not self.exists():
            return None
        try:
            prev = self.load(model)
        except (IndexMismatchError, IndexCorruptError) as exc:
            # this build is the rebuild the message asks for: not "Rebuild it with …"
            why = str(exc).split(" Rebuild it")[0].rstrip(" .,")
            logger.warning("not reusing the old index (%s): this build replaces it, "
                           "embedding every article again", why)
            return None
        if prev.manifest.get("chunking") != asdict(chunking):
            logger.info("chunking settings changed: re-embedding everything")
            return None
        return prev

    def _write_generation(self, manifest: dict[str, Any], passages: list[Passage],
                          vectors: np.ndarray, index_type: str) -> LoadedIndex:
        """Write a new generation and make it live; it comes back as it was written (each
        data file hashed once, here, for the manifest)."""
        old = self._live_generation()  # before the new one exists: never taken for it
        name = new_generation_name()
        gen = self.path / name
        gen.mkdir(parents=True)
        try:
            manifest, faiss_index = write_data(gen, manifest, passages, vectors, index_type)
            stamp = manifest_stamp(gen)
            write_atomic(self.path / "CURRENT", name + "\n")
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        if old is not None and old != gen:
            shutil.rmtree(old, ignore_errors=True)
        logger.info("index written to %s (%d passages)", gen, len(passages))
        return LoadedIndex(self.path, manifest, passages, vectors, faiss_index, gen, stamp)

    def _remove_stale_generations(self) -> None:
        """Drop generations a crashed build left behind (caller holds the lock): folders a
        build wrote, by their name and what they hold; any other folder stays."""
        live = self._live_generation()
        # a generation taken without a sound CURRENT may not be the one that was live:
        # the other complete ones stay until a build has named its own
        remove_leftover_generations(self.path, keep=live,
                                    keep_complete=live is None or not self._names(live))
