import { z } from 'zod';

// Imported first by main.tsx, before any schema exists: zod must not compile parsers with
// `new Function`. The server's CSP has no 'unsafe-eval', and even zod's guarded probe for it is
// reported as a violation in the console.
z.config({ jitless: true });
