"""A linear model fitted in a second process while the caller builds the rest of an index.

The fit takes half of an index's build on one core; on two cores, this process builds the
title indexes meanwhile. The second process is a fresh interpreter (``python -m`` this
module), not a fork: safe whatever threads the caller runs, and it never re-runs the caller's
own script. The examples go to it in a temporary file and the model comes back on its
standard output, both pickled between two processes of this code.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence

import scipy.sparse as sp

from fabrique.engine.matching.linear import LinearModel


class FitAside:
    """``LinearModel.fit(rows, targets, n_classes)`` under way in a second process (with
    ``aside``). Without ``aside``, or if that process cannot start or fails, the fit runs
    here when the model is asked for: the same model either way. ``close`` when done
    (``result`` does)."""

    def __init__(
        self,
        rows: sp.csr_matrix,
        targets: Sequence[Sequence[int]],
        n_classes: int,
        *,
        aside: bool = True,
    ) -> None:
        self._arguments = (rows, [list(classes) for classes in targets], n_classes)
        self._process: subprocess.Popen[bytes] | None = None
        self._path: str | None = None
        if aside:
            self._start()

    @property
    def aside(self) -> bool:
        """Whether the fit runs in a second process."""
        return self._process is not None

    def _start(self) -> None:
        fd, self._path = tempfile.mkstemp(prefix="fabrique-fit-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(self._arguments, handle, protocol=pickle.HIGHEST_PROTOCOL)
            # (The child imports this code from where the caller found it.)
            environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, self._path],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=environment,
            )
        except OSError:
            self.close()

    def result(self) -> LinearModel:
        """The fitted model (waits for the second process, if any)."""
        try:
            if self._process is not None:
                output, _ = self._process.communicate()
                if self._process.returncode == 0:
                    model = pickle.loads(output)
                    if isinstance(model, LinearModel):
                        return model
        finally:
            self.close()
        return LinearModel.fit(*self._arguments)

    def close(self) -> None:
        """Stop the second process if it still runs, and remove the examples' file."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None
        if self._path is not None:
            os.unlink(self._path)
            self._path = None


def main(path: str) -> None:
    with open(path, "rb") as handle:
        rows, targets, n_classes = pickle.load(handle)
    model = LinearModel.fit(rows, targets, n_classes)
    sys.stdout.buffer.write(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main(sys.argv[1])
