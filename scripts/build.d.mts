// Types of build.mjs for the TypeScript that imports it (bench).
export function build(options?: { ifStale?: boolean; log?: (line: string) => void }): void;
export function ensureBuild(log?: (line: string) => void): void;
