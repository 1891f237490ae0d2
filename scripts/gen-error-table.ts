// Prints the error-code table of packages/contracts as Markdown (used to keep README/docs in step).
import { errorCodeTable } from '../packages/contracts/src/errors.ts';

console.log('| errorCode | name | meaning |\n| --- | --- | --- |');
for (const e of errorCodeTable) console.log(`| ${e.code} | \`${e.name}\` | ${e.meaning} |`);
