"""`qa bench`: the latency and throughput figures of docs/results.md, Benchmarks."""

from __future__ import annotations

import json

import click

from qa.cli import _friendly, main


@main.command("bench")
@click.option("--corpus", default=None, type=click.Path(file_okay=False),
              help="Articles to index and ask over (default: seeds/). The questions "
                   "asked are always the seed questions (about the seed articles), whatever "
                   "the corpus: the figures time answering, not its answers.")
@click.option("--rounds", default=3, show_default=True, type=click.IntRange(min=1),
              help="Passes over the questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_friendly
def bench_cmd(corpus: str | None, rounds: int, as_json: bool) -> None:
    """Benchmark: answer latency per stage, reader latency, indexing throughput.

    \b
    Examples:
      qa bench                      # over the seed articles
      qa bench --corpus ~/notes --rounds 5 --json
    """
    from pathlib import Path

    from qa.bench import SEED_QUESTIONS, bench_answers, bench_indexing, bench_reader
    from qa.config import default_corpus

    root = Path(corpus) if corpus else default_corpus()
    if root is None:  # an installed copy: the seed articles ship only with the checkout
        raise click.UsageError("give the articles to benchmark over with --corpus DIR "
                               "(the seed articles come only with the source checkout)")
    figures = {
        "indexing": bench_indexing(root),
        "answer": bench_answers(SEED_QUESTIONS, root, rounds),
        "reader_5x150_words": bench_reader(corpus=root),
        "reader_5x150_words_compiled": bench_reader(compile=True, corpus=root),
    }
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    ix = figures["indexing"]
    click.echo(f"indexing: {ix['passages']} passages in {ix['seconds']:.2f}s "
               f"({ix['passages_per_second']:.0f} passages/s, models loaded)")
    click.echo(f"answer latency over {figures['answer']['questions']} questions (ms):")
    for stage, p in figures["answer"]["stages_ms"].items():
        click.echo(f"  {stage:<9} p50 {p['p50']:>7.1f}   p95 {p['p95']:>7.1f}")
    for key, label in (("reader_5x150_words", ""), ("reader_5x150_words_compiled", "compiled, ")):
        rd = figures[key]
        r = rd["latency_ms"]
        if label and not rd["compiled"]:
            label = "compile failed, "
        elif label:
            label += f"{rd['compile_seconds']:.0f} s to compile, "
        click.echo(f"reader, 1 question x 5 passages of 150 words: p50 {r['p50']:.1f} ms, "
                   f"p95 {r['p95']:.1f} ms ({label}{rd['precision']}; {rd['cpu']})")
