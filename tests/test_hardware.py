"""CPU feature detection behind the default precision."""

from __future__ import annotations

import pytest

from qa import hardware


@pytest.fixture(autouse=True)
def _fresh_cache():
    hardware._cpuinfo.cache_clear()
    yield
    hardware._cpuinfo.cache_clear()


def _fake_cpuinfo(monkeypatch, tmp_path, flags: str) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text(f"processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: {flags}\n\n"
                    "processor\t: 1\nmodel name\t: Other\nflags\t\t: amx_bf16\n")
    real_path = hardware.Path
    monkeypatch.setattr(hardware, "Path",
                        lambda p: info if p == "/proc/cpuinfo" else real_path(p))


@pytest.mark.parametrize("flags, expected", [
    ("fpu avx2 avx512f avx512_bf16", True),
    ("fpu avx2 amx_bf16 amx_tile", True),
    ("fpu avx2 fma avx512f avx512bw", False),  # AVX-512 without bf16: emulated, slow
    ("", False),
])
def test_native_bf16_reads_the_first_processors_flags(monkeypatch, tmp_path, flags,
                                                      expected) -> None:
    _fake_cpuinfo(monkeypatch, tmp_path, flags)
    assert hardware.native_bf16() is expected
    described = hardware.cpu_description()
    assert described.startswith("Test CPU, ")
    assert described.endswith("native bf16") and ("no native" in described) is not expected


def test_no_cpuinfo_means_no_bf16(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(hardware, "Path", lambda p: tmp_path / "missing")
    assert hardware.native_bf16() is False
    assert hardware.cpu_description()


# The reader and the embedder take their precision the same way.
MODELS = [("qa.reader", "ExtractiveReader", "QA_READER_PRECISION"),
          ("qa.embed", "Embedder", "QA_EMBED_PRECISION")]


def _model_class(module: str, name: str):
    import importlib

    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("module, name, env", MODELS)
def test_precision_is_validated_and_auto_follows_the_cpu(monkeypatch, module: str, name: str,
                                                         env: str) -> None:
    from qa.errors import ConfigError

    cls = _model_class(module, name)
    with pytest.raises(ConfigError, match="precision"):
        cls(precision="fp16")
    monkeypatch.setattr(hardware, "native_bf16", lambda: True)
    assert cls().dtype == "bf16"
    monkeypatch.setattr(hardware, "native_bf16", lambda: False)
    assert cls().dtype == "fp32"
    assert cls(precision="bf16").dtype == "bf16"


@pytest.mark.parametrize("module, name, env", MODELS)
def test_precision_from_the_environment(monkeypatch, module: str, name: str, env: str) -> None:
    from qa.errors import ConfigError

    cls = _model_class(module, name)
    monkeypatch.setenv(env, "fp32")
    assert cls().dtype == "fp32"
    assert cls(precision="bf16").dtype == "bf16"  # an argument wins
    monkeypatch.setenv(env, "half")
    with pytest.raises(ConfigError, match=env):
        cls()
