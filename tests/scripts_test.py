"""Every executable in scripts/: its --help and an unknown option, run where nothing real can be touched.

  scripts_test.py --root R --binary B --python P

For each executable of R/scripts, in a copy of that folder inside a scratch folder (HOME, TMPDIR and
XDG_CACHE_HOME in there too), with apt-get, apt, sudo, cmake, ctest, make, pip, pip3, dpkg, curl and wget on the
PATH, and GBENCH_PYTHON (what scripts/setup makes .venv with), as stubs that write down being called:
  - `--help` and `-h` exit 0 within seconds, print the script's usage (its header comment, which names the
    script) on stdout and nothing on stderr, call no stub and leave no file behind;
  - `--no-such-option` exits 2 with one line on stderr naming the option, before anything is installed, built
    or written (ctest is the real one here: scripts/test has it parse its arguments).
scripts/bench passes its arguments on to graviton-bench (B), after scripts/setup: it runs with a stub .venv, a
configured build folder holding B and a peak cache, so that setting up is quick and only its stubs are called,
and it must end with graviton-bench's own refusal. scripts/report runs report.py with the Python P.

Each check prints one line; the script exits 1 when any failed.
"""

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

failures = []
STUBS = ["apt-get", "apt", "sudo", "cmake", "ctest", "make", "pip", "pip3", "dpkg", "curl", "wget"]
BAD = "--no-such-option"


def check(ok, what, detail=""):
    print(f"{'ok' if ok else 'FAILED'}: {what}" + (f" ({detail})" if detail and not ok else ""))
    if not ok:
        failures.append(what)


def executables(scripts: Path):
    return sorted(p.name for p in scripts.iterdir() if p.is_file() and os.access(p, os.X_OK))


def header(path: Path) -> list[str]:
    """The usage a script documents: its header comment (bash) or its docstring (Python)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".py":
        text = path.read_text(encoding="utf-8")
        start = text.index('"""') + 3
        return text[start:text.index('"""', start)].strip().splitlines()
    out = []
    for line in lines[1:] if lines and lines[0].startswith("#!") else lines:
        if not line.startswith("#"):
            break
        out.append(line[2:] if line.startswith("# ") else line[1:])
    return out


class Sandbox:
    """A scratch folder holding a copy of scripts/ (as ROOT/scripts), stubs, and the run's HOME and TMPDIR."""

    def __init__(self, source_root: Path, stubs=STUBS):
        self.dir = Path(tempfile.mkdtemp(prefix="gbench-scripts-test-"))
        self.root = self.dir / "root"
        shutil.copytree(source_root / "scripts", self.root / "scripts", symlinks=True)
        self.log = self.dir / "stub-calls.log"
        bin_dir = self.dir / "stubs"
        bin_dir.mkdir()
        for name in stubs:
            stub = bin_dir / name
            stub.write_text(f'#!/bin/sh\necho "{name} $*" >>"{self.log}"\nexit 0\n')
            stub.chmod(0o755)
        for d in ("home", "tmp", "cache", "cwd"):
            (self.dir / d).mkdir()
        # The Python that scripts/setup would make .venv with: a stub too, so that a script gone wrong cannot
        # create a real one and pip-install into it.
        python = bin_dir / "python-for-venv"
        python.write_text(f'#!/bin/sh\necho "python-for-venv $*" >>"{self.log}"\nexit 0\n')
        python.chmod(0o755)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("GBENCH_", "GITHUB_", "CMAKE_", "TORCHINDUCTOR_"))}
        self.env.update(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", HOME=str(self.dir / "home"),
                        TMPDIR=str(self.dir / "tmp"), XDG_CACHE_HOME=str(self.dir / "cache"), GBENCH_PYTHON=str(python))

    def files(self):
        """Every path in the scratch folder, with the size and time of each file (a folder's own time changes
        when something is made and removed in it again), the stubs' log left out."""
        seen = {}
        for dirpath, dirnames, filenames in os.walk(self.dir):
            for n in dirnames:
                seen[str((Path(dirpath) / n).relative_to(self.dir))] = "folder"
            for n in filenames:
                p = Path(dirpath) / n
                if p != self.log:
                    st = p.lstat()
                    seen[str(p.relative_to(self.dir))] = (st.st_size, st.st_mtime_ns, stat.S_IFMT(st.st_mode))
        return seen

    def stub_calls(self) -> str:
        return self.log.read_text().strip() if self.log.exists() else ""

    def run(self, name, *args, timeout=10, **env):
        before = self.files()
        self.log.unlink(missing_ok=True)
        try:
            r = subprocess.run([str(self.root / "scripts" / name), *args], cwd=self.dir / "cwd",
                               env=dict(self.env, **env), capture_output=True, text=True, timeout=timeout)
            rc, out, err = r.returncode, r.stdout, r.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = None, e.stdout or "", f"still running after {timeout} s"
            out = out.decode() if isinstance(out, bytes) else out
        after = self.files()
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        return rc, out, err, self.stub_calls(), changed

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def use_python(sandbox: Sandbox, python: str) -> None:
    """ROOT/.venv for scripts/report: the venv that holds `python` (linked as a whole, so that Python finds its
    pyvenv.cfg), or a folder whose bin/python is that interpreter."""
    venv = Path(python).parent.parent
    if (venv / "pyvenv.cfg").exists():
        (sandbox.root / ".venv").symlink_to(venv.resolve(), target_is_directory=True)
    else:
        (sandbox.root / ".venv" / "bin").mkdir(parents=True)
        (sandbox.root / ".venv" / "bin" / "python").symlink_to(Path(python).resolve())


