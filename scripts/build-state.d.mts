// Types of build-state.mjs for the TypeScript that imports it (e2e helpers, tests, bench).
export const repoRoot: string;
export const outputs: { server: string; cli: string; packages: string[]; dashboard: string; info: string };
export interface BuildState { state: 'fresh' | 'stale' | 'missing'; reason: string }
export function buildInputs(root?: string): string[];
export function hashInputs(root?: string): Record<string, string>;
export function readBuildInfo(root?: string): { builtAt: string; node: string; inputs: Record<string, string> } | null;
export function writeBuildInfo(hashes: Record<string, string>, root?: string): void;
export function buildState(root?: string): BuildState;
export function buildTools(root?: string): { tsc: string; vite: string } | null;
export function cannotBuildMessage(state: BuildState): string;
