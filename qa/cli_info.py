"""`qa info`: what an index holds and how it answers, without loading any model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from qa.cli import _friendly, _index_option, main
from qa.text import counted


def index_info(index_dir: str | Path | None = None) -> dict[str, Any]:
    """What the index at ``index_dir`` (default: the default index) holds: its articles,
    how it was built and the answering settings in force. Reads the manifest only; a
    missing index is an IndexNotFoundError (nothing is built)."""
    from qa.index_files import passage_counts
    from qa.pipeline import QAPipeline

    pipe = QAPipeline(index_dir)
    gen = pipe.store.current_generation()
    manifest = pipe.store.checked_manifest(gen)
    stored = manifest.get("settings") or {}
    documents = manifest.get("documents") or {}
    counts = passage_counts(gen / "passages.sqlite") if gen is not None else None
    return {
        "index": str(pipe.index_dir),
        "created": manifest.get("created"),
        "embedding_model": manifest.get("embedding_model"),
        "dimension": manifest.get("dimension"),
        "chunking": manifest.get("chunking"),
        "index_type": manifest.get("index_type", "flat"),
        "passages": manifest.get("passages"),
        "sources": manifest.get("sources") or [],
        "settings": {  # in force: what answering uses, stored or default
            "threshold": pipe.threshold,
            "top_k": pipe.top_k,
            "answer_types": pipe.answer_types,
            "calibrated": stored.get("threshold") is not None,
        },
        # passages: how many the article was split into (None: the passages file is damaged)
        "documents": [{"doc_id": doc_id, "title": (meta or {}).get("title") or doc_id,
                       "passages": None if counts is None else counts.get(doc_id, 0)}
                      for doc_id, meta in sorted(documents.items())],
        # what loading the index would refuse it for (a data file damaged), else None
        "damaged": pipe.store.damage(gen, manifest) if gen is not None else None,
    }


@main.command("info")
@_index_option
@click.option("--json", "as_json", is_flag=True, help="Print it as one JSON object.")
@_friendly
def info_cmd(index_dir: str | None, as_json: bool) -> None:
    """Show what the index holds and how it answers: its articles, what it
    was built from and with, and the threshold and top-k in force. Loads no
    model, so it is instant; checks the index's files against the hashes it
    recorded, and ends with an error (status 1) when one is damaged.

    \b
    Examples:
      qa info
      qa info --index ~/notes-index --json
    """
    info = index_info(index_dir)
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        _print_info(info)
    if info["damaged"]:  # listed all the same: its sources are what to rebuild from
        raise click.ClickException(info["damaged"])


def _print_info(info: dict[str, Any]) -> None:
    chunking = info["chunking"] if isinstance(info["chunking"], dict) else {}
    settings = info["settings"]
    docs = info["documents"]
    tuned = ("as calibrated with qa calibrate" if settings["calibrated"]
             else "defaults; qa calibrate GOLD tunes them")
    lines = [
        f"Index      {info['index']}" + (f"  (built {info['created']})" if info["created"] else ""),
        f"Holds      {counted(len(docs), 'article')} in {counted(info['passages'] or 0, 'passage')}"
        f" of up to {chunking.get('max_words', '?')} words "
        f"({chunking.get('overlap_words', '?')} overlap), {info['index_type']} FAISS index",
        f"Embedding  {info['embedding_model']} ({info['dimension']} dimensions)",
        "Sources    " + ("\n           ".join(info["sources"]) or "not recorded "
                         "(index made before 2026-12-02)"),
        f"Answering  threshold {settings['threshold']:.4f}, top-k {settings['top_k']}, answer "
        f"checks {'on' if settings['answer_types'] else 'off'} ({tuned})",
    ]
    if docs:
        width = min(max(len(d["doc_id"]) for d in docs), 40)
        all_counted = all(d["passages"] is not None for d in docs)
        lines.append("Articles" + ("  (passages, id, title)" if all_counted else ""))
        lines += [(f"  {d['passages']:>5}" if all_counted else "") + f"  {d['doc_id']:{width}s}"
                  f"  {d['title']}" for d in docs]
    click.echo("\n".join(lines))