def check_help(source_root: Path, name: str) -> None:
    box = Sandbox(source_root)
    try:
        usage = header(source_root / "scripts" / name)
        outputs = []
        for flag in ("--help", "-h"):
            rc, out, err, calls, changed = box.run(name, flag)
            outputs.append(out)
            check(rc == 0, f"{name} {flag}: exit 0 within 10 s", f"exit {rc}: {err.strip()[-300:]}")
            lines = out.splitlines()
            check(bool(usage) and lines[:1] == usage[:1] and f"scripts/{name}" in out,
                  f"{name} {flag}: prints its usage (its header, naming scripts/{name})",
                  f"first line {lines[:1]}, header starts {usage[:1]}")
            check(err == "", f"{name} {flag}: nothing on stderr", err.strip()[-300:])
            check(calls == "", f"{name} {flag}: calls no package manager or build tool", calls)
            check(not changed, f"{name} {flag}: leaves no file behind", ", ".join(changed[:5]))
        check(outputs[0] == outputs[1], f"{name}: -h prints what --help prints")
    finally:
        box.remove()


def check_bad_option(source_root: Path, name: str, python: str) -> None:
    box = Sandbox(source_root, stubs=[s for s in STUBS if s != "ctest"])
    try:
        if name == "report":
            use_python(box, python)
        rc, out, err, calls, changed = box.run(name, BAD, timeout=30)
        check(rc == 2, f"{name} {BAD}: exit 2", f"exit {rc}: {err.strip()[-300:]}")
        lines = err.strip().splitlines()
        check(len(lines) == 1 and BAD in lines[0], f"{name} {BAD}: one line on stderr naming the option",
              err.strip()[-300:])
        check(out == "", f"{name} {BAD}: nothing on stdout", out.strip()[-300:])
        check(calls == "" and not changed, f"{name} {BAD}: refused before anything is installed, built or written",
              f"{calls} {', '.join(changed[:5])}")
    finally:
        box.remove()


def check_bench_bad_option(source_root: Path, binary: str) -> None:
    """scripts/bench --no-such-option: set up (stubs only), then graviton-bench's own refusal."""
    box = Sandbox(source_root, stubs=[s for s in STUBS if s != "ctest"])
    try:
        venv_python = box.root / ".venv" / "bin" / "python"
        venv_python.parent.mkdir(parents=True)
        venv_python.write_text(f'#!/bin/sh\necho "venv-python $*" >>"{box.log}"\nexit 0\n')
        venv_python.chmod(0o755)
        build = box.dir / "build"
        (build / "apps").mkdir(parents=True)
        (build / "CMakeCache.txt").write_text("# configured\n")
        (build / "apps" / "graviton-bench").symlink_to(Path(binary).resolve())
        # The peak figures a benchmark run looks up first, in this scratch cache: tiny, so measured at once.
        r = subprocess.run([binary, "peak", "--gemm-size", "64", "--repeats", "1", "--warmup", "0", "--triad-mib", "1",
                            "--threads", "1"], env=box.env, capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "bench: a peak cache for the scratch HOME", r.stderr[-300:])
        rc, out, err, calls, _ = box.run("bench", BAD, timeout=120, GBENCH_BUILD_DIR=str(build))
        check(rc == 2, f"bench {BAD}: graviton-bench's exit 2", f"exit {rc}: {err.strip()[-500:]}")
        check(f"argument was not expected: {BAD}" in err, f"bench {BAD}: graviton-bench names the option",
              err.strip()[-500:])
        check("cmake --build" in calls, "bench: set up first (scripts/setup's build, a stub here)", calls)
    finally:
        box.remove()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True, help="the source tree")
    ap.add_argument("--binary", required=True, help="graviton-bench")
    ap.add_argument("--python", required=True, help="a Python with matplotlib (scripts/report's)")
    a = ap.parse_args()
    root = Path(a.root)
    names = executables(root / "scripts")
    check(len(names) >= 15, f"scripts/ holds the executables ({len(names)})", " ".join(names))
    for name in names:
        check_help(root, name)
        if name == "bench":
            check_bench_bad_option(root, a.binary)
        else:
            check_bad_option(root, name, a.python)
    print(f"{len(failures)} failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
