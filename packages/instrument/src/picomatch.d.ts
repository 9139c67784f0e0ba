// Minimal types for picomatch 4 (the package ships none and @types/picomatch is not installed).
declare module "picomatch" {
  interface PicomatchOptions {
    dot?: boolean;
    nocase?: boolean;
  }
  function picomatch(glob: string | string[], options?: PicomatchOptions): (input: string) => boolean;
  namespace picomatch {
    /** Parses a glob; `isGlob` says whether it has any glob syntax at all. */
    function scan(glob: string): { isGlob: boolean };
  }
  export = picomatch;
}
