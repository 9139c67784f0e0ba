// The fib workload: naive recursive Fibonacci, the same shape as workloads/fib.py. Instrumented copies are made from this file.
"use strict";

function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

module.exports = { fib };
