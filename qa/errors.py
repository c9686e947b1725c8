"""The error hierarchy. Every message says what is wrong and how to fix it."""

from __future__ import annotations


class QAError(Exception):
    """Base class for every error this package raises on purpose."""


class ConfigError(QAError):
    """A setting is invalid."""


class ModelLoadError(QAError):
    """A model could not be loaded from its path or hub id."""


class DataError(QAError):
    """An input data file (SQuAD JSON, gold file) is missing or malformed."""


class QuestionError(QAError):
    """The question is empty or too long."""


class IndexNotFoundError(QAError):
    """No index at the configured path."""


class IndexMismatchError(QAError):
    """The index was built with another embedding model or format version."""


class IndexCorruptError(QAError):
    """An index file cannot be read."""


class IngestError(QAError):
    """A document could not be read."""


class IndexLockedError(QAError):
    """Another process is writing the index."""


class IndexWriteError(QAError):
    """The index folder cannot be written (read-only, a file, a full disk)."""
