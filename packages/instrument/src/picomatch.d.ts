// Minimal types for picomatch 4 (the package ships none and @types/picomatch is not installed).
declare module "picomatch" {
  interface PicomatchOptions {
    dot?: boolean;
    nocase?: boolean;
  }
  function picomatch(glob: string | string[], options?: PicomatchOptions): (input: string) => boolean;
  export = picomatch;
}
