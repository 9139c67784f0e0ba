// test262-harness `--preprocessor` for the plain configuration: every test runs exactly as test262 compiles it.
//
// It exists so both configurations go through the same harness pipeline (the preprocessor stage
// included) and differ only in what the instrumenting preprocessor does.
"use strict";

module.exports = function identity(test) {
  return test;
};
