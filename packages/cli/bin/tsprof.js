#!/usr/bin/env node
// The `tsprof` command. A committed stub so that npm can link the bin before the build.
"use strict";
require("../dist/bin.js").cli();
