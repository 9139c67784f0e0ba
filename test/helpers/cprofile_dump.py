"""Runs a parity program under cProfile and prints its call counts as JSON (Python 3.8-3.13).

usage: python3 cprofile_dump.py PROGRAM.py

Output (one JSON document on stdout, deterministic):

    {"functions": [{"name": "fact", "className": null, "line": 3, "kind": "function",
                    "calls": 11, "primitiveCalls": 1, "selfTicks": 21, "totalTicks": 21}, ...],
     "edges": [{"caller": 0, "callee": 1, "calls": 1, "primitiveCalls": 1,
                "selfTicks": 2, "totalTicks": 21}, ...]}

Times are in ticks of a stepping clock (cProfile's timer is a counter that advances by one
at every reading, i.e. once per call and once per return), which is what tsprof's
`TSPROF_CLOCK=tick` clock does too, so tottime and cumtime are comparable exactly.

`functions` lists every function defined in PROGRAM.py that was called, ordered by
(line, name); `edges` reference them by index, ordered by (callee, caller). The counts are
what `pstats.Stats(cProfile.Profile(builtins=False))` reports, with three exceptions:

- `<module>` (top-level code) is left out, and so are edges from it: on the JS side calls
  from module top level have no caller.
- Class bodies are left out: Python runs them as functions named after the class, JS
  class bodies are not functions.
- Generator functions (kind "generator") are counted by tsprof's documented rule, one call
  per invocation, instead of cProfile's one call per resume (cpython#115218). Those
  numbers come from a second run under `sys.setprofile` that counts distinct frames;
  cProfile's own count is kept as `cprofileCalls` for reference.
"""
import ast
import cProfile
import io
import itertools
import json
import os
import pstats
import sys

CO_GENERATOR = 0x20  # inspect.CO_GENERATOR; plain generators only (no async in parity programs)


def label(code):
    """The key cProfile and pstats use for a Python function: (file, first line, name)."""
    return (code.co_filename, code.co_firstlineno, code.co_name)


def enclosing_classes(tree):
    """Maps (def line, name) of every method to its class name, and lists the class bodies.

    A decorated def or class starts (co_firstlineno) at its first decorator, so both lines
    are recorded.
    """
    method_class = {}
    class_bodies = set()

    def first_lines(node):
        return {node.lineno} | {d.lineno for d in node.decorator_list}

    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for line in first_lines(node):
            class_bodies.add((line, node.name))
        for member in node.body:
            if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for line in first_lines(member):
                    method_class[(line, member.name)] = node.name
    return method_class, class_bodies


def all_codes(code):
    """Every code object nested in `code`, `code` included."""
    yield code
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            yield from all_codes(const)


def run_quietly(code, path, before, after):
    """Executes the program the way `python3 PROGRAM.py` would, its prints swallowed.

    `before` and `after` bracket exactly the program's own execution.
    """
    globs = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    saved_stdout = sys.stdout
    sys.stdout = io.StringIO()
    try:
        before()
        try:
            exec(code, globs)
        finally:
            after()
    finally:
        sys.stdout = saved_stdout


def profile_with_cprofile(code, path):
    """pstats' view of one run: {label: (cc, nc, tt, ct, callers)}, times in clock readings."""
    stepping_clock = itertools.count(1).__next__  # a C callable: reading it runs no Python frame
    profiler = cProfile.Profile(stepping_clock, 1, builtins=False)
    run_quietly(code, path, profiler.enable, profiler.disable)
    return pstats.Stats(profiler).stats


