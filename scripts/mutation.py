"""Mutation testing of every feature's pure rules and service, with mutmut.

mutmut plants one small bug at a time (a flipped comparison, a dropped argument, a changed
constant) in cogs/<feature>/rules.py and cogs/<feature>/service.py and runs the tests in
tests/cogs/<feature>/ that reach the changed function. A mutant that no test notices
"survives": a bug of that shape would land unseen. The score of a module is the share of
its mutants that were killed.

    .venv/bin/python scripts/mutation.py                      # every rules.py and service.py
    .venv/bin/python scripts/mutation.py polls                # one feature
    .venv/bin/python scripts/mutation.py cogs/polls/rules.py  # one module
    .venv/bin/python scripts/mutation.py --changed-since HEAD~1 --otherwise-rotate 1
    .venv/bin/python scripts/mutation.py purchases --show-survivors
    .venv/bin/python scripts/mutation.py cogs/polls/rules.py --tests tests/cogs/polls/test_rules.py
    .venv/bin/python scripts/mutation.py purchases --sample 120         # an estimate, with its interval
    .venv/bin/python scripts/mutation.py purchases --sample 120 --seed 1  # another draw, to measure again

Each feature runs in its own folder, .mutation/<feature>/, because mutmut takes its settings
from the pyproject.toml of the folder it runs in: that file is the project's own plus a
[tool.mutmut] section naming the feature's modules and tests. The folder is laid anew on
every run (mutmut's cache would keep survivors after a test that kills them was added) and
kept afterwards, so `cd .mutation/<feature> && ../../.venv/bin/python -m mutmut show NAME`
(or `browse`) explains a survivor.

A large service has one to two thousand mutants, and a survivor costs a run of every test
that reaches its function: hours on two cores. `--sample N` checks N of each module's mutants
drawn at random, the same N on every run of the same code, and prints the score with its 95%
interval (Wilson's), an honest estimate where the whole module does not fit the time. A run
stopped by --time-limit gets no interval: mutmut checks the quickest mutants first, so what it
reached is not a random draw.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
# What the tests import besides the mutated cogs/ (mutmut copies tests/ and pyproject.toml itself):
# the polls and onboarding tests count SQL statements with benchmarks/sql_count.py.
ALSO_COPY = ("gromada", "models", "config", "benchmarks")
MODULE_NAMES = ("rules.py", "service.py")
# A mutant counts as caught when the tests failed, or hung until mutmut stopped them.
CAUGHT = {"killed", "timeout"}
# Left without a verdict: the run was stopped before mutmut reached them.
UNCHECKED = {"not checked", "check was interrupted by user"}


def every_module() -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for name in MODULE_NAMES for path in (ROOT / "cogs").glob(f"*/{name}"))


def feature_of(module: str) -> str:
    return Path(module).parts[1]


def dotted(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def resolve(targets: list[str]) -> list[str]:
    """Module paths for arguments that name modules or whole features."""
    known = every_module()
    chosen: list[str] = []
    for target in targets:
        target = target.rstrip("/")
        if target in known:
            chosen.append(target)
            continue
        feature = target.removeprefix("cogs/")
        of_feature = [module for module in known if feature_of(module) == feature]
        if not of_feature:
            raise SystemExit(f"{target}: not a feature nor one of its rules.py/service.py modules")
        chosen.extend(of_feature)
    return sorted(set(chosen))


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def changed_modules(since: str) -> list[str] | None:
    """The rules/service modules changed between `since` and HEAD; None when git cannot tell."""
    try:
        if git("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}").returncode != 0:
            # A shallow clone lacks the commit to compare with; its origin may still have it.
            git("fetch", "--quiet", "--deepen=1")
        diff = git("diff", "--name-only", since, "HEAD", "--", "cogs")
    except subprocess.TimeoutExpired:
        return None
    if diff.returncode != 0:
        return None
    return sorted(set(diff.stdout.split()) & set(every_module()))


def rotation(count: int, day: dt.date) -> list[str]:
    """`count` modules that change every day and come round to every module in turn."""
    known = every_module()
    start = day.toordinal() * count % len(known)
    return [known[(start + offset) % len(known)] for offset in range(min(count, len(known)))]


def mutmut_settings(feature: str, modules: list[str], tests: list[str] | None = None) -> str:
    # A JSON list of strings is also a TOML array.
    selection = tests or [f"tests/cogs/{feature}"]
    return (
        "\n\n[tool.mutmut]\n"
        'source_paths = ["cogs"]\n'
        f"only_mutate = {json.dumps(modules)}\n"
        f"also_copy = {json.dumps(list(ALSO_COPY))}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(selection)}\n"
        # Property tests draw the same examples for every mutant and every run, so that a score
        # does not move because Hypothesis happened to try a rare case this time.
        'pytest_add_cli_args = ["--hypothesis-seed=0"]\n'
    )


def lay_out(feature: str, modules: list[str], tests: list[str] | None = None) -> Path:
    folder = WORK / feature
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("cogs", "tests", *ALSO_COPY):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    settings = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if "[tool.mutmut]" in settings:
        raise SystemExit("pyproject.toml has its own [tool.mutmut]; this script writes that section per feature")
    (folder / "pyproject.toml").write_text(settings + mutmut_settings(feature, modules, tests), encoding="utf-8")
    return folder


def mutant_names(folder: Path, module: str) -> list[str]:
    """Every mutant mutmut plants in `module`, named as `mutmut results` names them."""
    # mutmut has no command that only lists mutants; its own generator, run in the laid-out
    # folder so that it reads that folder's settings, names them the way `mutmut run` will.
    probe = (
        "import json, sys\n"
        "from mutmut.mutation.file_mutation import mutate_file_contents\n"
        "path = sys.argv[1]\n"
        "with open(path, encoding='utf-8') as source:\n"
        "    print(json.dumps(mutate_file_contents(path, source.read()).mutant_names))\n"
    )
    listing = subprocess.run(
        [sys.executable, "-c", probe, module], cwd=folder, capture_output=True, text=True, check=True
    )
    return [f"{dotted(module)}.{name}" for name in json.loads(listing.stdout)]


def sample(names: list[str], count: int, module: str, seed: int = 0) -> list[str]:
    """`count` of `names` drawn at random, the same ones for the same module, names and seed."""
    return sorted(random.Random(f"{module}:{seed}").sample(sorted(names), min(count, len(names))))


def wilson_interval(caught: int, checked: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% interval of a share estimated from `checked` draws (Wilson's score interval)."""
    share = caught / checked
    centre = (share + z * z / (2 * checked)) / (1 + z * z / checked)
    spread = z * math.sqrt(share * (1 - share) / checked + z * z / (4 * checked * checked)) / (1 + z * z / checked)
    return 100.0 * (centre - spread), 100.0 * (centre + spread)


