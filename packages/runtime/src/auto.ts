// `@tsprof/runtime/auto`: preloaded by `tsprof run` (node -r); starts the automatic session immediately.
import { startDefaultSession } from "./default-session";
import "./probe";

startDefaultSession();