def count_generator_invocations(code, path, generator_labels):
    """One call per generator invocation, by tsprof's rule, from a `sys.setprofile` run.

    A resumed generator reuses its frame, so a frame seen for the first time is an
    invocation. Returns ({label: [calls, primitive]}, {(caller, callee): [calls, primitive]}),
    primitive meaning "not already active on the stack" (a suspended generator is not on
    the stack) for a function, and "the pair caller -> callee not already active above"
    for an edge, as cProfile defines them.
    """
    seen_frames = []  # keeps every frame alive, so that identity stays unique
    seen_ids = set()
    functions = {}
    edges = {}

    def on_event(frame, event, arg):
        if event != "call":
            return
        callee = label(frame.f_code)
        if callee not in generator_labels or id(frame) in seen_ids:
            return
        seen_frames.append(frame)
        seen_ids.add(id(frame))
        parent = frame.f_back
        caller = label(parent.f_code) if parent is not None else None
        function_active = False
        pair_active = False
        above = parent
        while above is not None:
            above_label = label(above.f_code)
            if above_label == callee:
                function_active = True
                if above.f_back is not None and label(above.f_back.f_code) == caller:
                    pair_active = True
            above = above.f_back
        counts = functions.setdefault(callee, [0, 0])
        counts[0] += 1
        counts[1] += 0 if function_active else 1
        if caller is not None:
            pair = edges.setdefault((caller, callee), [0, 0])
            pair[0] += 1
            pair[1] += 0 if pair_active else 1

    run_quietly(code, path, lambda: sys.setprofile(on_event), lambda: sys.setprofile(None))
    return functions, edges


def dump(path):
    path = os.path.abspath(path)
    with open(path, encoding="utf-8") as source_file:
        source = source_file.read()
    code = compile(source, path, "exec")
    method_class, class_bodies = enclosing_classes(ast.parse(source, path))
    generator_labels = {label(c) for c in all_codes(code) if c.co_flags & CO_GENERATOR}

    def is_program_function(key):
        if not isinstance(key, tuple) or key[0] != path:
            return False  # builtins are strings; other files are not the program
        _, line, name = key
        return name != "<module>" and (line, name) not in class_bodies

    stats = profile_with_cprofile(code, path)
    generator_functions, generator_edges = count_generator_invocations(code, path, generator_labels)

    keys = sorted((k for k in stats if is_program_function(k)), key=lambda k: (k[1], k[2]))
    index = {key: i for i, key in enumerate(keys)}
    functions = []
    edges = []
    for key in keys:
        cc, nc, tt, ct, callers = stats[key]  # function row: primitive calls first
        _, line, name = key
        entry = {
            "name": name,
            "className": method_class.get((line, name)),
            "line": line,
            "kind": "generator" if key in generator_labels else "function",
            "calls": nc,
            "primitiveCalls": cc,
            "selfTicks": int(tt),
            "totalTicks": int(ct),
        }
        if key in generator_labels:
            entry["cprofileCalls"] = nc
            entry["calls"], entry["primitiveCalls"] = generator_functions.get(key, [0, 0])
        functions.append(entry)
        for caller, caller_counts in callers.items():
            if caller not in index:
                continue
            edge_nc, edge_cc, edge_tt, edge_ct = caller_counts  # caller value: total calls first
            if key in generator_labels:
                edge_nc, edge_cc = generator_edges.get((caller, key), [0, 0])
                if edge_nc == 0:
                    continue  # only resumed from here, never invoked from here
            edges.append({"caller": index[caller], "callee": index[key],
                          "calls": edge_nc, "primitiveCalls": edge_cc,
                          "selfTicks": int(edge_tt), "totalTicks": int(edge_ct)})
    edges.sort(key=lambda e: (e["callee"], e["caller"]))
    return {"functions": functions, "edges": edges}


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: cprofile_dump.py PROGRAM.py\n")
        return 2
    try:
        result = dump(argv[1])
    except OSError as error:
        sys.stderr.write("cprofile_dump: cannot read %s: %s\n" % (argv[1], error.strerror))
        return 2
    except SyntaxError as error:
        sys.stderr.write("cprofile_dump: %s:%s: %s\n" % (argv[1], error.lineno, error.msg))
        return 2
    except Exception as error:  # the program's own failure: parity programs must run to the end
        sys.stderr.write("cprofile_dump: %s raised %s: %s\n" % (argv[1], type(error).__name__, error))
        return 1
    sys.stdout.write(json.dumps(result, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
