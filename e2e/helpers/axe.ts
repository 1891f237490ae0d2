// axe-core run inside the page (issue 13: "axe runs in the e2e on every screen"). The engine's
// script is evaluated through the DevTools protocol, which the app's Content-Security-Policy does
// not block, so the page under test is the real one, headers and all.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let source: Promise<string> | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Every axe violation on the page as it is now (WCAG 2.x A and AA and best practices), one line per node. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  source ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const script = await source;
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(script);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: object, options: object) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    // React Aria's live announcer (a visually hidden log it adds to <body>) is left out: for a toast
    // it announces a short-lived `role="img"` labelled by the toast, which outlives the toast for a
    // few seconds and then points at nothing; that is the library's transient node, not the page.
    const result = await axe.run({ include: [['html']], exclude: [['[data-live-announcer]']] }, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
  });
}

/** The violations as readable text for an assertion message. */
export const describeViolations = (violations: AxeViolation[]): string =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.join('\n  ')}`).join('\n');
