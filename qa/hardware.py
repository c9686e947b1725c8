"""What this CPU computes fast: native bf16 (AVX512-BF16 or AMX) sets the default precision
of training and reading. Without it bf16 is emulated and slower than fp32."""

from __future__ import annotations

import functools
import os
import platform
from pathlib import Path

_BF16_FLAGS = {"avx512_bf16", "amx_bf16"}


@functools.cache
def _cpuinfo() -> dict[str, str]:
    """The first processor's entries of /proc/cpuinfo (empty off Linux)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    info: dict[str, str] = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            info[key.strip()] = value.strip()
    return info


def native_bf16() -> bool:
    """True when the CPU has bf16 instructions (AVX512-BF16 or AMX-BF16)."""
    return bool(_BF16_FLAGS & set(_cpuinfo().get("flags", "").split()))


def resolve_precision(precision: str) -> str:
    """'bf16' or 'fp32': ``auto`` is bf16 where the CPU has native bf16, else fp32."""
    if precision == "auto":
        return "bf16" if native_bf16() else "fp32"
    return precision


def cpu_description() -> str:
    """E.g. 'Intel(R) Xeon(R) Processor, 2 cores, native bf16'."""
    name = _cpuinfo().get("model name") or platform.processor() or platform.machine()
    bf16 = "native bf16" if native_bf16() else "no native bf16"
    return f"{name}, {os.cpu_count()} cores, {bf16}"
