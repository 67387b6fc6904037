"""PDF text extraction in a child process with CPU, memory, time and output limits (resource.setrlimit).

One small PDF kept the worker busy 38 s in the review and held an emergency notice back: a parser's worst
case is now the child's problem. It is killed at its limits and the document is indexed by its title only.
Run as ``python -m carnet.records.extractor MAX_CHARS`` (PDF on stdin, text on stdout); it needs no Django.
"""

import io
import resource
import subprocess
import sys

CPU_SECONDS = 10
MEMORY_BYTES = 768 * 1024 * 1024
WALL_SECONDS = 20
MAX_CHARS = 1_000_000
MAX_PAGES = 50
COMMAND = [sys.executable, "-m", "carnet.records.extractor"]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def pdf_text(data: bytes) -> str:
    """The PDF's text, at most MAX_CHARS characters; "" when the child fails or hits a limit."""
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [*COMMAND, str(MAX_CHARS)],
            input=data,
            capture_output=True,
            timeout=WALL_SECONDS,
            preexec_fn=_limits,  # noqa: PLW1509 - the worker is single-threaded where this runs
            check=False,
        )
    except subprocess.TimeoutExpired:
        return ""
    if done.returncode != 0:
        return ""
    return done.stdout.decode("utf-8", "replace")[:MAX_CHARS]


def main() -> None:
    from pypdf import PdfReader  # only the child needs the parser

    budget = int(sys.argv[1]) if len(sys.argv) > 1 else MAX_CHARS
    reader = PdfReader(io.BytesIO(sys.stdin.buffer.read()))
    parts = []
    for page in reader.pages[:MAX_PAGES]:
        parts.append(page.extract_text() or "")
        budget -= len(parts[-1])
        if budget <= 0:
            break
    sys.stdout.write(" ".join(parts))


if __name__ == "__main__":
    main()
