"""The Python twin of workloads/fib.cjs: times fib(N) plain or under cProfile, prints JSON.

usage: python3 fib.py plain|cprofile N
"""
import cProfile
import json
import pstats
import sys
import time


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main(argv):
    mode, n = argv[1], int(argv[2])
    fib(20)  # warm up the interpreter's caches before timing, as the JS side warms up its JIT
    profiler = cProfile.Profile() if mode == "cprofile" else None
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    fib(n)
    if profiler is not None:
        profiler.disable()
    seconds = time.perf_counter() - start
    result = {"seconds": seconds, "python": "%d.%d.%d" % sys.version_info[:3]}
    if profiler is not None:
        stats = pstats.Stats(profiler).stats
        result["calls"] = sum(row[1] for key, row in stats.items() if key[2] == "fib")  # row = (cc, nc, ...)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv)