@dataclass
class Score:
    module: str
    statuses: Counter = field(default_factory=Counter)
    survivors: list[str] = field(default_factory=list)
    sampled: bool = False

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def checked(self) -> int:
        return self.total - sum(self.statuses[status] for status in UNCHECKED)

    @property
    def caught(self) -> int:
        return sum(self.statuses[status] for status in CAUGHT)

    @property
    def percent(self) -> float:
        return 100.0 * self.caught / self.checked if self.checked else 0.0

    def line(self) -> str:
        if not self.checked:
            return f"{self.module:32} no mutant checked"
        rest = ", ".join(
            f"{count} {status}" for status, count in sorted(self.statuses.items()) if status not in CAUGHT | UNCHECKED
        )
        partial = "" if self.checked == self.total else f"  PARTIAL: {self.checked} of {self.total} checked"
        if self.sampled and self.checked < self.total:
            low, high = wilson_interval(self.caught, self.checked)
            partial = f"  SAMPLE of {self.checked} of {self.total}: the module's score is {low:.0f}-{high:.0f}% (95%)"
        return (
            f"{self.module:32} killed {self.caught:4} / {self.checked:4}  {self.percent:5.1f}%"
            f"{'  (' + rest + ')' if rest else ''}{partial}"
        )


def mutmut(folder: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=folder, capture_output=True, text=True, **kwargs)


def scores(folder: Path, modules: list[str], sampled: bool = False) -> list[Score]:
    listing = mutmut(folder, "results", "--all", "true")
    if listing.returncode != 0:
        raise RuntimeError(listing.stdout + listing.stderr)
    by_module = {module: Score(module, sampled=sampled) for module in modules}
    for raw in listing.stdout.splitlines():
        name, _, status = raw.strip().rpartition(": ")
        for module, score in by_module.items():
            if name.startswith(dotted(module) + "."):
                score.statuses[status] += 1
                if status in {"survived", "no tests"}:
                    score.survivors.append(name)
    return list(by_module.values())


