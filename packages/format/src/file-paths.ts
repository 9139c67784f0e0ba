// The function table's file names as paths: relative to the profile's root (meta.root), absolute,
// or no path at all (a page's http://… url, "~" for Python's builtins, "<unknown>"). Uses no string
// method: the .cpuprofile writer runs at exit, where the program may have replaced them.

/**
 * `file` as a normalized absolute path, resolved against `root` when relative; undefined for a url,
 * a name that is no path, or a relative path with no POSIX root to resolve it against.
 */
export function absolutePath(file: string, root: string | undefined): string | undefined {
  if (!isPath(file)) return undefined;
  if (file[0] === "/") return normalizedPath(file);
  if (root !== undefined && root[0] === "/") return normalizedPath(`${root}/${file}`);
  return undefined;
}

/** Whether `file` is a path relative to the profile's root (a path, not absolute). */
export function isRelativePath(file: string): boolean {
  return isPath(file) && file[0] !== "/";
}

/** A path rather than a url (`scheme://…`) or a name that is no path ("", "~", "<unknown>"). */
function isPath(file: string): boolean {
  return !(isUrl(file) || file === "" || file[0] === "~" || file[0] === "<");
}

/** `scheme://…` (RFC 3986 scheme: a letter, then letters, digits, "+", "-", "."). */
function isUrl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const letter = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
    if (i === 0 ? !letter : !(letter || (c >= "0" && c <= "9") || c === "+" || c === "-" || c === ".")) {
      return i > 0 && c === ":" && text[i + 1] === "/" && text[i + 2] === "/";
    }
  }
  return false;
}

/** An absolute POSIX path with its "." and ".." segments and repeated "/" resolved (path.posix.normalize without string methods). */
function normalizedPath(path: string): string {
  const segments: string[] = [];
  let count = 0;
  let segment = "";
  for (let i = 0; i <= path.length; i++) {
    const c = i < path.length ? path[i] : "/";
    if (c !== "/") {
      segment += c;
      continue;
    }
    if (segment === "..") {
      if (count > 0) count--;
    } else if (segment !== "" && segment !== ".") segments[count++] = segment;
    segment = "";
  }
  let result = "";
  for (let i = 0; i < count; i++) result += `/${segments[i]}`;
  return result === "" ? "/" : result;
}
