// Config values are echoed back in error lines; a token pasted into the wrong place
// (a root, an output dir, a flag) must not be echoed with them. One redaction for the
// whole tool lives in src/errors.ts.
export { redactSecrets } from '../errors.js';