def run_feature(
    feature: str,
    modules: list[str],
    jobs: int,
    deadline: float | None,
    tests: list[str] | None = None,
    sample_size: int | None = None,
    seed: int = 0,
) -> tuple[str, Path]:
    """Runs mutmut on one feature's modules: "done", "stopped" at the deadline, or "failed"; and its log."""
    folder = lay_out(feature, modules, tests)
    log_path = folder / "mutmut.log"
    chosen = (
        [name for module in modules for name in sample(mutant_names(folder, module), sample_size, module, seed)]
        if sample_size
        else []
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *chosen],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=None if deadline is None else max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            # An interrupt lets mutmut stop its workers and keep the verdicts it has so far.
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            return "stopped", log_path
    return ("done" if process.returncode == 0 else "failed"), log_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help="features or module paths (default: all)")
    parser.add_argument(
        "--changed-since", metavar="REF", help="only the modules changed between REF and HEAD (git diff)"
    )
    parser.add_argument(
        "--otherwise-rotate",
        type=int,
        default=0,
        metavar="N",
        help="with --changed-since: when none changed, N modules chosen by today's date",
    )
    parser.add_argument(
        "--time-limit", type=float, metavar="SECONDS", help="stop after this long and report what was checked so far"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="mutants tested at once")
    parser.add_argument(
        "--fail-under", type=float, metavar="PERCENT", help="exit 1 when a fully checked module scores below PERCENT"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="with --sample: another draw; after adding tests against one sample's survivors, a fresh"
        " seed measures the module without the bias of the mutants the tests were written against",
    )
    parser.add_argument("--show-survivors", action="store_true", help="print the diff of every surviving mutant")
    parser.add_argument(
        "--sample",
        type=int,
        metavar="N",
        help="check N mutants of each module drawn at random (the same ones each run) and print the score's interval",
    )
    parser.add_argument(
        "--tests",
        nargs="+",
        metavar="PATH",
        help="run only these test files or folders instead of all of tests/cogs/<feature> (one feature at a time:"
        " a pure rules.py is covered by its rules tests in seconds, where the feature's bot tests take minutes)",
    )
    options = parser.parse_args()
    # Each feature takes minutes: show its line when it is done, also when stdout is a CI log.
    sys.stdout.reconfigure(line_buffering=True)

    if options.changed_since:
        modules = changed_modules(options.changed_since)
        if modules is None:
            print(f"mutation: git cannot compare with {options.changed_since} here (a shallow clone?)")
            modules = []
        elif modules:
            print(f"mutation: modules changed since {options.changed_since}: {' '.join(modules)}")
        else:
            print(f"mutation: no rules.py or service.py changed since {options.changed_since}")
        if not modules and options.otherwise_rotate:
            modules = rotation(options.otherwise_rotate, dt.datetime.now(dt.UTC).date())
            print(f"mutation: today's rotating subset: {' '.join(modules)}")
        if options.targets:
            modules = sorted(set(modules) | set(resolve(options.targets)))
    else:
        modules = resolve(options.targets) if options.targets else every_module()
    if not modules:
        print("mutation: nothing to test")
        return 0
    if options.tests and len({feature_of(module) for module in modules}) > 1:
        raise SystemExit("--tests narrows the tests of one feature; name modules of a single feature")

    started = time.monotonic()
    deadline = None if options.time_limit is None else started + options.time_limit
    by_feature: dict[str, list[str]] = {}
    for module in modules:
        by_feature.setdefault(feature_of(module), []).append(module)

    results: list[Score] = []
    failed = False
    for position, (feature, of_feature) in enumerate(by_feature.items()):
        feature_started = time.monotonic()
        # Each feature still to run gets an equal share of the time left, so that the first
        # cannot use it all; what one leaves unused goes to the next.
        share = (
            None if deadline is None else feature_started + (deadline - feature_started) / (len(by_feature) - position)
        )
        outcome, log = run_feature(
            feature, of_feature, options.jobs, share, options.tests, options.sample, options.seed
        )
        elapsed = time.monotonic() - feature_started
        try:
            # A sample stopped part-way holds its quickest mutants only: no longer a random draw.
            feature_scores = scores(WORK / feature, of_feature, sampled=bool(options.sample) and outcome == "done")
        except RuntimeError as error:
            feature_scores = []
            print(f"mutation: {feature}: no results ({error}); see {log}")
        if outcome == "failed":
            # A failing clean run or a broken setup: the end of mutmut's log says which.
            failed = True
            print(f"mutation: {feature}: mutmut failed; the end of {log}:")
            print(log.read_text(errors="replace").replace("\r", "\n")[-3000:])
        stopped = ", stopped at the time limit" if outcome == "stopped" else ""
        print(f"mutation: {feature}: {elapsed / 60:.1f} min{stopped}")
        for score in feature_scores:
            print("  " + score.line())
            if options.show_survivors:
                for survivor in score.survivors:
                    shown = mutmut(WORK / feature, "show", survivor)
                    print(shown.stdout.rstrip())
        results.extend(feature_scores)

    print()
    print(f"mutation: scores (killed / checked), {(time.monotonic() - started) / 60:.1f} min in all")
    for score in results:
        print("  " + score.line())
    if not options.show_survivors and any(score.survivors for score in results):
        print("  survivors: scripts/mutation.py --show-survivors, or mutmut show NAME in .mutation/<feature>/")
    if options.fail_under is not None:
        below = [s for s in results if s.checked == s.total and s.percent < options.fail_under]
        for score in below:
            print(f"mutation: {score.module} is below {options.fail_under:g}%")
        failed = failed or bool(below)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
