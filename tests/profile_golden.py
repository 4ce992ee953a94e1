#!/usr/bin/env python3
"""Writes tests/baselines/profile-table*.txt with PyTorch's own key_averages().table().

The events are the ones between "// golden events begin" and "// golden events end" in
tests/profile/golden_events.hpp, so the C++ test and this script cannot drift apart. They go through the same
Python code a real profile does: torch.autograd.profiler.profile._parse_kineto_results (filtering,
hidden and async events, memory records, name rewriting), EventList._build_tree, key_averages and
table. The C++ test then checks that gbench::profile prints the same bytes.

Run with the venv whose torch LibTorch comes from:  .venv/bin/python tests/profile_golden.py
"""

import ast
import pathlib
import re
import sys
import types

import torch
from torch.autograd import DeviceType
from torch.autograd.profiler import profile
from torch.autograd.profiler_util import EventList

HERE = pathlib.Path(__file__).resolve().parent
TEST = HERE / "profile" / "golden_events.hpp"
BASELINES = HERE / "baselines"

# The calls the C++ test makes (golden_text), in the same order.
CALLS = {
    "profile-table.txt": (
        False,
        [("self_cpu_time_total", 100), ("cpu_time_total", 5), ("cpu_time", -1), ("count", 3), (None, 100)],
    ),
    "profile-table-by-shape.txt": (True, [("cpu_time_total", 100), ("self_cpu_time_total", 4)]),
}


def read_events():
    text = TEST.read_text(encoding="utf-8")
    block = re.search(r"// golden events begin\n(.*?)\n\s*// golden events end", text, re.S)
    if block is None:
        sys.exit(f"{TEST}: no '// golden events begin/end' block")
    rows = []
    for line in block.group(1).splitlines():
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        # {"name", 1'000, 2'000, 1, false, false, "[[8], [8]]"},  ->  a Python tuple
        m = re.fullmatch(r'\{(".*?"), ([\d\']+), ([\d\']+), (\d+), (true|false), (true|false), (".*?")\},', line)
        if m is None:
            sys.exit(f"{TEST}: cannot read golden event line: {line}")
        name, start, end, thread, is_async, is_hidden, shapes = m.groups()
        rows.append(
            dict(
                name=ast.literal_eval(name),
                start_ns=int(start.replace("'", "")),
                end_ns=int(end.replace("'", "")),
                thread=int(thread),
                is_async=is_async == "true",
                is_hidden=is_hidden == "true",
                shapes=ast.literal_eval(shapes),
            )
        )
    return rows


class FakeKinetoEvent:
    """What _parse_kineto_results reads from a torch._C._autograd._KinetoEvent of a CPU op."""

    def __init__(self, row, correlation_id):
        self.row = row
        self.correlation_id_ = correlation_id

    def name(self):
        return self.row["name"]

    def is_hidden_event(self):
        return self.row["is_hidden"]

    def start_ns(self):
        return self.row["start_ns"]

    def end_ns(self):
        return self.row["end_ns"]

    def start_thread_id(self):
        return self.row["thread"]

    def end_thread_id(self):
        return self.row["thread"]

    def fwd_thread_id(self):
        return self.row["thread"]

    def is_async(self):
        return self.row["is_async"]

    def shapes(self):
        # C++ holds them as Python's str; "" is what C++ reports without record_shapes, Python's [].
        return ast.literal_eval(self.row["shapes"]) if self.row["shapes"] else []

    def device_type(self):
        return DeviceType.CPU

    def correlation_id(self):
        return self.correlation_id_

    def nbytes(self):
        return 0

    # Fields the CPU-only table does not use, at the values a CPU op has.
    def __getattr__(self, attr):
        defaults = {
            "overload_name": "",
            "concrete_inputs": [],
            "kwinputs": {},
            "stack": [],
            "scope": 0,
            "sequence_nr": -1,
            "device_index": -1,
            "device_resource_id": 0,
            "flops": 0,
            "is_user_annotation": False,
            "is_python_function": False,
            "activity_type": "cpu_op",
            "metadata_json": "",
            "extra_meta": {},
            "flow_id": 0,
            "flow_type": 0,
            "flow_start": False,
            "external_id": 0,
            "linked_correlation_id": 0,
            "structured_input_shapes": [],
            "structured_input_strides": [],
            "dtypes": [],
            "python_id": -1,
            "python_parent_id": -1,
            "python_module_id": -1,
            "privateuse1_elapsed_us": 0,
            "cuda_elapsed_us": 0,
        }
        if attr not in defaults:
            raise AttributeError(f"FakeKinetoEvent has no {attr}(); add it for this PyTorch version")
        return lambda: defaults[attr]


class FakeResult:
    def __init__(self, rows):
        self.events_ = [FakeKinetoEvent(r, i + 1) for i, r in enumerate(rows)]

    def events(self):
        return self.events_

    def trace_start_ns(self):
        return 0  # the C++ events are already relative to the trace's start


def main():
    rows = read_events()
    parsed = profile._parse_kineto_results(types.SimpleNamespace(use_device=None), FakeResult(rows))
    events = EventList(parsed, use_device=None, profile_memory=False, with_flops=False)
    events._build_tree()
    for file, (by_shape, calls) in CALLS.items():
        averages = events.key_averages(group_by_input_shapes=by_shape)
        out = ""
        for sort_by, row_limit in calls:
            out += f"sort_by={sort_by} row_limit={row_limit}\n"
            out += averages.table(sort_by=sort_by, row_limit=row_limit)
            out += "\n"
        path = BASELINES / file
        path.write_text(out, encoding="utf-8", newline="\n")
        print(f"wrote {path.relative_to(HERE.parent)} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
