// Minimal types for picomatch 4 (the package ships none and @types/picomatch is not installed).
declare module "picomatch" {
  interface PicomatchOptions {
    dot?: boolean;
    nocase?: boolean;
  }
  function picomatch(glob: string | string[], options?: PicomatchOptions): (input: string) => boolean;
  namespace picomatch {
    /** Parses a glob; `isGlob` says whether it has any glob syntax at all; `base` is its literal folder part, `glob` the rest. */
    function scan(glob: string): { isGlob: boolean; base: string; glob: string };
  }
  export = picomatch;
}
